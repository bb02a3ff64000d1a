"""Rust's ``%dep`` (CELL_MODEL.md section 6a) with the real cargo and rustc, and no network.

The crates come from Debian's packaged sources (``/usr/share/cargo/registry``, which ``./dev``
installs), reached only as a user would reach a mirror: a ``CARGO_HOME`` whose ``config.toml``
replaces crates.io with that directory. The built crates go to the user's cache
(``XDG_CACHE_HOME``), a folder of the module's. One kernel runs the cells; a second one, started
with the same environment, finds the crates built.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import localsources
import pytest
from ccell_rust import cargo as rust_cargo
from kernel_client import RunningKernel, complete_reply, inspect_reply

from ccellkernel.api.errors import MagicError
from ccellkernel.api.plugins import load_toolchain

pytestmark = pytest.mark.slow

REGISTRY = localsources.CRATES
PLOTTERS = 'plotters = { version = "0.3", default-features = false, features = ["evcxr", "all_series"] }'
BUILD_TIMEOUT = 600.0  # a first build of serde's derive on a busy two-core machine


def cargo() -> str:
    """cargo, which these tests need (a missing cargo fails them: ./dev installs Rust)."""
    found = shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    assert os.access(found, os.X_OK), "cargo is not installed: ./dev installs Rust with rustup"
    assert (REGISTRY / "rand-0.8.5").is_dir(), "Debian's crates are not installed: ./dev installs them"
    return found


@pytest.fixture(scope="module")
def cargo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A user's environment whose cargo takes crates from Debian's directory, and a cache of its own."""
    cargo()
    home = localsources.cargo_home(tmp_path_factory.mktemp("cargo-home"))
    cache = tmp_path_factory.mktemp("xdg-cache")
    return {**home, "XDG_CACHE_HOME": str(cache), "RUST_BACKTRACE": "0"}


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("notebook")


@pytest.fixture(scope="module")
def k(cargo_env: dict[str, str], notebook: Path) -> Iterator[RunningKernel]:
    running = RunningKernel("ccell-rust", env=cargo_env, cwd=notebook)
    yield running
    running.shutdown()


# -- reading a %dep line (no cargo) -----------------------------------------------------------------


def test_a_dep_line_is_one_cargo_entry_and_nothing_else() -> None:
    rust = load_toolchain("rust")
    (dep,) = rust.dependencies(' serde = { version = "1", features = ["derive"] }')
    assert (dep.name, dep.spec) == ("serde", '{ version = "1", features = ["derive"] }')
    assert rust.dependencies('rand = "0.8"')[0].spec == '"0.8"'
    for bad in (
        'x = "1"\n[patch.crates-io]\nrand = { path = "/tmp" }',  # a table smuggled in
        'a = "1"\nb = "2"',
        "rand",
        'rand = { version = "1", build = "rm -rf /" }',  # not a key cargo takes here
        'rand = { version = ["1"] }',
        '"rand x" = "1"',
        'ccell = "1"',
    ):
        with pytest.raises(MagicError):
            rust.dependencies(bad)


# -- one kernel ------------------------------------------------------------------------------------------


def test_a_crate_is_built_once_and_cells_use_it(k: RunningKernel) -> None:
    assert k.ok('println!("before");') == "before\n"
    result = k.execute('%dep rand = "0.8"', timeout=BUILD_TIMEOUT)
    assert result.status == "ok", result.describe()
    assert "rand 0.8.5" in result.stdout
    assert "Compiling rand v0.8.5" in result.stderr  # cargo's own progress, streamed
    code = 'use rand::Rng;\nlet x: u8 = rand::thread_rng().gen_range(1..=6);\nprintln!("{}", x < 7);'
    result = k.execute(code)
    assert result.stdout == "true\n", result.describe()
    assert "link" in result.reply_metadata["ccellkernel"]["timings"]  # a shared object with rand's rlibs
    assert k.ok('println!("after");') == "after\n"
    listing = k.ok("%dep")
    assert listing.startswith("rand  0.8.5  crates.io") and "rand_core 0.6.3" in listing


def test_completion_knows_a_crate(k: RunningKernel) -> None:
    matches = complete_reply(k.kc, "let r = rand::")["matches"]
    assert {"thread_rng", "Rng", "rngs"} <= set(matches), matches
    assert "SmallRng" in complete_reply(k.kc, "rand::rngs::Sm")["matches"]
    shown = inspect_reply(k.kc, "let x: u8 = rand::random", cursor=len("let x: u8 = rand::ran"))
    assert shown["found"], shown
    text = shown["data"]["text/plain"]
    assert text.startswith("pub fn random<T>() -> T") and "thread-local random number generator" in text
    followed = inspect_reply(k.kc, "rand::thread_rng")["data"]["text/plain"]  # a re-export, followed
    assert followed.startswith("pub fn thread_rng() -> ThreadRng"), followed


def test_a_derive_in_one_cell_serves_the_next(k: RunningKernel) -> None:
    result = k.execute(
        '%dep serde = { version = "1", features = ["derive"] }\n:dep serde_json = "1"', timeout=BUILD_TIMEOUT
    )
    assert result.status == "ok", result.describe()
    assert "Compiling serde_derive" in result.stderr  # a proc-macro crate
    assert "Compiling rand" not in result.stderr  # the set grew from the one built: rand is not built again
    k.ok("#[derive(serde::Serialize)]\nstruct P { x: i32 }")
    assert k.ok('println!("{}", serde_json::to_string(&P { x: 1 }).unwrap());') == '{"x":1}\n'
    assert "serde_json  1.0.87" in k.ok("%dep")


def test_a_plotters_chart_is_shown_by_its_evcxr_display(k: RunningKernel) -> None:
    result = k.execute(f"%dep {PLOTTERS}", timeout=BUILD_TIMEOUT)
    assert result.status == "ok", result.describe()
    chart = """\
use plotters::prelude::*;
evcxr_figure((320, 200), |root| {
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root).build_cartesian_2d(0f32..1f32, 0f32..1f32)?;
    chart.draw_series(LineSeries::new((0..=10).map(|x| (x as f32 / 10.0, (x * x) as f32 / 100.0)), &RED))?;
    Ok(())
})"""
    result = k.execute(chart)
    shown = [m.content["data"] for m in result.outputs if m.msg_type in ("display_data", "execute_result")]
    assert len(shown) == 1, result.describe()
    assert shown[0]["text/html"].startswith('<div style=""><svg') and "</svg>" in shown[0]["text/html"]
    assert "EVCXR" not in result.stdout  # the blocks became the display, not text


def test_bad_dep_lines_say_which_and_change_nothing(k: RunningKernel) -> None:
    before = k.ok("%dep")
    result = k.fails('%dep no_such_crate_here = "1"', "LibraryError")
    assert result.error["evalue"].startswith('%dep no_such_crate_here = "1": cargo failed')
    assert "no matching package named `no_such_crate_here`" in result.error["evalue"]
    assert len(result.error["evalue"].splitlines()) <= 10
    result = k.fails('%dep rand = "99"', "LibraryError")
    assert result.error["evalue"].startswith('%dep rand = "99"') and "0.8.5" in result.error["evalue"]
    result = k.fails('%dep x = "1" [patch.crates-io]', "MagicError")
    assert "one Cargo.toml dependency" in result.error["evalue"]
    result = k.fails('%dep mine = { path = "../no-such-folder" }', "LibraryError")
    assert "is not a crate" in result.error["evalue"]
    assert k.ok("%dep") == before
    assert k.ok('let x: u8 = rand::random();\nprintln!("{}", x as u32 + 1 > 0);') == "true\n"


def test_the_wait_for_a_registry_is_bounded_unless_the_user_chose(tmp_path: Path) -> None:
    assert rust_cargo.network_bounds({"CARGO_HOME": str(tmp_path)}, tmp_path) == [
        "--config",
        "http.timeout=15",
        "--config",
        "net.retry=1",
    ]
    (tmp_path / "config.toml").write_text("[net]\nretry = 5\n", encoding="utf-8")
    env = {"CARGO_HOME": str(tmp_path), "CARGO_HTTP_TIMEOUT": "60"}
    assert rust_cargo.network_bounds(env, tmp_path) == []


def test_an_unreachable_registry_is_named(k: RunningKernel, tmp_path: Path) -> None:
    home = tmp_path / "cargo-home"
    home.mkdir()
    (home / "config.toml").write_text(
        '[source.crates-io]\nreplace-with = "mirror"\n\n[source.mirror]\n'
        'registry = "sparse+http://127.0.0.1:9/index/"\n',
        encoding="utf-8",
    )
    k.ok(f"%env CARGO_HOME={home}")
    try:
        result = k.fails('%dep itoa = "1"', "LibraryError", timeout=60)
    finally:
        k.ok("%env --clear\n%env RUST_BACKTRACE=0")
    assert result.error["evalue"].startswith('%dep itoa = "1"')
    assert "the registry could not be reached" in result.error["evalue"]
    assert "CARGO_HOME" in result.error["evalue"]


def test_an_interrupted_build_leaves_nothing_and_the_next_dep_works(k: RunningKernel) -> None:
    before = k.ok("%dep")
    result = k.execute(
        '%dep regex = "1"',
        interrupt_when=lambda r: "Compiling" in r.stderr,
        timeout=BUILD_TIMEOUT,
    )
    assert result.status == "error" and result.ename == "KeyboardInterrupt", result.describe()
    assert k.ok("%dep") == before
    result = k.execute('%dep regex = "1"', timeout=BUILD_TIMEOUT)
    assert result.status == "ok", result.describe()
    assert "Compiling regex v1.7.1" in result.stderr  # built anew: nothing half-built was kept
    code = 'let re = regex::Regex::new(r"\\d+").unwrap();\nprintln!("{}", re.find("ab12").unwrap().as_str());'
    assert k.ok(code) == "12\n"


def test_rm_drops_a_crate_and_other_cells_still_work(k: RunningKernel) -> None:
    result = k.execute("%rm regex", timeout=BUILD_TIMEOUT)
    assert result.status == "ok", result.describe()
    assert "Compiling" not in result.stderr, result.describe()  # what is left was built already
    result = k.fails('let re = regex::Regex::new("a").unwrap();', "CompileError")
    assert "regex" in result.error["evalue"]
    assert k.ok('println!("{}", 1 + 1);') == "2\n"
    assert "regex" not in k.ok("%dep")


def test_the_export_builds_with_cargo(k: RunningKernel, notebook: Path, cargo_env: dict[str, str]) -> None:
    k.ok('let s = serde_json::to_string(&P { x: 7 }).unwrap();\nprintln!("{s}");')
    k.ok("%%export exported")
    folder = notebook / "exported"
    manifest = (folder / "Cargo.toml").read_text(encoding="utf-8")
    assert 'serde = { version = "1", features = ["derive"] }' in manifest
    assert (folder / "Cargo.lock").is_file()
    env = {**os.environ, **cargo_env, "CARGO_TARGET_DIR": str(folder / "target")}
    done = subprocess.run(
        [cargo(), "build", "--offline"], cwd=folder, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    ran = subprocess.run(["./target/debug/exported"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert ran.stdout == '{"x":7}\n', ran.stdout


def test_a_second_kernel_builds_nothing(k: RunningKernel, cargo_env: dict[str, str], tmp_path: Path) -> None:
    wanted = k.ok("%dep").splitlines()
    second = RunningKernel("ccell-rust", env=cargo_env, cwd=tmp_path)
    try:
        lines = (  # the first kernel's %dep lines, in another order
            f"%dep {PLOTTERS}\n"
            '%dep serde_json = "1"\n%dep rand = "0.8"\n%dep serde = { version = "1", features = ["derive"] }'
        )
        result = second.execute(lines, timeout=BUILD_TIMEOUT)
        assert result.status == "ok", result.describe()
        assert "Compiling" not in result.stderr, result.describe()  # cargo resolved, built nothing
        assert sorted(second.ok("%dep").splitlines()) == sorted(wanted)
        assert second.ok('let x: u8 = rand::random();\nprintln!("{}", x < 255 || x == 255);') == "true\n"
    finally:
        second.shutdown()

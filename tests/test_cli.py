"""Packaging and the ``ccellkernel`` command: kernelspecs, install locations, list, missing compilers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel

from ccellkernel.api.plugins import load_toolchain

ROOT = Path(__file__).resolve().parent.parent
LOGOS = {"logo-32x32.png", "logo-64x64.png", "logo-svg.svg"}


def ccellkernel(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccellkernel", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


BUILT_IN = [("c", "C (compiled)", "c"), ("go", "Go (compiled)", "go"), ("rust", "Rust (compiled)", "rust")]


@pytest.mark.parametrize(("name", "display_name", "language"), BUILT_IN)
def test_shipped_kernelspec_is_what_the_toolchain_describes(name, display_name, language):
    shipped = json.loads((ROOT / "kernelspecs" / f"ccell-{name}" / "kernel.json").read_text())
    assert shipped == load_toolchain(name).kernelspec("python")
    assert shipped["interrupt_mode"] == "message"
    assert (shipped["display_name"], shipped["language"]) == (display_name, language)


@pytest.mark.parametrize(("name", "display_name", "language"), BUILT_IN)
def test_installed_environment_has_the_kernel_with_logos(name, display_name, language):
    spec = KernelSpecManager().get_kernel_spec(f"ccell-{name}")
    assert (spec.display_name, spec.language) == (display_name, language)
    assert LOGOS <= {p.name for p in Path(spec.resource_dir).iterdir()}


def test_install_into_a_prefix(tmp_path):
    done = ccellkernel("install", "--prefix", str(tmp_path))
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "share" / "jupyter" / "kernels" / "ccell-c"
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable  # works from anywhere, not only inside this environment
    assert spec["argv"][1:] == ["-m", "ccellkernel", "kernel", "c", "-f", "{connection_file}"]
    assert LOGOS <= {p.name for p in folder.iterdir()}
    assert (folder / "logo-64x64.png").read_bytes().startswith(b"\x89PNG")


def test_install_unknown_toolchain_names_the_known_ones(tmp_path):
    done = ccellkernel("install", "--prefix", str(tmp_path), "cobol")
    assert done.returncode == 2
    assert "no toolchain named 'cobol'" in done.stderr and "known: c, " in done.stderr
    assert "go" in done.stderr and "rust" in done.stderr


def test_list_shows_kernel_toolchain_and_compiler():
    done = ccellkernel("list")
    assert done.returncode == 0, done.stderr
    assert "ccell-c  C (compiled)" in done.stdout
    assert "ccell_c:CToolchain" in done.stdout
    assert "ccell-go  Go (compiled)" in done.stdout and "ccell-rust  Rust (compiled)" in done.stdout
    compiler = load_toolchain("c").find_compiler()
    assert compiler.version in done.stdout


def test_list_says_what_was_looked_for_when_no_compiler(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CC"}
    env["PATH"] = str(tmp_path)
    done = ccellkernel("list", env=env)
    assert "NOT FOUND" in done.stdout
    assert "looked for $CC (unset), cc, gcc, clang, tcc" in done.stdout


def test_kernel_subcommand_needs_a_toolchain_name():
    done = ccellkernel("kernel")
    assert done.returncode != 0
    assert "usage: ccellkernel kernel NAME" in done.stderr


@pytest.mark.parametrize("cc", [None, "no-such-compiler"])
def test_missing_compiler_is_a_toolchain_not_found_error(tmp_path, cc):
    env = {k: v for k, v in os.environ.items() if k != "CC"}
    env["PATH"] = str(tmp_path)
    if cc:
        env["CC"] = cc
    km, kc = start_new_kernel(kernel_name="ccell-c", env=env, cwd=str(tmp_path))
    try:
        reply = kc.execute_interactive('puts("hi");', timeout=30)
        content = reply["content"]
        assert content["status"] == "error"
        assert content["ename"] == "ToolchainNotFound"
        expected = "CC is set to 'no-such-compiler'" if cc else "looked for $CC (unset), cc"
        assert expected in content["evalue"]
        assert content["traceback"][0] == f"ToolchainNotFound: {content['evalue']}"
        # the kernel lives on and still answers
        assert kc.execute_interactive("%list", timeout=30)["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_wheel_ships_kernelspec_logos_and_toolchain(tmp_path):
    import zipfile

    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("ccellkernel-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name, _, _ in BUILT_IN:
        shared = f"ccellkernel-0.1.0.data/data/share/jupyter/kernels/ccell-{name}/"
        assert {shared + n for n in ("kernel.json", *LOGOS)} <= names
    assert {"ccell_c/__init__.py", "ccell_c/classify.py", "ccell_c/runtime/ccell.c"} <= names
    # the display bindings travel with their toolchains
    assert {"ccell_c/include/ccell.h", "ccell_go/display/display.go", "ccell_rust/ccell.rs"} <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[ccellkernel.toolchains]\nc = ccell_c:CToolchain\ngo = ccell_go:GoToolchain\n" in text
    assert "rust = ccell_rust:RustToolchain" in text

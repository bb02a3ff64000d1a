"""Build caches never make a stale program (issue 10), for C, Go and Rust, with the real compilers.

Each case is written once and run for every language (``LANGUAGES``); C's cells are units of its live
program (``ccellkernel.live``), cached the same way. ``Session.tools`` counts the
compilers and linkers a cell started: 0 means it was served from the kernel's cache.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cells import Cells
from kernel_client import RunningKernel

from ccellkernel.api.errors import CompileError, ExitStatus, ProgramSignal
from ccellkernel.api.plugins import load_toolchain
from ccellkernel.api.toolchain import Toolchain
from ccellkernel.builds.cache import MANIFEST
from ccellkernel.notebook.session import Session


@dataclass(frozen=True)
class Language:
    name: str
    hello: str  # prints hello
    panics: str  # fails at its line 2
    # a type and a function using it; the cell printing what the function makes of it; the type
    # redefined so that the function, unchanged, computes something else
    box: str
    grow: str
    use: str
    wider_box: str
    mode: str  # a function saying "flagged" or "plain"
    flags: str  # the %flags that make it say flagged
    show_mode: str
    where: str  # prints the path of the program that runs
    box_key: str  # the %rm argument that forgets the type


C = Language(
    name="c",
    hello='#include <stdio.h>\nprintf("hello\\n");',
    panics="#include <assert.h>\nassert(1 + 1 == 3);",
    box="#include <stdio.h>\nstruct Box { signed char v; };",
    grow="struct Box grow(struct Box b) { b.v += 100; b.v += 100; return b; }",
    use='printf("%d\\n", grow((struct Box){0}).v);',
    wider_box="struct Box { short v; };",
    mode='const char *mode(void) {\n#ifdef FLAGGED\n    return "flagged";\n#endif\n    return "plain";\n}',
    flags="%flags -DFLAGGED",
    show_mode='#include <stdio.h>\nprintf("%s\\n", mode());',
    where="#include <stdio.h>\n#include <unistd.h>\n%%\nchar at[4096] = {0};\n"
    'readlink("/proc/self/exe", at, sizeof at - 1);\nputs(at);',
    box_key='"struct Box"',
)
GO = Language(
    name="go",
    hello='fmt.Println("hello")',
    panics="var a []int\nfmt.Println(a[5])",
    box="type Box struct{ V int8 }",
    grow="func grow(b Box) Box { b.V += 100; b.V += 100; return b }",
    use="fmt.Println(grow(Box{0}).V)",
    wider_box="type Box struct{ V int16 }",
    mode='var mode = "plain"',
    flags="%flags -ldflags=-X=main.mode=flagged",
    show_mode="fmt.Println(mode)",
    where="fmt.Println(os.Args[0])",
    box_key="Box",
)
RUST = Language(
    name="rust",
    hello='println!("hello");',
    panics='let v: Vec<i32> = Vec::new();\nprintln!("{}", v[5]);',
    box="struct Box1 { v: i8 }",
    grow="fn grow(b: Box1) -> Box1 { Box1 { v: b.v.wrapping_add(100).wrapping_add(100) } }",
    use='println!("{}", grow(Box1 { v: 0 }).v);',
    wider_box="struct Box1 { v: i16 }",
    mode='fn mode() -> &\'static str { if cfg!(ccell_flagged) { "flagged" } else { "plain" } }',
    flags="%flags --cfg ccell_flagged",
    show_mode='println!("{}", mode());',
    where='println!("{}", std::env::current_exe().unwrap().display());',
    box_key="Box1",
)
LANGUAGES = {"c": C, "go": GO, "rust": RUST}


@pytest.fixture(scope="module")
def c_toolchain() -> Toolchain:
    return load_toolchain("c")


@pytest.fixture(scope="module")
def rust_toolchain() -> Toolchain:
    return load_toolchain("rust")


@pytest.fixture(params=sorted(LANGUAGES))
def lang(request: pytest.FixtureRequest) -> Language:
    return LANGUAGES[request.param]


@pytest.fixture
def toolchain(lang: Language, request: pytest.FixtureRequest) -> Toolchain:
    return request.getfixturevalue(f"{lang.name}_toolchain")


@pytest.fixture
def cells(toolchain: Toolchain, tmp_path: Path) -> Iterator[Cells]:
    session = Session(toolchain, cwd=tmp_path)
    yield Cells(session)
    session.close()


def test_an_unchanged_cell_run_again_builds_nothing(lang: Language, cells: Cells) -> None:
    assert cells.ok(lang.hello) == "hello\n"
    assert cells.session.tools > 0
    assert cells.ok(lang.hello) == "hello\n"
    assert cells.session.tools == 0, "a re-run is served from the cache"
    # a panic in a re-run names the cell it ran as, not the one it was built for
    first = cells.fails(lang.panics)
    again = cells.fails(lang.panics)
    assert cells.session.tools == 0
    failed = (ExitStatus, ProgramSignal)  # C's assert aborts
    assert isinstance(again, failed) and isinstance(first, failed)
    shown = cells.run(lang.panics)[0].text("stderr")
    assert f"Cell In[{cells.count}], line 2" in shown and f"Cell In[{cells.count - 1}]" not in shown, shown


def test_redefining_a_type_rebuilds_the_function_that_uses_it(lang: Language, cells: Cells) -> None:
    cells.ok(lang.box)
    cells.ok(lang.grow)
    assert cells.ok(lang.use) == "-56\n"  # 8 bits wrap
    assert cells.ok(lang.use) == "-56\n" and cells.session.tools == 0
    cells.ok(lang.wider_box)
    assert cells.ok(lang.use) == "200\n", "the function's cached code was not reused with the new type"


def test_a_forgotten_type_fails_the_function_even_where_main_does_not_use_it(
    lang: Language, cells: Cells
) -> None:
    """Leaving out what main does not reach never hides an error: after %rm the whole memory builds."""
    cells.ok(lang.box)
    cells.ok(lang.grow)
    assert cells.ok(lang.use) == "-56\n"
    grow_cell = cells.count - 1
    assert cells.ok(lang.hello) == "hello\n"  # main reaches nothing remembered
    cells.ok("%rm " + lang.box_key)
    err = cells.fails(lang.hello)
    assert isinstance(err, CompileError) and f"Cell In[{grow_cell}]" in "\n".join(err.traceback)


REACHED = {
    "c": (
        [
            "#include <stdio.h>\nstruct Greeter { const char *(*hello)(void); };",
            'const char *hi(void) { return "hi"; }',
            "struct Greeter g = { hi };",
            "int unused(void) { return 1; }",
        ],
        'printf("%s\\n", g.hello());',
        "hi\n",
    ),
    # (declarations, the cell, what it prints): reached only through a method, an initializer, a trait
    "go": (
        [
            'type Greeter struct{}\nfunc (Greeter) Hello() string { return "hi" }\nvar g = Greeter{}',
            'func announce() int { fmt.Println("started"); return 1 }\nvar started = announce()',
            "func unused() int { return 1 }",
        ],
        "fmt.Println(g.Hello())",
        "started\nhi\n",
    ),
    "rust": (
        [
            "trait Describe { fn describe(&self) -> String; }",
            'impl Describe for i32 { fn describe(&self) -> String { format!("int {}", self) } }',
            "macro_rules! twice { ($x:expr) => { $x * 2 }; }",
            "fn unused() -> i32 { 1 }",
        ],
        'println!("{} {}", 5.describe(), twice!(21));',
        "int 5 42\n",
    ),
}


def test_what_main_reaches_indirectly_stays_in_the_program(lang: Language, cells: Cells) -> None:
    declarations, cell, printed = REACHED[lang.name]
    for code in declarations:
        cells.ok(code)
    assert cells.ok(cell) == printed
    assert cells.ok(lang.hello).endswith("hello\n")  # a var's initializer runs in every program


def test_a_redefined_macro_rebuilds_the_function_that_uses_it(
    rust_toolchain: Toolchain, tmp_path: Path
) -> None:
    """Rust only: Go has no macros (the type case above is the same promise for both)."""
    session = Session(rust_toolchain, cwd=tmp_path)
    try:
        cells = Cells(session)
        cells.ok("macro_rules! scale { ($x:expr) => { $x * 2 }; }")
        cells.ok("fn answer() -> i32 { scale!(21) }")
        assert cells.ok('println!("{}", answer());') == "42\n"
        cells.ok("macro_rules! scale { ($x:expr) => { $x * 3 }; }")
        assert cells.ok('println!("{}", answer());') == "63\n"
    finally:
        session.close()


def test_flags_rebuild_and_clearing_them_finds_the_earlier_build(lang: Language, cells: Cells) -> None:
    cells.ok(lang.mode)
    assert cells.ok(lang.show_mode) == "plain\n"
    cells.ok(lang.flags)
    assert cells.ok(lang.show_mode) == "flagged\n"
    assert cells.session.tools > 0
    cells.ok("%flags --clear")
    assert cells.ok(lang.show_mode) == "plain\n"
    assert cells.session.tools == 0, "the build without flags is still in the cache"


def test_garbage_in_the_cache_is_detected_and_rebuilt(lang: Language, cells: Cells) -> None:
    """Also while C's live program runs what was built: it loads copies of its own, so the damage
    reaches only the next build that would take the entries."""
    cells.ok(lang.box)
    cells.ok(lang.grow)
    assert cells.ok(lang.use) == "-56\n"
    assert cells.ok(lang.hello) == "hello\n"
    damaged = 0
    for path in sorted(cells.session.cache.root.rglob("*")):
        if path.is_file() and "entries" in path.parts and path.name != MANIFEST:  # the products themselves
            try:
                if damaged % 2:
                    path.write_bytes(os.urandom(max(1, path.stat().st_size)))  # same size, other bytes
                else:
                    with open(path, "r+b") as f:  # truncated
                        f.truncate(max(0, path.stat().st_size // 2))
            except OSError as err:  # the live host's executable, running: no one can write it
                assert err.errno == errno.ETXTBSY and lang.name == "c", err
                continue
            damaged += 1
    assert damaged >= 2
    assert cells.ok(lang.hello) == "hello\n", "never linked or run"
    assert cells.session.tools > 0, "rebuilt"
    assert cells.ok(lang.hello) == "hello\n" and cells.session.tools == 0
    assert cells.ok(lang.use) == "-56\n"
    if lang.name == "c":  # a new live program takes every unit from the cache again: checked there
        cells.ok("%reset")
        cells.ok(lang.box)
        cells.ok(lang.grow)
        assert cells.ok(lang.use) == "-56\n"


def test_a_deleted_cache_directory_is_made_again(lang: Language, cells: Cells) -> None:
    cells.ok(lang.box)
    cells.ok(lang.grow)
    assert cells.ok(lang.use) == "-56\n"
    shutil.rmtree(cells.session.cache.root)
    assert cells.ok(lang.use) == "-56\n"
    assert cells.session.tools > 0
    assert cells.ok(lang.use) == "-56\n" and cells.session.tools == 0
    assert cells.session.cache.root.is_dir()


def test_a_cache_at_its_bound_evicts_and_stays_correct(
    lang: Language, toolchain: Toolchain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCELL_CACHE_LIMIT", "1")  # every entry is evicted as soon as it may be
    session = Session(toolchain, cwd=tmp_path)
    try:
        cells = Cells(session)
        cells.ok(lang.box)
        cells.ok(lang.grow)
        for _ in range(2):
            assert cells.ok(lang.use) == "-56\n"
            assert cells.ok(lang.hello) == "hello\n"
        assert len(session.cache.entries()) <= 4, "only what the last build used is kept"
        cells.ok(lang.wider_box)
        assert cells.ok(lang.use) == "200\n"
    finally:
        session.close()


def test_two_sessions_never_share_a_cache(lang: Language, toolchain: Toolchain, tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    one, two = (Session(toolchain, cwd=tmp_path / name) for name in ("one", "two"))
    try:
        a, b = Cells(one), Cells(two)
        assert one.cache.root != two.cache.root
        for session in (one, two):
            assert session.cache.root.is_relative_to(session.workdir)
            assert stat.S_IMODE(session.workdir.stat().st_mode) == 0o700
        a.ok(lang.mode)
        b.ok(lang.mode.replace("plain", "other"))
        for _ in range(2):
            assert a.ok(lang.show_mode) == "plain\n"
            assert b.ok(lang.show_mode) == "other\n"
    finally:
        one.close()
        two.close()


# -- the compiler changes while the kernel runs ------------------------------------------------------


def wrapper(path: Path, real: str, version: str | None) -> None:
    """A compiler wrapper that runs ``real``; with ``version``, it answers --version itself."""
    answer = f'if [ "$1" = "--version" ]; then echo "{version}"; exit 0; fi\n' if version else ""
    path.write_text(f'#!/bin/sh\n# {version}\n{answer}exec {real} "$@"\n')
    path.chmod(0o755)


UPGRADES = {  # language: (the compiler on PATH, the variable naming it, its version before and after)
    "rust": ("rustc", "RUSTC", "rustc 1.95.0 (first)", "rustc 1.96.0 (upgraded)"),
    # C: also for a cell whose unit holds only statements (nothing remembered names the compiler)
    "c": ("gcc", "CC", "cc (first) 12.2.0", "cc (upgraded) 13.1.0"),
}


@pytest.mark.parametrize("language", sorted(UPGRADES))
def test_a_new_compiler_version_invalidates(
    language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, variable, first, upgraded = UPGRADES[language]
    real = shutil.which(name)
    assert real is not None
    compiler = tmp_path / "bin" / name
    compiler.parent.mkdir()
    wrapper(compiler, real, first)
    monkeypatch.setenv(variable, str(compiler))
    hello = LANGUAGES[language].hello
    session = Session(load_toolchain(language), cwd=tmp_path)
    try:
        cells = Cells(session)
        assert cells.ok(hello) == "hello\n"
        assert cells.ok(hello) == "hello\n" and session.tools == 0
        wrapper(compiler, real, upgraded)
        assert cells.ok(hello) == "hello\n"
        assert session.tools > 0, "nothing built by the old compiler is used"
        assert session.toolchain.find_compiler().version == upgraded
    finally:
        session.close()


def test_a_changed_go_toolchain_invalidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which("go")
    assert real is not None
    go = tmp_path / "bin" / "go"
    go.parent.mkdir()
    wrapper(go, real, None)
    monkeypatch.setenv("GO", str(go))
    session = Session(load_toolchain("go"), cwd=tmp_path)
    try:
        cells = Cells(session)
        assert cells.ok(GO.hello) == "hello\n"
        assert cells.ok(GO.hello) == "hello\n" and session.tools == 0
        go.write_text(go.read_text() + "# upgraded\n")  # the go command that PATH names changed
        assert cells.ok(GO.hello) == "hello\n"
        assert session.tools > 0, "nothing built by the old toolchain is used"
    finally:
        session.close()


@pytest.mark.parametrize("state", ["live", "fresh"])
def test_a_changed_header_rebuilds_what_includes_it(tmp_path: Path, state: str) -> None:
    """``#include "mine.h"`` in the working directory: an edit reaches the functions already built
    (and, in C's live program, already loaded) with the old one."""
    header = tmp_path / "mine.h"
    header.write_text("#define N 3\nstruct pair { int a; };\n")
    session = Session(load_toolchain("c"), cwd=tmp_path)
    try:
        cells = Cells(session)
        cells.ok(f"%state {state}")
        cells.ok('#include <stdio.h>\n#include "mine.h"')
        cells.ok("int f(void) { return N; }\nstruct pair kept = {.a = 1};\nint other = 5;")
        cells.ok("kept.a += 10; other += 1;")
        assert cells.ok('printf("%d %d\\n", f(), N);') == "3 3\n"
        header.write_text("#define N 40\nstruct pair { long pad; int a; };\n")
        io, err = cells.run('printf("%d %d %d\\n", f(), N, kept.a);')
        assert err is None, err.traceback
        assert io.text() == "40 40 1\n", "rebuilt; the global of a changed type starts again"
        if state == "live":
            said = io.text("stderr")
            assert "mine.h changed: what was built with it is built again" in said, said
        assert cells.session.tools > 0
        again = cells.ok('printf("%d %d %d\\n", f(), N, kept.a);')
        assert again == "40 40 1\n" and cells.session.tools == 0, "built once"
    finally:
        session.close()


# -- a full disk ----------------------------------------------------------------------------------------

FULL_DISK = """
import asyncio, json, sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from cells import Cells
from ccellkernel.api.plugins import load_toolchain
from ccellkernel.notebook.session import Session

disk, language, declare, use = Path(sys.argv[1]), sys.argv[3], sys.argv[4], sys.argv[5]
session = Session(load_toolchain(language), cwd=disk)
asyncio.run(session.warm_up())
cells = Cells(session)
filler = open(disk / "filler", "wb")
try:
    while True:
        filler.write(b"x" * 65536)
        filler.flush()
except OSError:
    pass
_, err = cells.run(declare + "\\n" + use)
full = {"ename": err and err.ename, "evalue": err and err.evalue, "keys": cells.keys()}
filler.close()
(disk / "filler").unlink()
out = cells.ok(declare + "\\n" + use)
print(json.dumps({"full": full, "after": out, "keys": cells.keys()}))
session.close()
"""


def test_a_full_disk_is_a_clear_error_and_changes_nothing(lang: Language, tmp_path: Path) -> None:
    """On a small file system of its own (a private tmpfs in a mount namespace), the build runs out
    of space: the cell fails saying so, its declaration is not remembered; once there is room, it works."""
    script = tmp_path / "full_disk.py"
    script.write_text(FULL_DISK)
    disk = tmp_path / "disk"
    disk.mkdir()
    declare, use = {
        "c": ('#include <stdio.h>\nconst char *kept(void) { return "kept"; }', 'printf("%s\\n", kept());'),
        "go": ('func kept() string { return "kept" }', "fmt.Println(kept())"),
        "rust": ('fn kept() -> &\'static str { "kept" }', 'println!("{}", kept());'),
    }[lang.name]
    tests = str(Path(__file__).parent)
    inner = f'mount -t tmpfs -o size=48m tmpfs {disk} && TMPDIR={disk} exec "$@"'
    argv = ["unshare", "--mount", "--map-root-user", "sh", "-c", inner, "sh"]
    argv += [sys.executable, str(script), str(disk), tests, lang.name, declare, use]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["full"]["ename"] == "CompileError", found
    assert "no space left" in found["full"]["evalue"], found
    assert "kept" not in found["full"]["keys"], "the memory is unchanged"
    assert found["after"] == "kept\n" and "kept" in found["keys"]


# -- two real kernels at once -----------------------------------------------------------------------


@pytest.mark.slow
def test_two_kernels_at_once_keep_their_own_caches(lang: Language, tmp_path: Path) -> None:
    import threading

    kernels = [RunningKernel(f"ccell-{lang.name}", cwd=tmp_path) for _ in range(2)]
    try:
        for i, kernel in enumerate(kernels):
            kernel.ok(lang.mode.replace("plain", f"kernel {i}"))
        seen: dict[int, list[str]] = {0: [], 1: []}

        def runs(i: int) -> None:
            for _ in range(3):
                seen[i].append(kernels[i].execute(lang.show_mode, timeout=120).stdout)

        threads = [threading.Thread(target=runs, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert seen == {0: ["kernel 0\n"] * 3, 1: ["kernel 1\n"] * 3}
        places = [Path(k.execute(lang.where, timeout=120).stdout.strip()) for k in kernels]
        dirs = [next(p for p in path.parents if p.name.startswith(f"ccell-{lang.name}-")) for path in places]
        assert dirs[0] != dirs[1], "each kernel builds in its own directory"
        assert all(stat.S_IMODE(d.stat().st_mode) == 0o700 for d in dirs), "private to the user"
    finally:
        for kernel in kernels:
            kernel.shutdown()


def test_the_kernel_reports_what_a_cell_built(tmp_path: Path) -> None:
    """execute_reply metadata ccellkernel.tools: the benchmark's re-run row reads it."""
    kernel = RunningKernel("ccell-rust", cwd=tmp_path)
    try:
        first = kernel.execute(RUST.hello, timeout=120)
        again = kernel.execute(RUST.hello, timeout=120)
        assert first.status == again.status == "ok"
        assert first.reply_metadata["ccellkernel"]["tools"] > 0
        assert again.reply_metadata["ccellkernel"]["tools"] == 0
        assert "link" in first.reply_metadata["ccellkernel"]["timings"]
    finally:
        kernel.shutdown()

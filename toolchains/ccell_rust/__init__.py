"""The Rust toolchain: Rust cells compiled with rustc (``$RUSTC``, ``rustc`` on PATH, ``~/.cargo/bin``).

Registered like any third-party toolchain, under the entry point ``rust`` of ``ccellkernel.toolchains``.
Roles: ``split`` sorts a cell (CELL_MODEL.md's Rust keys), ``render`` writes the program (crate
attributes, items, a ``main`` returning ``Result`` so that ``?`` works), ``messages`` maps rustc's JSON
diagnostics and a panic's ``main.rs:L:C`` back to cells; this module finds rustc and builds.

Crates come with ``%dep`` (``crates.py`` reads the line, ``cargo.py`` has cargo resolve and build
them once into the user's cache); cells are still compiled by rustc, against the built crates
(``--extern``), so a cell costs what it cost before. For speed (benchmarks/README.md has the
figures), when the toolchain ships the standard library as a shared object:

- a cell that runs is compiled as a library object and linked as a shared object that a host program
  loads (``loader.py``, ``host.rs``): a few milliseconds of linking instead of twenty;
- every product goes into the kernel's ``BuildCache``, keyed by the program's text (its marker
  comments left out), the compiler's identity and what it links with: an unchanged cell builds
  nothing, and a cell that only declares is checked (``--emit=metadata``) once;
- once a memory has compiled as a whole, a cell's program holds only the items its ``main`` reaches
  (``ccellkernel.toolkit.reach``: Rust runs nothing before ``main``), so 300 remembered functions cost a
  trivial cell nothing.

``%flags``, ``%test`` and what a library object cannot be are built as a whole program (``-C
prefer-dynamic``, the library's folder as the binary's run path, rustc's incremental cache for a
large program).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import os
import shlex
import shutil
import struct
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import tree_sitter
import tree_sitter_rust

from ccellkernel.api.build import LibraryContext
from ccellkernel.api.errors import ToolchainNotFound
from ccellkernel.api.libraries import NO_LIBRARIES, Dependency, Libraries
from ccellkernel.api.memory import Fragment, Memory
from ccellkernel.api.program import CellParts, Diagnostic, Program
from ccellkernel.api.testing import TestPlan
from ccellkernel.api.toolchain import BuildContext, BuildResult, Compiler, Project, Toolchain
from ccellkernel.toolkit import content, reach

from . import cargo, crates, evcxr, loader, messages, names, project, tests
from . import prune as pruning
from .assist import RustAssistant
from .render import PLAIN, RICH
from .render import render as render_program
from .split import KEYWORDS, refine_cell, split_cell

EDITION = "2021"
# Warnings about unused code are noise in a notebook, where most code is not finished (CELL_MODEL 3);
# an ignored `Result` still deserves one.
QUIET = ("-A", "unused", "-W", "unused_must_use")
# From this size of program on, rustc's incremental cache pays: only main changes from cell to cell
# (1000 one-line functions: 206 ms instead of 235; for a trivial program it costs ~4 ms).
INCREMENTAL_FROM = 16_000
WARM_UP = 'fn main() {\n    println!("warm");\n}\n'


@dataclass(frozen=True)
class Runtime:
    """What the compiler found says about itself: the rustc to run (past rustup's proxy) and
    the folder of the standard library's shared object, if it ships one."""

    rustc: tuple[str, ...]
    dylib_dir: str | None
    files: tuple[str, ...] = ()  # whose change means another compiler (an upgrade in place)


class RustToolchain(Toolchain):
    """Rust, one cell at a time."""

    name: ClassVar[str] = "rust"
    display_name: ClassVar[str] = "Rust (compiled)"
    language_info: ClassVar[dict[str, Any]] = {
        "name": "rust",
        "version": "",
        "mimetype": "text/x-rustsrc",
        "file_extension": ".rs",
        "pygments_lexer": "rust",
        "codemirror_mode": "text/x-rustsrc",
        "nbconvert_exporter": "ccell-script",  # --to script writes the rendered program
    }
    help_links: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Rust standard library", "https://doc.rust-lang.org/std/"),
    )
    readme_section: ClassVar[str] = "how-cells-work"  # its Rust paragraph
    keywords: ClassVar[frozenset[str]] = KEYWORDS
    line_comment: ClassVar[str | None] = "//"
    order_free: ClassVar[bool] = True  # an item may use one declared further down

    def __init__(self) -> None:
        self._language = tree_sitter.Language(tree_sitter_rust.language())
        self._compiler: Compiler | None = None
        self._runtime: Runtime | None = None
        self._ccell: Path | None = None  # the display crate as an rlib, for whole programs
        self._fingerprint = ""  # of the compiler's files when it was found
        self._identity = ""  # its version and that fingerprint: part of every cache key
        self._loader: loader.Shared | None = None  # cells as shared objects, for this identity
        self._good: set[str] = set()  # memories (with the identity, libraries) that compiled as a whole
        self._libraries_key = ""  # of the libraries of the latest build: pruning is for them
        self._cargo_compiler: cargo.Compiler | None = None
        self.crate_sources: dict[str, dict[str, Path]] = {}  # by libraries key: each crate's lib.rs

    def grammar(self) -> tree_sitter.Language:
        return self._language

    # -- splitting and rendering ----------------------------------------------------------------

    def split(self, source: str, cell: int) -> CellParts:
        return split_cell(self._language, source, cell)

    def refine(self, cell: CellParts, memory: Memory) -> CellParts:
        return refine_cell(self._language, cell, memory)

    def render(self, memory: Memory, cell: CellParts) -> Program:
        return self._render(memory, cell, prune=cell.runs)  # %show (nothing runs) shows it all

    def _render(self, memory: Memory, cell: CellParts, prune: bool, how: str | None = None) -> Program:
        """``how``: how the tail value is shown (``render.SHOWN``); by evcxr's convention first if the
        program may call an ``evcxr_display`` (``evcxr.py``), else as ``Out[n]``."""
        signature = reach.signature(memory)
        how = how or (RICH if evcxr.possible(memory, cell) else PLAIN)
        shown = memory
        if prune and len(memory) and self._good_key(self._libraries_key, signature) in self._good:
            shown = pruning.needed(self._language, memory, cell)
        program = render_program(self._language, shown, cell, how)
        notes: dict[str, object] = {"memory": signature, "pruned": len(shown) < len(memory)}
        if len(shown) < len(memory):
            notes["full"] = functools.partial(self._render, memory, cell, False, how)
        if "value" in program.data:
            notes["show_as"] = functools.partial(self._render, memory, cell, prune)
        return dataclasses.replace(program, data={**program.data, **notes})

    def missing_names(self, diagnostic: Diagnostic) -> frozenset[str] | None:
        return names.missing_names(diagnostic)

    def statement_locals(self, statement: Fragment) -> tuple[str, ...]:
        return names.statement_locals(self._language, statement.text)

    def keep_hint(self, name: str) -> str:
        return names.keep_hint(name)

    def stderr_filter(self, program: Program) -> Callable[[str], str]:
        return messages.stderr_rewriter(program)

    def run_environment(self) -> Mapping[str, str]:
        # a panic shows its backtrace, which the stderr filter cuts down to the cells' frames
        return {} if "RUST_BACKTRACE" in os.environ else {"RUST_BACKTRACE": "1"}

    def render_tests(self, memory: Memory) -> TestPlan:
        return tests.plan(self._language, memory)

    def assistant(self, workdir: Path) -> RustAssistant:
        """rust-analyzer if it works, else the std docs and tree-sitter (``assist.py``)."""
        return RustAssistant(self, workdir)

    def project_files(
        self, program: Program, name: str, flags: Sequence[str] = (), libraries: Libraries = NO_LIBRARIES
    ) -> Project:
        """``src/main.rs`` and ``Cargo.toml`` (the ``%dep`` crates, their lock); see ``project.py``."""
        return project.project_files(program, name, flags, edition=EDITION, libraries=libraries)

    # -- libraries ----------------------------------------------------------------------------------

    def dependencies(self, text: str) -> tuple[Dependency, ...]:
        """One ``Cargo.toml`` dependency entry (``crates.py``)."""
        return crates.dependencies(text)

    async def resolve_libraries(self, wanted: Sequence[Dependency], ctx: LibraryContext) -> Libraries:
        """cargo resolves and builds the crates, or finds them built in the user's cache (``cargo.py``)."""
        if not wanted:
            return NO_LIBRARIES
        compiler = await self._compiler_for_cargo(ctx)
        libraries, sources = await cargo.resolve(wanted, ctx, compiler, EDITION)
        self.crate_sources[libraries.key] = sources
        return libraries

    async def _compiler_for_cargo(self, ctx: LibraryContext) -> cargo.Compiler:
        """The rustc that builds the cells (past rustup's proxy, when the runtime is known) and what
        it says of itself."""
        if self._cargo_compiler is None or self._cargo_compiler.identity != self._identity:
            argv = self._runtime.rustc if self._runtime is not None else self.find_compiler().argv
            result = await ctx.run_tool([*argv, "-vV"], cwd=ctx.cwd, progress=False)
            self._cargo_compiler = cargo.Compiler(argv[0], result.stdout, self._identity)
        return self._cargo_compiler

    def _good_key(self, libraries: str, signature: str) -> str:
        return content.key(self._identity, libraries, signature)

    # -- compiling --------------------------------------------------------------------------------

    def find_compiler(self) -> Compiler:
        if self._compiler is None:
            self._compiler = _find_compiler()
        return self._compiler

    async def warm_up(self, ctx: BuildContext) -> None:
        """Learn the sysroot, build the host and the display crate, choose the linker, and build a
        cell once, so that rustc and the standard library are in the page cache when the first
        cell comes."""
        runtime = await self._refresh(ctx)
        source = ctx.workdir / messages.SOURCE
        source.write_text(WARM_UP, encoding="utf-8")
        if self._loads(WARM_UP, ctx, runtime):
            shared = self._shared(runtime)
            await asyncio.gather(shared.host(ctx), shared.library(ctx))  # two cores: both at once
            program = Program(WARM_UP, (None,) * WARM_UP.count("\n"))
            if await shared.build(program, ctx, self._messages) is not None:
                return
        ccell = await self._display_crate(runtime, ctx)
        argv = self.command(runtime, ctx.workdir, source, ctx.workdir / "main", (), True, ccell=ccell)
        await ctx.run_tool(argv, cwd=ctx.workdir)

    async def build(self, program: Program, ctx: BuildContext) -> BuildResult:
        """The program, its tail value shown by evcxr's convention if a library may give its type an
        ``evcxr_display`` (plotters' figures); built again another way if the call cannot be made
        as rendered (``evcxr.fallback``). Every way has the same lines, so the program the session
        holds maps this one's lines too."""
        show_as = program.data.get("show_as")
        if callable(show_as) and ctx.libraries and program.data.get("shown") == PLAIN:
            program = show_as(RICH)
        result = await self._build(program, ctx)
        while callable(show_as) and (instead := evcxr.fallback(result, str(program.data.get("shown")))):
            program = show_as(instead)
            result = await self._build(program, ctx)
        return result

    async def _build(self, program: Program, ctx: BuildContext) -> BuildResult:
        runtime = await self._refresh(ctx)
        self._libraries_key = ctx.libraries.key
        good = self._good_key(ctx.libraries.key, str(program.data.get("memory", "")))
        if program.data.get("pruned") and (ctx.flags or ctx.tests or good not in self._good):
            full = program.data["full"]
            assert callable(full)
            program = full()  # not known to compile as a whole with this compiler and these flags
        result: BuildResult | None = None
        if self._loads(program.text, ctx, runtime):
            try:
                result = await self._shared(runtime).build(program, ctx, self._messages)
            except OSError as err:  # a full disk, a removed folder: say so, change nothing
                result = BuildResult(None, (Diagnostic("error", f"the build failed: {err}"),), str(err))
        if result is None:
            result = await self._build_whole(program, ctx, runtime)
        if (
            result.ok
            and not (ctx.flags or ctx.tests or program.data.get("pruned"))
            and "memory" in program.data
        ):
            self._good.add(good)
        return result

    def _loads(self, text: str, ctx: BuildContext, runtime: Runtime) -> bool:
        """Whether the program can run as a shared object in the host (``loader.py``)."""
        return (
            ctx.will_run
            and not ctx.flags
            and not ctx.tests
            and runtime.dylib_dir is not None
            and loader.WHOLE_PROGRAM_ONLY.search(text) is None
        )

    def _messages(self, output: str, program: Program, source: str) -> tuple[list[Diagnostic], str]:
        found, text = messages.parse_json(output, program, source)
        value_at = program.data.get("value")
        if isinstance(value_at, Fragment):
            found = messages.explain_value(found, value_at)
        return found, text

    def _shared(self, runtime: Runtime) -> loader.Shared:
        """Cells as shared objects for this compiler (made again when its identity changes)."""
        if self._loader is None or self._loader.identity != self._identity or runtime.dylib_dir is None:
            self._loader = loader.Shared(
                runtime.rustc,
                runtime.dylib_dir or "",
                self._identity,
                _dynamic(runtime),
                loader.Flags(EDITION, QUIET, INCREMENTAL_FROM),
            )
        return self._loader

    async def _build_whole(self, program: Program, ctx: BuildContext, runtime: Runtime) -> BuildResult:
        """The program as one crate built by rustc: an executable, or a check of a cell that only
        declares (cached by its text unless ``%flags`` may name files)."""
        checked = None
        if not ctx.will_run and not ctx.flags and loader.WHOLE_PROGRAM_ONLY.search(program.text) is None:
            checked = ctx.cache.key(
                "rust-check", self._identity, EDITION, loader.unmarked(program), str(ctx.tests)
            )
            entry = ctx.cache.get(checked)
            if entry is not None:
                found, text = self._messages(entry.meta.get("output", ""), program, messages.SOURCE)
                return BuildResult(ctx.workdir / "check.rmeta", tuple(found), text)
        ccell = None
        if not ctx.will_run and runtime.dylib_dir is not None:  # checking needs the crate's metadata only
            library = await self._shared(runtime).library(ctx)
            ccell = library.path("libccell.rmeta") if library is not None else None
        if ccell is None:
            ccell = await self._display_crate(runtime, ctx)
        source = ctx.workdir / messages.SOURCE
        source.write_text(program.text, encoding="utf-8")
        output = ctx.workdir / ("main" if ctx.will_run else "check.rmeta")
        incremental = None
        if len(program.text) >= INCREMENTAL_FROM:
            incremental = ctx.workdir / ("incremental" if ctx.will_run else "incremental-check")
        flags = (*ctx.flags, "--test") if ctx.tests else ctx.flags
        argv = self.command(
            runtime,
            ctx.workdir,
            source,
            output,
            flags,
            ctx.will_run,
            incremental,
            ccell=ccell,
            libraries=ctx.libraries.compile,
        )
        result = await ctx.run_tool(argv, cwd=ctx.cwd)
        found, text = self._messages(result.stderr + result.stdout, program, str(source))
        if result.returncode != 0:
            return BuildResult(None, tuple(found), text)
        if checked is not None:
            ctx.cache.put(checked, {}, {"output": result.stderr + result.stdout})
        return BuildResult(output, tuple(found), text)

    async def _display_crate(self, runtime: Runtime, ctx: BuildContext) -> Path | None:
        """The ``ccell`` crate (``ccell.rs``) as an rlib every cell links with; None if it fails."""
        if self._ccell is not None and self._ccell.exists():
            return self._ccell
        source = ctx.workdir / "ccell.rs"
        source.write_text(resources.files(__name__).joinpath("ccell.rs").read_text(), encoding="utf-8")
        rlib = ctx.workdir / "libccell.rlib"
        argv = [
            *runtime.rustc,
            "--edition",
            EDITION,
            "--crate-type",
            "rlib",
            "--crate-name",
            "ccell",
            "-o",
            str(rlib),
            str(source),
        ]
        result = await ctx.run_tool(argv, cwd=ctx.workdir)
        self._ccell = rlib if result.returncode == 0 else None
        return self._ccell

    def command(
        self,
        runtime: Runtime,
        workdir: Path,
        source: Path,
        output: Path,
        flags: Sequence[str],
        will_run: bool,
        incremental: Path | None = None,
        *,
        ccell: Path | None = None,
        libraries: Sequence[str] = (),
    ) -> list[str]:
        """The rustc command line: the user's ``%flags`` come last (so they win), and an
        ``--edition`` among them replaces the default. ``incremental``: rustc's cache folder;
        ``ccell``: the display crate to link with; ``libraries``: the ``%dep`` crates' arguments."""
        edition = (
            []
            if any(f == "--edition" or f.startswith("--edition=") for f in flags)
            else ["--edition", EDITION]
        )
        argv = [
            *runtime.rustc,
            *edition,
            "--error-format=json",
            "--crate-type",
            "bin",
            "--crate-name",
            "main",
            f"--remap-path-prefix={workdir}{os.sep}=",  # locations read main.rs:L:C
            *QUIET,
        ]
        if will_run:
            # line tables: a panic's backtrace names the cells' lines (about 5 ms a build)
            argv += [*_dynamic(runtime), "-C", "debuginfo=line-tables-only", "-o", str(output)]
        else:  # declarations only: type and borrow checking is all they need
            argv += ["--emit=metadata", "-o", str(output)]
        if incremental is not None:
            argv += ["-C", f"incremental={incremental}"]
        if ccell is not None:
            argv += ["--extern", f"ccell={ccell}"]
        return [*argv, *libraries, *flags, str(source)]

    async def _runtime_for(self, ctx: BuildContext) -> Runtime:
        if self._runtime is None:
            self._runtime = await _query_runtime(self.find_compiler(), ctx)
        return self._runtime

    async def _refresh(self, ctx: BuildContext) -> Runtime:
        """The compiler and its runtime, found anew if their files changed (upgraded while the
        kernel runs): the identity changes, and with it every key, so nothing built before is used."""
        runtime = await self._runtime_for(ctx)
        now = content.fingerprint(*runtime.files)
        if self._fingerprint and now != self._fingerprint:
            self._compiler = self._runtime = self._ccell = self._loader = self._cargo_compiler = None
            runtime = await self._runtime_for(ctx)
            now = content.fingerprint(*runtime.files)
        self._fingerprint = now
        self._identity = content.key(self.find_compiler().version, now, runtime.dylib_dir or "")
        return runtime


def _dynamic(runtime: Runtime) -> list[str]:
    """Link the standard library dynamically: ~25 ms less per cell, a 12 kB binary instead of 4 MB.
    The run path (not LD_LIBRARY_PATH) finds it, so the program's own children and a ``%env
    LD_LIBRARY_PATH`` are unaffected."""
    if runtime.dylib_dir is None:
        return []
    rpath = ["-C", "link-arg=-Xlinker", "-C", "link-arg=-rpath", "-C", "link-arg=-Xlinker"]
    return ["-C", "prefer-dynamic", *rpath, "-C", f"link-arg={runtime.dylib_dir}"]


async def _query_runtime(compiler: Compiler, ctx: BuildContext) -> Runtime:
    """Ask rustc for its sysroot and library folder (from the notebook's folder, where a
    ``rust-toolchain`` file may choose the toolchain)."""
    result = await ctx.run_tool(
        [*compiler.argv, "--print", "sysroot", "--print", "target-libdir"], cwd=ctx.cwd
    )
    lines = result.stdout.splitlines() if result.returncode == 0 else []
    named = shutil.which(compiler.argv[0]) or compiler.argv[0]
    if len(lines) != 2:
        return Runtime(compiler.argv, None, (named,))
    sysroot, libdir = (Path(line.strip()) for line in lines)
    rustc = compiler.argv
    real = sysroot / "bin" / "rustc"
    if _is_rustup_proxy(compiler.argv[0]) and os.access(real, os.X_OK):
        rustc = (str(real), *compiler.argv[1:])  # rustup's proxy costs ~7 ms a call
    dylibs = sorted(libdir.glob("libstd-*.so"))
    usable = bool(dylibs) and has_symbol_table(dylibs[0])
    files = (
        named,
        str(real),
        *map(str, sorted((sysroot / "lib").glob("librustc_driver-*.so"))),
        *map(str, dylibs),
    )
    return Runtime(rustc, str(libdir) if usable else None, tuple(dict.fromkeys(files)))


def has_symbol_table(library: Path) -> bool:
    """Whether a shared object kept its ``.symtab``. A stripped libstd (Debian's) cannot name the
    frames that delimit a short backtrace, and ``RUST_BACKTRACE=1`` would print no frame at all:
    such a toolchain links the standard library statically, as rustc does by default."""
    try:
        data = library.read_bytes()
        if data[:6] != b"\x7fELF\x02\x01":  # not 64-bit little-endian ELF: guess from the bytes
            return b".symtab" in data
        (table,) = struct.unpack_from("<Q", data, 0x28)
        size, count, names_index = struct.unpack_from("<HHH", data, 0x3A)
        _, _, _, _, names_at, _ = struct.unpack_from("<IIQQQQ", data, table + names_index * size)
        for i in range(count):
            (name,) = struct.unpack_from("<I", data, table + i * size)
            if data[names_at + name : names_at + name + 8] == b".symtab\0":
                return True
    except (OSError, struct.error):
        pass
    return False


def _is_rustup_proxy(path: str) -> bool:
    """Whether ``path`` is rustup's proxy: a symbolic or hard link to the ``rustup`` binary."""
    found = shutil.which(path)
    if found is None:
        return False
    if Path(found).resolve().name.startswith("rustup"):
        return True
    sibling = Path(found).parent / "rustup"
    try:
        return sibling.exists() and os.path.samefile(found, sibling)
    except OSError:
        return False


def _find_compiler() -> Compiler:
    looked: list[str] = []
    env_rustc = os.environ.get("RUSTC", "").strip()
    if env_rustc:  # the user's explicit choice: no silent fallback to another compiler
        argv = shlex.split(env_rustc)
        if argv and shutil.which(argv[0]):
            return Compiler(tuple(argv), _version(argv))
        raise ToolchainNotFound(
            f"RUSTC is set to {env_rustc!r}, which is not an executable on PATH. Fix or unset RUSTC "
            "before starting Jupyter, then restart the kernel."
        )
    looked.append("$RUSTC (unset)")
    looked.append("rustc on PATH")
    path = shutil.which("rustc")
    if path is None:
        cargo_bin = Path.home() / ".cargo" / "bin" / "rustc"
        looked.append(str(cargo_bin))
        if os.access(cargo_bin, os.X_OK):
            path = str(cargo_bin)
    if path is not None:
        return Compiler((path,), _version([path]))
    raise ToolchainNotFound(
        f"no Rust compiler found: looked for {', '.join(looked)}. Install Rust (https://rustup.rs, "
        "or `apt-get install rustc`) or set RUSTC before starting Jupyter, then restart the kernel."
    )


def _version(argv: list[str]) -> str:
    try:
        done = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown version"
    text = done.stdout.strip()
    return text.splitlines()[0] if done.returncode == 0 and text else "unknown version"

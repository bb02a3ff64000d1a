"""Rust cells as shared objects that a host program loads: a cell links in a few milliseconds.

Linking costs rustc about 20 ms of a trivial cell's 45: the C compiler driver, then the linker reading
the standard library. A cell compiled as a library object (``--crate-type lib --emit=obj``, still
the crate ``main``, with the same edition, lints and line tables) and linked as a shared object needs
neither: a shared object's undefined symbols are resolved when it is loaded, and the program that
loads it (``host.rs``, built once per compiler against the standard library's shared object) has the
standard library. The host finds ``cell.so`` beside itself and calls its ``ccell_main``: the cell's
``main`` reported through ``Termination``, as the runtime's start-up would (``Error: ...`` and status
1 for an ``Err``; a panic prints its message and backtrace and exits 101).

The linker is the fastest one present, measured once per kernel (``choose``): gold, GNU ld, mold,
ld.lld and rustc's own rust-lld all link a cell; here gold took 4 ms, ld 5, mold 8, rust-lld 10.

What a library object cannot be (``#![no_std]``, ``#![no_main]``, a ``#[global_allocator]``, a
``#[link]`` to a native library, ``include!`` of a file, ``%flags``) is built as a whole program.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ccellkernel.api.build import Entry
from ccellkernel.api.program import Diagnostic, Program
from ccellkernel.api.toolchain import BuildContext, BuildResult

Explain = Callable[[str, Program, str], "tuple[list[Diagnostic], str]"]

# The cell's entry point, after its main (a new line at the end: no line of the program moves).
ENTRY = (
    "#[no_mangle]\n"
    "pub fn ccell_main() -> ::std::process::ExitCode { ::std::process::Termination::report(main()) }\n"
)
# What only a whole program can be, or what reads files the key does not cover.
WHOLE_PROGRAM_ONLY = re.compile(
    r"#!\s*\[\s*(?:no_std|no_main|crate_type|crate_name|windows_subsystem)\b"
    r"|#\s*\[\s*(?:global_allocator|link\s*\(|path\s*=)"
    r"|\binclude(?:_str|_bytes)?\s*!"
)
TIMING_RUNS = 2  # links per candidate when choosing


@dataclass(frozen=True)
class Linker:
    """A linker and how to call it for a shared object of ``objects``."""

    name: str
    argv: tuple[str, ...]

    def command(self, output: Path, objects: Sequence[Path | str], archives: Sequence[str] = ()) -> list[str]:
        """``archives``: the ``%dep`` crates' rlibs, from which the linker takes what the cell uses."""
        group = ["--start-group", *archives, "--end-group"] if archives else []
        return [*self.argv, "-shared", "--eh-frame-hdr", "-o", str(output), *map(str, objects), *group]


def candidates(libdir: str) -> list[Linker]:
    """The linkers present: gold, GNU ld, mold, LLVM's ld.lld, and rustc's rust-lld."""
    found: list[Linker] = []
    for name in ("ld.gold", "ld.bfd", "mold", "ld.lld"):
        path = shutil.which(name)
        if path is not None:
            found.append(Linker(name, (path,)))
    rust_lld = Path(libdir).parent / "bin" / "rust-lld"
    if libdir and os.access(rust_lld, os.X_OK):
        found.append(Linker("rust-lld", (str(rust_lld), "-flavor", "gnu")))
    return found


async def choose(
    ctx: BuildContext, linkers: Sequence[Linker], objects: Sequence[Path], folder: Path
) -> Linker | None:
    """The linker that links ``objects`` fastest (the best of a few runs each, in turns); None if
    none of them can."""
    times: dict[Linker, list[float]] = {linker: [] for linker in linkers}
    for run in range(TIMING_RUNS):
        best = min((min(t) for t in times.values() if t), default=None)
        for linker in list(times):
            if best is not None and min(times[linker]) > 2 * best:
                del times[linker]  # far behind after one run: not worth timing again
                continue
            output = folder / f"choose-{run}.so"
            start = time.perf_counter()
            result = await ctx.run_tool(linker.command(output, objects), cwd=folder)
            if result.returncode != 0:
                del times[linker]
                continue
            times[linker].append(time.perf_counter() - start)
    if not times:
        return None
    return min(times, key=lambda linker: min(times[linker]))


# -- which symbols a cell needs, and which the host provides ----------------------------------------

_SHT_DYNSYM = 11
_SHN_UNDEF = 0
_STB_WEAK = 2
_STV_HIDDEN = 2
_LOADED = re.compile(r"^\s*(?:\S+\s+=>\s+)?(?P<path>/\S+)\s+\(0x[0-9a-f]+\)\s*$", re.MULTILINE)


def dynamic_symbols(path: Path) -> tuple[set[str], set[str]] | None:
    """(defined and exported, undefined and not weak) names of an ELF64 little-endian file's dynamic
    symbol table; None if it is not one this can read."""
    try:
        data = path.read_bytes()
        if data[:6] != b"\x7fELF\x02\x01":
            return None
        (shoff,) = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        defined: set[str] = set()
        undefined: set[str] = set()
        for section in sections:
            if section[1] != _SHT_DYNSYM:
                continue
            offset, size, link, entsize = section[4], section[5], section[6], section[9] or 24
            strings = sections[link][4]
            for at in range(offset + entsize, offset + size, entsize):  # entry 0 is the null symbol
                name_at, info, other, shndx = struct.unpack_from("<IBBH", data, at)
                end = data.index(b"\0", strings + name_at)
                name = data[strings + name_at : end].decode("utf-8", "replace")
                if not name:
                    continue
                if shndx == _SHN_UNDEF:
                    if info >> 4 != _STB_WEAK:
                        undefined.add(name)
                elif other & 3 != _STV_HIDDEN:
                    defined.add(name)
        return defined, undefined
    except (OSError, struct.error, ValueError, IndexError):
        return None


async def provided(ctx: BuildContext, host: Path) -> frozenset[str] | None:
    """The symbols a shared object loaded by ``host`` can use: what the host and every library it
    loads export (the loader lists them with ``LD_TRACE_LOADED_OBJECTS``)."""
    listing = await ctx.run_tool(
        [str(host)], cwd=host.parent, env={**os.environ, "LD_TRACE_LOADED_OBJECTS": "1"}
    )
    paths = [host, *(Path(m.group("path")) for m in _LOADED.finditer(listing.stdout))]
    if listing.returncode != 0 or len(paths) < 2:
        return None
    found: set[str] = set()
    for path in paths:
        symbols = dynamic_symbols(path)
        if symbols is None:
            return None
        found |= symbols[0]
    return frozenset(found)


def unresolved(shared: Path, available: frozenset[str]) -> set[str] | None:
    """The symbols ``shared`` needs that neither it nor ``available`` has (None: cannot tell)."""
    symbols = dynamic_symbols(shared)
    if symbols is None:
        return None
    defined, undefined = symbols
    return undefined - defined - available


@dataclass(frozen=True)
class Flags:
    """The compiler arguments a cell gets as a whole program too: edition, lints, and from which
    size of program on rustc's incremental cache pays."""

    edition: str
    lints: tuple[str, ...]
    incremental_from: int


class Shared:
    """Cells as shared objects for one compiler: the host, the display crate as a library object,
    the linker chosen, and the symbols the host provides, each made once."""

    def __init__(
        self, rustc: Sequence[str], libdir: str, identity: str, host_flags: Sequence[str], flags: Flags
    ) -> None:
        self.rustc = tuple(rustc)
        self.libdir = libdir
        self.identity = identity  # the compiler's version and fingerprint: part of every key
        self.host_flags = tuple(host_flags)  # how the host links the standard library's shared object
        self.flags = flags
        self._linker: Linker | None = None
        self._provided: frozenset[str] | None = None

    async def build(self, program: Program, ctx: BuildContext, explain: Explain) -> BuildResult | None:
        """The cell as ``cell.so`` beside a copy of the host, from the cache if it was built before;
        None if this cannot be done (then the whole program is built). ``explain`` turns rustc's
        output into diagnostics for ``program``."""
        host = await self.host(ctx)
        library = await self.library(ctx)
        if host is None or library is None:
            return None
        linker = await self.linker(ctx, library)
        if linker is None:
            return None
        text = unmarked(program) + ENTRY
        objects = [library.path("ccell.o")]  # compiler builtins come from libgcc_s, which the host loads
        parts = (self.identity, self.flags.edition, text, str(host), library.key, linker.name)
        entry_key = ctx.cache.key("rust-shared", *parts, *map(str, objects))
        entry = ctx.cache.get(entry_key)
        if entry is not None:
            found, shown = explain(entry.meta.get("output", ""), program, "main.rs")
            return BuildResult(entry.path("main"), tuple(found), shown)
        with ctx.cache.scratch() as folder:
            source = folder / "main.rs"
            source.write_text(text, encoding="utf-8")
            argv = [
                *self.rustc,
                "--edition",
                self.flags.edition,
                "--error-format=json",
                "--crate-type",
                "lib",
                "--crate-name",
                "main",
                f"--remap-path-prefix={folder}{os.sep}=",
                *self.flags.lints,
                "-C",
                "debuginfo=line-tables-only",
                "--emit=obj",
                "-o",
                str(folder / "cell.o"),
                "--extern",
                f"ccell={library.path('libccell.rmeta')}",
                *ctx.libraries.compile,
            ]
            if len(text) >= self.flags.incremental_from:
                argv += ["-C", f"incremental={ctx.workdir / 'incremental-shared'}"]
            result = await ctx.run_tool([*argv, str(source)], cwd=ctx.cwd)
            output = result.stderr + result.stdout
            found, shown = explain(output, program, str(source))
            if result.returncode != 0:
                return BuildResult(None, tuple(found), shown)
            start = time.perf_counter()
            archives = ctx.libraries.link if uses_crates(text, ctx.libraries.compile) else ()
            command = linker.command(folder / "cell.so", [folder / "cell.o", *objects], archives)
            linked = await ctx.run_tool(command, cwd=folder)
            timings = {"link": time.perf_counter() - start}
            if linked.returncode != 0:
                return None  # unexpected: the whole program says what is wrong, if anything
            available = await self.provided(ctx, host)
            missing = None if available is None else unresolved(folder / "cell.so", available)
            if missing is None or missing:
                return None  # it would not load (a function nothing defines): the whole program says so
            shutil.copy2(host, folder / "main")
            files = {"main": folder / "main", "cell.so": folder / "cell.so"}
            stored = ctx.cache.put(entry_key, files, {"output": output})
            if stored is not None:
                return BuildResult(stored.path("main"), tuple(found), shown, timings)
            kept = ctx.workdir / "shared"  # not stored (a full disk?): run it from the build folder
            shutil.rmtree(kept, ignore_errors=True)
            kept.mkdir()
            for name, path in files.items():
                os.replace(path, kept / name)
            return BuildResult(kept / "main", tuple(found), shown, timings)

    async def host(self, ctx: BuildContext) -> Path | None:
        """The host program (``host.rs``) for this compiler, built once into the cache."""
        source_text = resources.files(__package__).joinpath("host.rs").read_text(encoding="utf-8")
        entry_key = ctx.cache.key(
            "rust-host", self.identity, self.flags.edition, source_text, *self.host_flags
        )
        entry = ctx.cache.get(entry_key)
        if entry is not None:
            return entry.path("host")
        with ctx.cache.scratch() as folder:
            source = folder / "ccell-host.rs"
            source.write_text(source_text, encoding="utf-8")
            argv = [
                *self.rustc,
                "--edition",
                self.flags.edition,
                "--crate-type",
                "bin",
                "--crate-name",
                "ccell_host",
                f"--remap-path-prefix={folder}{os.sep}=",
                *self.host_flags,
                "-C",
                "debuginfo=line-tables-only",
                "-o",
                str(folder / "host"),
                str(source),
            ]
            result = await ctx.run_tool(argv, cwd=folder)
            if result.returncode != 0:
                return None
            stored = ctx.cache.put(entry_key, {"host": folder / "host"})
            return stored.path("host") if stored is not None else None

    async def library(self, ctx: BuildContext) -> Entry | None:
        """The ``ccell`` crate as a library object and its metadata, built once into the cache."""
        source_text = resources.files(__package__).joinpath("ccell.rs").read_text(encoding="utf-8")
        entry_key = ctx.cache.key("rust-ccell", self.identity, self.flags.edition, source_text)
        entry = ctx.cache.get(entry_key)
        if entry is not None:
            return entry
        with ctx.cache.scratch() as folder:
            source = folder / "ccell.rs"
            source.write_text(source_text, encoding="utf-8")
            argv = [
                *self.rustc,
                "--edition",
                self.flags.edition,
                "--crate-type",
                "lib",
                "--crate-name",
                "ccell",
                f"--remap-path-prefix={folder}{os.sep}=",
                "-C",
                "debuginfo=line-tables-only",
                "--emit=metadata,obj",
                "--out-dir",
                str(folder),
                str(source),
            ]
            result = await ctx.run_tool(argv, cwd=folder)
            if result.returncode != 0:
                return None
            files = {"libccell.rmeta": folder / "libccell.rmeta", "ccell.o": folder / "ccell.o"}
            return ctx.cache.put(entry_key, files)

    async def linker(self, ctx: BuildContext, library: Entry) -> Linker | None:
        """The fastest linker present for a cell's shared object, measured once."""
        if self._linker is None:
            with ctx.cache.scratch() as folder:
                self._linker = await choose(ctx, candidates(self.libdir), [library.path("ccell.o")], folder)
        return self._linker

    async def provided(self, ctx: BuildContext, host: Path) -> frozenset[str] | None:
        """The symbols a cell loaded by the host can use, read once."""
        if self._provided is None:
            self._provided = await provided(ctx, host)
        return self._provided


def uses_crates(text: str, compile_args: Sequence[str]) -> bool:
    """Whether a program names one of the ``%dep`` crates (``--extern NAME=...``): only then does its
    shared object link their rlibs (scanning them costs a few milliseconds). A crate used without
    being named leaves a symbol unresolved, and the whole program is built."""
    names = [arg.split("=", 1)[0] for prev, arg in itertools.pairwise(compile_args) if prev == "--extern"]
    return bool(names) and re.search(rf"\b(?:{'|'.join(map(re.escape, names))})\b", text) is not None


def unmarked(program: Program) -> str:
    """The program's text without its marker comments (``// Cell In[3], line 1``), which name the
    cells and nothing else: a re-run cell is the same program. Every line stays where it was."""
    lines = program.text.split("\n")
    for index, origin in enumerate(program.origins):
        if origin is None and index < len(lines) and lines[index].startswith("// Cell In["):
            lines[index] = ""
    return "\n".join(lines)

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

import os
import re
import shutil
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ccellkernel.toolchain import BuildContext

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

    def command(self, output: Path, objects: Sequence[Path | str]) -> list[str]:
        return [*self.argv, "-shared", "--eh-frame-hdr", "-o", str(output), *map(str, objects)]


def candidates(libdir: str | None) -> list[Linker]:
    """The linkers present: gold, GNU ld, mold, LLVM's ld.lld, and rustc's rust-lld."""
    found: list[Linker] = []
    for name in ("ld.gold", "ld.bfd", "mold", "ld.lld"):
        path = shutil.which(name)
        if path is not None:
            found.append(Linker(name, (path,)))
    if libdir is not None:
        rust_lld = Path(libdir).parent / "bin" / "rust-lld"
        if os.access(rust_lld, os.X_OK):
            found.append(Linker("rust-lld", (str(rust_lld), "-flavor", "gnu")))
    return found


async def choose(
    ctx: BuildContext, linkers: Sequence[Linker], objects: Sequence[Path], folder: Path
) -> Linker | None:
    """The linker that links ``objects`` fastest (the median of a few runs each, in turns); None if
    none of them can."""
    times: dict[Linker, list[float]] = {linker: [] for linker in linkers}
    for run in range(TIMING_RUNS):
        for linker in list(times):
            output = folder / f"choose-{run}.so"
            start = time.perf_counter()
            result = await ctx.run_tool(linker.command(output, objects), cwd=folder)
            if result.returncode != 0:
                del times[linker]
                continue
            times[linker].append(time.perf_counter() - start)
    if not times:
        return None
    return min(times, key=lambda linker: sorted(times[linker])[len(times[linker]) // 2])


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

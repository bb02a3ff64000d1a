"""Where a crashed native program died, in cell terms: ``Cell In[4], line 2, in divide``.

Public plugin API, for toolchains that build ELF programs with DWARF debug information and ``#line``
directives (gcc, clang; the built-in C toolchain). The program's runtime catches the fatal signal and
sends a crash report over the display channel (a frame of kind ``crash``, see ``api/display.py``), as
text::

    pc 0x55d0c3a4b1c9
    frames 0x7f... 0x7f... 0x55d0c3a4b1c9 0x55d0c3a4b2e0 ...
    maps
    <the process's /proc/self/maps>

``pc`` is the faulting instruction, ``frames`` the stack's return addresses (``backtrace(3)``). Each
address becomes an offset in the file it was loaded from, and ``addr2line`` reads that file's debug
information; since the program was written with ``#line`` directives, the files it names are ``Cell
In[N]``. Frames outside the cells (libc, the runtime, generated code) are left out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ccellkernel.api.program import cell_position

_MAP = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ \d+\s+(/.*)$")
_CELL = re.compile(r"Cell In\[(\d+)\]:(\d+)")
ET_EXEC = 2


@dataclass(frozen=True)
class Mapping:
    start: int
    end: int
    path: str


def parse_report(report: bytes) -> tuple[int, list[int], list[Mapping]]:
    """The report's pc, frame addresses and file mappings."""
    text = report.decode("utf-8", "replace")
    head, _, maps = text.partition("\nmaps\n")
    pc = 0
    frames: list[int] = []
    for line in head.splitlines():
        word, _, rest = line.partition(" ")
        values = [int(v, 16) for v in rest.split() if v.startswith("0x")]
        if word == "pc" and values:
            pc = values[0]
        elif word == "frames":
            frames = values
    mappings = []
    for line in maps.splitlines():
        match = _MAP.match(line)
        if match:
            mappings.append(Mapping(int(match.group(1), 16), int(match.group(2), 16), match.group(5)))
    return pc, frames, mappings


def explain(report: bytes) -> list[str]:
    """The calls that led to the crash, innermost last, as lines for the error's traceback."""
    pc, frames, mappings = parse_report(report)
    if not frames or shutil.which("addr2line") is None:
        return []
    # The frames up to the faulting one are the handler's own; after it come return addresses,
    # which point just past their call (minus one is inside it).
    if pc in frames:
        frames = frames[frames.index(pc) :]
        wanted = [frames[0]] + [f - 1 for f in frames[1:]]
    else:
        wanted = [f - 1 for f in frames[2:]]
    bases = _bases(mappings)
    by_file: dict[str, list[tuple[int, int]]] = {}
    for index, address in enumerate(wanted):
        mapping = next((m for m in mappings if m.start <= address < m.end), None)
        if mapping is None:
            continue
        base = 0 if _is_fixed(mapping.path) else bases.get(mapping.path, mapping.start)
        by_file.setdefault(mapping.path, []).append((index, address - base))
    places: dict[int, tuple[str, int, str]] = {}
    for path, entries in by_file.items():
        indexes, addresses = [i for i, _ in entries], [a for _, a in entries]
        for index, place in zip(indexes, _addr2line(path, addresses), strict=True):
            if place is not None:
                places[index] = place
    lines = [
        f"  {cell_position(int(cell), line)}, in {_function(function)}"
        for _, (cell, line, function) in sorted(places.items(), reverse=True)
    ]
    return ["Traceback (most recent call last):", *lines] if lines else []


def _function(name: str) -> str:
    """A function as the user wrote it: a cell's statements (the live program's ``ccell_run_...``)
    run as ``main``; a remembered function's symbol (``ccell_f_NAME_KEY``) is NAME."""
    if name.startswith("ccell_run_"):
        return "main"
    match = re.match(r"^ccell_f_(\w+?)_[0-9a-f]{16}$", name)
    return match.group(1) if match else name


def _bases(mappings: list[Mapping]) -> dict[str, int]:
    """Where each file is loaded: the start of its first mapping."""
    bases: dict[str, int] = {}
    for mapping in mappings:
        bases.setdefault(mapping.path, mapping.start)
    return bases


def _is_fixed(path: str) -> bool:
    """Whether ``path`` is a non-PIE executable (its addresses are absolute)."""
    try:
        with open(path, "rb") as f:
            head = f.read(18)
    except OSError:
        return False
    return len(head) == 18 and head[:4] == b"\x7fELF" and int.from_bytes(head[16:18], "little") == ET_EXEC


def _addr2line(path: str, addresses: list[int]) -> list[tuple[str, int, str] | None]:
    """Per address: (cell, line, function) when the address is in a cell's code."""
    if not Path(path).is_file():
        return [None] * len(addresses)
    argv = ["addr2line", "-e", path, "-f", "-a", *(hex(a) for a in addresses)]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return [None] * len(addresses)
    out = done.stdout.splitlines()
    found: list[tuple[str, int, str] | None] = []
    i = 0
    while i + 2 < len(out) + 1 and len(found) < len(addresses):
        if not out[i].startswith("0x") or i + 2 >= len(out) + 1:
            break
        function, place = out[i + 1], out[i + 2] if i + 2 < len(out) else ""
        match = _CELL.search(place)
        found.append((match.group(1), int(match.group(2)), function) if match else None)  # type: ignore[misc]
        i += 3
    return found + [None] * (len(addresses) - len(found))

"""The dynamic symbols of a shared object: what it defines and what it expects from others.

The live program (``program.py``) loads each cell as a shared object with lazy binding, so a call to a
function that nothing defines would only fail when it is made. The kernel reads each object's
dynamic symbol table (``.dynsym``) once and asks the host, before a cell runs, whether every
function the current objects call can be found: what a linker would have said.

Only 64-bit and 32-bit little- and big-endian ELF files are read; anything else gives no symbols.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

SHT_DYNSYM = 11
SHN_UNDEF = 0
STB_GLOBAL, STB_WEAK = 1, 2


@dataclass(frozen=True)
class Symbols:
    """Names a shared object defines, and names it needs from elsewhere."""

    defined: frozenset[str] = frozenset()
    undefined: frozenset[str] = frozenset()


def symbols(path: Path) -> Symbols:
    """The global and weak dynamic symbols of ``path`` (empty if it cannot be read as ELF)."""
    try:
        data = path.read_bytes()
        return _read(data)
    except (OSError, struct.error, IndexError, ValueError):
        return Symbols()


def _read(data: bytes) -> Symbols:
    if data[:4] != b"\x7fELF":
        return Symbols()
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        (shoff,) = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
        section = struct.Struct(order + "IIQQQQIIQQ")
        entry = struct.Struct(order + "IBBHQQ")
    else:
        (shoff,) = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x2E)
        section = struct.Struct(order + "IIIIIIIIII")
        entry = struct.Struct(order + "IIIBBH")
    sections = [section.unpack_from(data, shoff + i * shentsize) for i in range(shnum)]
    defined: set[str] = set()
    undefined: set[str] = set()
    for header in sections:
        if header[1] != SHT_DYNSYM:
            continue
        offset, size, link, entsize = header[4], header[5], header[6], header[9]
        strings = sections[link]
        names_at = strings[4]
        for i in range(1, size // (entsize or entry.size)):
            fields = entry.unpack_from(data, offset + i * (entsize or entry.size))
            if wide:
                name, info, _, shndx, _, _ = fields
            else:
                name, _, _, info, _, shndx = fields
            binding = info >> 4
            if binding not in (STB_GLOBAL, STB_WEAK):
                continue
            end = data.index(b"\0", names_at + name)
            text = data[names_at + name : end].decode("utf-8", "replace")
            if shndx != SHN_UNDEF:
                defined.add(text)
            elif binding == STB_GLOBAL:  # a weak undefined symbol may stay undefined
                undefined.add(text)
    return Symbols(frozenset(defined), frozenset(undefined))

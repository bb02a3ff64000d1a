"""Magic lines (CELL_MODEL.md section 6): parsed here, carried out by the session.

Magic lines come first in a cell. They are blanked, not removed, so the code's line numbers stay the
cell's own. A line holding only ``%%`` (first, or anywhere later) ends the declarations: what follows
is ``main``'s body.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from .errors import MagicError

MAGICS: dict[str, str] = {
    "%%": "the rest of the cell is main's body (declarations there become locals)",
    "%help": "what the kernel does, these magics, where memory lives",
    "%list": "the remembered declarations: key, kind, cell they came from",
    "%show": "the program as it would be rendered now, with cell markers",
    "%rm KEY ...": 'forget declarations (%rm square, %rm "struct S")',
    "%reset": "forget everything, keep flags",
    "%flags ARG ...": "extra compiler arguments for the following cells; alone: show them; --clear: clear",
    "%args ARG ...": "program arguments for the following runs; alone: show them; --clear: clear",
    "%env NAME=VALUE ...": "environment of the following runs; alone: show what was set",
    "!command": "run a shell command in the kernel's working directory",
    "%%export DIR": "write the program as a project that builds without the kernel (make, go build, "
    "cargo build); the rest of the cell is its main, else the last cell that ran",
}
KNOWN = ("help", "list", "show", "rm", "reset", "flags", "args", "env")
CELL_MAGICS = ("export",)  # %%NAME: the rest of the cell is the magic's own (Magic.body)


@dataclass(frozen=True)
class Magic:
    """One magic line: ``name`` without the ``%`` (``"!"`` for a shell line), its words, its text.

    A cell magic (``%%export DIR``) has a ``body``: the rest of the cell, from line ``line + 1``.
    """

    name: str
    args: tuple[str, ...]
    line: int
    text: str
    body: str | None = None


@dataclass(frozen=True)
class MagicSplit:
    """A cell taken apart: its magics, its code (magic lines blanked), and the body after ``%%``.

    ``body_line`` is the 1-based cell line where the body starts (None when there is no ``%%``).
    ``cell_magic`` is a ``%%NAME`` line that takes the rest of the cell (then ``code`` is empty).
    """

    magics: tuple[Magic, ...]
    code: str
    body: str | None
    body_line: int | None
    cell_magic: Magic | None = None


def known_magics() -> str:
    return ", ".join(m.split()[0] for m in MAGICS)


def split_magics(cell: str) -> MagicSplit:
    """Take the leading magic lines and the ``%%`` body off a cell. Raises ``MagicError``."""
    lines = cell.split("\n")
    magics: list[Magic] = []
    code_start = len(lines)
    for i, raw in enumerate(lines):
        text = raw.strip()
        if not text:
            continue
        if text == "%%":
            code_start = i
            break
        if text.startswith("%%"):
            magic = _parse(text[1:], i + 1, CELL_MAGICS, "%%")
            body = Magic(magic.name, magic.args, magic.line, text, "\n".join(lines[i + 1 :]))
            return MagicSplit(tuple(magics), "", None, None, body)
        if text.startswith("!"):
            magics.append(Magic("!", (), i + 1, text[1:].strip()))
        elif text.startswith("%"):
            magics.append(_parse(text, i + 1))
        else:
            code_start = i
            break
    body_at = next((i for i in range(code_start, len(lines)) if lines[i].strip() == "%%"), None)
    head_end = len(lines) if body_at is None else body_at
    code = "\n".join([""] * code_start + lines[code_start:head_end])
    if body_at is None:
        return MagicSplit(tuple(magics), code, None, None)
    return MagicSplit(tuple(magics), code, "\n".join(lines[body_at + 1 :]), body_at + 2)


def _parse(text: str, line: int, known: tuple[str, ...] = KNOWN, prefix: str = "%") -> Magic:
    parts = text[1:].split(None, 1)
    word, rest = [*parts, "", ""][:2]
    if word not in known:
        raise MagicError(f"unknown magic {prefix}{word} on line {line}; known: {known_magics()}")
    try:
        args = tuple(shlex.split(rest))
    except ValueError as err:
        raise MagicError(f"cannot split the arguments of {prefix}{word} on line {line}: {err}") from None
    return Magic(word, args, line, text)


def help_text(language: str, workdir: str) -> str:
    width = max(len(m) for m in MAGICS)
    rows = "\n".join(f"  {m.ljust(width)}  {what}" for m, what in MAGICS.items())
    return f"""\
ccellkernel — {language}, compiled a cell at a time.

Top-level declarations (functions, types, globals, includes...) are remembered across cells by name;
a newer one replaces an older one. The other top-level statements become main's body for this run.
Each cell is rendered into one program with everything remembered, compiled, and — only if it
compiled — its declarations are remembered. Then the program runs as a fresh process: globals start
from their initializers every time. A cell may define main itself.

Magics (first lines of a cell; arguments are split like a shell does, and never run by one):
{rows}

Memory lives in this kernel process (see %list, %show); build files in {workdir}, removed at shutdown.
Restarting the kernel forgets everything.
"""

"""Where the user is editing: the cursor in the cell, and the same place in the program that the cell
would render to (memory + the cell), so that a language server sees every remembered name.

The renderer keeps columns (a fragment's first line is padded to its column, later lines are the
cell's own), and ``Program.origins`` says which cell line each program line holds; a cell line may
be split over several program lines (``x := 1; x.`` is two statements), so the line that holds the
cursor is the one whose text agrees with the cell's up to the cursor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ccellkernel.api.editor import EditPoint
from ccellkernel.api.errors import MagicError
from ccellkernel.api.libraries import NO_LIBRARIES, Libraries
from ccellkernel.api.memory import Fragment, Memory
from ccellkernel.api.program import CellParts, Origin, Program
from ccellkernel.toolkit.magics import split_magics

if TYPE_CHECKING:
    from ccellkernel.api.toolchain import Toolchain

EDITED_CELL = 0  # the number the edited cell goes by in its program (real cells count from 1)
_SURROGATE = re.compile("[\ud800-\udfff]")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD_BEFORE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_WORD_AFTER = re.compile(r"[A-Za-z0-9_]*")
_QUALIFIED_BEFORE = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*\s*(?:\.|->|::)\s*)*[A-Za-z_][A-Za-z0-9_]*\Z")


def clean(code: str, cursor: int | None) -> tuple[str, int]:
    """The cell with lone surrogates replaced (same length), and the cursor clamped into it."""
    code = _SURROGATE.sub("\ufffd", code)
    cursor = len(code) if cursor is None else cursor
    return code, max(0, min(len(code), cursor))


def line_and_column(code: str, cursor: int) -> tuple[int, int]:
    """0-based line and column (code points) of offset ``cursor``."""
    line = code.count("\n", 0, cursor)
    return line, cursor - (code.rfind("\n", 0, cursor) + 1)


def edit_point(
    toolchain: Toolchain,
    memory: Memory,
    code: str,
    cursor: int,
    flags: Sequence[str] = (),
    cwd: Path = Path(),
    libraries: Libraries = NO_LIBRARIES,
) -> EditPoint | None:
    """The cursor of a cleaned cell in the program rendered from ``memory`` and that cell: the cell
    split as a run would split it, else (the cursor's line did not make it into that program) the
    whole cell as ``main``'s body. None if neither holds it or the cell's magics are malformed."""
    try:
        split = split_magics(code)
    except MagicError:
        return None
    line, column = line_and_column(code, cursor)
    cell_line = code.split("\n")[line]
    attempts = []
    parts = toolchain.split(split.code, EDITED_CELL)
    if split.body is not None and split.body.strip():
        assert split.body_line is not None
        body = Fragment(split.body, EDITED_CELL, split.body_line)
        parts = CellParts(parts.declarations, (*parts.statements, body), parts.main, parts.problems)
    attempts.append((memory.merge(parts.declarations), parts))
    raw = split.code if split.body is None else f"{split.code}\n\n{split.body}"
    attempts.append((memory, CellParts(statements=(Fragment(raw, EDITED_CELL, 1),))))
    for candidate, cell in attempts:
        program = toolchain.render(candidate, cell)
        found = _locate(program, Origin(EDITED_CELL, line + 1), column, cell_line)
        if found is not None:
            return EditPoint(code, cursor, program, found, column, tuple(flags), cwd, libraries)
    return None


def _locate(program: Program, origin: Origin, column: int, cell_line: str) -> int | None:
    """The program line holding the cell's ``origin`` line whose text agrees with the cell's up to
    ``column`` (from its first non-blank character on); the rightmost such start wins."""
    lines = program.text.split("\n")
    best: tuple[int, int] | None = None
    for index, at in enumerate(program.origins):
        if at != origin or index >= len(lines):
            continue
        text = lines[index]
        start = len(text) - len(text.lstrip())
        if start > column or text[start:column] != cell_line[start:column]:
            continue
        if best is None or start >= best[0]:
            best = (start, index)
    return None if best is None else best[1]


def word_at(code: str, cursor: int) -> tuple[str, int, int]:
    """The identifier around ``cursor`` (``(word, start, end)``), else the callee of the innermost
    unclosed ``(`` before it on its line (``printf("%d", |`` inspects ``printf``)."""
    before = _WORD_BEFORE.search(code, max(0, cursor - 200), cursor)
    after = _WORD_AFTER.match(code, cursor)
    start = before.start() if before else cursor
    end = after.end() if after else cursor
    if end > start and _IDENT.fullmatch(code[start:end]):
        return code[start:end], start, end
    line_start = code.rfind("\n", 0, cursor) + 1
    depth = 0
    for i in range(cursor - 1, max(line_start, cursor - 500) - 1, -1):
        char = code[i]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                callee = _WORD_BEFORE.search(code[line_start:i].rstrip())
                if callee:
                    name_start = line_start + callee.start()
                    return callee.group(0), name_start, name_start + len(callee.group(0))
                return "", cursor, cursor
            depth -= 1
    return "", cursor, cursor


def qualified_before(code: str, end: int) -> str:
    """The dotted or ``::`` path that ends at ``end`` (``strings.ToUpper``, ``std::mem::swap``)."""
    match = _QUALIFIED_BEFORE.search(code, max(0, end - 300), end)
    return re.sub(r"\s+", "", match.group(0)) if match else ""

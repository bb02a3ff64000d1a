"""What a toolchain hands back: a cell split into parts, and a rendered program that knows its origins."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .memory import Declaration, Fragment


@dataclass(frozen=True)
class CellParts:
    """A cell sorted by the toolchain (CELL_MODEL.md sections 2 and 3).

    ``statements`` become ``main``'s body in order; ``main`` is the cell's own ``main`` function, if any;
    ``problems`` are fragments the toolchain rejects outright (``(fragment, message)``); ``run``: the
    cell runs even if it only declares, because a declaration does something when the program starts
    (Go's ``func init``) and the user expects to see it now.
    """

    declarations: tuple[Declaration, ...] = ()
    statements: tuple[Fragment, ...] = ()
    main: Fragment | None = None
    problems: tuple[tuple[Fragment, str], ...] = ()
    run: bool = False

    @property
    def runs(self) -> bool:
        return bool(self.statements) or self.main is not None or self.run

    @property
    def declares_only(self) -> bool:
        """Whether the cell has no statements and no ``main`` (a ``run`` cell may still)."""
        return not self.statements and self.main is None


@dataclass(frozen=True)
class Origin:
    """Where a line of the rendered program came from: a cell and a line in it."""

    cell: int
    line: int


@dataclass(frozen=True)
class Program:
    """A rendered program: its text and, per line (0-based), the origin of that line or None.

    ``data`` is the toolchain's own (what its ``build`` wants to know about how it rendered).
    """

    text: str
    origins: tuple[Origin | None, ...]
    data: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    def origin(self, line: int) -> Origin | None:
        """The origin of 1-based ``line`` of the text, if it came from a cell."""
        if 1 <= line <= len(self.origins):
            return self.origins[line - 1]
        return None


LineDirective = Callable[[Origin | None, int], str]
"""``directive(origin, line)``: the directive making the next line ``origin`` (or, for generated code,
line ``line`` of the program file itself); empty if the language has none."""


@dataclass
class ProgramWriter:
    """Builds a ``Program`` line by line, inserting the toolchain's line directives before each fragment.

    ``directive(origin, line)`` returns the directive line (``#line 3 "Cell In[2]"``) for an origin,
    or for ``None`` (generated code, which then goes by its own line number ``line``). Every directive
    a renderer writes goes through here, so every line's origin is known.
    """

    directive: LineDirective
    _lines: list[str] = field(default_factory=list)
    _origins: list[Origin | None] = field(default_factory=list)

    def fragment(self, fragment: Fragment, text: str | None = None) -> None:
        """Write ``text`` (default: the fragment's own text) as coming from ``fragment``'s position."""
        body = fragment.text if text is None else text
        self._emit_directive(Origin(fragment.cell, fragment.line))
        for i, line in enumerate(body.split("\n")):
            prefix = " " * fragment.column if i == 0 else ""
            self._lines.append(prefix + line)
            self._origins.append(Origin(fragment.cell, fragment.line + i))

    def generated(self, text: str) -> None:
        """Write lines the toolchain made up (not from any cell)."""
        if self._origins and self._origins[-1] is not None:
            self._emit_directive(None)
        for line in text.split("\n"):
            self._lines.append(line)
            self._origins.append(None)

    def _emit_directive(self, origin: Origin | None) -> None:
        line = self.directive(origin, len(self._lines) + 2)
        if line:
            self._lines.append(line)
            self._origins.append(None)

    def program(self) -> Program:
        return Program("\n".join(self._lines) + "\n", tuple(self._origins))

    def text(self) -> str:
        """What is written so far: the start of ``program().text`` ("" when nothing is)."""
        return "\n".join(self._lines) + "\n" if self._lines else ""

    def copy(self) -> ProgramWriter:
        """Another writer that goes on from what this one has written."""
        return ProgramWriter(self.directive, list(self._lines), list(self._origins))


def cell_label(cell: int) -> str:
    """The name a cell goes by in diagnostics: ``Cell In[3]``."""
    return f"Cell In[{cell}]"


def cell_position(cell: int, line: int) -> str:
    """A line of a cell as errors and runtime messages name it: ``Cell In[3], line 5``."""
    return f"{cell_label(cell)}, line {line}"


@dataclass(frozen=True)
class Diagnostic:
    """One compiler message, mapped back to a cell where it could be (``cell`` is None otherwise)."""

    severity: str
    message: str
    cell: int | None = None
    line: int | None = None
    column: int | None = None
    raw: str = ""


def order_by_uses(decls: Sequence[Declaration]) -> list[Declaration]:
    """Stable topological order: a declaration comes after the ones (in ``decls``) whose keys it uses.

    Among declarations free to go, the earliest defined goes first; a cycle is broken the same way.
    """
    owner = {k: i for i, d in enumerate(decls) for k in (*d.names, *d.keys)}
    waiting = [{owner[u] for u in d.uses if u in owner and owner[u] != i} for i, d in enumerate(decls)]
    users: list[list[int]] = [[] for _ in decls]
    for i, needed in enumerate(waiting):
        for j in needed:
            users[j].append(i)
    ready = [i for i, needed in enumerate(waiting) if not needed]
    heapq.heapify(ready)
    placed = [False] * len(decls)
    result: list[Declaration] = []
    while len(result) < len(decls):
        if ready:
            pick = heapq.heappop(ready)
        else:  # a cycle: its earliest defined member goes first (not one merely waiting on it)
            pick = _first_in_cycle(waiting, placed)
        if placed[pick]:
            continue
        placed[pick] = True
        result.append(decls[pick])
        for user in users[pick]:
            waiting[user].discard(pick)
            if not waiting[user] and not placed[user]:
                heapq.heappush(ready, user)
    return result


def _first_in_cycle(waiting: list[set[int]], placed: list[bool]) -> int:
    """The earliest unplaced declaration that (transitively) waits on itself."""
    for start in range(len(waiting)):
        if placed[start]:
            continue
        seen: set[int] = set()
        stack = list(waiting[start])
        while stack:
            node = stack.pop()
            if node == start:
                return start
            if node not in seen:
                seen.add(node)
                stack.extend(waiting[node])
    return placed.index(False)


_POSITION = re.compile(r"Cell In\[(\d+)\]:(\d+)(?::\d+)?")  # what line directives make programs print


def name_cells(text: str) -> str:
    """``Cell In[3]:5`` and ``Cell In[3]:5:9`` in program output as ``Cell In[3], line 5``."""
    return _POSITION.sub(lambda m: cell_position(int(m.group(1)), int(m.group(2))), text)

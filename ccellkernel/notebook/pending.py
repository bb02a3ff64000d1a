"""Pending declarations (CELL_MODEL.md section 4): declarations that wait for names a later cell declares.

In an order-free language (``Toolchain.order_free``: Go, Rust) a declaration may use a type or
function declared further down the file. Cell by cell that declaration comes first and does not
compile yet. So a cell that only declares, and whose only errors are names that no cell declares
(``Toolchain.missing_names``), is kept *pending*: outside the memory, with the names it waits for,
and the cell's reply is ok with one stderr line (``List waits for: element``).

``settle`` takes every cell from its split parts to what the session commits:

1. the cell's declarations replace pending ones with the same key (newest wins);
2. the pending cells whose names the cell now declares (or another such pending cell does) are
   *ready*: they are built with it, and join the memory with it if that compiles;
3. a ready cell that still only misses names (others, now that the first ones exist) goes on
   waiting, and the build is tried without it; one with a real error fails this cell, naming both;
4. a cell that itself only misses names becomes pending (when it only declares); a cell that runs
   and needs a pending declaration is built with it once more, so that its error is the real one,
   in the pending cell, with a line naming that cell;
5. any other failure is the cell's ``CompileError``, plus a line saying where a missing name came
   from when it was a statement's local in an earlier cell (``carryover``).

Nothing here changes the session: ``settle`` returns the memory and the pending set to commit, or
raises, and then both stay as they were. At most ``MAX_PENDING`` cells wait at a time, so a build
never has to take in more than that.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from ccellkernel.api.errors import CompileError
from ccellkernel.api.memory import Declaration, Memory
from ccellkernel.api.program import CellParts, Diagnostic, Program, cell_label
from ccellkernel.api.toolchain import BuildResult, Toolchain
from ccellkernel.notebook import carryover
from ccellkernel.toolkit.diagnostics import compile_error

MAX_PENDING = 100  # cells; past this a cell that would wait is an error
SHOWN_CELLS = 5  # cells named in one line before "and N more"
_WORD = re.compile(r"\w+")

Build = Callable[[Memory, CellParts], Awaitable[tuple[Program, BuildResult]]]


@dataclass(frozen=True)
class PendingCell:
    """The declarations of one cell that wait: for ``waits`` (names, in the order the compiler
    named them); ``subjects`` are the keys of the declarations those names are missing in."""

    cell: int
    declarations: tuple[Declaration, ...]
    waits: tuple[str, ...]
    subjects: tuple[str, ...] = ()

    @property
    def keys(self) -> list[str]:
        return [k for d in self.declarations for k in d.keys]

    def describe(self) -> str:
        """``List (Cell In[2])``: what waits, and where."""
        return f"{', '.join(self.subjects or self.keys[:1])} ({cell_label(self.cell)})"

    def waiting_line(self) -> str:
        """The stderr line of a cell that became pending: ``List waits for: element``."""
        subjects = self.subjects or tuple(self.keys[:1])
        verb = "waits" if len(subjects) == 1 else "wait"
        return f"{', '.join(subjects)} {verb} for: {', '.join(self.waits)}"


class Pending:
    """The pending cells, oldest first. Immutable like ``Memory``: every change returns a new one."""

    __slots__ = ("_cells",)

    def __init__(self, cells: Iterable[PendingCell] = ()) -> None:
        self._cells: tuple[PendingCell, ...] = tuple(cells)

    def __iter__(self) -> Iterator[PendingCell]:
        return iter(self._cells)

    def __len__(self) -> int:
        return len(self._cells)

    def __contains__(self, key: object) -> bool:
        return any(key in p.keys for p in self._cells)

    def keys(self) -> list[str]:
        return [k for p in self._cells for k in p.keys]

    def declarations(self) -> Iterator[tuple[PendingCell, Declaration]]:
        for pending in self._cells:
            for decl in pending.declarations:
                yield pending, decl

    def cells(self) -> set[int]:
        return {p.cell for p in self._cells}

    def put(self, pending: PendingCell) -> Pending:
        """With ``pending`` added, or replacing the entry of its cell."""
        cells = [p for p in self._cells if p.cell != pending.cell]
        cells.append(pending)
        return Pending(sorted(cells, key=lambda p: p.cell))

    def drop(self, cells: Iterable[int]) -> Pending:
        gone = set(cells)
        return Pending(p for p in self._cells if p.cell not in gone)

    def remove(self, keys: Iterable[str]) -> Pending:
        """Without the declarations owning any of ``keys`` (a cell left with none is gone)."""
        doomed = set(keys)
        return self._keep(lambda d: doomed.isdisjoint(d.keys))

    def replaced_by(self, declarations: Sequence[Declaration]) -> Pending:
        """Without the declarations that ``declarations`` replace (they share a key)."""
        new = {k for d in declarations for k in d.keys}
        return self._keep(lambda d: new.isdisjoint(d.keys))

    def _keep(self, keep: Callable[[Declaration], bool]) -> Pending:
        cells = []
        for pending in self._cells:
            kept = tuple(d for d in pending.declarations if keep(d))
            if len(kept) == len(pending.declarations):
                cells.append(pending)
            elif kept:
                subjects = tuple(s for s in pending.subjects if any(s in d.keys for d in kept))
                cells.append(replace(pending, declarations=kept, subjects=subjects))
        return Pending(cells)


@dataclass(frozen=True)
class Settled:
    """What a cell leaves to commit: the memory, the pending cells, and the build that succeeded
    (None when the cell itself became pending: nothing was built that could run). ``notice`` is a
    line for the cell's stderr."""

    memory: Memory
    pending: Pending
    program: Program | None = None
    result: BuildResult | None = None
    notice: str = ""


async def settle(
    toolchain: Toolchain,
    memory: Memory,
    pending: Pending,
    parts: CellParts,
    cell: int,
    build: Build,
    *,
    locals_: carryover.Locals,
    sources: Mapping[int, Sequence[str]],
) -> Settled:
    """Build cell ``cell`` (its ``parts``) on ``memory`` with the pending cells it makes ready.

    Returns what to commit; raises ``CompileError`` (and then nothing is to change)."""
    own = parts.declarations
    pending = pending.drop({cell}).replaced_by(own)
    joined = _ready(pending, memory, own) if toolchain.order_free else []
    needed: list[PendingCell] = []
    asked_for_needed = False
    while True:
        group = sorted([*joined, *needed], key=lambda p: p.cell)
        candidate = _merge(memory, group, own)
        program, result = await build(candidate, parts)
        if result.ok:
            return Settled(candidate, pending.drop(p.cell for p in group), program, result)
        failure = _Failure(toolchain, result, cell, candidate, pending, locals_, own)

        stuck = [p for p in joined if failure.only_waiting(p.cell)]
        if stuck:  # they go on waiting, for what is still missing; try again without them
            for p in stuck:
                pending = pending.put(replace(p, waits=failure.waits(p.cell)))
            joined = [p for p in joined if p not in stuck]
            continue

        if toolchain.order_free and parts.declares_only and not parts.problems and failure.pendable():
            return _wait(failure, memory, pending, parts, cell, sources)

        wanted = failure.wanted() - {k for p in group for k in p.keys}
        if wanted and not asked_for_needed:
            asked_for_needed = True
            needed = _closure(pending, wanted, exclude={p.cell for p in group})
            if needed:
                continue

        raise failure.error(sources, _notes(failure, joined, needed, cell))


def _wait(
    failure: _Failure,
    memory: Memory,
    pending: Pending,
    parts: CellParts,
    cell: int,
    sources: Mapping[int, Sequence[str]],
) -> Settled:
    waits = failure.waits(cell)
    subjects = _subjects(parts.declarations, failure.errors_in(cell))
    if len(pending) >= MAX_PENDING:
        cells = _cell_list(sorted(pending.cells()))
        raise failure.error(
            sources,
            [
                f"{cell_label(cell)} cannot wait for {', '.join(waits)}: {len(pending)} cells already "
                f"wait for names no cell declares ({cells}). Declare what they wait for, or forget "
                "some with %rm (see %list)."
            ],
        )
    entry = PendingCell(cell, parts.declarations, waits, subjects)
    return Settled(memory, pending.put(entry), notice=entry.waiting_line())


def _notes(failure: _Failure, joined: list[PendingCell], needed: list[PendingCell], cell: int) -> list[str]:
    """The lines naming the pending cells that took part in a failed build."""
    lines = []
    for p in joined:
        if failure.errors_in(p.cell):
            lines.append(
                f"{p.describe()} was pending, waiting for: {', '.join(p.waits)}; with "
                f"{cell_label(cell)} it does not compile. Fix either cell, or forget it with "
                f"{rm_command(_keys_of(p))}"
            )
    for p in needed:
        if failure.errors_in(p.cell):
            lines.append(f"{p.describe()} is pending: it waits for: {', '.join(p.waits)}")
    return lines


class _Failure:
    """A failed build, read for what pending declarations need to know."""

    def __init__(
        self,
        toolchain: Toolchain,
        result: BuildResult,
        cell: int,
        candidate: Memory,
        pending: Pending,
        locals_: carryover.Locals,
        own: Sequence[Declaration],
    ) -> None:
        self.result = result
        self.cell = cell
        self.toolchain = toolchain
        self.locals = locals_
        self.errors = [d for d in result.diagnostics if d.severity == "error"]
        self.missing = [toolchain.missing_names(d) for d in self.errors]
        self.declared = declared_names(candidate)
        self.pending_cells = pending.cells()
        # where each cell's declarations are: an error beside a missing name may follow from it
        self.spans: dict[int, list[tuple[int, int]]] = {}
        for decl in (*own, *(d for _, d in pending.declarations())):
            self.spans.setdefault(decl.cell, []).append((decl.fragment.line, decl.fragment.end_line))
        waiting = [d for i, d in enumerate(self.errors) if self._waiting(i)]
        self.waiting_spans = {span for d in waiting if (span := self._span(d)) is not None}

    def errors_in(self, cell: int) -> list[Diagnostic]:
        return [d for d in self.errors if d.cell == cell]

    def _waiting(self, index: int) -> bool:
        """Whether error ``index`` only says names are missing that a later cell may declare."""
        names = self.missing[index]
        if not names:
            return False
        cell = self.errors[index].cell
        return not (names & self.declared) and not any(
            self.locals.cell_of(name, before=cell) is not None for name in names
        )

    def _span(self, diag: Diagnostic) -> tuple[int, int, int] | None:
        """The declaration (cell, first line, last line) that ``diag`` points into, if any."""
        if diag.cell is None or diag.line is None:
            return None
        for first, last in self.spans.get(diag.cell, ()):
            if first <= diag.line <= last:
                return diag.cell, first, last
        return None

    def _excused(self, index: int) -> bool:
        """Waiting, or following from a missing name in the same declaration (``missing_names``
        gave no names: Go's "type parameter T cannot use operator >" when T's constraint is not
        declared yet)."""
        if self._waiting(index):
            return True
        return self.missing[index] == frozenset() and self._span(self.errors[index]) in self.waiting_spans

    def only_waiting(self, cell: int) -> bool:
        found = [i for i, d in enumerate(self.errors) if d.cell == cell]
        return any(self._waiting(i) for i in found) and all(self._excused(i) for i in found)

    def waits(self, cell: int) -> tuple[str, ...]:
        names: dict[str, None] = {}
        for diag, missing in zip(self.errors, self.missing, strict=True):
            if diag.cell == cell and missing:
                names.update(dict.fromkeys(sorted(missing)))
        return tuple(names)

    def pendable(self) -> bool:
        """Every error only misses names, and the cell has some of them; none is in code that
        compiled before (a remembered cell, generated code)."""
        if not self.only_waiting(self.cell):
            return False
        allowed = {self.cell} | self.pending_cells
        return all(d.cell in allowed and self._excused(i) for i, d in enumerate(self.errors))

    def wanted(self) -> set[str]:
        """The names the cell's own errors say are missing."""
        return {
            name
            for diag, missing in zip(self.errors, self.missing, strict=True)
            if diag.cell == self.cell and missing
            for name in missing
        }

    def error(self, sources: Mapping[int, Sequence[str]], lines: list[str]) -> CompileError:
        err = compile_error(self.result.diagnostics, self.result.output, sources)
        hint = carryover.hint(
            self.toolchain, self.errors, self.missing, self.locals, self.cell, self.declared
        )
        extra = [*lines, *([hint] if hint else [])]
        return CompileError(err.evalue, [*err.details, *extra]) if extra else err


def declared_names(memory: Memory) -> set[str]:
    """Every key and plain name the declarations of ``memory`` define."""
    return {name for decl in memory for name in (*decl.keys, *decl.identifiers)}


def _words(names: Iterable[str]) -> set[str]:
    return {word for name in names for word in _WORD.findall(name)}


def _decl_words(decls: Iterable[Declaration]) -> set[str]:
    return _words(name for d in decls for name in (*d.keys, *d.identifiers))


def _ready(pending: Pending, memory: Memory, own: Sequence[Declaration]) -> list[PendingCell]:
    """The pending cells this cell may let compile: one of the names they wait for is now declared,
    by this cell (or by another ready cell). Words, not whole names, so that a method waited for as
    ``List.Push`` or ``impl Display for Point`` is found in the declarations that define it. One
    name is enough (the compiler may have named one that only follows from another); a cell that
    still misses names after the build goes on waiting for those."""
    if not pending or not own:
        return []  # the common case costs nothing
    declared = _decl_words(memory) | _decl_words(own)
    contributed = _decl_words(own)
    ready: list[PendingCell] = []
    changed = bool(contributed)
    while changed:
        changed = False
        for p in pending:
            if p in ready:
                continue
            if any((w := _words([name])) and w <= declared and w & contributed for name in p.waits):
                ready.append(p)
                mine = _decl_words(p.declarations)
                declared |= mine
                contributed |= mine
                changed = True
    return sorted(ready, key=lambda p: p.cell)


def _closure(pending: Pending, wanted: set[str], exclude: set[int]) -> list[PendingCell]:
    """The pending cells declaring ``wanted`` names, and those declaring what they wait for."""
    chosen: list[PendingCell] = []
    queue = set(wanted)
    while queue:
        name = queue.pop()
        for p in pending:
            if p.cell in exclude or p in chosen:
                continue
            if _words([name]) <= _decl_words(p.declarations):
                chosen.append(p)
                queue |= set(p.waits)
    return sorted(chosen, key=lambda p: p.cell)


def _merge(memory: Memory, group: Sequence[PendingCell], own: Sequence[Declaration]) -> Memory:
    """``memory`` with the pending cells of ``group`` (each where its cell would have put it), then
    the cell's own declarations."""
    for p in group:
        memory = memory.merge(p.declarations, at_cell=p.cell)
    return memory.merge(own)


def _subjects(decls: Sequence[Declaration], errors: Sequence[Diagnostic]) -> tuple[str, ...]:
    """The keys of the declarations that the errors point into, in cell order."""
    lines = {d.line for d in errors if d.line is not None}
    return tuple(
        decl.identifiers[0] if decl.per_cell else decl.key  # `init`, not its key per cell
        for decl in decls
        if any(decl.fragment.line <= line <= decl.fragment.end_line for line in lines)
    )


def _keys_of(pending: PendingCell) -> list[str]:
    """The memory keys of what a pending cell's errors point into (``init@3fa9c2``, not ``init``)."""
    wanted = set(pending.subjects)
    keys = [
        d.key for d in pending.declarations if d.key in wanted or (d.per_cell and d.identifiers[0] in wanted)
    ]
    return keys or list(pending.keys[:1])


def rm_command(keys: Sequence[str]) -> str:
    """``%rm`` with ``keys`` as the user can type them: words as they are (``%rm struct S`` joins
    them), a key with quotes or other shell characters quoted."""
    words = [key if shlex.split(key) == key.split() else shlex.quote(key) for key in keys]
    return f"%rm {' '.join(words)}"


def _cell_list(cells: Sequence[int]) -> str:
    shown = ", ".join(cell_label(c) for c in cells[:SHOWN_CELLS])
    more = len(cells) - SHOWN_CELLS
    return f"{shown} and {more} more" if more > 0 else shown

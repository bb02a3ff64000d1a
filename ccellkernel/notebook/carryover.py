"""What does not carry over from cell to cell, said when it matters (CELL_MODEL.md section 5).

A statement's variables (Rust ``let x``, Go ``x :=``, anything declared after ``%%``) live in that
cell's ``main`` only: the next cell's program does not have them, and its compiler says no more
than "undefined: x". The session remembers, per name, the last cell whose statements declared it
(``Locals``, from ``Toolchain.statement_locals``); when a compile error is about such a name,
``hint`` gives the one line that says where it came from and how to keep it
(``Toolchain.keep_hint``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from ccellkernel.api.program import Diagnostic, cell_label
from ccellkernel.api.toolchain import Toolchain


class Locals:
    """Names declared by the statements of earlier cells, each with the last such cell. Immutable."""

    __slots__ = ("_cells",)

    def __init__(self, cells: Mapping[str, int] | None = None) -> None:
        self._cells: Mapping[str, int] = MappingProxyType(dict(cells or {}))

    def __len__(self) -> int:
        return len(self._cells)

    def record(self, cell: int, names: Iterable[str]) -> Locals:
        """With ``names`` as locals of ``cell``."""
        found = dict.fromkeys(names, cell)
        return Locals({**self._cells, **found}) if found else self

    def cell_of(self, name: str, before: int | None = None) -> int | None:
        """The last cell (before cell ``before``, if given) whose statements declared ``name``."""
        cell = self._cells.get(name)
        if cell is None or (before is not None and cell >= before):
            return None
        return cell


def hint(
    toolchain: Toolchain,
    errors: Sequence[Diagnostic],
    missing: Sequence[frozenset[str] | None],
    locals_: Locals,
    cell: int,
    declared: set[str],
) -> str | None:
    """The line for the first missing name that an earlier cell's statements declared, if any:
    ``x was a local of Cell In[3]: statements run once; declare it at the top of a cell to keep it
    (var x = ...)``."""
    for diag, names in zip(errors, missing, strict=True):
        for name in sorted(names or ()):
            source = locals_.cell_of(name, before=diag.cell if diag.cell is not None else cell)
            if source is None or name in declared:
                continue
            how = toolchain.keep_hint(name)
            return (
                f"{name} was a local of {cell_label(source)}: statements run once; "
                f"declare it at the top of a cell to keep it" + (f" ({how})" if how else "")
            )
    return None

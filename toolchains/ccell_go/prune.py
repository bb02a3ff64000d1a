"""Which remembered declarations a Go cell's program holds: what its ``main`` reaches.

Go runs nothing for a function, type or constant that nothing uses, so once a memory has compiled
as a whole (``GoToolchain`` keeps the signatures of those), a cell's program leaves the rest out
(``ccellkernel.toolkit.reach``): with 300 remembered functions a trivial cell compiles what a cell of an empty
notebook compiles. Every ``var`` (its initializer runs at start) and ``init`` stays, and a method
stays with its type.
"""

from __future__ import annotations

import tree_sitter

from ccellkernel.api.memory import Declaration, Memory
from ccellkernel.api.program import CellParts
from ccellkernel.toolkit import reach

from .classify import is_init, mentions, parse_go


def current_cell(cell: CellParts) -> int | None:
    """The execution count of the cell being run (the one every fragment of ``cell`` comes from)."""
    for fragment in (
        *cell.statements,
        *([cell.main] if cell.main else []),
        *(d.fragment for d in cell.declarations),
    ):
        return fragment.cell
    return None


def needed(language: tree_sitter.Language, memory: Memory, cell: CellParts) -> Memory:
    """The part of ``memory`` that the cell's ``main`` reaches (imports all stay: rendering keeps the
    used ones). Go runs nothing for a function, type or constant nothing uses; a ``var`` (its
    initializer runs at start) and ``init`` always stay, and a method stays with its type."""
    roots: set[str] = set()
    for fragment in (*cell.statements, *([cell.main] if cell.main else [])):
        roots |= mentions(parse_go(language, fragment.text).root_node)
    nodes = [_node(decl) for decl in memory]
    kept = reach.reachable(nodes, roots)
    return Memory(d for d, keep in zip(memory, kept, strict=True) if keep)


def _node(decl: Declaration) -> reach.Node:
    mentioned = decl.data.get("mentions", frozenset())
    names = mentioned if isinstance(mentioned, frozenset) else frozenset()
    if decl.kind == "method":
        return reach.Node(frozenset({str(decl.data.get("receiver", ""))}), names)
    always = (
        decl.kind in ("import", "var")
        or (decl.kind == "func" and is_init(decl.key))  # func init, GoNB's init_NAME
        or not isinstance(mentioned, frozenset)
    )
    return reach.Node(frozenset(decl.keys), names, always)

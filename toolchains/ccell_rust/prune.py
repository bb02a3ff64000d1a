"""Which remembered items a Rust cell's program holds: what its ``main`` reaches.

Rust runs nothing before ``main``, so an item nothing uses changes nothing but the time it takes to
compile. Once a memory has compiled as a whole (``RustToolchain`` keeps the signatures of those), a
cell's program leaves the rest out (``ccellkernel.toolkit.reach``): with 300 remembered functions a trivial
cell compiles what a cell of an empty notebook compiles.
"""

from __future__ import annotations

import tree_sitter

from ccellkernel.api.memory import Declaration, Memory
from ccellkernel.api.program import CellParts
from ccellkernel.api.syntax import parse
from ccellkernel.toolkit import reach

from .split import mentions


def needed(language: tree_sitter.Language, memory: Memory, cell: CellParts) -> Memory:
    """The part of ``memory`` that the cell's ``main`` reaches: Rust runs nothing before ``main``, so
    an item nothing uses changes nothing. ``use`` items, macros, crate attributes and exported items
    always stay; an ``impl`` or a ``trait`` stays with the types, trait and functions it names."""
    roots: set[str] = set()
    for fragment in (*cell.statements, *([cell.main] if cell.main else [])):
        roots |= mentions(parse(language, fragment.text).root_node)
    kept = reach.reachable([_node(decl) for decl in memory], roots)
    return Memory(d for d, keep in zip(memory, kept, strict=True) if keep)


def _node(decl: Declaration) -> reach.Node:
    defines, names = decl.data.get("defines"), decl.data.get("mentions")
    if not isinstance(defines, frozenset) or not isinstance(names, frozenset):
        return reach.Node(frozenset(decl.keys), frozenset(), always=True)
    return reach.Node(defines, names, bool(decl.data.get("always")))

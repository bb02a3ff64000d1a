"""Which remembered declarations a program needs: the ones its ``main`` reaches.

A notebook's memory grows; most cells use little of it. Where a language runs nothing for a
declaration that nothing uses (a function, a type, a constant), the program of a cell need only hold
what the cell reaches, directly or through what that uses: compiling it then costs what the cell's
own code costs, not what the notebook holds. A toolchain describes each declaration as a ``Node``
(the names a use of which needs it, the names its text mentions, and whether it is needed whatever
``main`` does: a Go ``var`` whose initializer runs at start, an ``init``) and asks ``reachable``.

Mentions are over-approximated (every identifier of the text, whatever it names): keeping too much
costs time, keeping too little would break the build, so a name that might be a use counts as one.

Leaving a declaration out also leaves out its errors, so a toolchain prunes only a memory known to
compile as a whole (one that compiled, with this compiler and these flags, in full): the errors a
cell shows do not depend on what it uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ccellkernel.api.memory import Memory
from ccellkernel.toolkit.content import key


@dataclass(frozen=True)
class Node:
    """A declaration as reachability sees it."""

    defines: frozenset[str]
    """Names a mention of which needs this declaration (its own names; for a Go method or a Rust
    ``impl``, the type it belongs to)."""

    mentions: frozenset[str]
    """Every name its text mentions."""

    always: bool = False
    """Needed whatever ``main`` mentions (it does something when the program starts, or is exported)."""


def reachable(nodes: Sequence[Node], roots: Iterable[str]) -> list[bool]:
    """Per node, whether it is needed: it is ``always``, or defines a name that ``roots`` (the names
    ``main`` mentions) or a needed node mentions."""
    by_name: dict[str, list[int]] = {}
    for index, node in enumerate(nodes):
        for name in node.defines:
            by_name.setdefault(name, []).append(index)
    kept = [False] * len(nodes)
    pending = list(roots)
    for index, node in enumerate(nodes):
        if node.always:
            kept[index] = True
            pending.extend(node.mentions)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for index in by_name.get(name, ()):
            if not kept[index]:
                kept[index] = True
                pending.extend(nodes[index].mentions)
    return kept


def signature(memory: Memory) -> str:
    """What decides whether a memory compiles: its declarations' kinds, keys and texts, in order (not
    the cells they came from, which only name them in messages). A toolchain keeps the signatures of
    memories that compiled as a whole, with its compiler's identity, to know when it may prune."""
    return key(*(f"{d.kind}\0{chr(1).join(d.keys)}\0{d.fragment.text}" for d in memory))


__all__ = ["Node", "reachable", "signature"]

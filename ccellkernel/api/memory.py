"""The notebook's memory: top-level declarations keyed by name, newest winning.

``Memory`` is immutable: ``merge`` and ``remove`` return a new one, so a cell's changes are made on a
copy and become the memory only after the program compiled (CELL_MODEL.md section 1).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Fragment:
    """Source text from a cell, with where it starts: cell ``cell`` (its execution count), line ``line``.

    ``column`` is the 0-based column of the first character, so a renderer can keep columns exact.
    """

    text: str
    cell: int
    line: int
    column: int = 0

    @property
    def end_line(self) -> int:
        return self.line + self.text.count("\n")


@dataclass(frozen=True)
class Declaration:
    """One remembered top-level declaration.

    ``keys`` are the names it defines; they stay one group (replacing any of them replaces the whole
    declaration). ``kind`` is the toolchain's word for it (``function``, ``struct``, ``include``...).
    A ``weak`` declaration (a prototype, a forward declaration) never replaces a non-weak one.
    ``uses`` are the identifiers its text refers to, for ordering; ``data`` is the toolchain's own.
    ``names`` are the plain identifiers it defines when its keys are not just that (an overload
    keyed ``square(int)`` defines ``square``): completion offers them and ordering matches them.
    A ``per_cell`` declaration may appear once in every cell (Go's ``func init``): the core adds
    the cell's identity to its keys (``per_cell_keys``), so each cell keeps its own and running the
    same cell again replaces it.
    """

    keys: tuple[str, ...]
    kind: str
    fragment: Fragment
    uses: frozenset[str] = frozenset()
    weak: bool = False
    names: tuple[str, ...] = ()
    data: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}), compare=False)
    per_cell: bool = False

    @property
    def key(self) -> str:
        return self.keys[0]

    @property
    def cell(self) -> int:
        return self.fragment.cell

    @property
    def identifiers(self) -> tuple[str, ...]:
        """What completion offers for it: its ``names``, else the last word of each key."""
        return self.names or tuple(k.split()[-1] for k in self.keys)


class Memory:
    """Remembered declarations in the order they were first defined (a redefinition keeps its place)."""

    __slots__ = ("_decls", "_owner")

    def __init__(self, declarations: Iterable[Declaration] = ()) -> None:
        self._decls: tuple[Declaration, ...] = tuple(declarations)
        self._owner: dict[str, Declaration] = {k: d for d in self._decls for k in d.keys}

    def __iter__(self) -> Iterator[Declaration]:
        return iter(self._decls)

    def __len__(self) -> int:
        return len(self._decls)

    def __contains__(self, key: object) -> bool:
        return key in self._owner

    def get(self, key: str) -> Declaration | None:
        return self._owner.get(key)

    def keys(self) -> list[str]:
        return [k for d in self._decls for k in d.keys]

    def cells(self) -> set[int]:
        return {d.cell for d in self._decls}

    def same(self, other: Memory | None) -> bool:
        """Whether ``other`` holds the very same declarations, in the same order (a cell of statements
        leaves the memory so): what was worked out from one holds for the other."""
        if other is None or len(other._decls) != len(self._decls):
            return False
        return other is self or all(a is b for a, b in zip(self._decls, other._decls, strict=True))

    def merge(self, declarations: Iterable[Declaration], *, at_cell: int | None = None) -> Memory:
        """A new memory with ``declarations`` added in order; each replaces every old one sharing a key.

        A new key goes last, or with ``at_cell`` before the first declaration from a later cell (a
        pending declaration joins where its cell would have put it: Go runs ``init``s in order)."""
        decls = list(self._decls)
        for new in declarations:
            clashing = [i for i, old in enumerate(decls) if not set(old.keys).isdisjoint(new.keys)]
            if new.weak and any(not decls[i].weak for i in clashing):
                continue  # a prototype after its definition adds nothing
            if clashing:
                place = clashing[0]
                decls = [d for i, d in enumerate(decls) if i not in clashing]
                decls.insert(place, new)
            elif at_cell is not None:
                later = next((i for i, d in enumerate(decls) if d.cell > at_cell), len(decls))
                decls.insert(later, new)  # the cell's next one then goes after it
            else:
                decls.append(new)
        return Memory(decls)

    def remove(self, keys: Iterable[str]) -> Memory:
        """A new memory without the declarations owning ``keys`` (each must be known: see ``missing``)."""
        doomed = {id(self._owner[k]) for k in keys if k in self._owner}
        return Memory(d for d in self._decls if id(d) not in doomed)

    def missing(self, keys: Iterable[str]) -> list[str]:
        return [k for k in keys if k not in self._owner]


def per_cell_keys(declarations: Iterable[Declaration], cell_id: str | None) -> tuple[Declaration, ...]:
    """``declarations`` with each ``per_cell`` one keyed by its cell: ``init@3fa9c2``, then
    ``init@3fa9c2#2`` for a second one in the same cell.

    The cell is the frontend's cell id when it sent one (running that cell again replaces its own),
    else the declaration's text with whitespace normalised (running the same text again replaces it).
    """
    result: list[Declaration] = []
    seen: dict[str, int] = {}
    for decl in declarations:
        if not decl.per_cell:
            result.append(decl)
            continue
        identity = cell_id if cell_id else " ".join(decl.fragment.text.split())
        tag = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:6]
        keys = []
        for key in decl.keys:
            seen[key] = seen.get(key, 0) + 1
            keys.append(f"{key}@{tag}" + (f"#{seen[key]}" if seen[key] > 1 else ""))
        names = decl.names or tuple(decl.keys)
        result.append(dataclasses.replace(decl, keys=tuple(keys), names=names))
    return tuple(result)

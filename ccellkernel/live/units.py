"""What the live program builds: a live key for each remembered declaration, the units built so far
(by key, by text, by entry), and what a cell needs: built units to load, declarations to build.

A function's live key covers its text, the includes, the flags, the compiler and the keys of what
it uses (functions calling one another share one: ``strongly_connected``); a global's covers its
text and the headers it uses. A unit is found again by any of them, so a cell compiles only what
changed (``program.Live`` carries the plan out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ccellkernel.api.build import Entry
from ccellkernel.api.live import CODE, DATA, HEADER, INCLUDE, Support
from ccellkernel.api.memory import Declaration, Memory
from ccellkernel.api.program import Program
from ccellkernel.builds import cache
from ccellkernel.live import elf
from ccellkernel.toolkit import content

# -- keys -----------------------------------------------------------------------------------------


def live_keys(memory: Memory, support: Support, salt: str, epochs: Mapping[str, int]) -> dict[str, str]:
    """The live key of each code and data declaration (memory key -> live key). ``salt``: the flags
    and the compiler; ``epochs``: a count per memory key, raised when ``%rm`` forgets it."""
    decls = list(memory)
    role = {d.key: support.role(d) for d in decls}
    owner = {name: d for d in decls for name in (*d.names, *d.keys)}
    deps = {
        d.key: sorted({owner[n].key for n in support.uses(d) if n in owner and owner[n].key != d.key})
        for d in decls
    }
    by_key = {d.key: d for d in decls}
    includes = content.key(*(d.fragment.text for d in decls if role[d.key] == INCLUDE))
    keys: dict[str, str] = {}
    for d in decls:  # headers: their text and the headers they use (a cycle is cut where it closes)
        if role[d.key] in (HEADER, INCLUDE):
            _header_key(d.key, by_key, deps, role, keys, set())
    for d in decls:
        if role[d.key] == DATA:
            used = [keys[k] for k in deps[d.key] if role[k] in (HEADER, INCLUDE)]
            keys[d.key] = content.key("data", d.fragment.text, str(epochs.get(d.key, 0)), *used)
    code = [d.key for d in decls if role[d.key] == CODE]
    calls = {k: [c for c in deps[k] if role[c] == CODE] for k in code}
    for group in strongly_connected(code, calls):
        inside = set(group)
        outside = sorted(keys[k] for m in group for k in deps[m] if k not in inside and k in keys)
        texts = [by_key[m].fragment.text for m in sorted(group)]
        shared = content.key("code", salt, includes, *texts, *outside)
        for m in group:
            keys[m] = content.key(shared, m, str(epochs.get(m, 0)))
    return {k: v for k, v in keys.items() if role[k] in (CODE, DATA)}


def _header_key(
    name: str,
    by_key: Mapping[str, Declaration],
    deps: Mapping[str, list[str]],
    role: Mapping[str, str],
    keys: dict[str, str],
    seen: set[str],
) -> str:
    if name in keys:
        return keys[name]
    seen.add(name)
    inner = [
        _header_key(k, by_key, deps, role, keys, seen)
        for k in deps[name]
        if role[k] in (HEADER, INCLUDE) and k not in seen
    ]
    keys[name] = content.key("header", by_key[name].fragment.text, *inner)
    return keys[name]


def strongly_connected(nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively; each group after the groups it uses."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = edges.get(node, ())
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            for child in children:
                if child in on_stack:
                    low[node] = min(low[node], low[child])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


# -- what is built, and what a cell needs -----------------------------------------------------------


UNIT_FILE = "unit.so"
HOST_FILE = "host"


@dataclass(frozen=True)
class Compiled:
    """A built unit: its file (in a cache entry) and what it holds."""

    entry: Entry
    order: int  # units load in the order they were built
    defines: tuple[str, ...]
    inits: tuple[tuple[str, str], ...]
    symbol: str | None  # the statements' function
    symbols: elf.Symbols
    label: str  # the cell label its statements were rendered with
    program: Program  # what it was compiled from (its positions map its diagnostics and crashes)

    @property
    def path(self) -> Path:
        return self.entry.path(UNIT_FILE)


@dataclass
class Units:
    """Every unit built in this kernel: by the cache key of its text, and by the live keys it defines."""

    by_key: dict[str, Compiled] = field(default_factory=dict)
    by_text: dict[str, Compiled] = field(default_factory=dict)
    by_entry: dict[str, Compiled] = field(default_factory=dict)  # the same statements on the same keys
    built: int = 0
    store: cache.BuildCache | None = None  # the session's, set when a cell builds

    def add(self, unit: Compiled, text_key: str) -> None:
        self.by_text[text_key] = unit
        if unit.symbol is not None:
            self.by_entry[unit.symbol] = unit
        for k in unit.defines:
            self.by_key[k] = unit

    def valid(self, unit: Compiled) -> bool:
        """Whether the unit's file is still what was built, from headers as they were; if not, it is
        forgotten (and its entry dropped: it is built again)."""
        store = self.store
        found = store.get(unit.entry.key) if store is not None else None
        if found is not None and content.unchanged(found.meta.get("depends_on", "")):
            return True
        self.forget(unit)
        return False

    def forget(self, unit: Compiled) -> None:
        """Build the unit again when it is next needed (it is wrong for this kernel now)."""
        if self.store is not None:
            self.store.discard(unit.entry.key)
        for k in [k for k, u in self.by_key.items() if u is unit]:
            del self.by_key[k]
        for t in [t for t, u in self.by_text.items() if u is unit]:
            del self.by_text[t]
        for e in [e for e, u in self.by_entry.items() if u is unit]:
            del self.by_entry[e]


@dataclass(frozen=True)
class Plan:
    """What a cell needs: built units to load first, what its own unit must define, and which
    initializers run (globals defined by what is loaded now, in cell order)."""

    load: tuple[Compiled, ...]
    build: frozenset[str]  # memory keys
    notices: tuple[str, ...]


def plan(
    memory: Memory, keys: Mapping[str, str], units: Units, loaded: Mapping[str, str], data: set[str]
) -> Plan:
    """``loaded``: live key -> memory key of what the host holds now (nothing in fresh mode);
    ``data``: the memory keys of globals."""
    current = {keys[d.key]: d for d in memory if d.key in keys}
    missing = [k for k in current if k not in loaded]
    load: dict[int, Compiled] = {}
    for k in missing:
        unit = units.by_key.get(k)
        if unit is not None and id(unit) not in load and units.valid(unit):
            load[id(unit)] = unit
    held = {k for u in load.values() for k in u.defines}
    build = frozenset(current[k].key for k in missing if k not in held)
    was = {name: k for k, name in loaded.items()}
    notices = tuple(
        f"{d.key} was redefined: it starts again from its initializer"
        for k, d in current.items()
        if d.key in data and k not in loaded and d.key in was and was[d.key] != k
    )
    return Plan(tuple(sorted(load.values(), key=lambda u: u.order)), build, notices)


def needed(units: Iterable[Compiled], remembered: Callable[[str], bool] = lambda symbol: False) -> list[str]:
    """The symbols the units call that none of them defines (libc's, or missing ones).

    ``remembered(symbol)``: whether the symbol is a remembered function's own name (not its label). A
    unit also holds definitions that later units have superseded, and a function compiled while a
    function it calls was not defined yet (C's implicit declaration, a prototype) calls it by that
    name. A current definition never does: its key covers every remembered function its text uses, so
    it was compiled again, calling the label, once that function was defined. Such a name is needed
    only by dead code, as a linker linking the current definitions alone would see, and is not asked
    for."""
    units = list(units)
    defined = {s for u in units for s in u.symbols.defined}
    return sorted(s for s in {s for u in units for s in u.symbols.undefined} - defined if not remembered(s))

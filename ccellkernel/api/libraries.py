"""Libraries beyond the standard library (CELL_MODEL.md section 6a): what a ``%dep`` line asks for
(``Dependency``), what the language's own tools resolved it to (``Libraries``, with each ``Library``
and its version), and the error when they cannot be had (``LibraryError``); what resolving is handed is
``build.LibraryContext``.

A toolchain opts in with two hooks of ``Toolchain``: ``dependencies`` reads a ``%dep`` line in the
language's words (Rust: one ``Cargo.toml`` entry; Go: ``path@version`` or ``path => ../dir``; C:
pkg-config names), and ``resolve_libraries`` turns the notebook's whole set into ``Libraries`` with
cargo, go or pkg-config. The core keeps the set (``%reset`` keeps it, ``%rm NAME`` drops one), hands
it to every build as ``BuildContext.libraries``, salts every build-cache key with its ``key``, and
hands it to editor help and export. A build may find libraries itself (Go fetches an imported
module on first use): it returns the grown set as ``BuildResult.libraries``, which the notebook takes
only if the cell compiled, as it takes the memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .errors import LibraryError

__all__ = ["NO_LIBRARIES", "Dependency", "Libraries", "Library", "LibraryError"]

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Dependency:
    """One library a ``%dep`` line asks for.

    ``name`` is what ``%rm`` and the listing call it (the crate, the module path, the pkg-config
    package); ``spec`` is the rest, in the language's own words (Rust: the TOML value ``"0.8"`` or
    ``{ version = "1", features = ["derive"] }``; Go: ``v1.3.0`` or ``=> ../m``; C: empty);
    ``line`` is the ``%dep`` line as typed, for errors (``%dep rand = "0.8"``).
    """

    name: str
    spec: str = ""
    line: str = ""


@dataclass(frozen=True)
class Library:
    """A library as resolved: its name, the version the tool chose, and where it came from (a
    registry, a path, a replacement), as ``%dep`` alone lists it."""

    name: str
    version: str = ""
    source: str = ""
    direct: bool = True
    """False for a library that a requested one pulled in (listed apart, not removable by ``%rm``)."""


@dataclass(frozen=True)
class Libraries:
    """The notebook's libraries, resolved: what a build adds for them.

    ``wanted`` are the ``%dep`` lines in the order given (one per name, the newest winning);
    ``resolved`` what the tools chose. ``compile`` are arguments a compiler takes for them (pkg-config's
    ``--cflags``; rustc's ``--extern NAME=PATH`` and ``-L dependency=DIR``), ``link`` those a linker
    takes (pkg-config's ``--libs``), ``run_env`` variables a program needs to run with them.
    ``files`` are the state files that make a build reproducible, by name (``Cargo.toml``,
    ``Cargo.lock``, ``go.mod``, ``go.sum``): builds and export write them as they are.
    ``key`` is a content key of everything that decides what a build makes with them (the lock
    file, the tools' versions, the flags): the core adds it to every build-cache key.
    """

    wanted: tuple[Dependency, ...] = ()
    resolved: tuple[Library, ...] = ()
    compile: tuple[str, ...] = ()
    link: tuple[str, ...] = ()
    run_env: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    files: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    key: str = ""

    def __bool__(self) -> bool:
        return bool(self.wanted or self.resolved)

    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.wanted)

    def find(self, name: str) -> Dependency | None:
        return next((d for d in self.wanted if d.name == name), None)

    def asking(self, dependencies: Sequence[Dependency]) -> tuple[Dependency, ...]:
        """``wanted`` with ``dependencies`` added: a name already asked for is replaced in place."""
        new = {d.name: d for d in dependencies}
        kept = [new.pop(d.name, d) for d in self.wanted]
        return (*kept, *new.values())

    def without(self, names: Sequence[str]) -> tuple[Dependency, ...]:
        return tuple(d for d in self.wanted if d.name not in names)

    def listing(self) -> str:
        """What ``%dep`` alone shows: each library with its version and source, those pulled in after."""
        if not self:
            return "(no libraries: add one with %dep; see %help)"
        rows: list[tuple[str, str, str]] = []
        resolved = {lib.name: lib for lib in self.resolved}
        for dep in self.wanted:
            lib = resolved.pop(dep.name, None)
            source = lib.source if lib and lib.source else dep.spec
            rows.append((dep.name, lib.version if lib else "", source))
        direct = [lib for lib in resolved.values() if lib.direct]
        rows += [(lib.name, lib.version, lib.source) for lib in direct]
        width = max(len(r[0]) for r in rows)
        vwidth = max(len(r[1]) for r in rows)
        lines = [f"{n.ljust(width)}  {v.ljust(vwidth)}  {s}".rstrip() for n, v, s in rows]
        pulled = sorted(f"{lib.name} {lib.version}".strip() for lib in resolved.values() if not lib.direct)
        if pulled:
            lines.append(f"(and {len(pulled)} they need: {', '.join(pulled)})")
        return "\n".join(lines)


NO_LIBRARIES = Libraries()

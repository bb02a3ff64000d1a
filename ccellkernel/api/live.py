"""The live program's hook: what a toolchain gives (``Toolchain.live_support``) so that its cells
become units of one live program (CELL_MODEL 1a; ``ccellkernel.live`` carries it out): ``Support``,
what it is asked to render (``UnitRequest``) and what it renders (``Unit``), and the roles of
declarations (``CODE``, ``DATA``, ``HEADER``, ``INCLUDE``).
"""

from __future__ import annotations

import abc
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .memory import Declaration, Memory
from .program import CellParts, Program

if TYPE_CHECKING:
    from .build import BuildContext, BuildResult

CODE, DATA, HEADER, INCLUDE = "code", "data", "header", "include"
_LABEL = re.compile(r"^ccell_[fv]_(?P<name>\w+?)_[0-9a-f]{16}$")


class Support(abc.ABC):
    """What a toolchain gives the live program (``Toolchain.live_support``)."""

    @abc.abstractmethod
    def role(self, decl: Declaration) -> str:
        """``code`` (a function), ``data`` (a global), ``include`` (every unit has all of them), or
        ``header`` (a type, a macro, a prototype: the units that use it see it)."""

    @abc.abstractmethod
    def uses(self, decl: Declaration) -> frozenset[str]:
        """The names ``decl``'s text refers to (an over-approximation only recompiles more)."""

    @abc.abstractmethod
    def render_unit(self, request: UnitRequest) -> Unit:
        """The unit's source: what every current declaration looks like from outside, the
        definitions of ``request.build``, initializers, and ``request.entry`` running the cell."""

    @abc.abstractmethod
    async def build_unit(self, unit: Unit, ctx: BuildContext, output: Path) -> BuildResult:
        """Compile ``unit`` into the shared object ``output`` (the result's ``binary``)."""

    @abc.abstractmethod
    async def build_host(self, ctx: BuildContext, source: Path, output: Path) -> BuildResult:
        """Compile the host (``source``, C) with the language's runtime into ``output``."""

    def available(self) -> str | None:
        """Why the live program cannot work here (None: it can); the kernel then runs fresh programs."""
        return None

    @abc.abstractmethod
    def identity(self) -> str:
        """The compiler's identity (its version), read again when its binary changes: part of every
        cache key, so an upgraded compiler rebuilds everything."""

    def host_key(self) -> str:
        """What besides the host's source goes into it (the runtime's text): part of its cache key."""
        return ""

    def dependencies(self, output: Path) -> list[Path]:
        """The files the build of ``output`` read, for the cache's staleness check. Default none."""
        return []

    def value_type(self, decl: Declaration) -> str | None:
        """The type of the global(s) ``decl`` declares, as ``%list`` shows it (``int``, ``char *[3]``,
        ``a: int, b: double`` for several). Default: not shown."""
        return None

    def prepare(self, memory: Memory, ctx: BuildContext) -> None:
        """Between cells (after each, and once the kernel has started): begin the next cell's build
        with what its unit will most likely begin with on ``memory``, through ``ctx.ahead``
        (``builds/ahead.py``; ``gnu.begin_ahead`` for gcc-style compilers), for ``build_unit`` to finish.
        Must return at once. Default: nothing is begun."""
        return None

    def symbol_name(self, symbol: str) -> str:
        """How an error names a symbol that nothing defines: ``square`` for a unit's label
        (``ccell_f_square_...``); a language that mangles names may demangle the others."""
        return label_name(symbol)


@dataclass(frozen=True)
class UnitRequest:
    """What a unit is to hold."""

    memory: Memory
    cell: CellParts
    keys: Mapping[str, str]  # memory key -> live key, for every code and data declaration
    build: frozenset[str]  # memory keys whose definitions go into this unit
    entry: str  # the symbol of the statements' function
    label: str  # a word for this unit's own symbols


@dataclass(frozen=True)
class Unit:
    """A rendered unit. ``inits``: (live key, initializer symbol) of its globals, in cell order."""

    program: Program
    entry: str | None
    inits: tuple[tuple[str, str], ...] = ()
    defines: tuple[str, ...] = ()  # live keys


def label_name(symbol: str) -> str:
    """``square`` for a unit's label ``ccell_f_square_1a2b...``; any other symbol as it is."""
    match = _LABEL.match(symbol)
    return match.group("name") if match else symbol

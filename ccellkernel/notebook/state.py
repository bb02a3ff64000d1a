"""What a notebook's commands and its export see of it: ``Options`` (what magics set for the following
cells) and ``Notebook``, the session as they use it (``session.Session`` implements it).

``commands`` and ``export`` sit below ``session`` (it calls them); naming this protocol instead of the
``Session`` class keeps the imports one way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from ccellkernel.api.build import LibraryContext
from ccellkernel.api.display import Display
from ccellkernel.api.libraries import NO_LIBRARIES, Libraries
from ccellkernel.api.memory import Memory
from ccellkernel.api.program import CellParts, Program
from ccellkernel.api.toolchain import BuildResult, Toolchain
from ccellkernel.live.program import Live
from ccellkernel.run.jobs import Jobs
from ccellkernel.run.limits import Limits
from ccellkernel.run.output import CellIO
from ccellkernel.run.processes import Supervisor
from ccellkernel.run.runner import Execution
from ccellkernel.toolkit.magics import MagicSplit


@dataclass(frozen=True)
class Options:
    """What the magics set for the following cells."""

    flags: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    limits: Limits = field(default_factory=Limits.builtin)
    libraries: Libraries = NO_LIBRARIES
    """The notebook's libraries (``%dep``; ``libraries.py``), resolved."""


class Notebook(Protocol):
    """One notebook's session, as the commands of its magics and its export use it."""

    toolchain: Toolchain
    cwd: Path
    """The kernel's working directory (the notebook's folder)."""
    workdir: Path
    """The private build folder of this kernel."""
    supervisor: Supervisor
    jobs: Jobs
    memory: Memory
    options: Options
    default_limits: Limits
    max_limits: dict[str, float | int | None]
    last_run: CellParts | None
    """The last cell that ran: what ``%%export`` runs by default."""
    live: Live | None
    live_unavailable: str | None
    sources: dict[int, list[str]]
    """Each cell's lines, for the excerpts of errors."""

    async def build_program(
        self,
        program: Program,
        execution: Execution,
        *,
        will_run: bool,
        tests: bool = False,
        check: bool = True,
    ) -> BuildResult: ...

    async def program_for(self, parts: CellParts, execution: Execution | None = None) -> Program: ...

    async def run(
        self,
        argv: Sequence[str],
        io: CellIO,
        execution: Execution,
        rewrite: Callable[[str], str] | None = None,
        extra_env: Mapping[str, str] | None = None,
        on_display: Callable[[Display], None] | None = None,
        emit: Callable[[str, str], None] | None = None,
        *,
        cwd: Path | None = None,
        stdin: Path | None = None,
    ) -> None: ...

    def phase(self, name: str) -> AbstractContextManager[None]: ...

    def environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]: ...

    def parts(self, split: MagicSplit, cell: int, cell_id: str | None = None) -> CellParts: ...

    def render_now(self) -> Program: ...

    def forget(self, words: Sequence[str]) -> tuple[str, list[str]]: ...

    def forget_sources(self, keep: int | None = None) -> None: ...

    def listing(self) -> str: ...

    def library_context(self, execution: Execution, io: CellIO) -> LibraryContext: ...

    def reset(self) -> None: ...

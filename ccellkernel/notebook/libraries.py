"""A notebook's libraries (CELL_MODEL.md section 6a): ``%dep`` adds, ``%rm`` drops, and a Go build
that fetches an imported module grows them; the toolchain resolves the whole set with the language's
own tools (``Toolchain.resolve_libraries``) through a ``LibraryContext`` made here.

The set lives in ``Options.libraries``: ``%reset`` keeps it, as it keeps ``%flags``. A set is taken
only once resolved: a ``%dep`` that fails (no such crate, no network, a library that does not build,
an interrupt) leaves the libraries and the memory as they were.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ccellkernel.api.build import LibraryContext, LibraryResolver, ToolResult
from ccellkernel.api.errors import LibraryError, MagicError
from ccellkernel.api.libraries import Dependency, Libraries
from ccellkernel.builds.cache import limit_from_environment
from ccellkernel.run.limits import Limits
from ccellkernel.run.output import CellIO
from ccellkernel.run.runner import Execution, run_tool

CACHE_ENV = "CCELL_LIBRARY_CACHE"  # bytes the built libraries may take in the user's cache (4G, 500M)
DEFAULT_CACHE_LIMIT = 4 << 30
PROGRESS_WIDTH = 200  # a progress line longer than this is cut


def cache_folder(environment: Mapping[str, str] | None = None) -> Path:
    """The user's cache folder for built libraries, shared by kernels and kept across restarts."""
    env = os.environ if environment is None else environment
    base = env.get("XDG_CACHE_HOME") or os.path.join(env.get("HOME") or os.path.expanduser("~"), ".cache")
    return Path(base) / "ccellkernel" / "libraries"


def cache_limit(environment: Mapping[str, str] | None = None) -> int:
    return limit_from_environment(DEFAULT_CACHE_LIMIT, CACHE_ENV, environment)


class Progress:
    """A tool's stderr, shown in the cell a whole line at a time: blank lines dropped, long ones cut,
    a line that ``\\r`` rewrites shown once it ends."""

    def __init__(self, show: Callable[[str], None]) -> None:
        self._show = show
        self._partial = b""

    def feed(self, data: bytes) -> None:
        self._partial += data
        *lines, self._partial = self._partial.split(b"\n")
        for line in lines:
            self._line(line)

    def close(self) -> None:
        if self._partial:
            self._line(self._partial)
        self._partial = b""

    def _line(self, raw: bytes) -> None:
        text = raw.rstrip(b"\r").rsplit(b"\r", 1)[-1].decode("utf-8", "replace").rstrip()
        if text.strip():
            if len(text) > PROGRESS_WIDTH:
                text = text[: PROGRESS_WIDTH - 1] + "…"
            self._show(text + "\n")


@dataclass
class Context:
    """The ``LibraryContext`` of one resolve: the cell's execution (an interrupt stops the tools), its
    limits and its output; the user's cache folder and its bound come from ``environment``."""

    folder: Path
    cwd: Path
    current: Libraries
    environment: Mapping[str, str]
    execution: Execution
    limits: Limits
    io: CellIO
    cache: Path = field(init=False)
    cache_limit: int = field(init=False)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.cache = cache_folder(self.environment)
        self.cache_limit = cache_limit(self.environment)

    async def run_tool(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        progress: bool = True,
    ) -> ToolResult:
        shown = Progress(lambda text: self.io.stream("stderr", text)) if progress else None
        try:
            return await run_tool(
                self.execution,
                argv,
                cwd=cwd,
                env=self.environment if env is None else env,
                limits=self.limits,
                progress=shown.feed if shown is not None else None,
            )
        finally:
            if shown is not None:
                shown.close()


async def resolve(resolver: LibraryResolver, ctx: LibraryContext) -> Libraries:
    """Run a resolve; a tool that could not start is a ``LibraryError`` (the cell says which)."""
    try:
        return await resolver(ctx)
    except FileNotFoundError as err:
        raise LibraryError(f"cannot get libraries: {err.filename or err} is not installed here") from None


def parse(read: Callable[[str], tuple[Dependency, ...]], text: str) -> tuple[Dependency, ...]:
    """The dependencies of one ``%dep`` line (the toolchain reads its words), each knowing its line."""
    found = read(text)
    if not found:
        raise MagicError(f"%dep {text}: names no library")
    line = f"%dep {text}"
    return tuple(dep if dep.line else dataclasses.replace(dep, line=line) for dep in found)

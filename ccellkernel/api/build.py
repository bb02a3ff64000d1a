"""What a build is handed and what it gives back: ``BuildContext`` (with the kernel's store of build
products, ``BuildStore``, and its build begun ahead, ``AheadBuilds``), ``BuildResult``, ``ToolResult``,
``Compiler`` and ``Project``; and what resolving libraries is handed, ``LibraryContext``.

``ccellkernel.builds`` implements the store and the builds begun ahead; ``toolkit.gnu`` begins and
finishes builds ahead for gcc-style compilers.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .libraries import Libraries
from .program import Diagnostic


@dataclass(frozen=True)
class Compiler:
    """The compiler a toolchain found: how to call it and what it says its version is."""

    argv: tuple[str, ...]
    version: str


@dataclass(frozen=True)
class ToolResult:
    """What a tool run through ``BuildContext.run_tool`` did."""

    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class BuildResult:
    """The outcome of ``Toolchain.build``.

    On success ``binary`` is the program to run (when ``will_run``; otherwise whatever the check
    produced); ``diagnostics`` may still hold warnings. On failure ``binary`` is None and
    ``diagnostics`` say why; ``output`` is the compiler's raw text, shown when no diagnostic could
    be parsed from it. ``timings`` are seconds of named steps of the build that the kernel reports
    apart from ``compile`` (``{"link": 0.004}``): ``%time`` and ``execute_reply`` metadata
    ``ccellkernel.timings`` then show ``compile`` without them.
    """

    binary: Path | None
    diagnostics: tuple[Diagnostic, ...] = ()
    output: str = ""
    timings: Mapping[str, float] = field(default_factory=dict)
    libraries: Libraries | None = None
    """The notebook's libraries grown by what this build fetched itself (Go: a module imported for
    the first time), or None when it fetched nothing. Taken only if the cell compiled."""

    @property
    def ok(self) -> bool:
        return self.binary is not None


@dataclass(frozen=True)
class Project:
    """What ``Toolchain.project_files`` returns: the files of a project that builds one program with
    the language's own tools, and how to build and run it (the README says so; tests do it)."""

    files: Mapping[str, str | bytes]
    """Relative path (``/``-separated, inside the project) -> content."""

    source: str
    """Which of ``files`` is the program itself (``nbconvert --to script`` writes only that one)."""

    build: tuple[tuple[str, ...], ...]
    """The commands, run in the project's folder, that build it: ``(("make",),)``."""

    run: tuple[str, ...]
    """The command that runs what was built, before the program's arguments: ``("./hello",)``."""

    notes: tuple[str, ...] = ()
    """Sentences for the README about this language's project (flags, line directives...)."""


class BuildContext(Protocol):
    """What ``Toolchain.build`` may use."""

    workdir: Path
    """A private (0700) directory for this kernel's build files, removed at shutdown."""

    flags: tuple[str, ...]
    """Extra compiler arguments from ``%flags``."""

    cwd: Path
    """The kernel's working directory (the notebook's folder): relative paths in flags mean it."""

    will_run: bool
    """False when the cell only declares: checking that it compiles is enough (no linking, so a
    function may call one that a later cell defines)."""

    tests: bool
    """True when building the program of ``render_tests`` for ``%test`` (Rust adds ``--test``)."""

    cache: BuildStore
    """This kernel's store of build products keyed by content (``builds/cache.py``): what a build made
    once, it finds there again instead of making it anew."""

    ahead: AheadBuilds | None
    """This kernel's build begun ahead (``builds/ahead.py``): a live program's toolchain starts its compiler
    between cells on what the next unit begins with (``Support.prepare``), and a unit that begins
    so finishes it. None where the kernel offers none."""

    libraries: Libraries
    """The notebook's libraries (``%dep``, ``libraries.py``): their compile and link arguments and
    state files. Empty (``NO_LIBRARIES``) until a ``%dep``."""

    async def run_tool(
        self, argv: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
    ) -> ToolResult:
        """Run a build tool to completion and capture its output. Raises ``Interrupted`` on interrupt."""
        ...

    async def resolve(self, libraries: Libraries, run: LibraryResolver) -> Libraries:
        """Get libraries during a build (Go: ``go get`` of a module imported for the first time):
        ``run`` is called with a ``LibraryContext`` whose tools stream their progress to the cell;
        what it returns is the build's ``BuildResult.libraries``. ``libraries`` is what it starts from."""
        ...


class LibraryContext(Protocol):
    """What ``Toolchain.resolve_libraries`` may use (``libraries.py``)."""

    folder: Path
    """A folder of this kernel's for its libraries (a cargo workspace, ...), kept from cell to cell
    and removed at shutdown."""

    cache: Path
    """The user's cache folder for ccellkernel's libraries (``$XDG_CACHE_HOME/ccellkernel/libraries``,
    else ``~/.cache/ccellkernel/libraries``), shared by kernels and kept across restarts: a
    toolchain keeps what it built there under a key of the resolved set, in a folder of its name,
    within ``cache_limit``."""

    cache_limit: int
    """Bytes the toolchain's part of ``cache`` may hold (``CCELL_LIBRARY_CACHE``, default 4 GB);
    the least recently used entries go first."""

    cwd: Path
    """The notebook's folder: a relative path in a ``%dep`` line means it."""

    current: Libraries
    """The libraries the notebook has now."""

    environment: Mapping[str, str]
    """The user's environment with ``%env``: tools run with it, so the user's configuration
    (``CARGO_HOME``, ``GOPROXY``, ``PKG_CONFIG_PATH``...) is theirs, never overridden."""

    async def run_tool(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        progress: bool = True,
    ) -> ToolResult:
        """Run a tool to completion, bounded by the notebook's ``%limits``; ``progress``: its stderr
        lines are shown in the cell as they come (condensed). Raises ``Interrupted`` on interrupt
        (the toolchain then leaves nothing half-built in use) and ``LimitExceeded`` past a limit.
        ``env`` None is ``environment``."""
        ...


LibraryResolver = Callable[[LibraryContext], Awaitable[Libraries]]


# -- the build cache ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A verified entry: its files by name, and its text ``meta``."""

    key: str
    folder: Path
    files: tuple[str, ...]
    meta: Mapping[str, str] = field(default_factory=dict)

    def path(self, name: str) -> Path:
        return self.folder / name


class BuildStore(Protocol):
    """What ``BuildContext.cache`` offers a toolchain: entries of files keyed by content."""

    def key(self, *parts: str | bytes) -> str:
        """A key from the parts (``toolkit.content.key``): every input the product depends on."""
        ...

    def get(self, entry_key: str) -> Entry | None:
        """The entry for ``entry_key`` if it is there and intact."""
        ...

    def put(
        self, entry_key: str, files: Mapping[str, Path], meta: Mapping[str, str] | None = None
    ) -> Entry | None:
        """Store ``files`` (name -> a file, moved in) as ``entry_key``; None if it could not be stored
        (the files stay where they were, to be used uncached)."""
        ...

    def discard(self, entry_key: str) -> None:
        """Remove an entry found wrong by other means."""
        ...

    def scratch(self) -> AbstractContextManager[Path]:
        """A fresh folder to build in, on the store's file system, removed afterwards."""
        ...


# -- builds begun ahead -----------------------------------------------------------------------------

# A file whose modification time is this close to the start (or after it) may have been read
# before it changed: file times lag the clock by up to a scheduler tick.
SLACK_NS = 50_000_000


@dataclass(frozen=True)
class Begun:
    """A build begun ahead and finished: what the tool did, the folder its files are in (the caller
    moves what it keeps out of it: the folder is removed before the next start), and when it began."""

    result: ToolResult
    folder: Path
    since_ns: int

    def unchanged(self, paths: Iterable[str | Path]) -> bool:
        """Whether none of ``paths`` (the files the build read) changed since the build began."""
        limit = self.since_ns - SLACK_NS
        for path in paths:
            try:
                st = os.stat(path)
            except OSError:
                return False
            if max(st.st_mtime_ns, st.st_ctime_ns) >= limit:
                return False
        return True


class AheadBuilds(Protocol):
    """What ``BuildContext.ahead`` offers: one build begun between cells, its standard input held open
    for the rest of its source."""

    taken: int
    """Builds finished from one begun ahead and used, in this cell (the caller counts them)."""

    def holds(self, key: str) -> bool:
        """Whether the build begun (or being begun) is the one for ``key``."""
        ...

    def prefix(self) -> str | None:
        """What the waiting build was begun with, if one waits."""
        ...

    def folder(self) -> Path:
        """A fresh folder for the next build begun ahead."""
        ...

    def start(
        self,
        key: str,
        argv: Sequence[str],
        *,
        folder: Path,
        cwd: Path,
        prefix: str = "",
        watch: Sequence[Path] = (),
    ) -> None:
        """Start ``argv`` with ``prefix`` sent to its standard input; ``watch``: folders whose change
        makes the build useless."""
        ...

    async def finish(self, key: str, rest: bytes) -> Begun | None:
        """Send ``rest`` to the build begun with ``key`` and wait for it; None when there is none."""
        ...

    def finished(self, folder: Path) -> None:
        """The caller has taken what it keeps from ``folder``."""
        ...

    def cancel(self) -> None:
        """End the waiting build, if any."""
        ...

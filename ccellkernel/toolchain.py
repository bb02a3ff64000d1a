"""The toolchain plugin API: everything one language knows, behind one small base class.

A toolchain is a ``Toolchain`` subclass registered under the entry-point group
``ccellkernel.toolchains`` (the built-in C toolchain registers exactly like a third party would)::

    [project.entry-points."ccellkernel.toolchains"]
    c = "ccell_c:CToolchain"

The kernel core calls, per cell: ``split`` (sort the cell's top-level nodes), ``render`` (one program
from the memory and the cell), ``build`` (compile it, through ``BuildContext.run_tool`` so that an
interrupt stops the compiler) and ``run_command`` (how to start the binary). Everything else — magics,
memory, running, output, interrupts, the Jupyter protocol — is the core's.

Optional hooks opt a toolchain into the core's other mechanisms: the display side channel
(``display.py``; a toolchain ships a binding that writes its frames, and renders the cell's last
expression as a *result* frame for ``Out[n]``), crash reports (``explain_crash``), and ``%test``
(``render_tests``, ``testing.py``).
"""

from __future__ import annotations

import abc
import importlib.resources
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, ClassVar, Protocol

import tree_sitter

from . import diagnostics, syntax
from .cache import BuildCache
from .memory import Memory
from .program import CellParts, Diagnostic, Program
from .testing import TestPlan


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

    @property
    def ok(self) -> bool:
        return self.binary is not None


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

    cache: BuildCache
    """This kernel's store of build products keyed by content (``cache.py``): what a build made
    once, it finds there again instead of making it anew."""

    async def run_tool(
        self, argv: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
    ) -> ToolResult:
        """Run a build tool to completion and capture its output. Raises ``Interrupted`` on interrupt."""
        ...


class Toolchain(abc.ABC):
    """One language: how to sort, render, compile and run its cells.

    Subclasses set the class attributes and implement the abstract methods. An instance lives as long
    as its kernel; it may cache (the compiler it found, a prelude it built) but holds no notebook state:
    the memory is passed in.
    """

    name: ClassVar[str]
    """The entry-point name and the kernel's suffix: ``c`` gives kernel ``ccell-c``."""

    display_name: ClassVar[str]
    """What the notebook's kernel picker shows: ``C (compiled)``."""

    language_info: ClassVar[Mapping[str, Any]]
    """Jupyter ``language_info``: name, version, mimetype, file_extension, pygments_lexer, ..."""

    keywords: ClassVar[frozenset[str]] = frozenset()
    """Words offered by completion in every cell."""

    line_comment: ClassVar[str | None] = None
    """How a line comment starts (``//``): comment lines may come before a cell's magic lines."""

    @property
    def kernel_name(self) -> str:
        """The kernelspec's name: ``ccell-`` and the toolchain's name."""
        return f"ccell-{self.name}"

    @abc.abstractmethod
    def grammar(self) -> tree_sitter.Language:
        """The tree-sitter language of cells (used for splitting, ``is_complete`` and completion)."""

    @abc.abstractmethod
    def split(self, source: str, cell: int) -> CellParts:
        """Sort a cell's top-level nodes into declarations (with keys) and statements.

        ``source`` is the cell with magic lines blanked (line numbers are the cell's own) and without
        the part after a ``%%`` line, which the core adds to the statements itself.
        """

    @abc.abstractmethod
    def render(self, memory: Memory, cell: CellParts) -> Program:
        """One complete program: every declaration in ``memory`` plus ``main`` for ``cell``.

        Must be deterministic, and mark every line that came from a cell (``ProgramWriter`` does).
        """

    @abc.abstractmethod
    def find_compiler(self) -> Compiler:
        """Locate the compiler. Raises ``ToolchainNotFound`` saying what was looked for."""

    @abc.abstractmethod
    async def build(self, program: Program, ctx: BuildContext) -> BuildResult:
        """Compile ``program`` in ``ctx.workdir``, with ``ctx.flags``, running tools via ``ctx.run_tool``."""

    def is_complete(self, code: str) -> tuple[str, str]:
        """Jupyter ``is_complete`` for code without magic lines: ``(status, indent)``, status one of
        complete, incomplete, invalid. The default judges brackets and errors of the parse; override
        it where the grammar rejects some ordinary top-level statements of the language."""
        return syntax.is_complete(self.grammar(), code)

    def run_command(self, binary: Path, args: Sequence[str]) -> list[str]:
        """The argument list that runs a built program with the user's ``%args``."""
        return [str(binary), *args]

    def run_environment(self) -> Mapping[str, str]:
        """Variables a built program needs to run (e.g. where a shared runtime library lives)."""
        return {}

    def stderr_filter(self, program: Program) -> Callable[[str], str]:
        """Rewrites the program's stderr text so that runtime locations name cells.

        The default turns ``Cell In[3]:5`` and ``Cell In[3]:5:9`` (what line directives make
        assertions, panics and stack traces print) into ``Cell In[3], line 5``. A toolchain whose
        language has no line directives maps its own file positions through ``program.origin``.
        """
        return diagnostics.name_cells

    def explain_crash(self, program: Program, binary: Path, report: bytes) -> list[str]:
        """Lines for the error of a program that died from a signal, from the crash report its runtime
        wrote to the display channel (a frame of kind ``crash``; C sends the return addresses of the
        stack). The C toolchain answers ``Cell In[4], line 2, in crash`` for each frame in a cell.
        Default: nothing."""
        return []

    def render_tests(self, memory: Memory) -> TestPlan | None:
        """The program that runs the tests in ``memory``, for ``%test`` (``testing.py``); None when
        this language has no tests. It is built with ``BuildContext.tests`` set."""
        return None

    async def warm_up(self, ctx: BuildContext) -> None:
        """Prepare caches once, in the background, when the kernel starts (e.g. build the standard
        library so the first cell compiles fast). ``ctx.workdir`` is a folder of its own. Failures
        are ignored: the first real build reports them."""
        return None

    def resources(self) -> Traversable | None:
        """A folder with the kernel's logos (``logo-32x32.png``, ``logo-64x64.png``, ``logo-svg.svg``).

        The default is the folder ``logos`` in the toolchain's own package, if there is one.
        """
        package = type(self).__module__
        try:
            folder = importlib.resources.files(package) / "logos"
        except (ModuleNotFoundError, TypeError):
            return None
        return folder if folder.is_dir() else None

    def kernelspec(self, python: str = "python") -> dict[str, Any]:
        """The kernel.json for this toolchain's kernel."""
        return {
            "argv": [python, "-m", "ccellkernel", "kernel", self.name, "-f", "{connection_file}"],
            "display_name": self.display_name,
            "language": self.language_info["name"],
            "interrupt_mode": "message",
            "env": {},
            "metadata": {"supported_encryption": ["curve"]},
        }

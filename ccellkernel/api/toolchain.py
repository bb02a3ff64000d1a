"""The toolchain plugin API: everything one language knows, behind one small base class.

A toolchain is a ``Toolchain`` subclass registered under the entry-point group
``ccellkernel.toolchains`` (the built-in C toolchain registers exactly like a third party would)::

    [project.entry-points."ccellkernel.toolchains"]
    c = "ccell_c:CToolchain"

The kernel core calls, per cell: ``split`` (sort the cell's top-level nodes), ``render`` (one program
from the memory and the cell), ``build`` (compile it, through ``BuildContext.run_tool`` so that an
interrupt stops the compiler) and ``run_command`` (how to start the binary). Everything else — magics,
memory, pending declarations, running, output, interrupts, the Jupyter protocol — is the core's;
the optional hooks ``refine``, ``missing_names``, ``statement_locals`` and ``keep_hint`` tell it what
only the language knows.

Optional hooks opt a toolchain into the core's other mechanisms: the display side channel
(``display.py``; a toolchain ships a binding that writes its frames, and renders the cell's last
expression as a *result* frame for ``Out[n]``), crash reports (``explain_crash``), and ``%test``
(``render_tests``, ``testing.py``).
Libraries (``%dep``, ``libraries.py``): ``dependencies`` reads a ``%dep`` line, ``resolve_libraries``
resolves the notebook's set with the language's own tool; builds then find it as ``BuildContext.libraries``.
``project_files`` turns a rendered program into a project that builds without the kernel (``%%export``,
nbconvert); a toolchain with a live program renders its export with ``render_replay``.
"""

from __future__ import annotations

import abc
import importlib.resources
from collections.abc import Callable, Mapping, Sequence
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, ClassVar

import tree_sitter

from . import syntax
from .build import BuildContext, BuildResult, Compiler, LibraryContext, Project, ToolResult
from .editor import Assistant
from .errors import ExportError, MagicError
from .libraries import NO_LIBRARIES, Dependency, Libraries
from .live import Support
from .memory import Fragment, Memory
from .program import CellParts, Diagnostic, Program, name_cells
from .testing import TestPlan

__all__ = ["BuildContext", "BuildResult", "Compiler", "Project", "ToolResult", "Toolchain"]


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

    help_links: ClassVar[tuple[tuple[str, str], ...]] = ()
    """(text, absolute URL) pairs for the frontend's Help menu (``kernel_info``'s ``help_links``):
    the language's reference, a plugin's own documentation."""

    readme_section: ClassVar[str] = ""
    """The anchor of this language's section in ccellkernel's README (``c-one-live-program``). It
    becomes a Help link once the package names a public home (``[project.urls]`` in pyproject.toml:
    Homepage, Repository, Source or Documentation); a frontend cannot open a path inside a checkout."""

    keywords: ClassVar[frozenset[str]] = frozenset()
    """Words offered by completion in every cell."""

    scoped_words: ClassVar[Mapping[str, frozenset[str]]] = {}
    """Words offered after ``scope::`` or ``scope.`` when no editor helper answers, by scope
    (``{"std": frozenset({"cout", "vector"})}``). After ``.``, ``->`` or ``::`` the word list is
    not offered: it knows no receiver's members."""

    line_comment: ClassVar[str | None] = None
    """How a line comment starts (``//``): comment lines may come before a cell's magic lines."""

    order_free: ClassVar[bool] = False
    """Whether a declaration may use what is declared further down in one file (Go, Rust; not C).

    Then a declaration-only cell whose only errors are names nothing declares yet is *pending*
    (CELL_MODEL.md section 4): remembered aside, it joins the program once those names exist. The
    core needs ``missing_names`` to tell those errors from the rest."""

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

    def refine(self, cell: CellParts, memory: Memory) -> CellParts:
        """A second look at a split cell, with the memory in hand: what the memory holds may make a
        statement a declaration (Rust: ``make_fn!(foo);`` invokes a remembered ``macro_rules!`` that
        expands to items). Called after ``split``, before the ``%%`` body joins the statements.
        The default changes nothing."""
        return cell

    def missing_names(self, diagnostic: Diagnostic) -> frozenset[str] | None:
        """The names an error diagnostic says do not exist, or None if it says something else.

        ``undefined: element`` gives ``{"element"}``; a method that no declaration has yet may be
        named ``Type.Method`` (any spelling whose words are those of the declaration that will
        define it: ``List.Push``, ``impl Display for Point``). A name that the toolchain can tell
        is not a forward reference (the compiler suggests an import) is None. An empty set says
        the error may follow from a missing name in the same declaration (Go's "type parameter T
        cannot use operator >" while T's constraint is not declared): it does not keep that
        declaration from waiting. The core uses this for pending declarations (``order_free``)
        and for the hint about a statement's local from an earlier cell; the default knows no
        diagnostic."""
        return None

    def statement_locals(self, statement: Fragment) -> tuple[str, ...]:
        """The names a statement fragment declares at its top level (Rust ``let x``, Go ``x :=``,
        a C local in a ``%%`` body): they live only in that cell's ``main``. When a later cell
        fails because such a name is missing, the core says where it came from. Default: none."""
        return ()

    def keep_hint(self, name: str) -> str:
        """How to declare ``name`` so that it is remembered, for that hint: Go ``var x = ...``.
        Default: no suggestion."""
        return ""

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
        return name_cells

    def explain_crash(self, program: Program, binary: Path, report: bytes) -> list[str]:
        """Lines for the error of a program that died from a signal, from the crash report its runtime
        wrote to the display channel (a frame of kind ``crash``; C sends the return addresses of the
        stack). The C toolchain answers ``Cell In[4], line 2, in crash`` for each frame in a cell.
        Default: nothing."""
        return []

    def live_support(self) -> Support | None:
        """The live program's hooks (``live/program.py``) for a toolchain whose cells can be shared objects
        loaded into one process (C): then state lives from cell to cell (``%state live``, the
        default) and every cell compiles only what changed. None (the default): fresh programs."""
        return None

    def render_replay(self, memory: Memory, cells: Sequence[CellParts]) -> Program | None:
        """The program an export of a live session writes (``export.main_for``): every remembered
        declaration, as ``render`` writes them, and a ``main`` that runs the statements of ``cells``
        (the cells whose statements took effect in the live program, ``Live.kept``) in order, each
        as the live program ran it: in a scope of its own, where a ``return`` ends that cell, not
        the program. None (the default): the export's ``main`` runs the last cell that ran, as for
        fresh programs, and its README says that it does not replay the live program."""
        return None

    def render_tests(self, memory: Memory) -> TestPlan | None:
        """The program that runs the tests in ``memory``, for ``%test`` (``testing.py``); None when
        this language has no tests. It is built with ``BuildContext.tests`` set."""
        return None

    def build_folder(self, workdir: Path) -> Path | None:
        """The folder under the session's ``workdir`` where this toolchain builds the program (Go:
        the module, with its go.mod), made if need be: where ``!*command`` runs (GoNB's ``!*``).
        None (the default): there is no such folder, and ``!*`` says so."""
        return None

    async def warm_up(self, ctx: BuildContext) -> None:
        """Prepare caches once, in the background, when the kernel starts (e.g. build the standard
        library so the first cell compiles fast). ``ctx.workdir`` is a folder of its own. Failures
        are ignored: the first real build reports them."""
        return None

    def assistant(self, workdir: Path) -> Assistant | None:
        """The language's editor helper (``ccellkernel.api.editor.Assistant``), or None for the core's
        tree-sitter completion alone.

        Completion and inspection ask it about the program rendered with the cell being edited
        (``EditPoint``: the cursor mapped into ``render``'s output), with a deadline; whatever it
        cannot answer in time, tree-sitter answers. Called at most once per session, from a worker
        thread; it must return at once and start nothing (``Assistant.warm`` starts helpers in the
        background). ``workdir`` is a private folder of its own. A language server is one line:
        ``LspAssistant(LanguageServer(name, argv, language_id, file_name), workdir)``.
        """
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

    def dependencies(self, text: str) -> tuple[Dependency, ...]:
        """The libraries one ``%dep`` line asks for. ``text`` is the rest of the line as typed, not
        split into words: Rust reads one ``Cargo.toml`` entry (``rand = "0.8"``), Go
        ``path@version`` or ``path => ../dir``, C pkg-config names (``gsl zlib``). Check the form
        only (nothing is fetched here) and raise ``MagicError`` saying the form expected. The
        default: this language has no ``%dep``."""
        raise MagicError(
            f"%dep: the {self.display_name} kernel has no libraries beyond its standard library"
        )

    async def resolve_libraries(self, wanted: Sequence[Dependency], ctx: LibraryContext) -> Libraries:
        """Resolve the notebook's whole set of libraries, ``wanted`` (every ``%dep`` so far, the
        newest line of a name winning), with the language's own tools run through ``ctx.run_tool``
        (so their progress streams and an interrupt or ``%limits`` stops them) and the user's own
        configuration (``ctx.environment``). Called when a ``%dep`` or ``%rm`` changes the set, and
        when a replayed notebook is exported; never per cell. Raise ``LibraryError`` naming the
        ``%dep`` line and saying what the tool said; what is returned replaces ``ctx.current``.
        An empty ``wanted`` returns ``NO_LIBRARIES`` by default."""
        if not wanted:
            return NO_LIBRARIES
        raise MagicError(
            f"%dep: the {self.display_name} kernel has no libraries beyond its standard library"
        )

    def project_files(
        self, program: Program, name: str, flags: Sequence[str] = (), libraries: Libraries = NO_LIBRARIES
    ) -> Project:
        """A project that builds ``program`` (as ``render`` wrote it) with the language's usual tool
        and no kernel, and prints what the notebook printed: the source, the build file (Makefile,
        go.mod, Cargo.toml...). ``name`` is safe as a file, binary, module and package name;
        ``flags`` are the notebook's ``%flags``; ``libraries`` its ``%dep`` libraries (the core
        passes them only when there are some: a plugin without ``%dep`` may leave the parameter
        out). The core adds a README and writes the files. Raises ``ExportError`` when the
        language has no such project (the default)."""
        raise ExportError(f"the {self.display_name} toolchain cannot export a project")

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

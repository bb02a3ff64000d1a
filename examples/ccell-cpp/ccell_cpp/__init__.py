"""C++ for ccellkernel: a third-party toolchain plugin, and the example to copy for your own language.

It registers under the entry-point group ``ccellkernel.toolchains`` (see ``pyproject.toml``) and
uses only the public core: ``ccellkernel.api.toolchain`` (the base class), ``ccellkernel.api.program``
(``ProgramWriter``, ``order_by_uses``), ``ccellkernel.api.memory``, ``ccellkernel.toolkit.diagnostics`` and
``ccellkernel.live`` (the live program's ``Support``).

- ``split.py`` sorts a cell's top-level nodes (tree-sitter-cpp) into declarations with keys and
  statements;
- ``CppToolchain.render`` writes one program: preprocessor lines, then the declarations (types,
  usings, namespaces, function prototypes, globals) in an order where each comes after what it
  uses, then function bodies, then ``main``; every line carries a ``#line`` directive naming its cell;
- ``CppToolchain.build`` compiles it with ``$CXX`` (else c++, g++, clang++), ``-std=c++17`` unless
  ``%flags`` choose another standard, linked with ``prelude.cpp`` (line-buffered stdio);
- rich output: ``include/ccell.hpp`` is this plugin's own binding of the core's display channel
  (``ccell::html``, ``ccell::png``...), on every cell's include path; a cell's last expression without
  its ``;`` is passed to ``ccell::value``, which the core shows as ``Out[n]`` (``ccellkernel.toolkit.clike``
  finds the expression).
- ``CppToolchain.project_files`` exports the program (``%%export``, nbconvert) as ``NAME.cpp`` and
  a Makefile, with ``ccellkernel.toolkit.gnu.make_project``;
- libraries: ``%dep gsl zlib`` through pkg-config (``ccellkernel.toolkit.pkgconfig``), its
  ``--cflags`` when compiling and its ``--libs`` after the sources when linking, units included;
- ``CppToolchain.live_support`` makes the notebook one live program (``ccellkernel.live``): each cell
  a shared object loaded into one process, written by ``units.py`` (globals: ``variables.py``); the
  cell's statements, here and there, by ``body.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import tree_sitter
import tree_sitter_cpp

from ccellkernel.api.build import LibraryContext
from ccellkernel.api.libraries import NO_LIBRARIES, Dependency, Libraries
from ccellkernel.api.memory import Declaration, Fragment, Memory
from ccellkernel.api.program import CellParts, Program, ProgramWriter, order_by_uses
from ccellkernel.api.syntax import bracket_depth, parse
from ccellkernel.api.toolchain import BuildContext, BuildResult, Compiler, Project, Toolchain
from ccellkernel.toolkit import pkgconfig
from ccellkernel.toolkit.clangd import ClangdAssistant, find_clangd
from ccellkernel.toolkit.diagnostics import parse_gnu
from ccellkernel.toolkit.gnu import compile_only, find_compiler, line_directives, make_project

from .body import not_printable, write_body
from .split import split_cell
from .units import CppUnits

__all__ = ["CppToolchain"]

CANDIDATES = ("c++", "g++", "clang++")
STANDARD = "-std=c++17"
SOURCE = "cell.cpp"  # the file the program is compiled as (generated lines' #line directives name it)
# Warnings about unused code are noise in a notebook, where most code is not finished.
QUIET = ("-Wno-unused-function", "-Wno-unused-variable", "-Wno-unused-but-set-variable")
FIRST = ("include", "define", "preprocessor")  # rendered first, in cell order
INPUT_FILES = (".c", ".cc", ".cpp", ".cxx", ".o", ".a", ".so")  # given to the linker only
BODIES = ("function", "method", "function template", "method template")  # after every declaration
KEYWORDS = frozenset(
    """alignas alignof auto bool break case catch char class const constexpr const_cast continue
    decltype default delete do double dynamic_cast else enum explicit extern false float for friend
    goto if inline int long mutable namespace new noexcept nullptr operator private protected public
    return short signed sizeof static static_assert static_cast struct switch template this throw
    true try typedef typename union unsigned using virtual void volatile while
    std cout cin cerr endl string vector map unordered_map set pair array optional size_t printf
    make_pair make_unique make_shared unique_ptr shared_ptr sort begin end push_back emplace_back""".split()
)
STD = frozenset(  # what `std::` completes to without clangd
    """cout cin cerr endl string vector map unordered_map set pair array optional size_t printf
    make_pair make_unique make_shared unique_ptr shared_ptr sort begin end""".split()
)


class CppToolchain(Toolchain):
    """C++, one cell at a time."""

    name: ClassVar[str] = "cpp"
    display_name: ClassVar[str] = "C++ (compiled)"
    language_info: ClassVar[dict[str, Any]] = {
        "name": "c++",
        "version": "",
        "mimetype": "text/x-c++src",
        "file_extension": ".cpp",
        "pygments_lexer": "cpp",
        "codemirror_mode": "text/x-c++src",
        "nbconvert_exporter": "ccell-script",  # --to script writes the rendered program
    }
    help_links: ClassVar[tuple[tuple[str, str], ...]] = (
        ("C++ reference", "https://en.cppreference.com/w/cpp"),
    )
    keywords: ClassVar[frozenset[str]] = KEYWORDS
    scoped_words: ClassVar[Mapping[str, frozenset[str]]] = {"std": STD}
    line_comment: ClassVar[str | None] = "//"

    def __init__(self) -> None:
        self._language = tree_sitter.Language(tree_sitter_cpp.language())
        self._compiler: Compiler | None = None
        self._units: CppUnits | None = None

    def grammar(self) -> tree_sitter.Language:
        return self._language

    def assistant(self, workdir: Path) -> ClangdAssistant | None:
        """Editor help from clangd, the same way the C kernel gets it (None without clangd)."""
        clangd = find_clangd()
        return (
            None
            if clangd is None
            else ClangdAssistant(workdir, clangd, "cpp", "cell.cpp", ("-xc++", STANDARD))
        )

    # -- splitting and rendering ----------------------------------------------------------------

    def split(self, source: str, cell: int) -> CellParts:
        return split_cell(self._language, source, cell)

    def is_complete(self, code: str) -> tuple[str, str]:
        status, indent = super().is_complete(code)
        if status == "invalid" and bracket_depth(parse(self._language, code)) == 0:
            # tree-sitter-cpp rejects some ordinary top-level statements (std::cout << x;):
            # balanced code is complete, and the compiler says whether it is valid
            return "complete", ""
        return status, indent

    def render(self, memory: Memory, cell: CellParts) -> Program:
        out = ProgramWriter(line_directives(SOURCE))
        decls = list(memory)
        for decl in decls:
            if decl.kind in FIRST:
                out.fragment(decl.fragment)
        # Each declaration goes after the ones whose names it uses. A function is represented here
        # by its prototype, so a class's inline method may call a function defined in a later cell.
        # A constexpr function is whole there: a constant (an array's bound) may call it.
        declared = [d for d in decls if d.kind not in FIRST and (d.kind not in BODIES or _declares(d))]
        for decl in order_by_uses([_declared(d) for d in declared]):
            out.fragment(decl.fragment)
        # Bodies last; those without a prototype still come after the functions they call.
        bodies = [_by_names(d) for d in decls if d.kind in BODIES and not d.data.get("compile_time")]
        for decl in order_by_uses(bodies):
            out.fragment(decl.fragment)
        if cell.main is not None:
            out.fragment(cell.main)
            return out.program()
        where = write_body(out, self._language, cell.statements, "int main(int argc, char **argv)")
        program = out.program()
        return program if where is None else dataclasses.replace(program, data={"value": where})

    # -- libraries --------------------------------------------------------------------------------

    def dependencies(self, text: str) -> tuple[Dependency, ...]:
        """pkg-config package names, as the C kernel reads them: ``%dep gsl zlib``."""
        return pkgconfig.dependencies(text)

    async def resolve_libraries(self, wanted: Sequence[Dependency], ctx: LibraryContext) -> Libraries:
        return await pkgconfig.resolve(wanted, ctx)

    # -- compiling --------------------------------------------------------------------------------

    def find_compiler(self) -> Compiler:
        if self._compiler is None:
            self._compiler = find_compiler("CXX", CANDIDATES, "C++", "e.g. `apt-get install g++`")
        return self._compiler

    def standard(self, flags: Sequence[str]) -> list[str]:
        """``-std=c++17``, unless ``%flags`` choose a standard."""
        return [] if any(f.startswith("-std=") for f in flags) else [STANDARD]

    def warnings(self) -> list[str]:
        return ["-fdiagnostics-color=never", "-Wall", *QUIET]

    def include_flag(self) -> str:
        """The include path of ``<ccell.hpp>``."""
        return f"-I{resources.files(__name__).joinpath('include')}"

    def live_support(self) -> CppUnits:
        """Cells as shared objects of one live program (``units.py``, ``ccellkernel.live``)."""
        if self._units is None:
            self._units = CppUnits(self)
        return self._units

    async def build(self, program: Program, ctx: BuildContext) -> BuildResult:
        compiler = self.find_compiler()
        source = ctx.workdir / SOURCE
        source.write_text(program.text, encoding="utf-8")
        standard = self.standard(ctx.flags)
        argv = [*compiler.argv, *standard, *self.warnings(), *ctx.libraries.compile, self.include_flag()]
        argv.append(f"-I{ctx.cwd}")
        if ctx.will_run:
            prelude = await self._prelude(compiler, standard, ctx)
            if not prelude.ok:
                return prelude
            binary = ctx.workdir / "cell"
            # the libraries after what calls them (a linker reading them --as-needed drops the rest)
            argv += ["-o", str(binary), str(source), str(prelude.binary), *ctx.flags, *ctx.libraries.link]
        else:  # declarations only: compile, do not link (a later cell may define what they call)
            binary = ctx.workdir / "cell.o"
            argv += ["-c", "-o", str(binary), str(source), *compile_only(ctx.flags, INPUT_FILES)]
        result = await ctx.run_tool(argv, cwd=ctx.cwd)
        output = result.stderr + result.stdout
        built = BuildResult(binary if result.returncode == 0 else None, tuple(parse_gnu(output)), output)
        return not_printable(built, output, program.data.get("value"))

    def project_files(
        self, program: Program, name: str, flags: Sequence[str] = (), libraries: Libraries = NO_LIBRARIES
    ) -> Project:
        """``NAME.cpp`` and a Makefile building it with make's ``$(CXX)``, as ``build`` does (the
        ``%dep`` libraries through pkg-config)."""
        standard = [] if any(f.startswith("-std=") for f in flags) else [STANDARD]
        return make_project(
            program,
            name,
            suffix=".cpp",
            rendered_as=SOURCE,
            compiler="CXX",
            flags_var="CXXFLAGS",
            flags=(*standard, "-Wall", *QUIET),
            notebook_flags=flags,
            packages=pkgconfig.arguments(libraries.wanted),
        )

    async def _prelude(self, compiler: Compiler, standard: list[str], ctx: BuildContext) -> BuildResult:
        """Compile (once per set of flags) the object that makes stdio line-buffered on pipes.

        std::cout and std::cin go through C's stdout and stdin (they are synchronised with stdio
        unless the program says otherwise), so line-buffering those is enough for C++ streams too.
        """
        flags = [*standard, *ctx.libraries.compile, *compile_only(ctx.flags, INPUT_FILES)]
        obj = ctx.workdir / f"prelude-{hashlib.sha256(chr(0).join(flags).encode()).hexdigest()[:12]}.o"
        if not obj.exists():
            source = ctx.workdir / "prelude.cpp"
            source.write_text(resources.files(__name__).joinpath("prelude.cpp").read_text())
            result = await ctx.run_tool(
                [*compiler.argv, "-c", "-o", str(obj), str(source), *flags], cwd=ctx.cwd
            )
            if result.returncode != 0:
                obj.unlink(missing_ok=True)
                output = result.stderr + result.stdout
                return BuildResult(None, tuple(parse_gnu(output)), output)
        return BuildResult(obj)


def _by_names(decl: Declaration, fragment: Fragment | None = None, uses: object = None) -> Declaration:
    """``decl`` as ``order_by_uses`` should see it: keyed by the plain names it defines, which do not
    count as its uses (an overload does not wait for itself)."""
    names = decl.data.get("names", ())
    names = tuple(names) if isinstance(names, tuple) else ()
    used = uses if isinstance(uses, frozenset) else decl.uses
    return dataclasses.replace(decl, keys=names, uses=used - set(names), fragment=fragment or decl.fragment)


def _declares(decl: Declaration) -> bool:
    """Whether a function puts something before the function bodies: a prototype, or itself."""
    return "prototype" in decl.data or bool(decl.data.get("compile_time"))


def _declared(decl: Declaration) -> Declaration:
    """What ``decl`` puts before the function bodies: a function its prototype (if it has one), a
    constexpr function itself."""
    prototype = decl.data.get("prototype")
    if isinstance(prototype, Fragment) and not decl.data.get("compile_time"):
        return _by_names(decl, prototype, decl.data.get("header_uses"))
    return _by_names(decl)

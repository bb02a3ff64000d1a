"""The C toolchain: C cells compiled with $CC, cc, gcc, clang or tcc.

Registered like any third-party toolchain, under the entry point ``c`` of ``ccellkernel.toolchains``.
Splitting follows CELL_MODEL.md's C keys (``classify.py``); rendering puts preprocessor lines first,
then types in dependency order, a prototype for every function, globals, function bodies, the
initializers that are not constant (run by a constructor, before ``main``), and ``main``.

Every program is linked with the runtime (``runtime/ccell.c``, compiled once per set of flags): it
line-buffers stdio, implements ``<ccell.h>`` (``include/``, on the include path of every cell) over the
display channel, shows a cell's last expression as ``Out[n]`` (``value.py``), reports crashes with the
cells' lines (``ccellkernel.toolkit.crashes``) and runs ``%test`` (``tests.py``). Programs are built with
``-g`` so that a crash can name its line.

Libraries (``%dep gsl zlib``) come from pkg-config (``ccellkernel.toolkit.pkgconfig``): its ``--cflags``
when compiling, its ``--libs`` after the sources when linking, in whole programs and in the live
program's units alike.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import tree_sitter
import tree_sitter_c

from ccellkernel.api.build import LibraryContext
from ccellkernel.api.libraries import NO_LIBRARIES, Dependency, Libraries
from ccellkernel.api.memory import Declaration, Fragment, Memory
from ccellkernel.api.program import CellParts, Diagnostic, Program, ProgramWriter, order_by_uses
from ccellkernel.api.testing import TestPlan
from ccellkernel.api.toolchain import BuildContext, BuildResult, Compiler, Project, Toolchain
from ccellkernel.toolkit import content, crashes, pkgconfig
from ccellkernel.toolkit.clangd import ClangdAssistant, find_clangd
from ccellkernel.toolkit.diagnostics import parse_gnu
from ccellkernel.toolkit.gnu import compile_only, find_compiler, line_directives

from . import names, project, tests, units, value
from .classify import KEYWORDS, split_cell

CANDIDATES = ("cc", "gcc", "clang", "tcc")
# Warnings about unused code are noise in a notebook, where most code is not finished (CELL_MODEL 3).
QUIET = ("-Wno-unused-function", "-Wno-unused-variable", "-Wno-unused-but-set-variable")
BOILERPLATE = ("each undeclared identifier is reported only once",)  # gcc's note after every such error
SOURCE = "cell.c"  # the file the program is compiled as (generated lines' #line directives name it)


class CToolchain(Toolchain):
    """C, one cell at a time."""

    name: ClassVar[str] = "c"
    display_name: ClassVar[str] = "C (compiled)"
    language_info: ClassVar[dict[str, Any]] = {
        "name": "c",
        "version": "",
        "mimetype": "text/x-csrc",
        "file_extension": ".c",
        "pygments_lexer": "c",
        "codemirror_mode": "text/x-csrc",
        "nbconvert_exporter": "ccell-script",  # --to script writes the rendered program
    }
    help_links: ClassVar[tuple[tuple[str, str], ...]] = (("C reference", "https://en.cppreference.com/w/c"),)
    readme_section: ClassVar[str] = "c-one-live-program"
    keywords: ClassVar[frozenset[str]] = KEYWORDS
    line_comment: ClassVar[str | None] = "//"
    BOILERPLATE: ClassVar[tuple[str, ...]] = BOILERPLATE

    def __init__(self) -> None:
        self._language = tree_sitter.Language(tree_sitter_c.language())
        self._compiler: Compiler | None = None
        self._compiler_mark = ("", "")  # its binary, and what that looked like when it was found
        self._units: units.CUnits | None = None

    def grammar(self) -> tree_sitter.Language:
        return self._language

    # -- splitting and rendering ----------------------------------------------------------------

    def split(self, source: str, cell: int) -> CellParts:
        return split_cell(self._language, source, cell)

    def missing_names(self, diagnostic: Diagnostic) -> frozenset[str] | None:
        return names.missing_names(diagnostic)

    def statement_locals(self, statement: Fragment) -> tuple[str, ...]:
        return names.statement_locals(self._language, statement.text)

    def keep_hint(self, name: str) -> str:
        return names.keep_hint(name)

    def render(self, memory: Memory, cell: CellParts) -> Program:
        out = ProgramWriter(line_directives(SOURCE))
        self._declarations(out, memory)
        if cell.main is not None:
            out.fragment(cell.main)
            return out.program()
        value.write_body(out, self._language, cell.statements, "int main(int argc, char **argv)")
        return out.program()

    def render_replay(self, memory: Memory, cells: Sequence[CellParts]) -> Program:
        """The export of the live program: the declarations, then each cell's statements as a
        function of its own, which ``main`` calls in order (``project.write_replay``)."""
        out = ProgramWriter(line_directives(SOURCE))
        self._declarations(out, memory)
        project.write_replay(out, self._language, cells)
        return out.program()

    def _declarations(self, out: ProgramWriter, memory: Memory) -> None:
        decls = list(memory)
        section = lambda *kinds: [d for d in decls if d.kind in kinds]  # noqa: E731
        for decl in section("include", "define", "preprocessor"):
            out.fragment(decl.fragment)
        for decl in order_by_uses(section("struct", "union", "enum", "typedef", "forward")):
            out.fragment(decl.fragment)
        for decl in section("function", "prototype", "block"):
            prototype = decl.data.get("prototype")
            if isinstance(prototype, Fragment):
                out.fragment(prototype)
            elif decl.kind == "prototype":
                out.fragment(decl.fragment)
        globals_ = order_by_uses(section("global"))
        for decl in globals_:
            rewritten = decl.data.get("declaration")
            out.fragment(rewritten if isinstance(rewritten, Fragment) else decl.fragment)
        for decl in section("function", "block"):
            out.fragment(decl.fragment)
        deferred = [init for decl in globals_ for init in _deferred(decl)]
        if deferred:
            out.generated("__attribute__((constructor)) static void ccell_initialize_globals(void) {")
            for init in deferred:
                out.fragment(init)
            out.generated("}")

    def render_tests(self, memory: Memory) -> TestPlan:
        out = ProgramWriter(line_directives(SOURCE))
        self._declarations(out, memory)
        return tests.plan(out, memory)

    def assistant(self, workdir: Path) -> ClangdAssistant | None:
        """clangd, on the program as rendered (gcc's default dialect), when one is installed."""
        clangd = find_clangd()
        if clangd is None:
            return None
        return ClangdAssistant(workdir, clangd, "c", "cell.c", ("-xc", "-std=gnu17"))

    # -- libraries --------------------------------------------------------------------------------

    def dependencies(self, text: str) -> tuple[Dependency, ...]:
        """pkg-config package names: ``%dep gsl zlib``, ``%dep gsl >= 2.5``."""
        return pkgconfig.dependencies(text)

    async def resolve_libraries(self, wanted: Sequence[Dependency], ctx: LibraryContext) -> Libraries:
        return await pkgconfig.resolve(wanted, ctx)

    # -- compiling --------------------------------------------------------------------------------

    def find_compiler(self) -> Compiler:
        """The compiler, found again when its binary changed on disk (upgraded, or replaced by
        another while the kernel runs: its version decides the flags)."""
        binary, mark = self._compiler_mark
        if self._compiler is not None and content.fingerprint(binary) != mark:
            self._compiler = None
        if self._compiler is None:
            self._compiler = find_compiler("CC", CANDIDATES, "C", "e.g. `apt-get install gcc`")
            found = shutil.which(self._compiler.argv[0]) if self._compiler.argv else None
            binary = os.path.realpath(found) if found else ""
            self._compiler_mark = (binary, content.fingerprint(binary))
        return self._compiler

    def flags_for(self, compiler: Compiler) -> list[str]:
        include = f"-I{_package_dir() / 'include'}"
        if "tcc" in compiler.version.lower():
            return ["-g", include]
        extra = ["-Wno-unknown-warning-option"] if "clang" in compiler.version.lower() else []
        # DWARF 4: binutils' addr2line misreads the file table gcc 12 writes for #line files in DWARF 5
        return ["-fdiagnostics-color=never", "-gdwarf-4", "-Wall", *QUIET, *extra, include]

    async def build(self, program: Program, ctx: BuildContext) -> BuildResult:
        result = await self._compile(program.text, ctx)
        if not result.ok:
            result = dataclasses.replace(result, diagnostics=names.end_of_cell(result.diagnostics, program))
        where = value.position(program) if not result.ok else None
        if where is not None:
            errors = [d for d in result.diagnostics if d.severity == "error"]
            if any(value.is_void_error(d.message) for d in errors):
                # a call that returns nothing: it runs, and has no Out[n]
                return await self._compile(program.text.replace(value.WRAP_OPEN, value.WRAP_VOID), ctx)
            if any(value.is_struct_error(d.message) for d in errors):
                said = Diagnostic("error", value.STRUCT_MESSAGE, *where)
                return BuildResult(None, (said,), result.output)
        return result

    async def _compile(self, text: str, ctx: BuildContext) -> BuildResult:
        compiler = self.find_compiler()
        source = ctx.workdir / SOURCE
        source.write_text(text, encoding="utf-8")
        libraries = ctx.libraries
        argv = [*compiler.argv, *self.flags_for(compiler), *libraries.compile, f"-I{ctx.cwd}"]
        if ctx.will_run:
            runtime = await self.runtime_object(compiler, ctx)
            if not runtime.ok:
                return runtime
            binary = ctx.workdir / "cell"
            # the libraries after what calls them: a linker takes from a library only what the
            # files before it need
            sources = [str(source), str(runtime.binary), *ctx.flags]
            argv += ["-o", str(binary), *sources, *libraries.link, "-lm"]
        else:  # declarations only: compile, do not link (a later cell may define what they call)
            binary = ctx.workdir / "cell.o"
            argv += ["-c", "-o", str(binary), str(source), *compile_only(ctx.flags, INPUT_FILES)]
        result = await ctx.run_tool(argv, cwd=ctx.cwd)
        output = result.stderr + result.stdout
        diagnostics = names.global_notes(
            d for d in parse_gnu(output) if not d.message.startswith(BOILERPLATE)
        )
        if result.returncode != 0:
            return BuildResult(None, diagnostics, output)
        return BuildResult(binary, diagnostics, output)

    def project_files(
        self, program: Program, name: str, flags: Sequence[str] = (), libraries: Libraries = NO_LIBRARIES
    ) -> Project:
        """``NAME.c`` and a Makefile (pkg-config's flags for the libraries); see ``project.py``."""
        return project.project_files(
            program, name, flags, warnings=("-Wall", *QUIET), rendered_as=SOURCE, libraries=libraries
        )

    async def runtime_object(self, compiler: Compiler, ctx: BuildContext) -> BuildResult:
        """Compile (once per set of flags) the runtime object every program is linked with."""
        flags = [*ctx.libraries.compile, *compile_only(ctx.flags, INPUT_FILES)]
        source_text = resources.files(__name__).joinpath("runtime/ccell.c").read_text()
        key = "\0".join([*compiler.argv, compiler.version, *flags, source_text])
        obj = ctx.workdir / f"ccell-runtime-{hashlib.sha256(key.encode()).hexdigest()[:12]}.o"
        if not obj.exists():
            source = ctx.workdir / "ccell-runtime.c"
            source.write_text(source_text)
            partial = obj.with_suffix(".partial.o")
            argv = [*compiler.argv, *self.flags_for(compiler), "-c", "-o", str(partial), str(source), *flags]
            result = await ctx.run_tool(argv, cwd=ctx.cwd)
            if result.returncode != 0:
                partial.unlink(missing_ok=True)
                output = result.stderr + result.stdout
                return BuildResult(None, tuple(parse_gnu(output)), output)
            partial.replace(obj)
        return BuildResult(obj)

    def live_support(self) -> units.CUnits:
        """Cells as shared objects of one live program (``units.py``, ``ccellkernel.live``)."""
        if self._units is None:
            self._units = units.CUnits(self)
        return self._units

    def explain_crash(self, program: Program, binary: Path, report: bytes) -> list[str]:
        return crashes.explain(report)


INPUT_FILES = (".c", ".o", ".a", ".so", ".s", ".S")


def _package_dir() -> Path:
    return Path(str(resources.files(__name__)))


def _deferred(decl: Declaration) -> tuple[Fragment, ...]:
    inits = decl.data.get("deferred", ())
    return inits if isinstance(inits, tuple) else ()

"""The C toolchain: C cells compiled with $CC, cc, gcc, clang or tcc.

Registered like any third-party toolchain, under the entry point ``c`` of ``ccellkernel.toolchains``.
Splitting follows CELL_MODEL.md's C keys (``classify.py``); rendering puts preprocessor lines first,
then types in dependency order, a prototype for every function, globals, function bodies, the
initializers that are not constant (run by a constructor, before ``main``), and ``main``.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Any, ClassVar

import tree_sitter
import tree_sitter_c

from ccellkernel.diagnostics import parse_gnu
from ccellkernel.gnu import compile_only, find_compiler, line_directives
from ccellkernel.memory import Declaration, Fragment, Memory
from ccellkernel.program import CellParts, Diagnostic, Program, ProgramWriter, order_by_uses
from ccellkernel.toolchain import BuildContext, BuildResult, Compiler, Toolchain

from . import names
from .classify import KEYWORDS, split_cell

CANDIDATES = ("cc", "gcc", "clang", "tcc")
# Warnings about unused code are noise in a notebook, where most code is not finished (CELL_MODEL 3).
QUIET = ("-Wno-unused-function", "-Wno-unused-variable", "-Wno-unused-but-set-variable")
BOILERPLATE = ("each undeclared identifier is reported only once",)  # gcc's note after every such error


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
    }
    keywords: ClassVar[frozenset[str]] = KEYWORDS

    def __init__(self) -> None:
        self._language = tree_sitter.Language(tree_sitter_c.language())
        self._compiler: Compiler | None = None
        self._preludes: dict[str, str] = {}

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
        out = ProgramWriter(line_directives("cell.c"))
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
        if cell.main is not None:
            out.fragment(cell.main)
        else:
            out.generated("int main(int argc, char **argv) {\n(void)argc; (void)argv;")
            for statement in cell.statements:
                out.fragment(statement)
            out.generated("return 0;\n}")
        return out.program()

    # -- compiling --------------------------------------------------------------------------------

    def find_compiler(self) -> Compiler:
        if self._compiler is None:
            self._compiler = find_compiler("CC", CANDIDATES, "C", "e.g. `apt-get install gcc`")
        return self._compiler

    def flags_for(self, compiler: Compiler) -> list[str]:
        if "tcc" in compiler.version.lower():
            return []
        extra = ["-Wno-unknown-warning-option"] if "clang" in compiler.version.lower() else []
        return ["-fdiagnostics-color=never", "-Wall", *QUIET, *extra]

    async def build(self, program: Program, ctx: BuildContext) -> BuildResult:
        compiler = self.find_compiler()
        source = ctx.workdir / "cell.c"
        source.write_text(program.text, encoding="utf-8")
        argv = [*compiler.argv, *self.flags_for(compiler), f"-I{ctx.cwd}"]
        if ctx.will_run:
            prelude = await self._prelude(compiler, ctx)
            if not prelude.ok:
                return prelude
            binary = ctx.workdir / "cell"
            argv += ["-o", str(binary), str(source), str(prelude.binary), *ctx.flags, "-lm"]
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

    async def _prelude(self, compiler: Compiler, ctx: BuildContext) -> BuildResult:
        """Compile (once per set of flags) the object that makes stdio line-buffered on pipes.

        It is its own translation unit, so it adds no names to the user's program. Reading stdin
        with stdin line-buffered also flushes stdout, so a prompt shows before the input box.
        """
        digest = hashlib.sha256("\0".join(ctx.flags).encode()).hexdigest()[:12]
        obj = ctx.workdir / f"prelude-{digest}.o"
        if not obj.exists():
            source = ctx.workdir / "prelude.c"
            source.write_text(resources.files(__name__).joinpath("prelude.c").read_text())
            result = await ctx.run_tool(
                [*compiler.argv, "-c", "-o", str(obj), str(source), *compile_only(ctx.flags, INPUT_FILES)],
                cwd=ctx.cwd,
            )
            if result.returncode != 0:
                obj.unlink(missing_ok=True)
                output = result.stderr + result.stdout
                return BuildResult(None, tuple(parse_gnu(output)), output)
        return BuildResult(obj)


INPUT_FILES = (".c", ".o", ".a", ".so", ".s", ".S")


def _deferred(decl: Declaration) -> tuple[Fragment, ...]:
    inits = decl.data.get("deferred", ())
    return inits if isinstance(inits, tuple) else ()

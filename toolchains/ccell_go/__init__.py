"""The Go toolchain: Go cells built with the ``go`` command ($GO, else ``go`` on PATH), offline.

Registered like any third-party toolchain, under the entry point ``go`` of ``ccellkernel.toolchains``.
Splitting follows CELL_MODEL.md's Go keys (``classify.py``); rendering, with its import handling
and unused-variable guards, is ``render.py``; the ``go`` command itself is ``gocmd.py``.

Builds happen in one module directory per kernel (``module ccellkernel``, ``go`` line of the
toolchain's version), so the build cache stays warm, never with the network. The module also holds
the display binding (``display/display.go``, import path ``ccellkernel/display``, imported for the user
like a standard package), through which a cell's last expression becomes ``Out[n]`` (``value.py``).
``%test`` runs ``TestX`` functions with the testing package's own harness (``tests.py``). A cell that
only declares is compiled without linking (``go list -export``: about 60 ms here against 200 ms for
``go build``, and ``go vet`` is slower still); a cell that runs is built with ``go build -trimpath``.
Line directives name ``Cell In[N]`` as the file, so compiler errors and panic traces point at cells.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import tree_sitter
import tree_sitter_go

from ccellkernel.errors import ToolchainNotFound
from ccellkernel.memory import Fragment, Memory
from ccellkernel.program import CellParts, Diagnostic, Origin, Program
from ccellkernel.testing import TestPlan
from ccellkernel.toolchain import BuildContext, BuildResult, Compiler, Project, Toolchain

from . import names, project, tests, value
from .assist import GoAssistant
from .classify import KEYWORDS, split_cell
from .gocmd import GoInstall, StandardLibrary, find_go, list_std_argv, load_std, name_cells, parse_messages
from .render import SOURCE, render_program

MODULE = "ccellkernel"  # the kernel's module: main, and the display package at ccellkernel/display
DISPLAY = "ccellkernel/display"
# -trimpath: runtime paths read "ccell/Cell In[3]:5", the same in every kernel (and cache entry).
COMMON_FLAGS = ("-trimpath", "-buildvcs=false")
LINK_FLAGS = ("-ldflags=-s -w",)  # no symbol table or DWARF: a faster link; panics keep their lines
UNUSED_IMPORT = re.compile(r'^"(?P<path>[^"]+)" imported (?:as \S+ )?and not used$')
WARM_UP_PROGRAM = """package main

import (
\t"bufio"
\t"bytes"
\t"errors"
\t"fmt"
\t"maps"
\t"math"
\t"math/rand"
\t"os"
\t"slices"
\t"sort"
\t"strconv"
\t"strings"
\t"time"
)

func main() {
\tw := bufio.NewWriter(os.Stdout)
\tdefer w.Flush()
\ts := []string{strconv.Itoa(rand.Intn(1)), strings.ToUpper("a"), bytes.NewBufferString("b").String()}
\tsort.Strings(s)
\tkeys := slices.Sorted(maps.Keys(map[string]int{"k": 1}))
\tfmt.Fprintln(w, s, keys, math.Sqrt(2), time.Second, errors.New("x"))
}
"""


class GoToolchain(Toolchain):
    """Go, one cell at a time."""

    name: ClassVar[str] = "go"
    display_name: ClassVar[str] = "Go (compiled)"
    language_info: ClassVar[dict[str, Any]] = {
        "name": "go",
        "version": "",
        "mimetype": "text/x-go",
        "file_extension": ".go",
        "pygments_lexer": "go",
        "codemirror_mode": "text/x-go",
        "nbconvert_exporter": "ccell-script",  # --to script writes the rendered program
    }
    keywords: ClassVar[frozenset[str]] = KEYWORDS
    line_comment: ClassVar[str | None] = "//"
    order_free: ClassVar[bool] = True  # a declaration may use one declared further down

    def __init__(self) -> None:
        self._language = tree_sitter.Language(tree_sitter_go.language())
        self._install: GoInstall | None = None
        self._std: StandardLibrary | None = None
        self._void_calls = value.VoidCalls()

    def grammar(self) -> tree_sitter.Language:
        return self._language

    # -- splitting and rendering ----------------------------------------------------------------

    def split(self, source: str, cell: int) -> CellParts:
        return split_cell(self._language, source, cell)

    def render(self, memory: Memory, cell: CellParts) -> Program:
        program = render_program(self._language, memory, cell, self._standard_library)
        wrapped = None
        if cell.main is None and cell.statements:
            wrapped = value.wrap_last(self._language, cell.statements[-1], memory, self._void_calls)
        if wrapped is None:
            return program
        shown = render_program(self._language, memory, cell, self._standard_library, value=wrapped)
        return dataclasses.replace(shown, data={"without_value": program, "callee": wrapped.callee})

    def render_tests(self, memory: Memory) -> TestPlan:
        return tests.plan(self._language, memory, self._standard_library)

    def missing_names(self, diagnostic: Diagnostic) -> frozenset[str] | None:
        return names.missing_names(diagnostic)

    def statement_locals(self, statement: Fragment) -> tuple[str, ...]:
        return names.statement_locals(self._language, statement.text)

    def keep_hint(self, name: str) -> str:
        return names.keep_hint(name)

    def _standard_library(self) -> StandardLibrary:
        """Package names of the standard library, listed once (empty without a Go toolchain)."""
        if self._std is None:
            try:
                install = self.install()
            except ToolchainNotFound:
                return StandardLibrary()  # the build that follows says what is missing
            self._std = load_std(install).with_package(DISPLAY, "display")
        return self._std

    def assistant(self, workdir: Path) -> GoAssistant:
        """The Go helper (``assist.py``): built at warm-up, from the standard library alone."""
        return GoAssistant(self, workdir)

    # -- compiling --------------------------------------------------------------------------------

    def install(self) -> GoInstall:
        if self._install is None:
            self._install = find_go()
        return self._install

    def find_compiler(self) -> Compiler:
        install = self.install()
        return Compiler((install.go,), install.version)

    async def build(self, program: Program, ctx: BuildContext) -> BuildResult:
        result = await self._build(program, ctx)
        plain = program.data.get("without_value")
        if not result.ok and isinstance(plain, Program):
            if any(value.is_no_value(d.message) for d in result.diagnostics):
                # the last call gives no value: it runs, and has no Out[n]
                callee = program.data.get("callee")
                if isinstance(callee, str):
                    self._void_calls.names.add(callee)
                return await self._build(plain, ctx)
        return result

    async def _build(self, program: Program, ctx: BuildContext) -> BuildResult:
        install = self.install()
        module = self._module(install, ctx.workdir)
        result = await self._go_build(install, module, program.text, ctx)
        if not result.ok:
            # Only Go can tell whether a dot import is used (or, rarely, an import this toolchain
            # thought used): drop the imports it calls unused and build once more.
            unused = [d for d in result.diagnostics if UNUSED_IMPORT.match(d.message)]
            text = without_lines(program, unused)
            if text is not None and len(unused) == len(result.diagnostics):
                return await self._go_build(install, module, text, ctx)
            if text is not None:  # other errors too: show those, the rebuild comes after the fix
                kept = tuple(d for d in result.diagnostics if d not in unused)
                return BuildResult(None, kept, result.output)
        return result

    async def _go_build(self, install: GoInstall, module: Path, text: str, ctx: BuildContext) -> BuildResult:
        (module / "main.go").write_text(text, encoding="utf-8")
        if ctx.will_run:
            binary = ctx.workdir / "cell"
            argv = [install.go, "build", *COMMON_FLAGS, *LINK_FLAGS, *ctx.flags, "-o", str(binary), "."]
        else:  # only declarations: type-check and compile, no link
            argv = [install.go, "list", "-export", "-f", "{{.Export}}", *COMMON_FLAGS, *ctx.flags, "."]
        result = await ctx.run_tool(argv, cwd=module, env=install.environment(ctx.workdir))
        output = result.stderr
        diagnostics = tuple(parse_messages(output, self._standard_library()))
        if result.returncode != 0:
            return BuildResult(None, diagnostics, output + result.stdout)
        if ctx.will_run:
            return BuildResult(binary, diagnostics, output)
        export = result.stdout.strip()
        return BuildResult(Path(export) if export else module / "main.go", diagnostics, output)

    def _module(self, install: GoInstall, workdir: Path) -> Path:
        """The kernel's module directory, with its go.mod (written once, or when it changed)."""
        module = workdir / "module"
        module.mkdir(exist_ok=True)
        go_mod = module / "go.mod"
        text = f"module {MODULE}\n\ngo {install.language_version}\n"
        if not go_mod.exists() or go_mod.read_text(encoding="utf-8") != text:
            go_mod.write_text(text, encoding="utf-8")
        package = module / "display" / "display.go"
        source = resources.files(__name__).joinpath("display/display.go").read_text(encoding="utf-8")
        if not package.exists() or package.read_text(encoding="utf-8") != source:
            package.parent.mkdir(exist_ok=True)
            package.write_text(source, encoding="utf-8")
        return module

    def project_files(self, program: Program, name: str, flags: Sequence[str] = ()) -> Project:
        """``main.go`` and ``go.mod``; see ``project.py``."""
        try:
            version = self.install().language_version
        except ToolchainNotFound:  # exporting a saved notebook needs no Go; any recent one builds it
            version = project.DEFAULT_GO
        return project.project_files(program, name, flags, language_version=version)

    def stderr_filter(self, program: Program) -> Callable[[str], str]:
        """Runtime positions as ``Cell In[3], line 5``, without the module path or the frame offset."""
        return name_cells

    async def warm_up(self, ctx: BuildContext) -> None:
        """List the standard library and build a small program, so the build cache holds the
        packages most cells use (a cold cache makes the first cell take seconds)."""
        install = self.install()
        env = install.environment(ctx.workdir)
        if self._std is None:
            listing = await ctx.run_tool(list_std_argv(install.go), cwd=ctx.workdir, env=env)
            if listing.returncode == 0 and self._std is None:
                self._std = StandardLibrary.from_listing(listing.stdout).with_package(DISPLAY, "display")
        module = self._module(install, ctx.workdir)
        (module / "main.go").write_text(WARM_UP_PROGRAM, encoding="utf-8")
        argv = [install.go, "build", *COMMON_FLAGS, *LINK_FLAGS, "-o", str(ctx.workdir / "warm"), "."]
        await ctx.run_tool(argv, cwd=module, env=env)


def without_lines(program: Program, unused: list[Diagnostic]) -> str | None:
    """``program``'s text with the import lines that ``unused`` (unused-import errors) point at
    blanked (line numbers stay); None if not every one of them points at its import's line."""
    lines = program.text.split("\n")
    where = {origin: i for i, origin in enumerate(program.origins) if origin is not None}
    for diag in unused:
        match = UNUSED_IMPORT.match(diag.message)
        if diag.line is None or match is None:
            return None
        if diag.cell is not None:
            index = where.get(Origin(diag.cell, diag.line))
        else:  # generated code: main.go's own line numbers
            index = diag.line - 1 if diag.raw.startswith(f"{SOURCE}:") else None
        if index is None or not 0 <= index < len(lines) or f'"{match.group("path")}"' not in lines[index]:
            return None
        lines[index] = ""
    return "\n".join(lines) if unused else None

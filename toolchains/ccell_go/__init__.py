"""The Go toolchain: Go cells built with the ``go`` command ($GO, else ``go`` on PATH).

Registered like any third-party toolchain, under the entry point ``go`` of ``ccellkernel.toolchains``.
Splitting follows CELL_MODEL.md's Go keys (``classify.py``); rendering, with its import handling
and unused-variable guards, is ``render.py``; the ``go`` command itself is ``gocmd.py``.

Builds happen in one module directory per kernel (``module ccellkernel``, ``go`` line of the
toolchain's version). Its go.mod and go.sum are the notebook's libraries (``modules.py``): an import
of a module that no requirement provides is fetched with ``go get`` before the build (the user's
GOPROXY and the rest of their Go configuration decide from where), ``%dep`` pins a version or
replaces a module by a local folder; a program of standard packages needs no module and never
touches the network. The module also holds the display binding
(``display/display.go``, import path ``ccellkernel/display``, imported for the user like a standard
package), through which a cell's last expression becomes ``Out[n]`` (``value.py``). ``%test`` runs
``TestX`` functions with the testing package's own harness (``tests.py``). Line directives name
``Cell In[N]`` as the file, so compiler errors and panic traces point at cells.

Speed (benchmarks/README.md has the figures): a program that imports only standard packages is built
with Go's compiler and linker called directly (``direct.py``: 10 + 50 ms where ``go build`` takes 150),
into the kernel's ``BuildCache`` keyed by the program's text, the archives it links and the Go
toolchain's identity, so an unchanged cell builds nothing; a cell that only declares is compiled,
not linked. Once a memory has compiled as a whole, a cell's program holds only the declarations its
``main`` reaches (``ccellkernel.toolkit.reach``; Go runs nothing for an unused function, type or constant,
and every ``var`` and ``init`` stays): with 300 remembered functions a trivial cell compiles what a
cell in an empty notebook compiles. Anything else (cgo, ``//go:embed``, packages from outside the
standard library, ``%flags``) goes through ``go build -trimpath`` (``go list -export`` for a cell
that only declares), uncached. The packages of the notebook's modules are compiled by ``go list
-export`` once per module state, then linked directly like standard ones: a cell that imports a
module costs what a cell of standard packages costs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import tree_sitter
import tree_sitter_go

from ccellkernel.api.build import LibraryContext
from ccellkernel.api.errors import ToolchainNotFound
from ccellkernel.api.libraries import NO_LIBRARIES, Dependency, Libraries
from ccellkernel.api.memory import Fragment, Memory
from ccellkernel.api.program import CellParts, Diagnostic, Origin, Program, cell_position
from ccellkernel.api.testing import TestPlan
from ccellkernel.api.toolchain import BuildContext, BuildResult, Compiler, Project, Toolchain
from ccellkernel.toolkit import content, reach

from . import direct, modules, names, project, tests, value
from . import prune as pruning
from .assist import GoAssistant
from .classify import KEYWORDS, PACKAGE_WORDS, split_cell
from .gocmd import GoInstall, StandardLibrary, find_go, list_std_argv, load_std, name_cells, parse_messages
from .render import SOURCE, render_program

MODULE, DISPLAY = direct.MODULE, direct.DISPLAY  # the kernel's module: main, and the display package
# -trimpath: runtime paths read "ccell/Cell In[3]:5", the same in every kernel (and cache entry).
COMMON_FLAGS = ("-trimpath", "-buildvcs=false")
LINK_FLAGS = ("-ldflags=-s -w",)  # no symbol table or DWARF: a faster link; panics keep their lines
UNUSED_IMPORT = re.compile(r'^"(?P<path>[^"]+)" imported (?:as \S+ )?and not used$')
# What most cells import: their archives are found (and built into Go's cache if need be) at start.
WARM_UP_PACKAGES = (
    "bufio",
    "bytes",
    "errors",
    "fmt",
    "maps",
    "math",
    "math/rand",
    "os",
    "slices",
    "sort",
    "strconv",
    "strings",
    "time",
)  # fmt.Println("hi") becomes display.Result(fmt.Println("hi")): most cells import display too


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
    help_links: ClassVar[tuple[tuple[str, str], ...]] = (("Go standard library", "https://pkg.go.dev/std"),)
    readme_section: ClassVar[str] = "how-cells-work"  # its Go paragraph
    keywords: ClassVar[frozenset[str]] = KEYWORDS
    scoped_words: ClassVar[Mapping[str, frozenset[str]]] = PACKAGE_WORDS
    line_comment: ClassVar[str | None] = "//"
    order_free: ClassVar[bool] = True  # a declaration may use one declared further down

    def __init__(self) -> None:
        self._language = tree_sitter.Language(tree_sitter_go.language())
        self._install: GoInstall | None = None
        self._fingerprint = ""  # of the Go toolchain's files when it was found
        self._identity = ""  # its version and that fingerprint: part of every cache key
        self._std: StandardLibrary | None = None
        self._direct: direct.Builder | None = None  # compile and link called directly
        self._good: set[str] = set()  # memories (with the identity and libraries) that compiled as a whole
        self._libraries: Libraries = NO_LIBRARIES  # of the last build (render's guess for the next)
        self._required: tuple[str, dict[str, str]] = ("", {})  # the modules a key's go.mod requires
        self._workdir: Path | None = None  # the kernel's build folder: Go's caches when HOME has none
        self._relabel: tuple[Program, int, int] | None = None  # a binary built for another cell
        self._void_calls = value.VoidCalls()

    def grammar(self) -> tree_sitter.Language:
        return self._language

    # -- splitting and rendering ----------------------------------------------------------------

    def split(self, source: str, cell: int) -> CellParts:
        return split_cell(self._language, source, cell)

    def render(self, memory: Memory, cell: CellParts) -> Program:
        return self._render(memory, cell, prune=cell.runs)  # %show (nothing runs) shows it all

    def _render(self, memory: Memory, cell: CellParts, prune: bool) -> Program:
        signature = reach.signature(memory)
        shown = memory
        if prune and len(memory) and self._good_key(signature, self._libraries.key) in self._good:
            shown = pruning.needed(self._language, memory, cell)
        pruned = len(shown) < len(memory)
        notes: dict[str, object] = {"memory": signature, "pruned": pruned, "cell": pruning.current_cell(cell)}
        if pruned:
            notes["full"] = functools.partial(self._render, memory, cell, False)
        program = render_program(self._language, shown, cell, self._known_packages)
        program = dataclasses.replace(program, data={**program.data, **notes})
        wrapped = None
        if cell.main is None and cell.statements:
            wrapped = value.wrap_last(self._language, cell.statements[-1], memory, self._void_calls)
        if wrapped is None:
            return program
        with_value = render_program(self._language, shown, cell, self._known_packages, value=wrapped)
        data = {**with_value.data, **notes, "without_value": program, "callee": wrapped.callee}
        return dataclasses.replace(with_value, data=data)

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

    def _known_packages(self) -> StandardLibrary:
        """The standard library's names, and those of the modules' packages built so far: an import
        of one whose name the program does not use is left out, as a standard one is (else every
        cell would fail to compile once with "imported and not used", then build again)."""
        library = self._standard_library()
        modules = self._direct.archives.names if self._direct is not None else {}
        return library.with_names(modules) if modules else library

    def assistant(self, workdir: Path) -> GoAssistant:
        """The Go helper (``assist.py``): built at warm-up, from the standard library alone."""
        return GoAssistant(self, workdir)

    # -- compiling --------------------------------------------------------------------------------

    def install(self) -> GoInstall:
        if self._install is None:
            install = find_go()
            self._fingerprint = content.fingerprint(*install.files())
            self._identity = content.key(install.version, self._fingerprint)
            self._install = install
        return self._install

    def _refresh(self) -> GoInstall:
        """The Go toolchain, found anew if its files changed since (upgraded while the kernel runs):
        its identity changes, and with it every key, so nothing built by the old one is used."""
        install = self.install()
        if content.fingerprint(*install.files()) != self._fingerprint:
            self._install = self._std = self._direct = None
            install = self.install()
        return install

    def find_compiler(self) -> Compiler:
        install = self.install()
        return Compiler((install.go,), install.version)

    def _good_key(self, signature: str, libraries: str) -> str:
        return content.key(self._identity, libraries, signature)

    async def build(self, program: Program, ctx: BuildContext) -> BuildResult:
        outer = program
        self._refresh()
        self._relabel = None
        self._workdir = ctx.workdir
        signature = str(program.data.get("memory", ""))
        if program.data.get("pruned") and (
            ctx.flags or self._good_key(signature, ctx.libraries.key) not in self._good
        ):
            full = program.data["full"]
            assert callable(full)
            program = full()  # not known to compile as a whole with this Go, flags and libraries
        fetched = await self._fetch(program, ctx)
        libraries = ctx.libraries if fetched is None else fetched
        self._libraries = libraries
        built_for: list[int] = []
        result = await self._build(program, ctx, built_for, libraries)
        plain = program.data.get("without_value")
        if not result.ok and isinstance(plain, Program):
            if any(value.is_no_value(d.message) for d in result.diagnostics):
                # the last call gives no value: it runs, and has no Out[n]
                callee = program.data.get("callee")
                if isinstance(callee, str):
                    self._void_calls.names.add(callee)
                again = await self._build(plain, ctx, built_for, libraries)
                result = dataclasses.replace(again, timings=_added(result.timings, again.timings))
        if result.ok and not ctx.flags and not program.data.get("pruned") and "memory" in program.data:
            self._good.add(self._good_key(signature, libraries.key))
        current = program.data.get("cell")
        if built_for and isinstance(current, int) and built_for[-1] != current:
            self._relabel = (outer, built_for[-1], current)
        return result if fetched is None else dataclasses.replace(result, libraries=fetched)

    async def _fetch(self, program: Program, ctx: BuildContext) -> Libraries | None:
        """The notebook's libraries grown by the modules of ``program``'s imports that no requirement
        provides (``go get``, streamed to the cell), or None when every import is provided."""
        imports = program.data.get("imports")
        std = self._standard_library()
        if not isinstance(imports, tuple) or not std:
            return None
        required = self._requirements(ctx.libraries)
        wanting = [
            path
            for path in imports
            if path not in std.names and modules.provider(path, required) is None and modules.fetchable(path)
        ]
        if not wanting:
            return None
        found = [modules.Import(path, _import_line(program, path)) for path in wanting]
        install, workdir, current = self.install(), ctx.workdir, ctx.libraries

        async def run(libctx: LibraryContext) -> Libraries:
            env = install.environment(workdir, base=libctx.environment)
            return await modules.fetch(install, current, found, libctx, env)

        return await ctx.resolve(current, run)

    def _requirements(self, libraries: Libraries) -> dict[str, str]:
        """The modules ``libraries``' go.mod requires (read once per module state)."""
        if self._required[0] != libraries.key:
            self._required = (libraries.key, modules.requirements(libraries.files.get("go.mod", "")))
        return self._required[1]

    async def _build(
        self, program: Program, ctx: BuildContext, built_for: list[int], libraries: Libraries
    ) -> BuildResult:
        install = self.install()
        module = self._module(install, ctx.workdir, libraries)
        result = await self._compile(install, module, program, program.text, ctx, built_for, libraries)
        if not result.ok:
            # Only Go can tell whether a dot import is used (or, rarely, an import this toolchain
            # thought used): drop the imports it calls unused and build once more.
            unused = [d for d in result.diagnostics if UNUSED_IMPORT.match(d.message)]
            text = without_lines(program, unused)
            if text is not None and len(unused) == len(result.diagnostics):
                again = await self._compile(install, module, program, text, ctx, built_for, libraries)
                return dataclasses.replace(again, timings=_added(result.timings, again.timings))
            if text is not None:  # other errors too: show those, the rebuild comes after the fix
                kept = tuple(d for d in result.diagnostics if d not in unused)
                return BuildResult(None, kept, result.output, result.timings)
        return result

    async def _compile(
        self,
        install: GoInstall,
        module: Path,
        program: Program,
        text: str,
        ctx: BuildContext,
        built_for: list[int],
        libraries: Libraries,
    ) -> BuildResult:
        builder = self._builder(install)
        if builder.applies(program, text, ctx):
            try:
                result = await builder.build(module, program, text, ctx, built_for, libraries)
            except OSError as err:  # a full disk, a removed folder: say so, change nothing
                return BuildResult(None, (Diagnostic("error", f"the build failed: {err}"),), str(err))
            if result is not None:
                return result
        return await self._go_build(install, module, text, ctx)

    def _builder(self, install: GoInstall) -> direct.Builder:
        """The direct build for this Go installation (made again when it changes)."""
        if self._direct is None or self._direct.install is not install:
            self._direct = direct.Builder(install, self._identity, _display_source(), self._standard_library)
        return self._direct

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

    def _module(self, install: GoInstall, workdir: Path, libraries: Libraries = NO_LIBRARIES) -> Path:
        """The kernel's module directory, with the go.mod and go.sum of ``libraries`` (written when
        they changed)."""
        module = workdir / "module"
        module.mkdir(exist_ok=True)
        for name, text in (
            ("go.mod", libraries.files.get("go.mod") or modules.base_go_mod(install.language_version)),
            ("go.sum", libraries.files.get("go.sum", "")),
        ):
            path = module / name
            if not text:
                path.unlink(missing_ok=True)
            elif not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
        package = module / "display" / "display.go"
        source = _display_source()
        if not package.exists() or package.read_text(encoding="utf-8") != source:
            package.parent.mkdir(exist_ok=True)
            package.write_text(source, encoding="utf-8")
        return module

    def build_folder(self, workdir: Path) -> Path:
        """The kernel's module folder: go.mod, go.sum, main.go (the last program built), display/."""
        return self._module(self.install(), workdir, self._libraries)

    # -- libraries ----------------------------------------------------------------------------------

    def dependencies(self, text: str) -> tuple[Dependency, ...]:
        """``%dep PATH``, ``%dep PATH@VERSION`` (several on a line), ``%dep PATH => DIR``."""
        return modules.dependencies(text)

    async def resolve_libraries(self, wanted: Sequence[Dependency], ctx: LibraryContext) -> Libraries:
        """The notebook's module state for ``wanted``, with ``go get`` (``modules.py``)."""
        install = self._refresh()
        env = install.environment(self._workdir or ctx.folder, base=ctx.environment)
        return await modules.resolve(install, wanted, ctx, env)

    def project_files(
        self, program: Program, name: str, flags: Sequence[str] = (), libraries: Libraries = NO_LIBRARIES
    ) -> Project:
        """``main.go``, ``go.mod`` (and ``go.sum``, with libraries); see ``project.py``."""
        try:
            version = self.install().language_version
        except ToolchainNotFound:  # exporting a saved notebook needs no Go; any recent one builds it
            version = project.DEFAULT_GO
        return project.project_files(program, name, flags, language_version=version, libraries=libraries)

    def stderr_filter(self, program: Program) -> Callable[[str], str]:
        """Runtime positions as ``Cell In[3], line 5``, without the module path or the frame offset;
        from a binary built for an earlier run of the same cell, its number as this run's."""
        relabel = self._relabel
        if relabel is None or relabel[0] is not program:
            return name_cells
        old = re.compile(rf"Cell In\[{relabel[1]}\]")
        new = f"Cell In[{relabel[2]}]"
        return lambda text: name_cells(old.sub(new, text))

    async def warm_up(self, ctx: BuildContext) -> None:
        """List the standard library, find the archives of the packages most cells use (building
        them into Go's cache if they are not there: seconds, once) and compile the display package,
        so that the first cell builds as fast as the next. (Linking a program too would only warm
        the page cache, and make the first cell wait for it.)"""
        install = self._refresh()
        env = install.environment(ctx.workdir)
        module = self._module(install, ctx.workdir)

        async def listing() -> None:
            if self._std is None:
                found = await ctx.run_tool(list_std_argv(install.go), cwd=ctx.workdir, env=env)
                if found.returncode == 0 and self._std is None:
                    self._std = StandardLibrary.from_listing(found.stdout).with_package(DISPLAY, "display")

        async def build() -> None:
            builder = self._builder(install)
            warm = [*WARM_UP_PACKAGES, *direct.imports_of(_display_source()), "runtime"]
            if await builder.archives.find(ctx, module, warm):
                await builder.display_archive(module, ctx)

        await asyncio.gather(listing(), build())  # two cores: the listing beside the build


def _added(first: Mapping[str, float], second: Mapping[str, float]) -> dict[str, float]:
    return {k: first.get(k, 0.0) + second.get(k, 0.0) for k in {*first, *second}}


@functools.cache
def _display_source() -> str:
    return resources.files(__name__).joinpath("display/display.go").read_text(encoding="utf-8")


def _import_line(program: Program, path: str) -> str:
    """Where ``program`` imports ``path``: ``Cell In[3], line 1: import "github.com/google/uuid"``."""
    quoted = f'"{path}"'
    for text, origin in zip(program.text.split("\n"), program.origins, strict=False):
        if origin is not None and quoted in text:
            return f"{cell_position(origin.cell, origin.line)}: import {quoted}"
    return f"import {quoted}"


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

"""Building a Go cell without the go command: Go's compiler and linker, called directly.

``go build`` spends most of a trivial cell's 150 ms deciding what to do (loading packages, hashing
every input, consulting its cache); the work itself is ``compile`` (a few milliseconds for a cell)
and ``link`` (about 50, most of it the runtime). So a program whose imports are all standard packages
(and ``ccellkernel/display``) is built the way ``go build -trimpath`` would build it, without it:

- ``Archives`` asks ``go list -export -deps`` once per package for the compiled archive in Go's build
  cache (the one ``go build -trimpath`` links), and checks before each build that it is still there;
  packages of the notebook's modules (``%dep``, imports fetched) too, once per module state (those of
  a module replaced by a local folder at every build: the folder may have changed);
- the display package is compiled once per kernel into the kernel's cache;
- one importcfg names them all; ``compile`` gets ``-p main -complete -pack``, the language version of
  ``go.mod``'s go line and ``-trimpath`` mapping the folder to the module path, as go build passes
  them; ``link`` gets ``-s -w`` and an empty ``GOROOT``, as with ``-trimpath``.

Anything else (cgo, ``//go:embed``, a module package that uses cgo, ``%flags``, a ``GOFLAGS`` that
changes how packages compile) goes through ``go build`` (``ccell_go.GoToolchain``).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from ccellkernel.api.libraries import NO_LIBRARIES, Libraries
from ccellkernel.api.program import Program
from ccellkernel.api.toolchain import BuildContext, BuildResult

from .gocmd import GoInstall, StandardLibrary, parse_messages

MODULE = "ccellkernel"  # the module path: main's folder is trimmed to it, as go build -trimpath does
DISPLAY = "ccellkernel/display"
# Where a program must go through go build: cgo, embedded files.
NEEDS_GO_BUILD = re.compile(r'^\s*import\s+(?:\(\s*)?"C"|^//go:embed|"C"\s*$', re.MULTILINE)
# The directives naming the current cell: the key of a build leaves its number out (a re-run cell is
# the same program), and the output of a binary built for cell 7, run for cell 9, says 9.
_DIRECTIVE_LABEL = "(//line |/\\*line )Cell In\\[{cell}\\]:"
LIST_FORMAT = (
    '{{.ImportPath}}\t{{.Export}}\t{{.Standard}}\t{{if .Error}}error{{end}}\t{{join .Deps " "}}'
    "\t{{if .CgoFiles}}cgo{{end}}"
    "\t{{with .Module}}{{with .Replace}}{{if not .Version}}local{{end}}{{end}}{{end}}"
    "\t{{.Name}}"
)
# GOFLAGS words that change nothing in how a package compiles or links (others: go build decides).
NEUTRAL_GOFLAGS = ("-mod=", "-modcacherw", "-buildvcs", "-trimpath", "-modfile=")
_IMPORT_BLOCK = re.compile(r"^import \((?P<body>.*?)^\)", re.MULTILINE | re.DOTALL)
_IMPORT_LINE = re.compile(r'^\s*(?:\w+\s+)?"(?P<path>[^"]+)"\s*$', re.MULTILINE)


def imports_of(source: str) -> list[str]:
    """The import paths of a small Go file written with one ``import (...)`` block (display.go)."""
    block = _IMPORT_BLOCK.search(source)
    return [m.group("path") for m in _IMPORT_LINE.finditer(block.group("body"))] if block else []


class Archives:
    """Compiled packages by import path, as ``go list -export`` found them in Go's cache: standard
    ones, and those of the notebook's modules (for one module state at a time, ``use``)."""

    def __init__(self, install: GoInstall) -> None:
        self.install = install
        self.files: dict[str, str] = {}
        self.deps: dict[str, tuple[str, ...]] = {}
        self.standard: set[str] = set()
        self.local: set[str] = set()  # packages of a module replaced by a folder: listed at every build
        self.names: dict[str, str] = {}  # import path -> package name, of the modules' packages
        self.modules = ""  # the key of the module state the other packages were listed with

    def use(self, modules: str) -> None:
        """Packages of the module state ``modules`` (``Libraries.key``) from now on: those listed
        with another are forgotten."""
        if modules != self.modules:
            self.files = {p: f for p, f in self.files.items() if p in self.standard}
            self.deps = {p: d for p, d in self.deps.items() if p in self.standard}
            self.local.clear()
            self.names.clear()
            self.modules = modules

    def missing(self, paths: Iterable[str]) -> list[str]:
        """Those of ``paths`` not known yet, whose archive is gone (``go clean -cache``), or that
        a local folder provides."""
        files = self.files
        return [
            p
            for p in paths
            if p not in files or p in self.local or (files[p] and not os.path.isfile(files[p]))
        ]

    async def find(
        self, ctx: BuildContext, module: Path, paths: Iterable[str], modules: bool = False
    ) -> bool:
        """Learn the archives of ``paths`` and all they import. False if one of them is not a
        package that compiles, standard or (``modules``) of a required module without cgo (then
        ``go build`` must say what is wrong, or build it)."""
        install = self.install
        wanted = list(dict.fromkeys(paths))
        argv = [install.go, "list", "-e", "-export", "-deps", "-trimpath", "-f", LIST_FORMAT, *wanted]
        result = await ctx.run_tool(argv, cwd=module, env=install.environment(ctx.workdir))
        found: dict[str, str] = {}
        bad: set[str] = set()
        for line in result.stdout.splitlines():
            path, export, standard, error, deps, cgo, local, name = [*line.split("\t"), *[""] * 7][:8]
            if not path:
                continue
            if error or (standard != "true" and (not modules or cgo or not export)):
                bad.add(path)
                continue
            found[path] = export  # no archive: "unsafe", which the compiler itself provides
            self.deps[path] = tuple(deps.split())
            if standard == "true":
                self.standard.add(path)
            else:
                self.names[path] = name
                if local:
                    self.local.add(path)
        self.files.update(found)
        return result.returncode == 0 and not bad and all(p in found for p in wanted)

    def closure(self, paths: Iterable[str]) -> list[str]:
        """``paths`` and every package they import, directly or not (all known: see ``missing``)."""
        found = set(paths)
        for path in list(found):
            found.update(self.deps.get(path, ()))
        return sorted(found)

    def importcfg(self, paths: Iterable[str], extra: Mapping[str, Path] | None = None) -> str:
        """The importcfg for compile and link of a package importing ``paths`` (standard packages,
        with all they import) and ``extra`` (the display package's archive, by its import path).
        What the compiler and the linker read is exactly what it names, so it is part of keys."""
        lines = [f"packagefile {p}={self.files[p]}" for p in self.closure(paths) if self.files[p]]
        lines += [f"packagefile {p}={f}" for p, f in sorted((extra or {}).items())]
        return "\n".join(lines) + "\n"


def compile_argv(
    install: GoInstall, package: str, sources: Iterable[str], folder: Path, importcfg: Path, output: Path
) -> list[str]:
    """``compile`` as go build runs it for one package of the module (``package``: its import path,
    ``main`` for the program), from ``folder``, trimmed to the package's path."""
    trimmed = MODULE if package == "main" else package
    return [
        install.tool("compile"),
        "-o",
        str(output),
        "-p",
        package,
        f"-lang=go{install.language_version}",
        "-complete",
        "-goversion",
        install.version,
        "-nolocalimports",
        "-importcfg",
        str(importcfg),
        "-pack",
        "-trimpath",
        f"{folder}=>{trimmed}",
        *sources,
    ]


def link_argv(install: GoInstall, archive: Path, importcfg: Path, output: Path) -> list[str]:
    # -s -w: no symbol table or DWARF, a faster link; panics keep their lines (pclntab)
    return [
        install.tool("link"),
        "-o",
        str(output),
        "-importcfg",
        str(importcfg),
        "-buildmode=exe",
        "-s",
        "-w",
        str(archive),
    ]


def link_environment(install: GoInstall, workdir: Path) -> dict[str, str]:
    # go build -trimpath links with GOROOT empty: runtime.GOROOT() gives no path of this machine
    return {**install.environment(workdir), "GOROOT": ""}


class Builder:
    """Builds programs of one Go installation with compile and link, into the kernel's cache."""

    def __init__(
        self, install: GoInstall, identity: str, display_source: str, std: Callable[[], StandardLibrary]
    ) -> None:
        self.install = install
        self.identity = identity  # the Go toolchain's version and fingerprint: part of every key
        self.display_source = display_source
        self.std = std
        self.archives = Archives(install)

    def applies(self, program: Program, text: str, ctx: BuildContext) -> bool:
        """Whether ``program`` can be built without go build (then ``build`` may still say no)."""
        return (
            not ctx.flags
            and isinstance(program.data.get("imports"), tuple)
            and bool(self.install.tooldir)
            and self.install.version.startswith("go1")
            and NEEDS_GO_BUILD.search(text) is None
            and all(word.startswith(NEUTRAL_GOFLAGS) for word in os.environ.get("GOFLAGS", "").split())
        )

    async def build(
        self,
        module: Path,
        program: Program,
        text: str,
        ctx: BuildContext,
        built_for: list[int],
        libraries: Libraries = NO_LIBRARIES,
    ) -> BuildResult | None:
        """Compile (and link) ``text`` in ``module`` (whose go.mod is ``libraries``'); None when only
        go build can (then it says why). The cache key leaves out the current cell's number;
        ``built_for`` gets the cell a cached binary names."""
        install = self.install
        self.archives.use(libraries.key)
        imports = [str(p) for p in program.data.get("imports", ())]  # type: ignore[union-attr]
        extra: dict[str, Path] = {}
        packages = [p for p in imports if p != DISPLAY]
        if DISPLAY in imports:
            archive = await self.display_archive(module, ctx)
            if archive is None:
                return None
            extra[DISPLAY] = archive
            packages += imports_of(self.display_source)
        packages.append("runtime")
        missing = self.archives.missing(packages)
        if missing and not await self.archives.find(ctx, module, missing, modules=bool(libraries)):
            return None
        importcfg = self.archives.importcfg(packages, extra)
        current = program.data.get("cell")
        keyed = text
        if isinstance(current, int):
            keyed = re.sub(_DIRECTIVE_LABEL.format(cell=current), r"\1Cell In[@]:", text)
        entry_key = ctx.cache.key("go-direct", self.identity, keyed, importcfg, str(ctx.will_run))
        entry = ctx.cache.get(entry_key)
        if entry is not None:
            if entry.meta.get("cell", "").isdigit():
                built_for.append(int(entry.meta["cell"]))
            return BuildResult(entry.path("cell") if ctx.will_run else module / "main.go")
        meta = {"cell": str(current) if isinstance(current, int) else ""}
        with ctx.cache.scratch() as folder:
            (module / "main.go").write_text(text, encoding="utf-8")
            config = folder / "importcfg"
            config.write_text(importcfg, encoding="utf-8")
            argv = compile_argv(install, "main", ["main.go"], module, config, folder / "main.a")
            compiled = await ctx.run_tool(argv, cwd=module, env=install.environment(ctx.workdir))
            output = compiled.stderr + compiled.stdout
            diagnostics = tuple(parse_messages(output, self.std()))
            if compiled.returncode != 0:
                return BuildResult(None, diagnostics, output)
            if not ctx.will_run:
                ctx.cache.put(entry_key, {}, meta)
                return BuildResult(module / "main.go", diagnostics, output)
            start = time.perf_counter()
            argv = link_argv(install, folder / "main.a", config, folder / "cell")
            linked = await ctx.run_tool(argv, cwd=module, env=link_environment(install, ctx.workdir))
            timings = {"link": time.perf_counter() - start}
            if linked.returncode != 0:
                said = linked.stderr + linked.stdout
                return BuildResult(None, tuple(parse_messages(said, self.std())), said, timings)
            stored = ctx.cache.put(entry_key, {"cell": folder / "cell"}, meta)
            if stored is not None:
                return BuildResult(stored.path("cell"), diagnostics, output, timings)
            binary = ctx.workdir / "cell"  # not stored (a full disk?): run it from the build folder
            os.replace(folder / "cell", binary)
            return BuildResult(binary, diagnostics, output, timings)

    async def display_archive(self, module: Path, ctx: BuildContext) -> Path | None:
        """The display package compiled for this Go, from the kernel's cache (compiled once)."""
        imports = imports_of(self.display_source)
        missing = self.archives.missing(imports)
        if missing and not await self.archives.find(ctx, module, missing):
            return None
        importcfg = self.archives.importcfg(imports)
        entry_key = ctx.cache.key("go-display", self.identity, self.display_source, importcfg)
        entry = ctx.cache.get(entry_key)
        if entry is not None:
            return entry.path("display.a")
        source_folder = module / "display"
        with ctx.cache.scratch() as folder:
            config = folder / "importcfg"
            config.write_text(importcfg, encoding="utf-8")
            argv = compile_argv(
                self.install, DISPLAY, ["display.go"], source_folder, config, folder / "display.a"
            )
            result = await ctx.run_tool(argv, cwd=source_folder, env=self.install.environment(ctx.workdir))
            if result.returncode != 0:
                return None
            stored = ctx.cache.put(entry_key, {"display.a": folder / "display.a"})
            if stored is not None:
                return stored.path("display.a")
            kept = ctx.workdir / "display.a"
            os.replace(folder / "display.a", kept)
            return kept

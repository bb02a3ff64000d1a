"""Building a Go cell without the go command: Go's compiler and linker, called directly.

``go build`` spends most of a trivial cell's 150 ms deciding what to do (loading packages, hashing
every input, consulting its cache); the work itself is ``compile`` (a few milliseconds for a cell)
and ``link`` (about 50, most of it the runtime). So a program whose imports are all standard packages
(and ``ccellkernel/display``) is built the way ``go build -trimpath`` would build it, without it:

- ``Archives`` asks ``go list -export -deps`` once per package for the compiled archive in Go's build
  cache (the one ``go build -trimpath`` links), and checks before each build that it is still there;
- the display package is compiled once per kernel into the kernel's cache;
- one importcfg names them all; ``compile`` gets ``-p main -complete -pack``, the language version of
  ``go.mod``'s go line and ``-trimpath`` mapping the folder to the module path, as go build passes
  them; ``link`` gets ``-s -w`` and an empty ``GOROOT``, as with ``-trimpath``.

Anything else (cgo, ``//go:embed``, packages from outside the standard library, ``%flags``) goes
through ``go build`` (``ccell_go.GoToolchain``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from ccellkernel.toolchain import BuildContext

from .gocmd import GoInstall

MODULE = "ccellkernel"  # the module path: main's folder is trimmed to it, as go build -trimpath does
LIST_FORMAT = '{{.ImportPath}}\t{{.Export}}\t{{.Standard}}\t{{if .Error}}error{{end}}\t{{join .Deps " "}}'
_IMPORT_BLOCK = re.compile(r"^import \((?P<body>.*?)^\)", re.MULTILINE | re.DOTALL)
_IMPORT_LINE = re.compile(r'^\s*(?:\w+\s+)?"(?P<path>[^"]+)"\s*$', re.MULTILINE)


def imports_of(source: str) -> list[str]:
    """The import paths of a small Go file written with one ``import (...)`` block (display.go)."""
    block = _IMPORT_BLOCK.search(source)
    return [m.group("path") for m in _IMPORT_LINE.finditer(block.group("body"))] if block else []


class Archives:
    """Compiled standard packages by import path, as ``go list -export`` found them in Go's cache."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.deps: dict[str, tuple[str, ...]] = {}

    def missing(self, paths: Iterable[str]) -> list[str]:
        """Those of ``paths`` not known yet, or whose archive is gone (``go clean -cache``)."""
        files = self.files
        return [p for p in paths if p not in files or (files[p] and not os.path.isfile(files[p]))]

    async def find(self, install: GoInstall, ctx: BuildContext, module: Path, paths: Iterable[str]) -> bool:
        """Learn the archives of ``paths`` and all they import. False if one of them is not a
        standard package that compiles (then ``go build`` must say what is wrong)."""
        wanted = list(dict.fromkeys(paths))
        argv = [install.go, "list", "-e", "-export", "-deps", "-trimpath", "-f", LIST_FORMAT, *wanted]
        result = await ctx.run_tool(argv, cwd=module, env=install.environment(ctx.workdir))
        found: dict[str, str] = {}
        bad: set[str] = set()
        for line in result.stdout.splitlines():
            path, export, standard, error, deps = [*line.split("\t"), "", "", "", ""][:5]
            if not path:
                continue
            if error or standard != "true":
                bad.add(path)
            else:  # no archive: "unsafe", which the compiler itself provides
                found[path] = export
                self.deps[path] = tuple(deps.split())
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

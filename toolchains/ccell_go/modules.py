"""Go modules in a notebook (CELL_MODEL.md section 6a): ``%dep`` lines read, the notebook's module
state (its ``go.mod`` and ``go.sum``, kept in ``Libraries.files``) brought to the wanted set, and an
import of a module fetched on first use, as GoNB does.

Everything goes through ``go get`` with the user's own configuration (``GOPROXY``, ``GOPRIVATE``,
``GONOSUMDB``, ``GOSUMDB``, ``GOFLAGS``, ``GOTOOLCHAIN``, the module cache): nothing here sets them.
``go get`` runs in a copy of the state, in a fresh folder, so a failure leaves the notebook's state
as it was; what it returns is the grown state, which the notebook takes only once the cell
compiled (imports) or the ``%dep`` resolved.

Forms of ``%dep``: ``PATH`` (the latest version, kept on later resolves), ``PATH@VERSION`` (a
version, or a query ``go get`` understands: ``latest``, ``v1.3``, a commit), ``PATH => DIR`` (a
local module: a ``replace`` by the folder, relative to the notebook's, plus a requirement).
Every module asked for, by ``%dep`` or by an import, is one ``wanted`` entry with the version it
got, so that resolving the whole set again (another ``%dep``, a ``%rm``) changes no other module.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ccellkernel.api.build import LibraryContext, ToolResult
from ccellkernel.api.errors import LibraryError, MagicError
from ccellkernel.api.libraries import NO_LIBRARIES, Dependency, Libraries, Library
from ccellkernel.toolkit import content

from .gocmd import GoInstall

MAIN_MODULE = "ccellkernel"  # the notebook's module (direct.MODULE)
LOCAL_VERSION = "v0.0.0"  # the version a replaced module is required at
FETCH_TIMEOUT = 120.0  # seconds a go get may take: an unreachable proxy ends in an error, not a hang
FORM = (
    "%dep takes a Go module: `%dep github.com/google/uuid` (the latest version), "
    "`%dep github.com/google/uuid@v1.3.0` (a version) "
    "or `%dep example.com/m => ../m` (a local module's folder)"
)
# Module and import paths: Go's letters (module.CheckPath), elements separated by "/".
_PATH = re.compile(r"[A-Za-z0-9_~.+-]+(?:/[A-Za-z0-9_~.+-]+)*")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+/-]*")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"'`$;|&<>*?!{}\[\]()\\#]")
_REQUIRE_LINE = re.compile(r"^\s*(?:require\s+)?(?P<path>[^\s()]+)\s+(?P<version>v\S+)")
_GO_LINE = re.compile(r"^go\s+(\d+)\.(\d+)", re.MULTILINE)
_LIST_FORMAT = "{{.Path}}\t{{.Version}}\t{{with .Replace}}{{.Path}}{{end}}\t{{.Main}}"
# What go says when the proxy was not reached (rather than reached, and without the module).
_UNREACHABLE = re.compile(
    r"dial tcp|no such host|connection refused|i/o timeout|network is unreachable|TLS handshake"
    r"|Client\.Timeout|server misbehaving|connection reset"
)
_NO_VERSION = re.compile(r"@(?P<version>[^:\s]+): (?:reading \S+\.info|invalid version|unknown revision)")
_NO_MODULE = re.compile(r"/@v/list: |\bnot found\b|404 Not Found|410 Gone|unrecognized import path")


@dataclass(frozen=True)
class Import:
    """A cell's import of a package that no required module provides: its path and where it is."""

    path: str
    where: str  # 'Cell In[3], line 1: import "github.com/google/uuid"'


# -- %dep lines ----------------------------------------------------------------------------------------


def dependencies(text: str) -> tuple[Dependency, ...]:
    """The modules one ``%dep`` line asks for (see the module's docstring for the forms)."""
    text = text.strip()
    if not text or _UNSAFE.search(text.replace("=>", "")):
        raise MagicError(f"%dep {text}: {FORM}" if text else FORM)
    if "=>" in text:
        left, _, right = text.partition("=>")
        path, folder = left.strip(), right.strip()
        if not _is_module_path(path, local=True) or not folder or "=>" in folder:
            raise MagicError(f"%dep {text}: {FORM}")
        return (Dependency(path, f"=> {folder}"),)
    found = []
    for word in text.split():
        path, at, version = word.partition("@")
        if not _is_module_path(path) or (at and (not _VERSION.fullmatch(version) or version == "none")):
            raise MagicError(f"%dep {text}: {FORM}")
        found.append(Dependency(path, version))
    return tuple(found)


def _is_module_path(path: str, local: bool = False) -> bool:
    """Whether ``path`` is a module path Go accepts (a dot in its first element, unless a local
    module replaces it)."""
    if not _PATH.fullmatch(path) or path.startswith(("-", ".", "/")) or "//" in path:
        return False
    if any(part in (".", "..") or part.endswith(".") for part in path.split("/")):
        return False
    return local or "." in path.split("/")[0]


def local_folder(dep: Dependency, cwd: Path) -> str:
    """The absolute folder of ``PATH => DIR`` (relative to the notebook's folder), if it holds a
    module; else a ``LibraryError`` naming the line."""
    folder = dep.spec.removeprefix("=>").strip()
    target = Path(os.path.normpath(cwd / Path(folder).expanduser()))
    if not target.is_dir():
        raise LibraryError(f"{dep.line or dep.name}: {target} is not a folder")
    if not (target / "go.mod").is_file():
        raise LibraryError(f"{dep.line or dep.name}: {target} is not a Go module (it has no go.mod)")
    return str(target)


# -- the notebook's module state -----------------------------------------------------------------------


def base_go_mod(language_version: str) -> str:
    """The notebook's go.mod without libraries: its go line is the kernel's Go, so that no
    ``GOTOOLCHAIN`` setting sends go for another one."""
    return f"module {MAIN_MODULE}\n\ngo {language_version}\n"


def requirements(go_mod: str) -> dict[str, str]:
    """The modules a go.mod requires (direct or indirect), by path, with their versions."""
    found: dict[str, str] = {}
    block = False
    for line in go_mod.splitlines():
        stripped = line.strip()
        if block:
            if stripped.startswith(")"):
                block = False
            elif match := _REQUIRE_LINE.match(stripped):
                found[match.group("path")] = match.group("version")
        elif stripped.startswith("require"):
            if stripped.rstrip().endswith("("):
                block = True
            elif match := _REQUIRE_LINE.match(stripped):
                found[match.group("path")] = match.group("version")
    return found


def provider(path: str, required: Iterable[str]) -> str | None:
    """The required module whose path is the longest prefix of the import path ``path``."""
    best = None
    for module in required:
        if (path == module or path.startswith(module + "/")) and (best is None or len(module) > len(best)):
            best = module
    return best


def fetchable(path: str) -> bool:
    """Whether an import path not provided by a required module is one go get may find (a dot
    in its first element: a standard-library-like name is Go's "not in std" error instead)."""
    return _is_module_path(path) and not path.startswith(MAIN_MODULE + "/")


def go_line_newer(go_mod: str, language_version: str) -> str | None:
    """go.mod's go line if it asks for a newer Go than ``language_version`` (``1.26``)."""
    match = _GO_LINE.search(go_mod)
    have = tuple(int(x) for x in language_version.split(".")[:2])
    if match and (int(match.group(1)), int(match.group(2))) > have:
        return f"{match.group(1)}.{match.group(2)}"
    return None


def project_go_mod(files: Mapping[str, str], module: str) -> str:
    """The libraries' go.mod for an exported project named ``module``."""
    text = files.get("go.mod", "")
    return re.sub(r"^module\s+\S+", f"module {module}", text, count=1, flags=re.MULTILINE)


# -- resolving -------------------------------------------------------------------------------------------


class _State:
    """A copy of the module state in a fresh folder, where go changes it (removed afterwards)."""

    def __init__(self, parent: Path, files: Mapping[str, str], language_version: str) -> None:
        parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix="go-mod-", dir=parent))
        (self.folder / "go.mod").write_text(
            files.get("go.mod") or base_go_mod(language_version), encoding="utf-8"
        )
        if files.get("go.sum"):
            (self.folder / "go.sum").write_text(files["go.sum"], encoding="utf-8")

    def read(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def __enter__(self) -> _State:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


async def resolve(
    install: GoInstall, wanted: Sequence[Dependency], ctx: LibraryContext, env: Mapping[str, str]
) -> Libraries:
    """The module state for the whole ``wanted`` set, made anew: each module at the version asked,
    or (asked without one, and resolved before) the version it had."""
    if not wanted:
        return NO_LIBRARIES
    had = {lib.name: lib.version for lib in ctx.current.resolved}
    edits: list[str] = []
    gets: list[tuple[str, Dependency]] = []
    for dep in wanted:
        if dep.spec.startswith("=>"):
            target = local_folder(dep, ctx.cwd)
            edits += [f"-require={dep.name}@{LOCAL_VERSION}", f"-replace={dep.name}={target}"]
            gets.append((f"{dep.name}@{LOCAL_VERSION}", dep))
        else:
            same = ctx.current.find(dep.name) == dep and had.get(dep.name)
            gets.append((f"{dep.name}@{dep.spec or same or 'latest'}", dep))
    with _State(
        ctx.folder, {"go.sum": ctx.current.files.get("go.sum", "")}, install.language_version
    ) as state:
        if edits:
            done = await ctx.run_tool(
                [install.go, "mod", "edit", *edits], cwd=state.folder, env=env, progress=False
            )
            if done.returncode != 0:
                raise LibraryError(f"{wanted[0].line}: go mod edit failed", _said(done.stderr))
        await _go_get(install, [arg for arg, _ in gets], state, ctx, env, [(d.name, d.line) for _, d in gets])
        return await _libraries(install, tuple(wanted), state, ctx, env, [d.line for _, d in gets])


async def fetch(
    install: GoInstall,
    current: Libraries,
    imports: Sequence[Import],
    ctx: LibraryContext,
    env: Mapping[str, str],
) -> Libraries:
    """``current`` grown by the modules that provide ``imports`` (their latest versions): each
    becomes a wanted entry naming its import, at the version it got."""
    with _State(ctx.folder, current.files, install.language_version) as state:
        paths = [i.path for i in imports]
        await _go_get(install, paths, state, ctx, env, [(i.path, i.where) for i in imports])
        required = requirements(state.read("go.mod"))
        added: dict[str, Dependency] = {}
        for item in imports:
            module = provider(item.path, required)
            if module is not None and current.find(module) is None and module not in added:
                added[module] = Dependency(module, required[module], item.where)
        wanted = (*current.wanted, *added.values())
        return await _libraries(install, wanted, state, ctx, env, [i.where for i in imports])


async def _go_get(
    install: GoInstall,
    args: Sequence[str],
    state: _State,
    ctx: LibraryContext,
    env: Mapping[str, str],
    named: Sequence[tuple[str, str]],
) -> None:
    """``go get ARGS`` in ``state``, bounded by ``FETCH_TIMEOUT``; its failure is a ``LibraryError``
    naming the line (of ``named``: module or import path, line) that go's message names."""
    argv = [install.go, "get", *args]
    try:
        done = await asyncio.wait_for(ctx.run_tool(argv, cwd=state.folder, env=env), FETCH_TIMEOUT)
    except TimeoutError:
        proxy = await _setting(install, "GOPROXY", state.folder, ctx, env)
        where = named[0][1] if len(named) == 1 else ", ".join(line for _, line in named)
        raise LibraryError(
            f"{where}: the module proxy could not be reached in {FETCH_TIMEOUT:.0f} s",
            [f"GOPROXY={proxy} names it; set GOPROXY (or %env GOPROXY=...) to a proxy that answers"],
        ) from None
    if done.returncode != 0:
        raise await _error(install, done, state, ctx, env, named)


async def _libraries(
    install: GoInstall,
    wanted: tuple[Dependency, ...],
    state: _State,
    ctx: LibraryContext,
    env: Mapping[str, str],
    lines: Sequence[str],
) -> Libraries:
    """The state in ``state`` as ``Libraries``: the build list (``go list -m all``) with versions."""
    go_mod = state.read("go.mod")
    where = lines[0] if lines else "%dep"
    newer = go_line_newer(go_mod, install.language_version)
    if newer is not None:
        raise LibraryError(
            f"{where}: a module needs Go {newer}, newer than this kernel's {install.version}",
            ["install a newer Go (or set GO to it) and restart the kernel"],
        )
    listed = await ctx.run_tool(
        [install.go, "list", "-m", "-f", _LIST_FORMAT, "all"], cwd=state.folder, env=env, progress=False
    )
    if listed.returncode != 0:
        raise LibraryError(f"{where}: go list -m failed", _said(listed.stderr))
    asked = {d.name: d for d in wanted}
    resolved: list[Library] = []
    paths: set[str] = set()
    for row in listed.stdout.splitlines():
        path, version, replaced, main = [*row.split("\t"), "", "", ""][:4]
        if not path or main == "true":
            continue
        paths.add(path)
        dep = asked.get(path)
        if replaced:
            resolved.append(
                Library(path, "" if version == LOCAL_VERSION else version, f"=> {replaced}", dep is not None)
            )
        elif dep is None:
            resolved.append(Library(path, version, "", False))
        elif dep.line.startswith("Cell In["):
            resolved.append(Library(path, version, "import"))
        else:
            resolved.append(Library(path, version, f"@{dep.spec or 'latest'}"))
    go_sum = _pruned_sums(state.read("go.sum"), paths)
    files = {"go.mod": go_mod, "go.sum": go_sum}
    return Libraries(
        wanted, tuple(resolved), files=files, key=content.key("go-modules", install.version, go_mod, go_sum)
    )


def _pruned_sums(go_sum: str, paths: set[str]) -> str:
    """go.sum without the lines of modules no longer in the build list (a ``%rm``'s leftovers)."""
    kept = [line for line in go_sum.splitlines() if line.split(" ", 1)[0] in paths]
    return "\n".join(kept) + "\n" if kept else ""


# -- errors ------------------------------------------------------------------------------------------------


def _said(stderr: str, limit: int = 4) -> list[str]:
    """go's lines worth showing: its errors (and their indented details), not its progress."""
    lines = [
        line.rstrip()
        for line in stderr.splitlines()
        if line.strip()
        and not line.startswith(("go: downloading", "go: finding", "go: added", "go: upgraded"))
    ]
    return lines[:limit]


async def _setting(
    install: GoInstall, name: str, folder: Path, ctx: LibraryContext, env: Mapping[str, str]
) -> str:
    """A go setting as go sees it (the environment, ``go env -w``, Go's defaults)."""
    try:
        done = await asyncio.wait_for(
            ctx.run_tool([install.go, "env", name], cwd=folder, env=env, progress=False), 10
        )
    except TimeoutError:
        return env.get(name, "")
    return done.stdout.strip() if done.returncode == 0 else env.get(name, "")


async def _error(
    install: GoInstall,
    done: ToolResult,
    state: _State,
    ctx: LibraryContext,
    env: Mapping[str, str],
    named: Sequence[tuple[str, str]],
) -> LibraryError:
    """What a failed ``go get`` means, in a few lines naming the ``%dep`` line or the import."""
    said = _said(done.stderr)
    text = "\n".join(said)
    where = next((line for path, line in named if path in text), named[0][1])
    subject = next((path for path, _ in named if path in text), named[0][0])
    proxy = await _setting(install, "GOPROXY", state.folder, ctx, env)
    if "GOPROXY=off" in text or proxy == "off":
        summary = "modules cannot be downloaded: GOPROXY=off (set GOPROXY to a module proxy)"
    elif _UNREACHABLE.search(text):
        summary = f"the module proxy could not be reached (GOPROXY={proxy} names it)"
    elif match := _NO_VERSION.search(text):
        summary = f"{subject.split('@')[0]} has no version {match.group('version')} (GOPROXY={proxy})"
    elif _NO_MODULE.search(text):
        summary = f"no module provides {subject.split('@')[0]} (GOPROXY={proxy})"
    else:
        summary = "go get failed"
    return LibraryError(f"{where}: {summary}", said or [done.stderr.strip()[-500:]])

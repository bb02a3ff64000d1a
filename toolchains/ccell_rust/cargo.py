"""The notebook's crates resolved and built by cargo, once, and kept in the user's cache.

``resolve`` writes a package of the kernel's (``ccell-deps``: an empty library whose
``[dependencies]`` are the ``%dep`` lines, ``crates.py``) and asks cargo for its lock and metadata
(``cargo metadata``, run from the notebook's folder so that the user's configuration applies: their
``CARGO_HOME`` and its ``config.toml``, a ``.cargo/config.toml`` beside the notebook, source
replacement, ``CARGO_NET_OFFLINE``, registries and credentials; nothing of ours overrides them).
The built crates are kept in ``<cache>/rust/<key>``, the key made of what decides what cargo builds:
the manifest, the lock file, the compiler (``rustc -vV`` and its files), the user's cargo
configuration files and build variables, and what a path dependency's files look like. An entry
found is used as it is (a second kernel, a restart: nothing is built); otherwise ``cargo build``
builds into a scratch folder beside the entries, which becomes the entry by one rename only once the
build is done, so an interrupted or failed build leaves nothing that is used. Entries are touched
when used and the least recently used go once the folder is over its limit.

Cells then compile with rustc against the entry: ``--extern NAME=PATH`` for each direct dependency
(an ``.rlib``, or the ``.so`` of a proc-macro crate such as ``serde_derive``) and ``-L
dependency=...`` for what they need, in ``Libraries.compile``; ``Libraries.link`` holds every
library the build made (dependents first), which a cell linked as a shared object links in.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from ccellkernel.api.build import LibraryContext
from ccellkernel.api.errors import LibraryError
from ccellkernel.api.libraries import Dependency, Libraries, Library
from ccellkernel.toolkit import content

from . import crates

PROFILE = "dev"
RECORD = "ccell-deps.json"  # in an entry: what the build made, paths relative to the entry
SCRATCH_PREFIX = "building-"
STALE_SCRATCH = 6 * 3600  # a scratch folder this old was left by a kernel that died while building
ERROR_LINES = 8
# Variables that change what cargo builds (besides the configuration files, read whole).
BUILD_VARIABLES = re.compile(
    r"RUSTFLAGS|CARGO_ENCODED_RUSTFLAGS|CARGO_BUILD_.*|CARGO_PROFILE_.*|CARGO_TARGET_.*"
)
_NETWORK = re.compile(
    r"failed to (?:download|query|get|fetch|update)|spurious network|could(?: not|n't) (?:connect|resolve)"
    r"|timed? ?out|network|Connection refused|failed to load source|unable to update registry|offline",
    re.IGNORECASE,
)
NETWORK_BOUNDS = (("http.timeout", "CARGO_HTTP_TIMEOUT", 15), ("net.retry", "CARGO_NET_RETRY", 1))
_PROGRESS = ("Compiling", "Locking", "Updating", "Downloaded", "Downloading", "Adding", "Blocking")
_CODE_FRAME = re.compile(r"-->|=|\d*\s*\||\.\.\.$")  # rustc's picture of the code, not its words
_LIB_KINDS = {"lib", "rlib", "dylib", "proc-macro"}


@dataclass(frozen=True)
class Compiler:
    """What cargo must build with: the toolchain's rustc (so the crates fit the cells), its
    ``rustc -vV`` and its identity (version and files)."""

    rustc: str
    verbose_version: str
    identity: str

    @property
    def host(self) -> str:
        found = re.search(r"^host:\s*(\S+)", self.verbose_version, re.MULTILINE)
        return found.group(1) if found else ""


async def resolve(
    wanted: Sequence[Dependency], ctx: LibraryContext, compiler: Compiler, edition: str
) -> tuple[Libraries, dict[str, Path]]:
    """The notebook's crates, built or found built; and each direct dependency's source root (its
    ``lib.rs``), by extern name, for editor help."""
    cargo = find_cargo(ctx.environment, compiler.rustc)
    workspace = ctx.folder
    (workspace / "src").mkdir(parents=True, exist_ok=True)
    (workspace / "src" / "lib.rs").write_text("", encoding="utf-8")
    manifest = crates.manifest(wanted, ctx.cwd, edition)
    (workspace / "Cargo.toml").write_text(manifest, encoding="utf-8")
    lock = workspace / "Cargo.lock"
    if not lock.exists() and "Cargo.lock" in ctx.current.files:  # versions kept across a restart
        lock.write_text(ctx.current.files["Cargo.lock"], encoding="utf-8")
    env = environment(ctx.environment, compiler)
    for dep in wanted:
        path = crates.path_of(dep, ctx.cwd)
        if path is not None and not (path / "Cargo.toml").is_file():
            raise LibraryError(f"{dep.line or dep.name}: {path} is not a crate (it has no Cargo.toml)")
    bounds = network_bounds(ctx.environment, ctx.cwd)
    argv = [
        cargo,
        *bounds,
        "metadata",
        "--format-version",
        "1",
        "--manifest-path",
        str(workspace / "Cargo.toml"),
    ]
    if compiler.host:
        argv += ["--filter-platform", compiler.host]
    result = await ctx.run_tool(argv, cwd=ctx.cwd, env=env, progress=True)
    if result.returncode != 0:
        raise failure(wanted, ctx, result.stderr)
    metadata = json.loads(result.stdout)
    lock_text = lock.read_text(encoding="utf-8")
    key = content.key(
        "rust-crates",
        PROFILE,
        manifest,
        lock_text,
        compiler.verbose_version,
        compiler.identity,
        *configuration(ctx.environment, ctx.cwd),
        *(path_fingerprint(p) for p in path_folders(metadata)),
    )
    store = ctx.cache / "rust"
    store.mkdir(parents=True, exist_ok=True)
    entry = store / key
    record = read_record(entry)
    if record is None:
        record = await build(wanted, ctx, [cargo, *bounds], env, store, key, metadata)
    else:
        os.utime(entry)  # the most recently used
    evict(store, ctx.cache_limit, keep=key)
    compile_args = [*record["compile"]]
    files = {"Cargo.toml": manifest, "Cargo.lock": lock_text}
    libraries = Libraries(
        wanted=tuple(wanted),
        resolved=resolved(wanted, metadata),
        compile=tuple(absolute(entry, compile_args)),
        link=tuple(absolute(entry, record["link"])),
        files=files,
        key=key,
    )
    sources = {name: Path(src) for name, src in record.get("sources", {}).items()}
    return libraries, sources


def find_cargo(env: Mapping[str, str], rustc: str) -> str:
    """cargo on the user's PATH, else beside the rustc the toolchain uses, else in ~/.cargo/bin."""
    chosen = env.get("CARGO", "").strip()
    candidates = [chosen] if chosen else []
    found = shutil.which("cargo", path=env.get("PATH"))
    candidates += [found] if found else []
    home = Path(env.get("HOME", "~")).expanduser()
    candidates += [str(Path(rustc).parent / "cargo"), str(home / ".cargo" / "bin" / "cargo")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise LibraryError(
        "%dep needs cargo, which is not installed here: install Rust with rustup (https://rustup.rs) "
        "or `apt-get install cargo`, then run the %dep cell again"
    )


def environment(user: Mapping[str, str], compiler: Compiler) -> dict[str, str]:
    """The user's environment, with the toolchain's rustc for cargo when the user chose none (the
    crates must be built by the compiler that builds the cells)."""
    env = dict(user)
    if not env.get("RUSTC"):
        env["RUSTC"] = compiler.rustc
    return env


def config_files(env: Mapping[str, str], cwd: Path) -> list[tuple[Path, str]]:
    """The configuration files cargo reads from the notebook's folder (``.cargo/config.toml`` in it
    and above it, then ``CARGO_HOME``'s), with their text."""
    home = Path(env.get("CARGO_HOME") or Path(env.get("HOME", "~")).expanduser() / ".cargo")
    folders = [folder / ".cargo" for folder in (cwd, *cwd.parents)] + [home]
    found: list[tuple[Path, str]] = []
    for folder in folders:
        for name in ("config.toml", "config"):
            try:
                found.append((folder / name, (folder / name).read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    return found


def configuration(env: Mapping[str, str], cwd: Path) -> list[str]:
    """What of the user's cargo configuration may change a build: its files and build variables."""
    parts = [f"{path}\n{text}" for path, text in config_files(env, cwd)]
    parts += [f"{k}={v}" for k, v in sorted(env.items()) if BUILD_VARIABLES.fullmatch(k)]
    return parts


def network_bounds(env: Mapping[str, str], cwd: Path) -> list[str]:
    """``--config`` arguments that bound the wait for a registry that does not answer (cargo's own
    defaults: 30 s a try, 3 retries), for each setting the user left to cargo: a setting of
    theirs, in a file or a variable, is kept."""
    chosen: set[str] = set()
    for _, text in config_files(env, cwd):
        try:
            table = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return []  # cargo says what is wrong with it
        chosen |= {f"{section}.{key}" for section in ("net", "http") for key in table.get(section, {})}
    found: list[str] = []
    for setting, variable, value in NETWORK_BOUNDS:
        if setting not in chosen and variable not in env:
            found += ["--config", f"{setting}={value}"]
    return found


def path_folders(metadata: Mapping[str, Any]) -> list[Path]:
    """The folders of the path dependencies (their files are not in the lock)."""
    root = metadata.get("resolve", {}).get("root")
    return sorted(
        Path(p["manifest_path"]).parent
        for p in metadata.get("packages", [])
        if p.get("source") is None and p.get("id") != root
    )


def path_fingerprint(folder: Path) -> str:
    """What a path dependency's files look like (their names, sizes and times; ``target`` and
    hidden folders left out)."""
    parts = [str(folder)]
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "target")
        for name in sorted(files):
            try:
                st = os.stat(os.path.join(here, name))
            except OSError:
                continue
            parts.append(f"{os.path.join(here, name)}:{st.st_size}:{st.st_mtime_ns}")
    return content.key(*parts)


def read_record(entry: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((entry / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


async def build(
    wanted: Sequence[Dependency],
    ctx: LibraryContext,
    cargo: Sequence[str],
    env: Mapping[str, str],
    store: Path,
    key: str,
    metadata: Mapping[str, Any],
) -> dict[str, Any]:
    """``cargo build`` into a scratch folder that becomes the entry ``key`` once built; its record.
    The scratch folder starts as a copy of the notebook's current entry, if any: cargo then builds
    only the crates that are new to the set (a copy, not links: cargo rewrites its files in place)."""
    scratch = store / f"{SCRATCH_PREFIX}{uuid.uuid4().hex}"
    current = store / ctx.current.key if ctx.current.key else None
    try:
        if current is not None and read_record(current) is not None:
            await asyncio.to_thread(_seed, current, scratch)
        else:
            scratch.mkdir()
        argv = [
            *cargo,
            "build",
            "--message-format=json-render-diagnostics",
            "--manifest-path",
            str(ctx.folder / "Cargo.toml"),
            "--target-dir",
            str(scratch),
        ]
        result = await ctx.run_tool(argv, cwd=ctx.cwd, env=env, progress=True)
        if result.returncode != 0:
            raise failure(wanted, ctx, result.stderr)
        record = built(result.stdout, metadata, scratch)
        record["size"] = folder_size(scratch)
        (scratch / RECORD).write_text(json.dumps(record), encoding="utf-8")
        shutil.rmtree(scratch / "debug" / "incremental", ignore_errors=True)
        try:
            os.rename(scratch, store / key)
        except OSError:  # another kernel finished the same build first: use its entry
            if read_record(store / key) is None:
                raise
        return read_record(store / key) or record
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _seed(entry: Path, scratch: Path) -> None:
    """``scratch`` as a copy of ``entry``, its record left out (times kept: cargo judges by them)."""

    def record(folder: str, names: list[str]) -> list[str]:
        return [RECORD] if folder == str(entry) else []

    shutil.copytree(entry, scratch, symlinks=True, ignore=record)


def built(messages: str, metadata: Mapping[str, Any], scratch: Path) -> dict[str, Any]:
    """What cargo's JSON messages say it made: the ``--extern`` of each direct dependency, the
    ``-L`` folders, every library for a shared object's link, the sources, paths relative to the
    entry."""
    resolve = metadata.get("resolve") or {}
    root = resolve.get("root")
    nodes = {node["id"]: node for node in resolve.get("nodes", [])}
    direct = {d["pkg"]: d["name"] for d in nodes.get(root, {}).get("deps", []) if _normal(d)}
    artifacts: dict[str, list[str]] = {}
    native: list[str] = []
    libraries: list[str] = []
    sources: dict[str, str] = {}
    for line in messages.splitlines():
        if not line.startswith("{"):
            continue
        try:
            message = json.loads(line)
        except ValueError:
            continue
        reason = message.get("reason")
        if reason == "build-script-executed":
            native += [p for p in message.get("linked_paths", []) if p not in native]
        if reason != "compiler-artifact" or not _LIB_KINDS & set(message["target"]["kind"]):
            continue
        package = message.get("package_id")
        files = [f for f in message.get("filenames", []) if not f.endswith(".rmeta")] or message.get(
            "filenames", []
        )
        if package == root:
            continue
        artifacts[package] = files
        if "proc-macro" not in message["target"]["kind"]:
            libraries += [f for f in files if f.endswith(".rlib")]
        if package in direct:
            sources[direct[package]] = message["target"].get("src_path", "")
    compile_args: list[str] = []
    for package, name in sorted(direct.items(), key=lambda item: item[1]):
        files = artifacts.get(package)
        if files:
            compile_args += ["--extern", f"{name}={relative(scratch, files[0])}"]
    compile_args += ["-L", f"dependency={relative(scratch, str(scratch / 'debug' / 'deps'))}"]
    for path in native:  # a build script's native libraries (`kind=path`)
        kind, _, folder = path.rpartition("=")
        compile_args += ["-L", f"{kind + '=' if kind else ''}{relative(scratch, folder)}"]
    return {
        "compile": compile_args,
        "link": [relative(scratch, f) for f in reversed(libraries)],  # dependents first
        "sources": sources,
    }


def _normal(dep: Mapping[str, Any]) -> bool:
    return any(kind.get("kind") is None for kind in dep.get("dep_kinds", [{"kind": None}]))


MARK = "@entry@/"


def relative(scratch: Path, path: str) -> str:
    """A path inside the scratch folder as one inside whatever entry it becomes."""
    prefix = f"{scratch}{os.sep}"
    return MARK + path[len(prefix) :] if path.startswith(prefix) else path


def absolute(entry: Path, args: Sequence[str]) -> list[str]:
    return [arg.replace(MARK, f"{entry}{os.sep}") for arg in args]


def resolved(wanted: Sequence[Dependency], metadata: Mapping[str, Any]) -> tuple[Library, ...]:
    """Each library as cargo chose it: the wanted ones by their ``%dep`` names, then what they need."""
    resolve = metadata.get("resolve") or {}
    root = resolve.get("root")
    packages = {p["id"]: p for p in metadata.get("packages", [])}
    nodes = {node["id"]: node for node in resolve.get("nodes", [])}
    direct_ids = {d["pkg"] for d in nodes.get(root, {}).get("deps", [])}
    by_package = {crates.package_name(dep).replace("-", "_"): dep.name for dep in wanted}
    found: list[Library] = []
    for package_id in sorted(nodes, key=lambda i: (i not in direct_ids, packages.get(i, {}).get("name", ""))):
        package = packages.get(package_id)
        if package is None or package_id == root:
            continue
        name = package["name"]
        direct = package_id in direct_ids
        if direct:
            name = by_package.get(name.replace("-", "_"), name)
        found.append(Library(name, package["version"], source_of(package), direct))
    return tuple(found)


def source_of(package: Mapping[str, Any]) -> str:
    source = package.get("source")
    if source is None:
        return str(Path(package["manifest_path"]).parent)
    if source == "registry+https://github.com/rust-lang/crates.io-index":
        return "crates.io"
    return str(source).split("+", 1)[-1]


def failure(wanted: Sequence[Dependency], ctx: LibraryContext, stderr: str) -> LibraryError:
    """A few lines: the ``%dep`` line(s) at fault, cargo's error lines, and where the registry is
    set when it could not be reached."""
    lines = [line.strip() for line in stderr.splitlines()]
    errors: list[str] = []
    keep = False
    for text in lines:
        if text.startswith("error"):
            keep = True
        elif not text or text.startswith(("warning", *_PROGRESS)):
            keep = False
        if keep and "ccell-deps" not in text and not _CODE_FRAME.match(text):
            errors.append(text)
    if not errors:
        errors = [text for text in lines if text and not text.startswith(_PROGRESS)][-ERROR_LINES:]
    errors = list(dict.fromkeys(errors))[:ERROR_LINES]
    said = "\n".join(errors)
    new = [d for d in wanted if d not in ctx.current.wanted] or list(wanted)
    named = [d for d in wanted if re.search(rf"(?<![\w-]){re.escape(crates.package_name(d))}(?![\w-])", said)]
    at_fault = named or new
    head = "; ".join(d.line or f"%dep {d.name} = {d.spec}" for d in at_fault)
    hint = ""
    if _NETWORK.search(said):
        offline = ctx.environment.get("CARGO_NET_OFFLINE", "")
        hint = (
            "\nthe registry could not be reached: cargo's registry and mirrors are set in CARGO_HOME's "
            "config.toml ([source] replacement, [registries]) or .cargo/config.toml beside the notebook"
            + (f"; CARGO_NET_OFFLINE={offline} allows only crates already downloaded" if offline else "")
        )
    return LibraryError(f"{head}: cargo failed\n{said}{hint}")


def folder_size(folder: Path) -> int:
    total = 0
    for here, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(here, name)).st_size
            except OSError:
                continue
    return total


def evict(store: Path, limit: int, *, keep: str) -> None:
    """Remove the least recently used entries until the store holds at most ``limit`` bytes (never
    ``keep``, the one in use), and scratch folders left by kernels that died while building."""
    now = time.time()
    entries: list[tuple[float, int, Path]] = []
    try:
        children = list(store.iterdir())
    except OSError:
        return
    for child in children:
        try:
            used = child.stat().st_mtime
        except OSError:
            continue
        if child.name.startswith(SCRATCH_PREFIX):
            if now - used > STALE_SCRATCH:
                shutil.rmtree(child, ignore_errors=True)
            continue
        record = read_record(child)
        size = int(record.get("size", 0)) if record else folder_size(child)
        entries.append((used, size, child))
    total = sum(size for _, size, _ in entries)
    for _, size, child in sorted(entries):
        if total <= limit:
            break
        if child.name == keep:
            continue
        shutil.rmtree(child, ignore_errors=True)
        total -= size

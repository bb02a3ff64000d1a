"""A bounded, verified store of build products, keyed by content: how a cell compiles only what changed.

Each kernel has one ``BuildCache`` (``BuildContext.cache``), in its own private build directory, so
kernels never share one. A toolchain asks it before building anything it may have built before::

    key = cache.key("go-exe", identity, program_text, importcfg)
    entry = cache.get(key)                      # None: never built, evicted, or found damaged
    if entry is None:
        with cache.scratch() as folder:         # build here: same file system as the store
            ...compile into folder / "cell"...
            entry = cache.put(key, {"cell": folder / "cell"}, meta={"output": text})
    binary = entry.path("cell") if entry else folder_copy

Keys (``toolkit.content.key``) hash everything that decides the product: a kind word, the compiler's
identity (``content.identity``: its version string and a fingerprint of its files, so that a compiler
upgraded while the kernel runs changes every key), the flags, the source text, and the keys of what it
links with. A product never depends on anything its key leaves out; so an entry can only be stale by
being damaged.

Values are files (objects, archives, libraries, executables), stored together as one *entry*: a folder
named by the key with a manifest of each file's size and SHA-256, and small text ``meta`` (a compiler's
warnings, say). ``get`` checks an entry before handing it out: a missing, truncated or rewritten file
or a garbled manifest makes it a miss, and the entry is removed, so a damaged product is rebuilt,
never linked or run. A file's hash is computed once; afterwards its size, times and inode stand for it
(a write changes the ctime, which nothing can set back).

The store is bounded (``limit`` bytes, ``CCELL_CACHE_LIMIT``, default 256 MiB): ``put`` evicts the
least recently used entries, except those the current build has used (``begin`` starts a build), so a
build never loses what it is about to link or run. A deleted store is recreated on the next ``put``.
Writes go to a temporary folder renamed into place, so a reader (or another kernel pointed at the same
store) sees whole entries or none; a full disk makes ``put`` return None, and the build goes on
uncached.

A product built from files its key cannot name — the headers a C unit of the live program includes
(``#include "mine.h"``) — records them in its ``meta`` (``content.depends_on``, from
``content.make_dependencies``: the compiler's ``-MD`` list) and is used only while
``content.unchanged`` says they are as they were.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path

from ccellkernel.api.build import Entry
from ccellkernel.toolkit.content import file_digest, key

DEFAULT_LIMIT = 256 << 20
MANIFEST = "ccell-entry.json"
FORMAT = 1
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def limit_from_environment(
    default: int = DEFAULT_LIMIT, name: str = "CCELL_CACHE_LIMIT", environ: Mapping[str, str] | None = None
) -> int:
    """``$name`` in bytes (``64M``, ``1G``, ``500000``); ``default`` if unset or bad."""
    text = (os.environ if environ is None else environ).get(name, "")
    text = text.strip().lower().removesuffix("b").removesuffix("i")
    unit = text[-1:] if text[-1:] in _UNITS else ""
    try:
        value = int(float(text[: len(text) - len(unit)]) * _UNITS[unit])
    except ValueError:
        return default
    return value if value >= 0 else default


def _signature(path: Path) -> tuple[int, int, int, int]:
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class BuildCache:
    """The store (see the module's docstring). Safe to use from several threads."""

    def __init__(self, root: Path, limit: int = DEFAULT_LIMIT) -> None:
        self.root = Path(root)
        self.limit = limit
        self._lock = threading.Lock()
        self._index: dict[str, tuple[int, int]] | None = None  # key -> (bytes, last use)
        self._verified: dict[Path, tuple[tuple[int, int, int, int], str]] = {}  # file -> (signature, hash)
        self._clock = 0
        self._build_start = 0
        self.hits = 0
        self.misses = 0

    # -- the API ------------------------------------------------------------------------------------

    key = staticmethod(key)

    def begin(self) -> None:
        """A new build starts: entries it uses from now on are not evicted while it lasts."""
        with self._lock:
            self._clock += 1
            self._build_start = self._clock

    def get(self, entry_key: str) -> Entry | None:
        """The entry for ``entry_key`` if it is there and intact; a damaged one is removed."""
        folder = self._folder(entry_key)
        entry = self._check(entry_key, folder)
        with self._lock:
            index = self._load_index()
            if entry is None:
                self.misses += 1
                if index.pop(entry_key, None) is not None or folder.exists():
                    shutil.rmtree(folder, ignore_errors=True)
                return None
            self.hits += 1
            self._clock += 1
            size = index.get(entry_key, (self._size(folder), 0))[0]
            index[entry_key] = (size, self._clock)
        return entry

    def put(
        self, entry_key: str, files: Mapping[str, Path], meta: Mapping[str, str] | None = None
    ) -> Entry | None:
        """Store ``files`` (name -> a file, moved into the store) as the entry ``entry_key``.

        Returns the entry, or None if it could not be stored (a full disk, a read-only or deleted
        folder...): the files are then left where they were, and the caller uses them uncached.
        """
        tmp: Path | None = None
        try:
            (self.root / "tmp").mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix="put-", dir=self.root / "tmp"))
            listed: dict[str, dict[str, object]] = {}
            for name, source in files.items():
                if "/" in name or name in ("", ".", "..", MANIFEST):
                    raise ValueError(f"not a file name for a cache entry: {name!r}")
                target = tmp / name
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copy2(source, target)
                listed[name] = {"size": target.stat().st_size, "sha256": file_digest(target)}
            manifest = {"format": FORMAT, "key": entry_key, "files": listed, "meta": dict(meta or {})}
            (tmp / MANIFEST).write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
            folder = self._folder(entry_key)
            folder.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(tmp, folder)
                tmp = None
            except OSError as err:
                if err.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                shutil.rmtree(folder, ignore_errors=True)  # a damaged or concurrent one: ours wins
                os.rename(tmp, folder)
                tmp = None
        except (OSError, ValueError):
            return None
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
        for source in files.values():
            with contextlib.suppress(OSError):
                os.unlink(source)
        size = sum(int(f["size"]) for f in listed.values())  # type: ignore[call-overload]
        with self._lock:
            index = self._load_index()
            self._clock += 1
            index[entry_key] = (size, self._clock)
            for name, info in listed.items():
                with contextlib.suppress(OSError):
                    self._verified[folder / name] = (_signature(folder / name), str(info["sha256"]))
            self._evict(keep=entry_key)
        return Entry(entry_key, folder, tuple(listed), dict(meta or {}))

    def discard(self, entry_key: str) -> None:
        """Remove an entry (a product found wrong by other means)."""
        with self._lock:
            self._load_index().pop(entry_key, None)
        shutil.rmtree(self._folder(entry_key), ignore_errors=True)

    @contextlib.contextmanager
    def scratch(self) -> Iterator[Path]:
        """A fresh folder to build in, on the store's file system (``put`` then moves, not copies);
        removed afterwards with whatever was not put."""
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="build-", dir=self.root / "tmp"))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def size(self) -> int:
        """Bytes the store's entries take, as far as this process knows."""
        with self._lock:
            return sum(size for size, _ in self._load_index().values())

    def entries(self) -> list[str]:
        with self._lock:
            return list(self._load_index())

    # -- inside ---------------------------------------------------------------------------------------

    def _folder(self, entry_key: str) -> Path:
        if len(entry_key) < 8 or not all(c in "0123456789abcdef" for c in entry_key):
            raise ValueError(f"not a cache key: {entry_key!r}")
        return self.root / "entries" / entry_key[:2] / entry_key

    def _check(self, entry_key: str, folder: Path) -> Entry | None:
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT or manifest.get("key") != entry_key:
                return None
            files = manifest["files"]
            meta = manifest.get("meta", {})
            if not isinstance(files, dict) or not isinstance(meta, dict):
                return None
            for name, info in files.items():
                path = folder / name
                signature = _signature(path)
                if signature[0] != info["size"]:
                    return None
                known = self._verified.get(path)
                if known is not None and known[0] == signature and known[1] == info["sha256"]:
                    continue
                if file_digest(path) != info["sha256"]:
                    return None
                self._verified[path] = (signature, str(info["sha256"]))
            return Entry(entry_key, folder, tuple(files), {str(k): str(v) for k, v in meta.items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _size(self, folder: Path) -> int:
        try:
            return sum(p.stat().st_size for p in folder.iterdir() if p.name != MANIFEST)
        except OSError:
            return 0

    def _load_index(self) -> dict[str, tuple[int, int]]:
        """The entries on disk (read once: a store left by an earlier process counts too)."""
        if self._index is None:
            self._index = {}
            for folder in sorted((self.root / "entries").glob("*/*")):
                self._index[folder.name] = (self._size(folder), 0)
        return self._index

    def _evict(self, keep: str) -> None:
        index = self._load_index()
        total = sum(size for size, _ in index.values())
        if total <= self.limit:
            return
        for victim, (size, used) in sorted(index.items(), key=lambda item: item[1][1]):
            if total <= self.limit:
                break
            if victim == keep or used >= self._build_start:
                continue  # the current build uses it
            index.pop(victim, None)
            folder = self._folder(victim)
            for path in list(self._verified):
                if path.parent == folder:
                    del self._verified[path]
            shutil.rmtree(folder, ignore_errors=True)
            total -= size




class Salted:
    """The store as a build with libraries sees it (``BuildContext.cache``): every key it makes
    includes ``salt``, the libraries' content key, so nothing built with other libraries (or none)
    is ever found for it."""

    def __init__(self, store: BuildCache, salt: str) -> None:
        self.store = store
        self.salt = salt
        self.root = store.root  # the live program names its build folders after it

    def key(self, *parts: str | bytes) -> str:
        return self.store.key(self.salt, *parts)

    def begin(self) -> None:
        self.store.begin()

    def get(self, entry_key: str) -> Entry | None:
        return self.store.get(entry_key)

    def put(
        self, entry_key: str, files: Mapping[str, Path], meta: Mapping[str, str] | None = None
    ) -> Entry | None:
        return self.store.put(entry_key, files, meta)

    def discard(self, entry_key: str) -> None:
        self.store.discard(entry_key)

    def scratch(self) -> AbstractContextManager[Path]:
        return self.store.scratch()

"""Build caches: compiled files kept under the hash of what made them, and never used stale.

A ``Store`` keeps files (a cell's shared object, a runtime object, a host program) in a folder of the
kernel's own. Each entry is stored under a key that hashes everything that went into it — the source
text, the flags, the compiler's version — and with it the files the compiler read (its dependency list,
``gcc -MD``), its size and a hash of its content. ``lookup`` gives an entry only if

- its file is still there and still has the content it was stored with (a truncated or overwritten
  file is dropped, never used),
- every file it was built from is unchanged (size and modification time; if those moved, the content
  is hashed and compared), so an edited ``#include "mine.h"`` rebuilds what includes it.

The compiler's version is part of every key; ``Compiler identity`` (``CompilerIdentity``) re-reads it
when the compiler's binary changes on disk, so an upgrade while the kernel runs invalidates the cache.
The store is bounded (``limit`` bytes): past it, the least recently used entries go. A deleted folder
is made again. Entries live as long as the kernel: the folder is inside its build folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

DEFAULT_LIMIT = 512 * 1024 * 1024  # bytes; CCELL_CACHE_LIMIT changes it


def key(*parts: str | bytes) -> str:
    """A key for what made an entry: each part is hashed with its length, so parts cannot run together."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Dependency:
    """A file an entry was built from, as it was then."""

    path: str
    size: int
    mtime_ns: int
    digest: str

    @classmethod
    def of(cls, path: Path) -> Dependency | None:
        try:
            stat = path.stat()
            return cls(str(path), stat.st_size, stat.st_mtime_ns, file_digest(path))
        except OSError:
            return None

    def unchanged(self) -> bool:
        try:
            stat = os.stat(self.path)
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns):
            return True
        try:  # touched: the same content still counts as unchanged
            return stat.st_size == self.size and file_digest(Path(self.path)) == self.digest
        except OSError:
            return False


@dataclass
class Entry:
    """One stored file: where it is, what it was, and what the toolchain said about it (``meta``)."""

    key: str
    path: Path
    size: int
    digest: str
    dependencies: tuple[Dependency, ...] = ()
    meta: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    used: float = 0.0

    def valid(self) -> bool:
        try:
            if self.path.stat().st_size != self.size or file_digest(self.path) != self.digest:
                return False
        except OSError:
            return False
        return all(d.unchanged() for d in self.dependencies)


class Store:
    """Files by content key, checked before use, bounded by size (least recently used go first)."""

    def __init__(self, folder: Path, limit: int | None = None) -> None:
        self.folder = folder
        self.limit = limit if limit is not None else int(os.environ.get("CCELL_CACHE_LIMIT", DEFAULT_LIMIT))
        self._entries: dict[str, Entry] = {}
        self.pinned: Callable[[str], bool] = lambda key: False  # entries that must not be evicted
        self.hits = self.misses = self.evicted = 0

    def lookup(self, key: str) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        if not entry.valid():
            self.forget(key)
            self.misses += 1
            return None
        entry.used = time.monotonic()
        self.hits += 1
        return entry

    def place(self, key: str, suffix: str) -> Path:
        """Where to build an entry for ``key`` (a name of its own, so a half-written file is never
        an entry's)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f"{key}.{os.getpid()}.{time.monotonic_ns()}{suffix}"

    def put(
        self,
        key: str,
        built: Path,
        dependencies: Iterable[Path] = (),
        meta: Mapping[str, object] | None = None,
    ) -> Entry:
        """Take ``built`` (written at ``place``) as the entry for ``key``."""
        final = self.folder / f"{key}{''.join(built.suffixes[-1:])}"
        os.replace(built, final)
        deps = tuple(d for d in (Dependency.of(p) for p in dependencies) if d is not None)
        entry = Entry(
            key,
            final,
            final.stat().st_size,
            file_digest(final),
            deps,
            MappingProxyType(dict(meta or {})),
            time.monotonic(),
        )
        self._entries[key] = entry
        self._evict()
        return entry

    def forget(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            entry.path.unlink(missing_ok=True)

    def entries(self) -> list[Entry]:
        return list(self._entries.values())

    @property
    def size(self) -> int:
        return sum(e.size for e in self._entries.values())

    def _evict(self) -> None:
        total = self.size
        for entry in sorted(self._entries.values(), key=lambda e: e.used):
            if total <= self.limit:
                break
            if self.pinned(entry.key):
                continue
            total -= entry.size
            self.forget(entry.key)
            self.evicted += 1

    def clear(self) -> None:
        self._entries.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


def make_dependencies(path: Path) -> list[Path]:
    """The files a ``gcc -MD -MF path`` dependency file names (a make rule, lines continued by ``\\``)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    _, _, rest = text.replace("\\\n", " ").partition(":")
    words: list[str] = []
    current = ""
    escaped = False
    for char in rest:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char.isspace():
            if current:
                words.append(current)
            current = ""
        else:
            current += char
    if current:
        words.append(current)
    return [Path(w) for w in words if w and not w.endswith(":")]


class CompilerIdentity:
    """A compiler's version, read again whenever its binary changes on disk."""

    def __init__(self, argv: Sequence[str], version: Callable[[Sequence[str]], str]) -> None:
        self._argv = tuple(argv)
        self._read = version
        self._stat: tuple[int, int, int] | None = None
        self._version = ""

    def current(self) -> str:
        found = shutil.which(self._argv[0]) if self._argv else None
        try:
            stat = os.stat(os.path.realpath(found)) if found else None
        except OSError:
            stat = None
        mark = (stat.st_ino, stat.st_size, stat.st_mtime_ns) if stat else (0, 0, 0)
        if mark != self._stat:
            self._stat = mark
            self._version = self._read(self._argv)
        return self._version

"""Content keys: what a build product depends on, as one hash.

A key hashes everything that decides a product (``key``): a kind word, the compiler's identity
(``identity``, ``CompilerIdentity``: its version and a fingerprint of its files, so that a compiler
upgraded while the kernel runs changes every key), the flags, the source text. A product built from
files its key cannot name (the headers a C unit includes) records them (``depends_on``, from
``make_dependencies``: gcc's ``-MD`` list) and is used only while ``unchanged`` says they are as they
were. The kernel's store of products (``ccellkernel.builds.cache``) and the toolchains key with these.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path


def key(*parts: str | bytes) -> str:
    """A hex SHA-256 of ``parts`` (each length-prefixed, so ``("ab", "c")`` and ``("a", "bc")`` differ)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """The hex SHA-256 of a file's content."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(*paths: str | Path) -> str:
    """What the files at ``paths`` look like now (size, modification and change times, inode):
    cheap to compute each build, and different after a file is replaced or rewritten (a compiler
    upgraded in place). A missing file counts as such."""
    parts = []
    for path in paths:
        try:
            st = os.stat(path)
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
        except OSError:
            parts.append(f"{path}:missing")
    return key(*parts)


def identity(version: str, *paths: str | Path) -> str:
    """A compiler's identity for keys: its version string and the fingerprint of its files."""
    return key(version, fingerprint(*paths))


# -- products built from files their key does not name ------------------------------------------------


_DIGESTS: dict[tuple[str, int, int, int], str] = {}  # (path, size, mtime, inode) -> content hash


def depends_on(paths: Iterable[Path]) -> str:
    """``meta`` text recording ``paths`` as they are now (size, times, content hash)."""
    found = []
    for path in paths:
        try:
            st = os.stat(path)
            seen = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
            digest = _DIGESTS.get(seen)
            if digest is None:  # the system's headers are hashed once per process
                digest = _DIGESTS[seen] = file_digest(Path(path))
            found.append([str(path), st.st_size, st.st_mtime_ns, digest])
        except OSError:
            continue
    return json.dumps(found)


def unchanged(recorded: str) -> bool:
    """Whether every file ``depends_on`` recorded still has its content (a touched file with the
    same content counts as unchanged)."""
    try:
        return all(
            still(path, size, mtime_ns, digest)
            for path, size, mtime_ns, digest in json.loads(recorded or "[]")
        )
    except (ValueError, TypeError):
        return False


def still(path: str, size: int, mtime_ns: int, digest: str) -> bool:
    """Whether one file ``depends_on`` recorded still has its content."""
    try:
        st = os.stat(path)
        return st.st_size == size and (st.st_mtime_ns == mtime_ns or file_digest(Path(path)) == digest)
    except OSError:
        return False


def make_dependencies(path: Path) -> list[Path]:
    """The files a ``gcc -MD -MF path`` dependency file names (a make rule, lines continued by ``\\``)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    _, _, rest = text.replace("\\\n", " ").partition(":")
    words = (_UNESCAPE.sub(r"\1", w) for w in _WORD.findall(rest))
    return [Path(w) for w in words if w and not w.endswith(":")]


_WORD = re.compile(r"(?:\\.|[^\s\\])+")  # a file name in a make rule: ``\ `` is a space in it
_UNESCAPE = re.compile(r"\\(.)")


class CompilerIdentity:
    """A compiler's identity for keys (``identity``), its version read again whenever its binary
    changes on disk (an upgrade while the kernel runs changes every key)."""

    def __init__(self, argv: Sequence[str], version: Callable[[Sequence[str]], str]) -> None:
        self._argv = tuple(argv)
        self._read = version
        self._mark: str | None = None
        self._identity = ""

    def current(self) -> str:
        found = shutil.which(self._argv[0]) if self._argv else None
        binary = os.path.realpath(found) if found else ""
        mark = fingerprint(binary)
        if mark != self._mark:
            self._mark = mark
            self._identity = identity(self._read(self._argv), binary)
        return self._identity

"""The build cache (builds/cache.py) and its keys: verified entries, the size bound, a lost store."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ccellkernel.builds import cache
from ccellkernel.builds.cache import BuildCache
from ccellkernel.toolkit import content


def built(store: BuildCache, name: str, data: bytes) -> Path:
    """A file as a build leaves it, in a scratch folder of the store."""
    folder = store.root / "tmp" / f"made-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def test_keys_separate_their_parts_and_change_with_any() -> None:
    assert content.key("ab", "c") != content.key("a", "bc")
    assert content.key("a", "b") == content.key("a", "b")
    assert content.key("a", "b") != content.key("a", "b", "")
    assert len(content.key()) == 64


def test_put_moves_the_files_in_and_get_gives_them_back(tmp_path: Path) -> None:
    store = BuildCache(tmp_path / "store")
    source = built(store, "cell", b"\x7fELF program")
    key = content.key("k")
    entry = store.put(key, {"cell": source}, {"output": "warning: x"})
    assert entry is not None and not source.exists(), "moved, not copied"
    again = store.get(key)
    assert again is not None and again.path("cell").read_bytes() == b"\x7fELF program"
    assert again.meta == {"output": "warning: x"} and again.files == ("cell",)
    assert store.get(content.key("other")) is None


def test_an_entry_without_files_keeps_its_meta(tmp_path: Path) -> None:
    store = BuildCache(tmp_path / "store")
    store.put(content.key("checked"), {}, {"output": ""})
    entry = store.get(content.key("checked"))
    assert entry is not None and entry.files == ()


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"\x7fELF PROGRAM"),  # rewritten, same size
        lambda p: p.write_bytes(b"\x7fELF"),  # truncated
        lambda p: p.unlink(),  # gone
        lambda p: (p.parent / cache.MANIFEST).write_text("garbage"),  # a garbled manifest
        lambda p: (p.parent / cache.MANIFEST).unlink(),
    ],
    ids=["rewritten", "truncated", "deleted", "garbled-manifest", "no-manifest"],
)
def test_a_damaged_entry_is_a_miss_and_is_removed(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    store = BuildCache(tmp_path / "store")
    key = content.key("k")
    entry = store.put(key, {"cell": built(store, "cell", b"\x7fELF program")})
    assert entry is not None and store.get(key) is not None  # verified once: now trusted by its stat
    damage(entry.path("cell"))
    assert store.get(key) is None, "a damaged entry is never handed out"
    assert not entry.folder.exists(), "and it is removed, so that it is rebuilt"


def test_a_damaged_entry_from_an_earlier_process_is_caught_by_its_hash(tmp_path: Path) -> None:
    first = BuildCache(tmp_path / "store")
    key = content.key("k")
    entry = first.put(key, {"cell": built(first, "cell", b"right bytes")})
    assert entry is not None
    entry.path("cell").write_bytes(b"wrong bytes")
    assert BuildCache(tmp_path / "store").get(key) is None


def test_the_bound_evicts_the_least_recently_used_but_not_what_the_build_uses(tmp_path: Path) -> None:
    store = BuildCache(tmp_path / "store", limit=250)
    keys = [content.key(str(i)) for i in range(4)]
    for i, key in enumerate(keys[:3]):
        store.begin()
        assert store.put(key, {"f": built(store, f"f{i}", bytes(100))}) is not None
    assert store.get(keys[0]) is None and store.get(keys[1]) is not None, "oldest went first"
    store.begin()
    assert store.get(keys[1]) is not None  # this build uses entry 1...
    store.put(keys[3], {"f": built(store, "f3", bytes(100))})  # ...and stores another
    assert store.get(keys[1]) is not None, "an entry the build uses is kept"
    assert store.get(keys[2]) is None
    assert store.size() <= 250


def test_an_entry_larger_than_the_bound_is_still_handed_out(tmp_path: Path) -> None:
    store = BuildCache(tmp_path / "store", limit=10)
    store.begin()
    entry = store.put(content.key("big"), {"f": built(store, "f", bytes(100))})
    assert entry is not None and entry.path("f").stat().st_size == 100


def test_a_deleted_store_is_made_again(tmp_path: Path) -> None:
    store = BuildCache(tmp_path / "store")
    key = content.key("k")
    store.put(key, {"f": built(store, "f", b"x")})
    import shutil

    shutil.rmtree(store.root)
    assert store.get(key) is None
    assert store.put(key, {"f": built(store, "f", b"y")}) is not None
    entry = store.get(key)
    assert entry is not None and entry.path("f").read_bytes() == b"y"


def test_a_store_that_cannot_be_written_gives_none_and_keeps_the_files(tmp_path: Path) -> None:
    store = BuildCache(tmp_path / "store")
    source = built(store, "f", b"x")
    (store.root / "entries").write_text("not a folder")  # every put must fail
    assert store.put(content.key("k"), {"f": source}) is None
    assert source.read_bytes() == b"x", "the build's own file is still there to use"


def test_scratch_folders_are_removed(tmp_path: Path) -> None:
    store = BuildCache(tmp_path / "store")
    with store.scratch() as folder:
        (folder / "x").write_text("x")
    assert not folder.exists()


def test_fingerprint_changes_when_a_file_is_replaced(tmp_path: Path) -> None:
    tool = tmp_path / "rustc"
    tool.write_text("#!/bin/sh\necho 1\n")
    before = content.fingerprint(tool)
    tool.write_text("#!/bin/sh\necho 2\n")
    assert content.fingerprint(tool) != before
    assert content.fingerprint(tmp_path / "missing") == content.fingerprint(tmp_path / "missing")


def test_the_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for text, expected in [("64M", 64 << 20), ("1g", 1 << 30), ("500000", 500000), ("2KiB", 2048)]:
        monkeypatch.setenv("CCELL_CACHE_LIMIT", text)
        assert cache.limit_from_environment() == expected
    monkeypatch.setenv("CCELL_CACHE_LIMIT", "lots")
    assert cache.limit_from_environment() == cache.DEFAULT_LIMIT


def test_entries_are_private(tmp_path: Path) -> None:
    """The session puts the store in its 0700 build directory; entries stay inside it."""
    workdir = tmp_path / "kernel"
    workdir.mkdir(mode=0o700)
    store = BuildCache(workdir / "cache")
    entry = store.put(content.key("k"), {"f": built(store, "f", b"x")})
    assert entry is not None and entry.folder.is_relative_to(workdir)
    assert stat.S_IMODE(os.stat(workdir).st_mode) == 0o700

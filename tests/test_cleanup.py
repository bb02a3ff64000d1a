"""Owner marks on build folders and ``ccellkernel clean`` (cleanup.py): what it removes, what it keeps."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ccellkernel.api.plugins import load_toolchain
from ccellkernel.notebook.session import Session
from ccellkernel.run import cleanup


def folder(tmp: Path, name: str, owner: dict | str | None) -> Path:
    path = tmp / name
    path.mkdir()
    (path / "a.out").write_text("built")
    if isinstance(owner, dict):
        (path / cleanup.MARKER).write_text(json.dumps(owner))
    elif isinstance(owner, str):
        (path / cleanup.MARKER).write_text(owner)
    return path


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_session_marks_its_folder_with_its_pid_start_and_boot(tmp_path: Path) -> None:
    session = Session(load_toolchain("c"), cwd=tmp_path)
    try:
        owner = json.loads((session.workdir / cleanup.MARKER).read_text())
        assert owner == {
            "pid": os.getpid(),
            "start": cleanup.process_start(os.getpid()),
            "boot": cleanup.boot_id(),
        }
        assert cleanup.is_running(owner["pid"], owner["start"], owner["boot"])
    finally:
        session.close()
    assert not session.workdir.exists()


def test_clean_removes_what_dead_kernels_left_and_keeps_the_rest(tmp_path: Path) -> None:
    me = {"pid": os.getpid(), "start": cleanup.process_start(os.getpid()), "boot": cleanup.boot_id()}
    live = folder(tmp_path, "ccell-c-live1234", me)
    dead = folder(tmp_path, "ccell-c-dead1234", {**me, "pid": dead_pid()})
    reused = folder(tmp_path, "ccell-go-reused12", {**me, "start": (me["start"] or 0) + 1})
    rebooted = folder(tmp_path, "ccell-rust-boot1234", {**me, "boot": "another-boot"})
    unreadable = folder(tmp_path, "ccell-c-garbled1", "{not json")
    older = folder(tmp_path, "ccell-c-older123", None)  # an older ccellkernel's, from 2000
    os.utime(older, (946684800, 946684800))
    other = folder(tmp_path, "not-ours-12345678", None)
    dry = subprocess.run(
        [sys.executable, "-m", "ccellkernel", "clean", "--dry-run", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    assert f"kept     {live} (kernel {os.getpid()} runs)" in dry.stdout
    assert f"stale    {dead}" in dry.stdout
    assert all(p.exists() for p in (live, dead, reused, rebooted, unreadable, older, other))
    done = subprocess.run(
        [sys.executable, "-m", "ccellkernel", "clean", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert live.exists() and other.exists()
    for path in (dead, reused, rebooted, unreadable, older):
        assert not path.exists(), path
        assert f"removed  {path}" in done.stdout
    assert "no owner mark, and no kernel that old runs" in done.stdout


def test_an_unmarked_folder_is_kept_while_a_kernel_older_than_it_runs(tmp_path: Path, monkeypatch) -> None:
    unmarked = folder(tmp_path, "ccell-c-unmarked", None)
    monkeypatch.setattr(cleanup, "_running_kernels", lambda: [(4242, 0.0)])
    [found] = cleanup.build_folders(tmp_path)
    assert (found.path, found.stale, found.reason) == (
        unmarked,
        False,
        "no owner mark; kernel 4242 may own it",
    )
    monkeypatch.setattr(cleanup, "_running_kernels", lambda: [(4242, found.path.stat().st_mtime + 10)])
    [found] = cleanup.build_folders(tmp_path)
    assert found.stale

"""What a kernel test sees of processes, through /proc: whether a program's processes ended."""

from __future__ import annotations

import time
from pathlib import Path


def wait_for_file(path: Path, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.02)
    return path.read_text()


def process_state(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, process group) of a process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1]), int(fields[2])


def lingering(pids: list[int], kernel_pid: int | None) -> dict[int, tuple[str, int, int]]:
    """Those of ``pids`` still running, or dead but never reaped by the kernel.

    An orphan's zombie belongs to init, not to the kernel: it is not counted.
    """
    left = {}
    for pid in pids:
        state = process_state(pid)
        if state is None or (state[0] == "Z" and state[1] != kernel_pid):
            continue
        left[pid] = state
    return left


def assert_processes_end(pids: list[int], kernel_pid: int | None, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while left := lingering(pids, kernel_pid):
        assert time.monotonic() < deadline, f"processes of the program are left: {left}"
        time.sleep(0.05)


def group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (state := process_state(int(entry.name))) and state[2] == pgid:
            members.append(int(entry.name))
    return members

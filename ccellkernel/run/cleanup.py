"""Who owns a build folder or a cgroup, and ``ccellkernel clean`` for those whose kernel is gone.

A kernel's build folder (``ccell-NAME-XXXXXXXX`` in the temp directory) holds ``.ccellkernel-owner``:
the kernel's pid, its start time (clock ticks after boot, field 22 of ``/proc/PID/stat``) and the
boot id, so that a pid reused by another process, or the same pid after a reboot, is not taken for
the kernel. Its cgroups are named ``ccell-PID-START`` for the same reason. The supervisor removes
both when its kernel dies; what a machine crash (or a killed supervisor) leaves, ``clean`` removes.

A folder without a marker was left by an older ccellkernel. It is removed unless a ccellkernel kernel
that started before the folder was last changed still runs (that kernel may own it): then it is kept
and said so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MARKER = ".ccellkernel-owner"
FOLDER = re.compile(r"^ccell-[A-Za-z0-9_.+-]+-[a-z0-9_]{8}$")
CGROUP = re.compile(r"^ccell-(\d+)-(\d+)$")


def process_start(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks after boot; None if there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rpartition(")")[2].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()
    except OSError:
        return ""


def mark(folder: Path, pid: int | None = None) -> None:
    """Write the owner marker of ``folder``: this process (or ``pid``), now running."""
    pid = os.getpid() if pid is None else pid
    record = {"pid": pid, "start": process_start(pid), "boot": boot_id()}
    (folder / MARKER).write_text(json.dumps(record) + "\n")


def is_running(pid: int, start: int | None, boot: str | None = None) -> bool:
    """Whether the process that was ``pid`` started at ``start`` still runs (same boot)."""
    if boot and boot != boot_id():
        return False
    return start is not None and process_start(pid) == start


@dataclass(frozen=True)
class Leftover:
    """A build folder or cgroup, and what ``clean`` makes of it."""

    path: Path
    stale: bool
    reason: str


def build_folders(tmp: Path | None = None) -> list[Leftover]:
    """Every ccellkernel build folder of this user in ``tmp`` (the temp directory)."""
    tmp = Path(tmp or tempfile.gettempdir())
    found: list[Leftover] = []
    try:
        entries = sorted(tmp.iterdir())
    except OSError:
        return found
    kernels: list[tuple[int, float]] | None = None
    for path in entries:
        try:
            if not FOLDER.match(path.name) or not path.is_dir() or path.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        marker = path / MARKER
        try:
            owner = json.loads(marker.read_text())
            pid, start, boot = int(owner["pid"]), owner.get("start"), owner.get("boot")
        except FileNotFoundError:
            if kernels is None:
                kernels = _running_kernels()
            changed = min(path.stat().st_mtime, path.stat().st_ctime)
            older = [pid for pid, started in kernels if started <= changed]
            if older:
                found.append(Leftover(path, False, f"no owner mark; kernel {older[0]} may own it"))
            else:
                found.append(Leftover(path, True, "no owner mark, and no kernel that old runs"))
            continue
        except (OSError, ValueError, KeyError, TypeError):
            found.append(Leftover(path, True, "its owner mark is unreadable"))
            continue
        if is_running(pid, start, boot):
            found.append(Leftover(path, False, f"kernel {pid} runs"))
        else:
            found.append(Leftover(path, True, f"kernel {pid} no longer runs"))
    return found


def cgroups() -> list[Leftover]:
    """The kernels' cgroup folders (``ccell-PID-START``) in every cgroup hierarchy mounted."""
    found: list[Leftover] = []
    mounts: list[str] = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                head, _, tail = line.partition(" - ")
                if tail.split()[:1] in (["cgroup"], ["cgroup2"]):
                    mounts.append(head.split()[4])
    except (OSError, IndexError):
        return found
    for mount in mounts:
        for folder, dirs, _ in os.walk(mount):
            if folder.count(os.sep) - mount.count(os.sep) >= 8:
                dirs.clear()
                continue
            for name in list(dirs):
                match = CGROUP.match(name)
                if match is None:
                    continue
                dirs.remove(name)
                pid, start = int(match.group(1)), int(match.group(2))
                if is_running(pid, start):
                    found.append(Leftover(Path(folder, name), False, f"kernel {pid} runs"))
                else:
                    found.append(Leftover(Path(folder, name), True, f"kernel {pid} no longer runs"))
    return found


def remove(item: Leftover) -> str | None:
    """Remove a stale leftover; a problem to report, or None."""
    if item.path.name.startswith("ccell-") and CGROUP.match(item.path.name):
        try:
            for run in item.path.iterdir():
                if run.is_dir():
                    run.rmdir()
            item.path.rmdir()
        except OSError as err:
            return f"cannot remove {item.path}: {err.strerror or err} (a process still in it?)"
        return None
    shutil.rmtree(item.path, ignore_errors=True)
    return f"cannot remove {item.path}" if item.path.exists() else None


def _running_kernels() -> list[tuple[int, float]]:
    """ccellkernel kernels running now, by pid, with when they started (seconds since the epoch)."""
    found: list[tuple[int, float]] = []
    boot = _boot_time()
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                words = f.read().split(b"\0")
        except OSError:
            continue
        names = [os.path.basename(w) for w in words]
        if b"ccellkernel" in names and b"kernel" in names[names.index(b"ccellkernel") :]:
            start = process_start(int(entry))
            if start is not None:
                found.append((int(entry), boot + start / ticks))
    return found


def _boot_time() -> float:
    try:
        with open("/proc/stat") as f:
            for line in f:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except OSError:
        pass
    return time.time() - time.monotonic()

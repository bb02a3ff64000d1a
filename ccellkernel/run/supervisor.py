"""The supervisor: the one process per kernel that starts programs and ends everything they start.

It runs as a script (``python -I -S supervisor.py CONFIG``, started by ``processes.Supervisor``) and
imports nothing from ccellkernel, so it starts fast and forks cheaply. The kernel imports this module
too, for the functions that find and end a run's processes (``members``, ``kill_round``).

::

    kernel ──spawn socket──▶ idle keeper ──fork, exec──▶ program ──▶ its children, daemons ...
       │                     (a child subreaper: orphans of the run come back to it)
       └──life pipe──▶ supervisor ──forks the next idle keeper ahead of time

A *run* is one program and everything it starts. Each run has a *keeper*, a fork of the supervisor
that is a child subreaper (``PR_SET_CHILD_SUBREAPER``): a process of the run whose parent dies (a
double fork, a daemon, ``setsid``) is adopted by the keeper instead of init. The keeper reaps the
program and every adopted process and writes each exit status to the run's *status pipe*; once
nothing of the run is left it exits, and the status pipe reads end-of-file.

The supervisor keeps one idle keeper ready. That keeper has already joined the run's cgroups, which
costs about a millisecond, so a start is a message, a fork and an exec. Where cgroups may be made,
each run gets a directory in each usable hierarchy (``ccell-KERNEL/run-N`` under the kernel's own
cgroup): cgroup v2 for tracking (``cgroup.procs`` is exactly the run) and CPU time (``cpu.stat``);
the ``pids`` and ``memory`` controllers of v2 if the kernel's cgroup delegates them, else those of
cgroup v1 if they are mounted and writable. Without cgroups, a run's processes are the keeper's
descendants (``/proc/PID/task/TID/children``); limits are then ``setrlimit`` in the program, and the
kernel counts processes itself.

When the kernel dies (its end of the life pipe closes: killed, or shut down) the supervisor ends
every run, kills the keepers, removes the kernel's build folder and the cgroups, and exits.

Spawn message (kernel -> idle keeper, on the spawn socket): a 4-byte little-endian length, then JSON
``{"argv", "env", "cwd", "targets", "stdin_null", "limits"}``; the file descriptors travel with it
(``SCM_RIGHTS``): first the status pipe's write end, then one per entry of ``targets`` (the fd
number it gets in the program). The status pipe carries JSON lines: ``{"started": PID, "keeper":
PID, "cgroups": {...}, "enforced": {...}}`` or ``{"error": ERRNO, "message": TEXT}``, then one
``{"exit": PID, "status": WAIT_STATUS, "rss": BYTES, "cpu": SECONDS}`` for each process reaped.
"""

from __future__ import annotations

import errno
import fcntl
import json
import math
import os
import resource
import select
import shutil
import signal
import socket
import struct
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
HEADER = struct.Struct("<I")
MAX_FDS = 16
MAX_MESSAGE = 256 << 20
SWEEP = 1.0  # seconds between the supervisor's looks for orphans whose keeper is gone
POOL = 2  # idle keepers ready
QUIET = 0.05  # seconds without a start before a missing keeper is made

# -- finding and ending a run's processes (used by the kernel too) ----------------------------------


def _read(path: str) -> str | None:
    try:
        with open(path) as f:
            return f.read()
    except (OSError, ValueError):
        return None


def _tasks(pid: int) -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []


def children(pid: int) -> list[int]:
    """The children of ``pid``, whichever of its threads forked them."""
    found: list[int] = []
    for tid in _tasks(pid):
        text = _read(f"/proc/{pid}/task/{tid}/children")
        if text:
            found.extend(int(p) for p in text.split())
    return found


def _children_by_scan(pid: int, cache: dict[int, list[int]]) -> list[int]:
    """``children`` where the kernel lacks CONFIG_PROC_CHILDREN: from every process's parent pid."""
    if not cache:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = _read(f"/proc/{entry}/stat")
                if stat:
                    cache.setdefault(int(stat.rpartition(")")[2].split()[1]), []).append(int(entry))
    return cache.get(pid, [])


_HAVE_CHILDREN = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")


def descendants(root: int) -> list[int]:
    """Every process below ``root`` (a fresh look each call; zombies included)."""
    cache: dict[int, list[int]] = {}
    look = children if _HAVE_CHILDREN else (lambda pid: _children_by_scan(pid, cache))
    found: list[int] = []
    seen = {root}
    stack = list(look(root))
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        found.append(pid)
        stack.extend(look(pid))
    return found


def is_zombie(pid: int) -> bool:
    stat = _read(f"/proc/{pid}/stat")
    return stat is None or stat.rpartition(")")[2].split()[0] in ("Z", "X")


def cgroup_procs(path: str) -> list[int] | None:
    text = _read(os.path.join(path, "cgroup.procs"))
    return None if text is None else [int(p) for p in text.split()]


def members(keeper: int, track: str | None) -> list[int]:
    """The live processes of a run, its keeper left out: the cgroup's, or the keeper's descendants."""
    if track:
        found = cgroup_procs(track)
        if found is not None:
            return [p for p in found if p != keeper]
    return [p for p in descendants(keeper) if not is_zombie(p)]


def tasks(pids: list[int]) -> int:
    """How many tasks (threads) these processes have: what a pids limit counts."""
    return sum(len(_tasks(pid)) or 1 for pid in pids)


def kill_round(keeper: int, track: str | None, spare: frozenset[int] | set[int] = frozenset()) -> int:
    """SIGKILL every process of the run but the keeper and ``spare``; how many were still there.

    Repeat until it returns 0: a process may fork while the others are being killed (its child then
    shows up in the next round, adopted by the keeper or still in the cgroup).
    """
    left = [p for p in members(keeper, track) if p not in spare]
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return len(left)


def end_run(keeper: int, track: str | None, spare: frozenset[int] | set[int] = frozenset()) -> bool:
    """Kill rounds until nothing but the keeper and ``spare`` is left (about 2 s at most)."""
    for attempt in range(200):
        if not kill_round(keeper, track, spare):
            return True
        time.sleep(0.001 * min(attempt + 1, 20))
    return False


# -- cgroups ---------------------------------------------------------------------------------------------


def _mounts() -> tuple[str | None, dict[str, str]]:
    """Where the cgroup v2 hierarchy is mounted, and each v1 controller's mount (pids, memory)."""
    v2: str | None = None
    v1: dict[str, str] = {}
    for line in (_read("/proc/self/mountinfo") or "").splitlines():
        head, _, tail = line.partition(" - ")
        fields, extra = head.split(), tail.split()
        if len(fields) < 5 or len(extra) < 3:
            continue
        root, point = fields[3], fields[4]
        if root != "/":
            continue  # a bind mount of part of a hierarchy: our own path would not resolve
        if extra[0] == "cgroup2" and v2 is None:
            v2 = point
        elif extra[0] == "cgroup":
            for option in extra[2].split(","):
                if option in ("pids", "memory") and option not in v1:
                    v1[option] = point
    return v2, v1


def _own_paths() -> tuple[str | None, dict[str, str]]:
    v2: str | None = None
    v1: dict[str, str] = {}
    for line in (_read("/proc/self/cgroup") or "").splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            v2 = parts[2]
        for name in parts[1].split(","):
            if name in ("pids", "memory"):
                v1[name] = parts[2]
    return v2, v1


def _write(path: str, text: str) -> bool:
    try:
        with open(path, "w") as f:
            f.write(text)
        return True
    except OSError:
        return False


class Cgroups:
    """The kernel's cgroup directories, one per usable hierarchy, and the runs' below them.

    ``roles`` says which directory does what: ``track`` (membership), ``cpu`` (a ``cpu.stat``),
    ``pids`` and ``memory`` (limits); each names a hierarchy (``v2``, ``v1-pids``, ``v1-memory``).
    """

    def __init__(self, name: str, allowed: bool) -> None:
        self.bases: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        self.flavours: dict[str, str] = {}  # hierarchy -> how it is named in messages
        if not allowed:
            return
        v2_mount, v1_mounts = _mounts()
        v2_own, v1_own = _own_paths()
        if v2_mount and v2_own is not None:
            base = self._make(os.path.join(v2_mount, v2_own.lstrip("/"), name))
            if base:
                self.bases["v2"] = base
                available = (_read(os.path.join(base, "cgroup.controllers")) or "").split()
                wanted = [c for c in ("memory", "pids") if c in available]
                if wanted:
                    _write(os.path.join(base, "cgroup.subtree_control"), " ".join(f"+{c}" for c in wanted))
                enabled = (_read(os.path.join(base, "cgroup.subtree_control")) or "").split()
                self.roles["track"] = self.roles["cpu"] = "v2"
                for controller in ("pids", "memory"):
                    if controller in enabled:
                        self.roles[controller] = "v2"
                self.flavours["v2"] = "cgroup v2"
        for controller in ("pids", "memory"):
            if controller in self.roles or controller not in v1_mounts or controller not in v1_own:
                continue
            own = v1_own[controller].lstrip("/")
            base = self._make(os.path.join(v1_mounts[controller], own, name))
            if base:
                key = f"v1-{controller}"
                self.bases[key] = base
                self.roles[controller] = key
                self.roles.setdefault("track", key)
                self.flavours[key] = f"cgroup v1 {controller}"

    @staticmethod
    def _make(path: str) -> str | None:
        try:
            os.makedirs(path, exist_ok=True)
        except OSError:
            return None
        return path if os.access(os.path.join(path, "cgroup.procs"), os.W_OK) else None

    def make_run(self, number: int) -> dict[str, str]:
        """The run's directories by role (made now); a hierarchy that fails is left out."""
        made: dict[str, str] = {}
        for key, base in self.bases.items():
            path = os.path.join(base, f"run-{number}")
            try:
                os.mkdir(path)
            except FileExistsError:
                pass
            except OSError:
                continue
            made[key] = path
        return {role: made[key] for role, key in self.roles.items() if key in made}

    def describe(self) -> dict[str, str]:
        return {role: self.flavours[key] for role, key in self.roles.items()}

    @staticmethod
    def remove(paths: list[str]) -> list[str]:
        """rmdir each; the ones still busy are returned (try again later)."""
        busy = []
        for path in paths:
            try:
                os.rmdir(path)
            except FileNotFoundError:
                pass
            except OSError:
                busy.append(path)
        return busy

    def remove_all(self) -> None:
        for base in self.bases.values():
            try:
                runs = [os.path.join(base, entry) for entry in os.listdir(base) if entry.startswith("run-")]
            except OSError:
                runs = []
            for _ in range(50):
                if not self.remove([*runs, base]):
                    break
                time.sleep(0.02)


def run_limits(limits: dict[str, float | int | None], cgroups: dict[str, str]) -> dict[str, str]:
    """Apply a job's limits to its cgroups (in the keeper); what enforces each, by name."""
    enforced: dict[str, str] = {}
    processes = limits.get("processes")
    if processes:
        path = cgroups.get("pids")
        if path and _write(os.path.join(path, "pids.max"), str(int(processes) + 1)):  # + the keeper
            enforced["processes"] = "cgroup"
        else:
            enforced["processes"] = "count"
    memory = limits.get("memory")
    if memory:
        path = cgroups.get("memory")
        memory = int(memory)
        if path and (
            _write(os.path.join(path, "memory.max"), str(memory))
            or _write(os.path.join(path, "memory.limit_in_bytes"), str(memory))
        ):
            _write(os.path.join(path, "memory.swap.max"), "0")
            _write(os.path.join(path, "memory.memsw.limit_in_bytes"), str(memory))
            enforced["memory"] = "cgroup"
        else:
            enforced["memory"] = "rlimit"
    if limits.get("cpu"):
        enforced["cpu"] = "rlimit+cgroup" if cgroups.get("cpu") else "rlimit"
    return enforced


# -- the keeper -----------------------------------------------------------------------------------------


def _prctl(option: int, value: int) -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _receive(sock: socket.socket) -> tuple[dict | None, list[int]]:
    """One spawn message and its descriptors (close-on-exec); (None, []) at end-of-file."""
    fds: list[int] = []
    head = b""
    while len(head) < HEADER.size:
        data, ancillary, _, _ = sock.recvmsg(
            HEADER.size - len(head), socket.CMSG_SPACE(MAX_FDS * 4), socket.MSG_CMSG_CLOEXEC
        )
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                usable = len(payload) - len(payload) % 4
                fds.extend(struct.unpack(f"{usable // 4}i", payload[:usable]))
        if not data:
            return None, fds
        head += data
    (size,) = HEADER.unpack(head)
    if size > MAX_MESSAGE:
        return None, fds
    body = bytearray()
    while len(body) < size:
        chunk = sock.recv(min(size - len(body), 1 << 20))  # exactly this message: never the next one's
        if not chunk:
            return None, fds
        body += chunk
    return json.loads(body), fds


def _status(fd: int, record: dict) -> None:
    try:
        os.write(fd, json.dumps(record).encode() + b"\n")
    except OSError:
        pass  # the kernel stopped listening to this run; go on reaping


_SIGNALS = [s for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP)]


def _spawn(job: dict, fds: list[int], limits: dict, enforced: dict) -> int:
    """Start the job's program; its pid. In the keeper, which is a throwaway: the working directory
    and the resource limits it sets on itself are what the program inherits. posix_spawn (a vfork
    and exec) takes a tenth of what a fork of this Python process and an exec take."""
    if job.get("cwd"):
        os.chdir(job["cwd"])
    cpu = limits.get("cpu")
    if cpu:
        soft = max(1, math.ceil(float(cpu)))
        _setrlimit(resource.RLIMIT_CPU, soft, soft + 1)  # SIGXCPU, then SIGKILL a second later
    memory = limits.get("memory")
    if memory and enforced.get("memory") == "rlimit":
        _setrlimit(resource.RLIMIT_DATA, int(memory), int(memory))
    targets: list[int] = list(job["targets"])
    above = max([*targets, 2]) + 1  # so that no target overwrites a source not yet placed
    argv, env = job["argv"], job["env"]
    path = argv[0] if "/" in argv[0] else shutil.which(argv[0], path=env.get("PATH", os.defpath))
    if path is None:
        raise FileNotFoundError(errno.ENOENT, f"No such file or directory: {argv[0]!r}")
    moved = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, above) for fd in fds]
    try:
        actions: list[tuple] = [
            (os.POSIX_SPAWN_DUP2, fd, target) for fd, target in zip(moved, targets, strict=True)
        ]
        if job.get("stdin_null"):
            actions.append((os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0))
        return os.posix_spawn(
            path, argv, env, file_actions=actions, setsid=True, setsigdef=_SIGNALS, setsigmask=()
        )
    finally:
        for fd in moved:  # the program has its own; a keeper must hold no end of its pipes
            os.close(fd)


def _setrlimit(which: int, soft: int, hard: int) -> None:
    _, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))


def _counters(cgroups: dict[str, str]) -> dict[str, int]:
    """The cgroup counters a run is judged by, as they stand before it (a keeper serves many runs)."""
    found = {}
    pids = _read(os.path.join(cgroups.get("pids", ""), "pids.events")) if "pids" in cgroups else None
    if pids:
        found["pids_max"] = _field(pids, "max")
    memory = cgroups.get("memory")
    if memory:
        text = _read(os.path.join(memory, "memory.events"))
        text = text or _read(os.path.join(memory, "memory.oom_control"))
        found["oom_kill"] = _field(text or "", "oom_kill")
    cpu = _read(os.path.join(cgroups["cpu"], "cpu.stat")) if "cpu" in cgroups else None
    if cpu:
        found["cpu_usec"] = _field(cpu, "usage_usec")
    return found


def _field(text: str, name: str) -> int:
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == name and value.strip().isdigit():
            return int(value)
    return 0


def _released(status: int, timeout: float) -> bool:
    """Wait until the kernel has closed its end of the status pipe (it knows the run is over)."""
    poller = select.poll()
    poller.register(status, select.POLLERR)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if poller.poll(1000):
                return True
        except InterruptedError:
            continue
    return False


def serve(job: dict, fds: list[int], own: int, cgroups: dict[str, str]) -> bool:
    """Start one job and reap its run to the end; whether this keeper may take another job."""
    status, fds = fds[0], fds[1:]
    limits = job.get("limits") or {}
    enforced = run_limits(limits, cgroups)
    before = _counters(cgroups)
    # The limits set on itself for a program bind the keeper for good (its hard limits cannot rise
    # again): such a keeper serves once.
    clean = not limits.get("cpu") and enforced.get("memory") != "rlimit"
    try:
        pid = _spawn(job, fds, limits, enforced)
    except (OSError, ValueError, TypeError, KeyError) as err:
        code = getattr(err, "errno", None) or 0
        _status(status, {"error": code, "message": str(err) or repr(err)})
        pid = 0
    finally:
        os.chdir("/")
        for fd in fds:
            os.close(fd)
    if pid:
        record = {"started": pid, "keeper": own, "cgroups": cgroups, "enforced": enforced, "before": before}
        _status(status, record)
    while True:
        try:
            reaped, wait_status, usage = os.wait4(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        cpu = usage.ru_utime + usage.ru_stime
        _status(status, {"exit": reaped, "status": wait_status, "rss": usage.ru_maxrss * 1024, "cpu": cpu})
    # Nothing of the run is left. Before this keeper (and its cgroups) may serve another run, the
    # kernel must have heard: it closes its end, and stops looking at these cgroups and this pid.
    _status(status, {"done": True})
    released = _released(status, 60.0)
    os.close(status)
    return clean and released


def keeper(spawn: socket.socket, lock: int, notify: int, supervisor: int, cgroups: dict[str, str]) -> None:
    """A keeper: join its cgroups once, then take jobs one at a time and reap each run. Never returns."""
    own = os.getpid()

    def stop(signum: int, frame: object) -> None:
        # The supervisor is gone (parent-death signal) or asks: nothing of the run may outlive us.
        end_run(own, cgroups.get("track"))
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != supervisor:
        os._exit(0)
    # A cgroup it could not join (cgroup v2 wants write access to the common ancestor) must not be
    # taken for the run's: without it, the run is what is below the keeper, limits are setrlimit.
    joined = {path for path in set(cgroups.values()) if _write(os.path.join(path, "cgroup.procs"), "0")}
    cgroups = {role: path for role, path in cgroups.items() if path in joined}
    os.chdir("/")
    while True:
        try:
            fcntl.lockf(lock, fcntl.LOCK_EX)
            try:
                job, fds = _receive(spawn)
            finally:
                fcntl.lockf(lock, fcntl.LOCK_UN)
        except (OSError, ValueError):
            job, fds = None, []
        os.write(notify, f"T{own}\n".encode())
        if job is None or not fds:
            os._exit(0)
        if not serve(job, fds, own, cgroups):
            os._exit(0)
        os.write(notify, f"B{own}\n".encode())


# -- the supervisor ----------------------------------------------------------------------------------------


class Supervisor:
    def __init__(self, config: dict) -> None:
        self.workdir: str = config["workdir"]
        self.spawn = socket.socket(fileno=int(config["socket"]))
        self.spawn.set_inheritable(False)
        self.cgroups = Cgroups(config["name"], bool(config.get("cgroups", True)))
        self.subreaper = _prctl(PR_SET_CHILD_SUBREAPER, 1)
        self.notify_r, self.notify_w = os.pipe2(os.O_CLOEXEC)
        self.wake_r, self.wake_w = os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)
        self.keepers: dict[int, dict[str, str]] = {}  # keeper pid -> its cgroups
        self.idle: set[int] = set()
        # Idle keepers read the spawn socket one at a time (a message is read in two parts).
        self.lock = os.memfd_create("ccell-spawn-lock", os.MFD_CLOEXEC)
        self.number = 0
        self.busy_cgroups: list[str] = []
        self.keep_workdir = False

    def hello(self) -> None:
        record = {
            "hello": os.getpid(),
            "subreaper": self.subreaper,
            "cgroups": self.cgroups.describe(),
        }
        data = json.dumps(record).encode()
        try:
            self.spawn.sendall(HEADER.pack(len(data)) + data)
        except OSError:
            pass

    def fork_keeper(self) -> None:
        self.number += 1
        cgroups = self.cgroups.make_run(self.number)
        try:
            pid = os.fork()
        except OSError:
            return
        if pid == 0:
            try:
                signal.set_wakeup_fd(-1)
                for fd in (self.notify_r, self.wake_r, self.wake_w):
                    os.close(fd)
                keeper(self.spawn, self.lock, self.notify_w, os.getppid(), cgroups)
            finally:
                os._exit(1)
        self.keepers[pid] = cgroups
        self.idle.add(pid)

    def reap(self) -> None:
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            cgroups = self.keepers.pop(pid, None)
            if cgroups is not None:
                self.busy_cgroups.extend(dict.fromkeys(cgroups.values()))
                self.idle.discard(pid)
        # (an orphan whose keeper was killed is reaped here too, and forgotten)

    def sweep(self) -> None:
        """Kill processes adopted from keepers that died before their run ended."""
        for pid in children(os.getpid()):
            if pid not in self.keepers:
                for below in descendants(pid):
                    _kill(below)
                _kill(pid)
        self.busy_cgroups = Cgroups.remove(self.busy_cgroups)

    def loop(self) -> None:
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(self.wake_w)
        self.hello()
        last_sweep = time.monotonic()
        taken = 0.0  # when an idle keeper last took a job
        while True:
            # Keepers serve one run after another; POOL of them wait, so that a compile and then
            # its program start without waiting. A missing one is made when starts have been quiet
            # for a while (joining the cgroups holds up every fork on the machine: a compiler's, a
            # program's start), or at once when a job waits with no keeper to take it.
            now = time.monotonic()
            watched: list = [0, self.notify_r, self.wake_r]
            timeout = SWEEP
            if not self.idle:
                watched.append(self.spawn)  # readable: a job waits and nobody is there to take it
            if len(self.idle) < POOL:
                timeout = max(0.0, min(timeout, taken + QUIET - now))
            try:
                ready, _, _ = select.select(watched, [], [], timeout)
            except InterruptedError:
                continue
            if 0 in ready:
                said = os.read(0, 4096)
                if b"keep" in said:
                    self.keep_workdir = True  # the kernel restarts us and goes on with its folder
                if not said:
                    return  # the kernel is gone (or done with us)
            if self.wake_r in ready:
                while True:
                    try:
                        if not os.read(self.wake_r, 4096):
                            break
                    except BlockingIOError:
                        break
                self.reap()
            if self.notify_r in ready:
                for word in os.read(self.notify_r, 4096).decode().split():
                    pid = int(word[1:])
                    if word[0] == "T":
                        self.idle.discard(pid)
                        taken = time.monotonic()
                    elif pid in self.keepers:
                        self.idle.add(pid)  # back from a run, cgroups and all
            if len(self.idle) < POOL and (
                (not self.idle and self.spawn in ready) or time.monotonic() - taken >= QUIET
            ):
                self.fork_keeper()
            if time.monotonic() - last_sweep >= SWEEP:
                last_sweep = time.monotonic()
                self.sweep()

    def shutdown(self) -> None:
        """End every run, every keeper, remove the build folder and the cgroups."""
        for _ in range(3):
            for pid, cgroups in list(self.keepers.items()):
                end_run(pid, cgroups.get("track"))
                _kill(pid)
            for pid in children(os.getpid()):
                for below in descendants(pid):
                    _kill(below)
                _kill(pid)
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    time.sleep(0.01)
                else:
                    self.keepers.pop(pid, None)
            if not children(os.getpid()):
                break
        if not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self.cgroups.remove_all()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def main(argv: list[str]) -> None:
    config = json.loads(argv[1])
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_IGN)  # a signal to the kernel's group or terminal is not for us
    supervisor = Supervisor(config)
    signal.signal(signal.SIGTERM, lambda *_: (supervisor.shutdown(), os._exit(0)))
    try:
        supervisor.loop()
    finally:
        supervisor.shutdown()


if __name__ == "__main__":
    main(sys.argv)

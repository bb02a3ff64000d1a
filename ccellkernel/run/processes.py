"""The kernel's side of the supervisor: start runs, learn every exit status, end a run's processes.

``Supervisor`` starts the supervisor process (``supervisor.py``) in the background and asks it for
runs. A ``Run`` is one program and everything it starts, however it starts it (fork, ``setsid``,
double fork, a daemon that closes its stdio): all of it is in the run's cgroup, or below the run's
keeper, which adopts the orphans. The API, for cells, background jobs and long-lived programs::

    run = await supervisor.spawn(argv, stdout=fd, stderr=fd, pass_fds=(...), limits=limits)
    exit = await run.wait()          # the program's own exit (not its pipes' end-of-file)
    run.keep(pid)                    # this process survives run.end() (say, a live program's host)
    await run.end_async()            # every other process of the run is killed (run.end(): blocking)
    run.exit_of(pid)                 # any process the keeper reaped: the program, adopted orphans
    run.adopted()                    # processes the keeper adopted and that still live
    run.close()                      # everything, kept ones too

Exit statuses, limits and the end of each run are watched by one thread per supervisor (the
``_Monitor``), so a run may outlive the event loop that started it (a background job). It reads
each run's status pipe and, every ``POLL`` while a run has limits to watch, checks what the kernel
itself enforces: the wall-clock limit, the process limit where no pids cgroup counts, CPU time of
the whole run where a cgroup v2 counts it. A run over a limit is ended; ``run.limit_hit()`` names it.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import json
import logging
import os
import select
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ccellkernel.run import supervisor as sv
from ccellkernel.run.cleanup import process_start
from ccellkernel.run.limits import Limits

log = logging.getLogger(__name__)
POLL = 0.05  # seconds between limit checks of a running program
START_TIMEOUT = 30.0  # seconds for the supervisor to start a program before the cell gives up
SEND_TIMEOUT = 10.0
CGROUPS_ENV = "CCELL_CGROUPS"  # "off": track runs by the keepers' subreaper only (no cgroups)


@dataclass(frozen=True)
class Exit:
    """How one process of a run ended, as its reaper saw it."""

    pid: int
    returncode: int  # the exit status, or minus the signal that killed it
    rss: int = 0  # peak resident memory, bytes (its own and its waited-for children's)
    cpu: float = 0.0  # seconds of CPU time, user and system


def _returncode(status: int) -> int:
    try:
        return os.waitstatus_to_exitcode(status)
    except ValueError:
        return -signal.SIGKILL


class Run:
    """One program and every process it started. Thread-safe; see the module docstring."""

    def __init__(self, monitor: _Monitor, status: int, limits: Limits | None, label: str) -> None:
        self._monitor = monitor
        self._status = status
        self.limits = limits
        self.label = label
        self._lock = threading.Lock()
        self._buffer = b""
        self.pid = 0
        self.keeper = 0
        self._pidfd: int | None = None
        self.cgroups: Mapping[str, str] = {}
        self.enforced: Mapping[str, str] = {}
        self.started_at = 0.0
        self._before: dict[str, int] = {}  # the cgroups' counters before the run (keepers serve many)
        self.deadline: float | None = None
        self.violation: str | None = None
        self._error: OSError | None = None
        self._started = False
        self._finished = False
        self._exits: dict[int, Exit] = {}
        self._kept: set[int] = set()
        self._waiters: list[tuple[int | None, asyncio.AbstractEventLoop, asyncio.Future[Any]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None  # reading the status pipe, if not the monitor

    # -- what the caller asks ---------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        """Whether nothing of the run is left (its keeper has reaped everything and exited)."""
        return self._finished

    @property
    def track(self) -> str | None:
        return self.cgroups.get("track")

    def keep(self, pid: int) -> None:
        """Spare ``pid`` when the run is ended (``end``); ``close`` still ends it."""
        with self._lock:
            self._kept.add(pid)

    def release(self, pid: int) -> None:
        with self._lock:
            self._kept.discard(pid)

    @property
    def kept(self) -> frozenset[int]:
        with self._lock:
            return frozenset(self._kept)

    def exit_of(self, pid: int) -> Exit | None:
        """How ``pid`` ended, if the keeper reaped it (the program, or a process it adopted)."""
        with self._lock:
            return self._exits.get(pid)

    def exits(self) -> list[Exit]:
        with self._lock:
            return list(self._exits.values())

    def members(self) -> list[int]:
        """The run's live processes now (empty once it is over)."""
        if not self._alive():
            return []
        return sv.members(self.keeper, self.track)

    def adopted(self) -> list[int]:
        """Live processes the keeper adopted (their parent died), the program itself left out."""
        if not self._alive():
            return []
        return [p for p in sv.children(self.keeper) if p != self.pid and not sv.is_zombie(p)]

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the program's process group (what a terminal's Ctrl-C reaches)."""
        if self.pid and self._alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signum)

    def end(self, *, keep: bool = True) -> bool:
        """SIGKILL every process of the run but the kept ones (``keep=False``: those too). Blocking,
        at most about 2 s; True when nothing else is left."""
        for attempt in range(200):
            if not self._kill_round(keep):
                return True
            time.sleep(0.001 * min(attempt + 1, 20))
        return False

    async def end_async(self, *, keep: bool = True) -> bool:
        """``end`` without blocking the event loop between rounds."""
        for attempt in range(200):
            if not self._kill_round(keep):
                return True
            await asyncio.sleep(0.001 * min(attempt + 1, 20))
        return False

    def _kill_round(self, keep: bool) -> int:
        # Under the lock: once the keeper has said "done" (which takes the lock) it may serve another
        # run in the same cgroups, and no round of this one may reach that run.
        with self._lock:
            if not self._alive_locked():
                return 0
            return sv.kill_round(self.keeper, self.track, self._kept if keep else frozenset())

    def close(self) -> None:
        """End everything of the run, kept processes too."""
        self.end(keep=False)

    async def wait(self, pid: int | None = None) -> Exit:
        """Wait for ``pid`` (default: the program) to end. If the keeper ends without having reaped
        it (it was never ours, or the keeper was killed), the answer is a SIGKILL with no figures."""
        await self.started()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Exit] = loop.create_future()
        with self._lock:
            target = self.pid if pid is None else pid
            known = self._exits.get(target)
            if known is None and self._finished:
                known = Exit(target, -signal.SIGKILL)
            if known is None:
                self._waiters.append((target, loop, future))
        if known is not None:
            return known
        return await future

    async def started(self) -> None:
        """Wait for the program to have started; ``OSError`` if it could not be."""
        with self._lock:
            done = self._started
            if not done:
                loop = asyncio.get_running_loop()
                future: asyncio.Future[None] = loop.create_future()
                self._waiters.append((None, loop, future))
        if not done:
            try:
                await asyncio.wait_for(future, START_TIMEOUT)
            except TimeoutError:
                raise OSError(
                    f"the process supervisor did not start {self.label or 'the program'} "
                    f"in {START_TIMEOUT:g} s"
                ) from None
        if self._error is not None:
            raise self._error

    def limit_hit(self, exit: Exit) -> str | None:
        """The limit that ended the run (``memory``, ``processes``, ``cpu``, ``time``), if one did."""
        if self.violation:
            return self.violation
        limits = self.limits
        if limits is None:
            return None
        if self.enforced.get("memory") == "cgroup" and _oom_kills(
            self.cgroups.get("memory")
        ) > self._before.get("oom_kill", 0):
            return "memory"
        if limits.cpu is not None and (
            exit.returncode == -signal.SIGXCPU
            or (exit.returncode == -signal.SIGKILL and exit.cpu >= limits.cpu - 0.05)
        ):
            return "cpu"
        if self.enforced.get("memory") == "rlimit" and exit.returncode != 0:
            # malloc fails at RLIMIT_DATA and the program dies in its own way; its peak tells.
            peak = max((e.rss for e in self.exits()), default=0)
            if peak >= limits.memory * 3 // 4:
                return "memory"
        return None

    def oom_kills(self) -> int:
        """How many processes of the run its memory cgroup's OOM killer has killed (0 without one):
        a long-lived run (the live C program) compares it before and after each cell."""
        if self.enforced.get("memory") != "cgroup":
            return 0
        return _oom_kills(self.cgroups.get("memory"))

    def hand_over(self) -> None:
        """Stop reading the status pipe in the event loop that started the run (``follow``); the
        monitor reads it from now on. Call it when nothing in that loop waits for the run any more."""
        loop, self._loop = self._loop, None
        if loop is not None:
            with contextlib.suppress(RuntimeError, ValueError, OSError):
                loop.remove_reader(self._status)
            self._monitor.add(self)

    # -- what the monitor (or the event loop) feeds in ------------------------------------------

    def _follow(self, loop: asyncio.AbstractEventLoop) -> None:
        # One thread hop less on the way from the keeper to the waiting coroutine: about 0.3 ms at
        # the start and again at the exit of every program.
        self._loop = loop
        loop.add_reader(self._status, self._readable_in_loop)

    def _readable_in_loop(self) -> None:
        try:
            data = os.read(self._status, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            self._feed(data)
            if not self._finished:
                return
        loop, self._loop = self._loop, None
        if loop is not None:
            loop.remove_reader(self._status)
        with contextlib.suppress(OSError):
            os.close(self._status)
        self._monitor.forget(self)
        self._eof()

    def _alive(self) -> bool:
        """Whether the keeper still serves this run (so its pid and cgroups are still this run's)."""
        with self._lock:
            return self._alive_locked()

    def _alive_locked(self) -> bool:
        if not self._started or self._finished or not self.keeper:
            return False
        if self._pidfd is not None:
            return not select.select([self._pidfd], [], [], 0)[0]  # readable: it exited
        return True

    def _feed(self, data: bytes) -> None:
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.strip():
                try:
                    self._record(json.loads(line))
                except (ValueError, KeyError, TypeError):
                    continue
        self._resolve()

    def _record(self, record: dict[str, Any]) -> None:
        if "exit" in record:
            pid = int(record["exit"])
            exit = Exit(pid, _returncode(int(record["status"])), int(record["rss"]), float(record["cpu"]))
            with self._lock:
                self._exits[pid] = exit
        elif "started" in record:
            with self._lock:
                self.pid = int(record["started"])
                self.keeper = int(record["keeper"])
                self.cgroups = dict(record.get("cgroups") or {})
                self.enforced = dict(record.get("enforced") or {})
                self._before = dict(record.get("before") or {})
                self.started_at = time.monotonic()
                if self.limits is not None and self.limits.time is not None:
                    self.deadline = self.started_at + self.limits.time
                self._started = True
            try:
                pidfd = os.pidfd_open(self.keeper)
            except (OSError, AttributeError):
                pidfd = None
            with self._lock:
                self._pidfd = pidfd
        elif "done" in record:
            self._eof()
        elif "error" in record:
            with self._lock:
                self._error = OSError(int(record["error"]), str(record["message"]))
                self._started = True

    def _eof(self) -> None:
        with self._lock:
            self._finished = True
            if not self._started:
                self._error = OSError("the process supervisor stopped before the program started")
                self._started = True
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        self._resolve()

    def _resolve(self) -> None:
        with self._lock:
            pending = []
            for waiter in self._waiters:
                target, loop, future = waiter
                if target is None:
                    value: Any = None
                    ready = self._started
                else:
                    value = self._exits.get(target)
                    if value is None and self._finished:
                        value = Exit(target, -signal.SIGKILL)
                    ready = value is not None
                if ready:
                    if loop is _running_loop():
                        _settle(future, value)
                    else:
                        with contextlib.suppress(RuntimeError):  # its loop is closed: nobody waits
                            loop.call_soon_threadsafe(_settle, future, value)
                else:
                    pending.append(waiter)
            self._waiters = pending

    def _check(self, now: float) -> str | None:
        """A limit the run is over now, by what the kernel watches itself."""
        if not self._started or self._finished:
            return None
        if self.deadline is not None and now >= self.deadline:
            return "time"
        limits = self.limits
        if limits is None:
            return None
        if self.enforced.get("processes") == "cgroup":
            events = _fields(self.cgroups.get("pids"), "pids.events")
            if events.get("max", 0) > self._before.get("pids_max", 0):
                return "processes"
        elif self.enforced.get("processes") == "count" and sv.tasks(self.members()) > limits.processes:
            return "processes"
        cpu = self.cgroups.get("cpu")
        if limits.cpu is not None and cpu:
            usage = _fields(cpu, "cpu.stat").get("usage_usec", 0) - self._before.get("cpu_usec", 0)
            if usage / 1e6 > limits.cpu:
                return "cpu"
        return None

    @property
    def watched(self) -> bool:
        return self.limits is not None and self.violation is None and not self._finished


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _settle(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


def _fields(folder: str | None, name: str) -> dict[str, int]:
    """A cgroup file of ``key value`` lines."""
    if not folder:
        return {}
    try:
        with open(os.path.join(folder, name)) as f:
            pairs = [line.split() for line in f]
    except OSError:
        return {}
    return {p[0]: int(p[1]) for p in pairs if len(p) == 2 and p[1].isdigit()}


def _oom_kills(folder: str | None) -> int:
    return _fields(folder, "memory.events").get("oom_kill", 0) or _fields(folder, "memory.oom_control").get(
        "oom_kill", 0
    )


class _Monitor(threading.Thread):
    """Reads every run's status pipe and the supervisor's socket; checks limits every POLL."""

    def __init__(self, supervisor: Supervisor) -> None:
        super().__init__(name="ccellkernel-processes", daemon=True)
        self._supervisor = supervisor
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._calls: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._runs: set[Run] = set()
        self._stopped = False

    def call(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` in the monitor's thread (the selector is its alone)."""
        with self._lock:
            self._calls.append(fn)
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def add(self, run: Run) -> None:
        """Read the run's status pipe here, and check its limits."""

        def register() -> None:
            self._runs.add(run)
            if not run.finished:
                self._selector.register(run._status, selectors.EVENT_READ, run)

        self.call(register)

    def check(self, run: Run) -> None:
        """Check the run's limits only (its event loop reads the status pipe)."""
        self.call(lambda: self._runs.add(run))

    def forget(self, run: Run) -> None:
        self.call(lambda: self._runs.discard(run))

    def watch_socket(self, sock: socket.socket) -> None:
        self.call(lambda: self._selector.register(sock, selectors.EVENT_READ, sock))

    def forget_socket(self, sock: socket.socket) -> None:
        def drop() -> None:
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(sock)
            sock.close()

        self.call(drop)

    def stop(self) -> None:
        self._stopped = True
        self.call(lambda: None)

    def run(self) -> None:
        try:
            while not self._stopped:
                watching = any(run.watched for run in self._runs)
                for key, _ in self._selector.select(POLL if watching else None):
                    try:
                        if key.data is None:
                            self._wake()
                        elif isinstance(key.data, Run):
                            self._readable(key.data)
                        else:
                            self._supervisor._socket_readable(key.data)
                    except Exception:  # a bug here must not leave every later run unwatched
                        log.exception("while reading %r", key.data)
                if watching:
                    self._check_limits()
        finally:
            for run in list(self._runs):
                self._drop(run)
            self._selector.close()
            os.close(self._wake_r)
            os.close(self._wake_w)

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            while os.read(self._wake_r, 4096):
                pass
        with self._lock:
            calls, self._calls = self._calls, []
        for fn in calls:
            fn()

    def _readable(self, run: Run) -> None:
        try:
            data = os.read(run._status, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            run._feed(data)
        if not data or run.finished:
            self._drop(run)

    def _drop(self, run: Run) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(run._status)
        self._runs.discard(run)
        with contextlib.suppress(OSError):
            os.close(run._status)
        run._eof()

    def _check_limits(self) -> None:
        now = time.monotonic()
        for run in list(self._runs):
            if not run.watched:
                continue
            over = run._check(now)
            if over is not None:
                run.violation = over
                run.end()


class Supervisor:
    """The kernel's supervisor process and the runs it starts. One per kernel (per ``Session``)."""

    def __init__(self, workdir: Path, *, cgroups: bool | None = None) -> None:
        self.workdir = workdir
        if cgroups is None:
            cgroups = os.environ.get(CGROUPS_ENV, "").lower() not in ("0", "off", "no", "false")
        self.cgroups_allowed = cgroups
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._monitor: _Monitor | None = None
        self._hello: dict[str, Any] = {}
        self._hello_seen = threading.Event()
        self._incoming = b""
        self._closed = False

    def start(self) -> None:
        """Start the supervisor process if it is not running (at once, in the background)."""
        with self._lock:
            if self._closed:
                raise OSError("the kernel is shutting down")
            if self._proc is not None and self._proc.poll() is None and self._sock is not None:
                return
            self._stop_process()
            if self._monitor is None:
                self._monitor = _Monitor(self)
                self._monitor.start()
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            pid = os.getpid()
            config = {
                "workdir": str(self.workdir),
                "socket": theirs.fileno(),
                "name": f"ccell-{pid}-{process_start(pid) or 0}",
                "cgroups": self.cgroups_allowed,
            }
            script = resources.files(__package__) / "supervisor.py"
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-I", "-S", str(script), json.dumps(config)],
                    stdin=subprocess.PIPE,  # the life pipe: closed when the kernel is gone
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    pass_fds=(theirs.fileno(),),
                    start_new_session=True,  # a signal to the kernel's group must not reach it
                )
            finally:
                theirs.close()
            ours.settimeout(SEND_TIMEOUT)
            self._sock = ours
            self._hello_seen.clear()
            self._incoming = b""
            self._monitor.watch_socket(ours)

    def info(self, timeout: float = 2.0) -> dict[str, Any]:
        """What the supervisor said of itself: ``subreaper`` (bool), ``cgroups`` (role -> hierarchy)."""
        with contextlib.suppress(OSError):
            self.start()
        self._hello_seen.wait(timeout)
        return dict(self._hello)

    async def spawn(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | str | None = None,
        env: Mapping[str, str] | None = None,
        stdin: int | None = None,
        stdout: int,
        stderr: int,
        pass_fds: Sequence[int] = (),
        limits: Limits | None = None,
        label: str = "",
        follow: bool = False,
    ) -> Run:
        """Start ``argv`` as a new run. ``stdin`` None is /dev/null; ``pass_fds`` keep their numbers.
        Raises ``OSError`` if it cannot start (a missing program: ``FileNotFoundError``).

        ``follow``: the calling event loop reads the run's news (faster) until ``run.hand_over()``,
        which the caller must call once it stops waiting for the run."""
        run = self.spawn_nowait(
            argv,
            cwd=cwd,
            env=env,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            pass_fds=pass_fds,
            limits=limits,
            label=label,
            follow=follow,
        )
        try:
            await run.started()
        except BaseException:
            run.hand_over()
            raise
        return run

    def spawn_nowait(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | str | None = None,
        env: Mapping[str, str] | None = None,
        stdin: int | None = None,
        stdout: int,
        stderr: int,
        pass_fds: Sequence[int] = (),
        limits: Limits | None = None,
        label: str = "",
        follow: bool = False,
    ) -> Run:
        """``spawn`` without waiting for the start: ``await run.started()`` says whether it did."""
        status_r, status_w = os.pipe2(os.O_CLOEXEC)
        os.set_blocking(status_r, False)
        job_limits: dict[str, float | int | None] = {}
        if limits is not None:
            job_limits = {"memory": limits.memory, "cpu": limits.cpu, "processes": limits.processes}
        targets = [1, 2, *pass_fds]
        fds = [status_w, stdout, stderr, *pass_fds]
        if stdin is not None:
            targets.insert(0, 0)
            fds.insert(1, stdin)
        job = {
            "argv": list(argv),
            "env": dict(os.environ if env is None else env),
            "cwd": None if cwd is None else str(cwd),
            "targets": targets,
            "stdin_null": stdin is None,
            "limits": job_limits,
        }
        try:
            self.start()
            assert self._monitor is not None
            run = Run(self._monitor, status_r, limits, label)
            if follow:
                run._follow(asyncio.get_running_loop())
                self._monitor.check(run)
            else:
                self._monitor.add(run)
            self._send(json.dumps(job).encode(), fds)
        except BaseException:
            os.close(status_w)
            raise
        os.close(status_w)
        return run

    def _send(self, body: bytes, fds: Sequence[int]) -> None:
        message = sv.HEADER.pack(len(body)) + body
        for attempt in range(2):
            with self._lock:
                sock = self._sock
                try:
                    if sock is None:
                        raise BrokenPipeError("no supervisor")
                    sent = sock.sendmsg(
                        [message], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))]
                    )
                    if sent < len(message):
                        sock.sendall(message[sent:])
                    return
                except (BrokenPipeError, ConnectionResetError, TimeoutError) as err:
                    if attempt:
                        raise OSError(f"the process supervisor does not answer ({err})") from None
                    self._stop_process()
            self.start()

    def _socket_readable(self, sock: socket.socket) -> None:
        """The supervisor's hello (in the monitor thread); end-of-file: it is gone."""
        try:
            data = sock.recv(65536)
        except (BlockingIOError, TimeoutError):
            return
        except OSError:
            data = b""
        if not data:
            assert self._monitor is not None
            self._monitor.forget_socket(sock)
            with self._lock:
                if self._sock is sock:
                    self._sock = None
            return
        self._incoming += data
        while len(self._incoming) >= sv.HEADER.size:
            (size,) = sv.HEADER.unpack_from(self._incoming)
            if len(self._incoming) < sv.HEADER.size + size:
                break
            body = self._incoming[sv.HEADER.size : sv.HEADER.size + size]
            self._incoming = self._incoming[sv.HEADER.size + size :]
            with contextlib.suppress(ValueError):
                self._hello = json.loads(body)
                self._hello_seen.set()

    def _stop_process(self, *, keep_workdir: bool = True) -> None:
        """Close our ends: the supervisor ends what is left and exits (and removes the build folder,
        unless ``keep_workdir``: a restart). Called with the lock held."""
        proc, self._proc = self._proc, None
        sock, self._sock = self._sock, None
        if sock is not None and self._monitor is not None:
            self._monitor.forget_socket(sock)
        if proc is None:
            return
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                if keep_workdir:
                    proc.stdin.write(b"keep\n")
                proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        """Stop the supervisor: it ends every run left and removes the build folder. Idempotent."""
        with self._lock:
            self._closed = True
            self._stop_process(keep_workdir=False)
            monitor, self._monitor = self._monitor, None
        if monitor is not None:
            monitor.stop()

"""Processes: compilers and programs, each in its own process group, interruptible from any thread.

A program runs with its stdout/stderr on pipes read in large chunks (``OutputBuffer`` decodes and
caps them). Its stdin is either ``/dev/null`` (the frontend allows no input: the program reads
end-of-file) or a pipe fed on demand: when a thread of the program blocks in ``read(0, ...)`` and the
pipe is empty (Linux ``/proc/PID/task/TID/syscall``), the kernel asks the frontend for a line.

Every group is also reported to a watchdog process (one per kernel), which kills the groups still
running if the kernel dies without a shutdown. Children are started without a ``preexec_fn`` so that
Python can vfork instead of forking the whole kernel.

``Execution`` is one cell's process control. ``interrupt()`` may be called from any thread (the
control thread's ``interrupt_request``, or a SIGINT handler): it sends SIGINT to every running group,
then SIGKILL after a grace period, and makes the cell end with ``Interrupted``.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import fcntl
import glob
import os
import platform
import signal
import subprocess
import sys
import termios
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

from .errors import Interrupted
from .output import OutputBuffer
from .toolchain import ToolResult

GRACE = 1.0  # seconds between SIGINT and SIGKILL on interrupt
POLL = 0.05  # seconds between output flushes and stdin checks
READ = 1 << 16
# The number of read(2) in /proc/PID/task/TID/syscall; without /proc (not Linux) no input is offered
# and programs read end-of-file rather than wait on a pipe that nobody would fill.
_READ_SYSCALLS = {"x86_64": "0", "amd64": "0", "aarch64": "63", "arm64": "63", "riscv64": "63"}
_READ_SYSCALL = _READ_SYSCALLS.get(platform.machine().lower()) if os.path.isdir("/proc/self/task") else None
ReadInput = Callable[[threading.Event], Awaitable["str | None"]]

# The watchdog outlives a kernel that dies without shutting down (killed, or its server gone) just
# long enough to kill the process groups still running. It learns each group as it starts and ends;
# the kernel's death closes its stdin. (A parent-death signal per child would need a preexec_fn,
# which makes every start fork the whole kernel: several milliseconds a cell.)
_WATCHDOG = """
import os, signal, sys
groups = set()
for line in sys.stdin:
    sign, pgid = line[0], int(line[1:])
    groups.add(pgid) if sign == "+" else groups.discard(pgid)
for pgid in groups:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
"""


class _Watchdog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None

    def tell(self, sign: str, pgid: int) -> None:
        with self._lock:
            try:
                if self._proc is None or self._proc.poll() is not None:
                    self._proc = subprocess.Popen(
                        [sys.executable, "-S", "-c", _WATCHDOG],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=True,  # a signal to the kernel's group must not end it
                    )
                assert self._proc.stdin is not None
                self._proc.stdin.write(f"{sign}{pgid}\n".encode())
                self._proc.stdin.flush()
            except OSError:
                self._proc = None  # a safety net only: never fail a cell over it


_watchdog = _Watchdog()


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


class Execution:
    """The processes of one cell, and whether the user interrupted it. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._groups: set[int] = set()
        self.interrupted = False
        self.cancelled = threading.Event()  # set on interrupt; pending input requests watch it

    def interrupt(self) -> None:
        with self._lock:
            self.interrupted = True
            groups = list(self._groups)
        self.cancelled.set()
        for pgid in groups:
            _signal_group(pgid, signal.SIGINT)
        if groups:
            timer = threading.Timer(GRACE, self.kill)
            timer.daemon = True
            timer.start()

    def abort(self) -> None:
        """Like ``interrupt``, but SIGKILL at once (shutdown: nothing is waited for)."""
        with self._lock:
            self.interrupted = True
        self.cancelled.set()
        self.kill()

    def kill(self) -> None:
        """SIGKILL every group still running (interrupt grace over, or shutdown)."""
        with self._lock:
            groups = list(self._groups)
        for pgid in groups:
            _signal_group(pgid, signal.SIGKILL)

    def check(self) -> None:
        if self.interrupted:
            raise Interrupted()

    def _add(self, pgid: int) -> None:
        _watchdog.tell("+", pgid)
        with self._lock:
            self._groups.add(pgid)
            late = self.interrupted
        if late:
            _signal_group(pgid, signal.SIGKILL)

    def _discard(self, pgid: int) -> None:
        # Whatever the program left behind in its group goes with it.
        _signal_group(pgid, signal.SIGKILL)
        with self._lock:
            self._groups.discard(pgid)
        _watchdog.tell("-", pgid)


async def _spawn(
    execution: Execution,
    argv: Sequence[str],
    *,
    cwd: Path | None,
    env: Mapping[str, str] | None,
    stdin: int,
) -> asyncio.subprocess.Process:
    execution.check()
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=stdin,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=cwd,
        env=None if env is None else dict(env),
        start_new_session=True,
    )
    execution._add(proc.pid)
    return proc


async def run_tool(
    execution: Execution,
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> ToolResult:
    """Run a build tool, capture its output; ``Interrupted`` if the user interrupted meanwhile."""
    proc = await _spawn(execution, argv, cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL)
    try:
        out, err = await proc.communicate()
    finally:
        execution._discard(proc.pid)
    execution.check()
    assert proc.returncode is not None
    decode = lambda b: b.decode("utf-8", "replace")  # noqa: E731
    return ToolResult(proc.returncode, decode(out), decode(err))


async def run_program(
    execution: Execution,
    argv: Sequence[str],
    output: OutputBuffer,
    *,
    cwd: Path | None,
    env: Mapping[str, str] | None,
    read_input: ReadInput | None,
) -> int:
    """Run a program to its end, streaming its output; its return code (negative: killed by a signal).

    ``read_input`` asks the frontend for a line (None: end-of-file); without it stdin is /dev/null.
    """
    interactive = read_input is not None and _READ_SYSCALL is not None
    stdin = asyncio.subprocess.PIPE if interactive else asyncio.subprocess.DEVNULL
    proc = await _spawn(execution, argv, cwd=cwd, env=env, stdin=stdin)
    pgid = proc.pid
    assert proc.stdout is not None and proc.stderr is not None
    readers = [
        asyncio.ensure_future(_pump(proc.stdout, "stdout", output)),
        asyncio.ensure_future(_pump(proc.stderr, "stderr", output)),
    ]
    helpers = [asyncio.ensure_future(_flush_every(output))]
    if interactive:
        assert read_input is not None
        helpers.append(asyncio.ensure_future(_feed_stdin(proc, output, read_input, execution)))
    try:
        returncode = await proc.wait()
    finally:
        execution._discard(pgid)
        # A daemon that escaped the group may hold the pipes open: do not wait for it forever.
        _, stuck = await asyncio.wait(readers, timeout=2.0)
        for task in [*stuck, *helpers]:
            task.cancel()
        await asyncio.gather(*stuck, *helpers, return_exceptions=True)
        output.close()
    return returncode


async def _pump(stream: asyncio.StreamReader, name: str, output: OutputBuffer) -> None:
    while data := await stream.read(READ):
        output.feed(name, data)


async def _flush_every(output: OutputBuffer) -> None:
    while True:
        await asyncio.sleep(POLL)
        output.flush(timed=True)


def _waiting_on_stdin(pid: int) -> bool:
    """Is a thread of ``pid`` blocked in read(0, ...)?"""
    for path in glob.glob(f"/proc/{pid}/task/*/syscall"):
        try:
            with open(path) as f:
                fields = f.read().split(maxsplit=2)
        except OSError:
            continue
        if fields[:2] == [_READ_SYSCALL, "0x0"]:
            return True
    return False


def _unread(fd: int) -> int:
    buf = array.array("i", [0])
    try:
        fcntl.ioctl(fd, termios.FIONREAD, buf)
    except OSError:
        return 0
    return buf[0]


async def _feed_stdin(
    proc: asyncio.subprocess.Process,
    output: OutputBuffer,
    read_input: ReadInput,
    execution: Execution,
) -> None:
    assert proc.stdin is not None
    pipe = proc.stdin.get_extra_info("pipe")
    fd = pipe.fileno()
    stop = threading.Event()
    try:
        while proc.returncode is None and not execution.interrupted:
            await asyncio.sleep(POLL)
            if _unread(fd) or not _waiting_on_stdin(proc.pid):
                continue
            output.flush()
            answer = await _first(read_input(stop), proc, execution)
            if answer is None or proc.returncode is not None:
                proc.stdin.close()
                return
            proc.stdin.write(answer.encode("utf-8", "replace") + b"\n")
            await proc.stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        return
    finally:
        stop.set()


async def _first(
    answer: Awaitable[str | None], proc: asyncio.subprocess.Process, execution: Execution
) -> str | None:
    """The frontend's answer, or None as soon as the program ends or the cell is interrupted."""
    waiting = asyncio.ensure_future(answer)
    ended = asyncio.ensure_future(proc.wait())
    try:
        while not waiting.done():
            await asyncio.wait([waiting, ended], timeout=POLL, return_when=asyncio.FIRST_COMPLETED)
            if ended.done() or execution.interrupted:
                return None
        return waiting.result()
    finally:
        ended.cancel()

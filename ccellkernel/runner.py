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

from . import display
from .display import Display
from .errors import Interrupted
from .output import OutputBuffer
from .toolchain import ToolResult

GRACE = 1.0  # seconds between SIGINT and SIGKILL on interrupt
POLL = 0.05  # seconds between output flushes and stdin checks
READ = 1 << 16
DRAIN = 0.25  # seconds to wait for the pipes' end-of-file once the program has exited
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

    def track(self, pgid: int) -> None:
        """Interrupt ``pgid`` with this cell, but leave it alone when the cell ends (the live host)."""
        with self._lock:
            self._groups.add(pgid)
            late = self.interrupted
        if late:
            _signal_group(pgid, signal.SIGINT)

    def untrack(self, pgid: int) -> None:
        with self._lock:
            self._groups.discard(pgid)

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
    on_display: Callable[[Display], None] | None = None,
) -> int:
    """Run a program to its end, streaming its output; its return code (negative: killed by a signal).

    ``read_input`` asks the frontend for a line (None: end-of-file); without it stdin is /dev/null.
    With ``on_display`` the program gets the display side channel (``display.py``): each frame is
    handed over in order with the output, after everything printed before it has been sent.
    """
    interactive = read_input is not None and _READ_SYSCALL is not None
    stdin = asyncio.subprocess.PIPE if interactive else asyncio.subprocess.DEVNULL
    pipes = _Pipes(output, on_display)
    env = dict(env if env is not None else os.environ)
    if pipes.display_w is not None and pipes.ack_r is not None:
        env[display.ENV] = str(pipes.display_w)
        env[display.ACK_ENV] = str(pipes.ack_r)
    try:
        execution.check()
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=stdin,
            stdout=pipes.stdout_w,
            stderr=pipes.stderr_w,
            cwd=cwd,
            env=env,
            start_new_session=True,
            pass_fds=pipes.passed(),
        )
    except BaseException:
        pipes.close_write_ends()
        pipes.close()
        raise
    execution._add(proc.pid)
    pipes.close_write_ends()
    pgid = proc.pid
    pipes.start()
    helpers = [asyncio.ensure_future(flush_every(output))]
    if interactive:
        assert read_input is not None
        helpers.append(asyncio.ensure_future(_feed_stdin(proc, output, read_input, execution)))
    try:
        returncode = await proc.wait()
    finally:
        execution._discard(pgid)
        # Whatever is still in the pipes was written before the end; a process that escaped the
        # group may hold them open for ever, so wait for end-of-file only a moment.
        await pipes.finish(DRAIN)
        for task in helpers:
            task.cancel()
        await asyncio.gather(*helpers, return_exceptions=True)
        output.close()
    return returncode


class _Pipes:
    """A program's stdout, stderr and display channel, read as they fill, in the order they were written.

    The display channel's frames wait for what the program printed before them: when a frame is
    complete, stdout and stderr are drained first (the binding flushed them before writing the frame,
    so it is all in the pipes by then), and the output buffer is flushed.
    """

    def __init__(self, output: OutputBuffer, on_display: Callable[[Display], None] | None) -> None:
        self._output = output
        self._on_display = on_display
        self._frames = display.FrameReader(lambda text: output.notice(text))
        self._loop = asyncio.get_running_loop()
        self._read: dict[int, str] = {}
        self._eof = asyncio.Event()
        out_r, self.stdout_w = os.pipe2(os.O_CLOEXEC)
        err_r, self.stderr_w = os.pipe2(os.O_CLOEXEC)
        self._read[out_r] = "stdout"
        self._read[err_r] = "stderr"
        self.display_w: int | None = None
        self.ack_r: int | None = None
        self._ack_w: int | None = None
        if on_display is not None:
            disp_r, self.display_w = os.pipe2(os.O_CLOEXEC)
            self.ack_r, self._ack_w = os.pipe2(os.O_CLOEXEC)
            self._read[disp_r] = "display"
            os.set_blocking(self._ack_w, False)
        for fd in self._read:
            os.set_blocking(fd, False)

    def passed(self) -> tuple[int, ...]:
        return tuple(fd for fd in (self.display_w, self.ack_r) if fd is not None)

    def close_write_ends(self) -> None:
        """Close the program's ends (it has them now), so that its exit gives end-of-file."""
        for fd in (self.stdout_w, self.stderr_w, self.display_w, self.ack_r):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.display_w = self.ack_r = None

    def start(self) -> None:
        for fd in self._read:
            self._loop.add_reader(fd, self._readable, fd)

    def _readable(self, fd: int) -> None:
        name = self._read.get(fd)
        if name is None:
            return
        try:
            data = os.read(fd, READ)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._closed(fd)
            return
        if name == "display":
            self._frames_arrived(data)
        else:
            self._output.feed(name, data)

    def _frames_arrived(self, data: bytes) -> None:
        found = self._frames.feed(data)
        if found:
            self._drain_streams()
            self._output.flush()
            assert self._on_display is not None
            for item in found:
                self._on_display(item)
        self._acknowledge()

    def _acknowledge(self) -> None:
        """Let the binding go on: one byte per frame taken; end-of-file once frames are ignored."""
        if self._ack_w is None:
            return
        owed = self._frames.take_acks()
        try:
            if owed:
                os.write(self._ack_w, b"\x06" * owed)
        except OSError:
            pass  # nobody waits any more (the program closed its end)
        if self._frames.broken:
            self._close_acks()

    def _close_acks(self) -> None:
        if self._ack_w is not None:
            with contextlib.suppress(OSError):
                os.close(self._ack_w)
            self._ack_w = None

    def _drain_streams(self) -> None:
        for fd, name in list(self._read.items()):
            if name == "display":
                continue
            while fd in self._read:
                try:
                    data = os.read(fd, READ)
                except BlockingIOError:
                    break
                except OSError:
                    data = b""
                if not data:
                    self._closed(fd)
                    break
                self._output.feed(name, data)

    def _closed(self, fd: int) -> None:
        self._loop.remove_reader(fd)
        del self._read[fd]
        os.close(fd)
        if not self._read:
            self._eof.set()

    async def finish(self, timeout: float) -> None:
        """Read until every pipe is at end-of-file, for ``timeout`` seconds at most; then close them."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._eof.wait(), timeout)
        # Writers that outlive the program may still hold a pipe: take what is in it now.
        for fd, name in list(self._read.items()):
            while name == "display" and fd in self._read:
                try:
                    data = os.read(fd, READ)
                except BlockingIOError:
                    break
                except OSError:
                    data = b""
                if not data:
                    self._closed(fd)
                    break
                self._frames_arrived(data)
        self._drain_streams()
        self.close()

    def close(self) -> None:
        for fd in list(self._read):
            self._loop.remove_reader(fd)
            with contextlib.suppress(OSError):
                os.close(fd)
        self._read.clear()
        self._close_acks()


async def flush_every(output: OutputBuffer) -> None:
    while True:
        await asyncio.sleep(POLL)
        output.flush(timed=True)


def waiting_on_stdin(pid: int) -> bool:
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


def unread(fd: int) -> int:
    """How many bytes the pipe ``fd`` holds unread."""
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
            if unread(fd) or not waiting_on_stdin(proc.pid):
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

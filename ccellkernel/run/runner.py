"""Processes of a cell: compilers and programs, interruptible from any thread, limits enforced.

Every process starts through the kernel's supervisor (``processes.py``) as a *run*: the program and
everything it starts, children, ``setsid`` daemons and double forks included. A cell's program ends
when it exits itself (not when its pipes close); then every other process of its run is killed, and
what they wrote before is still read from the pipes and shown.

A program runs with its stdout/stderr on pipes read in large chunks (``OutputBuffer`` decodes and
caps them). Its stdin is either ``/dev/null`` (the frontend allows no input: the program reads
end-of-file) or a pipe fed on demand: when any process of the run blocks reading that pipe (Linux
``/proc/PID/task/TID/syscall``, its file descriptor checked against the pipe), and the pipe is
empty, the kernel asks the frontend for a line.

``Execution`` is one cell's process control. ``interrupt()`` may be called from any thread (the
control thread's ``interrupt_request``, or a SIGINT handler): it sends SIGINT to each program's
process group, then kills every process of the cell's runs after a grace period, and makes the cell
end with ``Interrupted``.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import fcntl
import os
import platform
import signal
import termios
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ccellkernel.api import display
from ccellkernel.api.display import Display
from ccellkernel.api.errors import CellError, Interrupted
from ccellkernel.api.toolchain import ToolResult
from ccellkernel.run.limits import Limits, exceeded
from ccellkernel.run.output import OutputBuffer
from ccellkernel.run.pipes import Frames, PipeReader
from ccellkernel.run.processes import Run, Supervisor

GRACE = 1.0  # seconds between SIGINT and SIGKILL on interrupt
POLL = 0.05  # seconds between output flushes and stdin checks
DRAIN = 0.25  # seconds to wait for the pipes' end-of-file once the run's processes are killed
INPUT_SCAN = 64  # processes of a run looked at for a read on stdin, each POLL
# read(2) and readv(2) in /proc/PID/task/TID/syscall; without /proc (not Linux) no input is offered
# and programs read end-of-file rather than wait on a pipe that nobody would fill.
_READ_SYSCALLS = {
    "x86_64": ("0", "19"),
    "amd64": ("0", "19"),
    "aarch64": ("63", "65"),
    "arm64": ("63", "65"),
    "riscv64": ("63", "65"),
}
_READ_SYSCALL = _READ_SYSCALLS.get(platform.machine().lower()) if os.path.isdir("/proc/self/task") else None
ReadInput = Callable[[threading.Event, str], Awaitable["str | None"]]  # (cancel, prompt) -> line


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


class Execution:
    """The runs of one cell, and whether the user interrupted it. Thread-safe."""

    def __init__(self, supervisor: Supervisor) -> None:
        self.supervisor = supervisor
        self._lock = threading.Lock()
        self._runs: set[Run] = set()
        self._groups: set[int] = set()  # process groups of a long-lived program running this cell
        self.interrupted = False
        self.cancelled = threading.Event()  # set on interrupt; pending input requests watch it

    def interrupt(self) -> None:
        with self._lock:
            self.interrupted = True
            runs = list(self._runs)
            groups = list(self._groups)
        self.cancelled.set()
        for run in runs:
            run.signal(signal.SIGINT)
        for pgid in groups:
            _signal_group(pgid, signal.SIGINT)
        if runs or groups:
            timer = threading.Timer(GRACE, self.kill)
            timer.daemon = True
            timer.start()

    def abort(self) -> None:
        """Like ``interrupt``, but kill at once (shutdown: nothing is waited for)."""
        with self._lock:
            self.interrupted = True
        self.cancelled.set()
        self.kill()

    def kill(self) -> None:
        """Kill every process of the cell's runs still running (interrupt grace over, or shutdown)."""
        with self._lock:
            runs = list(self._runs)
            groups = list(self._groups)
        for run in runs:
            run.end()
        for pgid in groups:
            _signal_group(pgid, signal.SIGKILL)

    def track(self, pgid: int) -> None:
        """Interrupt (and after the grace, kill) the process group ``pgid`` with this cell, but leave
        it alone when the cell ends: the live program's host, which is a run of its own."""
        with self._lock:
            self._groups.add(pgid)
            late = self.interrupted
        if late:
            _signal_group(pgid, signal.SIGINT)

    def untrack(self, pgid: int) -> None:
        with self._lock:
            self._groups.discard(pgid)

    def check(self) -> None:
        if self.interrupted:
            raise Interrupted()

    async def start(self, argv: Sequence[str], **kwargs) -> Run:  # type: ignore[no-untyped-def]
        """Start a run of this cell (``Supervisor.spawn``'s arguments)."""
        self.check()
        run = await self.supervisor.spawn(argv, follow=True, **kwargs)
        with self._lock:
            self._runs.add(run)
            late = self.interrupted
        if late:
            run.end()
        return run

    def adopt(self, run: Run) -> None:
        """Make ``run``, started before this cell (a build begun ahead), one of the cell's: an
        interrupt stops it. ``release`` it once the cell is done with it."""
        with self._lock:
            self._runs.add(run)
            late = self.interrupted
        if late:
            run.signal(signal.SIGINT)

    def release(self, run: Run) -> None:
        self._discard(run)

    def _discard(self, run: Run) -> None:
        with self._lock:
            self._runs.discard(run)


@dataclass(frozen=True)
class Ended:
    """How a program run ended: its return code (negative: a signal), and the limit it went over."""

    returncode: int
    limit: CellError | None = None


async def run_tool(
    execution: Execution,
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    limits: Limits | None = None,
    progress: Callable[[bytes], None] | None = None,
) -> ToolResult:
    """Run a build tool, capture its output; ``Interrupted`` if the user interrupted meanwhile.
    ``limits``: the run's (one it goes over raises ``LimitExceeded``); ``progress`` is handed its
    stderr as it comes, as well."""
    out = Capture(progress)
    try:
        run = await execution.start(
            argv,
            cwd=cwd,
            env=env,
            stdout=out.stdout_w,
            stderr=out.stderr_w,
            limits=limits,
            label=os.path.basename(argv[0]),
        )
    except BaseException:
        out.close()
        raise
    out.start()
    return await tool_result(run, out, execution, limits)


async def tool_result(
    run: Run, out: Capture, execution: Execution | None, limits: Limits | None = None
) -> ToolResult:
    """Wait for a tool's run to end, end what is left of it and read its output (``out`` started).
    ``execution``: the cell's, which holds the run until then (an interrupt stops it); it says
    ``Interrupted`` if the user interrupted meanwhile. ``limits``: the run's, whose limit it went
    over is raised (``LimitExceeded``)."""
    try:
        exit = await run.wait()
    finally:
        await run.end_async()
        run.hand_over()
        if execution is not None:
            execution.release(run)
        stdout, stderr = await out.finish(DRAIN)
    if execution is not None:
        execution.check()
    if limits is not None and (hit := run.limit_hit(exit)) is not None:
        raise exceeded(hit, limits)
    decode = lambda b: b.decode("utf-8", "replace")  # noqa: E731
    return ToolResult(exit.returncode, decode(stdout), decode(stderr))


async def run_program(
    execution: Execution,
    argv: Sequence[str],
    output: OutputBuffer,
    *,
    cwd: Path | None,
    env: Mapping[str, str] | None,
    read_input: ReadInput | None,
    on_display: Callable[[Display], None] | None = None,
    limits: Limits | None = None,
    stdin_file: Path | None = None,
) -> Ended:
    """Run a program to its own end, streaming its output; then end every process it started.

    ``read_input`` asks the frontend for a line (None: end-of-file); without it stdin is /dev/null.
    ``stdin_file``: the program reads this file as its stdin instead (``%%script``).
    With ``on_display`` the program gets the display side channel (``api/display.py``): each frame is
    handed over in order with the output, after everything printed before it has been sent.
    """
    interactive = read_input is not None and _READ_SYSCALL is not None and stdin_file is None
    pipes = _Pipes(output, on_display)
    stdin = _Stdin() if interactive else None
    output.prompting = interactive  # what it prints before it reads becomes the input's prompt
    given = os.open(stdin_file, os.O_RDONLY | os.O_CLOEXEC) if stdin_file is not None else None
    env = dict(env if env is not None else os.environ)
    if pipes.display_w is not None and pipes.ack_r is not None:
        env[display.ENV] = str(pipes.display_w)
        env[display.ACK_ENV] = str(pipes.ack_r)
    try:
        run = await execution.start(
            argv,
            cwd=cwd,
            env=env,
            stdin=given if stdin is None else stdin.read_end,
            stdout=pipes.stdout_w,
            stderr=pipes.stderr_w,
            pass_fds=pipes.passed(),
            limits=limits,
            label=os.path.basename(argv[0]),
        )
    except BaseException:
        pipes.close_write_ends()
        pipes.close()
        if stdin is not None:
            stdin.close()
        raise
    finally:
        if given is not None:
            os.close(given)  # the program has its own copy
    if stdin is not None:
        stdin.close_read_end()
    pipes.close_write_ends()
    pipes.start()
    helpers = [asyncio.ensure_future(flush_every(output))]
    if stdin is not None:
        assert read_input is not None
        helpers.append(asyncio.ensure_future(_feed_stdin(run, stdin, output, read_input, execution)))
    try:
        exit = await run.wait()
    finally:
        # The program is over: whatever else it started goes with it. What they wrote before is in
        # the pipes; once they are dead the pipes give end-of-file (kept processes may hold them:
        # wait only a moment).
        await run.end_async()
        run.hand_over()
        execution._discard(run)
        await pipes.finish(DRAIN)
        for task in helpers:
            task.cancel()
        await asyncio.gather(*helpers, return_exceptions=True)
        if stdin is not None:
            stdin.close()
        output.close()
    hit = run.limit_hit(exit)
    return Ended(exit.returncode, None if hit is None or limits is None else exceeded(hit, limits))


class _Stdin:
    """The stdin pipe of an interactive run: the program's read end until it has it, our write end."""

    def __init__(self) -> None:
        read_end, write_end = os.pipe2(os.O_CLOEXEC)
        self.read_end: int | None = read_end
        self.write_end: int | None = write_end
        os.set_blocking(write_end, False)
        self.inode = os.fstat(write_end).st_ino

    def close_read_end(self) -> None:
        if self.read_end is not None:
            os.close(self.read_end)
            self.read_end = None

    def close(self) -> None:
        """Close both ends (the write end's close is the program's end-of-file). Idempotent."""
        self.close_read_end()
        if self.write_end is not None:
            os.close(self.write_end)
            self.write_end = None


class Capture:
    """A tool's stdout and stderr, read whole (in the event loop that made it); ``progress`` is handed
    the stderr as it comes, too."""

    def __init__(self, progress: Callable[[bytes], None] | None = None) -> None:
        out_r, self.stdout_w = os.pipe2(os.O_CLOEXEC)
        err_r, self.stderr_w = os.pipe2(os.O_CLOEXEC)
        self._ends = {"stdout": out_r, "stderr": err_r}
        self._data = {"stdout": bytearray(), "stderr": bytearray()}
        self._progress = progress
        self._pipes = PipeReader(self._read)

    def _read(self, name: str, data: bytes) -> None:
        self._data[name].extend(data)
        if self._progress is not None and name == "stderr":
            self._progress(data)

    def start(self) -> None:
        self._close_write_ends()
        for name, fd in self._ends.items():
            self._pipes.add(fd, name)
        self._ends = {}

    async def finish(self, timeout: float) -> tuple[bytes, bytes]:
        await self._pipes.wait(timeout)
        self._pipes.drain("stdout", "stderr")
        self.close()
        return bytes(self._data["stdout"]), bytes(self._data["stderr"])

    def _close_write_ends(self) -> None:
        for fd in (self.stdout_w, self.stderr_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.stdout_w = self.stderr_w = -1

    def close(self) -> None:
        self._close_write_ends()
        for fd in self._ends.values():  # never started: the read ends are still ours alone
            with contextlib.suppress(OSError):
                os.close(fd)
        self._ends = {}
        self._pipes.close()


class _Pipes:
    """A program's stdout, stderr and display channel, read as they fill, in the order they were written.

    The display channel's frames wait for what the program printed before them: when a frame is
    complete, stdout and stderr are drained first (the binding flushed them before writing the frame,
    so it is all in the pipes by then), and the output buffer is flushed.
    """

    def __init__(self, output: OutputBuffer, on_display: Callable[[Display], None] | None) -> None:
        self._output = output
        self._pipes = PipeReader(self._arrived)
        out_r, self.stdout_w = os.pipe2(os.O_CLOEXEC)
        err_r, self.stderr_w = os.pipe2(os.O_CLOEXEC)
        self._ends = {out_r: "stdout", err_r: "stderr"}
        self.display_w: int | None = None
        self.ack_r: int | None = None
        self._frames: Frames | None = None
        if on_display is not None:
            disp_r, self.display_w = os.pipe2(os.O_CLOEXEC)
            self.ack_r, ack_w = os.pipe2(os.O_CLOEXEC)
            self._ends[disp_r] = "display"
            self._frames = Frames(
                output.notice, ack_w, self._text_first, on_display, end_acks_when_broken=True
            )

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
        for fd, name in self._ends.items():
            self._pipes.add(fd, name)
        self._ends = {}

    def _arrived(self, name: str, data: bytes) -> None:
        if name == "display":
            assert self._frames is not None
            self._frames.arrived(data)
        else:
            self._output.feed(name, data)

    def _text_first(self) -> None:
        """Before displays: what the program printed before them (the binding flushed it)."""
        self._pipes.drain("stdout", "stderr")
        self._output.flush()

    async def finish(self, timeout: float) -> None:
        """Read until every pipe is at end-of-file, for ``timeout`` seconds at most; then close them."""
        await self._pipes.wait(timeout)
        # Writers that outlive the program may still hold a pipe: take what is in it now.
        self._pipes.drain("display", "stdout", "stderr")
        self.close()

    def close(self) -> None:
        for fd in self._ends:  # never started
            with contextlib.suppress(OSError):
                os.close(fd)
        self._ends = {}
        self._pipes.close()
        if self._frames is not None:
            self._frames.close()


async def flush_every(output: OutputBuffer) -> None:
    while True:
        await asyncio.sleep(POLL)
        output.flush(timed=True)


def reading_pipe(pid: int, inode: int) -> bool:
    """Is a thread of ``pid`` blocked reading the pipe (or FIFO) ``inode``, through any descriptor?"""
    assert _READ_SYSCALL is not None
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/syscall") as f:
                fields = f.read().split(maxsplit=2)
        except OSError:
            continue
        if len(fields) < 2 or fields[0] not in _READ_SYSCALL:
            continue
        try:  # the descriptor's file: an anonymous pipe, or a named one (the live program's stdin)
            if os.stat(f"/proc/{pid}/fd/{int(fields[1], 16)}").st_ino == inode:
                return True
        except (OSError, ValueError):
            continue
    return False


def _waiting_on(run: Run, inode: int) -> bool:
    """Whether any process of the run (the program first) blocks reading the stdin pipe."""
    pids = [run.pid, *(p for p in run.members() if p != run.pid)][:INPUT_SCAN]
    return any(reading_pipe(pid, inode) for pid in pids)


def unread(fd: int) -> int:
    """How many bytes the pipe ``fd`` holds unread."""
    buf = array.array("i", [0])
    try:
        fcntl.ioctl(fd, termios.FIONREAD, buf)
    except OSError:
        return 0
    return buf[0]


async def _feed_stdin(
    run: Run,
    stdin: _Stdin,
    output: OutputBuffer,
    read_input: ReadInput,
    execution: Execution,
) -> None:
    stop = threading.Event()
    ended = asyncio.ensure_future(run.wait())
    try:
        while not ended.done() and not execution.interrupted and stdin.write_end is not None:
            await asyncio.wait([ended], timeout=POLL)
            if ended.done() or unread(stdin.write_end) or not _waiting_on(run, stdin.inode):
                continue
            prompt = output.take_prompt()
            answer = await _first(read_input(stop, prompt), ended, execution)
            if answer is None or ended.done():
                output.give_back(prompt)
                stdin.close()  # end-of-file for whoever reads it
                return
            data = answer.encode("utf-8", "replace") + b"\n"
            while data and stdin.write_end is not None:
                try:
                    data = data[os.write(stdin.write_end, data) :]
                except BlockingIOError:
                    await asyncio.sleep(POLL)
    except (BrokenPipeError, ConnectionResetError):
        return
    finally:
        stop.set()
        ended.cancel()


async def _first(
    answer: Awaitable[str | None], ended: asyncio.Future[object], execution: Execution
) -> str | None:
    """The frontend's answer, or None as soon as the program ends or the cell is interrupted."""
    waiting = asyncio.ensure_future(answer)
    while not waiting.done():
        await asyncio.wait([waiting, ended], timeout=POLL, return_when=asyncio.FIRST_COMPLETED)
        if ended.done() or execution.interrupted:
            waiting.cancel()
            return None
    return waiting.result()

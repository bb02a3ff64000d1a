"""The live program's host process, from the kernel's side: its pipes, its answers, its deaths.

``live_host.c`` is the host. The kernel starts its *supervisor* in a session of its own, with
stdout, stderr, stdin, the display channel (``api/display.py``: the host answers each command with a frame
of kind ``answer``), a command pipe and a status pipe (the supervisor writes ``exit PID WSTATUS`` when
a host dies). ``Host`` reads all of them all the time, so a program's threads never block on a full
pipe between cells.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ccellkernel.api import display
from ccellkernel.api.display import Display
from ccellkernel.run.limits import Limits
from ccellkernel.run.output import OutputBuffer
from ccellkernel.run.pipes import Frames, PipeReader
from ccellkernel.run.processes import Run, Supervisor
from ccellkernel.run.runner import reading_pipe
from ccellkernel.run.supervisor import descendants

FIELD = "\x1f"
START_TIMEOUT = 30.0  # seconds for a new host to say it is ready
RESUME_TIMEOUT = 10.0  # seconds for the checkpoint to take over after the host died


class HostDied(Exception):
    """The live host died while it carried out a command."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status  # a wait status


class Host:
    """The live host: its supervisor process, the pipes, the answers and the deaths.

    stdout and stderr are read all the time: during a cell into the cell's ``OutputBuffer``
    (``attach``), between cells into ``background`` (what threads print then goes to the last cell).
    """

    def __init__(self, background: Callable[[str, str], None], folder: Path) -> None:
        self._background = background
        self._folder = folder  # for the cells' stdin pipes
        self._fifos = 0
        self._answers: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._deaths: asyncio.Queue[int] = asyncio.Queue()
        self._pipes = PipeReader(self._arrived, self._ended)
        self._output: OutputBuffer | None = None
        self._on_display: Callable[[Display], None] | None = None
        self._frames: Frames | None = None  # the display channel's, once started
        self._status = b""
        self.run: Run | None = None  # the live program: a run of the kernel's supervisor
        self.pid = 0  # the process that is the host now
        self.checkpoint = 0
        self.peak = 0  # the largest resident size of the host that died last, bytes
        self.environ: Mapping[str, str] = {}  # what the host's environment is (``%env`` changes it)
        self._resumed: int | None = None  # the checkpoint that took over, once it says so

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop that reads the host's pipes (the one that made it)."""
        return self._pipes.loop

    async def start(
        self,
        supervisor: Supervisor,
        argv: Sequence[str],
        cwd: Path,
        env: Mapping[str, str],
        limits: Limits | None = None,
    ) -> None:
        """Start the live program as one run of ``supervisor`` (its keeper adopts what it orphans,
        and ends it all if the kernel dies), held to ``limits`` as a whole (memory, processes)."""
        def pipe() -> tuple[int, int]:
            r, w = os.pipe2(os.O_CLOEXEC)
            return r, w

        out_r, out_w = pipe()
        err_r, err_w = pipe()
        frames_r, frames_w = pipe()
        acks_r, acks_w = pipe()
        commands_r, self._commands_w = pipe()
        status_r, status_w = pipe()
        in_r = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)  # each cell gets its own (``fifo``)
        env = {
            **env,
            display.ENV: str(frames_w),
            display.ACK_ENV: str(acks_r),
            "CCELL_HOST_COMMANDS": str(commands_r),
            "CCELL_HOST_STATUS": str(status_w),
        }
        theirs = (out_w, err_w, frames_w, acks_r, commands_r, status_w, in_r)
        self._folder.mkdir(parents=True, exist_ok=True)
        try:
            self.run = await supervisor.spawn(
                argv,
                cwd=cwd,
                env=env,
                stdin=in_r,
                stdout=out_w,
                stderr=err_w,
                pass_fds=(frames_w, acks_r, commands_r, status_w),
                limits=limits,
                label="the live program",
            )
        finally:
            for fd in theirs:
                os.close(fd)
        # the host's channel lives as long as the live program: its acknowledgements end in close()
        self._frames = Frames(
            self._notice, acks_w, self._text_first, self._deliver, end_acks_when_broken=False
        )
        for fd, name in ((out_r, "stdout"), (err_r, "stderr"), (frames_r, "frames"), (status_r, "status")):
            self._pipes.add(fd, name)
        answer, text = await asyncio.wait_for(self.answer(), START_TIMEOUT)
        words = text.split()
        if answer != "ok" or words[:1] != ["ready"] or len(words) != 2:
            raise RuntimeError(f"the host did not start ({answer} {text})")
        self.pid = int(words[1])

    # -- reading -----------------------------------------------------------------------------------

    def _arrived(self, name: str, data: bytes) -> None:
        if name == "frames":
            assert self._frames is not None
            self._frames.arrived(data)
        elif name == "status":
            self._status += data
            *lines, self._status = self._status.split(b"\n")
            for line in lines:
                words = line.split()
                if len(words) >= 3 and words[0] == b"exit" and int(words[1]) == self.pid:
                    self.peak = int(words[3]) * 1024 if len(words) > 3 else 0
                    self._deaths.put_nowait(int(words[2]))
        else:
            self._feed(name, data)

    def _ended(self, name: str) -> None:
        if name == "status":
            self._deaths.put_nowait(-1)  # the supervisor is gone

    def _feed(self, name: str, data: bytes) -> None:
        if self._output is not None:
            self._output.feed(name, data)
        else:
            self._background(name, data.decode("utf-8", "replace"))

    def _text_first(self) -> None:
        """Before frames: what the host printed before them (it flushed them before it answered)."""
        self.drain_streams()
        if self._output is not None:
            self._output.flush()

    def _deliver(self, item: Display) -> None:
        if item.kind == "answer":
            self._answers.put_nowait((item.display_id, item.raw.decode("utf-8", "replace")))
        elif self._on_display is not None:
            self._on_display(item)

    def drain_streams(self) -> None:
        """Take in what stdout and stderr hold now (the host flushed them before it answered)."""
        self._pipes.drain("stdout", "stderr")

    def drain(self) -> None:
        """Everything the pipes hold now: frames (in order with the text before them), then text."""
        self._pipes.drain("frames", "stdout", "stderr")

    def _notice(self, text: str) -> None:
        if self._output is not None:
            self._output.notice(text)

    # -- a cell ------------------------------------------------------------------------------------

    def attach(self, output: OutputBuffer, on_display: Callable[[Display], None]) -> None:
        self._output, self._on_display = output, on_display

    def detach(self) -> None:
        self.drain()
        if self._output is not None:
            self._output.close()
        self._output, self._on_display = None, None

    async def send(self, command: str, *words: str) -> tuple[str, str]:
        """Carry out one command (its words apart by ``FIELD``); its answer. ``HostDied`` if the host
        dies first."""
        text = f"{command} {FIELD.join(words)}" if words else command
        line = text.encode("utf-8", "surrogateescape") + b"\n"
        try:
            os.write(self._commands_w, line)  # short lines: a pipe takes them whole
        except OSError as err:
            raise HostDied(-1) from err
        return await self.answer()

    async def answer(self) -> tuple[str, str]:
        """The host's next answer; ``HostDied`` (with its wait status) if it died instead."""
        answer = asyncio.ensure_future(self._answers.get())
        death = asyncio.ensure_future(self._deaths.get())
        try:
            done, _ = await asyncio.wait({answer, death}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (answer, death):
                task.cancel()
        if answer in done:
            if death in done:
                self._deaths.put_nowait(death.result())
            word, text = answer.result()
            if word != "resumed":
                return word, text
            # the checkpoint took over before the supervisor's word of the death came in
            self._resumed = int(text) if text.strip().isdigit() else 0
            status = await self._death_status()
            raise HostDied(status)
        raise HostDied(death.result())

    async def _death_status(self) -> int:
        try:
            return await asyncio.wait_for(self._deaths.get(), RESUME_TIMEOUT)
        except asyncio.TimeoutError:
            return -1

    async def resumed(self) -> bool:
        """After the host died: whether the checkpoint took over (it answers "resumed PID")."""
        if self._resumed is None:
            if self.checkpoint <= 0:
                return False
            try:
                word, text = await asyncio.wait_for(self._answers.get(), RESUME_TIMEOUT)
            except asyncio.TimeoutError:
                return False
            self._resumed = int(text) if word == "resumed" and text.strip().isdigit() else 0
        pid, self._resumed = self._resumed, None
        if not pid:
            return False
        self.pid, self.checkpoint = pid, 0
        while not self._deaths.empty():  # the old host's death, told twice
            self._deaths.get_nowait()
        return True

    def alive(self) -> bool:
        """Whether the host is there to take commands (it may have died between cells)."""
        run = self.run
        if run is None or run.exit_of(run.pid) is not None or not self._deaths.empty():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def fifo(self) -> Fifo:
        """A new stdin for a cell: the host reopens its standard input on it (command ``stdin``)."""
        self._fifos += 1
        return Fifo(self._folder / f"stdin-{self._fifos}")

    # -- processes ----------------------------------------------------------------------------------

    def waiting_on_stdin(self, fifo: Fifo) -> bool:
        """Whether a thread of the host, or of a process below it, blocks reading ``fifo``."""
        return any(reading_pipe(pid, fifo.inode) for pid in [self.pid, *self.others()])

    def others(self) -> list[int]:
        """Processes below the supervisor but the host and its checkpoint (a cell's children)."""
        if self.run is None:
            return []
        keep = {self.pid, self.checkpoint}
        return [p for p in descendants(self.run.pid) if p not in keep]

    def end_others(self) -> None:
        """End the processes a cell started (the supervisor reaps them)."""
        for pid in self.others():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    def kill_host(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)

    def close(self) -> None:
        if self.run is not None:
            self.run.close()  # every process of the live program, checkpoint included
        self._pipes.close()
        if self._frames is not None:
            self._frames.close()
        with contextlib.suppress(OSError):
            os.close(self._commands_w)


class Fifo:
    """A named pipe a cell reads as its stdin; the kernel holds it open for reading and writing, so
    that the host's open does not wait, and closes it for end-of-file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        os.mkfifo(path, 0o600)
        self.fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
        self.inode = os.fstat(self.fd).st_ino
        self.closed = False

    def write(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            os.set_blocking(self.fd, True)
            os.write(self.fd, data)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.path.unlink(missing_ok=True)

"""Builds begun ahead: a compiler started between cells on what the next cell's source begins with.

Most cells add statements and nothing else, so the next cell's unit of the live program begins, to
the byte, with what this one's did: the includes, the macros, the types. Reading those (the
system's headers) is most of what compiling a small cell costs. So between cells the live program
asks its toolchain (``Support.prepare``) for that beginning, and the toolchain starts its compiler
on it here (``Ahead.start``): the compiler reads the headers, then waits for the rest of its source
on its standard input (``toolkit/gnu.py`` includes ``/proc/self/fd/0`` at the end of the beginning). When
the next cell's source begins with that text, its build sends the rest down the pipe and waits only
for the compiler to finish (``Ahead.finish``): the cell's own code, code generation and the link.
A cell that adds an include still begins with the old ones (they come first), so it gains too.

A build begun ahead gives the program a usual build would give, or it is not used. It is keyed by
everything its command depends on (the toolchain's key: the command, the beginning's text; and the
kernel's environment); a cell whose key differs kills it and builds as usual, and so does a cell
after a watched directory (the notebook's folder, the include directories) changed, or when the
compiler failed or a warning names the files of the build begun ahead, so that messages read as a
usual build's (``gnu.finish_ahead``). A header that the build read and that changed after the
compiler started is caught by ``Begun.unchanged``.

The compiler is a run of the supervisor like every tool: in the kernel's process group, interrupted
with the cell that finishes it (``Execution.adopt``), ended with the kernel. It never blocks a cell:
starting it happens after the cell's reply, and a cell that does not use it only kills it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import shutil
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ccellkernel.api.build import Begun
from ccellkernel.run.runner import Capture, tool_result

if TYPE_CHECKING:
    from ccellkernel.run.processes import Run, Supervisor
    from ccellkernel.run.runner import Execution



@dataclass
class _Started:
    key: str
    prefix: str
    run: Run
    stdin: int  # the write end of the tool's standard input
    out: Capture
    folder: Path
    since_ns: int
    watched: tuple[tuple[str, int], ...]  # (directory, its modification time) at the start
    loop: asyncio.AbstractEventLoop


class Ahead:
    """The one build begun ahead of a session (at most one waits at a time). Used from the event
    loop that runs the cells; nothing of it runs in the background but the tool itself."""

    def __init__(
        self,
        supervisor: Supervisor,
        root: Path,
        *,
        execution: Callable[[], Execution | None] = lambda: None,
        counted: Callable[[], None] = lambda: None,
    ) -> None:
        self._supervisor = supervisor
        self._root = root
        self._execution = execution  # the running cell's: an interrupt stops the build it finishes
        self._counted = counted
        self._current: _Started | None = None
        self._finishing: set[Path] = set()
        self._made = 0
        self.taken = 0  # builds finished from one begun ahead and used, in this cell (``gnu.finish_ahead``)

    def holds(self, key: str) -> bool:
        """Whether a build begun ahead with ``key`` waits now (starting it again would change nothing)."""
        current = self._current
        return current is not None and current.key == self._full_key(key) and not current.run.finished

    def prefix(self) -> str | None:
        """What the build that waits was begun with (``start``'s ``prefix``); None when none waits."""
        return self._current.prefix if self._current is not None else None

    def folder(self) -> Path:
        """A new empty folder for the next start's files (the folders of earlier starts are removed,
        but for one whose build a cell finishes now: ``finish`` to ``finished``)."""
        self.cancel()
        with contextlib.suppress(OSError):
            for old in self._root.iterdir():
                if old not in self._finishing:
                    shutil.rmtree(old, ignore_errors=True)
        self._made += 1
        folder = self._root / str(self._made)
        folder.mkdir(parents=True, mode=0o700)
        return folder

    def start(
        self,
        key: str,
        argv: Sequence[str],
        *,
        folder: Path,
        cwd: Path,
        prefix: str = "",
        watch: Sequence[Path] = (),
    ) -> None:
        """Start ``argv`` (on files in ``folder``, run in ``cwd``), its standard input a pipe held open
        until ``finish``; what waited before is killed. ``prefix``: the part of the source it was
        begun with (the toolchain's, for ``prefix()``). ``watch``: directories whose change spoils it
        (a new header there could be found before the one it read). Returns at once."""
        self.cancel()
        since = time.time_ns()
        watched = tuple((str(d), _mtime(d)) for d in watch)
        read, write = os.pipe2(os.O_CLOEXEC)
        out = Capture()
        try:
            run = self._supervisor.spawn_nowait(
                argv,
                cwd=cwd,
                stdin=read,
                stdout=out.stdout_w,
                stderr=out.stderr_w,
                label="ahead",
                follow=True,
            )
        except (OSError, RuntimeError):  # it did not start: the next cell builds as usual
            out.close()
            os.close(write)
            return
        finally:
            os.close(read)
        out.start()
        os.set_blocking(write, False)
        key = self._full_key(key)
        loop = asyncio.get_running_loop()
        self._current = _Started(key, prefix, run, write, out, folder, since, watched, loop)

    async def finish(self, key: str, rest: bytes) -> Begun | None:
        """Send ``rest`` to the build begun with ``key`` and wait for it. None (and the build is
        killed) when none with that key waits, or when what it depends on changed: then the caller
        builds as usual. ``Interrupted`` if the user interrupts meanwhile."""
        current, self._current = self._current, None
        if current is None:
            return None
        self._finishing.add(current.folder)  # the next start may come before the caller is done
        try:
            begun = await self._finish(current, key, rest)
        except BaseException:
            self._finishing.discard(current.folder)
            raise
        if begun is None:
            self._finishing.discard(current.folder)
        return begun

    async def _finish(self, current: _Started, key: str, rest: bytes) -> Begun | None:
        if (
            current.key != self._full_key(key)
            or current.loop is not asyncio.get_running_loop()
            or current.run.finished
            or any(_mtime(Path(d)) != mtime for d, mtime in current.watched)
        ):
            _end(current)
            return None
        try:
            await current.run.started()
        except OSError:
            _end(current)
            return None
        self._counted()
        execution = self._execution()
        if execution is not None:
            execution.adopt(current.run)
        try:
            await _write_all(current.stdin, rest)
        except OSError:
            pass  # the tool is gone: its exit says so
        finally:
            os.close(current.stdin)
        result = await tool_result(current.run, current.out, execution)
        return Begun(result, current.folder, current.since_ns)

    def finished(self, folder: Path) -> None:
        """The caller of ``finish`` has taken what it keeps from ``folder``: the next start removes it."""
        self._finishing.discard(folder)

    def cancel(self) -> None:
        """Kill what waits (it would build the wrong program)."""
        current, self._current = self._current, None
        if current is not None:
            _end(current)

    def close(self) -> None:
        self.cancel()
        shutil.rmtree(self._root, ignore_errors=True)

    @staticmethod
    def _full_key(key: str) -> str:
        """The toolchain's key and the kernel's environment, which the tool runs with."""
        env = "\0".join(f"{k}={v}" for k, v in sorted(os.environ.items()))
        return hashlib.sha256(f"{key}\0{env}".encode("utf-8", "surrogateescape")).hexdigest()


def _end(started: _Started) -> None:
    """Kill a build begun ahead: its tools are one process group (a compiler driver and what it
    runs); the supervisor's keeper reaps them, and its thread reads the rest of the run's news."""
    with contextlib.suppress(OSError):
        os.close(started.stdin)
    started.run.signal(signal.SIGKILL)
    started.out.close()
    started.run.hand_over()


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


async def _write_all(fd: int, data: bytes) -> None:
    """Write ``data`` to the non-blocking pipe ``fd`` without blocking the event loop."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            await _writable(fd)


async def _writable(fd: int) -> None:
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    loop.add_writer(fd, lambda: ready.done() or ready.set_result(None))
    try:
        await ready
    finally:
        loop.remove_writer(fd)

"""Pipes read as they fill, in the event loop: one reader for a program's pipes (``runner``), a tool's
(``runner.Capture``) and the live program's host (``live.host``), and one taker of display frames for
the program's and the host's display channel.

Each pipe is read under a name (``stdout``, ``stderr``, ``display``...) in large chunks as soon as it
has data, so a program never blocks on a full pipe; ``drain`` takes what some of them hold now. A pipe
at end-of-file is closed at once. ``Frames`` takes the display channel's frames in order with the text
(``api/display.py``): before it passes on the frames a read completed, the text printed before them is
drained from stdout and stderr; then it acknowledges each frame, for the binding waits for that.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable

from ccellkernel.api import display
from ccellkernel.api.display import Display

READ = 1 << 16  # bytes a read takes at most


class PipeReader:
    """Named pipes read in the running event loop: each chunk goes to ``on_data(name, data)``; a pipe at
    end-of-file is closed and ``on_end(name)`` told; ``ended`` is set once every pipe has ended."""

    def __init__(
        self, on_data: Callable[[str, bytes], None], on_end: Callable[[str], None] = lambda name: None
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self._on_data = on_data
        self._on_end = on_end
        self._names: dict[int, str] = {}
        self.ended = asyncio.Event()

    def add(self, fd: int, name: str) -> None:
        """Read ``fd`` (the read end of a pipe, now ours to close) from now on, as ``name``."""
        os.set_blocking(fd, False)
        self._names[fd] = name
        self.loop.add_reader(fd, self.read_once, fd)

    def read_once(self, fd: int) -> bool:
        """One read of what ``fd`` holds now, passed on; whether there was any."""
        name = self._names.get(fd)
        if name is None:
            return False
        try:
            data = os.read(fd, READ)
        except BlockingIOError:
            return False
        except OSError:
            data = b""
        if not data:
            self._end(fd)
            return False
        self._on_data(name, data)
        return True

    def drain(self, *names: str) -> None:
        """Take everything the pipes called ``names`` hold now, in that order."""
        for wanted in names:
            for fd, name in list(self._names.items()):
                if name == wanted:
                    while self.read_once(fd):
                        pass

    def reading(self, name: str) -> bool:
        """Whether a pipe called ``name`` is still read (not at end-of-file)."""
        return name in self._names.values()

    async def wait(self, timeout: float) -> None:
        """Until every pipe has ended, for ``timeout`` seconds at most."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.ended.wait(), timeout)

    def _end(self, fd: int) -> None:
        self.loop.remove_reader(fd)
        name = self._names.pop(fd)
        with contextlib.suppress(OSError):
            os.close(fd)
        self._on_end(name)
        if not self._names:
            self.ended.set()

    def close(self) -> None:
        """Stop reading and close every pipe still open. Idempotent."""
        for fd in list(self._names):
            self.loop.remove_reader(fd)
            with contextlib.suppress(OSError):
                os.close(fd)
        self._names.clear()


class Frames:
    """A display channel's frames as they are read (``arrived``): the frames a read completes go to
    ``deliver`` after ``before`` has taken in the text printed before them; each frame taken is
    acknowledged with one byte on ``acks``. ``end_acks_when_broken``: close ``acks`` once the channel
    is found garbled, so a binding waiting for an acknowledgement stops waiting."""

    def __init__(
        self,
        notice: Callable[[str], None],
        acks: int,
        before: Callable[[], None],
        deliver: Callable[[Display], None],
        *,
        end_acks_when_broken: bool,
    ) -> None:
        self.reader = display.FrameReader(notice)
        self._acks: int | None = acks
        os.set_blocking(acks, False)
        self._before = before
        self._deliver = deliver
        self._end_acks_when_broken = end_acks_when_broken

    def arrived(self, data: bytes) -> None:
        found = self.reader.feed(data)
        if found:
            self._before()
        for item in found:
            self._deliver(item)
        if self._acks is None:
            return
        owed = self.reader.take_acks()
        with contextlib.suppress(OSError):  # nobody waits any more (the program closed its end)
            if owed:
                os.write(self._acks, b"\x06" * owed)
        if self.reader.broken and self._end_acks_when_broken:
            self.close()

    def close(self) -> None:
        """Close the acknowledgements' pipe (its end-of-file tells the binding to stop waiting)."""
        if self._acks is not None:
            with contextlib.suppress(OSError):
                os.close(self._acks)
            self._acks = None

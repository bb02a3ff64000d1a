"""Running cells through a real Session in-process, numbered like a notebook (no Jupyter)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from ccellkernel.api.display import Display
from ccellkernel.api.errors import CellError
from ccellkernel.api.memory import Memory
from ccellkernel.notebook.session import Session


class ListIO:
    """A CellIO that keeps what a cell printed, and answers input from a list (None: EOF)."""

    def __init__(self, answers: list[str] | None = None) -> None:
        self.allow_stdin = answers is not None
        self.answers = list(answers or [])
        self.prompts: list[str] = []  # what each read_input was asked with
        self.streams: list[tuple[str, str]] = []
        self.displays: list[Display] = []
        self.events: list[tuple[str, object]] = []  # streams and displays, in the order they came
        self.payloads: list[dict[str, Any]] = []

    def stream(self, name: str, text: str) -> None:
        self.streams.append((name, text))
        self.events.append((name, text))

    def display(self, item: Display) -> None:
        self.displays.append(item)
        self.events.append((item.kind, item))

    def payload(self, item: Mapping[str, Any]) -> None:
        self.payloads.append(dict(item))

    @property
    def result(self) -> str | None:
        """The text/plain of the cell's Out[n], if it had one."""
        found = [d for d in self.displays if d.kind == "result"]
        return str(found[-1].data.get("text/plain")) if found else None

    async def read_input(self, cancel: threading.Event, prompt: str = "") -> str | None:
        self.prompts.append(prompt)
        return self.answers.pop(0) if self.answers else None

    def text(self, name: str = "stdout") -> str:
        return "".join(t for n, t in self.streams if n == name)


class Cells:
    """Runs cells through a real Session, numbering them like a notebook does."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.count = 0
        # one loop for all the cells, as a kernel has: the live program's pipes belong to it
        self.loop = asyncio.new_event_loop()

    @property
    def memory(self) -> Memory:
        return self.session.memory

    def keys(self) -> list[str]:
        return self.session.memory.keys()

    def run(self, code: str, answers: list[str] | None = None) -> tuple[ListIO, CellError | None]:
        self.count += 1
        io = ListIO(answers)
        try:
            self.loop.run_until_complete(self.session.execute(code, self.count, io))
        except CellError as err:
            return io, err
        return io, None

    def ok(self, code: str, answers: list[str] | None = None) -> str:
        """Run a cell that must succeed; its stdout."""
        io, err = self.run(code, answers)
        assert err is None, "\n".join(err.traceback)
        return io.text()

    def fails(self, code: str) -> CellError:
        _, err = self.run(code)
        assert err is not None, f"cell should have failed: {code!r}"
        return err

    def interrupted(self, code: str, ready: Callable[[], bool], settle: float) -> tuple[CellError, float]:
        """Run ``code``, which must fail, interrupting it from another thread ``settle`` seconds after
        ``ready()`` holds (given up on after 10 s); its error and the seconds it took."""

        def interrupt_once_ready() -> None:
            deadline = time.monotonic() + 10
            while not ready() and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(settle)
            self.session.interrupt()

        thread = threading.Thread(target=interrupt_once_ready)
        thread.start()
        started = time.monotonic()
        try:
            err = self.fails(code)
        finally:
            thread.join()
        return err, time.monotonic() - started

"""Program output on its way to the notebook: decoded, coalesced, capped.

Bytes arrive in chunks from two pipes. They are decoded incrementally (a character split between
reads survives, bad bytes become U+FFFD, NUL too), gathered into one run per stream (the other
stream's run is flushed first, so order holds), and sent when the runner flushes (every 50 ms) or a
run reaches 64 KiB. Past ``limit`` bytes per cell, one notice is sent and the rest is dropped while
the pipes keep draining, so the program never blocks on a full pipe.

stderr may be rewritten (``rewrite_stderr``: runtime locations made to name cells). A rewrite must see
whole lines, and runtimes write a stack frame in several small writes; so a timed flush keeps an
unfinished stderr line back for one more tick (50 ms) at most. Switching streams, asking for input
and the end of the run send it at once.

A program that may be asked for input (``prompting``) prints its prompt, then reads: ``number? ``
and no newline. That unfinished stdout line is kept back for a while (``PROMPT_HOLD``) and, if the
program then waits for input, becomes the ``input_request``'s prompt (``take_prompt``) instead of
a stream of its own: the frontend shows the prompt and the answer on one line, as for Python's
``input("number? ")``. A line still unfinished after that while (progress dots) is sent as usual.
"""

from __future__ import annotations

import codecs
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ccellkernel.api.display import Display
from ccellkernel.run.limits import size_text

Emit = Callable[[str, str], None]
Rewrite = Callable[[str], str]
CHUNK = 64 * 1024
PROMPT_HOLD = 0.5  # seconds an unfinished stdout line may wait to become an input prompt
PROMPT_MAX = 1000  # characters: a longer unfinished line is output, not a prompt


def _decoder() -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder("utf-8")(errors="replace")


def clean(text: str) -> str:
    """Text safe for a Jupyter message: no NUL."""
    return text.replace("\x00", "\ufffd")


class OutputBuffer:
    """Collects a program's stdout/stderr bytes and emits ``(stream name, text)`` pieces."""

    def __init__(self, emit: Emit, limit: int, rewrite_stderr: Rewrite | None = None) -> None:
        self._emit = emit
        self._limit = limit
        self._rewrite = rewrite_stderr
        self._held = ""  # an unfinished stderr line kept back by a timed flush
        self._decoders = {"stdout": _decoder(), "stderr": _decoder()}
        self._name: str | None = None
        self._parts: list[str] = []
        self._pending = 0
        self.received = 0
        self.cut = False
        self.prompting = False  # the program may be asked for input: keep a prompt back
        self._prompt = ""  # an unfinished stdout line kept back by a timed flush
        self._prompt_since = 0.0

    def feed(self, name: str, data: bytes) -> None:
        """Take a chunk read from stream ``name`` (``stdout`` or ``stderr``)."""
        self.received += len(data)
        if self.cut:
            return
        overflow = self.received > self._limit
        if overflow:
            data = data[: max(0, len(data) - (self.received - self._limit))]
        text = self._decoders[name].decode(data, final=overflow)
        if text:
            if name != self._name:
                self.flush()
                self._name = name
            self._parts.append(text)
            self._pending += len(text)
            if self._pending >= CHUNK:
                self.flush(timed=True)
        if overflow:
            self.cut = True
            self.flush()
            self._emit(
                "stderr",
                f"\n[ccellkernel: output cut at {size_text(self._limit)} (output= in %limits); the program "
                "keeps running, its further output is dropped]\n",
            )

    def flush(self, *, timed: bool = False) -> None:
        """Send what has gathered (a ``timed`` flush may keep an unfinished stderr line back)."""
        fresh = "".join(self._parts)
        self._parts.clear()
        self._pending = 0
        if self._name == "stderr" and self._rewrite is not None:
            text, was_held, self._held = self._held + fresh, bool(self._held), ""
            if timed and fresh and not was_held and not text.endswith("\n"):
                cut = text.rfind("\n") + 1
                text, self._held = text[:cut], text[cut:]
            text = self._rewrite(text) if text else ""
            if text:
                self._emit("stderr", clean(text))
        elif self._name == "stdout" and (self._prompt or (timed and self.prompting)):
            held, self._prompt = self._prompt, ""
            text = held + fresh
            cut = text.rfind("\n") + 1
            now = time.monotonic()
            if cut or not held:  # the unfinished line (if any) begins now
                self._prompt_since = now
            tail = text[cut:]
            if timed and tail and len(tail) <= PROMPT_MAX and now - self._prompt_since < PROMPT_HOLD:
                text, self._prompt = text[:cut], tail
            if text:
                self._emit("stdout", clean(text))
        elif fresh and self._name is not None:
            self._emit(self._name, clean(fresh))

    def take_prompt(self) -> str:
        """The program waits for input: send everything but its unfinished stdout line, and return
        that line (the ``input_request``'s prompt; ``""`` if there is none)."""
        if self._name != "stdout":
            self.flush()
            return ""
        text = self._prompt + "".join(self._parts)
        self._parts.clear()
        self._pending = 0
        self._prompt = ""
        cut = text.rfind("\n") + 1
        text, prompt = (text[:cut], text[cut:]) if len(text) - cut <= PROMPT_MAX else (text, "")
        if text:
            self._emit("stdout", clean(text))
        return clean(prompt)

    def give_back(self, prompt: str) -> None:
        """A prompt that got no answer (end-of-file, an interrupt) is output after all."""
        if prompt:
            self.feed_text("stdout", prompt)
            self.flush()

    def notice(self, text: str) -> None:
        """A message of the kernel's own on stderr (not counted against the limit), in order."""
        self.flush()
        self._emit("stderr", text)

    def close(self) -> None:
        """Flush everything, including an incomplete character at the end (as U+FFFD)."""
        for name, decoder in self._decoders.items():
            tail = decoder.decode(b"", final=True)
            if tail and not self.cut:
                self.feed_text(name, tail)
        self.flush()

    def feed_text(self, name: str, text: str) -> None:
        if name != self._name:
            self.flush()
            self._name = name
        self._parts.append(text)
        self._pending += len(text)


class CellIO(Protocol):
    """Where a cell's output goes and where its input comes from."""

    allow_stdin: bool

    def stream(self, name: str, text: str) -> None:
        """Send text to the cell's ``stdout`` or ``stderr``."""

    def display(self, item: Display) -> None:
        """Send a display, an update of one, a clear, or the cell's result (``Out[n]``)."""

    def payload(self, item: Mapping[str, Any]) -> None:
        """Add a payload to the cell's reply (``ask_exit``, ``page``)."""

    async def read_input(self, cancel: threading.Event, prompt: str = "") -> str | None:
        """Ask the user for a line; None for end-of-file. Give up (None) once ``cancel`` is set.
        ``prompt``: what the program printed on the line before it read (shown with the answer)."""

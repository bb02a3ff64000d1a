"""Completion and inspection for one session: the toolchain's assistant first, tree-sitter always.

Every request works on the program the cell would render to (``point.edit_point``), asks the
toolchain's assistant with a deadline (``COMPLETE_TIMEOUT``: a slow helper is as good as none), and
falls back to the word list, except after ``.``, ``->`` or ``::``: the word list knows no receiver's
members, so only the toolchain's ``scoped_words`` for that scope answer there (mostly nothing).
Nothing here raises: any text and any cursor give an answer, possibly empty. Requests run in worker
threads (the kernel's ``asyncio.to_thread``), never blocking a cell.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ccellkernel.api.editor import Assistant, CompletionItem, Completions, Inspection
from ccellkernel.api.libraries import NO_LIBRARIES, Libraries
from ccellkernel.api.memory import Memory
from ccellkernel.assist import fallback
from ccellkernel.assist.point import clean, edit_point, qualified_before, word_at
from ccellkernel.toolkit.process import LOG

if TYPE_CHECKING:
    from ccellkernel.api.toolchain import Toolchain

COMPLETE_TIMEOUT = 1.0  # seconds a helper may take to complete before tree-sitter answers
INSPECT_TIMEOUT = 2.0  # inspection may run a man page or go doc
# The first inspection after the kernel starts waits for the helper's warm-up, as the first cell waits
# for the toolchain's, and asks again while the helper has nothing yet: the first answer is the
# helper's, not less. Bounded: a helper that hangs costs the first inspection this long, and no later
# one. Completion cannot wait past its own timeout: JupyterLab ignores a completion provider that has
# not answered in a second (its providerTimeout); within it, the helper's start is waited for too.
FIRST_REQUEST_WAIT = 10.0
ASK_AGAIN_FOR = 3.0  # seconds after the warm-up the first inspection asks again (nothing may fit)
RETRY = 0.1  # seconds between the first request's questions
COMPLETE, INSPECT = "complete", "inspect"  # the kinds of request
T = TypeVar("T")
_MEMBER = re.compile(r"(\.|->|::)\s*\Z")
_SCOPE = re.compile(r"(?<![\w.:])([A-Za-z_]\w*)\s*(?:\.|::)\s*\Z")  # std::, not a::std::
_HELP = re.compile(r"(?P<name>[A-Za-z_][\w]*(?:(?:\.|::|->)[A-Za-z_]\w*)*)\s*(?P<marks>\?\??)\s*\Z")


class EditorHelp:
    """The editor services of one session. ``close`` stops the helpers."""

    def __init__(self, toolchain: Toolchain, workdir: Path, log: logging.Logger = LOG) -> None:
        self.toolchain = toolchain
        self.workdir = workdir
        self.log = log
        self._lock = threading.Lock()
        self._assistant: Assistant | None = None
        self._made = False
        self._closed = False
        self._warned = False
        self._unasked = {COMPLETE, INSPECT}  # the kinds of request the helper has not had yet

    def assistant(self) -> Assistant | None:
        """The toolchain's assistant, made on first use (None: tree-sitter only)."""
        with self._lock:
            if not self._made and not self._closed:
                self._made = True
                if not self.workdir.parent.is_dir():  # the session ended (its build folder is gone)
                    return None
                try:
                    self.workdir.mkdir(exist_ok=True)  # never the build folder again, once removed
                    self._assistant = self.toolchain.assistant(self.workdir)
                except Exception:
                    self.log.warning(
                        "ccellkernel: the %s editor helper failed to start",
                        self.toolchain.name,
                        exc_info=True,
                    )
            return self._assistant

    def _helper(self, timeout: float, kind: str) -> tuple[Assistant | None, float | None]:
        """The assistant, and for the first request of its ``kind`` the deadline (``time.monotonic()``)
        until which it asks again while the helper has nothing (else None): a completion's ``timeout``
        from now; an inspection's once the warm-up is over (``FIRST_REQUEST_WAIT`` at most)."""
        assistant = self.assistant()
        if assistant is None:
            return None, None
        with self._lock:
            first = kind in self._unasked
            self._unasked.discard(kind)
        if not first:
            return assistant, None
        if kind == COMPLETE:
            return assistant, time.monotonic() + timeout
        limit = time.monotonic() + FIRST_REQUEST_WAIT
        assistant.ready(FIRST_REQUEST_WAIT)
        return assistant, min(limit, time.monotonic() + ASK_AGAIN_FOR)

    @staticmethod
    def _ask(question: Callable[[float], T | None], timeout: float, deadline: float | None) -> T | None:
        """``question(timeout)`` once; for the first request, again until it answers something (or the
        deadline passes), each time with what is left."""
        left = (lambda: timeout) if deadline is None else (lambda: max(RETRY, deadline - time.monotonic()))
        answer = question(left())
        while deadline is not None and _nothing(answer) and time.monotonic() + RETRY < deadline:
            time.sleep(RETRY)
            answer = question(left())
        return answer

    def warm(self) -> None:
        """Let the assistant get ready in the background (returns at once)."""
        threading.Thread(target=self._warm, daemon=True).start()

    def _warm(self) -> None:
        assistant = self.assistant()
        if assistant is not None:
            try:
                assistant.warm()
            except Exception:
                self.log.debug("warming the editor helper failed", exc_info=True)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            assistant, self._assistant = self._assistant, None
        if assistant is not None:
            try:
                assistant.close()
            except Exception:
                self.log.debug("closing the editor helper failed", exc_info=True)

    # -- requests ---------------------------------------------------------------------------------

    def complete(
        self,
        memory: Memory,
        code: str,
        cursor: int | None,
        flags: Sequence[str] = (),
        cwd: Path = Path(),
        libraries: Libraries = NO_LIBRARIES,
        timeout: float = COMPLETE_TIMEOUT,
    ) -> Completions:
        """Completions at ``cursor`` (an offset in code points) of the cell ``code``."""
        code, cursor = clean(code, cursor)
        try:
            magic = fallback.magic_completions(code, cursor)
            if magic is not None:
                return magic
            base = fallback.word_completions(self.toolchain, memory, code, cursor)
        except Exception:
            self._failed("completion")
            return Completions((), cursor, cursor, "none")
        try:
            answer = self._complete(memory, code, cursor, flags, cwd, libraries, timeout)
        except Exception:
            self._failed("the editor helper's completion")
            answer = None
        if answer is None or not answer.items:
            if _MEMBER.search(code[: base.start]):
                # After `.`, `->` or `::` the word list (keywords, every name) is never what the
                # receiver has: no answer is better than a wrong one, except a scope's own words.
                return self._scoped(code, base)
            return base
        if _MEMBER.search(code[: answer.start]) or answer.start != base.start:
            return answer
        known = set(answer.matches)  # a plain word: what the helper found, then the word list's others
        extra = tuple(item for item in base.items if item.text not in known)
        return Completions(answer.items + extra, answer.start, answer.end, answer.source)

    def _scoped(self, code: str, base: Completions) -> Completions:
        """What the toolchain's ``scoped_words`` offer after ``scope::`` or ``scope.`` (often nothing)."""
        scope = _SCOPE.search(code[: base.start])
        words = self.toolchain.scoped_words.get(scope.group(1), frozenset()) if scope else frozenset()
        typed = code[base.start : base.end]
        items = tuple(CompletionItem(w, "name") for w in sorted(words) if w.startswith(typed) and w != typed)
        return Completions(items, base.start, base.end, base.source)

    def _complete(
        self,
        memory: Memory,
        code: str,
        cursor: int,
        flags: Sequence[str],
        cwd: Path,
        libraries: Libraries,
        timeout: float,
    ) -> Completions | None:
        assistant, deadline = self._helper(timeout, COMPLETE)
        if assistant is None:
            return None
        point = edit_point(self.toolchain, memory, code, cursor, flags, cwd, libraries)
        if point is None:
            return None
        return self._ask(functools.partial(assistant.complete, point), timeout, deadline)

    def inspect(
        self,
        memory: Memory,
        code: str,
        cursor: int | None,
        detail: int = 0,
        flags: Sequence[str] = (),
        cwd: Path = Path(),
        libraries: Libraries = NO_LIBRARIES,
        timeout: float = INSPECT_TIMEOUT,
    ) -> Inspection | None:
        """What to show about the name at ``cursor``: a remembered declaration, else the helper's."""
        code, cursor = clean(code, cursor)
        try:
            name, start, end = word_at(code, cursor)
            if not name:
                return None
            path = qualified_before(code, end)
            if path == name:
                found = fallback.remembered(self.toolchain, memory, name, detail)
                if found is not None:
                    return found
            assistant, deadline = self._helper(timeout, INSPECT)
            if assistant is None:
                return None
            # The rest of the name's line goes: a call being typed (``strlen(``) would not parse.
            line_end = code.find("\n", end)
            trimmed = code[:end] + ("" if line_end < 0 else code[line_end:])
            point = edit_point(self.toolchain, memory, trimmed, start, flags, cwd, libraries)
            if point is None:
                return None
            return self._ask(functools.partial(assistant.inspect, point, detail), timeout, deadline)
        except Exception:
            self._failed("inspection")
            return None

    def _failed(self, what: str) -> None:
        """A bug, not bad input: say so once in the kernel's log, then only at debug level."""
        level = logging.DEBUG if self._warned else logging.WARNING
        self._warned = True
        self.log.log(level, "ccellkernel: %s failed", what, exc_info=True)


def _nothing(answer: object) -> bool:
    """No answer, or completions without an item."""
    return answer is None or (isinstance(answer, Completions) and not answer.items)


def help_request(code: str) -> tuple[str, str, int] | None:
    """``name?`` (or ``name??``) as the last line of a cell, as in IPython: ``(the cell without that
    line, the name, detail level)``; None for any other cell."""
    stripped = code.rstrip()
    line_start = stripped.rfind("\n") + 1
    match = _HELP.fullmatch(stripped[line_start:].strip())
    if match is None:
        return None
    return code[:line_start], match.group("name"), len(match.group("marks")) - 1

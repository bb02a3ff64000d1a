"""A minimal Language Server Protocol client over a helper's stdio, and the assistant built on it.

Only what completion and hover need: ``initialize``, one document kept in sync as a whole
(``didOpen`` then ``didChange``), ``textDocument/completion`` and ``textDocument/hover``. A reader
thread matches answers to requests; a writer thread feeds the server, so that no request ever blocks
on a full pipe. Requests the server sends (``workspace/configuration``, progress) are answered with
nothing. A request unanswered for ``HANG`` seconds means the server hangs: it is killed, and the
next request starts it again (``HelperProcess`` allows that once).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccellkernel.api.editor import KINDS, Assistant, CompletionItem, Completions, EditPoint, Inspection
from ccellkernel.toolkit.process import LOG, HelperProcess

HANG = 10.0  # seconds without an answer after which a server counts as hung
MAX_ITEMS = 500


def utf16_column(text: str, column: int) -> int:
    """LSP positions count UTF-16 code units."""
    return len(text[:column].encode("utf-16-le", "surrogatepass")) // 2


def from_utf16_column(text: str, units: int) -> int:
    count = 0
    for i, char in enumerate(text):
        if count >= units:
            return i
        count += 2 if ord(char) > 0xFFFF else 1
    return len(text)


class Unanswered(Exception):
    """The server gave no usable answer in time (or is gone)."""


@dataclass(frozen=True)
class LanguageServer:
    """How to run a language server for one toolchain.

    ``file_name`` is the document (the rendered program) inside the assistant's folder; ``files``
    are written there before the server starts (``compile_flags.txt``, ``rust-project.json``).
    """

    name: str
    argv: tuple[str, ...]
    language_id: str
    file_name: str
    files: Mapping[str, str] = field(default_factory=dict)
    env: Mapping[str, str] | None = None
    initialization_options: Any = None


class LspClient:
    """One server process and one document. Thread-safe; every call returns within its timeout."""

    def __init__(self, server: LanguageServer, root: Path, log: logging.Logger = LOG) -> None:
        self.server = server
        self.root = root
        self.uri = (root / server.file_name).absolute().as_uri()
        env = None if server.env is None else {**os.environ, **server.env}
        self.helper = HelperProcess(server.name, server.argv, cwd=root, env=env, log=log)
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._ids = 0
        self._pending: dict[int, tuple[Future[Any], float]] = {}
        self._ready = threading.Event()
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._generation = 0
        self._text: str | None = None
        self._version = 0

    # -- lifecycle ----------------------------------------------------------------------------------

    @property
    def disabled(self) -> bool:
        return self.helper.disabled

    def warm(self) -> None:
        """Start the server (and its ``initialize``) without waiting for it."""
        self._ensure()

    def ready(self, timeout: float) -> bool:
        """Whether the server is initialized, waiting at most ``timeout`` seconds for it."""
        deadline = time.monotonic() + timeout
        while self._ensure():
            if self._ready.wait(max(0.0, min(0.05, deadline - time.monotonic()))):
                return True
            if time.monotonic() >= deadline:
                return False
        return False

    def _ensure(self) -> bool:
        """The server runs (started now if needed); False if it cannot."""
        with self._start_lock:
            if self.helper.process is not None:
                return True
            self._fail_pending()
            proc = self.helper.start()
            if proc is None:
                return False
            for name, text in self.server.files.items():
                (self.root / name).write_text(text, encoding="utf-8")
            with self._lock:
                self._generation = self.helper.generation
                self._ready = threading.Event()
                self._outbox = queue.Queue()
                self._text = None
                self._version = 0
            generation = self._generation
            threading.Thread(target=self._read, args=(proc, generation, self._outbox), daemon=True).start()
            threading.Thread(target=self._write, args=(proc, self._outbox), daemon=True).start()
            self._call("initialize", self._initialize_params()).add_done_callback(
                lambda done: self._initialized(done, generation)
            )
            return True

    def _initialize_params(self) -> dict[str, Any]:
        root = self.root.absolute()
        return {
            "processId": os.getpid(),  # servers that watch it exit when the kernel is gone
            "rootUri": root.as_uri(),
            "rootPath": str(root),
            "workspaceFolders": [{"uri": root.as_uri(), "name": "ccell"}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "textDocument": {
                    "synchronization": {"dynamicRegistration": False, "didSave": False},
                    "completion": {
                        "completionItem": {"snippetSupport": False, "documentationFormat": ["markdown"]},
                        "contextSupport": True,
                    },
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                },
                "window": {"workDoneProgress": False},
                "workspace": {"configuration": False, "workspaceFolders": True},
            },
            "initializationOptions": self.server.initialization_options,
        }

    def _initialized(self, done: Future[Any], generation: int) -> None:
        if done.exception() is None and generation == self._generation:
            self._notify("initialized", {})
            self._ready.set()

    def close(self) -> None:
        self.helper.close()
        self._fail_pending()

    # -- the document and requests --------------------------------------------------------------

    @property
    def text(self) -> str | None:
        """The document as the server has it (None before it is opened)."""
        return self._text

    def sync(self, text: str, reopen: bool = False) -> None:
        """Make the server's copy of the document ``text`` (``reopen``: close it and open it anew,
        so that nothing the server derived from the old text survives)."""
        with self._lock:
            if text == self._text:
                return
            first = self._text is None or reopen
            if reopen and self._text is not None:
                self._notify("textDocument/didClose", {"textDocument": {"uri": self.uri}})
            self._text = text
            self._version += 1
            version = self._version
        if first:
            item = {"uri": self.uri, "languageId": self.server.language_id, "version": version, "text": text}
            self._notify("textDocument/didOpen", {"textDocument": item})
        else:
            self._notify(
                "textDocument/didChange",
                {"textDocument": {"uri": self.uri, "version": version}, "contentChanges": [{"text": text}]},
            )

    def request(self, method: str, params: dict[str, Any], timeout: float) -> Any:
        """The result of a request. Raises ``Unanswered`` after ``timeout`` seconds (the request is
        cancelled), on an error answer, or when the server is gone."""
        self._check_hung()
        future = self._call(method, params)
        try:
            return future.result(timeout=max(0.0, timeout))
        except FutureTimeout:
            request_id = getattr(future, "request_id", None)
            if request_id is not None:
                self._notify("$/cancelRequest", {"id": request_id})
            raise Unanswered(f"{self.server.name}: no answer to {method} in {timeout:.1f} s") from None
        except Exception as err:
            raise Unanswered(f"{self.server.name}: {err}") from None

    def _check_hung(self) -> None:
        now = time.monotonic()
        with self._lock:
            oldest = min((sent for _, sent in self._pending.values()), default=now)
            generation = self._generation
        if now - oldest > HANG:
            self.helper.fail(generation, f"did not answer for {HANG:.0f} s")
            self._fail_pending()

    def _call(self, method: str, params: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            self._ids += 1
            request_id = self._ids
            self._pending[request_id] = (future, time.monotonic())
            outbox = self._outbox
        future.request_id = request_id  # type: ignore[attr-defined]
        outbox.put(_frame({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}))
        return future

    def _notify(self, method: str, params: Any) -> None:
        self._outbox.put(_frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def _fail_pending(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        for future, _ in pending.values():
            if not future.done():
                future.set_exception(Unanswered("the server is gone"))

    # -- the threads ------------------------------------------------------------------------------------

    def _write(self, proc: Any, outbox: queue.Queue[bytes | None]) -> None:
        while True:
            data = outbox.get()
            if data is None or proc.poll() is not None:
                return
            try:
                proc.stdin.write(data)
                proc.stdin.flush()
            except (OSError, ValueError):
                return

    def _read(self, proc: Any, generation: int, outbox: queue.Queue[bytes | None]) -> None:
        stream = proc.stdout
        try:
            with stream:
                while True:
                    message = _read_message(stream)
                    if message is None:
                        break
                    self._dispatch(message)
        except (OSError, ValueError):
            pass
        outbox.put(None)  # this process's writer stops too
        if generation == self._generation:
            self.helper.fail(generation, "exited")
            self._fail_pending()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" in message:
            if "id" in message:  # a request from the server: answer it with nothing
                result: Any = None
                if message["method"] == "workspace/configuration":
                    result = [None] * len(message.get("params", {}).get("items", []))
                self._outbox.put(_frame({"jsonrpc": "2.0", "id": message["id"], "result": result}))
            return
        with self._lock:
            entry = self._pending.pop(message.get("id"), None)  # type: ignore[arg-type]
        if entry is None or entry[0].done():
            return
        if "error" in message:
            entry[0].set_exception(Unanswered(str(message["error"].get("message", "error"))))
        else:
            entry[0].set_result(message.get("result"))


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8", "replace")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(stream: Any) -> dict[str, Any] | None:
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            if length is None:
                continue
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = stream.read(length)
    if len(body) < length:
        return None
    message = json.loads(body.decode("utf-8", "replace"))
    return message if isinstance(message, dict) else {}


# -- the assistant ---------------------------------------------------------------------------------------


class LspAssistant(Assistant):
    """Completion and hover from a language server, on the program rendered with the cell."""

    def __init__(self, server: LanguageServer, root: Path, log: logging.Logger = LOG) -> None:
        self.name = server.name
        root.mkdir(parents=True, exist_ok=True)
        self.client = LspClient(server, root, log)
        self._lock = threading.Lock()  # one document version per request

    def warm(self) -> None:
        threading.Thread(target=self.client.warm, daemon=True).start()

    def ready(self, timeout: float) -> bool:
        return self.client.ready(timeout)

    def reopen(self, previous: str, text: str) -> bool:
        """Whether the document must be opened anew rather than changed (a server that would
        answer from stale state otherwise). The default: never."""
        return False

    def close(self) -> None:
        self.client.close()

    def _ask(self, method: str, point: EditPoint, timeout: float, extra: dict[str, Any]) -> Any:
        deadline = time.monotonic() + timeout
        if self.client.disabled or not self._lock.acquire(timeout=timeout):
            raise Unanswered("busy")
        try:
            if not self.client.ready(deadline - time.monotonic()):
                raise Unanswered("not ready")
            text = point.program.text
            previous = self.client.text
            self.client.sync(text, previous is not None and self.reopen(previous, text))
            position = {"line": point.line, "character": utf16_column(point.line_text, point.column)}
            params = {"textDocument": {"uri": self.client.uri}, "position": position, **extra}
            return self.client.request(method, params, deadline - time.monotonic())
        finally:
            self._lock.release()

    def complete(self, point: EditPoint, timeout: float) -> Completions | None:
        try:
            result = self._ask("textDocument/completion", point, timeout, {"context": {"triggerKind": 1}})
        except Unanswered:
            return None
        items = result.get("items", []) if isinstance(result, dict) else result or []
        return completions_from_lsp(point, items, self.name)

    def inspect(self, point: EditPoint, detail: int, timeout: float) -> Inspection | None:
        try:
            result = self._ask("textDocument/hover", point, timeout, {})
        except Unanswered:
            return None
        text = hover_text(result)
        return Inspection(markdown_to_plain(text), text, self.name) if text.strip() else None


class PreparedAssistant(Assistant):
    """An assistant whose helpers take a while to make (a language server built, found or indexed):
    ``prepare`` makes them once, on a thread of its own, from ``warm``; every request waits for it
    within its own deadline (``prepared``). A language server it makes is handed to ``adopt``; with
    one, ``ready`` also waits for the server's start.

    ``answers_alone``: whether it can answer without a server (from an index of its own)."""

    answers_alone = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._prepared = threading.Event()  # ``prepare`` has ended, with a server or without
        self.server: LspAssistant | None = None

    def prepare(self) -> None:
        """Make what this assistant needs (in the background); ``adopt`` a language server."""

    def warm(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._prepare_once, daemon=True).start()

    def _prepare_once(self) -> None:
        try:
            self.prepare()
        except Exception:  # editor help is optional: tree-sitter still answers
            LOG.warning("%s: could not get ready", self.name, exc_info=True)
        finally:
            self._prepared.set()

    def prepared(self, timeout: float) -> bool:
        """Whether ``prepare`` has ended, waiting ``timeout`` seconds at most (it starts if the
        kernel's warm-up did not start it: a session used in-process)."""
        self.warm()
        return self._prepared.wait(max(0.0, timeout))

    def adopt(self, server: LspAssistant) -> None:
        """Use ``server`` from now on, and start it; closed at once if this assistant is."""
        with self._lock:
            closed = self._closed
            if not closed:
                self.server = server
        if closed:
            server.close()
        else:
            server.client.warm()

    def ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self.prepared(timeout):
            return False
        server = self.server
        if server is None:
            return self.answers_alone
        return server.ready(max(0.0, deadline - time.monotonic()))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            server, self.server = self.server, None
        if server is not None:
            server.close()


def completions_from_lsp(point: EditPoint, items: list[Any], source: str) -> Completions:
    """LSP completion items as cell completions: one replacement range for all, items that do not
    start with what is typed dropped (servers match fuzzily; Jupyter frontends do not refilter)."""
    default_start = point.cursor - len(point.word)
    found: list[tuple[str, int, CompletionItem]] = []
    for raw in items[: MAX_ITEMS * 2]:
        if not isinstance(raw, dict) or not raw.get("label"):
            continue
        label = str(raw["label"]).strip(" \u2022")
        edit = raw.get("textEdit")
        start = default_start
        if isinstance(edit, dict):
            text = str(edit.get("newText", label))
            span = edit.get("range") or edit.get("replace") or {}
            begin = span.get("start", {})
            line = begin.get("line")
            if isinstance(line, int) and line < len(point.program_lines):
                column = from_utf16_column(point.program_lines[line], int(begin.get("character", 0)))
                mapped = point.to_cell(line, column)
                start = default_start if mapped is None else min(mapped, point.cursor)
        else:
            text = str(raw.get("insertText") or label)
        detail = str(raw.get("detail") or "").strip()
        signature = detail if label == text or not detail else f"{detail} {label}"
        kind = KINDS.get(raw.get("kind"), "")  # type: ignore[arg-type]
        found.append((str(raw.get("sortText") or label), start, CompletionItem(text, kind, signature)))
    return merge_range(point.code, point.cursor, found, default_start, source)


def merge_range(
    code: str, cursor: int, found: list[tuple[str, int, CompletionItem]], default_start: int, source: str
) -> Completions:
    """Items with their own starts as one answer: the earliest start, others' texts prefixed with
    what lies between; only those that extend what is typed, case-sensitive if any does."""
    if not found:
        return Completions((), default_start, cursor, source)
    start = min(s for _, s, _ in found)
    typed = code[start:cursor]
    rows = []
    for key, s, item in found:
        text = code[start:s] + item.text
        rows.append((key, CompletionItem(text, item.kind, item.signature)))
    exact = [r for r in rows if r[1].text.startswith(typed) and r[1].text != typed]
    if not exact:
        lowered = typed.lower()
        exact = [r for r in rows if r[1].text.lower().startswith(lowered) and r[1].text != typed]
    exact.sort(key=lambda r: r[0])
    seen: set[str] = set()
    chosen = []
    for _, item in exact:
        if item.text not in seen:
            seen.add(item.text)
            chosen.append(item)
    return Completions(tuple(chosen[:MAX_ITEMS]), start, cursor, source)


def hover_text(result: Any) -> str:
    """The text of a hover answer (MarkupContent, MarkedString or a list of them)."""
    if not isinstance(result, dict):
        return ""
    contents = result.get("contents")
    parts = contents if isinstance(contents, list) else [contents]
    texts = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict):
            value = str(part.get("value", ""))
            language = part.get("language")
            texts.append(f"```{language}\n{value}\n```" if language else value)
    return "\n\n".join(t for t in texts if t.strip())


def markdown_to_plain(text: str) -> str:
    """Markdown as a terminal would show it: no fences, heading marks, emphasis or escapes."""
    lines = []
    for line in text.split("\n"):
        if line.startswith("```"):
            continue
        line = re.sub(r"^#+\s*", "", line)
        line = re.sub(r"\*\*(.+?)\*\*|`([^`]*)`", lambda m: m.group(1) or m.group(2) or "", line)
        line = re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>])", r"\1", line)
        lines.append("" if line.strip() == "---" else line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()

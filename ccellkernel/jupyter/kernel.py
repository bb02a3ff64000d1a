"""The Jupyter side: an ipykernel ``Kernel`` over a ``Session``. Only this module speaks the protocol.

What ipykernel 7 does not do for a wrapper kernel, done here (see JUPYTER_NOTES.md):

- interrupts: ``interrupt_request`` (message mode) and a SIGINT while a handler runs (signal mode,
  gateways) both stop the running program's process group; neither ever raises in the event loop,
  so the kernel and its memory survive;
- ``kernel_info`` advertises no subshells and no debugger;
- every output is sent with ``send_response``, parented to its request;
- input is requested only when the program waits for it, and the wait is cancellable;
- completion and inspection are answered while a cell runs (ipykernel would queue them behind it),
  and a slow one never delays the next cell: they bypass the shell lock (``shell_main``).
- every request gets a reply: text that cannot be encoded (a lone surrogate, which JSON can carry and
  UTF-8 cannot) is replaced by U+FFFD before a handler sees it, and a request without the fields it
  needs is answered with an error instead of being dropped.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import datetime
import importlib.metadata
import os
import re
import signal
import threading
from collections.abc import Callable, Mapping
from contextvars import copy_context
from typing import Any

import zmq
from ipykernel.kernelbase import Kernel
from traitlets import Integer, Unicode, default

from ccellkernel import __version__
from ccellkernel.api.display import Display
from ccellkernel.api.errors import CellError, ToolchainNotFound
from ccellkernel.api.plugins import load_toolchain
from ccellkernel.api.toolchain import Toolchain
from ccellkernel.notebook.session import DEFAULT_OUTPUT_LIMIT, Session
from ccellkernel.run.limits import configured

PROTOCOL_VERSION = "5.3"
EDITOR_REQUESTS = frozenset({"complete_request", "inspect_request"})
_PREPARED: dict[str, Session] = {}  # toolchain name -> the session launch() was given
CONFIG_FILE = "ccellkernel_config"  # .json or .py in any Jupyter config folder (jupyter --paths)
_SURROGATE = re.compile("[\ud800-\udfff]")
# What each request needs, and the reply it gets when that is missing.
_REQUIRED = {
    "execute_request": (("code", str),),
    "complete_request": (("code", str), ("cursor_pos", int)),
    "inspect_request": (("code", str), ("cursor_pos", int)),
    "is_complete_request": (("code", str),),
}


class CCellKernel(Kernel):
    """A kernel for one compiled language, chosen by ``toolchain_name``."""

    implementation = "ccellkernel"
    implementation_version = __version__

    toolchain_name = Unicode(
        help="Entry-point name of the toolchain (c, go, rust, ...); default: env CCELL_TOOLCHAIN, else c."
    ).tag(config=True)
    output_limit = Integer(
        help="Bytes of program output per cell before it is cut (env CCELL_OUTPUT_LIMIT)."
    ).tag(config=True)

    @default("toolchain_name")
    def _default_toolchain_name(self) -> str:
        # Launchers that start a kernel by its class name alone (Enterprise Gateway's) cannot pass
        # --CCellKernel.toolchain_name; the kernelspec's env chooses the language instead.
        return os.environ.get("CCELL_TOOLCHAIN", "c")

    limits = Unicode(
        "",
        help="Default limits of the programs, as %limits takes them: 'memory=4G processes=256 time=10m'. "
        "Env CCELL_LIMITS overrides it key by key; %limits in a notebook overrides both.",
    ).tag(config=True)
    max_limits = Unicode(
        "",
        help="Ceilings %limits cannot go above, same form: 'memory=8G cpu=1h' (env CCELL_MAX_LIMITS).",
    ).tag(config=True)

    @default("output_limit")
    def _default_output_limit(self) -> int:
        return int(os.environ.get("CCELL_OUTPUT_LIMIT", DEFAULT_OUTPUT_LIMIT))

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("user_ns", None)  # IPKernelApp passes it; this kernel has no Python namespace
        super().__init__(**kwargs)
        prepared = _PREPARED.pop(self.toolchain_name, None)
        defaults, ceiling = configured(
            self.limits, self.max_limits, os.environ, self.output_limit, warn=self.log.warning
        )
        if prepared is not None:  # made by launch() before ipykernel was imported, warming up since
            self.toolchain, self.cells = prepared.toolchain, prepared
            self.cells.configure_limits(defaults, ceiling)
        else:
            self.toolchain = load_toolchain(self.toolchain_name)
            self.cells = Session(self.toolchain, limits=defaults, max_limits=ceiling)
        self._compiler_version: str | None = None
        self._replaced = 0  # characters of the current execute_request that could not be encoded
        if self.session is not None:
            self.session.deserialize = _clean_headers(self.session.deserialize)  # type: ignore[method-assign]
        atexit.register(self.cells.close)
        if prepared is None:  # fill the toolchain's caches now, in a thread, while the kernel starts
            self.cells.start_warm_up()
        atexit.register(self._let_control_thread_finish)

    def start(self) -> None:
        super().start()

        # the first cell's build begins once the loop that runs the cells runs (``builds/ahead.py``)
        def begin() -> None:
            self._first = asyncio.ensure_future(self.cells.begin_first())  # held: a task is weakly held

        self.io_loop.add_callback(begin)

    def _let_control_thread_finish(self) -> None:
        """At exit after a shutdown_request, wait (5 s at most) for the control thread to publish
        the request's last status, while the IOPub thread still runs.

        atexit runs this before the handlers that ipykernel registered earlier (stop IOPub, then
        close the app, which joins the control thread): in the other order the control thread's
        last publish or flush waits on a stopped IOPub thread, 10 s or for ever. ``launch`` does
        the same after the app returns; this covers launchers that start a plain ``IPKernelApp``
        with this class (Enterprise Gateway's)."""
        control = self.control_thread
        if control is not None and control.is_alive() and self._shutdown_message is not None:
            control.join(timeout=5)

    # -- what the kernel says about itself -------------------------------------------------------

    @property
    def language_info(self) -> dict[str, Any]:  # type: ignore[override]
        return {**self.toolchain.language_info, "version": self._version()}

    @property
    def banner(self) -> str:  # type: ignore[override]
        return (
            f"ccellkernel {__version__}: {self.toolchain.display_name}"
            f" with {self._version() or 'no compiler'}\n"
            "Declarations are remembered across cells; statements run in main. %help for more."
        )

    @property
    def kernel_info(self) -> dict[str, Any]:
        return {
            "protocol_version": PROTOCOL_VERSION,
            "implementation": self.implementation,
            "implementation_version": self.implementation_version,
            "language_info": self.language_info,
            "banner": self.banner,
            "help_links": help_links(self.toolchain),
            "supported_features": [],  # no subshells (cells share one program), no debugger
        }

    def _version(self) -> str:
        if self._compiler_version is None:
            try:
                self._compiler_version = self.toolchain.find_compiler().version
            except ToolchainNotFound:
                return ""
        return self._compiler_version

    # -- cells -------------------------------------------------------------------------------------

    async def do_execute(  # type: ignore[override]
        self,
        code: str,
        silent: bool,
        store_history: bool = True,
        user_expressions: dict[str, Any] | None = None,
        allow_stdin: bool = False,
        *,
        cell_meta: dict[str, Any] | None = None,
        cell_id: str | None = None,
    ) -> dict[str, Any]:
        self._allow_stdin = allow_stdin
        io = _KernelIO(self, silent, allow_stdin)
        replaced, self._replaced = self._replaced, 0
        if replaced:
            io.stream(
                "stderr",
                f"[ccellkernel: the cell held {replaced} character(s) that are not valid Unicode (lone "
                "surrogates); each was replaced by U+FFFD]\n",
            )
        try:
            sent = _sent(self.get_parent())
            await self.cells.execute(code, self.execution_count, io, cell_id=cell_id, sent=sent)
        except CellError as err:
            return self._reply_error(err, silent)
        except Exception as err:  # a bug in the kernel must not take the notebook down with it
            self.log.exception("internal error while executing a cell")
            failure = CellError(f"{type(err).__name__}: {err}")
            failure.ename = "InternalError"
            return self._reply_error(failure, silent)
        count = self.execution_count
        return {"status": "ok", "execution_count": count, "payload": io.payloads, "user_expressions": {}}

    def finish_metadata(self, parent: Any, metadata: dict[str, Any], reply_content: Any) -> dict[str, Any]:
        # Seconds per phase (parse, render, compile, link, run) of this cell, how many build tools
        # it started (0: everything came from the cache), and how many of its builds finished one
        # begun ahead, between cells (``builds/ahead.py``): for benchmarks and tools.
        ahead = self.cells.ahead.taken if self.cells.ahead is not None else 0
        timings = dict(self.cells.timings)
        metadata["ccellkernel"] = {"timings": timings, "tools": self.cells.tools, "ahead": ahead}
        return metadata

    def _reply_error(self, err: CellError, silent: bool) -> dict[str, Any]:
        """The one place a CellError becomes Jupyter's error output and reply."""
        content = {"ename": err.ename, "evalue": err.evalue, "traceback": err.traceback}
        if not silent:
            self.send_response(self.iopub_socket, "error", content)
        return {"status": "error", "execution_count": self.execution_count, **content}

    async def do_complete(self, code: str, cursor_pos: int | None) -> dict[str, Any]:  # type: ignore[override]
        answer = await asyncio.to_thread(self.cells.complete, code, cursor_pos)
        span = {"start": answer.start, "end": answer.end}
        types = [{**span, "text": i.text, "type": i.kind, "signature": i.signature} for i in answer.items]
        return {
            "status": "ok",
            "matches": answer.matches,
            "cursor_start": answer.start,
            "cursor_end": answer.end,
            # who answered (clangd, tree-sitter...): for tests, benchmarks and the curious
            "metadata": {"_jupyter_types_experimental": types, "ccellkernel": {"source": answer.source}},
        }

    async def do_inspect(  # type: ignore[override]
        self, code: str, cursor_pos: int, detail_level: int = 0, omit_sections: Any = ()
    ) -> dict[str, Any]:
        found = await asyncio.to_thread(self.cells.inspect, code, cursor_pos, detail_level)
        data = {} if found is None else {"text/plain": found.plain, "text/markdown": found.markdown}
        return {"status": "ok", "found": found is not None, "data": data, "metadata": {}}

    async def shell_main(self, subshell_id: str | None, msg: Any) -> None:  # type: ignore[override]
        """Editor requests skip the lock that keeps shell messages one at a time: a completion
        while a cell runs is answered now, and a cell never waits behind a slow completion."""
        if subshell_id is not None or self._shell_msg_type(msg) not in EDITOR_REQUESTS:
            await super().shell_main(subshell_id, msg)
            return
        # As ipykernel does for comms during a cell: a context of its own, the cell's parent after.
        ident = self._get_shell_context_var(self._shell_parent_ident)
        parent = self.get_parent("shell")
        try:
            await asyncio.create_task(self._editor_request(msg), context=copy_context())
        finally:
            self.set_parent(ident, parent, channel="shell")
        if self._main_asyncio_lock.locked():
            # JupyterLab shows the kernel idle after any idle status: it is busy again with the cell.
            self._publish_status("busy", "shell", parent=parent)

    async def _editor_request(self, msg: Any) -> None:
        header = self._shell_header(msg)
        request = {"header": header, "parent_header": {}, "metadata": {}, "content": {}}
        self._publish_status("busy", "shell", parent=request)
        try:
            await self.dispatch_shell(msg, concurrent=True)
        finally:
            self._publish_status("idle", "shell", parent=request)

    def _shell_header(self, msg: Any) -> dict[str, Any]:
        try:
            _, frames = self.session.feed_identities(msg, copy=False)
            return dict(self.session.deserialize(frames, content=False, copy=False)["header"])
        except Exception:
            return {}

    def _shell_msg_type(self, msg: Any) -> str:
        return str(self._shell_header(msg).get("msg_type", "")) if self.session is not None else ""

    async def do_is_complete(self, code: str) -> dict[str, Any]:  # type: ignore[override]
        status, indent = self.cells.is_complete(code)
        reply: dict[str, Any] = {"status": status}
        if status == "incomplete":
            reply["indent"] = indent
        return reply

    async def do_shutdown(self, restart: bool) -> dict[str, Any]:  # type: ignore[override]
        self.cells.close()
        return {"status": "ok", "restart": restart}

    # -- every request gets a reply ----------------------------------------------------------------

    async def execute_request(self, stream: Any, ident: Any, parent: Any) -> None:  # type: ignore[override]
        checked = self._checked(stream, ident, parent)
        if checked is not None:
            await super().execute_request(stream, ident, checked)

    async def complete_request(self, stream: Any, ident: Any, parent: Any) -> None:  # type: ignore[override]
        checked = self._checked(stream, ident, parent)
        if checked is not None:
            await super().complete_request(stream, ident, checked)

    async def inspect_request(self, stream: Any, ident: Any, parent: Any) -> None:  # type: ignore[override]
        checked = self._checked(stream, ident, parent)
        if checked is not None:
            await super().inspect_request(stream, ident, checked)

    async def is_complete_request(self, stream: Any, ident: Any, parent: Any) -> None:  # type: ignore[override]
        checked = self._checked(stream, ident, parent)
        if checked is not None:
            await super().is_complete_request(stream, ident, checked)

    def _checked(self, stream: Any, ident: Any, parent: dict[str, Any]) -> dict[str, Any] | None:
        """The request with its text made encodable; None when it lacks a field (answered here)."""
        msg_type = parent["header"]["msg_type"]
        content, replaced = clean_text(parent.get("content"))
        metadata, _ = clean_text(parent.get("metadata") or {})
        if not isinstance(content, dict):
            content = {}
        for name, kind in _REQUIRED.get(msg_type, ()):
            value = content.get(name)
            if not isinstance(value, kind) or isinstance(value, bool):
                self._refuse(stream, ident, parent, f"{msg_type} needs {name!r} ({kind.__name__})")
                return None
        if msg_type == "execute_request":
            self._replaced = replaced
        return {**parent, "content": content, "metadata": metadata}

    def _refuse(self, stream: Any, ident: Any, parent: dict[str, Any], problem: str) -> None:
        reply_type = parent["header"]["msg_type"].replace("_request", "_reply")
        content: dict[str, Any] = {
            "status": "error",
            "ename": "BadRequest",
            "evalue": problem,
            "traceback": [f"BadRequest: {problem}"],
        }
        if reply_type == "execute_reply":
            content["execution_count"] = self.execution_count
        elif reply_type == "is_complete_reply":
            content = {"status": "unknown"}
        self.session.send(stream, reply_type, content, parent, ident=ident)

    # -- interrupts -----------------------------------------------------------------------------------

    # An interrupt reaches a cell only if it was sent after that cell's request (``Session.interrupt``):
    # the messages' dates say which came first. A signal has no date: it counts while a cell runs.

    async def interrupt_request(self, stream: Any, ident: Any, parent: Any) -> None:  # type: ignore[override]
        """Message mode: stop the running program (not the kernel) and reply at once."""
        self.cells.interrupt(_sent(parent))
        self.session.send(stream, "interrupt_reply", {"status": "ok"}, parent, ident=ident)

    def pre_handler_hook(self) -> None:
        # Signal mode: a SIGINT while a cell runs interrupts the program, never the event loop. Between
        # handlers IPKernelApp's disposition (ignore) is back: a SIGINT sent then reaches no cell.
        self.saved_sigint_handler = signal.signal(signal.SIGINT, self._on_sigint)

    def post_handler_hook(self) -> None:
        signal.signal(signal.SIGINT, self.saved_sigint_handler)

    def _on_sigint(self, signum: int, frame: Any) -> None:
        self.cells.interrupt()

    # -- input ---------------------------------------------------------------------------------------------

    def ask(self, prompt: str, cancel: threading.Event, ident: Any, parent: Any) -> str | None:
        """Send an input_request and wait (in a worker thread) for the reply, or until ``cancel``."""
        while True:  # drop stale replies
            try:
                self.stdin_socket.recv_multipart(zmq.NOBLOCK)
            except zmq.ZMQError:
                break
        content = {"prompt": prompt, "password": False}
        self.session.send(self.stdin_socket, "input_request", content, parent, ident=ident)
        while not cancel.is_set():
            ready, _, failed = zmq.select([self.stdin_socket], [], [self.stdin_socket], 0.05)
            if ready or failed:
                _, reply = self.session.recv(self.stdin_socket)
                if reply is not None:
                    value = reply.get("content", {}).get("value", "")
                    return None if value == "\x04" else str(value)
        return None


class _KernelIO:
    """A cell's ``CellIO``: IOPub streams parented to the request, input through the stdin channel."""

    def __init__(self, kernel: CCellKernel, silent: bool, allow_stdin: bool) -> None:
        self._kernel = kernel
        self._silent = silent
        self.allow_stdin = allow_stdin
        self._ident = kernel._get_shell_context_var(kernel._shell_parent_ident)
        self._parent = kernel.get_parent("shell")
        self.payloads: list[dict[str, Any]] = []

    def stream(self, name: str, text: str) -> None:
        if not self._silent and text:
            self._send("stream", {"name": name, "text": text})

    def display(self, item: Display) -> None:
        if self._silent:
            return
        if item.kind == "clear":
            self._send("clear_output", {"wait": item.wait})
            return
        content: dict[str, Any] = {"data": dict(item.data), "metadata": {}}
        if item.kind == "result":
            self._send("execute_result", {"execution_count": self._kernel.execution_count, **content})
            return
        content["transient"] = {"display_id": item.display_id} if item.display_id else {}
        self._send("update_display_data" if item.kind == "update" else "display_data", content)

    def payload(self, item: Mapping[str, Any]) -> None:
        self.payloads.append(dict(item))

    def _send(self, msg_type: str, content: dict[str, Any]) -> None:
        # With this cell's own parent, not the current one: a live program's threads may print
        # between cells, and what they print then goes to the last cell that ran.
        kernel = self._kernel
        kernel.session.send(kernel.iopub_socket, msg_type, content, self._parent)

    async def read_input(self, cancel: threading.Event, prompt: str = "") -> str | None:
        # The program's unfinished line before it read is the prompt, as Python's input("x? ") sends:
        # the frontend shows it with the answer on one line.
        return await asyncio.to_thread(self._kernel.ask, prompt, cancel, self._ident, self._parent)


HOME_LABELS = ("homepage", "repository", "source", "documentation")  # [project.urls], in this order


def help_links(toolchain: Toolchain, urls: list[str] | None = None) -> list[dict[str, str]]:
    """The Help menu's links: the project's README section for the language, when the package names a
    public home (``urls``: its ``Project-URL`` metadata, "Label, URL"), then the toolchain's own."""
    if urls is None:
        try:
            urls = importlib.metadata.metadata("ccellkernel").get_all("Project-URL") or []
        except importlib.metadata.PackageNotFoundError:
            urls = []
    homes: dict[str, str] = {}
    for entry in urls:
        label, _, url = entry.partition(",")
        homes.setdefault(label.strip().lower(), url.strip())
    home = next((homes[label] for label in HOME_LABELS if homes.get(label)), "")
    links: list[dict[str, str]] = []
    section = toolchain.readme_section
    if home and section:
        url = f"{home.rstrip('/')}#{section}"
        links.append({"text": f"ccellkernel: {toolchain.display_name}", "url": url})
    links += [{"text": text, "url": url} for text, url in toolchain.help_links]
    return links


def _sent(message: Mapping[str, Any] | None) -> float | None:
    """When a request was sent (seconds since the epoch), from its header's date; None if it has none."""
    date = ((message or {}).get("header") or {}).get("date")
    if isinstance(date, str):
        with contextlib.suppress(ValueError):
            date = datetime.datetime.fromisoformat(date.replace("Z", "+00:00"))
    if not isinstance(date, datetime.datetime):
        return None
    if date.tzinfo is None:
        date = date.replace(tzinfo=datetime.timezone.utc)  # Jupyter's dates are UTC
    return date.timestamp()


def _clean_headers(deserialize: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """A request's header goes back in every message about it: one with a lone surrogate (a
    ``username``) could not be sent, so the request would get no status and no reply. Headers and
    metadata are made encodable as they arrive; the content, where the cell is, in ``_checked``."""

    def cleaned(*args: Any, **kwargs: Any) -> dict[str, Any]:
        msg = deserialize(*args, **kwargs)
        for part in ("header", "parent_header", "metadata"):
            if isinstance(msg.get(part), dict):
                msg[part] = clean_text(msg[part])[0]
        return msg

    return cleaned


def clean_text(value: Any) -> tuple[Any, int]:
    """``value`` with each lone surrogate in its strings replaced by U+FFFD (lengths, and so cursor
    positions, stay), and how many were replaced."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return _SURROGATE.subn("\ufffd", value)
        return value, 0
    if isinstance(value, dict):
        count = 0
        cleaned: dict[Any, Any] = {}
        for key, item in value.items():
            key, n = clean_text(key)
            cleaned[key], m = clean_text(item)
            count += n + m
        return cleaned, count
    if isinstance(value, (list, tuple)):
        items = [clean_text(item) for item in value]
        return [item for item, _ in items], sum(n for _, n in items)
    return value, 0


def launch(toolchain: str, argv: list[str], session: Session | None = None) -> None:
    """Start a kernel for ``toolchain`` (what ``ccellkernel kernel NAME -f FILE`` does). A
    ``session`` made (and warming up) before this module was imported becomes the kernel's."""
    from ipykernel.kernelapp import IPKernelApp

    if session is not None:
        _PREPARED[toolchain] = session

    class CCellKernelApp(IPKernelApp):
        def load_config_file(self, *args: Any, **kwargs: Any) -> None:
            """IPython's config files as before, then ``ccellkernel_config.json`` (or ``.py``) from the
            Jupyter config path, where a JupyterHub admin puts ``CCellKernel.limits`` (README)."""
            super().load_config_file(*args, **kwargs)
            from jupyter_core.paths import jupyter_config_path
            from traitlets.config.application import Application

            try:
                Application.load_config_file(self, CONFIG_FILE, path=jupyter_config_path())
            except Exception:  # a broken config file must not keep the kernel from starting
                self.log.warning("cannot load %s", CONFIG_FILE, exc_info=True)

        def init_io(self) -> None:
            """Leave sys.stdout/sys.stderr alone.

            This kernel sends every output with ``send_response``; its own prints would carry no
            parent and land on no cell anyway. Capturing them also made shutdown hang: the control
            thread's last ``sys.stdout.flush()`` waited (10 s) on the IOPub thread that ``close()``
            had just stopped. The display hook stays: ipykernel's ``init_kernel`` wires it up.
            """
            from traitlets.utils.importstring import import_item

            self.displayhook = import_item(str(self.displayhook_class))(self.session, self.iopub_socket)

    app = CCellKernelApp.instance(kernel_class=CCellKernel)
    app.initialize([*argv, f"--CCellKernel.toolchain_name={toolchain}"])
    app.start()
    # After a shutdown_request the main loop stops while the control thread still publishes the
    # request's "idle" status. At exit, atexit stops the IOPub thread before the app's close()
    # joins the control thread (ipykernel registers them in that order), and that publish then
    # blocks for ever: the kernel never exits (seen under load, about one shutdown in fifty). Let
    # the control thread finish while IOPub still runs; its loop was told to stop by the request.
    control = app.control_thread
    if control is not None and control.is_alive() and getattr(app.kernel, "_shutdown_message", None):
        control.join(timeout=5)

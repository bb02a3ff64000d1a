"""Driving a real kernel through jupyter_client, for the Jupyter-level tests.

``RunningKernel`` starts a kernel by name (with its own environment, working directory and interrupt
mode), and ``execute`` runs one cell: it collects the IOPub messages parented to that request until
``idle``, the shell reply, and every ``input_request``, answering those from a list. It can interrupt
the cell after a delay or once a condition on what arrived so far holds.
"""

from __future__ import annotations

import datetime
import os
import queue
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

STARTUP_TIMEOUT = 60.0
CELL_TIMEOUT = 30.0
POLL = 0.01


@dataclass
class Message:
    """One message as it arrived: its type, content, the kernel's send time and our arrival time."""

    msg_type: str
    content: dict[str, Any]
    sent: Any  # datetime from the header, stamped by the kernel
    arrived: float  # time.monotonic() when the client got it


@dataclass
class CellResult:
    """What one execute_request produced."""

    msg_id: str
    reply: dict[str, Any] | None = None
    reply_metadata: dict[str, Any] = field(default_factory=dict)  # the execute_reply's metadata
    outputs: list[Message] = field(default_factory=list)  # IOPub messages except status/execute_input
    input_requests: list[Message] = field(default_factory=list)
    interrupted_at: float | None = None
    idle: bool = False

    @property
    def status(self) -> str:
        assert self.reply is not None, "no execute_reply"
        return str(self.reply["status"])

    def streams(self, name: str | None = None) -> list[Message]:
        return [
            m for m in self.outputs if m.msg_type == "stream" and (name is None or m.content["name"] == name)
        ]

    @property
    def stdout(self) -> str:
        return "".join(m.content["text"] for m in self.streams("stdout"))

    @property
    def stderr(self) -> str:
        return "".join(m.content["text"] for m in self.streams("stderr"))

    @property
    def text(self) -> str:
        """Every stream's text, in arrival order."""
        return "".join(m.content["text"] for m in self.streams())

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [m.content for m in self.outputs if m.msg_type == "error"]

    @property
    def error(self) -> dict[str, Any]:
        """The one IOPub error of a failed cell."""
        assert len(self.errors) == 1, f"expected one error output, got {self.describe()}"
        return self.errors[0]

    @property
    def ename(self) -> str:
        assert self.reply is not None
        return str(self.reply.get("ename", ""))

    def describe(self) -> str:
        """A readable summary for assertion messages."""
        lines = [f"status={self.reply and self.reply.get('status')}"]
        for m in self.outputs:
            if m.msg_type == "stream":
                lines.append(f"[{m.content['name']}] {m.content['text'][:2000]!r}")
            elif m.msg_type == "error":
                lines.append("[error] " + "\n".join(m.content.get("traceback", [])))
            else:
                lines.append(f"[{m.msg_type}] {m.content!r}"[:2000])
        return "\n".join(lines)


class RunningKernel:
    """One kernel process and a blocking client connected to it."""

    def __init__(
        self,
        name: str = "ccell-c",
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
        interrupt_mode: str | None = None,
    ) -> None:
        self.name = name
        self.km = KernelManager(kernel_name=name)
        if interrupt_mode is not None:
            # The manager reads the mode from its (cached) kernelspec each time it interrupts.
            spec = self.km.kernel_spec
            assert spec is not None
            spec.interrupt_mode = interrupt_mode
        kwargs: dict[str, Any] = {"env": {**os.environ, **(env or {})}}
        if cwd is not None:
            kwargs["cwd"] = str(cwd)
        self.km.start_kernel(**kwargs)
        self.kc: BlockingKernelClient = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        except RuntimeError:
            self.shutdown()
            raise

    @property
    def interrupt_mode(self) -> str:
        spec = self.km.kernel_spec
        assert spec is not None
        return spec.interrupt_mode

    @property
    def pid(self) -> int:
        provisioner = self.km.provisioner
        assert provisioner is not None
        return int(provisioner.pid)  # type: ignore[attr-defined]

    def is_alive(self) -> bool:
        return bool(self.km.is_alive())

    def interrupt(self) -> None:
        self.km.interrupt_kernel()

    def interrupt_dated(self, date: datetime.datetime) -> None:
        """Send an interrupt_request whose header says it was sent at ``date`` (message mode)."""
        msg = self.kc.session.msg("interrupt_request", {})
        msg["header"]["date"] = date
        self.kc.control_channel.send(msg)

    def submit(self, code: str, *, allow_stdin: bool = False, cell_id: str | None = None) -> CellResult:
        """Send an execute_request without waiting for anything (with the cell's id in its metadata,
        as JupyterLab sends it, when ``cell_id`` is given)."""
        if cell_id is None:
            return CellResult(self.kc.execute(code, allow_stdin=allow_stdin, stop_on_error=False))
        content = {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": allow_stdin,
            "stop_on_error": False,
        }
        msg = self.kc.session.msg("execute_request", content, metadata={"cellId": cell_id})
        self.kc.shell_channel.send(msg)
        return CellResult(msg["header"]["msg_id"])

    def execute(
        self,
        code: str,
        *,
        allow_stdin: bool = False,
        answers: Sequence[str] = (),
        interrupt_after: float | None = None,
        interrupt_when: Callable[[CellResult], bool] | None = None,
        timeout: float = CELL_TIMEOUT,
        cell_id: str | None = None,
    ) -> CellResult:
        """Run a cell to its reply and idle; answer input_requests from ``answers`` in order."""
        result = self.submit(code, allow_stdin=allow_stdin, cell_id=cell_id)
        return self.collect(
            result,
            answers=answers,
            interrupt_after=interrupt_after,
            interrupt_when=interrupt_when,
            timeout=timeout,
        )

    def collect(
        self,
        result: CellResult,
        *,
        answers: Sequence[str] = (),
        interrupt_after: float | None = None,
        interrupt_when: Callable[[CellResult], bool] | None = None,
        timeout: float = CELL_TIMEOUT,
        until: Callable[[CellResult], bool] | None = None,
    ) -> CellResult:
        """Gather messages of ``result``'s request until reply and idle (or ``until`` holds)."""
        pending = list(answers)
        start = time.monotonic()
        deadline = start + timeout
        done = until or (lambda r: r.reply is not None and r.idle)
        while not done(result):
            now = time.monotonic()
            if now > deadline:
                raise TimeoutError(f"cell did not finish in {timeout} s:\n{result.describe()}")
            if result.interrupted_at is None and (
                (interrupt_after is not None and now - start >= interrupt_after)
                or (interrupt_when is not None and interrupt_when(result))
            ):
                result.interrupted_at = now
                self.interrupt()
            got = self._poll_iopub(result)
            got |= self._poll_stdin(result, pending)
            got |= self._poll_shell(result)
            if not got:
                time.sleep(POLL)
        return result

    def _poll_iopub(self, result: CellResult) -> bool:
        got = False
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=0)
            except queue.Empty:
                return got
            got = True
            if msg["parent_header"].get("msg_id") != result.msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "status":
                if msg["content"]["execution_state"] == "idle":
                    result.idle = True
            elif kind != "execute_input":
                result.outputs.append(_message(msg))

    def _poll_stdin(self, result: CellResult, pending: list[str]) -> bool:
        try:
            msg = self.kc.get_stdin_msg(timeout=0)
        except queue.Empty:
            return False
        if msg["msg_type"] == "input_request" and msg["parent_header"].get("msg_id") == result.msg_id:
            result.input_requests.append(_message(msg))
            if pending:
                self.kc.input(pending.pop(0))
        return True

    def _poll_shell(self, result: CellResult) -> bool:
        try:
            msg = self.kc.get_shell_msg(timeout=0)
        except queue.Empty:
            return False
        if msg["parent_header"].get("msg_id") == result.msg_id and msg["msg_type"] == "execute_reply":
            result.reply = msg["content"]
            result.reply_metadata = msg.get("metadata") or {}
        return True

    def ok(self, code: str, **kwargs: Any) -> str:
        """Run a cell that must succeed; its stdout."""
        result = self.execute(code, **kwargs)
        assert result.status == "ok", result.describe()
        assert not result.errors, result.describe()
        return result.stdout

    def fails(self, code: str, ename: str, **kwargs: Any) -> CellResult:
        """Run a cell that must fail with ``ename``; the result."""
        result = self.execute(code, **kwargs)
        assert result.status == "error", result.describe()
        assert result.ename == ename, result.describe()
        return result

    def restart(self) -> None:
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=STARTUP_TIMEOUT)

    def shutdown(self, *, now: bool = False) -> None:
        """Stop the client and the kernel (``now``: kill it without asking)."""
        try:
            self.kc.stop_channels()
        finally:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=now)


def count_of(result: CellResult) -> int:
    """The execution count in the cell's reply."""
    assert result.reply is not None
    return int(result.reply["execution_count"])


# a crash's last line, or an interrupt's one line (``KeyboardInterrupt: stopped by the user; ...``)
RESTORED = re.compile(
    r"(?:^rolled back: |^KeyboardInterrupt: stopped by the user; )globals and declarations "
    r"as before Cell In\[(\d+)\]$"
)


def restored_in(result: CellResult) -> int | None:
    """The cell a live program's one-line rollback notice names, if the error has it."""
    for line in result.error["traceback"]:
        match = RESTORED.match(line)
        if match:
            return int(match.group(1))
    return None


def listing(k: RunningKernel) -> list[str]:
    """The rows of ``%list``."""
    return [line for line in k.ok("%list").splitlines() if line.strip()]


def check_streams_while_running(result: CellResult) -> None:
    """The cell printed "first", waited over a second, then printed "second": both arrive, and the
    first line did not wait for the program to end."""
    assert result.status == "ok", result.describe()
    assert result.stdout == "first\nsecond\n"
    [first] = [m for m in result.streams("stdout") if "first" in m.content["text"]]
    [second] = [m for m in result.streams("stdout") if "second" in m.content["text"]]
    assert first is not second, "the first line must not wait for the program to end"
    assert second.arrived - first.arrived > 1.0


def check_interrupts_twice(
    k: RunningKernel, *, remembered: str, spin: str, call: str, timeout: float
) -> None:
    """Interrupt ``spin`` (it prints "looping", then never ends) twice, once it has printed: each
    time a KeyboardInterrupt after its output, and the kernel lives on with its memory. ``remembered``
    declares ``remembered()``, which ``call`` prints: 7."""
    k.ok("%reset\n" + remembered)
    for _ in range(2):
        result = k.execute(spin, interrupt_when=lambda r: "looping" in r.stdout, timeout=timeout)
        assert result.interrupted_at is not None
        assert result.status == "error", result.describe()
        assert result.ename == "KeyboardInterrupt", result.describe()
        assert [m.msg_type for m in result.outputs] == ["stream", "error"], result.describe()
        assert result.error["traceback"][0].startswith("KeyboardInterrupt")
        assert k.is_alive()
        assert k.ok(call) == "7\n"


def complete_reply(kc: BlockingKernelClient, code: str, cursor: int | None = None) -> dict[str, Any]:
    """The content of the complete_reply to ``code`` (cursor at its end by default)."""
    msg_id = kc.complete(code, len(code) if cursor is None else cursor)
    return _shell_reply(kc, msg_id, f"no complete_reply to {code!r}")


def inspect_reply(
    kc: BlockingKernelClient, code: str, cursor: int | None = None, detail: int = 0
) -> dict[str, Any]:
    """The content of the inspect_reply to ``code`` (cursor at its end by default)."""
    msg_id = kc.inspect(code, len(code) if cursor is None else cursor, detail)
    return _shell_reply(kc, msg_id, f"no inspect_reply to {code!r}")


def _shell_reply(kc: BlockingKernelClient, msg_id: str, missing: str) -> dict[str, Any]:
    """The content of the shell reply to ``msg_id``; TimeoutError saying ``missing`` if none comes."""
    deadline = time.monotonic() + CELL_TIMEOUT
    while time.monotonic() < deadline:
        reply = kc.get_shell_msg(timeout=CELL_TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return dict(reply["content"])
    raise TimeoutError(missing)


def wait_for_helper(kc: BlockingKernelClient, code: str, source: str, timeout: float = 300.0) -> None:
    """Wait until completion of ``code`` is answered by the editor helper ``source`` (it starts,
    or is built, in the background at kernel start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if complete_reply(kc, code)["metadata"].get("ccellkernel", {}).get("source") == source:
            return
        time.sleep(0.5)
    raise TimeoutError(f"{source} did not answer completion of {code!r} in {timeout} s")


def _message(msg: dict[str, Any]) -> Message:
    return Message(msg["msg_type"], msg["content"], msg["header"].get("date"), time.monotonic())

"""Kernels through jupyter_client, and commands by hand (timed the plain way, from asyncio, and as
ccellkernel.run.runner starts them)."""

from __future__ import annotations

import asyncio
import functools
import os
import queue
import shlex
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from languages import BenchError, Timer

CELL_TIMEOUT = 120.0  # seconds for one cell, or for one command by hand
START_TIMEOUT = 60.0  # seconds for a new kernel to answer kernel_info


class MagicMissing(BenchError):
    """The kernel does not know a magic of a setup cell (``%state`` before the live-state issue)."""


@dataclass
class CellResult:
    end_to_end: float
    timings: dict[str, float]
    stdout: str
    tools: int | None  # build tools the cell started (execute_reply metadata ccellkernel.tools)


class Kernel:
    """A running kernel and a blocking client; a context manager, so that it is always shut down."""

    def __init__(
        self,
        kernel_name: str,
        cwd: Path,
        log: Path,
        kernel_dirs: Sequence[Path] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.kernel_name = kernel_name
        self.env = dict(env or {})  # added to the benchmark's own environment
        self.cwd = cwd
        self.log = log
        self.kernel_dirs = list(kernel_dirs)  # where to find a kernelspec outside Jupyter's path
        self.start_seconds = 0.0
        self.idle_at = 0.0  # perf_counter() when the last cell's idle arrived (0: no cell yet)
        self.manager: KernelManager | None = None
        self.client: Any = None

    def __enter__(self) -> Kernel:
        start = time.perf_counter()
        if self.kernel_dirs:
            specs = KernelSpecManager(kernel_dirs=[str(d) for d in self.kernel_dirs])
            self.manager = KernelManager(kernel_name=self.kernel_name, kernel_spec_manager=specs)
        else:
            self.manager = KernelManager(kernel_name=self.kernel_name)
        try:
            with open(self.log, "wb") as log:  # the kernel's own stderr, shown if something fails
                extra = {"env": {**os.environ, **self.env}} if self.env else {}
                self.manager.start_kernel(cwd=str(self.cwd), stdout=log, stderr=log, **extra)
            self.client = self.manager.client()
            self.client.start_channels()
            self.client.wait_for_ready(timeout=START_TIMEOUT)
        except BaseException as err:
            self.__exit__(None, None, None)
            if isinstance(err, Exception):
                raise BenchError(f"kernel {self.kernel_name} did not start: {err}{self.log_tail()}") from err
            raise
        self.start_seconds = time.perf_counter() - start
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.stop_channels()
        if self.manager is not None and self.manager.has_kernel:
            try:
                self.manager.shutdown_kernel(now=False)
            except Exception:
                self.manager.shutdown_kernel(now=True)

    def log_tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()[-20:]
        except OSError:
            return ""
        return "\nkernel log:\n" + "\n".join(lines) if lines else ""

    def rss_mb(self) -> float | None:
        """The kernel process's resident memory: forking it costs more the bigger it is."""
        try:
            pid = self.manager.provisioner.pid  # type: ignore[union-attr]
            with open(f"/proc/{pid}/status") as f:
                kb = next(int(ln.split()[1]) for ln in f if ln.startswith("VmRSS:"))
        except (AttributeError, OSError, StopIteration, ValueError):
            return None
        return kb / 1024

    def run(self, code: str) -> CellResult:
        """Run a cell that must succeed; BenchError otherwise (a MagicError is ``MagicMissing``)."""
        start = time.perf_counter()
        deadline = start + CELL_TIMEOUT
        # allow_stdin as JupyterLab sends it: the kernel then runs programs with stdin on a pipe.
        msg_id = self.client.execute(code, allow_stdin=True, store_history=True)
        stdout: list[str] = []
        errors: list[str] = []
        while True:
            msg = self._next(self.client.get_iopub_msg, msg_id, deadline, code)
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content["name"] == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                errors.append("\n".join(content.get("traceback") or [content.get("evalue", "")]))
            elif kind == "status" and content["execution_state"] == "idle":
                self.idle_at = time.perf_counter()
                end_to_end = self.idle_at - start
                break
        reply = self._next(self.client.get_shell_msg, msg_id, deadline, code)
        if reply["content"]["status"] != "ok" or errors:
            if reply["content"].get("ename") == "MagicError":
                raise MagicMissing(reply["content"].get("evalue", ""))
            raise BenchError(f"cell failed: {code[:60]!r}\n" + "\n".join(errors) + self.log_tail())
        ours = reply["metadata"].get("ccellkernel", {})
        timings = {k: float(v) for k, v in ours.get("timings", {}).items()}
        tools = ours.get("tools")
        return CellResult(end_to_end, timings, "".join(stdout), tools if isinstance(tools, int) else None)

    def _next(
        self, get: Callable[..., dict[str, Any]], msg_id: str, deadline: float, code: str
    ) -> dict[str, Any]:
        while True:
            remaining = deadline - time.perf_counter()
            try:
                if remaining <= 0:
                    raise queue.Empty
                msg = get(timeout=remaining)
            except queue.Empty:
                raise BenchError(
                    f"no answer in {CELL_TIMEOUT:.0f} s to {code[:60]!r}{self.log_tail()}"
                ) from None
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg


# -- by hand ---------------------------------------------------------------------------------------


def run(argv: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> tuple[float, str]:
    """Seconds a command took with subprocess.run, and its stdout; BenchError if it fails."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=CELL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"timed out after {CELL_TIMEOUT:.0f} s: {shlex.join(argv)}") from None
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise BenchError(f"exit status {done.returncode}: {shlex.join(argv)}\n{done.stderr}")
    return elapsed, done.stdout


def from_asyncio(argv: Sequence[str], cwd: Path) -> tuple[float, str]:
    """Seconds a command took started from a bare asyncio loop in its own session, as the kernel
    starts it, without the kernel's pipes, watchdog and output handling."""

    async def timed() -> tuple[float, int | None, bytes]:
        start = time.perf_counter()
        pipe = asyncio.subprocess.PIPE
        proc = await asyncio.create_subprocess_exec(
            *argv, cwd=cwd, stdin=pipe, stdout=pipe, stderr=pipe, start_new_session=True
        )
        out, _ = await asyncio.wait_for(proc.communicate(), CELL_TIMEOUT)
        return time.perf_counter() - start, proc.returncode, out

    elapsed, returncode, out = asyncio.run(timed())
    if returncode != 0:
        raise BenchError(f"exit status {returncode}: {shlex.join(argv)}")
    return elapsed, out.decode("utf-8", "replace")


def runner_timers() -> tuple[Timer, Timer, Timer]:
    """Timers that start a command the way the kernel does (ccellkernel.run.runner), here in this process:
    a tool, a program, and a program with the display channel (its two more pipes)."""
    import atexit

    from ccellkernel.run.output import OutputBuffer
    from ccellkernel.run.processes import Supervisor
    from ccellkernel.run.runner import Execution, run_program, run_tool

    # One supervisor for the benchmark, as a kernel has one (it removes its folder when closed).
    supervisor = Supervisor(Path(tempfile.mkdtemp(prefix="ccell-bench-")))
    supervisor.start()
    atexit.register(supervisor.close)

    def tool(argv: Sequence[str], cwd: Path) -> tuple[float, str]:
        async def timed() -> tuple[float, int, str]:
            start = time.perf_counter()
            result = await asyncio.wait_for(run_tool(Execution(supervisor), argv, cwd=cwd), CELL_TIMEOUT)
            return time.perf_counter() - start, result.returncode, result.stdout

        elapsed, returncode, out = asyncio.run(timed())
        if returncode != 0:
            raise BenchError(f"exit status {returncode}: {shlex.join(argv)}")
        return elapsed, out

    def program(argv: Sequence[str], cwd: Path, channel: bool = False) -> tuple[float, str]:
        seen: list[str] = []

        async def no_input(cancel: object) -> None:
            return None

        async def timed() -> tuple[float, int]:
            output = OutputBuffer(lambda name, text: seen.append(text) if name == "stdout" else None, 1 << 20)
            start = time.perf_counter()
            on_display = (lambda item: None) if channel else None
            execution = Execution(supervisor)
            run = run_program(
                execution, argv, output, cwd=cwd, env=None, read_input=no_input, on_display=on_display
            )
            ended = await asyncio.wait_for(run, CELL_TIMEOUT)
            return time.perf_counter() - start, ended.returncode

        elapsed, returncode = asyncio.run(timed())
        if returncode != 0:
            raise BenchError(f"exit status {returncode}: {shlex.join(argv)}")
        return elapsed, "".join(seen)

    return tool, program, functools.partial(program, channel=True)

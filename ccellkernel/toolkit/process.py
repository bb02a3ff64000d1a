"""A helper process (a language server): started on demand, restarted once, then left off.

Helpers live in the kernel's process group, so they end with it (jupyter_client signals the whole
group at shutdown, and a helper reading its stdin sees end-of-file when the kernel dies), but they
must outlive the SIGINT that a signal-mode interrupt sends to that group. A few lines of Python
(``SHIELD``) start the helper with SIGINT ignored *and* blocked, then ``exec`` it: ignoring is
enough for Go and Rust programs, but LLVM's tools (clangd) install their own SIGINT handler, and a
blocked signal never reaches it. (A ``preexec_fn`` would do the same, but is unsafe in a process
with threads, which the kernel is.)

A helper that exits by itself, or hangs, counts as a failure: after ``restarts`` of them it is left
off, with one notice in the kernel's log.
"""

from __future__ import annotations

import collections
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

LOG = logging.getLogger("ccellkernel.assist")
SHIELD = (
    "import os, signal, sys\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})\n"
    "os.execvp(sys.argv[1], sys.argv[1:])\n"
)


class HelperProcess:
    """One helper: ``start`` it (again after a failure, while restarts remain), ``fail`` it when it
    crashed or hung, ``close`` it at shutdown. Thread-safe."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        restarts: int = 1,
        log: logging.Logger = LOG,
    ) -> None:
        self.name = name
        self.argv = tuple(argv)
        self.cwd = cwd
        self.env = dict(env) if env is not None else None
        self.restarts = restarts
        self.log = log
        self.failures = 0
        self.generation = 0  # counts starts, so a late notice from an old process is ignored
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._closed = False

    @property
    def disabled(self) -> bool:
        return self._closed or self.failures > self.restarts

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        proc = self._proc
        return proc if proc is not None and proc.poll() is None else None

    def start(self) -> subprocess.Popen[bytes] | None:
        """The running process, started now if needed and allowed; None if it cannot run."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return self._proc
            if self.disabled:
                return None
            if self._proc is not None:  # it died on its own since the last look
                self._count_failure(f"exited with status {self._proc.returncode}")
                if self.disabled:
                    return None
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-S", "-c", SHIELD, *self.argv],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=self.cwd,
                    env=self.env,
                )
            except OSError as err:
                self._proc = None
                self.failures = self.restarts + 1
                self.log.warning(
                    "ccellkernel: cannot start %s (%s); editor help goes without it", self.name, err
                )
                return None
            self.generation += 1
            threading.Thread(target=self._drain, args=(self._proc,), daemon=True).start()
            return self._proc

    def fail(self, generation: int, why: str) -> None:
        """The process of ``generation`` crashed or hung: kill it; it restarts on the next ``start``
        unless it has failed too often."""
        with self._lock:
            if generation != self.generation or self._closed or self._proc is None:
                return
            proc, self._proc = self._proc, None
            _kill(proc)
            self._count_failure(why)

    def _count_failure(self, why: str) -> None:
        self._proc = None
        self.failures += 1
        if self.failures > self.restarts:
            tail = " | ".join(self.stderr_tail)
            self.log.warning(
                "ccellkernel: %s %s again; completion and inspection go on without it%s",
                self.name,
                why,
                f" (its last words: {tail})" if tail else "",
            )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            proc, self._proc = self._proc, None
        if proc is not None:
            _kill(proc)

    def _drain(self, proc: subprocess.Popen[bytes]) -> None:
        """Read the helper's stderr (a full pipe would stop it); keep its last lines for the log."""
        assert proc.stderr is not None
        with proc.stderr:
            for line in proc.stderr:
                self.stderr_tail.append(line.decode("utf-8", "replace").rstrip())


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        proc.kill()
    except OSError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    try:  # stdout and stderr are closed by the threads reading them, at their end-of-file
        if proc.stdin is not None:
            proc.stdin.close()
    except OSError:
        pass


def executable(path: str | os.PathLike[str]) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)

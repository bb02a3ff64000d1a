"""Peer kernels, installed into the benchmark's own cache folder and registered there, never in the
user's Jupyter folders.

Each peer lives in ``peer_home() / <name>``: what it installed, an ``installed.json`` marker, and a
``kernels/<name>/kernel.json`` that ``Kernel(kernel_dirs=[...])`` finds through
``KernelSpecManager(kernel_dirs=...)``. Three ways to install one, as ``languages.py`` describes it:
from PyPI into a virtualenv (``PyPI``), with ``go install`` (``GoInstall``), with ``cargo install``
(``CargoInstall``). Anything that goes wrong is a ``BenchError``, which the benchmark turns into a note.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from languages import BenchError, CargoInstall, GoInstall, Peer, PyPI

PIP_TIMEOUT = 600.0  # seconds for pip
GO_TIMEOUT = 900.0  # seconds for one go install (gopls is the longest)
CARGO_TIMEOUT = 3600.0  # seconds for cargo install evcxr_jupyter (tens of minutes on 2 cores)


def peer_home() -> Path:
    """Where the benchmark keeps its peers: a cache folder of its own."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ccellkernel-bench"


@dataclass(frozen=True)
class Installed:
    kernel_dirs: Path  # to give Kernel(kernel_dirs=[...])
    version: str  # as the peer or its installer says it, for the notes


def install(peer: Peer, say: object = print) -> Installed:
    """``peer`` installed (once) and its kernelspec written. ``say`` is told before a long first
    install. BenchError otherwise."""
    home = peer_home() / peer.key
    how = peer.install
    try:
        home.mkdir(parents=True, exist_ok=True)
        if isinstance(how, PyPI):
            spec = _pypi(home, how, say)
        elif isinstance(how, GoInstall):
            spec = _go(home, how, say)
        elif isinstance(how, CargoInstall):
            spec = _cargo(home, how, say)
        else:  # pragma: no cover - a new kind of install needs its function here
            raise BenchError(f"{peer.name}: no installer for {type(how).__name__}")
        folder = home / "kernels" / peer.key
        folder.mkdir(parents=True, exist_ok=True)
        version = spec.pop("version")
        (folder / "kernel.json").write_text(json.dumps({"display_name": peer.name, **spec}, indent=1))
    except subprocess.TimeoutExpired as err:
        took = f"{_argv(err.cmd)} took over {err.timeout:.0f} s"
        raise BenchError(f"could not install {peer.name}: {took}") from err
    except subprocess.CalledProcessError as err:
        tail = _tail(err.stderr or err.stdout)
        raise BenchError(f"could not install {peer.name}: {_argv(err.cmd)} failed:\n{tail}") from err
    except (OSError, ValueError) as err:
        raise BenchError(f"could not install {peer.name}: {err}") from err
    return Installed(home / "kernels", str(version))


def _first_line(argv: Sequence[str]) -> str:
    """The first line a command prints (its version), or what went wrong."""
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=60, check=False)
        return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]
    except (OSError, subprocess.SubprocessError) as err:
        return f"version unknown: {err}"


def _argv(cmd: object) -> str:
    return " ".join(str(a) for a in cmd) if isinstance(cmd, list | tuple) else str(cmd)


def _tail(text: str | bytes | None, lines: int = 8) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return "\n".join((text or "").strip().splitlines()[-lines:])


def _run(argv: Sequence[str], timeout: float, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv),
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,  # type: ignore[call-overload]
    )


def _marked(home: Path, wanted: dict[str, object], *needed: Path) -> bool:
    """Whether an earlier install of exactly ``wanted`` left its marker and ``needed`` files."""
    marker = home / "installed.json"
    try:
        return json.loads(marker.read_text()) == wanted and all(p.exists() for p in needed)
    except (OSError, ValueError):
        return False


def _mark(home: Path, wanted: dict[str, object]) -> None:
    (home / "installed.json").write_text(json.dumps(wanted))


# -- PyPI: a virtualenv ------------------------------------------------------------------------------


def _pypi(home: Path, how: PyPI, say: object) -> dict[str, object]:
    venv = home / "venv"
    python = venv / "bin" / "python"
    wanted = {"packages": list(how.packages), "python": sys.version.split()[0]}
    if not _marked(home, wanted, python):
        say(f"installing {', '.join(how.packages)} from PyPI into {venv} (first use)")  # type: ignore[operator]
        _run([sys.executable, "-m", "venv", "--clear", str(venv)], PIP_TIMEOUT)
        _run([str(python), "-m", "pip", "install", "-q", *how.packages], PIP_TIMEOUT)
        _mark(home, wanted)
    version = _first_line([str(python), "-c", _PIP_VERSION, how.packages[0]])
    argv = [str(python), "-m", how.module, "-f", "{connection_file}"]
    return {"argv": argv, "language": how.language, "version": version}


_PIP_VERSION = "import sys, importlib.metadata as m; print(sys.argv[1], m.version(sys.argv[1]))"


# -- go install ----------------------------------------------------------------------------------------


def _go(home: Path, how: GoInstall, say: object) -> dict[str, object]:
    go = shutil.which("go")
    if go is None:
        raise BenchError("no go on PATH")
    bin_dir = home / "bin"
    wanted = {"packages": [f"{p}@{v}" for p, v in how.packages]}
    binaries = [bin_dir / p.rsplit("/", 1)[-1] for p, _ in how.packages]
    if not _marked(home, wanted, *binaries):
        bin_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "GOBIN": str(bin_dir)}
        for package, pinned in how.packages:
            say(f"go install {package} into {bin_dir} (first use)")  # type: ignore[operator]
            try:
                _run([go, "install", f"{package}@latest"], GO_TIMEOUT, env=env, cwd=home)
            except subprocess.CalledProcessError:
                if pinned == "latest":
                    raise
                # A module proxy that serves versions but not their list (@v/list) cannot resolve
                # @latest, and `go install pkg@version` reads the list too (for deprecations):
                # the pinned version through a module of our own reads no list.
                with tempfile.TemporaryDirectory(prefix="ccell-bench-go-") as tmp:
                    _run([go, "mod", "init", "ccellbench/peer"], GO_TIMEOUT, env=env, cwd=tmp)
                    _run([go, "get", f"{package}@{pinned}"], GO_TIMEOUT, env=env, cwd=tmp)
                    _run([go, "install", package], GO_TIMEOUT, env=env, cwd=tmp)
        _mark(home, wanted)
    # The peer finds its tools (and go) on PATH: its own bin first, then ours.
    path = os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")])
    argv = [str(bin_dir / how.binary), *how.args]
    version = f"{how.binary} {_first_line([argv[0], *how.version_args])}"
    env = {"PATH": path}
    return {"argv": argv, "language": "go", "interrupt_mode": "message", "env": env, "version": version}


# -- cargo install -------------------------------------------------------------------------------------


def _cargo(home: Path, how: CargoInstall, say: object) -> dict[str, object]:
    cargo = shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    if not Path(cargo).is_file():
        raise BenchError("no cargo on PATH or in ~/.cargo/bin")
    root = home  # cargo's bin/ and its .crates.toml beside our marker
    binary = root / "bin" / how.binary
    wanted = {"crate": how.crate, "flags": list(how.flags)}
    if not _marked(home, wanted, binary):
        say(  # type: ignore[operator]
            f"cargo install {how.crate} into {root} (first use: tens of minutes on 2 cores, at nice 19)"
        )
        argv = ["nice", "-n", "19", cargo, "install", *how.flags, how.crate, "--root", str(root)]
        _run(argv, CARGO_TIMEOUT)
        _mark(home, wanted)
    version = _first_line([cargo, "install", "--list", "--root", str(root)]).rstrip(":")
    argv = [str(binary), *how.args]
    return {"argv": argv, "language": "rust", "interrupt_mode": "message", "version": version}

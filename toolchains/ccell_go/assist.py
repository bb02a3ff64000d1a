"""Editor help for Go: a small language server of our own (``helper/main.go``), built at warm-up.

The helper uses only the standard library's ``go/parser``, ``go/types`` and ``go/importer``, so it
needs nothing downloaded and no gopls. It is built once per machine into a user cache folder
(``$XDG_CACHE_HOME/ccellkernel``, else ``~/.cache/ccellkernel``), named after the Go version and a
hash of its source; where no cache folder is writable, into the kernel's own folder. Until it is
built (a few seconds on a cold build cache), tree-sitter answers.

Inspection shows the helper's description of the name and the text of ``go doc`` (with the source,
``go doc -src``, at detail level 1).

The notebook's modules (``EditPoint.libraries``) are seen through a module folder of the assistant's
(their go.mod and go.sum, one folder per module state, in the kernel's folder): each question names
it, the helper lists the modules' packages there, and ``go doc`` runs there. The helper never
downloads: it sees what the notebook's builds fetched into the module cache.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ccellkernel.api.editor import Completions, EditPoint, Inspection
from ccellkernel.api.errors import ToolchainNotFound
from ccellkernel.api.libraries import Libraries
from ccellkernel.toolkit.lsp import (
    LanguageServer,
    LspAssistant,
    PreparedAssistant,
    Unanswered,
    completions_from_lsp,
    hover_text,
    markdown_to_plain,
)
from ccellkernel.toolkit.process import LOG, SHIELD, executable

from .gocmd import OFFLINE, GoInstall

if TYPE_CHECKING:
    from . import GoToolchain

BUILD_TIMEOUT = 600.0
DOC_TIMEOUT = 2.0
HELPER_FILES = ("main.go",)


def helper_source() -> dict[str, bytes]:
    folder = resources.files(__package__) / "helper"
    return {name: folder.joinpath(name).read_bytes() for name in HELPER_FILES}


def cache_folders(fallback: Path) -> list[Path]:
    """Where the helper binary may live: the user's cache, then the kernel's own folder."""
    folders = []
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    home = os.environ.get("HOME", "").strip()
    if xdg:
        folders.append(Path(xdg) / "ccellkernel")
    elif home:
        folders.append(Path(home) / ".cache" / "ccellkernel")
    folders.append(fallback)
    return folders


def helper_binary(install: GoInstall, fallback: Path) -> Path | None:
    """The built helper for this Go version and source, building it if no cache has it."""
    source = helper_source()
    digest = hashlib.sha256(install.version.encode() + b"".join(source.values())).hexdigest()[:12]
    name = f"ccell-go-assist-{install.version}-{digest}"
    folders = cache_folders(fallback)
    for folder in folders:
        if executable(folder / name):
            return folder / name
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK) and _build(install, source, folder / name, fallback):
            return folder / name
    return None


def _build(install: GoInstall, source: dict[str, bytes], target: Path, workdir: Path) -> bool:
    with tempfile.TemporaryDirectory(prefix="ccell-go-assist-") as tmp:
        module = Path(tmp)
        for name, data in source.items():
            (module / name).write_bytes(data)
        (module / "go.mod").write_text("module ccellassist\n\ngo 1.21\n", encoding="utf-8")
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        argv = [install.go, "build", "-trimpath", "-ldflags=-s -w", "-o", str(partial), "."]
        try:  # shielded like the helpers: an interrupt of the kernel's group must not end it
            done = subprocess.run(
                [sys.executable, "-S", "-c", SHIELD, *argv],
                cwd=module,
                env={**install.environment(workdir), **OFFLINE},
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as err:
            LOG.warning("ccellkernel: building the Go editor helper failed: %s", err)
            return False
        if done.returncode != 0 or not partial.exists():
            LOG.warning("ccellkernel: building the Go editor helper failed:\n%s", done.stderr.strip()[-2000:])
            partial.unlink(missing_ok=True)
            return False
        os.replace(partial, target)  # atomic: a kernel starting meanwhile sees all of it or nothing
        return True


def helper_environment(install: GoInstall, workdir: Path) -> dict[str, str]:
    """For the helper's importer (it runs ``go list -export``) and ``go doc``: offline, with the
    real ``go`` first on PATH, outside any module."""
    env = {**install.environment(workdir), **OFFLINE}
    env["PATH"] = os.pathsep.join([str(Path(install.go).parent), env.get("PATH", "")])
    env["GOFLAGS"] = ""
    env["GOROOT"] = str(Path(install.go).parent.parent)  # a -trimpath binary does not know it
    return env


class GoAssistant(PreparedAssistant):
    """Completion and hover from the Go helper; ``go doc`` for inspection."""

    name = "go-assist"

    def __init__(self, toolchain: GoToolchain, root: Path) -> None:
        super().__init__()
        self.toolchain = toolchain
        self.root = root
        self._install: GoInstall | None = None

    def prepare(self) -> None:
        try:
            install = self.toolchain.install()
        except ToolchainNotFound:
            return
        binary = helper_binary(install, self.root)
        if binary is None:
            return
        std = self.toolchain._standard_library()
        packages = {name: paths[0] for name, paths in std.paths.items() if len(paths) == 1}
        env = helper_environment(install, self.root)
        server = LanguageServer(
            "ccell-go-assist",
            (str(binary),),
            "go",
            "main.go",
            env=env,
            initialization_options={"packages": packages},
        )
        self._install = install
        self.adopt(LspAssistant(server, self.root))

    def _ready(self, timeout: float) -> LspAssistant | None:
        """The helper, once started; waits at most ``timeout`` for its start (built, launched)."""
        self.prepared(timeout)
        return self.server

    def module_folder(self, libraries: Libraries) -> Path | None:
        """The folder whose go.mod and go.sum are ``libraries``' (None without libraries)."""
        if not libraries.files.get("go.mod") or not libraries.key:
            return None
        folder = self.root / "assist-modules" / libraries.key[:16]
        if not (folder / "go.mod").is_file():
            folder.mkdir(parents=True, exist_ok=True)
            for name in ("go.sum", "go.mod"):  # go.mod last: its presence says the folder is whole
                (folder / name).write_text(libraries.files.get(name, ""), encoding="utf-8")
        return folder

    def _extra(self, point: EditPoint) -> dict[str, object]:
        folder = self.module_folder(point.libraries)
        return {"ccell": {"module": str(folder) if folder else ""}}

    def complete(self, point: EditPoint, timeout: float) -> Completions | None:
        deadline = time.monotonic() + timeout
        server = self._ready(timeout)
        if server is None:
            return None
        extra = {"context": {"triggerKind": 1}, **self._extra(point)}
        try:
            result = server._ask("textDocument/completion", point, deadline - time.monotonic(), extra)
        except Unanswered:
            return None
        items = result.get("items", []) if isinstance(result, dict) else result or []
        return completions_from_lsp(point, items, server.name)

    def inspect(self, point: EditPoint, detail: int, timeout: float) -> Inspection | None:
        deadline = time.monotonic() + timeout
        server = self._ready(timeout)
        if server is None or self._install is None:
            return None
        try:
            result = server._ask("textDocument/hover", point, deadline - time.monotonic(), self._extra(point))
        except Unanswered:
            return None
        markdown = hover_text(result)
        if not markdown.strip():
            return None
        found = Inspection(markdown_to_plain(markdown), markdown, self.name)
        symbol = (result.get("ccell") or {}).get("doc") if isinstance(result, dict) else None
        if isinstance(symbol, str) and symbol:
            folder = self.module_folder(point.libraries) or self.root
            text = self._go_doc(symbol, detail, folder, deadline - time.monotonic())
            if text:
                found = found + Inspection(text, f"```text\n{text}\n```", "go doc")
        return found

    def _go_doc(self, symbol: str, detail: int, folder: Path, timeout: float) -> str:
        assert self._install is not None
        # detail 1 is IPython's `??`: the source too
        argv = [self._install.go, "doc", *(["-src"] if detail else []), symbol]
        try:
            done = subprocess.run(
                argv,
                cwd=folder,
                env=helper_environment(self._install, self.root),
                capture_output=True,
                text=True,
                timeout=max(0.1, timeout),
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""


__all__ = ["OFFLINE", "GoAssistant", "helper_binary"]

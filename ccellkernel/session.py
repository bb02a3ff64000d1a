"""One notebook: its memory, its options, and the pipeline a cell goes through.

``Session.execute`` takes a cell through CELL_MODEL.md section 1: magics, split, merge into a copy
of the memory, render, build, commit (only if it compiled), run. It speaks to the notebook only
through a ``CellIO`` (the kernel's IOPub in production, a list in tests) and never imports Jupyter.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from . import diagnostics
from .assist import Completions, EditorHelp, Inspection, help_request
from .errors import CompileError, ExitStatus, Interrupted, MagicError, ProgramSignal
from .magics import Magic, help_text, split_magics
from .memory import Fragment, Memory
from .output import OutputBuffer
from .program import CellParts, Program, cell_label
from .runner import Execution, run_program, run_tool
from .toolchain import BuildResult, Toolchain, ToolResult

DEFAULT_OUTPUT_LIMIT = 4_000_000  # bytes of program output per cell


class CellIO(Protocol):
    """Where a cell's output goes and where its input comes from."""

    allow_stdin: bool

    def stream(self, name: str, text: str) -> None:
        """Send text to the cell's ``stdout`` or ``stderr``."""

    async def read_input(self, cancel: threading.Event) -> str | None:
        """Ask the user for a line; None for end-of-file. Give up (None) once ``cancel`` is set."""


@dataclass(frozen=True)
class Options:
    """What the magics set for the following cells."""

    flags: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass
class _BuildContext:
    workdir: Path
    flags: tuple[str, ...]
    cwd: Path
    will_run: bool
    execution: Execution

    async def run_tool(
        self, argv: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
    ) -> ToolResult:
        return await run_tool(self.execution, argv, cwd=cwd, env=env)


class Session:
    """The state behind one kernel: memory, options, cell sources, and the running cell."""

    def __init__(
        self,
        toolchain: Toolchain,
        *,
        cwd: Path | None = None,
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
    ) -> None:
        self.toolchain = toolchain
        self.cwd = cwd or Path.cwd()
        self.output_limit = output_limit
        self.workdir = Path(tempfile.mkdtemp(prefix=f"ccell-{toolchain.name}-"))  # mode 0700
        self.memory = Memory()
        self.options = Options()
        self.sources: dict[int, list[str]] = {}
        self.timings: dict[str, float] = {}  # seconds per phase of the last cell
        self.page: Inspection | None = None  # what the last cell's `name?` asked for
        self._execution: Execution | None = None
        self._warm_up: Execution | None = None

    # -- control (any thread) ----------------------------------------------------------------

    def interrupt(self) -> bool:
        """Interrupt the running cell, if any. Safe from any thread and from a signal handler."""
        execution = self._execution
        if execution is None:
            return False
        execution.interrupt()
        return True

    def close(self) -> None:
        """Kill whatever runs, stop the editor helpers and remove the build directory."""
        for execution in (self._execution, self._warm_up):
            if execution is not None:
                execution.abort()
        if "editor" in self.__dict__:
            self.editor.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    async def warm_up(self) -> None:
        """Let the toolchain prepare its caches (in the background, at kernel start)."""
        self.editor.warm()
        execution = Execution()
        self._warm_up = execution
        workdir = self.workdir / "warm-up"
        try:
            workdir.mkdir(exist_ok=True)
            await self.toolchain.warm_up(_BuildContext(workdir, (), self.cwd, True, execution))
        except Exception:  # a cache that stays cold is no error: the first real build reports it
            pass
        finally:
            self._warm_up = None

    # -- cells ----------------------------------------------------------------------------------

    async def execute(self, code: str, cell: int, io: CellIO) -> None:
        """Run one cell. Raises a ``CellError`` (the memory is unchanged unless the cell compiled).

        A last line ``name?`` (``name??``: more detail) asks, as in IPython, for the inspection of
        ``name`` after the rest of the cell ran: it becomes ``self.page`` (or a notice on stdout).
        """
        execution = Execution()
        self._execution = execution
        self.timings = {}
        self.page = None
        asked = help_request(code)
        try:
            if asked is None:
                await self._execute(code, cell, io, execution)
                return
            rest, name, detail = asked
            if rest.strip():
                await self._execute(rest, cell, io, execution)
            self.page = await asyncio.to_thread(self.inspect, name, len(name), detail)
            if self.page is None:
                io.stream("stdout", f"Object `{name}` not found.\n")
        finally:
            self._execution = None

    @contextmanager
    def _phase(self, name: str):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    async def _execute(self, code: str, cell: int, io: CellIO, execution: Execution) -> None:
        split = split_magics(code)
        for magic in split.magics:
            await self._magic(magic, io, execution)
        self.sources[cell] = code.split("\n")
        with self._phase("parse"):
            parts = self.toolchain.split(split.code, cell)
        if split.body is not None and split.body.strip():
            assert split.body_line is not None
            body = Fragment(split.body, cell, split.body_line)
            parts = dataclasses.replace(parts, statements=(*parts.statements, body))
        self._check(parts)
        if not (parts.declarations or parts.runs):
            self._forget_sources(keep=cell)
            return
        candidate = self.memory.merge(parts.declarations)
        program, result = await self._build(candidate, parts, execution)
        self.memory = candidate
        self._forget_sources(keep=cell)
        warnings = [d for d in result.diagnostics if d.severity == "warning" and d.cell == cell]
        if warnings:
            io.stream("stderr", "\n".join(diagnostics.describe(warnings, self.sources)) + "\n")
        if parts.runs:
            assert result.binary is not None
            argv = self.toolchain.run_command(result.binary, self.options.args)
            rewrite = self.toolchain.stderr_filter(program)
            with self._phase("run"):
                await self._run(argv, io, execution, rewrite, self.toolchain.run_environment())

    def _check(self, parts: CellParts) -> None:
        problems = list(parts.problems)
        if parts.main is not None and parts.statements:
            first = parts.statements[0]
            problems.append(
                (
                    first,
                    "this cell defines main and also has top-level statements; "
                    "put the statements inside main, or remove main",
                )
            )
        if problems:
            found = [
                diagnostics.Diagnostic("error", message, frag.cell, frag.line, frag.column + 1)
                for frag, message in problems
            ]
            raise diagnostics.compile_error(found, "", self.sources)

    async def _build(
        self, memory: Memory, parts: CellParts, execution: Execution
    ) -> tuple[Program, BuildResult]:
        with self._phase("render"):
            program = self.toolchain.render(memory, parts)
        self.toolchain.find_compiler()
        ctx = _BuildContext(self.workdir, self.options.flags, self.cwd, parts.runs, execution)
        with self._phase("compile"):
            result = await self.toolchain.build(program, ctx)
        execution.check()
        if not result.ok:
            raise diagnostics.compile_error(result.diagnostics, result.output, self.sources)
        return program, result

    async def _run(
        self,
        argv: Sequence[str],
        io: CellIO,
        execution: Execution,
        rewrite: Callable[[str], str] | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        output = OutputBuffer(io.stream, self.output_limit, rewrite)
        env = {**os.environ, **(extra_env or {}), **self.options.env}
        read_input = io.read_input if io.allow_stdin else None
        returncode = await run_program(execution, argv, output, cwd=self.cwd, env=env, read_input=read_input)
        if execution.interrupted:
            raise Interrupted()
        if returncode < 0:
            raise ProgramSignal(-returncode)
        if returncode > 0:
            raise ExitStatus(returncode)

    def _forget_sources(self, keep: int | None = None) -> None:
        """Keep the text of cells the memory still holds (for carets), and of cell ``keep``."""
        needed = self.memory.cells() | {keep}
        for cell in list(self.sources):
            if cell not in needed:
                del self.sources[cell]

    def render_now(self) -> Program:
        return self.toolchain.render(self.memory, CellParts())

    # -- magics ---------------------------------------------------------------------------------

    async def _magic(self, magic: Magic, io: CellIO, execution: Execution) -> None:
        say = lambda text: io.stream("stdout", text if text.endswith("\n") else text + "\n")  # noqa: E731
        name, args = magic.name, magic.args
        if name == "!":
            await self._run(["/bin/sh", "-c", magic.text], io, execution)
        elif name == "help":
            say(help_text(self.toolchain.display_name, str(self.workdir)))
        elif name == "list":
            say(self.listing())
        elif name == "show":
            say(self.render_now().text)
        elif name == "rm":
            keys = _join_keys(args, self.memory)
            if not keys:
                raise MagicError("%rm needs the keys to forget, e.g. %rm square; see %list")
            missing = self.memory.missing(keys)
            if missing:
                raise MagicError(f"not remembered: {', '.join(missing)}; see %list for the keys")
            self.memory = self.memory.remove(keys)
            self._forget_sources()
            say(f"forgot {', '.join(keys)}")
        elif name == "reset":
            self.memory = Memory()
            self.sources.clear()
            say("memory cleared (flags, args and env kept)")
        elif name in ("flags", "args"):
            current: tuple[str, ...] = getattr(self.options, name)
            if args == ("--clear",):
                current = ()
            elif args:
                current = args
            self.options = dataclasses.replace(self.options, **{name: current})
            say(f"{name}: {' '.join(current) if current else '(none)'}")
        elif name == "env":
            env = dict(self.options.env)
            if args == ("--clear",):
                env.clear()
            for arg in args if args != ("--clear",) else ():
                key, eq, value = arg.partition("=")
                if not eq or not key:
                    raise MagicError(f"%env takes NAME=VALUE, not {arg!r}")
                env[key] = value
            self.options = dataclasses.replace(self.options, env=MappingProxyType(env))
            say("\n".join(f"{k}={v}" for k, v in env.items()) or "env: (nothing set)")

    def listing(self) -> str:
        if not len(self.memory):
            return "(nothing remembered)"
        rows = [(", ".join(d.keys), d.kind, cell_label(d.cell)) for d in self.memory]
        widths = [max(len(r[i]) for r in rows) for i in range(2)]
        return "\n".join(f"{k.ljust(widths[0])}  {kind.ljust(widths[1])}  {c}" for k, kind, c in rows)

    # -- editor services --------------------------------------------------------------------------

    @cached_property
    def editor(self) -> EditorHelp:
        """Completion and inspection (``ccellkernel.assist``), with the toolchain's helpers."""
        return EditorHelp(self.toolchain, self.workdir / "assist")

    def complete(self, code: str, cursor: int | None) -> Completions:
        """Completion at ``cursor`` on the program the cell would render to (so remembered names
        count): the toolchain's helper within a second, else remembered names, names in the code so
        far and keywords. Any text, any cursor: never raises. Safe from a worker thread."""
        return self.editor.complete(self.memory, code, cursor, self.options.flags, self.cwd)

    def inspect(self, code: str, cursor: int | None, detail: int = 0) -> Inspection | None:
        """What to show about the name at ``cursor``: a remembered declaration and its cell, else
        the helper's (man page, go doc, std docs). None if nothing is known. Never raises."""
        return self.editor.inspect(self.memory, code, cursor, detail, self.options.flags, self.cwd)

    def is_complete(self, code: str) -> tuple[str, str]:
        """Judged on the code as the cell would compile it: magic lines blanked, ``%%`` removed."""
        try:
            split = split_magics(code)
        except MagicError:
            return "complete", ""  # run it: the user sees what is wrong with the magic
        if not (split.code.strip() or (split.body or "").strip()):
            return "complete", ""
        # a grammar may need the last statement's line end (tree-sitter-go does)
        return self.toolchain.is_complete(split.code + "\n" + (split.body or "") + "\n")


def _join_keys(words: Sequence[str], memory: Memory) -> list[str]:
    """``%rm struct S`` means the key ``struct S``: quoting is not needed where words joined by
    spaces make a remembered key (the longest such run wins)."""
    keys: list[str] = []
    i = 0
    while i < len(words):
        end = next((j for j in range(len(words), i + 1, -1) if " ".join(words[i:j]) in memory), i + 1)
        keys.append(" ".join(words[i:end]))
        i = end
    return keys


__all__ = ["CellIO", "CompileError", "Options", "Session"]

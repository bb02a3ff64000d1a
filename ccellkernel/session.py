"""One notebook: its memory, its options, and the pipeline a cell goes through.

``Session.execute`` takes a cell through CELL_MODEL.md section 1: magics, split, merge into a copy
of the memory, render, build, commit (only if it compiled), run. It speaks to the notebook only
through a ``CellIO`` (the kernel's IOPub in production, a list in tests) and never imports Jupyter.
The magics' actions are ``commands.py``.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from . import cleanup, diagnostics, syntax
from .display import Display
from .errors import CompileError, ExitStatus, Interrupted, MagicError, ProgramSignal
from .jobs import Jobs
from .limits import DEFAULT_OUTPUT, Limits
from .magics import split_magics
from .memory import Fragment, Memory
from .output import OutputBuffer
from .processes import Supervisor
from .program import CellParts, Program, cell_label
from .runner import Execution, run_program, run_tool
from .toolchain import BuildResult, Toolchain, ToolResult

DEFAULT_OUTPUT_LIMIT = DEFAULT_OUTPUT  # bytes of program output per cell (%limits output=)
PHASES = ("parse", "render", "compile", "run")


class CellIO(Protocol):
    """Where a cell's output goes and where its input comes from."""

    allow_stdin: bool

    def stream(self, name: str, text: str) -> None:
        """Send text to the cell's ``stdout`` or ``stderr``."""

    def display(self, item: Display) -> None:
        """Send a display, an update of one, a clear, or the cell's result (``Out[n]``)."""

    def payload(self, item: Mapping[str, Any]) -> None:
        """Add a payload to the cell's reply (``ask_exit``, ``page``)."""

    async def read_input(self, cancel: threading.Event) -> str | None:
        """Ask the user for a line; None for end-of-file. Give up (None) once ``cancel`` is set."""


@dataclass(frozen=True)
class Options:
    """What the magics set for the following cells."""

    flags: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    limits: Limits = field(default_factory=Limits.builtin)


@dataclass
class _BuildContext:
    workdir: Path
    flags: tuple[str, ...]
    cwd: Path
    will_run: bool
    execution: Execution
    tests: bool = False

    async def run_tool(
        self, argv: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
    ) -> ToolResult:
        return await run_tool(self.execution, argv, cwd=cwd, env=env)


@dataclass
class _Run:
    """What a program run left for after it: its result frame, and a crash report if it died."""

    result: Display | None = None
    crash: bytes | None = None


class Session:
    """The state behind one kernel: memory, options, cell sources, and the running cell.

    ``limits`` are the default limits of its programs (``%limits --reset`` returns to them), and
    ``max_limits`` the ceilings ``%limits`` cannot go above; ``output_limit`` overrides ``output=``.
    ``cgroups`` False tracks runs without cgroups (default: ``CCELL_CGROUPS``, else where possible).
    """

    def __init__(
        self,
        toolchain: Toolchain,
        *,
        cwd: Path | None = None,
        output_limit: int | None = None,
        limits: Limits | None = None,
        max_limits: Mapping[str, float | int | None] | None = None,
        cgroups: bool | None = None,
    ) -> None:
        from .commands import Commands

        self.toolchain = toolchain
        self.cwd = cwd or Path.cwd()
        self.default_limits = limits or Limits.builtin()
        if output_limit is not None:
            self.default_limits = dataclasses.replace(self.default_limits, output=output_limit)
        self.max_limits = dict(max_limits or {})
        self.workdir = Path(tempfile.mkdtemp(prefix=f"ccell-{toolchain.name}-"))  # mode 0700
        cleanup.mark(self.workdir)  # so that `ccellkernel clean` knows whose it is
        # Started now, in the background: the first cell finds it ready.
        self.supervisor = Supervisor(self.workdir, cgroups=cgroups)
        with suppress(OSError):  # else the first run tries again, and says what failed
            self.supervisor.start()
        self.jobs = Jobs(self.supervisor, self.workdir / "jobs")
        self.memory = Memory()
        self.options = Options(limits=self.default_limits)
        self.sources: dict[int, list[str]] = {}
        self.timings: dict[str, float] = {}  # seconds per phase of the last cell
        self.commands = Commands(self)
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
        """Kill whatever runs (background jobs too) and remove the build directory."""
        for execution in (self._execution, self._warm_up):
            if execution is not None:
                execution.abort()
        self.jobs.close()
        self.supervisor.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    async def warm_up(self) -> None:
        """Let the toolchain prepare its caches (in the background, at kernel start)."""
        execution = Execution(self.supervisor)
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
        """Run one cell. Raises a ``CellError`` (the memory is unchanged unless the cell compiled)."""
        execution = Execution(self.supervisor)
        self._execution = execution
        self.timings = {}
        start = time.perf_counter()
        timed = False
        try:
            split = split_magics(code, self.toolchain.line_comment)
            timed = any(m.name == "time" for m in split.magics)
            await self._execute(split, code, cell, io, execution)
        finally:
            self._execution = None
            if timed:
                io.stream("stdout", self.timing_line(time.perf_counter() - start))

    def timing_line(self, total: float) -> str:
        """What ``%time`` prints after the cell: each phase it went through, and the whole."""
        shown = [f"{name} {self.timings[name] * 1000:.1f} ms" for name in PHASES if name in self.timings]
        return f"time: {', '.join([*shown, f'total {total * 1000:.1f} ms'])}\n"

    @contextmanager
    def phase(self, name: str):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    async def _execute(self, split, code: str, cell: int, io: CellIO, execution: Execution) -> None:  # type: ignore[no-untyped-def]
        if split.exit:
            io.payload({"source": "ask_exit", "keepkernel": False})
            return
        for magic in split.magics:
            await self.commands.line(magic, io, execution)
        if split.cell_magic is not None:
            await self.commands.cell(split.cell_magic, io, execution)
            return
        self.sources[cell] = code.split("\n")
        with self.phase("parse"):
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
        program, result = await self.build(candidate, parts, execution)
        self.memory = candidate
        self._forget_sources(keep=cell)
        warnings = [d for d in result.diagnostics if d.severity == "warning" and d.cell == cell]
        if warnings:
            io.stream("stderr", "\n".join(diagnostics.describe(warnings, self.sources)) + "\n")
        if parts.runs:
            assert result.binary is not None
            argv = self.toolchain.run_command(result.binary, self.options.args)
            with self.phase("run"):
                await self.run_built(program, result.binary, argv, io, execution)

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

    async def build(
        self, memory: Memory, parts: CellParts, execution: Execution
    ) -> tuple[Program, BuildResult]:
        """Render and build the program for ``parts`` on ``memory``; ``CompileError`` if it fails."""
        with self.phase("render"):
            program = self.toolchain.render(memory, parts)
        result = await self.build_program(program, execution, will_run=parts.runs)
        return program, result

    async def build_program(
        self, program: Program, execution: Execution, *, will_run: bool, tests: bool = False
    ) -> BuildResult:
        self.toolchain.find_compiler()
        ctx = _BuildContext(self.workdir, self.options.flags, self.cwd, will_run, execution, tests)
        with self.phase("compile"):
            result = await self.toolchain.build(program, ctx)
        execution.check()
        if not result.ok:
            raise diagnostics.compile_error(result.diagnostics, result.output, self.sources)
        return result

    async def run_built(
        self, program: Program, binary: Path, argv: Sequence[str], io: CellIO, execution: Execution
    ) -> None:
        """Run a built program as the cell's; its last value becomes ``Out[n]`` if it exits cleanly."""
        run = _Run()

        def on_display(item: Display) -> None:
            if item.kind == "result":
                run.result = item
            elif item.kind == "crash":
                run.crash = item.raw
            else:
                io.display(item)

        rewrite = self.toolchain.stderr_filter(program)
        try:
            await self.run(argv, io, execution, rewrite, self.toolchain.run_environment(), on_display)
        except ProgramSignal as err:
            if run.crash is not None:
                err.details.extend(self.toolchain.explain_crash(program, binary, run.crash))
            raise
        if run.result is not None:
            io.display(run.result)

    async def run(
        self,
        argv: Sequence[str],
        io: CellIO,
        execution: Execution,
        rewrite: Callable[[str], str] | None = None,
        extra_env: Mapping[str, str] | None = None,
        on_display: Callable[[Display], None] | None = None,
        emit: Callable[[str, str], None] | None = None,
    ) -> None:
        """Run ``argv`` streaming its output to ``io`` (or to ``emit``); a non-zero end is a CellError."""
        limits = self.options.limits
        output = OutputBuffer(emit or io.stream, limits.output, rewrite)
        env = {**os.environ, **(extra_env or {}), **self.options.env}
        read_input = io.read_input if io.allow_stdin else None
        ended = await run_program(
            execution,
            argv,
            output,
            cwd=self.cwd,
            env=env,
            read_input=read_input,
            on_display=on_display,
            limits=limits,
        )
        returncode = ended.returncode
        if execution.interrupted:
            raise Interrupted()
        if ended.limit is not None:
            raise ended.limit
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

    def forget(self, keys: Sequence[str]) -> None:
        self.memory = self.memory.remove(keys)
        self._forget_sources()

    def reset(self) -> None:
        self.memory = Memory()
        self.sources.clear()

    def render_now(self) -> Program:
        return self.toolchain.render(self.memory, CellParts())

    def listing(self) -> str:
        if not len(self.memory):
            return "(nothing remembered)"
        rows = [(", ".join(d.keys), d.kind, cell_label(d.cell)) for d in self.memory]
        widths = [max(len(r[i]) for r in rows) for i in range(2)]
        return "\n".join(f"{k.ljust(widths[0])}  {kind.ljust(widths[1])}  {c}" for k, kind, c in rows)

    # -- editor services --------------------------------------------------------------------------

    def complete(self, code: str, cursor: int) -> tuple[list[str], int, int]:
        """Completion: remembered names, names in the code so far, keywords. ``(matches, start, end)``."""
        word = syntax.word_before(code, cursor)
        names = {name for decl in self.memory for name in decl.identifiers}
        tree = syntax.parse(self.toolchain.grammar(), code[: cursor - len(word)])
        names |= syntax.identifiers(tree.root_node)
        names |= self.toolchain.keywords
        matches = sorted(n for n in names if n.startswith(word) and n != word)
        return matches, cursor - len(word), cursor

    def is_complete(self, code: str) -> tuple[str, str]:
        """Judged on the code as the cell would compile it: magic lines blanked, ``%%`` removed."""
        try:
            split = split_magics(code, self.toolchain.line_comment)
        except MagicError:
            return "complete", ""  # run it: the user sees what is wrong with the magic
        if split.cell_magic is not None or split.exit:
            return "complete", ""
        if not (split.code.strip() or (split.body or "").strip()):
            return "complete", ""
        # a grammar may need the last statement's line end (tree-sitter-go does)
        return self.toolchain.is_complete(split.code + "\n" + (split.body or "") + "\n")


__all__ = ["CellIO", "CompileError", "Options", "Session"]

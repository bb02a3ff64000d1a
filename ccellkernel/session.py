"""One notebook: its memory, its options, and the pipeline a cell goes through.

``Session.execute`` takes a cell through CELL_MODEL.md section 1: magics, split, merge into a copy
of the memory, render, build, commit (only if it compiled), run. It speaks to the notebook only
through a ``CellIO`` (the kernel's IOPub in production, a list in tests) and never imports Jupyter.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from . import diagnostics, export, syntax
from .errors import CompileError, ExitStatus, Interrupted, MagicError, ProgramSignal
from .magics import Magic, MagicSplit, help_text, split_magics
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
        self.last_run: CellParts | None = None  # the last cell that ran: what %%export runs by default
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
        """Kill whatever runs and remove the build directory."""
        for execution in (self._execution, self._warm_up):
            if execution is not None:
                execution.abort()
        shutil.rmtree(self.workdir, ignore_errors=True)

    async def warm_up(self) -> None:
        """Let the toolchain prepare its caches (in the background, at kernel start)."""
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
        """Run one cell. Raises a ``CellError`` (the memory is unchanged unless the cell compiled)."""
        execution = Execution()
        self._execution = execution
        self.timings = {}
        try:
            await self._execute(code, cell, io, execution)
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
        if split.cell_magic is not None:  # it takes the rest of the cell: nothing to compile here
            await self._cell_magic(split.cell_magic, cell, io, execution)
            return
        self.sources[cell] = code.split("\n")
        with self._phase("parse"):
            parts = self._parts(split, cell)
        if not (parts.declarations or parts.runs):
            self._forget_sources(keep=cell)
            return
        candidate = self.memory.merge(parts.declarations)
        program, result = await self._build(candidate, parts, execution)
        self.memory = candidate
        if parts.runs:
            self.last_run = parts
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

    def _parts(self, split: MagicSplit, cell: int) -> CellParts:
        """The cell's code split by the toolchain, with the part after ``%%`` as statements; checked."""
        parts = self.toolchain.split(split.code, cell)
        if split.body is not None and split.body.strip():
            assert split.body_line is not None
            body = Fragment(split.body, cell, split.body_line)
            parts = dataclasses.replace(parts, statements=(*parts.statements, body))
        self._check(parts)
        return parts

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
        self, memory: Memory, parts: CellParts, execution: Execution, *, link: bool | None = None
    ) -> tuple[Program, BuildResult]:
        with self._phase("render"):
            program = self.toolchain.render(memory, parts)
        self.toolchain.find_compiler()
        will_run = parts.runs if link is None else link
        ctx = _BuildContext(self.workdir, self.options.flags, self.cwd, will_run, execution)
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

    # -- export (ccellkernel.export writes the files) -------------------------------------------

    async def remember(self, code: str, cell: int, *, check: bool, failed: bool = False) -> CellParts:
        """Take a saved cell into the memory as ``execute`` would, running nothing (no program, no
        shell line): how an exporter replays a notebook. Only the magics that change the memory or
        the options apply; a cell magic's cell changes nothing. ``check``: build first, and raise
        ``CompileError`` (memory unchanged) if that fails; else the cell is trusted to compile.
        ``failed``: the cell is known not to have compiled; only its magics (run before) apply."""
        split = split_magics(code)
        execution = Execution()
        for magic in split.magics:
            if magic.name in ("rm", "reset", "flags", "args", "env"):
                await self._magic(magic, _Quiet(), execution)
        if split.cell_magic is not None or failed:
            return CellParts()
        self.sources[cell] = code.split("\n")
        try:
            parts = self._parts(split, cell)
            candidate = self.memory.merge(parts.declarations)
            if check and (parts.declarations or parts.runs):
                await self._build(candidate, parts, execution)
        finally:
            self._forget_sources(keep=cell)
        self.memory = candidate
        if parts.runs:
            self.last_run = parts
        return parts

    async def program_for(self, parts: CellParts, execution: Execution | None = None) -> Program:
        """The whole program for ``parts`` on top of the memory, compiled and linked (raises
        ``CompileError``); the memory does not change."""
        candidate = self.memory.merge(parts.declarations)
        program, _ = await self._build(candidate, parts, execution or Execution(), link=True)
        return program

    async def _cell_magic(self, magic: Magic, cell: int, io: CellIO, execution: Execution) -> None:
        if magic.name == "export":
            await self._export(magic, cell, io, execution)

    async def _export(self, magic: Magic, cell: int, io: CellIO, execution: Execution) -> None:
        """``%%export DIR``: the rest of the cell is the exported program's main (declarations in it
        join the program, not the memory); without statements, main is the last cell that ran."""
        if len(magic.args) != 1:
            raise MagicError("%%export takes one folder, relative to the notebook's: %%export DIR")
        code = "\n" * magic.line + (magic.body or "")  # the body keeps the cell's line numbers
        self.sources[cell] = code.split("\n")
        try:
            parts = self._parts(MagicSplit((), code, None, None), cell)
            own = parts.runs
            last = self.last_run
            if not own and last is not None:
                parts = dataclasses.replace(parts, statements=last.statements, main=last.main)
            program = await self.program_for(parts, execution)
        finally:
            self._forget_sources()
        runs = parts.statements[0].cell if parts.statements else parts.main.cell if parts.main else None
        options = self.options
        written = export.write_project(
            self.toolchain,
            program,
            self.cwd / magic.args[0],
            main_cell=runs,
            main_is_export_cell=own,
            flags=options.flags,
            args=options.args,
            env=options.env,
        )
        io.stream("stdout", written.summary() + "\n")

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
            self.last_run = None
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
            split = split_magics(code)
        except MagicError:
            return "complete", ""  # run it: the user sees what is wrong with the magic
        if not (split.code.strip() or (split.body or "").strip()):
            return "complete", ""
        # a grammar may need the last statement's line end (tree-sitter-go does)
        return self.toolchain.is_complete(split.code + "\n" + (split.body or "") + "\n")


class _Quiet:
    """A CellIO for replayed magics: what they say goes nowhere, and there is no input."""

    allow_stdin = False

    def stream(self, name: str, text: str) -> None:
        pass

    async def read_input(self, cancel: threading.Event) -> str | None:
        return None


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

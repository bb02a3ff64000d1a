"""One notebook: its memory, its options, and the pipeline a cell goes through.

``Session.execute`` takes a cell through CELL_MODEL.md section 1: magics, split, merge into a copy
of the memory, render, build, commit (only if it compiled), run. Merging and building go through
``pending.settle``, which also keeps the pending declarations of order-free languages (section 4).
It speaks to the notebook only through a ``CellIO`` (the kernel's IOPub in production, a list in
tests) and never imports Jupyter.
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

from . import diagnostics, syntax
from .carryover import Locals
from .errors import CompileError, ExitStatus, Interrupted, MagicError, ProgramSignal
from .magics import Magic, MagicSplit, help_text, split_magics
from .memory import Fragment, Memory, per_cell_keys
from .output import OutputBuffer
from .pending import Pending, settle
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
        self.pending = Pending()  # declarations waiting for names (order-free toolchains)
        self.locals = Locals()  # names that earlier cells' statements declared
        self.options = Options()
        self.sources: dict[int, list[str]] = {}
        self.timings: dict[str, float] = {}  # seconds per phase of the last cell
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

    async def execute(self, code: str, cell: int, io: CellIO, *, cell_id: str | None = None) -> None:
        """Run one cell. Raises a ``CellError`` (the memory is unchanged unless the cell compiled).

        ``cell_id`` is the frontend's id of the cell, when it sends one: running the same cell again
        replaces what only one cell may hold (a Go ``func init``)."""
        execution = Execution()
        self._execution = execution
        self.timings = {}
        try:
            await self._execute(code, cell, io, execution, cell_id)
        finally:
            self._execution = None

    @contextmanager
    def _phase(self, name: str):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    async def _execute(
        self, code: str, cell: int, io: CellIO, execution: Execution, cell_id: str | None = None
    ) -> None:
        split = split_magics(code)
        for magic in split.magics:
            await self._magic(magic, io, execution)
        self.sources[cell] = code.split("\n")
        with self._phase("parse"):
            parts = self._parts(split, cell, cell_id)
        self._check(parts)
        if not (parts.declarations or parts.runs):
            self._forget_sources(keep=cell)
            return
        settled = await settle(
            self.toolchain,
            self.memory,
            self.pending,
            parts,
            cell,
            lambda memory, cell_parts: self._build(memory, cell_parts, execution),
            locals_=self.locals,
            sources=self.sources,
        )
        self.memory, self.pending = settled.memory, settled.pending
        self._forget_sources(keep=cell)
        if settled.notice:
            io.stream("stderr", settled.notice + "\n")
        if settled.program is None or settled.result is None:
            return  # the cell waits: nothing was built that could run
        program, result = settled.program, settled.result
        self.locals = self.locals.record(
            cell, (name for s in parts.statements for name in self.toolchain.statement_locals(s))
        )
        warnings = [d for d in result.diagnostics if d.severity == "warning" and d.cell == cell]
        if warnings:
            io.stream("stderr", "\n".join(diagnostics.describe(warnings, self.sources)) + "\n")
        if parts.runs:
            assert result.binary is not None
            argv = self.toolchain.run_command(result.binary, self.options.args)
            rewrite = self.toolchain.stderr_filter(program)
            with self._phase("run"):
                await self._run(argv, io, execution, rewrite, self.toolchain.run_environment())

    def _parts(self, split: MagicSplit, cell: int, cell_id: str | None) -> CellParts:
        """The cell split by the toolchain, looked at again with the memory, and the ``%%`` body."""
        parts = self.toolchain.refine(self.toolchain.split(split.code, cell), self.memory)
        parts = dataclasses.replace(parts, declarations=per_cell_keys(parts.declarations, cell_id))
        if split.body is not None and split.body.strip():
            assert split.body_line is not None
            body = Fragment(split.body, cell, split.body_line)
            parts = dataclasses.replace(parts, statements=(*parts.statements, body))
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
        self, memory: Memory, parts: CellParts, execution: Execution
    ) -> tuple[Program, BuildResult]:
        with self._phase("render"):
            program = self.toolchain.render(memory, parts)
        self.toolchain.find_compiler()
        ctx = _BuildContext(self.workdir, self.options.flags, self.cwd, parts.runs, execution)
        with self._phase("compile"):
            result = await self.toolchain.build(program, ctx)
        execution.check()
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
        """Keep the text of cells the memory still holds or that wait (for carets), and of ``keep``."""
        needed = self.memory.cells() | self.pending.cells() | {keep}
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
            say(self._forget(args))
        elif name == "reset":
            self.memory = Memory()
            self.pending = Pending()
            self.locals = Locals()
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

    def _forget(self, words: Sequence[str]) -> str:
        """``%rm``: forget remembered or pending declarations by key."""
        known = set(self.memory.keys()) | set(self.pending.keys())
        keys = _join_keys(words, known)
        if not keys:
            raise MagicError("%rm needs the keys to forget, e.g. %rm square; see %list")
        missing = [k for k in keys if k not in known]
        if missing:
            raise MagicError(f"not remembered: {', '.join(missing)}; see %list for the keys")
        self.memory = self.memory.remove(k for k in keys if k in self.memory)
        self.pending = self.pending.remove(keys)
        self._forget_sources()
        return f"forgot {', '.join(keys)}"

    def listing(self) -> str:
        """``%list``: key, kind and cell of each declaration; pending ones say what they wait for."""
        rows = [(", ".join(d.keys), d.kind, cell_label(d.cell), "") for d in self.memory]
        rows += [
            (", ".join(d.keys), d.kind, cell_label(d.cell), f"pending, waits for: {', '.join(p.waits)}")
            for p, d in self.pending.declarations()
        ]
        if not rows:
            return "(nothing remembered)"
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = []
        for key, kind, cell, note in rows:
            line = f"{key.ljust(widths[0])}  {kind.ljust(widths[1])}  {cell}"
            lines.append(f"{line.ljust(sum(widths) + 4)}  {note}" if note else line)
        return "\n".join(lines)

    # -- editor services --------------------------------------------------------------------------

    def complete(self, code: str, cursor: int) -> tuple[list[str], int, int]:
        """Completion: remembered names, names in the code so far, keywords. ``(matches, start, end)``."""
        word = syntax.word_before(code, cursor)
        names = {name for decl in self.memory for name in decl.identifiers}
        names |= {name for _, decl in self.pending.declarations() for name in decl.identifiers}
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


def _join_keys(words: Sequence[str], known: set[str]) -> list[str]:
    """``%rm struct S`` means the key ``struct S``: quoting is not needed where words joined by
    spaces make a remembered key (the longest such run wins)."""
    keys: list[str] = []
    i = 0
    while i < len(words):
        end = next((j for j in range(len(words), i + 1, -1) if " ".join(words[i:j]) in known), i + 1)
        keys.append(" ".join(words[i:end]))
        i = end
    return keys


__all__ = ["CellIO", "CompileError", "Options", "Session"]

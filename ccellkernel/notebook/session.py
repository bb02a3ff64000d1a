"""One notebook: its memory, its options, and the pipeline a cell goes through.

``Session.execute`` takes a cell through CELL_MODEL.md section 1: magics, split, merge into a copy
of the memory, render, build, commit (only if it compiled), run. Merging and building go through
``pending.settle``, which also keeps the pending declarations of order-free languages (section 4).
It speaks to the notebook only through a ``CellIO`` (the kernel's IOPub in production, a list in
tests) and never imports Jupyter. The magics' actions are ``commands.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ccellkernel.api.build import LibraryResolver
from ccellkernel.api.display import Display
from ccellkernel.api.editor import Completions, Inspection
from ccellkernel.api.errors import (
    CellError,
    CompileError,
    ExitStatus,
    Interrupted,
    LibraryError,
    MagicError,
    ProgramSignal,
)
from ccellkernel.api.libraries import NO_LIBRARIES, Libraries
from ccellkernel.api.memory import Declaration, Fragment, Memory, per_cell_keys
from ccellkernel.api.program import CellParts, Program, cell_label
from ccellkernel.api.toolchain import BuildResult, Toolchain, ToolResult
from ccellkernel.assist import EditorHelp, help_request
from ccellkernel.builds.ahead import Ahead
from ccellkernel.builds.cache import BuildCache, Salted, limit_from_environment
from ccellkernel.live.program import LIVE, Live
from ccellkernel.notebook import libraries
from ccellkernel.notebook.carryover import Locals
from ccellkernel.notebook.commands import Commands
from ccellkernel.notebook.pending import Pending, settle
from ccellkernel.notebook.state import Options
from ccellkernel.run import cleanup
from ccellkernel.run.jobs import Jobs
from ccellkernel.run.limits import DEFAULT_OUTPUT, Limits
from ccellkernel.run.output import CellIO, OutputBuffer
from ccellkernel.run.processes import Supervisor
from ccellkernel.run.runner import Execution, run_program, run_tool
from ccellkernel.toolkit import diagnostics
from ccellkernel.toolkit.magics import MagicSplit, split_magics

DEFAULT_OUTPUT_LIMIT = DEFAULT_OUTPUT  # bytes of program output per cell (%limits output=)
PHASES = ("parse", "render", "compile", "link", "run")  # a toolchain may report "link" (BuildResult.timings)
NO_SPACE = re.compile(r"no space left on device|disk quota exceeded|\bENOSPC\b", re.IGNORECASE)
AHEAD_ENV = "CCELL_AHEAD"  # "off": no build is begun between cells
# A cell that comes within this many seconds of the one before came at once, as in Run All (a person
# takes longer to run the next cell)
BACK_TO_BACK = 0.05
WARM_UP_WAIT = 60.0  # seconds the first build waits for the warm-up still running
WARM_UP_NICE = 5


@dataclass
class _BuildContext:
    workdir: Path
    flags: tuple[str, ...]
    cwd: Path
    will_run: bool
    execution: Execution
    cache: BuildCache
    tests: bool = False
    counted: Callable[[], None] = lambda: None
    ahead: Ahead | None = None
    libraries: Libraries = NO_LIBRARIES
    resolver: Callable[[Libraries, LibraryResolver], Awaitable[Libraries]] | None = None

    async def run_tool(
        self, argv: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
    ) -> ToolResult:
        self.counted()
        return await run_tool(self.execution, argv, cwd=cwd, env=env)

    async def resolve(self, libraries: Libraries, run: LibraryResolver) -> Libraries:
        if self.resolver is None:
            raise LibraryError("libraries cannot be fetched here (a build of the editor or of a replay)")
        return await self.resolver(libraries, run)


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
        with contextlib.suppress(OSError):  # else the first run tries again, and says what failed
            self.supervisor.start()
        self.jobs = Jobs(self.supervisor, self.workdir / "jobs")
        # Build products by content, in this kernel's private directory: no kernel shares another's.
        self.cache = BuildCache(self.workdir / "cache", limit_from_environment())
        self.memory = Memory()
        self.pending = Pending()  # declarations waiting for names (order-free toolchains)
        self.locals = Locals()  # names that earlier cells' statements declared
        self.options = Options(limits=self.default_limits)
        self.sources: dict[int, list[str]] = {}
        self.timings: dict[str, float] = {}  # seconds per phase of the last cell
        self.tools = 0  # build tools (compilers, linkers) the last cell started: 0 when all was cached
        self.commands = Commands(self)
        self.last_run: CellParts | None = None  # the last cell that ran: what %%export runs by default
        self.live, self.live_unavailable = _live(toolchain, self.workdir)  # C: ``live/program.py``
        # the next cell's build, begun between cells (``builds/ahead.py``): for the live program's units
        self.ahead: Ahead | None = None
        if self.live is not None and os.environ.get(AHEAD_ENV, "").lower() not in ("off", "0", "no"):
            current = lambda: self._execution  # noqa: E731
            folder = self.workdir / "ahead"
            self.ahead = Ahead(self.supervisor, folder, execution=current, counted=self._counted)
        self._execution: Execution | None = None
        self._io: CellIO | None = None  # the running cell's output
        # the running execution and the interrupts' dates; reentrant: a SIGINT handler runs in the main
        # thread, between any two bytecodes of it
        self._interrupts = threading.RLock()
        self._requested = 0.0  # when the running cell's request was sent (seconds since the epoch)
        self._interrupt_waiting: float | None = None  # sent while no cell ran, not taken yet
        self._warm_up: Execution | None = None
        self._warming: threading.Thread | None = None
        self._ended = 0.0  # when the last cell ended (time.monotonic())
        self.back_to_back = False  # the running cell came the moment the one before ended (Run All)

    @property
    def busy(self) -> bool:
        """Whether a cell runs now."""
        return self._execution is not None

    @property
    def output_limit(self) -> int:
        """Bytes of program output per cell (``%limits output=``)."""
        return self.options.limits.output

    def configure_limits(self, defaults: Limits, ceilings: Mapping[str, float | int | None]) -> None:
        """The kernel's configured limits (``%limits --reset`` returns to ``defaults``), for a session
        made before the kernel read its configuration."""
        self.default_limits, self.max_limits = defaults, dict(ceilings)
        self.options = dataclasses.replace(self.options, limits=defaults)

    # -- control (any thread) ----------------------------------------------------------------

    def interrupt(self, sent: float | None = None) -> bool:
        """Interrupt the running cell if the interrupt was sent after that cell's request. Safe from
        any thread and from a signal handler.

        ``sent``: when the interrupt was sent (seconds since the epoch: its message's date; None:
        now). One sent before the running cell's request was meant for an earlier cell, and is a
        no-op (a person pressing stop, then run; a client interrupting a cell that has just ended).
        One that comes while no cell runs is kept for the next cell, which it reaches only if that
        cell's request was sent before it (run, then stop at once: the stop can overtake the run)."""
        when = time.time() if sent is None else sent
        with self._interrupts:
            execution = self._execution
            if execution is None or when < self._requested:
                if execution is None and when > (self._interrupt_waiting or 0.0):
                    self._interrupt_waiting = when
                return False
        execution.interrupt()
        return True

    def _begin(self, execution: Execution, sent: float | None) -> None:
        """The cell's execution is the running one; an interrupt sent after its request, that came
        before it began, reaches it now."""
        now = time.time()
        with self._interrupts:
            # a clock behind the kernel's must not let an older interrupt through: the earlier of the two
            self._requested = now if sent is None else min(sent, now)
            self._execution = execution
            waiting, self._interrupt_waiting = self._interrupt_waiting, None
        if waiting is not None and waiting >= self._requested:
            execution.interrupt()

    def close(self) -> None:
        """Kill whatever runs (background jobs too), stop the editor helpers and remove the build
        directory."""
        for execution in (self._execution, self._warm_up):
            if execution is not None:
                execution.abort()
        if "editor" in self.__dict__:
            self.editor.close()
        if self.live is not None:
            self.live.close()
        if self.ahead is not None:
            self.ahead.close()
        self.jobs.close()
        self.supervisor.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    async def warm_up(self) -> None:
        """Let the toolchain prepare its caches (``start_warm_up`` does it in the background)."""
        self.editor.warm()
        execution = Execution(self.supervisor)
        self._warm_up = execution
        workdir = self.workdir / "warm-up"
        try:
            workdir.mkdir(exist_ok=True)
            self.cache.begin()
            await self.toolchain.warm_up(_BuildContext(workdir, (), self.cwd, True, execution, self.cache))
            if self.live is not None:
                await self.live.warm_up(self, execution)
        except Exception:  # a cache that stays cold is no error: the first real build reports it
            pass
        finally:
            self._warm_up = None

    def start_warm_up(self) -> None:
        """Start ``warm_up`` now, in a thread with its own event loop, so that it runs while the
        kernel is still starting; the first build waits for it rather than race it for the CPU."""
        self._warming = threading.Thread(target=self._warm_up_in_background, daemon=True)
        self._warming.start()

    def _warm_up_in_background(self) -> None:
        # A lower priority for this thread and the tools it starts (Linux keeps one per thread):
        # the kernel's own start, on the other core or this one, goes first.
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WARM_UP_NICE)
        asyncio.run(self.warm_up())

    async def begin_first(self) -> None:
        """Once the kernel's event loop runs: after the warm-up, begin the first cell's build
        (``Live.prepare``), so that the first cell costs what the others do."""
        await self._wait_for_warm_up(Execution(self.supervisor))
        if self.live is not None and not self.busy:
            self.live.prepare(self)

    async def _wait_for_warm_up(self, execution: Execution) -> None:
        thread = self._warming
        deadline = time.monotonic() + WARM_UP_WAIT
        while thread is not None and thread.is_alive() and time.monotonic() < deadline:
            execution.check()
            await asyncio.sleep(0.002)
        self._warming = None

    # -- cells ----------------------------------------------------------------------------------

    async def execute(
        self, code: str, cell: int, io: CellIO, *, cell_id: str | None = None, sent: float | None = None
    ) -> None:
        """Run one cell. Raises a ``CellError`` (the memory is unchanged unless the cell compiled).

        ``cell_id`` is the frontend's id of the cell, when it sends one: running the same cell again
        replaces what only one cell may hold (a Go ``func init``). ``sent``: when its request was sent
        (seconds since the epoch), which decides the interrupts that reach it (``interrupt``). A last
        line ``name?`` (``name??``: more detail) asks, as in IPython, for the inspection of ``name``
        after the rest of the cell ran: a ``page`` payload (or a notice on stdout).
        """
        execution = Execution(self.supervisor)
        self._begin(execution, sent)
        self.back_to_back = time.monotonic() - self._ended < BACK_TO_BACK
        self.timings = {}
        self.tools = 0
        if self.ahead is not None:
            self.ahead.taken = 0
        start = time.perf_counter()
        timed = False
        asked = help_request(code)  # `name?`: inspection, paged as IPython does
        try:
            if asked is not None:
                code = asked[0]
            split = split_magics(code, self.toolchain.line_comment)
            timed = any(m.name == "time" for m in split.magics)
            with self.commands.capture(split.magics, io) as cell_io:  # %capture FILE
                self._io = cell_io  # where a library fetched during a build shows its progress
                if code.strip() or asked is None:
                    await self._execute(split, code, cell, cell_io, execution, cell_id)
                if asked is not None:
                    await self._page(asked[1], asked[2], cell_io)
        finally:
            self._execution = None
            self._io = None
            self._ended = time.monotonic()
            if timed:
                io.stream("stdout", self.timing_line(time.perf_counter() - start))
            if self.live is not None:
                self.live.prepare(self)

    async def _page(self, name: str, detail: int, io: CellIO) -> None:
        page = await asyncio.to_thread(self.inspect, name, len(name), detail)
        if page is None:
            io.stream("stdout", f"Object `{name}` not found.\n")
        else:
            data = {"text/plain": page.plain, "text/markdown": page.markdown}
            io.payload({"source": "page", "data": data, "start": 0})

    def _timed(self, result: BuildResult) -> None:
        """The steps the toolchain timed itself (``BuildResult.timings``) are not ``compile``."""
        for name, seconds in result.timings.items():
            self.timings[name] = self.timings.get(name, 0.0) + seconds
            self.timings["compile"] -= seconds

    def timing_line(self, total: float) -> str:
        """What ``%time`` prints after the cell: each phase it went through, and the whole."""
        names = [*PHASES, *sorted(set(self.timings) - set(PHASES))]  # and any step a toolchain timed
        shown = [f"{name} {self.timings[name] * 1000:.1f} ms" for name in names if name in self.timings]
        return f"time: {', '.join([*shown, f'total {total * 1000:.1f} ms'])}\n"

    @contextmanager
    def phase(self, name: str):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    async def _execute(  # type: ignore[no-untyped-def]
        self, split, code: str, cell: int, io: CellIO, execution: Execution, cell_id: str | None = None
    ) -> None:
        if split.exit:
            io.payload({"source": "ask_exit", "keepkernel": False})
            return
        await self.commands.lines(split.magics, io, execution)
        if split.cell_magic is not None:  # it takes the rest of the cell: nothing to compile here
            await self.commands.cell(split.cell_magic, cell, io, execution)
            return
        self.sources[cell] = code.split("\n")
        if self._warming is not None:  # rendering may need what the warm-up learns (Go's packages)
            await self._wait_for_warm_up(execution)
        with self.phase("parse"):
            parts = self.parts(split, cell, cell_id)
        self._check(parts)
        if not (parts.declarations or parts.runs):
            self.forget_sources(keep=cell)
            return
        live = self.live if self.live is not None and parts.main is None else None
        if live is not None:  # the cell is a unit of the live program (or of a fresh host)

            async def build(memory: Memory, cell_parts: CellParts) -> tuple[Program, BuildResult]:
                with self.phase("compile"):
                    try:
                        program, result = await live.build(self, memory, cell_parts, cell, execution)
                    except CompileError as err:  # the host's build, or a unit the disk had no room for
                        self._check_space(err.evalue, *err.details)
                        raise
                self._timed(result)
                if not result.ok:
                    self._check_space(result.output, *(d.message for d in result.diagnostics))
                return program, result

        else:

            def build(memory: Memory, cell_parts: CellParts):  # type: ignore[no-untyped-def]
                return self.build(memory, cell_parts, execution, check=False)

        # a live program's cell that fails when it runs is undone whole (CELL_MODEL section 1a)
        before = self.memory, self.pending, self.last_run
        settled = await settle(
            self.toolchain,
            self.memory,
            self.pending,
            parts,
            cell,
            build,
            locals_=self.locals,
            sources=self.sources,
        )
        self.memory, self.pending = settled.memory, settled.pending
        self.forget_sources(keep=cell)
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
            self.last_run = parts
        if live is not None:
            took_effect = False
            try:
                with self.phase("run"):
                    took_effect = await live.run(self, parts, cell, io, execution)
            finally:
                if not took_effect and live.mode == LIVE:
                    self.memory, self.pending, self.last_run = before
            return
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
        self,
        memory: Memory,
        parts: CellParts,
        execution: Execution,
        *,
        link: bool | None = None,
        check: bool = True,
    ) -> tuple[Program, BuildResult]:
        """Render and build the program for ``parts`` on ``memory``. ``link``: build a whole program
        even if the cell only declares; ``check``: a failed build is a ``CompileError`` (else the
        result says why, for ``pending.settle``)."""
        with self.phase("render"):
            program = self.toolchain.render(memory, parts)
        will_run = parts.runs if link is None else link
        result = await self.build_program(program, execution, will_run=will_run, check=check)
        return program, result

    async def build_program(
        self,
        program: Program,
        execution: Execution,
        *,
        will_run: bool,
        tests: bool = False,
        check: bool = True,
    ) -> BuildResult:
        if self._warming is not None:
            await self._wait_for_warm_up(execution)
        self.toolchain.find_compiler()
        ctx = self.context(execution, will_run=will_run, tests=tests, ahead=False)
        self.cache.begin()
        with self.phase("compile"):
            try:
                result = await self.toolchain.build(program, ctx)
            except OSError as err:
                if err.errno not in (errno.ENOSPC, errno.EDQUOT):
                    raise
                result = BuildResult(None, output=str(err))
        self._timed(result)
        execution.check()
        self.took(result)
        if not result.ok:
            self._check_space(result.output, *(d.message for d in result.diagnostics))
        if check and not result.ok:
            raise diagnostics.compile_error(result.diagnostics, result.output, self.sources)
        return result

    def _check_space(self, *said: str) -> None:
        """A build that failed for want of disk space is that, not the cell's fault: say so."""
        text = "\n".join(said)
        if NO_SPACE.search(text):
            raise CompileError(
                f"no space left on the device holding {self.workdir}: free some space and run the "
                "cell again (the memory is unchanged)",
                [line for line in text.splitlines() if NO_SPACE.search(line)][:3],
            )

    def _counted(self) -> None:
        self.tools += 1

    async def run_built(
        self,
        program: Program,
        binary: Path,
        argv: Sequence[str],
        io: CellIO,
        execution: Execution,
        *,
        answers: Callable[[str, str], None] | None = None,
        rewrite: Callable[[str], str] | None = None,
    ) -> None:
        """Run a built program as the cell's; its last value becomes ``Out[n]`` if it exits cleanly.
        ``answers``: what a live host says (frames of kind ``answer``: word, text)."""
        run = _Run()

        def on_display(item: Display) -> None:
            if item.kind == "result":
                run.result = item
            elif item.kind == "crash":
                run.crash = item.raw
            elif item.kind == "answer":
                if answers is not None:
                    answers(item.display_id, item.raw.decode("utf-8", "replace"))
            else:
                io.display(item)

        rewrite = rewrite or self.toolchain.stderr_filter(program)
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
        *,
        cwd: Path | None = None,
        stdin: Path | None = None,
    ) -> None:
        """Run ``argv`` streaming its output to ``io`` (or to ``emit``); a non-zero end is a CellError.
        ``cwd``: another folder than the kernel's; ``stdin``: a file the program reads as its stdin."""
        output = OutputBuffer(emit or io.stream, self.options.limits.output, rewrite)
        env = self.environment(extra_env)
        read_input = io.read_input if io.allow_stdin else None
        ended = await run_program(
            execution,
            argv,
            output,
            cwd=cwd or self.cwd,
            env=env,
            read_input=read_input,
            on_display=on_display,
            limits=self.options.limits,
            stdin_file=stdin,
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

    def context(
        self, execution: Execution, *, will_run: bool = True, tests: bool = False, ahead: bool = True
    ) -> _BuildContext:
        """The build context of this session's cells: with libraries, a cache whose keys include
        theirs (nothing built without them is found), and a way to fetch more (Go's imports)."""
        found = self.options.libraries
        return _BuildContext(
            self.workdir,
            self.options.flags,
            self.cwd,
            will_run,
            execution,
            Salted(self.cache, found.key) if found.key else self.cache,
            tests,
            counted=self._counted,
            ahead=self.ahead if ahead else None,
            libraries=found,
            resolver=self._resolver(execution),
        )

    def _resolver(self, execution: Execution) -> Callable[[Libraries, LibraryResolver], Awaitable[Libraries]]:
        async def resolve(current: Libraries, run: LibraryResolver) -> Libraries:
            ctx = self.library_context(execution, self._io or _Quiet(), current)
            with self.phase("libraries"):
                return await libraries.resolve(run, ctx)

        return resolve

    def library_context(
        self, execution: Execution, io: CellIO, current: Libraries | None = None
    ) -> libraries.Context:
        """What ``Toolchain.resolve_libraries`` is handed in this notebook."""
        return libraries.Context(
            folder=self.workdir / "libraries",
            cwd=self.cwd,
            current=self.options.libraries if current is None else current,
            environment=self.environment(),
            execution=execution,
            limits=self.options.limits,
            io=io,
        )

    def took(self, result: BuildResult) -> None:
        """A build that compiled and fetched libraries itself (Go's imports): the notebook has them."""
        if result.ok and result.libraries is not None:
            self.options = dataclasses.replace(self.options, libraries=result.libraries)

    def environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """A program's environment: the kernel's, the toolchain's ``extra``, what the libraries need
        (``Libraries.run_env``), then ``%env``."""
        return {**os.environ, **(extra or {}), **self.options.libraries.run_env, **self.options.env}

    def program_args(self) -> tuple[str, ...]:
        return self.options.args

    def forget_sources(self, keep: int | None = None) -> None:
        """Keep the text of cells the memory still holds or that wait (for carets), and of ``keep``."""
        needed = self.memory.cells() | self.pending.cells() | {keep}
        for cell in list(self.sources):
            if cell not in needed:
                del self.sources[cell]

    def reset(self) -> None:
        if self.live is not None:
            self.live.reset()
        self.memory = Memory()
        self.pending = Pending()
        self.locals = Locals()
        self.last_run = None
        self.sources.clear()

    def render_now(self) -> Program:
        return self.toolchain.render(self.memory, CellParts())

    # -- export (ccellkernel.notebook.export writes the files) -------------------------------------------

    def parts(self, split: MagicSplit, cell: int, cell_id: str | None = None) -> CellParts:
        """The cell split by the toolchain, looked at again with the memory, and the ``%%`` body."""
        parts = self.toolchain.refine(self.toolchain.split(split.code, cell), self.memory)
        parts = dataclasses.replace(parts, declarations=per_cell_keys(parts.declarations, cell_id))
        if split.body is not None and split.body.strip():
            assert split.body_line is not None
            body = Fragment(split.body, cell, split.body_line)
            parts = dataclasses.replace(parts, statements=(*parts.statements, body))
        return parts

    async def remember(self, code: str, cell: int, *, check: bool, failed: bool = False) -> CellParts:
        """Take a saved cell into the memory as ``execute`` would, running nothing (no program, no
        shell line): how an exporter replays a notebook. Only the magics that change the memory, the
        options or the live program's mode (``%state``) apply; a cell magic's cell changes nothing.
        ``check``: build first, and raise ``CompileError`` (memory unchanged) if that fails; else the
        cell is trusted to compile.
        ``failed``: the cell is known not to have compiled; only its magics (run before) apply."""
        split = split_magics(code, self.toolchain.line_comment)
        execution = Execution(self.supervisor)
        kept = ("rm", "reset", "flags", "flags+", "args", "env", "state", "dep")
        await self.commands.lines([m for m in split.magics if m.name in kept], _Quiet(), execution)
        if split.cell_magic is not None or split.exit or failed:
            return CellParts()
        self.sources[cell] = code.split("\n")
        try:
            parts = self.parts(split, cell)
            candidate = self.memory.merge(parts.declarations)
            if check and (parts.declarations or parts.runs):
                await self.build(candidate, parts, execution)
        finally:
            self.forget_sources(keep=cell)
        self.memory = candidate
        if parts.runs:
            self.last_run = parts
        return parts

    async def program_for(self, parts: CellParts, execution: Execution | None = None) -> Program:
        """The whole program for ``parts`` on top of the memory, compiled and linked (raises
        ``CompileError``); the memory does not change."""
        candidate = self.memory.merge(parts.declarations)
        program, _ = await self.build(candidate, parts, execution or Execution(self.supervisor), link=True)
        return program

    def forget(self, words: Sequence[str]) -> tuple[str, list[str]]:
        """``%rm``: forget remembered or pending declarations by key; what to say, and the keys
        nothing had (a warning, as in GoNB: a notebook run from the top goes on)."""
        known = set(self.memory.keys()) | set(self.pending.keys())
        keys = _join_keys(words, known)
        # a name declared once per cell (Go's init: init@3fa9c2...) forgets every one of them
        keys = [k for key in keys for k in (_per_cell(key, known) if key not in known else None) or [key]]
        if not keys:
            raise MagicError("%rm needs the keys to forget, e.g. %rm square; see %list")
        missing = [k for k in keys if k not in known]
        keys = [k for k in keys if k in known]
        if not keys:
            return "", missing
        self.memory = self.memory.remove(k for k in keys if k in self.memory)
        self.pending = self.pending.remove(keys)
        if self.live is not None:
            self.live.forget(keys)
        self.forget_sources()
        return f"forgot {', '.join(keys)}", missing

    def listing(self) -> str:
        """``%list``: key, kind and cell of each declaration; pending ones say what they wait for."""
        rows = [(", ".join(d.keys), d.kind, cell_label(d.cell), self._value_note(d)) for d in self.memory]
        rows += [
            (", ".join(d.keys), d.kind, cell_label(d.cell), f"pending, waits for: {', '.join(p.waits)}")
            for p, d in self.pending.declarations()
        ]
        found = self.options.libraries
        if not rows:
            return "(nothing remembered)" + (f"\n\nlibraries (%dep):\n{found.listing()}" if found else "")
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = []
        for key, kind, cell, note in rows:
            line = f"{key.ljust(widths[0])}  {kind.ljust(widths[1])}  {cell}"
            lines.append(f"{line.ljust(sum(widths) + 4)}  {note}" if note else line)
        if found:
            lines += ["", "libraries (%dep):", found.listing()]
        return "\n".join(lines)

    def _value_note(self, decl: Declaration) -> str:
        """A global's type, and whether its value lives on (the live program) or starts again."""
        live = self.live
        if live is None or live.support.role(decl) != "data":
            return ""
        shown = live.support.value_type(decl)
        kept = "keeps its value" if live.mode == "live" else "starts from its initializer each run"
        return f"{shown}; {kept}" if shown else kept

    # -- editor services --------------------------------------------------------------------------

    @cached_property
    def editor(self) -> EditorHelp:
        """Completion and inspection (``ccellkernel.assist``), with the toolchain's helpers."""
        return EditorHelp(self.toolchain, self.workdir / "assist")

    def complete(self, code: str, cursor: int | None) -> Completions:
        """Completion at ``cursor`` on the program the cell would render to (so remembered names
        count): the toolchain's helper within a second, else remembered names, names in the code so
        far and keywords. Any text, any cursor: never raises. Safe from a worker thread."""
        return self.editor.complete(
            self._known(), code, cursor, self.options.flags, self.cwd, self.options.libraries
        )

    def inspect(self, code: str, cursor: int | None, detail: int = 0) -> Inspection | None:
        """What to show about the name at ``cursor``: a remembered declaration and its cell, else
        the helper's (man page, go doc, std docs). None if nothing is known. Never raises."""
        return self.editor.inspect(
            self._known(), code, cursor, detail, self.options.flags, self.cwd, self.options.libraries
        )

    def _known(self) -> Memory:
        """The memory and the declarations that wait: what the editor may offer and explain."""
        waiting = [decl for _, decl in self.pending.declarations()]
        return self.memory.merge(waiting) if waiting else self.memory

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


def _live(toolchain: Toolchain, workdir: Path) -> tuple[Live | None, str | None]:
    """The toolchain's live program, if it has one and it can work here; else why not (None: the
    toolchain has none)."""
    try:
        support = toolchain.live_support()
        if support is None:
            return None, None
        why = support.available()
        if why is not None:
            return None, why
    except CellError as err:  # no compiler: every build will say so
        return None, err.evalue
    return Live(support, toolchain, workdir), None


class _Quiet:
    """A CellIO for replayed magics: what they say goes nowhere, and there is no input."""

    allow_stdin = False

    def stream(self, name: str, text: str) -> None:
        pass

    def display(self, item: Display) -> None:
        pass

    def payload(self, item: Mapping[str, Any]) -> None:
        pass

    async def read_input(self, cancel: threading.Event, prompt: str = "") -> str | None:
        return None


def _per_cell(name: str, known: set[str]) -> list[str]:
    return sorted(k for k in known if "@" in k and k.partition("@")[0] == name)


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

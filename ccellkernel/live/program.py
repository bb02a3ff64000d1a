"""The live program (CELL_MODEL.md section 1a): cells as shared objects loaded into one process.

A toolchain whose programs are native code opts in with ``Toolchain.live_support()``, a ``Support``.
Then every cell that does not define its own ``main`` is compiled as a *unit*: a shared object with
the definitions this cell needs compiled (new declarations, changed ones, and what uses a changed
one) and a function running the cell's statements. Units are loaded into a *host*
(``live_host.c``, built once with the toolchain's runtime), which runs the statements.

Two modes (``%state``):

- **live** (the default): one host per notebook. Globals keep their values from cell to cell. Before
  each cell the host forks a *checkpoint*, a stopped copy of itself; if the cell crashes, calls
  ``exit``, fails an ``assert``, is interrupted or hits a limit, the host dies and the checkpoint takes
  over, so the state is exactly as it was before the cell, and the session's memory goes back too
  (``rolled back: globals and declarations as before Cell In[7]``).
  A successful cell drops the checkpoint. Threads started by earlier cells keep running; fork copies
  only the main thread, so after a rollback they are gone.
- **fresh**: a new host per cell (``live_host.c --batch``), run like any program, which loads every
  unit it needs and runs the cell: CELL_MODEL section 1, globals from their initializers every time,
  and no relinking of the whole program.

**Keys.** Each code and data declaration has a *live key* (``units.live_keys``): a hash of its text and of
the keys of what it uses (``Support.uses``, by name); a function's key also covers the includes, the
``%flags`` and the functions it calls (a cycle of calls is one group). A declaration is compiled
again exactly when its key is new, so a changed function recompiles its callers, and every later
call, also from an earlier cell's function, reaches the newest definition. A global keeps its value
while its key stays (same text, same types); a new key is a new global. Symbols are named after keys
(``Support.render_unit``), so versions never clash.

**Units** go into the kernel's build cache (``cache.BuildCache``) under the hash of their text without
the cell's own label (with the headers they included recorded, ``content.depends_on``), so running a
cell again finds its unit and builds nothing. They load in the order they were built. Before a cell
runs, the host checks that every function the current units call is defined
somewhere (``elf.py``), as a linker would.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import re
import shutil
import signal
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ccellkernel.api.display import Display
from ccellkernel.api.errors import (
    CellError,
    CompileError,
    ExitStatus,
    Interrupted,
    LiveProgramError,
    ProgramSignal,
)
from ccellkernel.api.libraries import Library
from ccellkernel.api.live import CODE, DATA, Support, UnitRequest, label_name
from ccellkernel.api.memory import Memory
from ccellkernel.api.program import CellParts, Program, cell_label
from ccellkernel.api.toolchain import BuildContext, BuildResult
from ccellkernel.live import elf
from ccellkernel.live.host import FIELD, Fifo, Host, HostDied
from ccellkernel.live.units import HOST_FILE, UNIT_FILE, Compiled, Plan, Units, live_keys, needed, plan
from ccellkernel.run.limits import Limits, Machine, exceeded
from ccellkernel.run.output import CellIO, OutputBuffer
from ccellkernel.run.runner import Execution, flush_every, unread
from ccellkernel.run.supervisor import tasks
from ccellkernel.toolkit import content

if TYPE_CHECKING:
    from ccellkernel.api.toolchain import Toolchain
    from ccellkernel.run.processes import Supervisor

log = logging.getLogger(__name__)
LIVE, FRESH = "live", "fresh"
POLL = 0.05
AHEAD_AFTER = 0.02  # seconds after a cell before the next cell's build begins (``Live.prepare``)
# What the live program says when it starts again or rolls a cell back without an error; a saved
# notebook's outputs keep these words, and its replay for export reads them (``notebook/replay.py``).
NEW_LIMITS = "new %limits: the live program starts again (globals from their initializers)"
ENDED_BETWEEN_CELLS = (
    "the live program had ended between cells: its state was lost; it starts again "
    "(declarations kept, globals from their initializers)"
)
NOT_RESTORED = "the live program could not be restored: its state was lost"
DROPPED_LIBRARY = (
    "a library the live program had loaded was dropped: it starts again (globals from their initializers)"
)
# A cell rolled back, said in one line (the last of the error, or an interrupt's evalue). Notebooks
# saved before the whole cell was rolled back (its declarations too) say ``state restored to before``.
AS_BEFORE = "globals and declarations as before"
EXITED_ZERO = "the cell called exit(0)"


# -- the live program of a session ---------------------------------------------------------------------

HOST_SOURCE = "live_host.c"
_NOT_STORED = "the build could not be stored in {} (no space left on device?); the memory is unchanged"
_ENTRY = re.compile(r"\bccell_run_[0-9a-f]{16}\b")  # the function of a unit's statements


class Session(Protocol):  # what of ``ccellkernel.notebook.session.Session`` this module uses
    cwd: Path
    back_to_back: bool
    memory: Memory
    busy: bool  # a cell is running
    output_limit: int
    workdir: Path
    supervisor: Supervisor
    options: Any  # its ``limits``: the limits of the cells
    timings: dict[str, float]  # seconds per phase of the cell: the live program adds ``load``

    def context(self, execution: Execution, *, will_run: bool = True) -> BuildContext: ...

    def environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]: ...

    def program_args(self) -> tuple[str, ...]: ...

    async def run(self, argv: Sequence[str], io: CellIO, execution: Execution, **options: Any) -> None: ...


@dataclass(frozen=True)
class Prepared:
    """A cell's build: what it needs loaded, and its own unit (None when it needs none)."""

    plan: Plan
    unit: Compiled | None
    keys: Mapping[str, str]
    memory: Memory
    program: Program
    label: str  # the cell label the statements carry now (the unit's may be an earlier run's)


# the memory, salt and epochs live keys were made from; the keys; the globals' memory keys
_Memo = tuple[Memory, str, tuple[tuple[str, int], ...], dict[str, str], set[str], str]


class Live:
    """The live program of one session: its units, its host, and what the host holds."""

    def __init__(self, support: Support, toolchain: Toolchain, workdir: Path) -> None:
        self.support = support
        self.toolchain = toolchain
        self.units = Units()
        self.mode = LIVE
        self.host: Host | None = None
        self.loaded: dict[str, str] = {}  # live key -> memory key, of what the host holds now
        self.loaded_files: set[Path] = set()
        self.epochs: dict[str, int] = {}
        self.prepared: Prepared | None = None
        self._background: CellIO | None = None  # where output between cells goes: the last cell
        self._lost: str | None = None  # the host died between cells: said at the next one
        self._started_with: Limits | None = None  # the limits the live program runs under
        self._libraries: frozenset[Library] = frozenset()  # the %dep libraries it may have loaded
        self._copies = workdir / "live"  # what the live host loads (see ``_live_path``)
        self._memo: _Memo | None = None
        self._symbols_found: tuple[int, frozenset[str]] | None = None  # (host, units) last found whole
        # the cells whose statements ran and were kept, in order, since this live program started:
        # what an export's main runs (``notebook/export.py``)
        self.kept: list[CellParts] = []

    # -- building -----------------------------------------------------------------------------------

    async def build(
        self, session: Session, memory: Memory, parts: CellParts, cell: int, execution: Execution
    ) -> tuple[Program, BuildResult]:
        """Plan and build the cell's unit (``pending.settle`` calls this as the session's build)."""
        if self.mode == LIVE and self.host is not None and self._started_with != _whole(session):
            self.reset()  # the live program is held to its limits as a whole: a new one for new ones
            self._lost = NEW_LIMITS
        ctx = session.context(execution)
        libraries = frozenset(ctx.libraries.resolved)
        if self.mode == LIVE and self.host is not None and not self._libraries <= libraries:
            self.reset()  # a library loaded into a process stays there: %rm of it needs a new one
            self._lost = DROPPED_LIBRARY
        store = self.units.store = ctx.cache
        store.begin()
        changed = self._check_loaded() if self.mode == LIVE and self.host is not None else ()
        if self.mode == LIVE and not self._alive():
            await self._start(session, execution)
        self._libraries |= libraries
        # units are built with the libraries' flags: other libraries, other units (a function
        # compiled before a %dep is compiled again, linked with what it calls; globals stay)
        identity = self.support.identity()
        if ctx.libraries.key:
            identity = content.key(identity, ctx.libraries.key)
        keys, data, declared = self._keys(memory, content.key(identity, *ctx.flags))
        loaded = self.loaded if self.mode == LIVE else {}
        needs = plan(memory, keys, self.units, loaded, data)
        if changed:
            needs = dataclasses.replace(needs, notices=(*changed, *needs.notices))
        label = cell_label(cell)
        statements = "\n".join(s.text for s in parts.statements)
        if not needs.build and not parts.statements and not parts.declarations:
            self.prepared = Prepared(needs, None, keys, memory, Program("", ()), label)
            return self.prepared.program, BuildResult(store.root)
        # the statements' function is named after all the unit's source holds (but the cell's label)
        entry = f"ccell_run_{content.key(statements, declared, *ctx.flags, identity)[:16]}"
        # the same statements on the same declarations ran before (a cell run again after a change
        # and its undoing, %flags and back): that unit holds what this one would
        again = self.units.by_entry.get(entry) if parts.statements else None
        wanted = {keys[k] for k in needs.build}
        if again is not None and wanted <= set(again.defines) and self.units.valid(again):
            self.prepared = Prepared(needs, again, keys, memory, again.program, label)
            return again.program, BuildResult(again.path)
        request = UnitRequest(memory, parts, keys, needs.build, entry, entry)
        unit = self.support.render_unit(request)
        text_key = content.key(unit.program.text.replace(label, "Cell In[@]"), identity, *ctx.flags)
        compiled = self.units.by_text.get(text_key)
        result = BuildResult(store.root)
        if compiled is None or not self.units.valid(compiled):
            with store.scratch() as folder:
                output = folder / UNIT_FILE
                if session.back_to_back:  # Run All: the next cell comes the moment this one ends
                    self._begin_beside(session, memory)
                result = await self.support.build_unit(unit, ctx, output)
                execution.check()
                if not result.ok:
                    return unit.program, result
                inside = f"{folder}{os.sep}"
                read = [p for p in self.support.dependencies(output) if not str(p).startswith(inside)]
                made = content.depends_on(read)  # the headers (the unit's own source goes with the folder)
                stored = store.put(text_key, {UNIT_FILE: output}, {"depends_on": made})
            if stored is None:
                raise CompileError(_NOT_STORED.format(store.root))
            self.units.built += 1
            compiled = Compiled(
                stored,
                self.units.built,
                unit.defines,
                unit.inits,
                unit.entry,
                elf.symbols(stored.path(UNIT_FILE)),
                label,
                unit.program,
            )
            self.units.add(compiled, text_key)
        # declarations that define nothing (types, macros): compiled as a check, not loaded
        checked = not needs.build and not parts.statements
        self.prepared = Prepared(needs, None if checked else compiled, keys, memory, unit.program, label)
        return unit.program, BuildResult(compiled.path, result.diagnostics, result.output, result.timings)

    def _keys(self, memory: Memory, salt: str) -> tuple[dict[str, str], set[str], str]:
        """``live_keys``, the memory keys of globals, and a key of every declaration (code and data by
        their live keys, the rest by their text), again only when the memory changed (a cell of
        statements, the most common, keeps the very declarations of the last one)."""
        epochs = tuple(sorted(self.epochs.items()))
        memo = self._memo
        if memo is not None and memo[1:3] == (salt, epochs) and memory.same(memo[0]):
            return memo[3], memo[4], memo[5]
        keys = live_keys(memory, self.support, salt, self.epochs)
        data = {d.key for d in memory if self.support.role(d) == DATA}
        headers = [d.fragment.text for d in memory if d.key not in keys]
        declared = content.key(*sorted(keys.values()), *headers)
        self._memo = (memory, salt, epochs, keys, data, declared)
        return keys, data, declared

    def _check_loaded(self) -> tuple[str, ...]:
        """Before a cell: a header that a loaded unit read has changed (``#include "mine.h"``
        edited): what the unit defines is built again, as if redefined. Returns the notice."""
        holding = {id(u): u for k, u in self.units.by_key.items() if k in self.loaded}
        seen: dict[tuple[object, ...], bool] = {}
        files = {f for u in holding.values() for f in _reads(u)}  # units share most of theirs
        if all(_still(f, seen) for f in files):
            return ()
        headers: set[str] = set()
        for unit in sorted(holding.values(), key=lambda u: u.order):
            stale = [f for f in _reads(unit) if not _still(f, seen)]
            if stale:
                headers.update(os.path.basename(str(f[0])) for f in stale)
                for key in unit.defines:
                    name = self.loaded.get(key)
                    if name is not None:
                        self.epochs[name] = self.epochs.get(name, 0) + 1
                self.units.valid(unit)  # forgotten: built again
        if not headers:
            return ()
        return (f"{', '.join(sorted(headers))} changed: what was built with it is built again",)

    async def _host_binary(self, session: Session, execution: Execution) -> Path:
        source_text = resources.files(__package__).joinpath(HOST_SOURCE).read_text(encoding="utf-8")
        text_key = content.key("host", source_text, self.support.host_key(), self.support.identity())
        ctx = session.context(execution)
        found = ctx.cache.get(text_key)
        if found is not None:
            return found.path(HOST_FILE)
        with ctx.cache.scratch() as folder:
            source = folder / HOST_SOURCE
            source.write_text(source_text, encoding="utf-8")
            output = folder / HOST_FILE
            result = await self.support.build_host(ctx, source, output)
            if not result.ok:
                raise CompileError(f"the live program's host did not build: {result.output.strip()[:500]}")
            stored = ctx.cache.put(text_key, {HOST_FILE: output})
        if stored is None:
            raise CompileError(_NOT_STORED.format(ctx.cache.root))
        return stored.path(HOST_FILE)

    # -- the host -----------------------------------------------------------------------------------

    def _alive(self) -> bool:
        return self.host is not None and self.host.alive() and self.host.loop is asyncio.get_running_loop()

    async def _start(self, session: Session, execution: Execution) -> None:
        if self.host is not None:  # it died between cells (a thread crashed it, or it was killed)
            self._lost = ENDED_BETWEEN_CELLS
            self.host.close()
        binary = await self._host_binary(session, execution)
        self.host = Host(self._output_between_cells, session.workdir / "stdin")
        env = session.environment(self.toolchain.run_environment())
        self._started_with = _whole(session)
        await self.host.start(session.supervisor, [str(binary)], session.cwd, env, self._started_with)
        self.host.environ = env
        self.loaded, self.loaded_files = {}, set()
        self.kept = []
        self._libraries = frozenset()

    def _output_between_cells(self, name: str, text: str) -> None:
        if self._background is not None:
            self._background.stream(name, text)

    async def warm_up(self, session: Session, execution: Execution) -> None:
        """Build the host, so that the first cell has only itself to build. (It starts with that
        cell: its pipes belong to the event loop that runs the cells, which need not be this one.)"""
        await self._host_binary(session, execution)

    def prepare(self, session: Session) -> None:
        """After a cell, or once the kernel has started: the toolchain begins the next cell's build
        (``Support.prepare``) a moment after the reply went out (``AHEAD_AFTER``), unless a cell runs
        by then: a cell typed after a pause finds the compiler waiting, and a cell that comes at once
        (run again, a magic) does not share the CPU with the compiler's start. (In a notebook run at
        once the next cell's build began beside this cell's: ``_begin_beside``; this keeps it.)"""

        def begin() -> None:
            if session.busy:
                return
            self._begin(session, session.memory)

        asyncio.get_running_loop().call_later(AHEAD_AFTER, begin)

    def _begin(self, session: Session, memory: Memory) -> None:
        ctx = session.context(Execution(session.supervisor))  # no cell's: nothing to interrupt
        try:
            self.support.prepare(memory, ctx)
        except Exception:  # a build begun ahead is only ever a head start: a cell builds anyway
            log.exception("could not begin the next cell's build")

    def _begin_beside(self, session: Session, memory: Memory) -> None:
        """In a notebook run at once (``Session.back_to_back``: this cell came the moment the one
        before ended, and the next will too), the next cell's build begins beside this cell's, on the
        memory this cell leaves if it succeeds, once this build has taken the one begun for it (at
        its first wait): the next cell then finds its headers read. After a pause, the build begun
        20 ms after the reply does that without sharing the CPU with this cell's build."""
        asyncio.get_running_loop().call_soon(self._begin, session, memory)

    def set_mode(self, mode: str) -> None:
        """``%state live|fresh``. A change ends the live program: back in live mode, a new one starts
        from the initializers (what fresh cells did is not in it, nor is what came before them)."""
        if mode != self.mode:
            self.reset()
        self.mode = mode

    def reset(self) -> None:
        """``%reset``: a new live program (the units stay built)."""
        if self.host is not None:
            self.host.close()
        self.host = None
        self.loaded, self.loaded_files = {}, set()
        self.kept = []
        self._lost = None
        self._started_with = None
        self._libraries = frozenset()

    def took_effect(self, parts: CellParts) -> None:
        """The statements of ``parts`` ran in this live program and were kept (a saved notebook's
        replay says so of the cells that ran without an error)."""
        if parts.statements:
            self.kept.append(parts)

    def forget(self, keys: Iterable[str]) -> None:
        """``%rm``: what is forgotten and declared again starts again, even with the same text."""
        for key in keys:
            self.epochs[key] = self.epochs.get(key, 0) + 1

    def close(self) -> None:
        if self.host is not None:
            self.host.close()
            self.host = None

    # -- running ------------------------------------------------------------------------------------

    async def run(
        self, session: Session, parts: CellParts, cell: int, io: CellIO, execution: Execution
    ) -> bool:
        """Run the cell; False if the live program rolled it back without an error (``exit(0)``).
        A cell that fails here in mode ``live`` was rolled back too (its error says so)."""
        prepared, self.prepared = self.prepared, None
        if prepared is None:
            return True
        if self.mode == FRESH:
            if parts.runs:
                await self._run_fresh(session, prepared, io, execution)
            return True
        self._background = io
        if self._lost:
            io.stream("stderr", f"[ccellkernel: {self._lost}]\n")
            self._lost = None
        for notice in prepared.plan.notices:
            io.stream("stderr", notice + "\n")
        if prepared.unit is None and not prepared.plan.load:
            return True
        return await self._run_live(session, prepared, parts, cell, io, execution)

    def _units(self, prepared: Prepared) -> list[Compiled]:
        units = list(prepared.plan.load)
        if prepared.unit is not None and prepared.unit not in units:
            units.append(prepared.unit)
        return units

    def _current_units(self, prepared: Prepared) -> list[Compiled]:
        """The units holding the current definitions (what a linker would link)."""
        found = {id(u): u for k in prepared.keys.values() if (u := self.units.by_key.get(k)) is not None}
        if prepared.unit is not None:
            found[id(prepared.unit)] = prepared.unit
        return list(found.values())

    def _remembered(self, prepared: Prepared) -> Callable[[str], bool]:
        """Whether a symbol is the plain name of a current function (see ``needed``): its name in C, its
        demangled signature in a language that mangles (``show(int*)``, the key's spelling)."""
        code = [d for d in prepared.memory if d.key in prepared.keys and self.support.role(d) == CODE]
        names = {name for d in code for name in d.identifiers}
        keys = {"".join(d.key.split()) for d in code}
        name = self.support.symbol_name
        return lambda symbol: symbol in names or "".join(name(symbol).split()) in keys

    def _inits(
        self, prepared: Prepared, loaded: Mapping[str, str], path: Callable[[Compiled], Path]
    ) -> list[tuple[str, str]]:
        """(unit file, initializer) of the current globals not loaded yet, in cell (memory) order."""
        by_key = {k: (str(path(u)), sym) for u in self._current_units(prepared) for k, sym in u.inits}
        order = [prepared.keys[d.key] for d in prepared.memory if d.key in prepared.keys]
        return [by_key[k] for k in order if k in by_key and k not in loaded]

    def _live_path(self, unit: Compiled) -> Path:
        """The file the live host loads: a copy of the unit's, its own. A program's pages are its
        files' pages, so what later happens to the cache (an entry damaged, evicted) must not reach
        the running program; the cache checks an entry whenever it hands it out again."""
        path = self._copies / f"{unit.entry.key[:40]}.so"
        if not path.exists():
            try:
                self._copies.mkdir(mode=0o700, exist_ok=True)
                part = path.with_suffix(".part")
                shutil.copyfile(unit.path, part)
                os.replace(part, path)
            except OSError as err:
                raise CompileError(
                    f"cannot copy the cell's code for the live program: {err.strerror}"
                ) from None
        return path

    async def _run_live(
        self,
        session: Session,
        prepared: Prepared,
        parts: CellParts,
        cell: int,
        io: CellIO,
        execution: Execution,
    ) -> bool:
        host = self.host
        assert host is not None
        result: list[Display] = []
        crash: list[bytes] = []

        def on_display(item: Display) -> None:
            if item.kind == "result":
                result.append(item)
            elif item.kind == "crash":
                crash.append(item.raw)
            else:
                io.display(item)

        rewrite = self._rewrite(prepared)
        output = OutputBuffer(io.stream, session.output_limit, rewrite)
        before, before_files = dict(self.loaded), set(self.loaded_files)
        status = 0
        host.attach(output, on_display)
        feeding = await self._stdin(host, io, execution, output)
        feeding.append(asyncio.ensure_future(flush_every(output)))  # output streams while the cell runs
        limits = session.options.limits
        watch = _Watch(host, limits)
        feeding.append(asyncio.ensure_future(watch.run()))
        execution.track(host.pid)
        started = time.perf_counter()
        try:
            await self._environment(session, host)
            answer, text = await host.send("checkpoint")
            host.checkpoint = int(text) if text.strip().isdigit() else 0
            for unit in self._units(prepared):
                path = self._live_path(unit)
                if path not in self.loaded_files:
                    answer, text = await host.send("load", str(path))
                    if answer == "error":
                        raise CompileError(f"the cell's code could not be loaded: {text}")
                    self.loaded_files.add(path)
            if parts.runs:  # as a linker would for a program; a declaration may call a later cell's function
                await self._check_symbols(host, prepared)
            for file, symbol in self._inits(prepared, before, self._live_path):
                await host.send("init", file, symbol)
            loading = time.perf_counter() - started  # checkpoint, load, initializers: not the cell's run
            session.timings["load"] = session.timings.get("load", 0.0) + loading
            session.timings["run"] = session.timings.get("run", 0.0) - loading
            unit = prepared.unit
            if unit is not None and unit.symbol is not None and parts.runs:
                args = session.program_args()
                answer, text = await host.send("run", str(self._live_path(unit)), unit.symbol, "cell", *args)
                status = int(text) if answer == "exit" and text.strip().lstrip("-").isdigit() else 127
                if answer == "error":
                    raise CompileError(f"the cell could not run: {text}")
            if status != 0:
                host.kill_host()  # a failed cell leaves no trace: back to the checkpoint
                await host.answer()
            await host.send("commit")
        except HostDied as died:
            host.drain()
            error = watch.error(died.status)
            error = error or self._death_error(died.status, status, crash, execution, prepared)
            restored = await host.resumed()
            self.loaded, self.loaded_files = before, before_files
            self._symbols_found = None
            if restored and isinstance(error, Interrupted):  # one line: stopped, and what that left
                error.evalue = f"stopped by the user; {AS_BEFORE} {cell_label(cell)}"
            elif restored:
                error.details.append(f"rolled back: {AS_BEFORE} {cell_label(cell)}")
            else:
                self._lose("the live program could not be restored")
                error.details.append(NOT_RESTORED)
            if isinstance(error, ExitStatus) and error.status == 0:
                io.stream("stderr", f"[ccellkernel: {EXITED_ZERO}: {error.details[-1]}]\n")
                return False
            raise error from None
        except CellError:
            host.kill_host()  # nothing of a cell that did not load stays
            with contextlib.suppress(HostDied):
                await host.answer()
            self.loaded, self.loaded_files = before, before_files
            self._symbols_found = None
            if not await host.resumed():
                self._lose("the live program could not be restored")
            raise
        finally:
            execution.untrack(host.pid)
            for task in feeding:
                task.cancel()
            host.end_others()
            host.detach()
        for unit in self._units(prepared):
            for key in unit.defines:
                name = next((d.key for d in prepared.memory if prepared.keys.get(d.key) == key), None)
                if name is not None:
                    self.loaded[key] = name
        for k, name in list(self.loaded.items()):  # what a redefinition replaced is no longer current
            if prepared.keys.get(name) != k:
                del self.loaded[k]
        self.took_effect(parts)
        if result:
            io.display(result[-1])
        return True

    def _lose(self, why: str) -> None:
        if self.host is not None:
            self.host.close()
        self.host = None
        self.loaded, self.loaded_files = {}, set()
        self.kept = []

    def _death_error(
        self, wait_status: int, returned: int, crash: list[bytes], execution: Execution, prepared: Prepared
    ) -> CellError:
        if execution.interrupted:
            return Interrupted()
        if returned != 0:
            return ExitStatus(returned)
        if wait_status >= 0 and os.WIFSIGNALED(wait_status):
            signum = os.WTERMSIG(wait_status)
            if signum == signal.SIGSTKFLT:  # the host's own word for "my pipes are gone" (live_host.c)
                return LiveProgramError(
                    "the cell closed or replaced the file descriptors the live program talks to the "
                    "kernel through"
                )
            details = []
            if crash and prepared.unit is not None:
                details = self.toolchain.explain_crash(prepared.program, prepared.unit.path, crash[-1])
                relabel = self._rewrite(prepared)  # a unit built for an earlier run names that cell
                details = [relabel(line) for line in details]
            return ProgramSignal(signum, details)
        if wait_status >= 0 and os.WIFEXITED(wait_status):
            return ExitStatus(os.WEXITSTATUS(wait_status))
        return ProgramSignal(signal.SIGKILL)

    async def _environment(self, session: Session, host: Host) -> None:
        """What ``%env`` changed since the host started or the last cell (before the checkpoint, so a
        rollback keeps it)."""
        wanted = session.environment(self.toolchain.run_environment())
        changes = [f"{k}={v}" for k, v in wanted.items() if host.environ.get(k) != v]
        changes += [k for k in host.environ if k not in wanted]
        if changes:
            await host.send("env", *changes)
            host.environ = wanted

    async def _check_symbols(self, host: Host, prepared: Prepared) -> None:
        current = self._current_units(prepared)
        checked = (id(host), frozenset(u.entry.key for u in current))
        if checked == self._symbols_found:  # the same units in the same program found them all
            return
        wanted = needed(current, self._remembered(prepared))
        if wanted:
            answer, text = await host.send("need", *wanted)
            if answer == "missing":
                self._forget_calling(prepared, text.split(FIELD))
                raise missing_error(text.split(FIELD), self.support.symbol_name)
        self._symbols_found = checked

    async def _stdin(
        self, host: Host, io: CellIO, execution: Execution, output: OutputBuffer
    ) -> list[asyncio.Task[None]]:
        """The cell's own stdin: a pipe fed on demand, or end-of-file when no input is allowed."""
        if not io.allow_stdin:
            await host.send("stdin", os.devnull)
            return []
        fifo = host.fifo()
        await host.send("stdin", str(fifo.path))
        output.prompting = True
        return [asyncio.ensure_future(_feed(host, fifo, io, execution, output))]

    def _rewrite(self, prepared: Prepared) -> Callable[[str], str]:
        filtered = self.toolchain.stderr_filter(prepared.program)

        def base(text: str) -> str:  # a cell's statements are main's, as in a whole program
            return filtered(_ENTRY.sub("main", text) if "ccell_run_" in text else text)

        unit = prepared.unit
        if unit is None or unit.label == prepared.label:
            return base
        # the unit was built for an earlier run of the same cell: its positions name that cell
        old, new = unit.label, prepared.label
        return lambda text: base(text.replace(old, new))

    # -- fresh programs ------------------------------------------------------------------------------

    async def _run_fresh(
        self, session: Session, prepared: Prepared, io: CellIO, execution: Execution
    ) -> None:
        binary = await self._host_binary(session, execution)
        current = self._current_units(prepared)
        ordered = sorted({id(u): u for u in current}.values(), key=lambda u: u.order)
        commands = [f"load {u.path}" for u in ordered]
        wanted = needed(ordered, self._remembered(prepared))
        if wanted:
            commands.append(FIELD.join(["need", *wanted]).replace(FIELD, " ", 1))
        commands += [
            f"init {path}{FIELD}{symbol}" for path, symbol in self._inits(prepared, {}, lambda u: u.path)
        ]
        unit = prepared.unit
        assert unit is not None and unit.symbol is not None
        commands.append(f"run {FIELD.join([str(unit.path), unit.symbol, 'cell', *session.program_args()])}")
        script = session.workdir / "fresh-commands.txt"
        script.write_text("\n".join(commands) + "\n", encoding="utf-8")
        problems: list[tuple[str, str]] = []
        try:
            await session.run_built(
                prepared.program,
                prepared.unit.path,
                [str(binary), "--batch", str(script)],
                io,
                execution,
                answers=lambda word, text: (
                    problems.append((word, text)) if word in ("missing", "error") else None
                ),
                rewrite=self._rewrite(prepared),
            )
        except ExitStatus:
            if problems:
                raise self._problem(problems[0], prepared) from None
            raise

    def _forget_calling(self, prepared: Prepared, missing: Sequence[str]) -> None:
        """The cell's own unit calls what nothing defines: it is not used again. (It may also hold
        definitions built again with it, after a %flags or %dep: a later cell builds them anew
        rather than load the unit that cannot load.)"""
        unit = prepared.unit
        if unit is not None and not unit.symbols.undefined.isdisjoint(missing):
            self.units.forget(unit)

    def _problem(self, problem: tuple[str, str], prepared: Prepared) -> CellError:
        word, text = problem
        if word == "missing":
            self._forget_calling(prepared, text.split(FIELD))
            return missing_error(text.split(FIELD), self.support.symbol_name)
        return CompileError(f"the cell's code could not be loaded: {text}")


_READS: dict[str, list[tuple[object, ...]]] = {}  # entry key -> the files its build read


def _reads(unit: Compiled) -> list[tuple[object, ...]]:
    """The files (path, size, mtime, digest) the unit's build read, as ``content.depends_on`` wrote."""
    found = _READS.get(unit.entry.key)
    if found is None:
        try:
            found = [tuple(f) for f in json.loads(unit.entry.meta.get("depends_on", "") or "[]")]
        except ValueError:
            found = [("", -1, 0, "")]  # unreadable: stale
        _READS[unit.entry.key] = found
    return found


def _still(recorded: tuple[object, ...], seen: dict[tuple[object, ...], bool]) -> bool:
    """Whether a file still has the content recorded (each file checked once per cell)."""
    if recorded not in seen:
        seen[recorded] = content.still(*recorded)  # type: ignore[arg-type]
    return seen[recorded]


def missing_error(symbols: Sequence[str], name: Callable[[str], str] = label_name) -> CompileError:
    """What a linker would say: the functions the program calls that nothing defines (``name``: how
    each is named, ``Support.symbol_name``)."""
    names = [name(symbol) for symbol in symbols]
    lines = [f"error: undefined reference to `{shown}' (no cell or library defines it)" for shown in names]
    return CompileError(lines[0].removeprefix("error: "), lines[1:])


def _whole(session: Session) -> Limits:
    """The limits the live program as a whole runs under: memory. (A cell's time, CPU time and
    processes are each cell's own, ``_Watch``: over one, the cell is rolled back, where a run over its
    limit would end the live program with its checkpoint. The output cap is each cell's too, kept by
    the kernel as it reads: a new one needs no new live program.)"""
    machine = Machine.here().processes
    limits = session.options.limits
    return dataclasses.replace(limits, cpu=None, time=None, processes=machine, output=Limits.builtin().output)


class _Watch:
    """A cell's own limits in the live program: its wall-clock time and the host's CPU time during
    the cell (the host is stopped at the limit); and what names a memory limit when the host dies."""

    def __init__(self, host: Host, limits: Limits) -> None:
        self.host, self.limits = host, limits
        self.hit: str | None = None
        self.start = time.monotonic()
        self.cpu_start = _cpu_seconds(host.pid)
        self.peak = 0  # the host's largest resident size during the cell, bytes
        run = host.run
        self.oom_before = run.oom_kills() if run is not None else 0

    async def run(self) -> None:
        limits = self.limits
        while self.hit is None:
            await asyncio.sleep(POLL)
            self.peak = max(self.peak, _rss_bytes(self.host.pid))
            if limits.time is not None and time.monotonic() - self.start > limits.time:
                self.hit = "time"
            elif limits.cpu is not None and _cpu_seconds(self.host.pid) - self.cpu_start > limits.cpu:
                self.hit = "cpu"
            elif tasks([self.host.pid, *self.host.others()]) > limits.processes:
                self.hit = "processes"
        for _ in range(20):  # a fork bomb forks on while it is being killed
            self.host.kill_host()
            self.host.end_others()
            if not self.host.others():
                break
            await asyncio.sleep(0.01)

    def error(self, wait_status: int) -> CellError | None:
        """The limit the cell went over, if that is why the host died."""
        if self.hit is not None:
            return exceeded(self.hit, self.limits)
        run = self.host.run
        if run is not None and run.oom_kills() > self.oom_before:
            return exceeded("memory", self.limits)
        failed = wait_status != 0
        if failed and run is not None and run.enforced.get("memory") == "rlimit":
            # malloc failed at RLIMIT_DATA and the cell ended in its own way, as for any run
            if max(self.peak, self.host.peak) >= self.limits.memory * 3 // 4:
                return exceeded("memory", self.limits)
        return None


def _stat_fields(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return []
    return data[data.rfind(b")") + 2 :].decode().split()


def _cpu_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / _TICKS if len(fields) > 12 else 0.0


def _rss_bytes(pid: int) -> int:
    fields = _stat_fields(pid)
    return int(fields[21]) * _PAGE if len(fields) > 21 else 0


_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


async def _feed(host: Host, fifo: Fifo, io: CellIO, execution: Execution, output: OutputBuffer) -> None:
    """Ask for a line whenever the host (or a process of the cell) waits on an empty stdin."""
    try:
        while not execution.interrupted:
            await asyncio.sleep(POLL)
            if fifo.closed or unread(fifo.fd) or not host.waiting_on_stdin(fifo):
                continue
            prompt = output.take_prompt()  # the line it printed before reading, if unfinished
            answer = await io.read_input(execution.cancelled, prompt)
            if answer is None:
                output.give_back(prompt)
                fifo.close()  # end-of-file for this cell
                return
            fifo.write(answer.encode("utf-8", "replace") + b"\n")
    finally:
        fifo.close()

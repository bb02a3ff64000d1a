"""How long a cell takes in ccellkernel, beside compiling and running the same program by hand.

    python benchmarks/bench.py [--runs N] [--functions K] [--language c] [--starts S]
                               [--no-breakdown] [--no-peer] [--json FILE]

A program that prints numbers, not a test: it exits 0 whenever it completes (1 if a cell or command
failed, with the reason), and prints for each of issue 10's targets whether it was met.
benchmarks/README.md says what each row means.

Per language, everything is measured side by side in one run: kernels through jupyter_client (one
with an empty memory, one with K remembered functions, the peer kernel for C, one per extra mode),
and the same program compiled and run by hand, each run a new cell and an edited program, in an order
that rotates every run so that load from other processes falls on every side alike. The kernel's
seconds per phase come from ``execute_reply`` metadata ``ccellkernel.timings`` (``link`` when the
toolchain reports it); end to end is the client's clock, from sending ``execute_request`` to the
``idle`` status of that request; ``protocol`` is end to end minus the phases.

Languages are ``languages.py``; kernels, commands by hand and the peer's virtualenv ``kernels.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kernels import CellResult, Kernel, MagicMissing, from_asyncio, install_peer, run, runner_timers
from languages import LANGUAGES, BenchError, Language, LongRun, Step, expected

# The kernel's phases; a toolchain may report steps of its build beside compile (BuildResult.timings:
# "link", or C's "load" of a live program): any other name is shown too, after compile.
PHASES = ("parse", "render", "compile", "link", "run")
START_TARGET = 1.0  # seconds from process start to the first kernel_info reply
FIRST_CELL_TARGET = 2.0  # the first cell after start / a warm cell
LABEL = 50  # width of the row labels
WARM_ROUND = 1_000_000  # the run number of the untimed round (its cells are not timed cells)


@dataclass
class Breakdown:
    """A kernel phase rebuilt by hand: steps (the first is the plain command by hand), then the phase."""

    title: str
    phase: str
    steps: list[Step]
    workdir: Path
    times: list[list[float]] = field(default_factory=list)


@dataclass
class Target:
    what: str
    value: float
    limit: float
    unit: str = "x"

    @property
    def met(self) -> bool:
        return self.value <= self.limit


@dataclass
class Result:
    """Seconds per run by column (a kernel, by hand...) and row (a phase, end to end)."""

    lang: Language
    runs: int
    functions: int
    columns: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    tools: dict[str, list[int]] = field(default_factory=dict)  # build tools a cell started, per run
    breakdowns: list[Breakdown] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    long_run: LongRunResult | None = None

    def add(self, column: str, row: str, seconds: float) -> None:
        self.columns.setdefault(column, {}).setdefault(row, []).append(seconds)

    def cell(self, column: str, cell: CellResult) -> None:
        """A cell's phases, protocol and end to end under ``column`` (a peer kernel reports no phases)."""
        for phase in phases(cell.timings):
            if phase in cell.timings or (cell.timings and phase != "link"):
                self.add(column, phase, cell.timings.get(phase, 0.0))
        if cell.timings:
            self.add(column, "protocol", cell.end_to_end - sum(cell.timings.values()))
        self.add(column, "end to end", cell.end_to_end)
        if cell.tools is not None:
            self.tools.setdefault(column, []).append(cell.tools)

    def median(self, column: str, row: str = "end to end") -> float:
        return statistics.median(self.columns[column][row])

    def has(self, column: str) -> bool:
        return column in self.columns


def phases(named: object) -> list[str]:
    """The phase names of ``named`` (timings, or a column's rows) in the kernel's order."""
    names = list(named)  # type: ignore[call-overload]
    extra = sorted(n for n in names if n not in PHASES and n not in ("protocol", "end to end", "seconds"))
    return [*PHASES[:3], *extra, *PHASES[3:]]


def row_names(*columns: dict[str, list[float]]) -> list[str]:
    return [*phases({name for c in columns for name in c}), "protocol", "end to end"]


# -- measuring ---------------------------------------------------------------------------------------


def checked(cell: CellResult, want: str, who: str) -> CellResult:
    if cell.stdout != want:
        raise BenchError(f"{who} printed {cell.stdout!r}, not {want!r}")
    return cell


def _breakdowns(
    lang: Language, kernel: Kernel, cc: list[str], work: Path, compile_argv: list[str], run_argv: list[str]
) -> list[Breakdown]:
    source, binary = lang.source_name, "prog"
    compile_steps = [Step(f"by hand: {shlex.join(lang.compile_command(cc, source, binary))}", compile_argv)]
    run_steps = [Step(f"by hand: ./{binary}", run_argv)]
    if lang.kernel_steps is not None:
        compile_steps += lang.kernel_steps(cc, work, kernel.cwd, kernel.run("%show").stdout)
    tool, program, with_channel = runner_timers()
    for steps, timer in ((compile_steps, tool), (run_steps, program)):
        argv = steps[-1].argv
        steps.append(Step("+ from asyncio, in its own session", argv, from_asyncio))
        steps.append(Step("+ as ccellkernel.runner starts it", argv, timer))
    run_steps.append(Step("+ the display channel (two more pipes)", run_steps[-1].argv, with_channel))
    return [
        Breakdown("compile, rebuilt by hand one addition at a time", "compile", compile_steps, work.parent),
        Breakdown("run, rebuilt the same way", "run", run_steps, work.parent),
    ]


def measure(lang: Language, args: argparse.Namespace) -> Result:
    result = Result(lang, args.runs, args.functions)
    k = args.functions
    with tempfile.TemporaryDirectory(prefix="ccell-bench-") as tmp_name:
        tmp = Path(tmp_name)
        kernel_cwd = tmp / "kernel-cwd"
        kernel_cwd.mkdir()
        cc = lang.compiler()

        # Start-up: fresh kernels, each with one cell right after its kernel_info reply.
        for n in range(args.starts):
            with Kernel(lang.kernel_name, kernel_cwd, tmp / f"start-{n}.log") as kernel:
                result.add("kernel start", "seconds", kernel.start_seconds)
                first = checked(
                    kernel.run(lang.cell(2_000_000 + n)), expected(2_000_000 + n), "the first cell"
                )
                result.add("first cell", "end to end", first.end_to_end)

        hands: dict[str, tuple[Path, list[str], list[str]]] = {}
        for column in ("by hand", f"by hand, {k} functions"):
            work = tmp / column.replace(" ", "-").replace(",", "")
            work.mkdir()
            source = work / lang.source_name
            hands[column] = (
                source,
                lang.compile_command(cc, str(source), str(work / "prog")),
                [str(work / "prog")],
            )

        with contextlib.ExitStack() as stack:
            new = stack.enter_context(Kernel(lang.kernel_name, kernel_cwd, tmp / "new.log"))
            many = stack.enter_context(Kernel(lang.kernel_name, kernel_cwd, tmp / "many.log"))
            for cell in lang.warmup_cells:
                new.run(cell)
            for cell in [*lang.warmup_cells, *lang.function_cells(k)]:
                many.run(cell)
            peer = None
            if lang.peer is not None and not args.no_peer:
                try:
                    dirs = install_peer(lang.peer)
                    peer = stack.enter_context(Kernel(lang.peer.name, kernel_cwd, tmp / "peer.log", [dirs]))
                except BenchError as err:
                    result.notes.append(f"{lang.peer.name} column skipped: {err}")
            modes: dict[str, Kernel] = {}
            for n, mode in enumerate(lang.modes):
                kernel = stack.enter_context(Kernel(lang.kernel_name, kernel_cwd, tmp / f"mode-{n}.log"))
                try:
                    for cell in (*lang.warmup_cells, *mode.setup):
                        kernel.run(cell)
                    modes[mode.name] = kernel
                except MagicMissing as err:
                    result.notes.append(f"{mode.name} rows skipped: the kernel says {err}")
            steps: list[Step] = []
            if args.breakdown:
                source, compile_argv, run_argv = hands["by hand"]
                source.write_text(lang.hand_program(0, 0))
                run(compile_argv, source.parent)
                try:
                    result.breakdowns = _breakdowns(lang, new, cc, source.parent, compile_argv, run_argv)
                except Exception as err:  # the breakdown is extra; the main table must still print
                    result.notes.append(f"breakdown skipped: {type(err).__name__}: {err}")
                steps = [step for b in result.breakdowns for step in b.steps[1:]]
            step_times: list[list[float]] = [[] for _ in steps]

            lost: dict[str, int] = {}

            def kernel_task(column: str, kernel: Kernel, cell: Callable[[int], str]) -> Callable[[int], None]:
                def task(i: int) -> None:
                    if column == "ccellkernel":
                        result.add("empty cell", "end to end", kernel.run("").end_to_end)
                    done = kernel.run(cell(i))
                    if lang.peer is not None and column == lang.peer.name and done.stdout != expected(i):
                        # jupyter-c-kernel sometimes says idle before it sent the output (its reader
                        # threads race its last flush): the cell ran, its time counts, and we say so
                        lost[column] = lost.get(column, 0) + (i != WARM_ROUND)
                    else:
                        checked(done, expected(i), column)
                    result.cell(column, done)

                return task

            def rerun(i: int) -> None:  # the same cell each run: nothing changed
                result.cell("re-run", checked(new.run(lang.cell(0)), expected(0), "the re-run cell"))

            def by_hand(column: str, functions: int) -> Callable[[int], None]:
                source, compile_argv, run_argv = hands[column]

                def task(i: int) -> None:
                    source.write_text(lang.hand_program(functions, i))  # an edited program every run
                    compile_s, _ = run(compile_argv, source.parent)
                    run_s, out = run(run_argv, source.parent)
                    if out != expected(i):
                        raise BenchError(f"the program by hand printed {out!r}, not {expected(i)!r}")
                    result.add(column, "compile", compile_s)
                    result.add(column, "run", run_s)
                    result.add(column, "end to end", compile_s + run_s)

                return task

            compiling = {id(step) for b in result.breakdowns if b.phase == "compile" for step in b.steps}

            def step_task(n: int) -> Callable[[int], None]:
                source = hands["by hand"][0]

                def task(i: int) -> None:
                    if id(steps[n]) in compiling:  # an edited program, as by hand: no build cache serves it
                        source.write_text(lang.hand_program(0, 1000 * i + n))
                    step_times[n].append((steps[n].timer or run)(steps[n].argv, source.parent)[0])

                return task

            tasks = [
                kernel_task("ccellkernel", new, lang.cell),
                rerun,
                kernel_task(f"{k} functions", many, lang.cell),
                by_hand("by hand", 0),
                by_hand(f"by hand, {k} functions", k),
                *(step_task(n) for n in range(len(steps))),
            ]
            if peer is not None and lang.peer is not None:
                tasks.append(kernel_task(lang.peer.name, peer, lang.peer.cell))
            tasks += [kernel_task(name, kernel, lang.cell) for name, kernel in modes.items()]
            for task in tasks:  # once, untimed: no timed run pays for a cold cache
                task(WARM_ROUND)
            result.columns = {
                c: rows for c, rows in result.columns.items() if c in ("kernel start", "first cell")
            }
            result.tools.clear()
            for times in step_times:
                times.clear()
            for n in range(args.runs):
                for task in tasks[n % len(tasks) :] + tasks[: n % len(tasks)]:
                    task(n + 1)
            for column, count in lost.items():
                if count:
                    result.notes.append(
                        f"{column} sent no output in {count} of {args.runs} runs (its own race)"
                    )
            rss = new.rss_mb()
            if rss is not None:
                result.notes.append(f"kernel resident memory {rss:.0f} MB after the runs")
        if lang.long_run is not None and args.live_cells:
            with Kernel(lang.kernel_name, kernel_cwd, tmp / "long.log") as kernel:
                result.long_run = long_run(kernel, lang.long_run, args.live_cells)
    i = 0
    for b in result.breakdowns:
        b.times = [result.columns["by hand"][b.phase], *step_times[i : i + len(b.steps) - 1]]
        i += len(b.steps) - 1
    result.targets = targets(result)
    return result


@dataclass
class LongRunResult:
    cells: int
    times: list[float]  # end to end, each cell in order
    rss_kb: list[tuple[int, int]]  # (cells run, the live program's resident memory)
    processes: int  # of the live program at the end (the host, its checkpoint, its supervisor)


def long_run(kernel: Kernel, spec: LongRun, cells: int) -> LongRunResult:
    """``cells`` cells in one live program, one after the other, as a notebook grows."""
    for cell in spec.setup:
        kernel.run(cell)
    pid = int(kernel.run(spec.pid).stdout.strip())
    times: list[float] = []
    rss: list[tuple[int, int]] = [(0, _rss_kb(pid))]
    for i in range(cells):
        times.append(kernel.run(spec.cell(i)).end_to_end)
        if (i + 1) % max(1, cells // 10) == 0:
            rss.append((i + 1, _rss_kb(pid)))
    if int(kernel.run(spec.pid).stdout.strip()) != pid:
        raise BenchError("the live program was replaced during the long run: a cell failed")
    return LongRunResult(cells, times, rss, len(_family(pid)))


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def _family(pid: int) -> list[int]:
    """The live program's processes: its supervisor (the host's parent) and all below it."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        parent = int(f.read().rsplit(b")", 1)[1].split()[1])
    found, todo = [parent], [parent]
    while todo:
        p = todo.pop()
        for task in os.listdir(f"/proc/{p}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{p}/task/{task}/children") as f:
                kids = [int(c) for c in f.read().split()]
                found += kids
                todo += kids
    return found


def targets(r: Result) -> list[Target]:
    """Issue 10's targets, from the medians."""
    lang, k = r.lang, r.functions
    found = [Target("trivial cell / by hand", r.median("ccellkernel") / r.median("by hand"), lang.target)]
    if lang.peer is not None and r.has(lang.peer.name) and lang.peer_target is not None:
        ratio = r.median("ccellkernel") / r.median(lang.peer.name)
        found.append(Target(f"trivial cell / {lang.peer.name}", ratio, lang.peer_target))
    found.append(
        Target(f"{k} functions / trivial cell", r.median(f"{k} functions") / r.median("ccellkernel"), 1.1)
    )
    built = max(r.tools.get("re-run", [1]))
    found.append(Target("re-run: build tools started (most in a run)", float(built), 0.0, ""))
    found.append(Target("kernel start (median)", r.median("kernel start", "seconds"), START_TARGET, " s"))
    ratio = r.median("first cell") / r.median("ccellkernel")
    found.append(Target("first cell after start / warm cell", ratio, FIRST_CELL_TARGET))
    return found


# -- the report ------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.2f} ms" if abs(value) < 10 else f"{value:.1f} ms"


def _paired(later: list[float], earlier: list[float]) -> float:
    """Median of the per-run differences: runs of one round share the load, so drift cancels."""
    return statistics.median(a - b for a, b in zip(later, earlier, strict=True))


def _row(label: str, *columns: list[float] | None, tail: str = "") -> str:
    line = f"  {label:<{LABEL - 2}}"
    for times in columns:
        if times:
            line += f"{_ms(statistics.median(times)):>12}{_ms(min(times)):>12}"
        else:
            line += " " * 24
    return (line.rstrip() + ("   " + tail if tail else "")).rstrip()


def report(r: Result) -> list[str]:
    lang, k, c = r.lang, r.functions, r.columns
    head = f"{lang.name} (median and min of {r.runs} runs, side by side)"
    lines = [f"{head:<{LABEL}}{'ccellkernel':>12}{'(min)':>12}{'by hand':>12}{'(min)':>12}"]
    lines.append(f"  trivial new cell ({lang.cell(1)!r})")
    for row in row_names(c["ccellkernel"], c["by hand"]):
        tail = ""
        if row == "end to end":
            tail = f"ratio {r.median('ccellkernel') / r.median('by hand'):.2f}x (target <= {lang.target}x)"
        if row in c["ccellkernel"] or row in c["by hand"]:
            lines.append(_row("  " + row, c["ccellkernel"].get(row), c["by hand"].get(row), tail=tail))
    rerun = r.tools.get("re-run", [])
    said = (
        "builds nothing"
        if rerun and max(rerun) == 0
        else f"builds: up to {max(rerun, default=0)} build tools a run"
    )
    if not rerun:
        said = "the kernel does not say what it built"
    ratio = r.median("re-run") / r.median("ccellkernel")
    lines.append(
        _row("re-run, unchanged cell", c["re-run"]["end to end"], tail=f"{ratio:.2f}x a new cell; {said}")
    )
    for row in ("compile", "link"):
        if row in c["re-run"]:
            lines.append(_row("  " + row, c["re-run"][row]))
    many, hand_many = c[f"{k} functions"], c[f"by hand, {k} functions"]
    ratio = r.median(f"{k} functions") / r.median("ccellkernel")
    by_hand = r.median(f"{k} functions") / r.median(f"by hand, {k} functions")
    lines.append(f"  new cell with {k} remembered functions")
    for row in row_names(many, hand_many):
        tail = ""
        if row == "end to end":
            tail = f"{ratio:.2f}x the trivial cell (target <= 1.1x); {by_hand:.2f}x by hand"
        if row in many or row in hand_many:
            lines.append(_row("  " + row, many.get(row), hand_many.get(row), tail=tail))
    if lang.peer is not None and r.has(lang.peer.name):
        ratio = r.median("ccellkernel") / r.median(lang.peer.name)
        target = f" (target <= {lang.peer_target}x)" if lang.peer_target else ""
        lines.append(
            _row(
                f"{lang.peer.name}, the same cell",
                c[lang.peer.name]["end to end"],
                tail=f"ccellkernel {ratio:.2f}x it{target}",
            )
        )
    for mode in lang.modes:
        if r.has(mode.name):
            ratio = r.median(mode.name) / r.median("by hand")
            lines.append(
                _row(
                    f"trivial cell, {mode.name}",
                    c[mode.name]["end to end"],
                    tail=f"ratio {ratio:.2f}x by hand",
                )
            )
            for row in phases(c[mode.name]):
                if row in c[mode.name]:
                    lines.append(_row("  " + row, c[mode.name][row]))
    lines.append(_row("empty cell, end to end", c["empty cell"]["end to end"]))
    starts = c["kernel start"]["seconds"]
    lines.append(
        f"  {'kernel start (process to kernel_info reply)':<{LABEL - 2}}{statistics.median(starts):>10.2f} s"
        f"{min(starts):>10.2f} s   {len(starts)} starts (target <= {START_TARGET:.0f} s)"
    )
    ratio = r.median("first cell") / r.median("ccellkernel")
    lines.append(
        _row(
            "first cell after start",
            c["first cell"]["end to end"],
            tail=f"{ratio:.2f}x a warm cell (target <= 2x)",
        )
    )
    for b in r.breakdowns:
        lines.append(f"  {b.title:<{LABEL - 2}}{'median':>12}{'step':>12}")
        rows = [(s.label, t) for s, t in zip(b.steps, b.times, strict=True)]
        rows.append((f"= the kernel's {b.phase} phase", c["ccellkernel"][b.phase]))
        for n, (label, times) in enumerate(rows):
            step = "" if n == 0 else f"{_paired(times, rows[n - 1][1]) * 1000:+.1f} ms"
            lines.append(f"    {label:<{LABEL - 4}}{_ms(statistics.median(times)):>12}{step:>12}".rstrip())
        if b.phase == "compile" and lang.kernel_steps is not None:
            command = shlex.join(b.steps[-1].argv).replace(f"{b.workdir}{os.sep}", "")
            lines.append(f"    (the kernel's command, in a temp dir: {command})")
    if r.long_run is not None:
        lr = r.long_run
        tenth = max(1, lr.cells // 10)
        first, last = lr.times[:tenth], lr.times[-tenth:]
        lines.append(
            _row(
                f"{lr.cells} live cells, the first {tenth}",
                first,
                tail="one live program, one cell after another",
            )
        )
        drift = statistics.median(last) / statistics.median(first)
        lines.append(_row(f"{lr.cells} live cells, the last {tenth}", last, tail=f"{drift:.2f}x the first"))
        memory = ", ".join(f"{n}: {kb / 1024:.1f} MB" for n, kb in lr.rss_kb)
        lines.append(f"    live program resident memory after N cells: {memory}")
        lines.append(f"    processes of the live program at the end: {lr.processes}")
    lines += [f"  ({note})" for note in r.notes]
    return lines


def summary(results: Sequence[Result]) -> list[str]:
    lines = ["", "issue 10's targets (medians):"]
    for r in results:
        for t in r.targets:
            value = f"{t.value:.0f}" if t.unit == "" else f"{t.value:.2f}{t.unit}"
            limit = f"{t.limit:.0f}" if t.unit == "" else f"{t.limit:g}{t.unit}"
            lines.append(
                f"  {r.lang.name:<6}{t.what:<46}{value:>9}  <= {limit:<6} {'met' if t.met else 'MISSED'}"
            )
    missed = sum(not t.met for r in results for t in r.targets)
    lines.append(f"{missed} target(s) missed" if missed else "all targets met")
    return lines


def as_json(results: Sequence[Result], header: list[str]) -> dict[str, object]:
    def stats(times: list[float]) -> dict[str, object]:
        return {
            "median_ms": statistics.median(times) * 1000,
            "min_ms": min(times) * 1000,
            "ms": [t * 1000 for t in times],
        }

    return {
        "machine": header,
        "languages": {
            r.lang.name: {
                "runs": r.runs,
                "functions": r.functions,
                "columns": {
                    col: {row: stats(t) for row, t in rows.items()} for col, rows in r.columns.items()
                },
                "tools": r.tools,
                "targets": [
                    {"what": t.what, "value": t.value, "limit": t.limit, "met": t.met} for t in r.targets
                ],
                "breakdowns": [
                    {
                        "title": b.title,
                        "steps": [
                            {"label": s.label, **stats(t)} for s, t in zip(b.steps, b.times, strict=True)
                        ],
                    }
                    for b in r.breakdowns
                ],
                "notes": r.notes,
                "long_run": None
                if r.long_run is None
                else {
                    "cells": r.long_run.cells,
                    "ms": [t * 1000 for t in r.long_run.times],
                    "rss_kb": r.long_run.rss_kb,
                    "processes": r.long_run.processes,
                },
            }
            for r in results
        },
    }


def machine(langs: Sequence[Language], args: argparse.Namespace) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    lines = [
        f"machine:  {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        f"load:     {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min) at start",
        f"python:   {platform.python_version()} ({sys.executable})",
    ]
    for lang in langs:
        try:
            cc = lang.compiler()
            done = subprocess.run(
                [*cc, *lang.version_args], capture_output=True, text=True, timeout=30, check=False
            )
            version = f"{shlex.join(cc)}: {(done.stdout or done.stderr).strip().splitlines()[0]}"
        except (BenchError, OSError, IndexError, subprocess.SubprocessError) as err:
            version = f"unknown ({err})"
        lines.append(f"{lang.name + ':':<10}{version}")
    lines.append(
        f"runs:     {args.runs} per row, every row of a language side by side in rotating order; "
        f"{args.starts} kernel starts"
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="timed runs per row (at least 9; default 11)")
    parser.add_argument("--functions", type=int, default=300, help="remembered functions (default 300)")
    parser.add_argument(
        "--starts", type=int, default=5, help="kernel starts for the start-up rows (default 5)"
    )
    parser.add_argument("--language", choices=sorted(LANGUAGES), action="append", help="default: all")
    parser.add_argument(
        "--no-breakdown", dest="breakdown", action="store_false", help="skip the phases by hand"
    )
    parser.add_argument(
        "--no-peer", action="store_true", help="skip the peer kernel (jupyter-c-kernel for C)"
    )
    parser.add_argument(
        "--json", metavar="FILE", help="also write the results as JSON ('-': stdout, no table)"
    )
    parser.add_argument(
        "--live-cells",
        type=int,
        default=1000,
        help="cells of the long live-program run (C; default 1000, 0 skips it)",
    )
    args = parser.parse_args(argv)
    if args.runs < 9:
        parser.error("--runs must be at least 9 (a median of fewer runs says little)")
    if args.functions < 1 or args.starts < 1:
        parser.error("--functions and --starts must be at least 1")
    langs = [LANGUAGES[name] for name in (args.language or sorted(LANGUAGES))]
    quiet = args.json == "-"
    out = sys.stderr if quiet else sys.stdout

    header = machine(langs, args)
    print("\n".join(header), file=out, flush=True)
    results: list[Result] = []
    try:
        for lang in langs:
            results.append(measure(lang, args))
            print("\n" + "\n".join(report(results[-1])), file=out, flush=True)
    except BenchError as err:
        print(f"\nthe benchmark could not complete: {err}", file=sys.stderr)
        return 1
    print("\n".join(summary(results)), file=out)
    if args.json:
        text = json.dumps(as_json(results, header), indent=1)
        if quiet:
            print(text)
        else:
            Path(args.json).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

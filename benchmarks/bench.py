"""How long a cell takes in ccellkernel, beside compiling and running the same program by hand, and
beside other kernels for the same language.

    python benchmarks/bench.py [--runs N] [--functions K] [--language c] [--starts S] [--pause SECONDS]
                               [--peers | --no-peer] [--no-breakdown] [--json FILE]

A program that prints numbers, not a test: it exits 0 whenever it completes (1 if a cell or command
of ccellkernel or by hand failed, with the reason), and prints for each of issue 10's targets whether
it was met. A peer that cannot be installed or fails is a note, never the end of the run.
benchmarks/README.md says what each row means.

Per language, everything is measured side by side in one run: kernels through jupyter_client (one
with an empty memory, one with K remembered functions, one per extra mode, and the peers'), and the
same program compiled and run by hand, each run a new cell and an edited program, in an order that
rotates every run so that load from other processes falls on every side alike. Every kernel row is
measured twice a round: *back to back* (two untimed cells on that kernel, each the moment the idle of
the one before arrives, then the timed cell so too: a cell of Run All from the third on) and *paused*
(the timed cell ``--pause`` seconds after the kernel's cell before). The kernel's seconds per phase
come from ``execute_reply`` metadata ``ccellkernel.timings`` (``link`` when the toolchain reports it);
end to end is the client's clock, from sending ``execute_request`` to the ``idle`` status of that
request; ``protocol`` is end to end minus the phases.

Languages and peers are ``languages.py``; kernels and commands by hand ``kernels.py``; installing the
peers ``peers.py``; the table ``report.py``.
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
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import libraries as library_rows
import peers as peer_install
from kernels import CellResult, Kernel, MagicMissing, from_asyncio, run, runner_timers
from languages import LANGUAGES, BenchError, Language, LongRun, Peer, Step, expected
from report import (
    B2B,
    PAUSED,
    Breakdown,
    LongRunResult,
    Result,
    as_json,
    column,
    report,
    summary,
    targets,
)

WARM_ROUND = 1_000_000  # the run number of the untimed round (its cells are not timed cells)
LEAD = 3_000_000  # the untimed cells before a timed one print hello LEAD + i (and + LEAD_STEP): new cells
LEAD_STEP = 100_000
# Back to back, the timed cell is the third of cells sent at once (Run All's steady state: a kernel may
# prepare the next cell beside one it builds, once cells come at once; the second cell of a Run All is
# the first that could find out)
LEADS = 2
RERUN_LEAD = 999_999  # ... and before the re-run, a second unchanged cell
FIRST = 2_000_000  # the first cell after a start prints hello FIRST + n
# A paused row's timed cell prints its run number plus this: a new cell is new in both modes of a round.
PAUSED_SHIFT = 5_000_000


# -- measuring ---------------------------------------------------------------------------------------


def checked(cell: CellResult, want: str, who: str) -> CellResult:
    if cell.stdout != want:
        raise BenchError(f"{who} printed {cell.stdout!r}, not {want!r}")
    return cell


class PeerFailed(BenchError):
    """A peer's cell failed or printed something else: its columns go, the run goes on."""


@dataclass
class KernelRow:
    """A row measured on a kernel. In round i, back to back runs ``cell(lead(i))`` untimed, then the
    timed ``cell(timed(i))`` the moment its idle arrived; paused runs the timed cell once the kernel
    has been idle ``--pause`` seconds. ``cell(n)`` prints ``expected(n)``; a timed None is the empty
    cell."""

    name: str  # the column, without its mode
    kernel: Kernel
    cell: Callable[[int], str]
    lead: Callable[[int], int]
    timed: Callable[[int], int | None]
    peer: Peer | None = None  # a peer's failure leaves its columns out, the run goes on


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
        steps.append(Step("+ as ccellkernel.run.runner starts it", argv, timer))
    run_steps.append(Step("+ the display channel (two more pipes)", run_steps[-1].argv, with_channel))
    return [
        Breakdown("compile, rebuilt by hand one addition at a time", "compile", compile_steps, work.parent),
        Breakdown("run, rebuilt the same way", "run", run_steps, work.parent),
    ]


def _evcxr(lang: Language, args: argparse.Namespace) -> Path | None:
    """evcxr's kernelspec folder for the libraries rows, when ``--peers`` installed it."""
    if not args.peers:
        return None
    for peer in lang.peers:
        if peer.key == "evcxr":
            try:
                return peer_install.install(peer, say=lambda text: print(text, file=sys.stderr)).kernel_dirs
            except BenchError:
                return None
    return None


def _chosen(lang: Language, args: argparse.Namespace, result: Result) -> list[tuple[Peer, Path]]:
    """The peers this run measures, installed (on first use) and their kernelspecs written."""
    if args.no_peer:
        return []
    chosen = []
    for peer in lang.peers:
        if not (peer.default or args.peers):
            continue
        try:
            installed = peer_install.install(peer, say=lambda text: print(text, file=sys.stderr, flush=True))
            said = installed.version
            result.notes.append(said if said.lower().startswith(peer.key) else f"{peer.name}: {said}")
            chosen.append((peer, installed.kernel_dirs))
        except BenchError as err:
            result.notes.append(f"{peer.name} not measured: {err}")
    return chosen


def _peer_cell(kernel: Kernel, peer: Peer, n: int | None, lost: dict[str, int]) -> CellResult:
    """A peer's cell; PeerFailed if it fails or prints something else. An empty output counts as
    lost (jupyter-c-kernel sometimes says idle before its output: its reader threads race its flush)."""
    try:
        done = kernel.run("" if n is None else peer.cell(n))
    except BenchError as err:
        raise PeerFailed(str(err)) from err
    want = "" if n is None else expected(n)
    if done.stdout == "" and want:
        lost[peer.name] = lost.get(peer.name, 0) + 1
    elif done.stdout != want:
        raise PeerFailed(f"{peer.name} printed {done.stdout!r}, not {want!r}")
    return done


def _peer_starts(peer: Peer, dirs: Path, args: argparse.Namespace, tmp: Path, result: Result) -> None:
    """The peer's kernel start and first cell, as ours are measured."""
    cwd = tmp / f"{peer.key}-cwd"
    cwd.mkdir(exist_ok=True)
    lost: dict[str, int] = {}
    for n in range(args.starts):
        try:
            with Kernel(peer.key, cwd, tmp / f"{peer.key}-start-{n}.log", [dirs]) as kernel:
                result.add(f"{peer.name} start", "seconds", kernel.start_seconds)
                first = _peer_cell(kernel, peer, FIRST + n, lost)
                result.add(f"{peer.name} first cell", "end to end", first.end_to_end)
        except BenchError as err:
            raise PeerFailed(str(err)) from err


def _peer_rows(peer: Peer, dirs: Path, stack: contextlib.ExitStack, tmp: Path, k: int) -> list[KernelRow]:
    """The peer's kernels, warmed up, and its rows: trivial new cell, re-run, K functions."""
    cwd = tmp / f"{peer.key}-cwd"
    cwd.mkdir(exist_ok=True)
    try:
        kernel = stack.enter_context(Kernel(peer.key, cwd, tmp / f"{peer.key}.log", [dirs]))
        for cell in peer.warmup_cells:
            kernel.run(cell)
        rows = [
            KernelRow(peer.name, kernel, peer.cell, lambda i: LEAD + i, lambda i: i, peer),
            KernelRow(f"{peer.name} re-run", kernel, peer.cell, lambda i: RERUN_LEAD, lambda i: 0, peer),
        ]
        if peer.function_cells is not None:
            many = stack.enter_context(Kernel(peer.key, cwd, tmp / f"{peer.key}-many.log", [dirs]))
            for cell in [*peer.warmup_cells, *peer.function_cells(k)]:
                many.run(cell)
            name = f"{peer.name} {k} functions"
            rows.append(KernelRow(name, many, peer.cell, lambda i: LEAD + i, lambda i: i, peer))
    except BenchError as err:
        raise PeerFailed(str(err)) from err
    return rows


def measure(lang: Language, args: argparse.Namespace) -> Result:
    result = Result(lang, args.runs, args.functions, args.pause)
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
                first = checked(kernel.run(lang.cell(FIRST + n)), expected(FIRST + n), "the first cell")
                result.add("first cell", "end to end", first.end_to_end)
        chosen = []
        for peer, dirs in _chosen(lang, args, result):
            try:
                _peer_starts(peer, dirs, args, tmp, result)
                chosen.append((peer, dirs))
            except PeerFailed as err:
                result.notes.append(f"{peer.name} not measured: {err}")
                _forget(result, peer.name)

        hands: dict[str, tuple[Path, list[str], list[str]]] = {}
        for name in ("by hand", f"by hand, {k} functions"):
            work = tmp / name.replace(" ", "-").replace(",", "")
            work.mkdir()
            source = work / lang.source_name
            hands[name] = (
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
            rows = [
                KernelRow("ccellkernel", new, lang.cell, lambda i: LEAD + i, lambda i: i),
                KernelRow("re-run", new, lang.cell, lambda i: RERUN_LEAD, lambda i: 0),
                KernelRow("empty cell", new, lang.cell, lambda i: LEAD + i, lambda i: None),
                KernelRow(f"{k} functions", many, lang.cell, lambda i: LEAD + i, lambda i: i),
            ]
            for n, mode in enumerate(lang.modes):
                kernel = stack.enter_context(Kernel(lang.kernel_name, kernel_cwd, tmp / f"mode-{n}.log"))
                try:
                    for cell in (*lang.warmup_cells, *mode.setup):
                        kernel.run(cell)
                    rows.append(KernelRow(mode.name, kernel, lang.cell, lambda i: LEAD + i, lambda i: i))
                except MagicMissing as err:
                    result.notes.append(f"{mode.name} rows skipped: the kernel says {err}")
            for peer, dirs in chosen:
                try:
                    rows += _peer_rows(peer, dirs, stack, tmp, k)
                    result.peers.append(peer.name)
                except PeerFailed as err:
                    result.notes.append(f"{peer.name} not measured: {err}")
                    _forget(result, peer.name)
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
            failed: dict[str, str] = {}

            def kernel_task(row: KernelRow, mode: str) -> Callable[[int], None]:
                def cell(n: int | None) -> CellResult:
                    if row.peer is not None:
                        return _peer_cell(row.kernel, row.peer, n, lost)
                    if n is None:
                        return checked(row.kernel.run(""), "", row.name)
                    return checked(row.kernel.run(row.cell(n)), expected(n), row.name)

                def task(i: int) -> None:
                    if row.peer is not None and row.peer.name in failed:
                        return
                    try:
                        if mode == B2B:
                            lead = row.lead(i)  # untimed: the cells before, on the same kernel
                            for k in range(LEADS):
                                cell(lead if lead == RERUN_LEAD else lead + k * LEAD_STEP)
                            result.cell(column(row.name, mode), cell(row.timed(i)))
                            return
                        # Paused: sleep only what the rotation's other tasks left of the pause.
                        idle = time.perf_counter() - row.kernel.idle_at
                        if i != WARM_ROUND and idle < args.pause:
                            time.sleep(args.pause - idle)
                            idle = args.pause
                        done = cell(row.timed(i + PAUSED_SHIFT))
                        result.cell(column(row.name, mode), done)
                        if i != WARM_ROUND:
                            gaps.append(idle)
                    except PeerFailed as err:
                        failed[row.peer.name] = str(err)  # type: ignore[union-attr]

                return task

            def by_hand(name: str, functions: int) -> Callable[[int], None]:
                source, compile_argv, run_argv = hands[name]

                def task(i: int) -> None:
                    source.write_text(lang.hand_program(functions, i))  # an edited program every run
                    compile_s, _ = run(compile_argv, source.parent)
                    run_s, out = run(run_argv, source.parent)
                    if out != expected(i):
                        raise BenchError(f"the program by hand printed {out!r}, not {expected(i)!r}")
                    result.add(name, "compile", compile_s)
                    result.add(name, "run", run_s)
                    result.add(name, "end to end", compile_s + run_s)

                return task

            compiling = {id(step) for b in result.breakdowns if b.phase == "compile" for step in b.steps}

            def step_task(n: int) -> Callable[[int], None]:
                source = hands["by hand"][0]

                def task(i: int) -> None:
                    if id(steps[n]) in compiling:  # an edited program, as by hand: no build cache serves it
                        source.write_text(lang.hand_program(0, 1000 * i + n))
                    step_times[n].append((steps[n].timer or run)(steps[n].argv, source.parent)[0])

                return task

            gaps: list[float] = []  # seconds a paused cell's kernel had been idle
            # Back-to-back rows, the work by hand, then the paused rows one kernel after another, so
            # that the other tasks fill most of each kernel's pause.
            tasks = [kernel_task(row, B2B) for row in rows]
            tasks[1:1] = [by_hand("by hand", 0), by_hand(f"by hand, {k} functions", k)]
            tasks += [step_task(n) for n in range(len(steps))]
            tasks += [kernel_task(row, PAUSED) for row in _spread(rows)]
            started = set(result.columns)  # the start-up rows
            for task in tasks:  # once, untimed: no timed run pays for a cold cache
                task(WARM_ROUND)
            result.columns = {c: by_row for c, by_row in result.columns.items() if c in started}
            result.tools.clear()
            lost.clear()
            for times in step_times:
                times.clear()
            for n in range(args.runs):
                for task in tasks[n % len(tasks) :] + tasks[: n % len(tasks)]:
                    task(n + 1)
            if gaps:
                result.notes.append(
                    f"paused cells came {min(gaps):.1f}-{max(gaps):.1f} s (median "
                    f"{statistics.median(gaps):.1f} s) after their kernel's previous cell"
                )
            for name, err in failed.items():
                result.notes.append(f"{name} failed during the runs, its columns are left out: {err}")
                _forget(result, name)
            for name, count in lost.items():
                if count:
                    result.notes.append(f"{name} sent no output in {count} of its cells (its own race)")
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            result.notes.append(f"load {load} (1, 5, 15 min) at the end of the runs")
            rss = new.rss_mb()
            if rss is not None:
                result.notes.append(f"kernel resident memory {rss:.0f} MB after the runs")
        if lang.long_run is not None and args.live_cells:
            with Kernel(lang.kernel_name, kernel_cwd, tmp / "long.log") as kernel:
                result.long_run = long_run(kernel, lang.long_run, args.live_cells)
    result.notes += [f"{p.name}: {quirk}" for p in lang.peers if p.name in result.peers for quirk in p.quirks]
    i = 0
    for b in result.breakdowns:
        b.times = [result.columns["by hand"][b.phase], *step_times[i : i + len(b.steps) - 1]]
        i += len(b.steps) - 1
    result.targets = targets(result)
    return result


def _spread(rows: list[KernelRow]) -> list[KernelRow]:
    """``rows`` reordered so that rows on one kernel are as far apart as they can be."""
    by_kernel: dict[int, list[KernelRow]] = {}
    for row in rows:
        by_kernel.setdefault(id(row.kernel), []).append(row)
    spread = []
    while any(by_kernel.values()):
        for queue in by_kernel.values():
            if queue:
                spread.append(queue.pop(0))
    return spread


def _forget(result: Result, peer: str) -> None:
    """Leave out every column of ``peer`` (its start-up rows too)."""
    result.columns = {c: rows for c, rows in result.columns.items() if not c.startswith(peer + " ")}
    if peer in result.peers:
        result.peers.remove(peer)


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
        f"{args.starts} kernel starts; each kernel row back to back and paused {args.pause:g} s"
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
        "--pause",
        type=float,
        default=1.0,
        help="seconds between the untimed cell and the timed one of a paused row (default 1.0)",
    )
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument(
        "--peers",
        action="store_true",
        help="every peer: GoNB (Go) and evcxr (Rust) too, installed in the benchmark's folder on first use",
    )
    chosen.add_argument("--no-peer", action="store_true", help="no peer (not even jupyter-c-kernel)")
    parser.add_argument(
        "--json", metavar="FILE", help="also write the results as JSON ('-': stdout, no table)"
    )
    parser.add_argument(
        "--no-libraries",
        dest="libraries",
        action="store_false",
        help="skip the libraries rows (%%dep; crates, Go modules, pkg-config)",
    )
    parser.add_argument(
        "--libraries-only",
        action="store_true",
        help="only the libraries rows (with evcxr beside Rust when --peers)",
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
    if args.pause < 0:
        parser.error("--pause must not be negative")
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
            if args.libraries_only:
                libs = library_rows.measure(lang, args.runs, _evcxr(lang, args))
                print("\n" + "\n".join(library_rows.report(libs)), file=out, flush=True)
                continue
            results.append(measure(lang, args))
            print("\n" + "\n".join(report(results[-1])), file=out, flush=True)
            if args.libraries:
                libs = library_rows.measure(lang, args.runs, _evcxr(lang, args))
                results[-1].libraries = libs
                print("\n" + "\n".join(library_rows.report(libs)), file=out, flush=True)
    except BenchError as err:
        print(f"\nthe benchmark could not complete: {err}", file=sys.stderr)
        return 1
    if args.libraries_only:
        return 0
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

"""The benchmark's results: samples by column and row, issue 10's targets, the printed table, JSON.

A kernel row is measured in two modes (``MODES``), each its own column, named ``column(name, mode)``:
*back to back*, the timed cell sent the moment the previous cell on that kernel said idle (as Run All
sends a notebook), and *paused*, ``--pause`` seconds after it (a person reading before the next cell).
"""

from __future__ import annotations

import os
import shlex
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernels import CellResult
from languages import Language, Step

B2B, PAUSED = "back to back", "paused"
MODES = (B2B, PAUSED)
# The kernel's phases; a toolchain may report steps of its build beside compile (BuildResult.timings:
# "link", or C's "load" of a live program): any other name is shown too, after compile.
PHASES = ("parse", "render", "compile", "link", "run")
START_TARGET = 1.0  # seconds from process start to the first kernel_info reply
FIRST_CELL_TARGET = 2.0  # the first cell after start / a warm cell
LABEL = 50  # width of the row labels
WIDTH = 14  # width of a column of figures


def column(name: str, mode: str) -> str:
    """The column of kernel row ``name`` measured in ``mode``: ``"ccellkernel [paused]"``."""
    return f"{name} [{mode}]"


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
    value: float  # back to back: what the target is about
    limit: float
    unit: str = "x"
    paused: float | None = None  # the same figure paused, shown beside it

    @property
    def met(self) -> bool:
        return self.value <= self.limit


@dataclass
class LongRunResult:
    cells: int
    times: list[float]  # end to end, each cell in order
    rss_kb: list[tuple[int, int]]  # (cells run, the live program's resident memory)
    processes: int  # of the live program at the end (the host, its checkpoint, its supervisor)


@dataclass
class Result:
    """Seconds per run by column (a kernel row in a mode, by hand...) and row (a phase, end to end)."""

    lang: Language
    runs: int
    functions: int
    pause: float
    peers: list[str] = field(default_factory=list)  # peers measured, in order
    columns: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    tools: dict[str, list[int]] = field(default_factory=dict)  # build tools a cell started, per run
    breakdowns: list[Breakdown] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    long_run: LongRunResult | None = None
    libraries: Any = None  # libraries.LibraryResult: the %dep rows, when measured

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

    def times(self, column: str, row: str = "end to end") -> list[float] | None:
        return self.columns.get(column, {}).get(row)

    def ratio(self, a: str, b: str) -> float | None:
        """median(a) / median(b) of end to end, None when either was not measured."""
        if not (self.has(a) and self.has(b)):
            return None
        return self.median(a) / self.median(b)


def phases(named: object) -> list[str]:
    """The phase names of ``named`` (timings, or a column's rows) in the kernel's order."""
    names = list(named)  # type: ignore[call-overload]
    extra = sorted(n for n in names if n not in PHASES and n not in ("protocol", "end to end", "seconds"))
    return [*PHASES[:3], *extra, *PHASES[3:]]


def row_names(*columns: dict[str, list[float]]) -> list[str]:
    return [*phases({name for c in columns for name in c}), "protocol", "end to end"]


# -- targets -----------------------------------------------------------------------------------------


def targets(r: Result) -> list[Target]:
    """Issue 10's targets from the medians, back to back (what is judged) and paused (beside it)."""
    lang, k = r.lang, r.functions
    found: list[Target] = []

    def both(what: str, a: str, b: str, limit: float) -> None:
        """Target median(a [mode]) / median(b [mode]) for each mode; b may be a column without mode."""
        values = [r.ratio(column(a, m), b if r.has(b) else column(b, m)) for m in MODES]
        if values[0] is not None:
            found.append(Target(what, values[0], limit, paused=values[1]))

    both("trivial cell / by hand", "ccellkernel", "by hand", lang.target)
    for peer in lang.peers:
        if peer.target is not None:
            both(f"trivial cell / {peer.name}", "ccellkernel", peer.name, peer.target)
    both(f"{k} functions / trivial cell", f"{k} functions", "ccellkernel", lang.many_target)
    built = [max(r.tools.get(column("re-run", m), [1])) for m in MODES]
    found.append(Target("re-run: build tools started (most in a run)", built[0], 0.0, "", paused=built[1]))
    found.append(Target("kernel start (median)", r.median("kernel start", "seconds"), START_TARGET, " s"))
    first = r.median("first cell")
    warm = [r.median(column("ccellkernel", m)) for m in MODES]
    what = "first cell after start / warm cell"
    found.append(Target(what, first / warm[0], FIRST_CELL_TARGET, paused=first / warm[1]))
    return found


# -- the table -----------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    value = seconds * 1000
    if abs(value) >= 1000:
        return f"{seconds:.2f} s"
    return f"{value:.2f} ms" if abs(value) < 10 else f"{value:.1f} ms"


def _paired(later: list[float], earlier: list[float]) -> float:
    """Median of the per-run differences: runs of one round share the load, so drift cancels."""
    return statistics.median(a - b for a, b in zip(later, earlier, strict=True))


def _row(label: str, *columns: list[float] | None, tail: str = "") -> str:
    line = f"  {label:<{LABEL - 2}}"
    for times in columns:
        line += f"{_ms(statistics.median(times)):>{WIDTH}}" if times else " " * WIDTH
    return (line.rstrip() + ("   " + tail if tail else "")).rstrip()


def _x(a: float | None, b: float | None) -> str:
    """'0.70x / 0.64x': back to back / paused."""
    return " / ".join("-" if v is None else f"{v:.2f}x" for v in (a, b))


def _modes(r: Result, name: str, row: str = "end to end") -> list[list[float] | None]:
    return [r.times(column(name, m), row) for m in MODES]


def report(r: Result) -> list[str]:
    lang, k, c = r.lang, r.functions, r.columns
    head = f"{lang.name} (medians of {r.runs} runs, side by side)"
    paused = f"paused {r.pause:g} s"
    lines = [f"{head:<{LABEL}}{B2B:>{WIDTH}}{paused:>{WIDTH}}{'by hand':>{WIDTH}}"]

    def ratios(a: str, b: str) -> str:
        return _x(*(r.ratio(column(a, m), b if r.has(b) else column(b, m)) for m in MODES))

    trivial = [c[column("ccellkernel", m)] for m in MODES]
    lines.append(f"  trivial new cell ({lang.cell(1)!r})")
    for row in row_names(*trivial, c["by hand"]):
        tail = ""
        if row == "end to end":
            tail = f"{ratios('ccellkernel', 'by hand')} by hand (target <= {lang.target}x back to back)"
        if any(row in t for t in (*trivial, c["by hand"])):
            lines.append(_row("  " + row, *(t.get(row) for t in trivial), c["by hand"].get(row), tail=tail))
    said = []
    for m in MODES:
        tools = r.tools.get(column("re-run", m), [])
        said.append(
            "?" if not tools else "builds nothing" if max(tools) == 0 else f"up to {max(tools)} build tools"
        )
    lines.append(
        _row(
            "re-run, unchanged cell",
            *_modes(r, "re-run"),
            tail=f"{ratios('re-run', 'ccellkernel')} a new cell; {' / '.join(said)}",
        )
    )
    for row in ("compile", "link"):
        if row in c[column("re-run", B2B)]:
            lines.append(_row("  " + row, *_modes(r, "re-run", row)))
    many = [c[column(f"{k} functions", m)] for m in MODES]
    hand_many = c[f"by hand, {k} functions"]
    lines.append(f"  new cell with {k} remembered functions")
    for row in row_names(*many, hand_many):
        tail = ""
        if row == "end to end":
            tail = (
                f"{ratios(f'{k} functions', 'ccellkernel')} the trivial cell (target <= {lang.many_target}x);"
                f" {ratios(f'{k} functions', f'by hand, {k} functions')} by hand"
            )
        if any(row in t for t in (*many, hand_many)):
            lines.append(_row("  " + row, *(t.get(row) for t in many), hand_many.get(row), tail=tail))
    for mode in lang.modes:
        if r.has(column(mode.name, B2B)):
            lines.append(
                _row(
                    f"trivial cell, {mode.name}",
                    *_modes(r, mode.name),
                    tail=f"{ratios(mode.name, 'by hand')} by hand",
                )
            )
            for row in phases(c[column(mode.name, B2B)]):
                if row in c[column(mode.name, B2B)]:
                    lines.append(_row("  " + row, *_modes(r, mode.name, row)))
    lines.append(_row("empty cell, end to end", *_modes(r, "empty cell")))
    starts = c["kernel start"]["seconds"]
    lines.append(
        _row(
            "kernel start (to the kernel_info reply)",
            starts,
            tail=f"{len(starts)} starts (target <= {START_TARGET:.0f} s)",
        )
    )
    first = r.median("first cell")
    warm = [r.median(column("ccellkernel", m)) for m in MODES]
    lines.append(
        _row(
            "first cell after start",
            c["first cell"]["end to end"],
            tail=f"{_x(first / warm[0], first / warm[1])} a warm cell (target <= {FIRST_CELL_TARGET:g}x)",
        )
    )
    for b in r.breakdowns:
        lines.append(f"  {b.title:<{LABEL - 2}}{'median':>{WIDTH}}{'step':>{WIDTH}}")
        rows = [(s.label, t) for s, t in zip(b.steps, b.times, strict=True)]
        rows.append((f"= the kernel's {b.phase} phase, paused", c[column("ccellkernel", PAUSED)][b.phase]))
        for n, (label, times) in enumerate(rows):
            step = "" if n == 0 else f"{_paired(times, rows[n - 1][1]) * 1000:+.1f} ms"
            median = _ms(statistics.median(times))
            lines.append(f"    {label:<{LABEL - 4}}{median:>{WIDTH}}{step:>{WIDTH}}".rstrip())
        if b.phase == "compile" and lang.kernel_steps is not None:
            command = shlex.join(b.steps[-1].argv).replace(f"{b.workdir}{os.sep}", "")
            lines.append(f"    (the kernel's command, in a temp dir: {command})")
    if r.long_run is not None:
        lr = r.long_run
        tenth = max(1, lr.cells // 10)
        first_cells, last_cells = lr.times[:tenth], lr.times[-tenth:]
        lines.append(
            _row(f"{lr.cells} live cells, the first {tenth}", first_cells, tail="one live program, Run All")
        )
        drift = statistics.median(last_cells) / statistics.median(first_cells)
        tail = f"{drift:.2f}x the first"
        lines.append(_row(f"{lr.cells} live cells, the last {tenth}", last_cells, tail=tail))
        memory = ", ".join(f"{n}: {kb / 1024:.1f} MB" for n, kb in lr.rss_kb)
        lines.append(f"    live program resident memory after N cells: {memory}")
        lines.append(f"    processes of the live program at the end: {lr.processes}")
    lines += peers_table(r)
    lines += [f"  ({note})" for note in r.notes]
    return lines


def peers_table(r: Result) -> list[str]:
    """ccellkernel and each peer on the same rows, back to back and paused."""
    if not r.peers:
        return []
    k = r.functions
    kernels = ["ccellkernel", *r.peers]
    lines = [
        f"  {'peers, the same rows through the same client':<{LABEL - 2}}"
        + "".join(f"{name:>{2 * WIDTH}}" for name in kernels),
        f"  {'':<{LABEL - 2}}" + f"{B2B:>{WIDTH}}{PAUSED:>{WIDTH}}" * len(kernels),
    ]
    ours = {"trivial": "ccellkernel", "functions": f"{k} functions", "re-run": "re-run"}
    rows = (
        ("trivial new cell", "trivial"),
        (f"new cell, {k} functions remembered", "functions"),
        ("re-run, unchanged cell", "re-run"),
    )
    for label, key in rows:
        figures: list[list[float] | None] = []
        tails = []
        for name in kernels:
            theirs = {"trivial": name, "functions": f"{name} {k} functions", "re-run": f"{name} re-run"}
            own = ours[key] if name == "ccellkernel" else theirs[key]
            figures += _modes(r, own)
            if name != "ccellkernel" and r.has(column(own, B2B)):
                ratio = _x(*(r.ratio(column(ours[key], m), column(own, m)) for m in MODES))
                tails.append(f"ccellkernel {ratio} {name}")
        lines.append(_row(label, *figures, tail="; ".join(tails)))
    for label, ours_name, name, row in (
        ("kernel start", "kernel start", "start", "seconds"),
        ("first cell after start", "first cell", "first cell", "end to end"),
    ):
        figures = []
        for kernel in kernels:
            figures += [r.times(ours_name if kernel == "ccellkernel" else f"{kernel} {name}", row), None]
        lines.append(_row(label, *figures))
    return lines


def summary(results: Sequence[Result]) -> list[str]:
    lines = ["", "issue 10's targets (medians; back to back is judged, paused is beside it):"]
    for r in results:
        for t in r.targets:
            value = f"{t.value:.0f}" if t.unit == "" else f"{t.value:.2f}{t.unit}"
            limit = f"{t.limit:.0f}" if t.unit == "" else f"{t.limit:g}{t.unit}"
            paused = ""
            if t.paused is not None:
                figure = f"{t.paused:.0f}" if t.unit == "" else f"{t.paused:.2f}{t.unit}"
                paused = f"   paused {figure} ({'met' if t.paused <= t.limit else 'missed'})"
            met = "met" if t.met else "MISSED"
            lines.append(f"  {r.lang.name:<6}{t.what:<46}{value:>9}  <= {limit:<6} {met}{paused}")
    missed = sum(not t.met for r in results for t in r.targets)
    lines.append(f"{missed} target(s) missed back to back" if missed else "all targets met back to back")
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
        "modes": list(MODES),
        "languages": {
            r.lang.name: {
                "runs": r.runs,
                "functions": r.functions,
                "pause_s": r.pause,
                "peers": r.peers,
                "columns": {
                    col: {row: stats(t) for row, t in rows.items()} for col, rows in r.columns.items()
                },
                "tools": r.tools,
                "libraries": (
                    {
                        "columns": {name: stats(t) for name, t in r.libraries.columns.items()},
                        "paused": {name: stats(t) for name, t in r.libraries.paused.items()},
                        "notes": r.libraries.notes,
                    }
                    if r.libraries is not None
                    else None
                ),
                "targets": [
                    {"what": t.what, "value": t.value, "paused": t.paused, "limit": t.limit, "met": t.met}
                    for t in r.targets
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

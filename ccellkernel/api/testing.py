"""``%test``: the tests in memory, run by the toolchain's own harness, reported test by test.

A toolchain that supports tests implements ``Toolchain.render_tests(memory)``: it picks the tests among
the remembered declarations (C ``test_*`` functions, Go ``TestX(t *testing.T)``, Rust ``#[test]``) and
returns a ``TestPlan``: the program that runs them, the arguments to run it with, and a ``TestReader``
that turns the harness's output into one ``TestOutcome`` per test. The core builds the program
(``BuildContext.tests`` is true), runs it like any cell (streaming, input, interrupts, limits) and prints a
line per test as it finishes, with the cell and line where the test is declared; a failing test's own
output follows it. The cell fails with ``TestFailure`` when any test failed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .display import Display
from .program import Program, cell_position


@dataclass(frozen=True)
class TestCase:
    """A test in memory: the name its harness reports, and where it is declared."""

    name: str
    cell: int
    line: int


@dataclass(frozen=True)
class TestOutcome:
    """How one test ended. ``detail`` is its output and failure message (shown for failures)."""

    name: str
    passed: bool
    detail: str = ""
    skipped: bool = False
    shown: str = ""  # shown even when it passed: a benchmark's result line


class TestReader:
    """Reads a harness's output as it comes; returns the tests that finished with each piece.

    A harness reports either in its output (Go, Rust: ``feed``) or with ``test`` frames of the display
    channel (C: ``frame``); override what yours uses.
    """

    def feed(self, stream: str, text: str) -> Sequence[TestOutcome]:
        return ()

    def frame(self, item: Display) -> Sequence[TestOutcome]:
        return ()

    def finish(self, returncode: int) -> Sequence[TestOutcome]:
        """At the end: the outcomes still held back."""
        return ()


@dataclass(frozen=True)
class TestPlan:
    """What ``Toolchain.render_tests`` hands back: a program running ``tests`` and how to read it."""

    program: Program
    tests: tuple[TestCase, ...]
    reader: Callable[[], TestReader]
    arguments: tuple[str, ...] = ()
    environment: dict[str, str] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()  # run only when asked (Go's benchmarks): never missing


class Report:
    """The lines ``%test`` prints: one per finished test, its detail if it failed, a summary."""

    def __init__(self, plan: TestPlan, say: Callable[[str], None], rewrite: Callable[[str], str]) -> None:
        self._where = {t.name: t for t in plan.tests}
        self._optional = plan.optional
        self._say = say
        self._rewrite = rewrite
        self._width = max((len(t.name) for t in plan.tests), default=0)
        self.passed = 0
        self.failed: list[str] = []
        self.skipped = 0
        self._seen: set[str] = set()
        self.crashes: list[str] = []  # explanations of crashes not yet given to a failed test

    def add(self, outcomes: Sequence[TestOutcome]) -> None:
        for outcome in outcomes:
            if outcome.name in self._seen:
                continue
            self._seen.add(outcome.name)
            where = self._where.get(outcome.name)
            place = cell_position(where.cell, where.line) if where else ""
            word = "SKIP" if outcome.skipped else "PASS" if outcome.passed else "FAIL"
            lines = [f"{word}  {outcome.name.ljust(self._width)}  {place}".rstrip()]
            lines += [f"      {line}" for line in outcome.shown.splitlines()]
            if outcome.skipped:
                self.skipped += 1
            elif outcome.passed:
                self.passed += 1
            else:
                self.failed.append(outcome.name)
                detail = self._rewrite(outcome.detail).rstrip("\n")
                lines += [f"      {line}" for line in detail.splitlines() if line.strip()]
                lines += [f"      {line}" for line in self.crashes]
                self.crashes = []
            self._say("\n".join(lines) + "\n")

    def missing(self) -> list[str]:
        return [name for name in self._where if name not in self._seen and name not in self._optional]

    def summary(self) -> str:
        parts = [f"{self.passed} passed"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        return ", ".join(parts)

"""``%test`` for Go: every remembered ``func TestX(t *testing.T)`` is a test, and every
``func BenchmarkX(b *testing.B)`` a benchmark, run when ``%test -test.bench=.`` asks (GoNB's flags:
what follows ``%test`` goes to the test program, ``-test.run=X`` too).

The test program is the memory with a ``main`` that hands the tests to the testing package's own
harness (``testing.Main``, which simulates ``go test``), run with ``-test.v``: it prints ``=== RUN``
before each test, the test's own output, then ``--- PASS: TestX`` or ``--- FAIL: TestX``. Everything is
built offline like any cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from tree_sitter import Language

from ccellkernel.api.memory import Memory
from ccellkernel.api.program import CellParts
from ccellkernel.api.testing import TestCase, TestOutcome, TestPlan, TestReader

from .gocmd import StandardLibrary
from .render import render_program

_TEST = re.compile(r"^\s*func\s+(Test(?:[^a-z]\w*)?)\s*\(\s*\w+\s+\*\s*testing\.T\s*\)", re.MULTILINE)
_BENCHMARK = re.compile(
    r"^\s*func\s+(Benchmark(?:[^a-z]\w*)?)\s*\(\s*\w+\s+\*\s*testing\.B\s*\)", re.MULTILINE
)
# what go test -bench prints for a benchmark: name (with -GOMAXPROCS), N, then ns/op and the rest
_BENCH_LINE = re.compile(r"^(Benchmark\S*?)(?:-\d+)?\s+\d+\s+\S+ ns/op")
_RESULT = re.compile(r"^--- (PASS|FAIL|SKIP): (\S+)")
_RUN = re.compile(r"^=== (?:RUN|CONT|PAUSE)\s+(\S+)")


def find(memory: Memory, pattern: re.Pattern[str] = _TEST) -> list[TestCase]:
    found = []
    for decl in memory:
        if decl.kind != "func":
            continue
        match = pattern.search(decl.fragment.text)
        if match and match.group(1) == decl.key:
            line = decl.fragment.line + decl.fragment.text[: match.start(1)].count("\n")
            found.append(TestCase(decl.key, decl.fragment.cell, line))
    return found


def plan(language: Language, memory: Memory, std: Callable[[], StandardLibrary]) -> TestPlan:
    cases = find(memory)
    benchmarks = find(memory, _BENCHMARK)
    listed = ", ".join(f'{{Name: "{t.name}", F: {t.name}}}' for t in cases)
    benched = ", ".join(f'{{Name: "{t.name}", F: {t.name}}}' for t in benchmarks)
    harness = (
        "func main() {\n"  # -test.run and -test.bench choose by regexp, as go test does
        "\tmatch := func(pattern, name string) (bool, error) { return regexp.MatchString(pattern, name) }\n"
        f"\ttesting.Main(match, []testing.InternalTest{{{listed}}}, "
        f"[]testing.InternalBenchmark{{{benched}}}, nil)\n"
        "}"
    )
    program = render_program(language, memory, CellParts(), std, generated_main=harness)
    optional = frozenset(b.name for b in benchmarks)  # they run with -test.bench (GoNB's %test flags)
    return TestPlan(program, (*cases, *benchmarks), Reader, arguments=("-test.v",), optional=optional)


class Reader(TestReader):
    """``-test.v`` output: a test's lines run from its ``=== RUN`` to its ``--- PASS/FAIL``."""

    def __init__(self) -> None:
        self._partial = ""
        self._lines: list[str] = []
        self._failed: TestOutcome | None = None  # the last failure: a panic's text comes after it

    def feed(self, stream: str, text: str) -> Sequence[TestOutcome]:
        found: list[TestOutcome] = []
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        for line in lines:
            bench = _BENCH_LINE.match(line)
            if bench:
                found.append(TestOutcome(bench.group(1), True, shown=" ".join(line.split("\t")).strip()))
                self._lines = []
                continue
            result = _RESULT.match(line)
            if result:
                word, name = result.groups()
                outcome = TestOutcome(name, word == "PASS", "\n".join(self._lines), skipped=word == "SKIP")
                self._lines = []
                if word == "FAIL":  # held: what follows until the next test may be its panic
                    if self._failed is not None:
                        found.append(self._failed)
                    self._failed = outcome
                else:
                    found.append(outcome)
                continue
            if _RUN.match(line):
                if self._failed is not None:
                    found.append(self._failed)
                    self._failed = None
                self._lines = []
                continue
            if line.strip() in ("PASS", "FAIL") or line.startswith(("ok ", "FAIL\t")):
                continue
            self._lines.append(line[4:] if line.startswith("    ") else line)
        return found

    def finish(self, returncode: int) -> Sequence[TestOutcome]:
        rest = [line for line in [*self._lines, self._partial] if line.strip()]
        if self._failed is not None:
            detail = "\n".join([self._failed.detail, *rest]).strip()
            return [TestOutcome(self._failed.name, False, detail)]
        return []

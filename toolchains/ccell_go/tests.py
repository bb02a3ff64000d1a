"""``%test`` for Go: every remembered ``func TestX(t *testing.T)`` is a test.

The test program is the memory with a ``main`` that hands the tests to the testing package's own
harness (``testing.Main``, which simulates ``go test``), run with ``-test.v``: it prints ``=== RUN``
before each test, the test's own output, then ``--- PASS: TestX`` or ``--- FAIL: TestX``. Everything is
built offline like any cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from tree_sitter import Language

from ccellkernel.memory import Memory
from ccellkernel.program import CellParts
from ccellkernel.testing import TestCase, TestOutcome, TestPlan, TestReader

from .gocmd import StandardLibrary
from .render import render_program

_TEST = re.compile(r"^\s*func\s+(Test(?:[^a-z]\w*)?)\s*\(\s*\w+\s+\*\s*testing\.T\s*\)", re.MULTILINE)
_RESULT = re.compile(r"^--- (PASS|FAIL|SKIP): (\S+)")
_RUN = re.compile(r"^=== (?:RUN|CONT|PAUSE)\s+(\S+)")


def find(memory: Memory) -> list[TestCase]:
    found = []
    for decl in memory:
        if decl.kind != "func":
            continue
        match = _TEST.search(decl.fragment.text)
        if match and match.group(1) == decl.key:
            line = decl.fragment.line + decl.fragment.text[: match.start(1)].count("\n")
            found.append(TestCase(decl.key, decl.fragment.cell, line))
    return found


def plan(language: Language, memory: Memory, std: Callable[[], StandardLibrary]) -> TestPlan:
    cases = find(memory)
    listed = ", ".join(f'{{Name: "{t.name}", F: {t.name}}}' for t in cases)
    harness = (
        "func main() {\n"
        "\tmatch := func(pattern, name string) (bool, error) { return true, nil }\n"
        f"\ttesting.Main(match, []testing.InternalTest{{{listed}}}, nil, nil)\n"
        "}"
    )
    program = render_program(language, memory, CellParts(), std, generated_main=harness)
    return TestPlan(program, tuple(cases), Reader, arguments=("-test.v",))


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

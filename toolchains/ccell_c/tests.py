"""``%test`` for C: every remembered function named ``test_*`` that takes no arguments is a test.

The test program is the memory with a ``main`` that hands the tests to the runtime's
``ccell__run_tests`` (``runtime/ccell.c``): each test runs in a child process of its own, so a failed
``assert`` or a crash fails that test and the others still run. The runtime sends each outcome, with
the test's own output, as a ``test`` frame of the display channel.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Sequence

from ccellkernel.api.display import Display
from ccellkernel.api.memory import Memory
from ccellkernel.api.program import ProgramWriter
from ccellkernel.api.testing import TestCase, TestOutcome, TestPlan, TestReader

_NO_ARGUMENTS = re.compile(r"\(\s*(?:void)?\s*\)\s*;?\s*$")


def find(memory: Memory) -> list[TestCase]:
    found = []
    for decl in memory:
        prototype = decl.data.get("prototype")
        text = getattr(prototype, "text", "")
        if decl.kind == "function" and decl.key.startswith("test_") and _NO_ARGUMENTS.search(text):
            found.append(TestCase(decl.key, decl.fragment.cell, _line_of(decl.fragment, decl.key)))
    return found


def _line_of(fragment, name: str) -> int:  # type: ignore[no-untyped-def]
    """The line of the fragment where the function's name is (after comments above it)."""
    for i, line in enumerate(fragment.text.split("\n")):
        if re.search(rf"\b{re.escape(name)}\s*\(", line):
            return fragment.line + i
    return fragment.line


def plan(out: ProgramWriter, memory: Memory) -> TestPlan:
    cases = find(memory)
    wrappers = "\n".join(f"static void ccell_test_{i}(void) {{ {t.name}(); }}" for i, t in enumerate(cases))
    names = ", ".join(f'"{t.name}"' for t in cases) or "0"
    tests = ", ".join(f"ccell_test_{i}" for i in range(len(cases))) or "0"
    out.generated(
        "int ccell__run_tests(int, const char *const *, void (*const *)(void));\n"
        f"{wrappers}\n"
        "int main(void) {\n"
        f"    static const char *const names[] = {{{names}}};\n"
        f"    static void (*const tests[])(void) = {{{tests}}};\n"
        f"    return ccell__run_tests({len(cases)}, names, tests);\n"
        "}"
    )
    return TestPlan(out.program(), tuple(cases), Reader)


class Reader(TestReader):
    """Each test's outcome comes as a ``test`` frame: its status line, then its output."""

    def frame(self, item: Display) -> Sequence[TestOutcome]:
        status, _, output = item.raw.decode("utf-8", "replace").partition("\n")
        return [_outcome(item.display_id, status, output)]


def _outcome(name: str, status: str, output: str) -> TestOutcome:
    if status == "ok":
        return TestOutcome(name, True, output)
    kind, _, number = status.partition(":")
    if kind == "signal" and number.lstrip("-").isdigit():
        try:
            why = f"{signal.Signals(int(number)).name}: {signal.strsignal(int(number))}"
        except ValueError:
            why = f"signal {number}"
    else:
        why = f"exit status {number}"
    return TestOutcome(name, False, f"{output.rstrip()}\n{why}".strip())

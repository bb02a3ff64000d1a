"""The cell-splitting cases of tests/fixtures/LANGUAGE/: one cell per ``NAME.EXT`` and its ``NAME.json``.

test_cases.py describes the JSON and compares the declarations each toolchain makes; here are finding
and loading one language's cases, and the checks on statements, main and a run of the cell alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from cells import Cells

from ccellkernel.api.program import CellParts

FIXTURES = Path(__file__).parent / "fixtures"
CELL = 7  # the cell number each case is split as


class FixtureCases:
    """The cases of one language: ``names`` (sorted), those that ``compiles``, those that do not."""

    def __init__(self, language: str, extension: str) -> None:
        self.folder = FIXTURES / language
        self.extension = extension
        self.names = sorted(path.stem for path in self.folder.glob(f"*{extension}"))
        self.compiling = [name for name in self.names if self.expected(name)["compiles"]]
        self.failing = [name for name in self.names if name not in self.compiling]

    def expected(self, name: str) -> dict:
        return json.loads((self.folder / f"{name}.json").read_text())

    def load(self, name: str) -> tuple[str, dict]:
        """The cell's source and what its toolchain must make of it."""
        return (self.folder / f"{name}{self.extension}").read_text(), self.expected(name)

    def check_every_case_has_expectations(self) -> None:
        assert len(self.names) >= 20
        assert sorted(path.stem for path in self.folder.glob("*.json")) == self.names


def check_statements_and_main(parts: CellParts, expected: dict) -> None:
    """All of the parts belong to cell ``CELL``; statements and main start where ``expected`` says."""
    assert all(d.cell == CELL for d in parts.declarations)
    assert [s.line for s in parts.statements] == expected["statements"]
    assert all(s.cell == CELL for s in parts.statements)
    assert (parts.main.line if parts.main else None) == expected["main"]
    assert parts.problems == ()


def check_runs_alone(cells: Cells, source: str, expected: dict) -> None:
    """Run on its own, the cell succeeds, prints ``expected["stdout"]`` (or nothing) and no stderr."""
    io, err = cells.run(source)
    assert err is None, "\n".join(err.traceback)
    assert io.text() == expected.get("stdout", "")
    assert io.text("stderr") == ""

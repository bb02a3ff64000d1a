"""How Rust cells split (CELL_MODEL.md sections 2 and 3): one case per file in tests/fixtures/rust/.

Each case is ``NAME.rs`` (the cell) and ``NAME.json`` (what the Rust toolchain must make of it)::

    {
      "about": "what the case shows",
      "declarations": [                         in cell order
        {"keys": ["impl Display for Point"],    the group's keys (any order)
         "kind": "impl",
         "line": 3,                             where its fragment starts (comments, attributes included)
         "starts": "/// doc"}                   optional: how the fragment's text starts
      ],
      "statements": [7, 8],                     start lines of main's body statements
      "main": 5,                                start line of the cell's own main, or null
      "compiles": true,                         rendered alone (empty memory), it compiles
      "stdout": "21\\n"                          optional: and running it prints this
    }
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cells import Cells
from fixture_cases import CELL, FixtureCases, check_runs_alone, check_statements_and_main

from ccellkernel.api.plugins import load_toolchain
from ccellkernel.notebook.session import Session

CASES = FixtureCases("rust", ".rs")


@pytest.fixture(scope="module")
def rust_cells(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cells]:
    """One Rust session for the module (each case resets its memory)."""
    session = Session(load_toolchain("rust"), cwd=tmp_path_factory.mktemp("rust-cases"))
    yield Cells(session)
    session.close()


def test_every_case_has_expectations():
    CASES.check_every_case_has_expectations()


@pytest.mark.parametrize("name", CASES.names)
def test_split(name):
    source, expected = CASES.load(name)
    parts = load_toolchain("rust").split(source, CELL)
    want = [
        {"keys": sorted(d["keys"]), "kind": d["kind"], "line": d["line"]} for d in expected["declarations"]
    ]
    got = [{"keys": sorted(d.keys), "kind": d.kind, "line": d.fragment.line} for d in parts.declarations]
    assert got == want
    for decl, want_decl in zip(parts.declarations, expected["declarations"], strict=True):
        assert not decl.weak
        if "starts" in want_decl:
            assert decl.fragment.text.startswith(want_decl["starts"]), decl.fragment.text
    check_statements_and_main(parts, expected)


@pytest.mark.parametrize("name", CASES.compiling)
def test_compiles_alone(name, rust_cells):
    rust_cells.ok("%reset")
    check_runs_alone(rust_cells, *CASES.load(name))

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

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Cells

from ccellkernel.plugins import load_toolchain
from ccellkernel.session import Session

FIXTURES = Path(__file__).parent / "fixtures" / "rust"
CASES = sorted(path.stem for path in FIXTURES.glob("*.rs"))
COMPILING = [name for name in CASES if json.loads((FIXTURES / f"{name}.json").read_text())["compiles"]]


def load(name: str) -> tuple[str, dict]:
    return (FIXTURES / f"{name}.rs").read_text(), json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture(scope="module")
def rust_cells(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cells]:
    """One Rust session for the module (each case resets its memory)."""
    session = Session(load_toolchain("rust"), cwd=tmp_path_factory.mktemp("rust-cases"))
    yield Cells(session)
    session.close()


def test_every_case_has_expectations():
    assert len(CASES) >= 20
    assert sorted(path.stem for path in FIXTURES.glob("*.json")) == CASES


@pytest.mark.parametrize("name", CASES)
def test_split(name):
    source, expected = load(name)
    parts = load_toolchain("rust").split(source, 7)
    want = [
        {"keys": sorted(d["keys"]), "kind": d["kind"], "line": d["line"]} for d in expected["declarations"]
    ]
    got = [{"keys": sorted(d.keys), "kind": d.kind, "line": d.fragment.line} for d in parts.declarations]
    assert got == want
    for decl, want_decl in zip(parts.declarations, expected["declarations"], strict=True):
        assert decl.cell == 7
        assert not decl.weak
        if "starts" in want_decl:
            assert decl.fragment.text.startswith(want_decl["starts"]), decl.fragment.text
    assert [s.line for s in parts.statements] == expected["statements"]
    assert all(s.cell == 7 for s in parts.statements)
    assert (parts.main.line if parts.main else None) == expected["main"]
    assert parts.problems == ()


@pytest.mark.parametrize("name", COMPILING)
def test_compiles_alone(name, rust_cells):
    source, expected = load(name)
    rust_cells.ok("%reset")
    io, err = rust_cells.run(source)
    assert err is None, "\n".join(err.traceback)
    assert io.text() == expected.get("stdout", "")
    assert io.text("stderr") == ""

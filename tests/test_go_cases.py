"""How Go cells split (CELL_MODEL.md sections 2 and 3): one case per file in tests/fixtures/go/.

Each case is ``NAME.go`` (the cell) and ``NAME.json`` (what the Go toolchain must make of it)::

    {
      "about": "what the case shows",
      "declarations": [                       in cell order
        {"keys": ["a", "b"],                  the group's keys (any order)
         "kind": "var",                       import, func, method, type, var or const
         "line": 3,                           where its fragment starts (leading comments included)
         "group": "var",                      optional: the spec came out of a parenthesized group
         "starts": "// doc",                  optional: how the fragment's text starts
         "ends": "// why"}                    optional: how it ends
      ],
      "statements": [7, 8],                   start lines of main's body statements
      "main": 5,                              start line of the cell's own func main, or null
      "compiles": true,                       rendered alone (empty memory), it compiles
      "stdout": "21\\n"                        optional: and running it prints this
    }
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cells import Cells

from ccellkernel.plugins import load_toolchain
from ccellkernel.session import Session
from ccellkernel.toolchain import Toolchain

FIXTURES = Path(__file__).parent / "fixtures" / "go"
CASES = sorted(path.stem for path in FIXTURES.glob("*.go"))
COMPILING = [name for name in CASES if json.loads((FIXTURES / f"{name}.json").read_text())["compiles"]]
FAILING = [name for name in CASES if name not in COMPILING]


def load(name: str) -> tuple[str, dict]:
    return (FIXTURES / f"{name}.go").read_text(), json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture(scope="module")
def go(tmp_path_factory: pytest.TempPathFactory) -> Toolchain:
    """One Go toolchain for the module (it caches where go is and the standard library's names),
    warmed up: the standard library in the build cache before the first build (cold, it takes
    seconds)."""
    toolchain = load_toolchain("go")
    session = Session(toolchain, cwd=tmp_path_factory.mktemp("warm"))
    asyncio.run(session.warm_up())
    session.close()
    return toolchain


@pytest.fixture
def go_cells(go: Toolchain, tmp_path: Path) -> Iterator[Cells]:
    session = Session(go, cwd=tmp_path)
    yield Cells(session)
    session.close()


def test_every_case_has_expectations():
    assert len(CASES) >= 20
    assert sorted(path.stem for path in FIXTURES.glob("*.json")) == CASES


@pytest.mark.parametrize("name", CASES)
def test_split(name):
    source, expected = load(name)
    parts = load_toolchain("go").split(source, 7)
    want = [
        {"keys": sorted(d["keys"]), "kind": d["kind"], "line": d["line"], "group": d.get("group")}
        for d in expected["declarations"]
    ]
    got = [
        {"keys": sorted(d.keys), "kind": d.kind, "line": d.fragment.line, "group": d.data.get("group")}
        for d in parts.declarations
    ]
    assert got == want
    for decl, want_decl in zip(parts.declarations, expected["declarations"], strict=True):
        assert decl.cell == 7
        assert decl.fragment.text.startswith(want_decl.get("starts", "")), decl.fragment.text
        assert decl.fragment.text.endswith(want_decl.get("ends", "")), decl.fragment.text
    assert [s.line for s in parts.statements] == expected["statements"]
    assert all(s.cell == 7 for s in parts.statements)
    assert (parts.main.line if parts.main else None) == expected["main"]
    assert parts.problems == ()


@pytest.mark.parametrize("name", COMPILING)
def test_compiles_alone(name, go_cells):
    source, expected = load(name)
    io, err = go_cells.run(source)
    assert err is None, "\n".join(err.traceback)
    assert io.text() == expected.get("stdout", "")
    assert io.text("stderr") == ""


@pytest.mark.parametrize("name", FAILING)
def test_fails_alone_without_changing_memory(name, go_cells):
    source, _ = load(name)
    err = go_cells.fails(source)
    assert err.ename == "CompileError"
    assert err.evalue.startswith(f"Cell In[{go_cells.count}], line "), err.evalue
    assert go_cells.keys() == []

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

import pytest
from fixture_cases import CELL, FixtureCases, check_runs_alone, check_statements_and_main

from ccellkernel.api.plugins import load_toolchain

CASES = FixtureCases("go", ".go")


def test_every_case_has_expectations():
    CASES.check_every_case_has_expectations()


@pytest.mark.parametrize("name", CASES.names)
def test_split(name):
    source, expected = CASES.load(name)
    parts = load_toolchain("go").split(source, CELL)
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
        assert decl.fragment.text.startswith(want_decl.get("starts", "")), decl.fragment.text
        assert decl.fragment.text.endswith(want_decl.get("ends", "")), decl.fragment.text
    check_statements_and_main(parts, expected)


@pytest.mark.parametrize("name", CASES.compiling)
def test_compiles_alone(name, go_cells):
    check_runs_alone(go_cells, *CASES.load(name))


@pytest.mark.parametrize("name", CASES.failing)
def test_fails_alone_without_changing_memory(name, go_cells):
    source, _ = CASES.load(name)
    err = go_cells.fails(source)
    assert err.ename == "CompileError"
    assert err.evalue.startswith(f"Cell In[{go_cells.count}], line "), err.evalue
    assert go_cells.keys() == []

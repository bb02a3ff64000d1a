"""How C cells split (CELL_MODEL.md sections 2 and 3): one case per file in tests/fixtures/c/.

Each case is ``NAME.c`` (the cell) and ``NAME.json`` (what the C toolchain must make of it)::

    {
      "about": "what the case shows",
      "declarations": [                       in cell order
        {"keys": ["struct Node", "Node"],     the group's keys (any order)
         "kind": "typedef",
         "line": 3,                           where its fragment starts (leading comments included)
         "weak": true,                        optional, default false
         "deferred": ["n"],                   optional, default []: names whose initializer runs before
                                              main; null: either way (the contract does not say)
         "starts": "// doc"}                  optional: how the fragment's text starts
      ],
      "statements": [7, 8],                   start lines of main's body statements
      "main": 5,                              start line of the cell's own main, or null
      "compiles": true,                       rendered alone (empty memory), it compiles
      "stdout": "21\\n"                        optional: and running it prints this
    }
"""

from __future__ import annotations

import pytest
from fixture_cases import CELL, FixtureCases, check_runs_alone, check_statements_and_main

from ccellkernel.api.plugins import load_toolchain

CASES = FixtureCases("c", ".c")


def test_every_case_has_expectations():
    CASES.check_every_case_has_expectations()


@pytest.mark.parametrize("name", CASES.names)
def test_split(name):
    source, expected = CASES.load(name)
    parts = load_toolchain("c").split(source, CELL)
    want = [
        {
            "keys": sorted(d["keys"]),
            "kind": d["kind"],
            "line": d["line"],
            "weak": d.get("weak", False),
            "deferred": None if d.get("deferred", []) is None else sorted(d.get("deferred", [])),
        }
        for d in expected["declarations"]
    ]
    unspecified = {i for i, d in enumerate(want) if d["deferred"] is None}
    got = [
        {
            "keys": sorted(d.keys),
            "kind": d.kind,
            "line": d.fragment.line,
            "weak": d.weak,
            "deferred": None
            if i in unspecified
            else sorted(f.text.split("=")[0].strip() for f in d.data.get("deferred", ())),
        }
        for i, d in enumerate(parts.declarations)
    ]
    assert got == want
    for decl, want_decl in zip(parts.declarations, expected["declarations"], strict=True):
        if "starts" in want_decl:
            assert decl.fragment.text.startswith(want_decl["starts"])
    check_statements_and_main(parts, expected)


@pytest.mark.parametrize("name", CASES.compiling)
def test_compiles_alone(name, c_cells):
    check_runs_alone(c_cells, *CASES.load(name))

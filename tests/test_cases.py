"""How cells split (CELL_MODEL.md sections 2 and 3), for every language: one case per file in tests/fixtures/.

Each case is ``NAME.EXT`` (the cell) and ``NAME.json`` (what the language's toolchain must make of it)::

    {
      "about": "what the case shows",
      "declarations": [                       in cell order
        {"keys": ["struct Node", "Node"],     the group's keys (any order)
         "kind": "typedef",                   Go: import, func, method, type, var or const
         "line": 3,                           where its fragment starts (leading comments, Rust's
                                              attributes included)
         "weak": true,                        optional, default false (only C has weak declarations)
         "deferred": ["n"],                   optional, default []: names whose initializer runs before
                                              main (C); null: either way (the contract does not say)
         "group": "var",                      optional: the spec came out of a parenthesized group (Go)
         "starts": "// doc",                  optional: how the fragment's text starts
         "ends": "// why"}                    optional: how it ends
      ],
      "statements": [7, 8],                   start lines of main's body statements
      "main": 5,                              start line of the cell's own main, or null
      "compiles": true,                       rendered alone (empty memory), it compiles
      "stdout": "21\\n"                        optional: and running it prints this
    }

Every field is compared for every language: a field a language's cases leave out must come out as its
default (no weak Rust declaration, no group in C).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from cells import Cells
from fixture_cases import CELL, FixtureCases, check_runs_alone, check_statements_and_main

from ccellkernel.api.plugins import load_toolchain


@dataclass(frozen=True)
class Language:
    """One language's cases and the fixture its runs use."""

    name: str
    cases: FixtureCases
    cells: str  # the conftest fixture of its session, with nothing remembered


LANGUAGES = (
    Language("c", FixtureCases("c", ".c"), "c_cells"),
    Language("go", FixtureCases("go", ".go"), "go_cells"),  # on the module's warmed-up toolchain
    Language("rust", FixtureCases("rust", ".rs"), "rust_cells"),  # the module's one session, reset
)


def every(which: str) -> list[pytest.ParameterSet]:
    """``(language, name)`` for the cases of every language in ``FixtureCases.<which>``."""
    return [
        pytest.param(language, name, id=f"{language.name}-{name}")
        for language in LANGUAGES
        for name in getattr(language.cases, which)
    ]


def cells_for(language: Language, request: pytest.FixtureRequest) -> Cells:
    """The language's session, with an empty memory."""
    cells: Cells = request.getfixturevalue(language.cells)
    return cells


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.name)
def test_every_case_has_expectations(language):
    language.cases.check_every_case_has_expectations()


@pytest.mark.parametrize(("language", "name"), every("names"))
def test_split(language, name):
    source, expected = language.cases.load(name)
    parts = load_toolchain(language.name).split(source, CELL)
    want = [
        {
            "keys": sorted(d["keys"]),
            "kind": d["kind"],
            "line": d["line"],
            "weak": d.get("weak", False),
            "deferred": None if d.get("deferred", []) is None else sorted(d.get("deferred", [])),
            "group": d.get("group"),
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
            "group": d.data.get("group"),
        }
        for i, d in enumerate(parts.declarations)
    ]
    assert got == want
    for decl, want_decl in zip(parts.declarations, expected["declarations"], strict=True):
        assert decl.fragment.text.startswith(want_decl.get("starts", "")), decl.fragment.text
        assert decl.fragment.text.endswith(want_decl.get("ends", "")), decl.fragment.text
    check_statements_and_main(parts, expected)


@pytest.mark.parametrize(("language", "name"), every("failing"))
def test_fails_alone_without_changing_memory(language, name, request):
    cells = cells_for(language, request)
    source, expected = language.cases.load(name)
    err = cells.fails(source)
    assert err.ename == expected.get("error", "CompileError")
    assert err.evalue.startswith(f"Cell In[{cells.count}], line "), err.evalue
    assert cells.keys() == []


@pytest.mark.parametrize(("language", "name"), every("compiling"))
def test_compiles_alone(language, name, request):
    check_runs_alone(cells_for(language, request), *language.cases.load(name))

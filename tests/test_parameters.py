"""What the papermill translators write compiles, is remembered in place of the defaults, and
holds the values given: one injected cell of every type per language, through a real Session."""

from __future__ import annotations

from pathlib import Path

import pytest
from ccell_c.parameters import CTranslator
from ccell_go.parameters import GoTranslator
from ccell_rust.parameters import RustTranslator
from cells import Cells

from ccellkernel.api.plugins import load_toolchain
from ccellkernel.api.toolchain import Toolchain
from ccellkernel.notebook.session import Session

TEXT = 'say "hi" \\ back\nnew line\ttab ?? é \u2028 end'
PARAMETERS = {
    "text": TEXT,
    "n": -7,
    "big": 2**63,
    "low": -(2**63),
    "rate": 1e-05,
    "flag": False,
    "nothing": None,
    "xs": [1, 2.5],
    "grid": [[1, 2], [3, 4]],
    "words": ["a", 'b"c'],
    "inf": float("-inf"),
}
CASES = {
    "c": (
        CTranslator,
        ["#include <stdio.h>", 'int n = 3;\nconst char *text = "default";'],
        {"cfg": {"a": 1, "b": "z"}, "raw": b"a\xffb".decode("utf-8", "surrogateescape")},
        'printf("%s|%d|%llu|%lld|%g|%d|%d|%g %g|%d|%s|%g|%d %s|%d\\n", text, n, big, low, rate, flag,'
        " nothing == 0, xs[0], xs[1], grid[1][0], words[1], inf, cfg.a, cfg.b, (unsigned char)raw[1]);",
        f'{TEXT}|-7|9223372036854775808|-9223372036854775808|1e-05|0|1|1 2.5|3|b"c|-inf|1 z|255\n',
    ),
    "go": (
        GoTranslator,
        ['var n = 3\nvar text = "default"'],
        {"cfg": {"a": 1, "b": "z"}, "m": {"k": 2.5}, "raw": b"a\xffb".decode("utf-8", "surrogateescape")},
        'fmt.Printf("%s|%d|%d|%d|%g|%v|%v|%v|%v|%s|%g|%d %s|%v|%d\\n", text, n, big, low, rate, flag,'
        ' nothing, xs, grid[1][0], words[1], inf, cfg.a, cfg.b, m["k"], raw[1])',
        f'{TEXT}|-7|9223372036854775808|-9223372036854775808|1e-05|false|<nil>|[1 2.5]|3|b"c|-Inf'
        "|1 z|2.5|255\n",
    ),
    "rust": (
        RustTranslator,
        ['#![allow(non_upper_case_globals)]\nconst n: i64 = 3;\nconst text: &str = "default";'],
        {"cfg": {"a": 1, "b": 2}},
        'println!("{}|{}|{}|{}|{:e}|{}|{:?}|{:?}|{}|{}|{}|{:?}", text, n, big, low, rate, flag, nothing,'
        " xs, grid[1][0], words[1], inf, cfg);",
        f'{TEXT}|-7|9223372036854775808|-9223372036854775808|1e-5|false|None|[1.0, 2.5]|3|b"c|-inf'
        '|[("a", 1), ("b", 2)]\n',
    ),
}


@pytest.mark.parametrize("language", CASES)
def test_injected_parameters_replace_the_defaults(
    language: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    translator, defaults, extra, show, expected = CASES[language]
    toolchain: Toolchain = (
        request.getfixturevalue("go_toolchain") if language == "go" else load_toolchain(language)
    )
    session = Session(toolchain, cwd=tmp_path)
    try:
        cells = Cells(session)
        for cell in defaults:
            cells.ok(cell)
        before = len(session.memory)
        assert cells.ok(translator.codify({**PARAMETERS, **extra})) == ""
        for key in ("n", "text"):  # the defaults' keys now hold the injected declarations
            declaration = session.memory.get(key)
            assert declaration is not None and declaration.cell == cells.count, key
        assert len(session.memory) == before - 2 + len(PARAMETERS) + len(extra) + (language == "c")
        assert cells.ok(show) == expected
    finally:
        session.close()

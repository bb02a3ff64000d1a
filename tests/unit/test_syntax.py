"""syntax: is_complete, identifiers and word_before, with the C grammar."""

from __future__ import annotations

import pytest
import tree_sitter
import tree_sitter_c

from ccellkernel.api.syntax import identifiers, is_complete, parse, word_before

C = tree_sitter.Language(tree_sitter_c.language())


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("", ("complete", "")),
        ("int x = 1;", ("complete", "")),
        ('#include <stdio.h>\nprintf("%d\\n", 3);', ("complete", "")),
        ("int f(void) {\n    return 1;\n}", ("complete", "")),
        ('puts("{ [ (");', ("complete", "")),
        ("// { not a brace\nint y;", ("complete", "")),
        ("/* ( */ int z;", ("complete", "")),
        ("int f(void) {", ("incomplete", "    ")),
        ("for (int i = 0; i < 3; i++) {", ("incomplete", "    ")),
        ("int f(void) {\n    int x = 1;", ("incomplete", "    ")),
        ("int f(void) {\n    if (x) {", ("incomplete", "        ")),
        ("int a[] = {", ("incomplete", "    ")),
        ('printf("%d",', ("incomplete", "")),
        ("#define LONG(x) \\", ("incomplete", "")),
        ("int x = ;", ("invalid", "")),
        ("}", ("invalid", "")),
        ("int f(void) { return 1; }}", ("invalid", "")),
        ("%list", ("complete", "")),
        ("%flags -O2\n!ls\n", ("complete", "")),
        ("   \n\n", ("complete", "")),
    ],
)
def test_is_complete(code, expected):
    assert is_complete(C, code) == expected


def test_identifiers():
    tree = parse(C, "typedef struct P { int len; } Point;\nint area(Point p) { return p.len * width; }")
    assert identifiers(tree.root_node) == {"P", "len", "Point", "area", "p", "width"}


def test_identifiers_limit():
    tree = parse(C, "int a, b, c, d, e;")
    assert len(identifiers(tree.root_node, limit=2)) == 2


def test_identifiers_of_a_deep_tree():
    code = "int x = " + "(" * 3000 + "y" + ")" * 3000 + ";"
    assert identifiers(parse(C, code).root_node) == {"x", "y"}


@pytest.mark.parametrize(
    ("code", "cursor", "word"),
    [
        ("pri", 3, "pri"),
        ("x = prin", 8, "prin"),
        ("printf", 3, "pri"),
        ("foo(", 4, ""),
        ("s.len", 5, "len"),
        ("p->nex", 6, "nex"),
        ("_under_1", 8, "_under_1"),
        ("x + 12", 6, ""),
        ("", 0, ""),
        ("int x;\nsq", 9, "sq"),
    ],
)
def test_word_before(code, cursor, word):
    assert word_before(code, cursor) == word

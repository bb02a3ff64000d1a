"""program.py: ordering by uses, and a rendered program that knows where each line came from."""

from __future__ import annotations

import re

import pytest

from ccellkernel.api.memory import Declaration, Fragment
from ccellkernel.api.program import CellParts, Origin, Program, ProgramWriter, cell_label, order_by_uses


def decl(key: str, *uses: str) -> Declaration:
    return Declaration((key,), "struct", Fragment(key, 1, 1), frozenset(uses))


def order(*decls: Declaration) -> list[str]:
    return [d.key for d in order_by_uses(decls)]


# -- order_by_uses ------------------------------------------------------------------------------------


def test_independent_declarations_keep_definition_order():
    assert order(decl("a"), decl("b"), decl("c")) == ["a", "b", "c"]


def test_used_declaration_comes_first():
    assert order(decl("a", "b"), decl("b")) == ["b", "a"]


def test_stable_earliest_free_goes_first():
    assert order(decl("a", "c"), decl("b"), decl("c")) == ["b", "c", "a"]


def test_chain():
    assert order(decl("a", "b"), decl("b", "c"), decl("c")) == ["c", "b", "a"]


def test_unknown_and_own_names_are_ignored():
    assert order(decl("a", "a", "int", "printf"), decl("b", "b")) == ["a", "b"]


def test_uses_any_key_of_a_group():
    group = Declaration(("struct P", "p1"), "struct", Fragment("", 1, 1))
    assert [d.keys[0] for d in order_by_uses([decl("user", "p1"), group])] == ["struct P", "user"]


@pytest.mark.parametrize(
    ("decls", "expected"),
    [
        ((decl("a", "b"), decl("b", "a")), ["a", "b"]),
        ((decl("b", "a"), decl("a", "b")), ["b", "a"]),
        ((decl("x"), decl("a", "b"), decl("b", "a")), ["x", "a", "b"]),
    ],
)
def test_cycle_broken_by_definition_order(decls, expected):
    assert order(*decls) == expected


def test_declaration_waiting_on_a_cycle_comes_after_it():
    # x uses a; a and b use each other (struct A { struct B *b; } and back). Breaking the cycle must
    # place a (the cycle's earliest), not x, which is in no cycle and waits for a. Once a is placed,
    # x and b are both free, and the earliest defined goes first.
    result = order(decl("x", "a"), decl("a", "b"), decl("b", "a"))
    assert result == ["a", "x", "b"]


def test_every_declaration_once():
    decls = [decl(f"d{i}", f"d{(i * 7) % 10}", f"d{(i * 3) % 10}") for i in range(10)]
    result = order_by_uses(decls)
    assert sorted(d.key for d in result) == sorted(d.key for d in decls)
    assert len(result) == len(decls)


# -- Program and ProgramWriter ---------------------------------------------------------------------------


def directive(origin: Origin | None, line: int) -> str:
    return f"#line {line} generated" if origin is None else f'#line {origin.line} "{cell_label(origin.cell)}"'


def test_origins_line_by_line():
    out = ProgramWriter(directive)
    out.generated("// header")
    out.fragment(Fragment("int a;\nint b;", 3, 5))
    out.generated("int main(void) {")
    out.fragment(Fragment("x();", 4, 2))
    out.generated("}")
    program = out.program()
    lines = program.text.split("\n")
    assert lines[-1] == ""  # the text ends with a newline
    expected = [
        ("// header", None),
        ('#line 5 "Cell In[3]"', None),
        ("int a;", Origin(3, 5)),
        ("int b;", Origin(3, 6)),
        ("#line 6 generated", None),
        ("int main(void) {", None),
        ('#line 2 "Cell In[4]"', None),
        ("x();", Origin(4, 2)),
        ("#line 10 generated", None),
        ("}", None),
    ]
    assert lines[:-1] == [text for text, _ in expected]
    assert [program.origin(n) for n in range(1, len(expected) + 1)] == [o for _, o in expected]


def test_generated_directives_name_the_line_that_follows():
    out = ProgramWriter(directive)
    for cell in range(1, 4):
        out.fragment(Fragment("a\nb", cell, 1))
        out.generated("gen\ngen")
    lines = out.program().text.split("\n")
    named = [
        (n, int(m.group(1)))
        for n, line in enumerate(lines, 1)
        if (m := re.fullmatch(r"#line (\d+) generated", line))
    ]
    assert len(named) == 3
    assert all(target == n + 1 for n, target in named)


def test_origin_out_of_range_is_none():
    out = ProgramWriter(directive)
    out.fragment(Fragment("a", 1, 1))
    program = out.program()
    assert program.origin(0) is None
    assert program.origin(-1) is None
    assert program.origin(len(program.origins) + 1) is None
    assert program.origin(2) == Origin(1, 1)


def test_fragment_keeps_its_column():
    out = ProgramWriter(lambda origin, line: "")
    out.fragment(Fragment("int x;\nint y;", 2, 7, column=4))
    program = out.program()
    assert program.text == "    int x;\nint y;\n"
    assert program.origins == (Origin(2, 7), Origin(2, 8))


def test_fragment_with_replacement_text_keeps_the_fragment_origin():
    out = ProgramWriter(lambda origin, line: "")
    out.fragment(Fragment("int f(void) { return 1; }", 5, 3), "int f(void);")
    program = out.program()
    assert program.text == "int f(void);\n"
    assert program.origin(1) == Origin(5, 3)


def test_no_directive_when_the_language_has_none():
    out = ProgramWriter(lambda origin, line: "")
    out.generated("a")
    out.fragment(Fragment("b", 1, 9))
    out.generated("c")
    program = out.program()
    assert program.text == "a\nb\nc\n"
    assert program.origins == (None, Origin(1, 9), None)


def test_program_origin_counts_from_one():
    program = Program("a\nb\n", (None, Origin(1, 1)))
    assert program.origin(1) is None
    assert program.origin(2) == Origin(1, 1)


def test_cell_parts_runs():
    frag = Fragment("x;", 1, 1)
    assert not CellParts().runs
    assert not CellParts(declarations=(decl("a"),)).runs
    assert CellParts(statements=(frag,)).runs
    assert CellParts(main=frag).runs


def test_cell_label():
    assert cell_label(12) == "Cell In[12]"

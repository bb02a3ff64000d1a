"""diagnostics: GNU-style compiler messages (gcc, clang, tcc, ld) and the CompileError they become."""

from __future__ import annotations

import pytest

from ccellkernel.api.program import Diagnostic, name_cells
from ccellkernel.toolkit.diagnostics import SHOWN, cell_of, compile_error, parse_gnu, unique

SOURCES = {
    2: ["int f(void) { return 1; }"],
    3: ["#include <stdio.h>", "int x = 1 y;", "\tint z = ;", "int f(int a) { return a; }"],
}


def error_at(cell: int, line: int, column: int | None, message: str = "boom") -> Diagnostic:
    return Diagnostic("error", message, cell, line, column)


# -- parse_gnu ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (  # gcc, clang
            "Cell In[3]:2:5: error: expected ';' before 'y'",
            Diagnostic("error", "expected ';' before 'y'", 3, 2, 5),
        ),
        (  # tcc has no column
            "Cell In[3]:2: error: ';' expected (got \"y\")",
            Diagnostic("error", "';' expected (got \"y\")", 3, 2, None),
        ),
        (
            "Cell In[3]:1:10: fatal error: nonexistent.h: No such file or directory",
            Diagnostic("error", "nonexistent.h: No such file or directory", 3, 1, 10),
        ),
        (
            "Cell In[12]:4:3: warning: unused variable 'q' [-Wunused-variable]",
            Diagnostic("warning", "unused variable 'q' [-Wunused-variable]", 12, 4, 3),
        ),
        (
            "Cell In[2]:1:5: note: previous definition of 'f' with type 'int(void)'",
            Diagnostic("note", "previous definition of 'f' with type 'int(void)'", 2, 1, 5),
        ),
        (  # generated code: not a cell
            "/tmp/ccell-c-x/cell.c:40:1: error: expected declaration",
            Diagnostic("error", "expected declaration", None, 40, 1),
        ),
    ],
)
def test_parse_gnu_line(line, expected):
    (diag,) = parse_gnu(line + "\n")
    assert (diag.severity, diag.message, diag.cell, diag.line, diag.column) == (
        expected.severity,
        expected.message,
        expected.cell,
        expected.line,
        expected.column,
    )
    assert diag.raw == line


def test_parse_gnu_skips_context_lines():
    text = (
        "Cell In[4]: In function 'g':\n"
        "Cell In[4]:2:22: error: 'undefined_name' undeclared (first use in this function)\n"
        "    2 | int g(void) { return undefined_name; }\n"
        "      |                      ^~~~~~~~~~~~~~\n"
        "In file included from Cell In[1]:1:\n"
        "Cell In[4]: At top level:\n"
        "compilation terminated.\n"
    )
    diags = parse_gnu(text)
    assert [(d.severity, d.cell, d.line, d.column) for d in diags] == [("error", 4, 2, 22)]


def test_parse_gnu_linker_errors():
    text = (
        "/usr/bin/ld: /tmp/ccell-c-x/cell.o: in function `main':\n"
        "cell.c:(.text+0xa): undefined reference to `cube'\n"
        "collect2: error: ld returned 1 exit status\n"
    )
    (diag,) = parse_gnu(text)
    assert diag.severity == "error"
    assert diag.message == "undefined reference to `cube'"
    assert diag.cell is None
    assert "undefined reference to `cube'" in diag.raw


def test_parse_gnu_other_tool_errors_are_kept_raw():
    (diag,) = parse_gnu("tcc: error: undefined symbol 'cube'\n")
    assert (diag.severity, diag.cell, diag.raw) == ("error", None, "tcc: error: undefined symbol 'cube'")


def test_parse_gnu_removes_duplicates():
    line = "Cell In[3]:2:5: warning: implicit declaration of function 'f'"
    note = "Cell In[2]:1:5: note: declared here"
    diags = parse_gnu(f"{line}\n{note}\n{line}\n{note}\n")
    assert [d.raw for d in diags] == [line, note]


def test_parse_gnu_keeps_same_message_on_other_lines():
    text = "Cell In[3]:2:5: error: oops\nCell In[3]:3:5: error: oops\nCell In[4]:2:5: error: oops\n"
    assert [(d.cell, d.line) for d in parse_gnu(text)] == [(3, 2), (3, 3), (4, 2)]


def test_cell_of():
    assert cell_of("Cell In[7]") == 7
    assert cell_of("cell.c") is None
    assert cell_of("Cell In[x]") is None


# -- compile_error -----------------------------------------------------------------------------------------


def test_compile_error_from_gcc_output():
    output = (
        "Cell In[3]: In function 'main':\n"
        "Cell In[3]:2:11: error: expected ',' or ';' before 'y'\n"
        "    2 | int x = 1 y;\n"
        "      |           ^\n"
    )
    err = compile_error(parse_gnu(output), output, SOURCES)
    assert err.ename == "CompileError"
    assert err.evalue == "Cell In[3], line 2: error: expected ',' or ';' before 'y'"
    assert err.traceback == [
        "CompileError: Cell In[3], line 2: error: expected ',' or ';' before 'y'",
        "    int x = 1 y;",
        "              ^",
    ]


def test_caret_keeps_tabs():
    err = compile_error([error_at(3, 3, 10)], "", SOURCES)
    source, caret = err.traceback[1], err.traceback[2]
    start = source.index("\tint z = ;")
    assert caret[:start] == source[:start]
    assert caret[start:] == "\t" + " " * 8 + "^"


def test_caret_under_the_byte_column_gcc_reports_after_non_ascii_text():
    # The #line file "Cell In[1]" cannot be read, so gcc (and clang always) counts columns in bytes:
    # the ';' below is character 32 but byte 35.
    source = 'const char *s = "ééé"; int x = ;'
    output = "Cell In[1]:1:35: error: expected expression before ';' token\n"
    err = compile_error(parse_gnu(output), output, {1: [source]})
    shown, caret = err.traceback[1], err.traceback[2]
    assert shown.endswith(source)
    assert caret.index("^") == shown.index(source) + source.index(";", 25)


def test_no_column_no_caret():
    err = compile_error([error_at(3, 2, None, "';' expected")], "", SOURCES)
    assert err.traceback == ["CompileError: Cell In[3], line 2: error: ';' expected", "    int x = 1 y;"]


def test_notes_follow_their_error():
    output = (
        "Cell In[3]:4:5: error: conflicting types for 'f'; have 'int(int)'\n"
        "Cell In[2]:1:5: note: previous definition of 'f' with type 'int(void)'\n"
    )
    err = compile_error(parse_gnu(output), output, SOURCES)
    assert err.evalue == "Cell In[3], line 4: error: conflicting types for 'f'; have 'int(int)'"
    assert err.traceback[1:] == [
        "    int f(int a) { return a; }",
        "        ^",
        "Cell In[2], line 1: note: previous definition of 'f' with type 'int(void)'",
        "    int f(void) { return 1; }",
        "        ^",
    ]


def test_evalue_is_the_first_error_not_a_warning():
    diags = [
        Diagnostic("warning", "unused", 3, 1, 1),
        error_at(3, 2, 5, "first"),
        error_at(3, 3, 2, "second"),
    ]
    err = compile_error(diags, "", SOURCES)
    assert err.evalue == "Cell In[3], line 2: error: first"
    assert not any("unused" in line for line in err.traceback)
    assert "Cell In[3], line 3: error: second" in err.traceback


def test_error_outside_any_cell_is_shown_raw():
    output = "cell.c:(.text+0xa): undefined reference to `cube'\ncollect2: error: ld returned 1 exit status\n"
    err = compile_error(parse_gnu(output), output, SOURCES)
    assert "undefined reference to `cube'" in err.evalue
    assert not any("collect2" in line for line in err.traceback)


def test_error_in_a_cell_without_source_has_no_excerpt():
    err = compile_error([error_at(9, 1, 1, "gone")], "", SOURCES)
    assert err.traceback == ["CompileError: Cell In[9], line 1: error: gone"]


def test_no_parseable_diagnostic_uses_the_raw_output():
    output = "\nsomething went wrong\nld: error in cell.o: bad object\nmore text\n"
    err = compile_error([], output, SOURCES)
    assert err.ename == "CompileError"
    assert err.evalue == "ld: error in cell.o: bad object"
    assert "something went wrong" in err.traceback and "more text" in err.traceback


def test_no_output_at_all_still_says_something():
    err = compile_error([], "", SOURCES)
    assert err.evalue.strip()


def test_many_errors_are_counted():
    diags = [error_at(3, 2, 1, f"error {i}") for i in range(SHOWN + 3)]
    err = compile_error(diags, "", SOURCES)
    assert err.traceback[-1] == "... and 3 more"
    assert sum("error:" in line for line in err.traceback) == SHOWN


def test_unique_keeps_the_first_of_each_key_in_order():
    a, b, c = (
        Diagnostic("note", "same", 1, 2, 5),
        Diagnostic("note", "same", 1, 2, 9),
        Diagnostic("error", "x", 1, 3),
    )
    assert unique([a, b, c], lambda d: (d.message, d.line)) == [a, c]
    assert unique([a, b, c], lambda d: (d.message, d.column)) == [a, b, c]


def test_name_cells_rewrites_positions_that_line_directives_make_programs_print():
    text = "cell: Cell In[3]:2: main: Assertion `x' failed.\nat Cell In[12]:7:5\nCell In[4] alone\n"
    assert name_cells(text) == (
        "cell: Cell In[3], line 2: main: Assertion `x' failed.\nat Cell In[12], line 7\nCell In[4] alone\n"
    )

"""The C cell model (CELL_MODEL.md) through a real Session and the real compiler, without Jupyter:
what only C has (what every language does: test_session.py)."""

from __future__ import annotations

from cells import Cells

from ccellkernel.api.errors import CompileError, ProgramSignal
from ccellkernel.api.plugins import load_toolchain
from ccellkernel.notebook.session import Session

PRELUDE = "#include <stdio.h>\n#include <string.h>\n"


def test_globals_keep_their_values_in_the_live_program(c_cells):
    c_cells.ok(PRELUDE + "int counter = 10;")
    assert c_cells.ok('counter++; printf("%d\\n", counter);') == "11\n"
    assert c_cells.ok('counter++; printf("%d\\n", counter);') == "12\n"


def test_non_constant_global_initializer(c_cells):
    c_cells.ok(PRELUDE + 'const char *msg = "hello";\nint n = strlen(msg);')
    assert c_cells.ok('printf("%d\\n", n);') == "5\n"


def test_function_may_call_one_a_later_cell_defines(c_cells):
    c_cells.ok(PRELUDE + "int helper(void);\nint caller(void) { return helper() + 1; }")
    assert c_cells.ok('int helper(void) { return 41; }\nprintf("%d\\n", caller());') == "42\n"


def test_running_cell_reports_a_function_no_cell_defines(c_cells):
    c_cells.ok(PRELUDE + "int missing(void);")
    err = c_cells.fails('printf("%d\\n", missing());')
    assert isinstance(err, CompileError)
    assert "undefined reference to `missing'" in err.evalue


def test_undef_then_define_again_across_cells(c_cells):
    c_cells.ok(PRELUDE + "#define X 1")
    c_cells.ok("#undef X")
    c_cells.ok("#define X 2")
    assert c_cells.ok('printf("%d\\n", X);') == "2\n"


def test_broken_initializer_is_reported_as_written(c_cells):
    err = c_cells.fails("int x = ;")
    assert isinstance(err, CompileError)
    assert "expected expression before ';'" in err.evalue.replace("‘", "'").replace("’", "'")


def test_const_pointer_to_a_global(c_cells):
    c_cells.ok(PRELUDE + "int x = 5;\nint *const px = &x;")
    assert c_cells.ok('printf("%d\\n", *px);') == "5\n"


def test_assert_message_names_the_cell_and_line(c_cells):
    c_cells.ok(PRELUDE + "#include <assert.h>")
    io, err = c_cells.run("int x = 1;\nassert(x == 2);")
    assert isinstance(err, ProgramSignal) and err.ename == "SIGABRT"
    assert f"Cell In[{c_cells.count}], line 2" in io.text("stderr")
    assert "Assertion `x == 2' failed" in io.text("stderr")


def test_tcc_runs_every_cell_as_a_fresh_process_and_says_why(tmp_path, monkeypatch):
    # tcc builds whole programs, but not the live program's units (they name symbols with asm labels)
    monkeypatch.setenv("CC", "tcc")
    session = Session(load_toolchain("c"), cwd=tmp_path)
    cells = Cells(session)
    try:
        cells.ok(PRELUDE + "int counter = 10;")
        assert cells.ok('counter++; printf("%d\\n", counter);') == "11\n"
        assert cells.ok('counter++; printf("%d\\n", counter);') == "11\n"
        err = cells.fails("%state live")
        assert "tcc" in err.evalue and "fresh process" in err.evalue, err.evalue
    finally:
        session.close()

"""The C cell model (CELL_MODEL.md) through a real Session and the real compiler, without Jupyter."""

from __future__ import annotations

from cells import Cells

from ccellkernel.api.errors import CompileError, ExitStatus, ProgramSignal
from ccellkernel.api.plugins import load_toolchain
from ccellkernel.notebook.session import Session

PRELUDE = "#include <stdio.h>\n#include <string.h>\n"


def test_globals_keep_their_values_in_the_live_program(c_cells):
    c_cells.ok(PRELUDE + "int counter = 10;")
    assert c_cells.ok('counter++; printf("%d\\n", counter);') == "11\n"
    assert c_cells.ok('counter++; printf("%d\\n", counter);') == "12\n"


def test_globals_start_fresh_in_every_run_in_state_fresh(c_cells):
    c_cells.ok("%state fresh\n" + PRELUDE + "int counter = 10;")
    assert c_cells.ok('counter++; printf("%d\\n", counter);') == "11\n"
    assert c_cells.ok('counter++; printf("%d\\n", counter);') == "11\n"


def test_declaration_only_cell_prints_nothing(c_cells):
    assert c_cells.ok(PRELUDE + "int square(int x) { return x * x; }") == ""


def test_broken_cell_leaves_memory_unchanged(c_cells):
    c_cells.ok(PRELUDE + "int f(void) { return 1; }")
    err = c_cells.fails("int f(void) { return undefined_name; }")
    assert isinstance(err, CompileError)
    assert err.evalue.startswith("Cell In[2], line 1: error:")
    assert c_cells.ok('printf("%d\\n", f());') == "1\n"


def test_non_constant_global_initializer(c_cells):
    c_cells.ok(PRELUDE + 'const char *msg = "hello";\nint n = strlen(msg);')
    assert c_cells.ok('printf("%d\\n", n);') == "5\n"


def test_exit_status_and_signal(c_cells):
    c_cells.ok(PRELUDE)
    err = c_cells.fails("return 3;")
    assert isinstance(err, ExitStatus) and err.evalue == "exit status 3"
    err = c_cells.fails("int *p = 0; *p = 1;")
    assert isinstance(err, ProgramSignal)
    assert (err.ename, err.evalue) == ("SIGSEGV", "Segmentation fault")


def test_function_may_call_one_a_later_cell_defines(c_cells):
    c_cells.ok(PRELUDE + "int helper(void);\nint caller(void) { return helper() + 1; }")
    assert c_cells.ok('int helper(void) { return 41; }\nprintf("%d\\n", caller());') == "42\n"


def test_running_cell_reports_a_function_no_cell_defines(c_cells):
    c_cells.ok(PRELUDE + "int missing(void);")
    err = c_cells.fails('printf("%d\\n", missing());')
    assert isinstance(err, CompileError)
    assert "undefined reference to `missing'" in err.evalue


def test_flags_with_link_inputs_apply_to_declaration_only_cells_too(c_cells, tmp_path):
    (tmp_path / "extra.c").write_text("int extra(void) { return 7; }\n")
    c_cells.ok(
        "%flags extra.c -I .\n" + PRELUDE + "int extra(void);\nint twice(void) { return 2 * extra(); }"
    )
    assert c_cells.ok('printf("%d\\n", twice());') == "14\n"


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

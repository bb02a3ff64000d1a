"""Session (CELL_MODEL.md sections 1, 3, 5, 6) over a toy toolchain: no compiler involved."""

from __future__ import annotations

import pytest

from ccellkernel.api.errors import (
    CompileError,
    ExitStatus,
    Interrupted,
    MagicError,
    ProgramSignal,
    ToolchainNotFound,
)
from ccellkernel.notebook.session import Session

from .toy import ToyCells, ToyToolchain


@pytest.fixture
def toy(tmp_path):
    session = Session(ToyToolchain(), cwd=tmp_path)
    yield ToyCells(session)
    session.close()


# -- section 1: one program, transactional memory ----------------------------------------------------


def test_declarations_are_remembered_and_statements_run(toy):
    assert toy.ok("def greeting = hello") == ""
    assert toy.ok("echo @greeting world") == "hello world\n"
    assert toy.keys() == ["greeting"]


def test_every_run_is_a_fresh_process(toy):
    toy.ok("def counter = 10")
    bump = 'counter=$((counter + 1)); echo "$counter"'
    assert toy.ok(bump) == "11\n"
    assert toy.ok(bump) == "11\n"


def test_failed_build_leaves_memory_unchanged(toy):
    toy.ok("def x = one")
    before = toy.memory
    err = toy.fails("def y = two\ndef x = bad")
    assert isinstance(err, CompileError)
    assert toy.memory is before
    assert toy.keys() == ["x"]
    assert toy.ok("echo @x") == "one\n"


def test_failed_build_sends_no_stream(toy):
    io, err = toy.run("def x = bad\necho never")
    assert isinstance(err, CompileError)
    assert io.streams == []
    assert toy.toolchain.runs == []


def test_failed_build_reports_cell_and_line(toy):
    err = toy.fails("%flags -g\n\ndef ok = 1\ndef x = bad")
    assert isinstance(err, CompileError)
    assert err.evalue == "Cell In[1], line 4: error: 'bad' is not allowed"
    assert err.traceback[0] == f"CompileError: {err.evalue}"
    assert err.traceback[1].strip() == "def x = bad"
    assert err.traceback[2].strip() == "^"
    assert err.traceback[2].index("^") == err.traceback[1].index("bad")


def test_error_in_a_remembered_cell_points_at_that_cell(toy):
    toy.ok("def base = 1")
    toy.ok("def derived = @base")
    toy.ok("%rm base")
    err = toy.fails("echo hi")
    assert err.evalue == "Cell In[2], line 1: error: 'base' is not defined"
    assert err.traceback[1].strip() == "def derived = @base"


def test_unparseable_compiler_output_is_shown_raw(toy):
    err = toy.fails("if true")  # the toy passes it on; sh -n rejects it without a GNU-style line
    assert isinstance(err, CompileError)
    assert "error" in err.evalue.lower()
    assert err.evalue in err.traceback[0]
    assert toy.keys() == []


def test_run_failure_still_commits_the_memory(toy):
    err = toy.fails("def kept = 1\nexit 3")
    assert isinstance(err, ExitStatus)
    assert err.evalue == "exit status 3"
    assert toy.keys() == ["kept"]


def test_declaration_only_cell_compiles_but_does_not_run(toy):
    assert toy.ok("def a = 1\ntype S\nproto f") == ""
    assert len(toy.toolchain.builds) == 1
    assert toy.toolchain.builds[0].will_run is False
    assert toy.toolchain.runs == []
    assert toy.ok("echo @a") == "1\n"
    assert toy.toolchain.builds[-1].will_run is True
    assert len(toy.toolchain.runs) == 1


def test_declaration_only_cell_shows_its_errors_at_once(toy):
    err = toy.fails("def a = bad")
    assert isinstance(err, CompileError)
    assert toy.keys() == []


def test_empty_cell_neither_builds_nor_runs(toy):
    assert toy.ok("\n   \n") == ""
    assert toy.toolchain.builds == []


def test_timings_recorded_for_a_running_cell(toy):
    toy.ok("echo hi")
    assert {"parse", "render", "compile", "run"} <= set(toy.session.timings)
    assert all(t >= 0 for t in toy.session.timings.values())
    toy.ok("def a = 1")
    assert {"parse", "render", "compile"} <= set(toy.session.timings)
    assert "run" not in toy.session.timings


def test_warnings_of_the_cell_are_shown_on_stderr(toy):
    io, err = toy.run("def a = warn")
    assert err is None
    assert "Cell In[1], line 1: warning: 'warn' is suspicious" in io.text("stderr")
    assert "def a = warn" in io.text("stderr")
    assert toy.keys() == ["a"]


def test_missing_compiler_is_toolchain_not_found(tmp_path):
    session = Session(ToyToolchain(installed=False), cwd=tmp_path)
    try:
        cells = ToyCells(session)
        err = cells.fails("def a = 1\necho hi")
        assert isinstance(err, ToolchainNotFound)
        assert err.ename == "ToolchainNotFound"
        assert "install" in err.evalue
        assert cells.keys() == []
    finally:
        session.close()


# -- section 2: replacing by key -------------------------------------------------------------------------


def test_redefinition_replaces_and_keeps_its_place(toy):
    toy.ok("def a = 1\ndef b = 2")
    toy.ok("def a = 3")
    assert toy.keys() == ["a", "b"]
    assert toy.ok("echo @a @b") == "3 2\n"


def test_group_is_replaced_whole(toy):
    toy.ok("def a b = 1")
    toy.ok("def a = 5")
    assert toy.keys() == ["a"]
    err = toy.fails("echo @b")
    assert err.evalue == "Cell In[3], line 1: error: 'b' is not defined"


def test_weak_declaration_does_not_replace(toy):
    toy.ok("def f = body")
    toy.ok("proto f")
    assert toy.memory.get("f").kind == "def"
    assert toy.ok("echo @f") == "body\n"


# -- section 3: statements and main ----------------------------------------------------------------------


def test_percent_percent_body_is_main_and_not_remembered(toy):
    out = toy.ok("def a = 1\n%%\ndef b = 2\necho @a @b")
    assert out == "1 2\n"
    assert toy.keys() == ["a"]


def test_error_in_the_body_points_at_its_cell_line(toy):
    err = toy.fails("def a = 1\n\n%%\necho ok\necho bad")
    assert err.evalue == "Cell In[1], line 5: error: 'bad' is not allowed"
    assert err.traceback[1].strip() == "echo bad"


def test_blank_body_does_not_run(toy):
    assert toy.ok("def a = 1\n%%\n   \n") == ""
    assert toy.toolchain.runs == []
    assert toy.keys() == ["a"]


def test_percent_percent_first_line(toy):
    assert toy.ok("%%\ndef local = 7\necho @local") == "7\n"
    assert toy.keys() == []


def test_cell_main_runs_and_is_not_remembered(toy):
    assert toy.ok("def who = world\nmain: echo hello @who") == "hello world\n"
    assert toy.keys() == ["who"]
    assert toy.toolchain.builds[-1].will_run is True


def test_main_and_statements_is_an_error_that_says_so(toy):
    err = toy.fails("def a = 1\nmain: echo one\necho two")
    assert isinstance(err, CompileError)
    assert "main" in err.evalue and "statements" in err.evalue
    assert err.evalue.startswith("Cell In[1], line 3: error:")
    assert toy.keys() == []
    assert toy.toolchain.builds == []


# -- section 5 and 7: how a run ends, input and output ----------------------------------------------------


def test_signal_is_named(toy):
    err = toy.fails("kill -SEGV $$")
    assert isinstance(err, ProgramSignal)
    assert (err.ename, err.evalue) == ("SIGSEGV", "Segmentation fault")
    assert err.traceback[0] == "SIGSEGV: Segmentation fault"


def test_interrupt_keeps_kernel_and_memory(toy):
    toy.ok("def a = 1")
    err, seconds = toy.interrupted("echo before\nsleep 20\necho after", lambda: bool(toy.toolchain.runs), 0.1)
    assert seconds < 10
    assert isinstance(err, Interrupted)
    assert err.ename == "KeyboardInterrupt"
    assert "a" in toy.memory
    assert toy.ok("echo @a") == "1\n"


def test_stdin_is_end_of_file_when_the_frontend_allows_no_input(toy):
    assert toy.ok("if read line; then echo got; else echo eof; fi") == "eof\n"


def test_output_is_cut_with_one_notice_while_the_program_keeps_running(tmp_path):
    session = Session(ToyToolchain(), cwd=tmp_path, output_limit=1000)
    try:
        cells = ToyCells(session)
        io, err = cells.run('i=0; while [ $i -lt 3000 ]; do echo "line $i"; i=$((i+1)); done\ntouch finished')
        assert err is None
        assert len(io.text("stdout").encode()) <= 1000
        assert io.text("stdout").startswith("line 0\nline 1\n")
        assert sum("cut" in text for _, text in io.streams) == 1
        assert (tmp_path / "finished").exists()
    finally:
        session.close()


# -- section 6: magics -------------------------------------------------------------------------------------


def test_magics_before_code_apply_to_the_same_cell(toy):
    out = toy.ok('%args one "two words"\necho "$1|$2"')
    assert out.splitlines()[-1] == "one|two words"


def test_magic_after_code_is_code(toy):
    err = toy.fails("echo hi\n%args x")
    assert not isinstance(err, MagicError)
    assert toy.session.options.args == ()


def test_flags_set_show_clear(toy):
    out = toy.ok("%flags -O2 -lm")
    assert toy.session.options.flags == ("-O2", "-lm")
    assert "-O2 -lm" in out
    toy.ok("echo hi")
    assert toy.toolchain.builds[-1].flags == ("-O2", "-lm")
    assert "-O2 -lm" in toy.ok("%flags")
    assert toy.session.options.flags == ("-O2", "-lm")
    toy.ok("%flags --clear")
    assert toy.session.options.flags == ()
    toy.ok("echo hi")
    assert toy.toolchain.builds[-1].flags == ()


def test_flags_are_split_like_a_shell_and_never_run(toy, tmp_path):
    toy.ok("%flags '; touch pwned'")
    assert toy.session.options.flags == ("; touch pwned",)
    toy.ok("echo hi")
    assert toy.toolchain.builds[-1].flags == ("; touch pwned",)
    assert not (tmp_path / "pwned").exists()


def test_args_set_and_clear(toy):
    toy.ok("%args a b")
    assert toy.ok('echo "$#:$1:$2"') == "2:a:b\n"
    toy.ok("%args --clear")
    assert toy.ok('echo "$#"') == "0\n"


def test_env_sets_the_environment_of_runs(toy):
    out = toy.ok("%env GREETING=hi NAME=there")
    assert "GREETING=hi" in out and "NAME=there" in out
    assert toy.ok('echo "$GREETING $NAME"') == "hi there\n"
    assert "GREETING=hi" in toy.ok("%env")


def test_env_without_equals_is_a_magic_error(toy):
    err = toy.fails("%env JUSTANAME\ndef a = 1")
    assert isinstance(err, MagicError)
    assert "NAME=VALUE" in err.evalue
    assert toy.keys() == []


def test_rm_forgets_a_whole_group(toy):
    toy.ok("def a b = 1\ndef c = 2")
    out = toy.ok("%rm b")
    assert "b" in out
    assert toy.keys() == ["c"]


def test_rm_struct_key_without_quotes(toy):
    toy.ok("type S\ntype T")
    toy.ok("%rm struct S")
    assert toy.keys() == ["struct T"]
    toy.ok('%rm "struct T"')
    assert toy.keys() == []


def test_rm_of_an_unknown_key_warns_and_forgets_the_known_ones(toy):
    toy.ok("def a = 1\ndef b = 2")
    io, err = toy.run("%rm a nothere")
    assert err is None, "a notebook run from the top goes on (GoNB's %rm does not stop it)"
    assert io.text() == "forgot a\n"
    assert io.text("stderr") == "%rm: nothing remembered as nothere; see %list for the keys\n"
    assert toy.keys() == ["b"]
    io, err = toy.run("%rm nothere")
    assert (err, io.text(), toy.keys()) == (None, "", ["b"])


def test_rm_without_keys_is_a_magic_error(toy):
    assert isinstance(toy.fails("%rm"), MagicError)


def test_reset_forgets_everything_but_keeps_flags(toy):
    toy.ok("%flags -O2\n%args x\ndef a = 1\ntype S")
    toy.ok("%reset")
    assert toy.keys() == []
    assert len(toy.memory) == 0
    assert toy.session.options.flags == ("-O2",)
    assert toy.session.options.args == ("x",)


def test_reset_then_code_in_the_same_cell(toy):
    toy.ok("def a = 1")
    toy.ok("%reset\ndef b = 2")
    assert toy.keys() == ["b"]


def test_list_shows_key_kind_and_cell(toy):
    toy.ok("def a b = 1")
    toy.ok("type S\nproto f")
    listing = toy.ok("%list").splitlines()
    assert len(listing) == 3
    assert listing[0].split() == ["a,", "b", "def", "Cell", "In[1]"]
    assert listing[1].split() == ["struct", "S", "type", "Cell", "In[2]"]
    assert listing[2].split() == ["f", "proto", "Cell", "In[2]"]


def test_list_of_empty_memory_says_so(toy):
    out = toy.ok("%list")
    assert out.strip() != ""
    assert toy.toolchain.builds == []


def test_show_prints_the_program(toy):
    toy.ok("def a = 1")
    out = toy.ok("%show")
    assert "def a = 1" in out
    assert "# cell 1, line 1" in out


def test_help_names_the_language_and_the_magics(toy):
    out = toy.ok("%help")
    assert "Toy (fake)" in out
    for magic in ("%%", "%list", "%show", "%rm", "%reset", "%flags", "%args", "%env", "!"):
        assert magic in out


def test_unknown_magic_stops_the_cell(toy):
    err = toy.fails("%bogus\ndef a = 1")
    assert isinstance(err, MagicError)
    assert err.ename == "MagicError"
    assert "%flags" in err.evalue
    assert toy.keys() == []
    assert toy.toolchain.builds == []


def test_shell_line_runs_in_the_working_directory(toy, tmp_path):
    (tmp_path / "marker.txt").write_text("")
    assert "marker.txt" in toy.ok("!ls")


def test_shell_line_failure_is_exit_status(toy):
    err = toy.fails("!exit 4")
    assert isinstance(err, ExitStatus)
    assert err.evalue == "exit status 4"


# -- editor services ---------------------------------------------------------------------------------------


def test_completion_offers_remembered_names(toy):
    toy.ok("def alpha = 1\ntype Shape")
    answer = toy.session.complete("x = al", 6)
    assert "alpha" in answer.matches
    assert (answer.start, answer.end) == (4, 6)
    assert "Shape" in toy.session.complete("Sh", 2).matches


# -- peer kernels' magics (issue 16) -------------------------------------------------------------------


def test_capture_shows_the_output_and_writes_it_to_the_file(toy, tmp_path):
    assert toy.ok("%capture out.txt\n!echo from the shell\necho from the program") == (
        "from the shell\nfrom the program\n"
    )
    assert (tmp_path / "out.txt").read_text() == "from the shell\nfrom the program\n"
    toy.ok("%capture -a out.txt\necho more")
    assert (tmp_path / "out.txt").read_text() == "from the shell\nfrom the program\nmore\n"
    toy.ok("%capture out.txt\necho again")
    assert (tmp_path / "out.txt").read_text() == "again\n", "without -a the file starts again"
    toy.ok("echo not captured")
    assert (tmp_path / "out.txt").read_text() == "again\n", "only the cell it is in"


def test_capture_into_a_folder_that_does_not_exist_runs_nothing(toy, tmp_path):
    io, err = toy.run("%capture no/such/out.txt\n!touch ran\ndef a = 1\necho hi")
    assert isinstance(err, MagicError) and "no/such/out.txt" in err.evalue
    assert (io.text(), toy.keys(), (tmp_path / "ran").exists()) == ("", [], False)


def test_script_feeds_the_cell_to_the_program(toy):
    assert toy.ok("%%script python3 -u\nimport sys\nprint(sys.stdin.read() == '', 6 * 7)") == "True 42\n"
    io, err = toy.run("%%script bash -e\necho one\nfalse\necho never")
    assert io.text() == "one\n" and err is not None and err.ename == "ExitStatus"


def test_script_of_a_program_not_installed_is_a_magic_error(toy):
    err = toy.fails("%%script no-such-program-here --x\nbody")
    assert isinstance(err, MagicError) and "no-such-program-here" in err.evalue


def test_star_shell_line_needs_a_build_folder(toy):
    err = toy.fails("!*ls")
    assert isinstance(err, MagicError) and "!*" in err.evalue

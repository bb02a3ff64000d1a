"""What the C, Go and Rust kernels share, through Jupyter: one test per behaviour, run for every
language from the table in ``kernel_table.py``.

A real KernelManager and client, the real kernels, the real compilers. One kernel per language for
the module (``kernel``; ``k`` empties its memory and options first), with the output limit of the
table; tests that need their own environment or interrupt mode start their own. The module-scoped
fixtures are parametrized by language, so pytest runs one language's tests together and no more
kernels run at once than in ``test_kernel_<language>.py``, where what only one language has stays.
"""

from __future__ import annotations

import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cell_model_table import kernel_name, print_call
from kernel_client import (
    CellResult,
    RunningKernel,
    check_interrupts_twice,
    check_streams_while_running,
    count_of,
    listing,
)
from kernel_table import (
    BAD_BYTES,
    BAD_BYTES_FIRST,
    BODY_ONLY,
    CALL_LATER_HELPER,
    CALL_REMEMBERED,
    COMPILE_ERROR_SHAPE,
    CRASH_AFTER_OUTPUT,
    DOUBLE_PERCENT,
    EMPTY_CELLS,
    EXITS_3,
    FAILURES,
    FLOOD,
    FORGET,
    IGNORES_SIGINT,
    INHERITED,
    INTERRUPT_TIMEOUT,
    KERNELS,
    LANGUAGE_INFO,
    LANGUAGES,
    LATER_HELPER,
    LISTED,
    MAGICS,
    MAIN_AND_STATEMENTS,
    MISSING_TOOLCHAIN,
    NO_READ,
    OUT_ERR_OUT,
    OWN_MAIN,
    OWN_MAIN_KEYS,
    PREFIX,
    PRINTS_ARGS,
    PRINTS_ENV,
    PROMPT_WITHOUT_INPUT,
    PROMPTED,
    READER,
    READS_A_NUMBER,
    READS_EOF,
    READS_THE_SHELLS_FILE,
    REMEMBERED,
    REMEMBERS_5,
    RETURNS,
    SHAPE,
    SPIN,
    SPINS_WITH_A_CHILD,
    SQUARE,
    SQUARES_IN_A_LOOP,
    STREAMED,
    TWO_ERRORS,
    TWO_READS,
    TYPE_CHANGE,
    UNUSED_CODE,
    WAITS,
    WHOLE_LINE,
    say,
)
from processes import assert_processes_end, process_state, wait_for_file

pytestmark = pytest.mark.slow


# -- fixtures and helpers ---------------------------------------------------------------------------


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def workdir(language: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working directory of the language's kernels."""
    return tmp_path_factory.mktemp(f"work-{language}")


def kernel_env(language: str) -> dict[str, str]:
    spec = KERNELS[language]
    return {**spec.env, "CCELL_OUTPUT_LIMIT": str(spec.output_limit), INHERITED[0]: INHERITED[1]}


@pytest.fixture(scope="module")
def kernel(language: str, workdir: Path) -> Iterator[RunningKernel]:
    """One kernel of the language for the module, from its kernelspec as it is (message mode)."""
    running = RunningKernel(kernel_name(language), env=kernel_env(language), cwd=workdir)
    if KERNELS[language].warm_up is not None:
        running.execute(KERNELS[language].warm_up, timeout=120)
    yield running
    running.shutdown()


@pytest.fixture
def k(kernel: RunningKernel, language: str) -> RunningKernel:
    """The module's kernel with nothing remembered and no flags or program arguments."""
    kernel.ok(KERNELS[language].reset)
    return kernel


@pytest.fixture(scope="module")
def signal_kernel(language: str, workdir: Path) -> Iterator[RunningKernel]:
    """A second kernel of the language, interrupted by SIGINT instead of a message.

    The first signal-mode test starts it; the tests that start a kernel of their own come before that
    in this file, so that no more than two kernels of a language run at once (as in
    ``test_kernel_go.py`` and ``test_kernel_rust.py`` before the table)."""
    running = RunningKernel(
        kernel_name(language), env=kernel_env(language), cwd=workdir, interrupt_mode="signal"
    )
    yield running
    running.shutdown()


def build_dir_of(k: RunningKernel, language: str) -> Path:
    """The kernel's private build directory, as ``%help`` names it."""
    text = k.ok("%help")
    found = re.findall(rf"(/\S*ccell-{language}-[^\s,;:]+)", text)
    assert found, f"%help does not name the build directory:\n{text}"
    return Path(found[0])


def start_spinning(k: RunningKernel, language: str, cwd: Path) -> tuple[CellResult, list[int]]:
    """Submit the language's SPINS_WITH_A_CHILD and return (its pending result, [parent pid, child pid])."""
    for name in ("parent.pid", "child.pid"):
        (cwd / name).unlink(missing_ok=True)
    result = k.submit(SPINS_WITH_A_CHILD[language])
    k.collect(result, until=lambda r: "looping" in r.stdout or r.reply is not None, timeout=60)
    assert result.reply is None, result.describe()
    pids = [int(wait_for_file(cwd / name)) for name in ("parent.pid", "child.pid")]
    for pid in pids:
        state = process_state(pid)
        assert state is not None and state[0] != "Z", f"program process {pid} is not running"
    return result, pids


def keys(k: RunningKernel) -> list[str]:
    """The key column of ``%list``'s rows."""
    return [row.split("  ")[0].strip() for row in listing(k) if "Cell In[" in row]


# -- 1. a notebook is one program; 2. keys ----------------------------------------------------------------


def test_declarations_are_remembered_and_statements_run(k: RunningKernel, language: str) -> None:
    declared = k.execute(SQUARE[language])
    assert declared.status == "ok", declared.describe()
    assert declared.outputs == [], "a declaration-only cell prints nothing"
    assert k.ok(print_call("square(7)")[language]) == "49\n"
    assert k.ok(SQUARES_IN_A_LOOP[language]) == "1 4 9 \n"


def test_function_is_replaced_by_name(k: RunningKernel, language: str) -> None:
    first, second = SHAPE[language]
    k.ok(first)
    newer = k.execute(second)
    assert newer.status == "ok", newer.describe()
    assert k.ok(print_call("shape(3)")[language]) == "27\n"
    rows = [row for row in listing(k) if row.split("  ")[0].strip() == "shape"]
    assert len(rows) == 1, rows
    assert f"Cell In[{count_of(newer)}]" in rows[0]


def test_unused_code_warnings_are_not_shown(k: RunningKernel, language: str) -> None:
    declarations, cell, prints = UNUSED_CODE[language]
    declared = k.execute(declarations)
    assert declared.status == "ok" and declared.outputs == [], declared.describe()
    ran = k.execute(cell)
    assert ran.status == "ok" and ran.stderr == "" and ran.stdout == prints, ran.describe()
    assert all(m.msg_type == "stream" for m in ran.outputs), ran.describe()


# -- 3. statements, %%, main ----------------------------------------------------------------------------


def test_double_percent_body_declarations_are_locals(k: RunningKernel, language: str) -> None:
    case = DOUBLE_PERCENT[language]
    assert k.ok(case.cell) == case.prints
    assert keys(k) == list(case.keys)
    assert k.ok(print_call(case.kept)[language]) == "1\n"
    k.fails(print_call(case.local)[language], "CompileError")


def test_a_cell_that_is_all_body(k: RunningKernel, language: str) -> None:
    first, cell, prints, after = BODY_ONLY[language]
    if first is not None:
        k.ok(first)
    assert k.ok(cell) == prints
    assert keys(k) == after


def test_cell_main_runs_and_is_not_remembered(k: RunningKernel, language: str) -> None:
    own, exits_4 = OWN_MAIN[language]
    assert k.ok(own) == "own main\n"
    assert keys(k) == OWN_MAIN_KEYS[language]
    assert k.ok(say("statements again")[language]) == "statements again\n"
    exited = k.fails(exits_4, "ExitStatus")
    assert exited.error["evalue"] == "exit status 4"


def test_main_and_statements_in_one_cell_is_an_error_that_says_so(k: RunningKernel, language: str) -> None:
    result = k.fails(MAIN_AND_STATEMENTS[language], "CompileError")
    evalue = result.error["evalue"]
    assert "main" in evalue and "statement" in evalue, evalue
    assert keys(k) == [], "a failed cell changes nothing"


def test_exit_ends_the_program_with_an_exit_status(k: RunningKernel, language: str) -> None:
    result = k.fails(EXITS_3[language], "ExitStatus")
    assert result.stdout == "before\n"
    assert result.error["evalue"] == "exit status 3"
    assert result.error["traceback"][0] == "ExitStatus: exit status 3"


def test_bare_return_ends_the_cell(k: RunningKernel, language: str) -> None:
    result = k.execute(RETURNS[language])
    assert result.status == "ok", result.describe()
    assert result.stdout == "before\n"


# -- 4. order ---------------------------------------------------------------------------------------------


def test_function_may_call_one_defined_in_a_later_cell(k: RunningKernel, language: str) -> None:
    caller, helper = LATER_HELPER[language]
    first = k.execute(caller)
    assert first.status == "ok", first.describe()
    if WAITS[language] is not None:  # order-free: pending, one stderr line names what it waits for
        assert WAITS[language] in first.stderr, first.describe()
    k.ok(helper)
    assert k.ok(CALL_LATER_HELPER[language]) == "10\n"


def test_a_type_change_that_breaks_a_remembered_cell_names_that_cell(k: RunningKernel, language: str) -> None:
    case = TYPE_CHANGE[language]
    k.ok(case.first)
    user = k.execute(case.user)
    assert user.status == "ok", user.describe()
    result = k.fails(case.second, "CompileError")
    evalue = result.error["evalue"]
    assert evalue.startswith(f"Cell In[{count_of(user)}], line {case.line}: error:" + case.message), evalue
    for text in case.has:
        assert text in evalue, evalue
    assert k.ok(case.use) == case.prints, "the failed cell changed nothing"


# -- 5. errors ---------------------------------------------------------------------------------------------


def test_compile_error_shape(k: RunningKernel, language: str) -> None:
    shape = COMPILE_ERROR_SHAPE[language]
    k.ok(shape.before)
    result = k.fails(shape.cell, "CompileError")
    n = count_of(result)
    assert [m.msg_type for m in result.outputs] == ["error"], "no stream beside the error"
    error = result.error
    assert result.reply is not None
    assert {key: result.reply[key] for key in ("ename", "evalue", "traceback")} == error
    head = f"Cell In[{n}], line {shape.line}: error: "
    if shape.message_is_all:
        assert error["evalue"] == head + shape.message
    else:
        assert error["evalue"].startswith(head + shape.message), error["evalue"]
    traceback = error["traceback"]
    assert traceback[0] == f"CompileError: {error['evalue']}"
    assert traceback[1].strip() == shape.source
    assert traceback[2].strip() == "^"
    assert traceback[2].index("^") == traceback[1].index(shape.caret_under), traceback
    if shape.exact_lines is not None:
        assert tuple(traceback[1:3]) == shape.exact_lines
    assert keys(k) == list(shape.keys), "memory unchanged"
    assert k.ok(print_call("before()")[language]) == "1\n"


def test_compile_error_lists_every_error(k: RunningKernel, language: str) -> None:
    cell, first, second = TWO_ERRORS[language]
    result = k.fails(cell, "CompileError")
    n = count_of(result)
    traceback = "\n".join(result.error["traceback"])
    assert f"Cell In[{n}], line 1: error:" in traceback and first in traceback
    assert f"Cell In[{n}], line 2: error:" in traceback and second in traceback


def test_output_before_a_crash_is_kept(k: RunningKernel, language: str) -> None:
    cell, ename = CRASH_AFTER_OUTPUT[language]
    result = k.fails(cell, ename)
    assert result.stdout == "partial\n"
    assert [m.msg_type for m in result.outputs][-1] == "error"


@pytest.mark.parametrize("failure", list(FAILURES))
def test_every_error_is_one_error_output(k: RunningKernel, language: str, failure: str) -> None:
    expected = FAILURES[failure][language]
    k.ok(REMEMBERS_5[language])
    result = k.fails(expected.code, expected.ename)
    if expected.quiet:
        assert [m.msg_type for m in result.outputs] == ["error"], result.describe()
    else:
        assert [m.msg_type for m in result.outputs if m.msg_type != "stream"] == ["error"], result.describe()
    error = result.error
    assert error["ename"] == expected.ename
    if expected.evalue is not None:
        assert error["evalue"] == expected.evalue
    for text in expected.has:
        assert text in error["evalue"], error["evalue"]
    assert error["traceback"][0] == f"{expected.ename}: {error['evalue']}"
    assert k.is_alive()
    assert k.ok(print_call("remembered()")[language]) == "5\n", "the kernel and its memory survive"


@pytest.mark.parametrize("case", list(MISSING_TOOLCHAIN))
def test_missing_compiler_is_toolchain_not_found(language: str, case: str, tmp_path: Path) -> None:
    missing = MISSING_TOOLCHAIN[case][language]
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {"PATH": str(empty), "HOME": str(tmp_path), **missing.env}
    started = RunningKernel(kernel_name(language), env=env, cwd=tmp_path)
    try:
        result = started.fails(missing.cell, "ToolchainNotFound")
        assert [m.msg_type for m in result.outputs] == ["error"]
        evalue = result.error["evalue"]
        for text in missing.says:
            assert text in evalue, evalue
        for text in missing.says_lower:
            assert text in evalue.lower(), evalue
        assert "%help" in started.ok("%help"), "the kernel still answers"
    finally:
        started.shutdown()


# -- 6. magics, the shell, the build directory ----------------------------------------------------------


def test_list_shows_key_kind_and_cell(k: RunningKernel, language: str) -> None:
    cells, expected = LISTED[language]
    counts = []
    for cell in cells:
        declared = k.execute(cell)
        assert declared.status == "ok", declared.describe()
        counts.append(count_of(declared))
    rows = listing(k)
    assert len(rows) == len(expected), rows
    columns = {}
    for row in rows:
        key, kind, cell, *_ = re.split(r"\s{2,}", row)
        assert key not in columns, rows
        columns[key] = (kind, cell)
    assert columns == {key: (kind, f"Cell In[{counts[index]}]") for key, kind, index in expected}, rows


def test_rm_forgets_declarations(k: RunningKernel, language: str) -> None:
    case = FORGET[language]
    k.ok(case.declare)
    removed = k.ok("%rm square")
    assert "square" in removed
    k.fails(print_call("square(2)")[language], "CompileError")
    k.ok(f'%rm "{case.type_key}"')
    assert case.type_key not in keys(k), listing(k)
    k.fails(case.use_type, "CompileError")
    k.ok(case.new_type)
    assert k.ok(case.use_new_type) == "3\n"


def test_help_names_the_magics_and_the_build_directory(k: RunningKernel, language: str) -> None:
    text = k.ok("%help")
    for magic in MAGICS:
        assert magic in text, magic
    path = build_dir_of(k, language)
    assert path.name.startswith(f"ccell-{language}-")
    assert path.is_dir() and stat.S_IMODE(path.stat().st_mode) == 0o700, "the build directory is private"


def test_unknown_magic_is_a_magic_error_listing_the_known_ones(k: RunningKernel) -> None:
    result = k.fails("%frobnicate now", "MagicError")
    assert [m.msg_type for m in result.outputs] == ["error"]
    evalue = result.error["evalue"]
    assert "frobnicate" in evalue
    for magic in ("%help", "%list", "%show", "%rm", "%reset", "%flags", "%args", "%env"):
        assert magic in evalue, magic


def test_shell_command_runs_in_the_kernels_working_directory(
    k: RunningKernel, language: str, workdir: Path
) -> None:
    assert k.ok("!pwd") == f"{workdir}\n"
    k.ok("!echo made by shell > by_shell.txt")
    assert (workdir / "by_shell.txt").read_text() == "made by shell\n"
    out = k.ok("!echo from the shell\n" + READS_THE_SHELLS_FILE[language])
    assert out == f"from the shell\n{READER[language]} read: made by shell\n"


def test_args_reach_the_program(k: RunningKernel, language: str) -> None:
    k.ok("%args one 'two words'")
    cell, expected = PRINTS_ARGS[language]
    assert k.ok(cell) == expected


def test_env_reaches_the_program_beside_the_kernels_own(k: RunningKernel, language: str) -> None:
    k.ok("%env CCELL_TEST_GREETING=hello 'CCELL_TEST_SPACED=two words'")
    assert k.ok(PRINTS_ENV[language]) == f"hello|two words|{INHERITED[1]}\n"


def test_kernel_info_names_the_language(k: RunningKernel, language: str) -> None:
    k.kc.kernel_info()
    reply = k.kc.get_shell_msg(timeout=15)
    info = reply["content"]["language_info"]
    name, mimetype, extension, version = LANGUAGE_INFO[language]
    assert (info["name"], info["mimetype"], info["file_extension"]) == (name, mimetype, extension)
    assert re.match(version, info["version"]), info


# -- processes --------------------------------------------------------------------------------------------


def test_no_program_process_is_left_after_an_interrupt(
    k: RunningKernel, language: str, workdir: Path
) -> None:
    result, pids = start_spinning(k, language, workdir)
    k.interrupt()
    k.collect(result)
    assert result.ename == "KeyboardInterrupt", result.describe()
    assert_processes_end(pids, k.pid)


def test_shutdown_ends_the_program_and_removes_the_build_directory(language: str, tmp_path: Path) -> None:
    started = RunningKernel(kernel_name(language), env=kernel_env(language), cwd=tmp_path)
    try:
        build = build_dir_of(started, language)
        assert stat.S_IMODE(build.stat().st_mode) == 0o700
        _, pids = start_spinning(started, language, tmp_path)
        kernel_pid = started.pid
    finally:
        started.shutdown()
    assert_processes_end(pids, kernel_pid)
    assert not build.exists(), "the build directory is removed at shutdown"


def test_kernel_exits_by_itself_after_a_shutdown_request(language: str, tmp_path: Path) -> None:
    # Without it, jupyter_client waits half its shutdown_wait_time and sends SIGTERM. Some attempts
    # because the failure seen was a race.
    for attempt in range(5):
        started = RunningKernel(kernel_name(language), env=kernel_env(language), cwd=tmp_path)
        try:
            started.ok("%list")
            started.kc.shutdown()
            deadline = time.monotonic() + 5.0
            while started.is_alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not started.is_alive(), (
                f"attempt {attempt + 1}: the kernel still runs 5 s after shutdown_request"
            )
        finally:
            started.shutdown(now=True)


def test_restart_ends_the_program_and_forgets(language: str, tmp_path: Path) -> None:
    started = RunningKernel(kernel_name(language), env=kernel_env(language), cwd=tmp_path)
    try:
        started.ok(REMEMBERED[language])
        old_build = build_dir_of(started, language)
        old_pid = started.pid
        _, pids = start_spinning(started, language, tmp_path)
        started.restart()
        assert started.pid != old_pid
        assert_processes_end(pids, old_pid)
        assert not old_build.exists()
        new_build = build_dir_of(started, language)
        assert new_build != old_build and new_build.is_dir()
        started.fails(PREFIX[language] + CALL_REMEMBERED[language], "CompileError")
        assert started.ok(PREFIX[language] + say("fresh")[language]) == "fresh\n"
    finally:
        started.shutdown()


# -- interrupts ---------------------------------------------------------------------------------------------


def interrupt_twice(k: RunningKernel, language: str) -> None:
    check_interrupts_twice(
        k,
        remembered=REMEMBERED[language],
        spin=SPIN[language],
        call=CALL_REMEMBERED[language],
        timeout=INTERRUPT_TIMEOUT[language],
    )


def test_interrupt_in_message_mode_twice(k: RunningKernel, language: str) -> None:
    assert k.interrupt_mode == "message", "the kernelspec ships message mode"
    interrupt_twice(k, language)


def test_interrupt_in_signal_mode_twice(signal_kernel: RunningKernel, language: str) -> None:
    assert signal_kernel.interrupt_mode == "signal"
    interrupt_twice(signal_kernel, language)


@pytest.mark.parametrize("mode", ["message", "signal"])
def test_interrupt_while_idle_is_harmless(
    kernel: RunningKernel, signal_kernel: RunningKernel, language: str, mode: str
) -> None:
    k = kernel if mode == "message" else signal_kernel
    k.ok("%reset\n" + REMEMBERED[language])
    k.interrupt()
    time.sleep(0.5)
    assert k.is_alive()
    assert k.ok(CALL_REMEMBERED[language]) == "7\n"


def test_interrupt_a_program_that_ignores_sigint(k: RunningKernel, language: str) -> None:
    result = k.execute(
        IGNORES_SIGINT[language],
        interrupt_when=lambda r: "looping" in r.stdout,
        timeout=INTERRUPT_TIMEOUT[language],
    )
    assert result.ename == "KeyboardInterrupt", result.describe()
    assert k.ok(say("after")[language]) == "after\n"


def test_interrupt_while_waiting_for_input(k: RunningKernel, language: str) -> None:
    k.ok(REMEMBERED[language])
    code = READS_A_NUMBER[language]
    result = k.execute(
        code,
        allow_stdin=True,
        interrupt_when=lambda r: bool(r.input_requests),
        timeout=INTERRUPT_TIMEOUT[language],
    )
    assert len(result.input_requests) == 1
    assert result.ename == "KeyboardInterrupt", result.describe()
    assert "read" not in result.stdout
    again = k.execute(code, allow_stdin=True, answers=["5"])
    assert again.status == "ok" and again.stdout == "read 5\n", again.describe()
    assert k.ok(CALL_REMEMBERED[language]) == "7\n"


# -- 7. input and output -------------------------------------------------------------------------------------


@pytest.mark.parametrize("flush", list(STREAMED))
def test_stdout_streams_while_the_program_runs(k: RunningKernel, language: str, flush: str) -> None:
    check_streams_while_running(k.execute(STREAMED[flush][language]))


def test_stdout_and_stderr_keep_their_order(k: RunningKernel, language: str) -> None:
    result = k.execute(OUT_ERR_OUT[language])
    pieces = [(m.content["name"], m.content["text"]) for m in result.streams()]
    assert pieces == [("stdout", "out 1\n"), ("stderr", "err 1\n"), ("stdout", "out 2\n")], pieces


def test_a_read_gets_one_input_request_and_the_answer(k: RunningKernel, language: str) -> None:
    """The line the program printed before it read is the input_request's prompt, not a stream of
    its own (issue 17): the frontend shows ``number? 21`` on one line, as for Python's input()."""
    prompted = PROMPTED[language]
    result = k.execute(prompted.code, allow_stdin=True, answers=[prompted.answer])
    assert result.status == "ok", result.describe()
    [request] = result.input_requests
    assert request.content["prompt"] == prompted.prompt, "the unfinished line is the prompt"
    assert result.stdout == prompted.before + prompted.after, "the prompt is not streamed as well"
    [first] = [m for m in result.streams("stdout") if prompted.before in m.content["text"]]
    assert first.sent <= request.sent, "what came before the prompt is sent before the input request"
    later = [m for m in result.streams("stdout") if m.sent > request.sent]
    assert "".join(m.content["text"] for m in later) == prompted.after


def test_a_prompt_without_input_is_output(k: RunningKernel, language: str) -> None:
    """With no input allowed (nbclient, papermill) the program reads end-of-file, and its prompt
    is output as it was printed."""
    result = k.execute(PROMPT_WITHOUT_INPUT[language])
    assert result.stdout == "number? got 7\n", result.describe()
    assert result.input_requests == []


def test_two_reads_two_input_requests(k: RunningKernel, language: str) -> None:
    result = k.execute(TWO_READS[language], allow_stdin=True, answers=["3", "4"])
    assert result.status == "ok", result.describe()
    assert len(result.input_requests) == 2
    assert result.stdout == "sum 7\n"


def test_a_read_gets_the_whole_line(k: RunningKernel, language: str) -> None:
    cell, expected = WHOLE_LINE[language]
    result = k.execute(cell, allow_stdin=True, answers=["hello world"])
    assert result.status == "ok", result.describe()
    assert result.stdout == expected, result.describe()


def test_program_that_does_not_read_gets_no_input_request(k: RunningKernel, language: str) -> None:
    result = k.execute(NO_READ[language], allow_stdin=True)
    assert result.status == "ok", result.describe()
    assert result.input_requests == []
    assert result.stdout == "busy\ndone\n"


def test_without_stdin_the_program_reads_eof(k: RunningKernel, language: str) -> None:
    cell, expected = READS_EOF[language]
    result = k.execute(cell, allow_stdin=False, timeout=15)
    assert result.status == "ok", result.describe()
    assert result.input_requests == []
    assert result.stdout == expected


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_output_is_cut_once_and_the_program_keeps_running(
    k: RunningKernel, language: str, workdir: Path
) -> None:
    limit = KERNELS[language].output_limit
    (workdir / "done.txt").unlink(missing_ok=True)
    k.ok(REMEMBERED[language])
    before = rss_kb(k.pid)
    result = k.execute(FLOOD[language], timeout=60)
    assert result.status == "ok", result.describe()[:3000]
    text = result.text
    assert sum(m.content["text"].count("output cut") for m in result.streams()) == 1
    assert limit <= len(text) < limit + 4096, len(text)
    assert "END-MARKER" not in text
    assert (workdir / "done.txt").read_text() == "done", "the program ran to its end"
    assert rss_kb(k.pid) - before < 20_000, "the kernel kept the dropped output"
    after = k.execute(CALL_REMEMBERED[language])
    assert after.status == "ok" and after.stdout == "7\n", after.describe()


# -- bad input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bytes_", list(BAD_BYTES))
def test_bad_bytes_become_replacement_characters(k: RunningKernel, language: str, bytes_: str) -> None:
    first = BAD_BYTES_FIRST[language]
    if first is not None:
        k.ok(first)
    cell, expected = BAD_BYTES[bytes_][language]
    result = k.execute(cell)
    assert result.status == "ok" and not result.errors, result.describe()
    assert result.stdout == expected
    assert k.ok(say("still fine")[language]) == "still fine\n"


@pytest.mark.parametrize("cell", list(EMPTY_CELLS))
def test_empty_and_comment_only_cells_print_nothing(k: RunningKernel, cell: str) -> None:
    result = k.execute(EMPTY_CELLS[cell])
    assert result.status == "ok", result.describe()
    assert result.outputs == []

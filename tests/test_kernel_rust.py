"""The Rust kernel through Jupyter: a real KernelManager and client, the real kernel, the real rustc.

Each test checks a promise of CELL_MODEL.md for Rust. Most share one kernel (``kernel``; ``rust``
resets its memory and options first); tests that need their own environment or interrupt mode start
their own. The kernel runs with ``RUST_BACKTRACE=0`` so that a panic's stderr does not depend on the
environment the tests run in.
"""

from __future__ import annotations

import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_client import (
    CellResult,
    RunningKernel,
    check_interrupts_twice,
    check_streams_while_running,
    count_of,
)

pytestmark = pytest.mark.slow

QUIET_BACKTRACE = {"RUST_BACKTRACE": "0"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rust-work")


@pytest.fixture(scope="module")
def kernel(workdir: Path) -> Iterator[RunningKernel]:
    """One ccell-rust kernel for the module, started from the kernelspec as it is (message mode)."""
    running = RunningKernel("ccell-rust", env=QUIET_BACKTRACE, cwd=workdir)
    yield running
    running.shutdown()


@pytest.fixture
def rust(kernel: RunningKernel) -> RunningKernel:
    """The module's kernel with nothing remembered and no flags, program arguments or environment."""
    kernel.ok("%reset\n%flags --clear\n%args --clear\n%env --clear")
    return kernel


def rows_for(k: RunningKernel, key: str) -> list[str]:
    """The ``%list`` rows whose key column is ``key``."""
    return [row for row in k.ok("%list").splitlines() if row.split("  ")[0].strip() == key]


def assert_one_error(result: CellResult, ename: str) -> dict:
    assert result.status == "error", result.describe()
    assert result.ename == ename, result.describe()
    error = result.error
    assert error["traceback"][0] == f"{ename}: {error['evalue']}"
    return error


# -- 1, 2. one program; keys --------------------------------------------------------------------------------


def test_declarations_are_remembered_and_statements_run(rust: RunningKernel) -> None:
    declared = rust.execute("fn square(x: i32) -> i32 {\n    x * x\n}")
    assert declared.status == "ok" and declared.outputs == [], declared.describe()
    assert rust.ok('println!("{}", square(7));') == "49\n"
    assert rust.ok('for i in 1..=3 {\n    print!("{} ", square(i));\n}\nprintln!();') == "1 4 9 \n"


def test_impl_blocks_are_keyed_by_header_and_replaced(rust: RunningKernel) -> None:
    rust.ok("use std::fmt;\n#[derive(Clone, Copy)]\nstruct Point { x: i32, y: i32 }")
    rust.ok("impl Point {\n    fn norm1(&self) -> i32 { self.x.abs() + self.y.abs() }\n}")
    display = (
        "impl fmt::Display for Point {\n"
        "    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n"
        '        write!(f, "FORMAT", self.x, self.y)\n'
        "    }\n"
        "}"
    )
    rust.ok(display.replace("FORMAT", "({}, {})"))
    newer = rust.execute(display.replace("FORMAT", "<{}; {}>"))
    assert newer.status == "ok", newer.describe()
    assert rust.ok('let p = Point { x: 3, y: -4 };\nprintln!("{} {}", p, p.norm1());') == "<3; -4> 7\n"
    [row] = rows_for(rust, "impl fmt::Display for Point")
    assert "impl" in row and f"Cell In[{count_of(newer)}]" in row
    assert len(rows_for(rust, "impl Point")) == 1
    rust.ok('%rm "impl Point"')
    assert (
        "norm1" in rust.fails('println!("{}", Point { x: 1, y: 1 }.norm1());', "CompileError").error["evalue"]
    )


def test_derive_attribute_travels_with_its_struct(rust: RunningKernel) -> None:
    rust.ok("/// A tag.\n#[derive(Debug, PartialEq)]\nstruct Tag(u8);")
    assert rust.ok('println!("{:?} {}", Tag(1), Tag(1) == Tag(1));') == "Tag(1) true\n"
    rust.ok("struct Tag(u8);")
    shown = rust.ok("%show")
    assert "derive" not in shown and "A tag" not in shown, shown
    result = rust.fails('println!("{:?}", Tag(1));', "CompileError")
    assert "Debug" in result.error["evalue"], result.error["evalue"]


def test_inner_attribute_is_crate_level(rust: RunningKernel) -> None:
    rust.ok('fn first() -> &\'static str { "first" }')
    declared = rust.execute("#![allow(non_camel_case_types)]\nstruct lower_case;")
    assert declared.status == "ok" and declared.outputs == [], declared.describe()
    shown = rust.ok("%show")
    assert shown.index("#![allow(non_camel_case_types)]") < shown.index("fn first"), shown
    assert len(rows_for(rust, "#![allow(non_camel_case_types)]")) == 1
    used = rust.execute('let _l = lower_case;\nprintln!("{}", first());')
    assert used.status == "ok" and used.stdout == "first\n" and used.stderr == "", used.describe()


# -- 3. main's body ----------------------------------------------------------------------------------------


def test_question_mark_in_a_cell(rust: RunningKernel) -> None:
    assert rust.ok('let n: u32 = "41".parse()?;\nprintln!("{}", n + 1);') == "42\n"
    result = rust.fails(
        'println!("before");\nlet n: u32 = "forty".parse()?;\nprintln!("{}", n);', "ExitStatus"
    )
    assert result.error["evalue"] == "exit status 1"
    assert result.stdout == "before\n"
    assert "Error: ParseIntError" in result.stderr
    assert [m.msg_type for m in result.outputs][-1] == "error"


def test_bare_return_ends_the_cell(rust: RunningKernel) -> None:
    result = rust.execute('println!("before");\nif 1 + 1 == 2 {\n    return;\n}\nprintln!("after");')
    assert result.status == "ok", result.describe()
    assert result.stdout == "before\n"


def test_process_exit_is_the_exit_status(rust: RunningKernel) -> None:
    result = rust.fails('println!("leaving");\nstd::process::exit(3);', "ExitStatus")
    assert result.error["evalue"] == "exit status 3"
    assert result.stdout == "leaving\n"


def test_panic_is_an_exit_status_whose_location_names_the_cell(rust: RunningKernel) -> None:
    helper = rust.execute("fn nth(v: &[i32], i: usize) -> i32 {\n    v[i]\n}")
    assert helper.status == "ok", helper.describe()
    result = rust.fails(
        'let v = vec![1, 2, 3];\nprintln!("{}", nth(&v, 0));\nlet x = nth(&v, 9);', "ExitStatus"
    )
    assert result.error["evalue"] == "exit status 101"
    assert result.stdout == "1\n"
    # `panicked at main.rs:2:5:` (rustc >= 1.73) or `panicked at 'index out of bounds...', main.rs:2:5`
    assert "panicked at" in result.stderr and f"Cell In[{count_of(helper)}], line 2" in result.stderr
    assert "index out of bounds" in result.stderr and "main.rs" not in result.stderr
    own = rust.fails('let empty: Option<u8> = None;\n\nempty.expect("nothing there");', "ExitStatus")
    assert f"Cell In[{count_of(own)}], line 3" in own.stderr, own.stderr


def test_warnings_about_unused_code_are_not_shown(rust: RunningKernel) -> None:
    declared = rust.execute(
        "use std::collections::HashMap;\n"
        "fn never_called() -> i32 {\n    let unused = 3;\n    let mut m = 1;\n    m\n}"
    )
    assert declared.status == "ok" and declared.outputs == [], declared.describe()
    ran = rust.execute('let mut not_mutated = 1;\nlet unused_local = 2;\nprintln!("{}", not_mutated);')
    assert ran.status == "ok" and ran.stderr == "" and ran.stdout == "1\n", ran.describe()


def test_other_warnings_of_the_cell_are_shown(rust: RunningKernel) -> None:
    ran = rust.execute('let CamelLocal = 1;\nprintln!("{}", CamelLocal);')
    assert ran.status == "ok" and ran.stdout == "1\n", ran.describe()
    assert ran.stderr.startswith(f"Cell In[{count_of(ran)}], line 1: warning: variable `CamelLocal`"), (
        ran.stderr
    )


# -- 5. errors ----------------------------------------------------------------------------------------------


def test_compile_error_is_mapped_to_the_cell_with_a_caret(rust: RunningKernel) -> None:
    rust.ok("fn before() -> i32 { 1 }")
    result = rust.fails('let fine = before();\nlet text = "seven";\nlet n: i32 = text;', "CompileError")
    n = count_of(result)
    assert [m.msg_type for m in result.outputs] == ["error"], "no stream beside the error"
    error = result.error
    assert error["evalue"].startswith(f"Cell In[{n}], line 3: error: mismatched types"), error["evalue"]
    traceback = error["traceback"]
    assert traceback[0] == f"CompileError: {error['evalue']}"
    assert traceback[1].strip() == "let n: i32 = text;"
    assert traceback[2].strip() == "^" and traceback[2].index("^") == traceback[1].index("text;")
    assert rust.ok('println!("{}", before());') == "1\n", "memory unchanged"


def test_every_error_of_a_cell_is_listed(rust: RunningKernel) -> None:
    # errors other than names declared later: those would wait (CELL_MODEL.md section 4)
    result = rust.fails('fn one() -> i32 { "a" }\nfn two() -> i32 { "b" }', "CompileError")
    traceback = "\n".join(result.error["traceback"])
    n = count_of(result)
    assert f"Cell In[{n}], line 1: error:" in traceback and '"a"' in traceback
    assert f"Cell In[{n}], line 2: error:" in traceback and '"b"' in traceback


def test_error_in_a_remembered_cell_after_a_type_change_names_that_cell(rust: RunningKernel) -> None:
    rust.ok("struct Celsius { degrees: f64 }")
    user = rust.execute("fn warm(c: &Celsius) -> bool {\n    c.degrees > 20.0\n}")
    assert user.status == "ok", user.describe()
    result = rust.fails("struct Celsius { value: f64 }", "CompileError")
    assert result.error["evalue"].startswith(f"Cell In[{count_of(user)}], line 2: error: no field `degrees`")
    assert rust.ok('println!("{}", warm(&Celsius { degrees: 25.0 }));') == "true\n", (
        "the failed cell changed nothing"
    )


@pytest.mark.parametrize(
    ("code", "ename", "evalue"),
    [
        ("std::process::exit(7);", "ExitStatus", "exit status 7"),
        ('panic!("no");', "ExitStatus", "exit status 101"),
        ("std::process::abort();", "SIGABRT", "Aborted"),
        ('let x: i32 = "no";', "CompileError", None),
        ("fn main() {}\nlet x = 1;", "CompileError", None),
        ("%no_such_magic", "MagicError", None),
    ],
    ids=["exit", "panic", "abort", "compile", "main-and-statements", "magic"],
)
def test_every_error_is_one_error_output(
    rust: RunningKernel, code: str, ename: str, evalue: str | None
) -> None:
    rust.ok("fn remembered() -> i32 { 5 }")
    result = rust.execute(code)
    error = assert_one_error(result, ename)
    if evalue is not None:
        assert error["evalue"] == evalue
    assert [m.msg_type for m in result.outputs if m.msg_type != "stream"] == ["error"]
    assert rust.ok('println!("{}", remembered());') == "5\n", "the kernel and its memory survive"


# -- 6. magics -----------------------------------------------------------------------------------------------


def test_flags_edition_2018(rust: RunningKernel) -> None:
    code = 'let small = u8::try_from(1000i32).unwrap_or(255);\nprintln!("{}", small);'
    assert rust.ok(code) == "255\n", "2021 by default: TryFrom is in the prelude"
    assert "--edition 2018" in rust.ok("%flags --edition 2018")
    result = rust.fails(code, "CompileError")
    assert "try_from" in result.error["evalue"]
    assert rust.ok("use std::convert::TryFrom;\n" + code) == "255\n"
    rust.ok("%flags --clear")
    assert rust.ok(code) == "255\n"


def test_list_show_and_rm(rust: RunningKernel) -> None:
    first = rust.execute(
        "use std::fmt::Debug;\nconst LIMIT: usize = 3;\n"
        'fn show<T: Debug>(t: T) -> String {\n    format!("{:?}", t)\n}'
    )
    rows = rust.ok("%list").splitlines()
    assert len(rows) == 3, rows
    for key, kind in (("std::fmt::Debug", "use"), ("LIMIT", "const"), ("show", "fn")):
        [row] = rows_for(rust, key)
        assert kind in row and f"Cell In[{count_of(first)}]" in row, row
    shown = rust.ok("%show")
    assert f"// Cell In[{count_of(first)}], line 1" in shown and "fn main()" in shown, shown
    rust.ok("%rm show LIMIT")
    assert rows_for(rust, "show") == [] and rows_for(rust, "LIMIT") == []
    rust.fails('println!("{}", show(LIMIT));', "CompileError")


def test_args_and_env_reach_the_program(rust: RunningKernel) -> None:
    rust.ok("%args one 'two words'\n%env CCELL_GREETING=hello")
    out = rust.ok(
        "let args: Vec<String> = std::env::args().skip(1).collect();\n"
        'println!("{:?} {}", args, std::env::var("CCELL_GREETING")?);'
    )
    assert out == '["one", "two words"] hello\n'


# -- 7. input and output --------------------------------------------------------------------------------

READ_LINE = (
    'print!("name? ");\nstd::io::Write::flush(&mut std::io::stdout())?;\n'
    "let mut line = String::new();\nstd::io::stdin().read_line(&mut line)?;\n"
    'println!("hello, {}", line.trim());'
)


def test_read_line_gets_one_input_request_and_the_answer(rust: RunningKernel) -> None:
    result = rust.execute(READ_LINE, allow_stdin=True, answers=["Ferris"])
    assert result.status == "ok", result.describe()
    [request] = result.input_requests
    assert request.content["prompt"] == "name? ", "the unfinished line is the prompt (issue 17)"
    assert result.stdout == "hello, Ferris\n"


def test_two_reads_two_input_requests(rust: RunningKernel) -> None:
    code = (
        "let mut total = 0;\nfor _ in 0..2 {\n    let mut line = String::new();\n"
        "    std::io::stdin().read_line(&mut line)?;\n    total += line.trim().parse::<i32>()?;\n}\n"
        'println!("sum {}", total);'
    )
    result = rust.execute(code, allow_stdin=True, answers=["3", "4"])
    assert result.status == "ok", result.describe()
    assert len(result.input_requests) == 2 and result.stdout == "sum 7\n"


def test_without_stdin_the_program_reads_end_of_file(rust: RunningKernel) -> None:
    code = (
        "let mut line = String::new();\n"
        'let n = std::io::stdin().read_line(&mut line)?;\nprintln!("read {}", n);'
    )
    result = rust.execute(code, allow_stdin=False, timeout=15)
    assert result.status == "ok" and result.input_requests == [], result.describe()
    assert result.stdout == "read 0\n"


def test_stdout_streams_while_the_program_runs(rust: RunningKernel) -> None:
    code = (
        'println!("first");\nstd::thread::sleep(std::time::Duration::from_millis(1500));\nprintln!("second");'
    )
    check_streams_while_running(rust.execute(code))


def test_stdout_and_stderr_keep_their_order(rust: RunningKernel) -> None:
    pause = "std::thread::sleep(std::time::Duration::from_millis(200));\n"
    code = f'println!("out 1");\n{pause}eprintln!("err 1");\n{pause}println!("out 2");'
    result = rust.execute(code)
    pieces = [(m.content["name"], m.content["text"]) for m in result.streams()]
    assert pieces == [("stdout", "out 1\n"), ("stderr", "err 1\n"), ("stdout", "out 2\n")], pieces


def test_invalid_utf8_output_becomes_replacement_characters(rust: RunningKernel) -> None:
    code = 'use std::io::Write;\nstd::io::stdout().write_all(b"a\\xff\\xfeb\\n")?;'
    assert rust.ok(code) == "a\ufffd\ufffdb\n"


def test_output_is_cut_and_the_program_keeps_running(tmp_path: Path) -> None:
    limit = 50_000
    k = RunningKernel("ccell-rust", env={**QUIET_BACKTRACE, "CCELL_OUTPUT_LIMIT": str(limit)}, cwd=tmp_path)
    try:
        code = (
            'let line = "x".repeat(99);\nfor _ in 0..20_000 {\n    println!("{}", line);\n}\n'
            'eprintln!("END-MARKER");\nstd::fs::write("done.txt", "done")?;'
        )
        result = k.execute(code, timeout=60)
        assert result.status == "ok", result.describe()[:2000]
        assert sum(m.content["text"].count("output cut") for m in result.streams()) == 1
        assert limit <= len(result.text) < limit + 4096 and "END-MARKER" not in result.text
        assert (tmp_path / "done.txt").read_text() == "done", "the program ran to its end"
    finally:
        k.shutdown()


# -- interrupts ---------------------------------------------------------------------------------------------

SPIN = 'println!("looping");\nloop {\n    std::hint::spin_loop();\n}'


def interrupt_twice(k: RunningKernel) -> None:
    check_interrupts_twice(
        k,
        remembered="fn remembered() -> i32 { 7 }",
        spin=SPIN,
        call='println!("{}", remembered());',
        timeout=30,
    )


def test_interrupt_in_message_mode_twice(rust: RunningKernel) -> None:
    assert rust.interrupt_mode == "message", "the kernelspec ships message mode"
    interrupt_twice(rust)


def test_interrupt_in_signal_mode_twice(workdir: Path) -> None:
    k = RunningKernel("ccell-rust", env=QUIET_BACKTRACE, cwd=workdir, interrupt_mode="signal")
    try:
        assert k.interrupt_mode == "signal"
        interrupt_twice(k)
    finally:
        k.shutdown()


def test_interrupt_a_program_that_ignores_sigint(rust: RunningKernel) -> None:
    code = (
        'extern "C" {\n    fn signal(signum: i32, handler: usize) -> usize;\n}\n'
        "unsafe { signal(2, 1) };  // SIGINT, SIG_IGN\n" + SPIN
    )
    result = rust.execute(code, interrupt_when=lambda r: "looping" in r.stdout, timeout=30)
    assert result.ename == "KeyboardInterrupt", result.describe()
    assert rust.ok('println!("after");') == "after\n"


def test_interrupt_while_waiting_for_input(rust: RunningKernel) -> None:
    rust.ok("fn remembered() -> i32 { 7 }")
    code = (
        "let mut line = String::new();\n"
        'std::io::stdin().read_line(&mut line)?;\nprintln!("read {}", line.trim());'
    )
    result = rust.execute(code, allow_stdin=True, interrupt_when=lambda r: bool(r.input_requests), timeout=30)
    assert len(result.input_requests) == 1
    assert result.ename == "KeyboardInterrupt", result.describe()
    again = rust.execute(code, allow_stdin=True, answers=["5"])
    assert again.status == "ok" and again.stdout == "read 5\n", again.describe()
    assert rust.ok('println!("{}", remembered());') == "7\n"


def test_interrupt_while_compiling(tmp_path: Path) -> None:
    real = shutil.which("rustc")
    assert real is not None, "rustc on PATH"
    slow, started = tmp_path / "slow", tmp_path / "wrapper.pid"
    wrapper = tmp_path / "slow-rustc"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'if [ -e "{slow}" ]; then echo $$ > "{started}.tmp"; mv "{started}.tmp" "{started}"; sleep 60; fi\n'
        f'exec "{real}" "$@"\n'
    )
    wrapper.chmod(0o755)
    k = RunningKernel("ccell-rust", env={**QUIET_BACKTRACE, "RUSTC": str(wrapper)}, cwd=tmp_path)
    try:
        k.ok("fn remembered() -> i32 { 7 }")
        slow.touch()
        result = k.execute(
            'fn never_remembered() -> i32 { 1 }\nprintln!("{}", remembered());',
            interrupt_when=lambda r: started.exists(),
            timeout=30,
        )
        assert result.ename == "KeyboardInterrupt", result.describe()
        assert [m.msg_type for m in result.outputs] == ["error"]
        slow.unlink()
        assert k.ok('println!("{}", remembered());') == "7\n"
        k.fails('println!("{}", never_remembered());', "CompileError")
    finally:
        k.shutdown()


# -- the toolchain and the kernel ----------------------------------------------------------------------------


def test_missing_rustc_is_toolchain_not_found(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    k = RunningKernel(
        "ccell-rust", env={"PATH": str(empty), "HOME": str(tmp_path), "RUSTC": ""}, cwd=tmp_path
    )
    try:
        result = k.fails('let x = 1;\nprintln!("{}", x);', "ToolchainNotFound")
        assert [m.msg_type for m in result.outputs] == ["error"]
        evalue = result.error["evalue"]
        assert "rustc" in evalue and "install" in evalue.lower() and "restart" in evalue, evalue
        assert "%help" in k.ok("%help"), "the kernel still answers"
    finally:
        k.shutdown()


def test_kernel_info_is_rust(rust: RunningKernel) -> None:
    rust.kc.kernel_info()
    reply = rust.kc.get_shell_msg(timeout=15)
    info = reply["content"]["language_info"]
    assert (info["name"], info["mimetype"], info["file_extension"]) == ("rust", "text/x-rustsrc", ".rs")
    assert info["version"].startswith("rustc "), info


def test_build_directory_is_private(rust: RunningKernel) -> None:
    found = re.findall(r"(/\S*ccell-rust-[^\s,;:]+)", rust.ok("%help"))
    assert found, "%help names the build directory"
    path = Path(found[0])
    assert path.is_dir() and stat.S_IMODE(path.stat().st_mode) == 0o700


def test_completion_offers_keywords_macros_and_remembered_names(rust: RunningKernel) -> None:
    rust.ok("fn remembered_total() -> i32 { 1 }")
    for text, expected in (("printl", "println"), ("remembered_t", "remembered_total"), ("VecD", "VecDeque")):
        msg_id = rust.kc.complete(text)
        reply = rust.kc.get_shell_msg(timeout=15)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = rust.kc.get_shell_msg(timeout=15)
        assert reply["content"]["matches"] == [expected], (text, reply["content"])

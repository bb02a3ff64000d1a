"""What the code makes, through a real Jupyter client (CELL_MODEL.md 4a, 5, 6): values as Out[n], rich
displays over the side channel, errors a beginner can read, the everyday magics — in C, Go and Rust.

Each language's cases run on one kernel (``%reset`` between cases). A case is written once where the
behaviour is shared (the display calls differ only in spelling) and per language where it is not.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_client import CellResult, RunningKernel, count_of

pytestmark = pytest.mark.slow

LANGUAGES = ("c", "go", "rust")
HEADER = {"c": "#include <stdio.h>\n#include <ccell.h>\n", "go": "", "rust": ""}
PRINT = {"c": 'printf("{}\\n");', "go": 'fmt.Println("{}")', "rust": 'println!("{}");'}
HTML = {"c": 'ccell_html("{}");', "go": 'display.HTML("{}")', "rust": 'ccell::html("{}");'}
MARKDOWN = {"c": 'ccell_markdown("{}");', "go": 'display.Markdown("{}")', "rust": 'ccell::markdown("{}");'}
SVG = {"c": 'ccell_svg("{}");', "go": "display.SVG(`{}`)", "rust": 'ccell::svg(r#"{}"#);'}
PNG = {
    "c": 'ccell_png("\\x89PNG\\r\\n\\x1a\\n", 8);',
    "go": 'display.PNG([]byte("\\x89PNG\\r\\n\\x1a\\n"))',
    "rust": 'ccell::png(b"\\x89PNG\\r\\n\\x1a\\n");',
}
DISPLAY_ID = {
    "c": 'ccell_display_id("{0}", "text/plain", "{1}", {2});',
    "go": 'display.DisplayID("{0}", "text/plain", "{1}")',
    "rust": 'ccell::display_id("{0}", "text/plain", "{1}");',
}
UPDATE = {
    "c": 'ccell_update("{0}", "text/plain", "{1}", {2});',
    "go": 'display.Update("{0}", "text/plain", "{1}")',
    "rust": 'ccell::update("{0}", "text/plain", "{1}");',
}
CLEAR = {"c": "ccell_clear();", "go": "display.Clear()", "rust": "ccell::clear();"}
SQUARE = {
    "c": "int square(int x) { return x * x; }",
    "go": "func square(x int) int { return x * x }",
    "rust": "fn square(x: i32) -> i32 { x * x }",
}


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def kernel(language: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningKernel]:
    running = RunningKernel(f"ccell-{language}", cwd=tmp_path_factory.mktemp(f"rich-{language}"))
    running.execute(PRINT[language].format("warm"), timeout=120)  # Go: the build cache warms up
    yield running
    running.shutdown()


@pytest.fixture
def k(kernel: RunningKernel, language: str) -> RunningKernel:
    kernel.ok("%reset\n%flags --clear\n%args --clear")
    if HEADER[language]:
        kernel.ok(HEADER[language])
    return kernel


def kinds(result: CellResult) -> list[str]:
    return [m.msg_type for m in result.outputs]


def out(result: CellResult) -> str | None:
    """The text/plain of the cell's execute_result (its Out[n]), checked to be the last output."""
    results = [m for m in result.outputs if m.msg_type == "execute_result"]
    if not results:
        return None
    assert len(results) == 1 and result.outputs[-1] is results[0], result.describe()
    assert results[0].content["execution_count"] == count_of(result)
    return str(results[0].content["data"]["text/plain"])


def displays(result: CellResult, kind: str = "display_data") -> list[dict]:
    return [m.content for m in result.outputs if m.msg_type == kind]


def only(*languages: str):  # type: ignore[no-untyped-def]
    """Run a test on these languages' kernels only (the module's kernels, shared)."""
    return pytest.mark.parametrize("language", languages, indirect=True)


# -- Out[n] -----------------------------------------------------------------------------------------

VALUES = {
    "c": [
        ("1 + 2", "3"),
        ("square(7)", "49"),
        ("int x = 21;\nx * 2", "42"),
        ('const char *name = "note\\"book";\nname', '"note\\"book"'),
        ("char c = 'z';\nc", "'z'"),
        ("_Bool yes = 1;\nyes", "true"),
        ("7.0 / 2", "3.5"),
        ("unsigned long big = 18446744073709551615UL;\nbig", "18446744073709551615"),
        ("(void *)0", "NULL"),
    ],
    "go": [
        ("1 + 2", "3"),
        ("square(7)", "49"),
        ("x := 21\nx * 2", "42"),
        ('name := "gopher"\nname', "gopher"),
        ("[]int{1, 2}", "[1 2]"),
        ('strings.Repeat("ab", 2)', "abab"),
    ],
    "rust": [
        ("1 + 2", "3"),
        ("square(7)", "49"),
        ("let v = vec![1, 2, 3];\nv.len()", "3"),
        ("vec![1, 2]", "[1, 2]"),
        ('"text".to_string()', '"text"'),
        ("if 1 > 0 { 'y' } else { 'n' }", "'y'"),
    ],
}
NO_VALUE = {  # cells whose last statement gives nothing to show: they run, no Out[n]
    "c": ["square(2);", 'printf("x\\n");', "void nothing(void) { }\nnothing()"],
    "go": ['fmt.Println("x")', "time.Sleep(time.Millisecond)", "var err error\nerr"],
    "rust": ["let v = 3;", 'println!("x")', "for _ in 0..2 {}"],
}


def test_the_last_expression_is_out(k: RunningKernel, language: str) -> None:
    k.ok(SQUARE[language])
    for code, expected in VALUES[language]:
        result = k.execute(code)
        assert result.status == "ok", result.describe()
        assert out(result) == expected, (code, result.describe())


@only("c")
def test_c_other_pointers_are_shown_in_hex(k: RunningKernel) -> None:
    k.ok("int numbers[2] = {1, 2};")
    result = k.execute("(void *)&numbers[1]")
    shown = out(result)
    assert shown is not None and re.fullmatch(r"0x[0-9a-f]+", shown), result.describe()
    address = k.ok('printf("%p\\n", (void *)&numbers[1]);').strip()
    assert shown == address, "the pointer itself: the live program keeps the array where it was"


def test_a_statement_or_nothing_has_no_out(k: RunningKernel, language: str) -> None:
    k.ok(SQUARE[language])
    for code in NO_VALUE[language]:
        result = k.execute(code)
        assert result.status == "ok", result.describe()
        assert out(result) is None, (code, result.describe())


def test_what_the_expression_printed_comes_first(k: RunningKernel, language: str) -> None:
    shout = {
        "c": 'int shout(void) { printf("printing\\n"); return 5; }',
        "go": 'func shout() int { fmt.Println("printing"); return 5 }',
        "rust": 'fn shout() -> i32 { println!("printing"); 5 }',
    }
    k.ok(shout[language])
    result = k.execute("shout()")
    assert kinds(result) == ["stream", "execute_result"], result.describe()
    assert result.stdout == "printing\n" and out(result) == "5"


CANNOT_SHOW = {  # Go shows every value with %v
    "c": ("struct P { int x; };\nstruct P p = {1};", "p", "print"),
    "rust": ("struct NoDebug;", "NoDebug", "Debug"),
}


@only("c", "rust")
def test_a_value_that_cannot_be_shown_is_a_clear_error(k: RunningKernel, language: str) -> None:
    declare, code, word = CANNOT_SHOW[language]
    k.ok(declare)
    result = k.fails(code, "CompileError")
    count = count_of(result)
    assert result.error["evalue"].startswith(f"Cell In[{count}], line 1: error:"), result.describe()
    assert "Out[n]" in result.error["evalue"] and word in result.error["evalue"]
    assert "generated" not in result.error["evalue"] and "main.rs" not in result.error["evalue"]


# -- displays -----------------------------------------------------------------------------------------


def test_each_kind_of_display(k: RunningKernel, language: str) -> None:
    code = "\n".join(
        [
            HTML[language].format("<b>bold</b>"),
            MARKDOWN[language].format("*md*"),
            SVG[language].format("<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
            PNG[language],
        ]
    )
    result = k.execute(code)
    assert result.status == "ok", result.describe()
    shown = displays(result)
    assert [list(d["data"]) for d in shown] == [
        ["text/html", "text/plain"],
        ["text/markdown", "text/plain"],
        ["image/svg+xml", "text/plain"],
        ["image/png", "text/plain"],
    ]
    words = [d["data"]["text/plain"] for d in shown]
    assert words == ["bold", "*md*", "<SVG image>", "<image/png, 8 bytes>"], "words beside each (issue 17)"
    assert shown[0]["data"]["text/html"] == "<b>bold</b>" and shown[1]["data"]["text/markdown"] == "*md*"
    assert base64.b64decode(shown[3]["data"]["image/png"]) == b"\x89PNG\r\n\x1a\n"


GENERIC = {  # any MIME type, through the generic call: frontends choose what to show
    "c": 'ccell_display("text/csv", "a,b\\n1,2\\n", 8);',
    "go": 'display.Display("text/csv", []byte("a,b\\n1,2\\n"))',
    "rust": 'ccell::display("text/csv", b"a,b\\n1,2\\n");',
}


def test_the_generic_display_sends_any_mime_type(k: RunningKernel, language: str) -> None:
    result = k.execute(GENERIC[language])
    assert result.status == "ok", result.describe()
    [shown] = displays(result)
    assert list(shown["data"]) == ["text/csv"], result.describe()
    data = shown["data"]["text/csv"]
    assert data == "a,b\n1,2\n" or base64.b64decode(data) == b"a,b\n1,2\n", result.describe()


def test_displays_keep_their_order_with_printed_text(k: RunningKernel, language: str) -> None:
    code = "\n".join(
        [
            PRINT[language].format("before"),
            HTML[language].format("<i>between</i>"),
            PRINT[language].format("after"),
        ]
    )
    result = k.execute(code)
    order = [
        m.content["text"] if m.msg_type == "stream" else m.content["data"]["text/html"]
        for m in result.outputs
    ]
    assert order == ["before\n", "<i>between</i>", "after\n"], result.describe()


def test_an_update_from_a_later_cell_and_a_clear(k: RunningKernel, language: str) -> None:
    first = k.execute(DISPLAY_ID[language].format("progress", "0%", 2))
    [shown] = displays(first)
    assert shown["transient"] == {"display_id": "progress"} and shown["data"] == {"text/plain": "0%"}
    later = k.execute(UPDATE[language].format("progress", "100%", 4) + "\n" + CLEAR[language])
    [updated] = displays(later, "update_display_data")
    assert updated["transient"] == {"display_id": "progress"} and updated["data"] == {"text/plain": "100%"}
    assert kinds(later) == ["update_display_data", "clear_output"], later.describe()


def test_printing_the_frame_format_is_just_text(k: RunningKernel, language: str) -> None:
    result = k.execute(PRINT[language].format("CCD1 text/html <b>forged</b>"))
    assert kinds(result) == ["stream"], result.describe()


# -- errors a beginner can read ------------------------------------------------------------------------


@only("c")
def test_c_crashes_name_their_line_and_calls(k: RunningKernel) -> None:
    functions = "int deref(int *p) {\n    return *p;\n}\nint divide(int a, int b) { return a / b; }"
    k.ok("#include <assert.h>\n" + functions)
    crashes = {
        "SIGSEGV": ("deref(0);", 3, "deref"),
        "SIGFPE": ("int zero = 0;\ndivide(1, zero);", 5, "divide"),
    }
    defined = count_of(k.execute("%list")) - 1
    for ename, (code, line, function) in crashes.items():
        result = k.fails(code, ename)
        traceback = "\n".join(result.error["traceback"])
        assert f"Cell In[{defined}], line {line}, in {function}" in traceback, result.describe()
        assert f"Cell In[{count_of(result)}], line {code.count(chr(10)) + 1}, in main" in traceback
    result = k.fails("void check(int x) {\n    assert(x > 0);\n}\ncheck(-1);", "SIGABRT")
    count = count_of(result)
    assert f"Cell In[{count}], line 2: check: Assertion" in result.stderr, result.describe()
    assert f"Cell In[{count}], line 2, in check" in "\n".join(result.error["traceback"])


@only("c")
def test_c_crashes_in_fresh_programs_name_their_line_and_calls_too(k: RunningKernel) -> None:
    k.ok("int deref(int *p) {\n    return *p;\n}")
    defined = count_of(k.execute("%list")) - 1
    try:
        result = k.fails("%state fresh\nint *none = 0;\nderef(none);", "SIGSEGV")
        traceback = "\n".join(result.error["traceback"])
        assert f"Cell In[{defined}], line 2, in deref" in traceback, result.describe()
        assert f"Cell In[{count_of(result)}], line 3, in main" in traceback, result.describe()
    finally:
        k.ok("%state live")


@only("c")
def test_c_missing_semicolon_at_the_end_is_on_the_cells_line(k: RunningKernel) -> None:
    for code in ("int total = 5", "struct Q { int a; }"):
        result = k.fails(code, "CompileError")
        assert result.error["evalue"].startswith(f"Cell In[{count_of(result)}], line 1: error: expected ';'")
    # a statement: what follows it is the kernel's code, which the error does not name
    k.ok("int k = 1;")
    for code, line in (('if (k) printf("x\\n")', 1), ("k = 2;\nreturn 0", 2), ("do {} while (0)", 1)):
        result = k.fails(code, "CompileError")
        said = f"Cell In[{count_of(result)}], line {line}: error: expected ‘;’ at the end of the cell"
        assert result.error["evalue"] == said, result.describe()
    result = k.fails('k = 2\nprintf("%d\\n", k);', "CompileError")
    assert "expected ‘;’ before ‘printf’" in result.error["evalue"], "the cell's own next statement is named"


@only("rust")
def test_rust_panics_show_only_the_cells_frames(k: RunningKernel) -> None:
    k.ok("fn pick(v: &[i32]) -> i32 {\n    v[3]\n}")
    defined = count_of(k.execute("%list")) - 1
    result = k.fails("let v: Vec<i32> = Vec::new();\npick(&v);", "ExitStatus")
    count = count_of(result)
    assert f"panicked at Cell In[{defined}], line 2" in result.stderr, result.describe()
    assert "index out of bounds" in result.stderr
    assert (
        f"at Cell In[{defined}], line 2" in result.stderr and f"at Cell In[{count}], line 2" in result.stderr
    )
    assert "core::panicking" not in result.stderr and "/rustc/" not in result.stderr


# -- magics ----------------------------------------------------------------------------------------------


def test_time_prints_the_phases(k: RunningKernel, language: str) -> None:
    result = k.execute("%time\n" + PRINT[language].format("timed"))
    assert result.status == "ok", result.describe()
    lines = result.stdout.splitlines()
    assert lines[0] == "timed" and lines[1].startswith("time: parse ")
    assert all(word in lines[1] for word in ("compile", "run", "total"))


def test_comment_lines_before_magics(k: RunningKernel, language: str) -> None:
    assert k.ok(f"// what follows sets flags\n\n%args one\n{PRINT[language].format('x')}") == "args: one\nx\n"
    assert k.ok("%args") == "args: one\n"


@only("c")
def test_writefile_then_shell_lines(k: RunningKernel) -> None:
    assert k.ok("%%writefile notes.txt\nfirst line\nsecond line") == "Writing notes.txt\n"
    assert k.ok("%%writefile -a notes.txt\nthird") == "Appending to notes.txt\n"
    assert (
        k.ok("!wc -l < notes.txt && \\\n  echo continued\n!echo second command")
        == "3\ncontinued\nsecond command\n"
    )
    assert k.ok("!echo one \\\n  two \\\n  three") == "one two three\n", "one command on three lines"
    assert k.ok("!echo $BASH_VERSION | cut -c1") != "\n"  # bash, not sh
    result = k.fails("%%writefile", "MagicError")
    assert "one file name" in result.error["evalue"]


@only("go")
def test_bash_cell_streams_and_is_interruptible(k: RunningKernel) -> None:
    result = k.execute("%%bash\necho first\nsleep 1.2\necho second")
    assert result.stdout == "first\nsecond\n"
    [first, second] = result.streams("stdout")
    assert second.arrived - first.arrived > 1.0
    result = k.execute(
        "%%bash\necho looping\nwhile true; do sleep 0.05; done",
        interrupt_when=lambda r: "looping" in r.stdout,
    )
    assert result.ename == "KeyboardInterrupt", result.describe()
    assert k.ok("%%sh\necho still here") == "still here\n"


TESTS = {
    "c": [
        "#include <assert.h>\nvoid test_adds(void) { assert(1 + 1 == 2); }",
        '#include <stdio.h>\nvoid test_fails(void) {\n    printf("checking\\n");\n    assert(1 + 1 == 3);\n}',
    ],
    "go": [
        'func TestAdds(t *testing.T) { if 1+1 != 2 { t.Fatal("no") } }',
        'func TestFails(t *testing.T) {\n\tt.Log("checking")\n\tt.Errorf("got %d, want %d", 2, 3)\n}',
    ],
    "rust": [
        "#[test]\nfn adds() { assert_eq!(1 + 1, 2); }",
        "#[cfg(test)]\nmod tests {\n    #[test]\n    fn fails() {\n"
        '        println!("checking");\n        assert_eq!(1 + 1, 3);\n    }\n}',
    ],
}
FAILED_NAME = {"c": "test_fails", "go": "TestFails", "rust": "tests::fails"}
# where each test is declared (PASS/FAIL lines), and the line of the failure (its detail)
DECLARED = {"c": (2, 2), "go": (1, 1), "rust": (2, 4)}
FAILED_AT = {"c": 4, "go": 3, "rust": 6}


def test_test_reports_each_test_with_its_cell(k: RunningKernel, language: str) -> None:
    cells = [count_of(k.execute(code)) for code in TESTS[language]]
    result = k.fails("%test", "TestFailure")
    lines = result.stdout.splitlines()
    passed = next(line for line in lines if line.startswith("PASS"))
    failed = next(line for line in lines if line.startswith("FAIL"))
    assert passed.endswith(f"Cell In[{cells[0]}], line {DECLARED[language][0]}"), result.describe()
    assert FAILED_NAME[language] in failed
    assert failed.endswith(f"Cell In[{cells[1]}], line {DECLARED[language][1]}"), result.describe()
    assert f"Cell In[{cells[1]}], line {FAILED_AT[language]}" in result.stdout, result.describe()
    assert "checking" in result.stdout and lines[-1] == "1 passed, 1 failed"
    assert result.error["evalue"] == f"1 of 2 tests failed: {FAILED_NAME[language]}"


@only("c")
def test_c_tests_after_a_failing_one_still_run(k: RunningKernel) -> None:
    k.ok(TESTS["c"][1])
    k.ok("#include <assert.h>\nvoid test_later(void) { assert(2 * 2 == 4); }")
    result = k.fails("%test", "TestFailure")
    passed = [line.split()[:2] for line in result.stdout.splitlines()]
    assert ["PASS", "test_later"] in passed, result.describe()
    assert result.stdout.splitlines()[-1] == "1 passed, 1 failed"


def test_exit_asks_the_frontend_to_close(k: RunningKernel) -> None:
    for word in ("exit", "quit"):
        result = k.execute(word)
        assert result.status == "ok" and result.reply is not None
        assert result.reply["payload"] == [{"source": "ask_exit", "keepkernel": False}]


def test_other_kernels_magics(k: RunningKernel, language: str) -> None:
    if language == "rust":
        # evcxr's :dep is %dep (tests/test_libraries_rust.py builds crates); a line that is no
        # Cargo.toml entry is refused before cargo runs
        result = k.fails(":dep serde\n1", "MagicError")
        assert "%dep takes one Cargo.toml dependency" in result.error["evalue"]
        result = k.fails(":vars", "MagicError")
        assert "%list" in result.error["evalue"]
    elif language == "go":
        assert k.ok("%goflags -ldflags=-s") == "flags: -ldflags=-s\n"
        result = k.fails("%widgets", "MagicError")
        assert "display.HTML" in result.error["evalue"]
    else:
        k.ok("//%cflags: -DPEER=7\nint peer(void) { return PEER; }")
        assert k.ok("%flags") == "flags: -DPEER=7\n"


@only("go")
def test_go_flags_are_parsed_before_the_body(k: RunningKernel) -> None:
    k.ok('%args -n 5 rest\nvar n = flag.Int("n", 1, "how many")')  # flags are package level, as in GoNB
    assert k.ok("fmt.Println(*n, flag.Args())") == "5 [rest]\n"


@only("rust")
def test_writefile_writes_where_it_is_asked(k: RunningKernel, tmp_path: Path) -> None:
    target = tmp_path / "outside.txt"
    assert k.ok(f"%%writefile {target}\nhello") == f"Writing {target}\n"
    assert target.read_text() == "hello\n"
    above = Path(k.ok('println!("{}", std::env::current_dir().unwrap().display());').strip()).parent
    assert k.ok("%%writefile ../above.txt\nup here") == "Writing ../above.txt\n"
    assert (above / "above.txt").read_text() == "up here\n", "relative to the working directory, as a shell"

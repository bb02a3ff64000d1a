"""The editor-help core without real helpers: cursor mapping, the LSP client's lifecycle against a
fake server (restart once, then off with one notice; a hang; SIGINT), ``name?`` parsing, man pages."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from ccellkernel.api.editor import Inspection
from ccellkernel.api.memory import Memory
from ccellkernel.api.plugins import load_toolchain
from ccellkernel.assist import EditorHelp, edit_point, help_request
from ccellkernel.assist.point import clean, qualified_before, word_at
from ccellkernel.toolkit import lsp
from ccellkernel.toolkit.clangd import library_prototype, man_page
from ccellkernel.toolkit.lsp import LanguageServer, LspAssistant

FAKE = Path(__file__).with_name("fake_lsp.py")


def server(mode: str) -> LanguageServer:
    return LanguageServer("fake", (sys.executable, str(FAKE), mode), "c", "cell.c")


def memory_of(toolchain, code: str) -> Memory:
    return Memory().merge(toolchain.split(code, 1).declarations)


# -- where the cursor is ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "remembered", "code", "line_has"),
    [
        ("c", "#include <stdio.h>\nint total;", "int x = 1; tot", "tot"),
        ("c", "", "int f(void) {\n    return 1 +", "return 1 +"),
        ("go", "", "x := 1; x.", "x."),  # one cell line, two program lines: the second holds it
        ("go", "var a = 1", "%%\ny := a\ny", "y"),
        ("rust", "fn g() {}", "let s = String::new(); s.", "s."),
    ],
)
def test_cursor_maps_into_the_rendered_program(lang, remembered, code, line_has):
    toolchain = load_toolchain(lang)
    memory = memory_of(toolchain, remembered) if remembered else Memory()
    point = edit_point(toolchain, memory, code, len(code))
    assert point is not None
    assert point.before.endswith(line_has)
    assert point.program.text.split("\n")[point.line] == point.line_text
    assert point.to_cell(point.line, point.column) == len(code)
    for decl in memory:  # remembered declarations are in the program the helper sees
        assert decl.fragment.text.split("\n")[0] in point.program.text


def test_words_paths_and_surrogates():
    assert word_at('printf("%d", x', 12) == ("printf", 0, 6)
    assert word_at("strings.ToUpper", 10) == ("ToUpper", 8, 15)
    assert qualified_before("x = std::mem::swap", 18) == "std::mem::swap"
    assert clean("a\ud800b", 99) == ("a\ufffdb", 3)
    assert help_request("int x;\nprintf?") == ("int x;\n", "printf", 0)
    assert help_request("strings.ToUpper??\n") == ("", "strings.ToUpper", 1)
    assert help_request("x ? a : b") is None
    assert help_request("int y = x ?") is None


# -- the LSP client and the helper's lifecycle -------------------------------------------------------


def test_lsp_completion_filters_by_what_is_typed_and_keeps_signatures(tmp_path):
    toolchain = load_toolchain("c")
    assistant = LspAssistant(server("ok"), tmp_path)
    try:
        point = edit_point(toolchain, Memory(), "int y = al", 10)
        answer = assistant.complete(point, 5.0)
        assert answer is not None
        assert answer.matches == ["alpha", "alps"]
        assert (answer.start, answer.end) == (8, 10)
        assert answer.items[0].kind == "function" and answer.items[0].signature == "int alpha(void)"
        hover = assistant.inspect(point, 0, 5.0)
        assert hover is not None and hover.plain == "alpha int" and hover.markdown == "**alpha** `int`"
    finally:
        assistant.close()


def test_helper_survives_sigint_in_our_group(tmp_path):
    assistant = LspAssistant(server("ok"), tmp_path)
    try:
        assert assistant.client.ready(5.0)
        proc = assistant.client.helper.process
        assert proc is not None
        assert os.getpgid(proc.pid) == os.getpgid(0)
        os.kill(proc.pid, signal.SIGINT)
        time.sleep(0.3)
        assert proc.poll() is None
    finally:
        assistant.close()
    assert proc.poll() is not None


def test_a_crashing_helper_restarts_once_then_stays_off_with_one_notice(tmp_path, caplog):
    toolchain = load_toolchain("c")
    assistant = LspAssistant(server("crash"), tmp_path)
    point = edit_point(toolchain, Memory(), "al", 2)
    try:
        with caplog.at_level(logging.WARNING, logger="ccellkernel.assist"):
            for _ in range(4):
                assert assistant.complete(point, 2.0) is None
        helper = assistant.client.helper
        assert helper.generation == 2 and helper.disabled
        notices = [r for r in caplog.records if "fake" in r.getMessage()]
        assert len(notices) == 1, [r.getMessage() for r in caplog.records]
    finally:
        assistant.close()


def test_a_hung_helper_is_killed_and_restarted(tmp_path, monkeypatch):
    monkeypatch.setattr(lsp, "HANG", 0.5)
    toolchain = load_toolchain("c")
    assistant = LspAssistant(server("hang"), tmp_path)
    point = edit_point(toolchain, Memory(), "al", 2)
    try:
        start = time.monotonic()
        assert assistant.complete(point, 0.3) is None
        assert time.monotonic() - start < 2
        first = assistant.client.helper.process
        time.sleep(0.6)
        assert assistant.complete(point, 0.3) is None  # finds the old request unanswered: kills it
        assert first is not None and first.poll() is not None
        assert assistant.complete(point, 0.3) is None
        assert assistant.client.helper.generation == 2
    finally:
        assistant.close()


def test_an_editor_helper_asked_for_after_its_session_ended_makes_no_folder(tmp_path):
    """A late completion (a thread still running at shutdown) must not make the removed build
    folder again: ``ccellkernel clean`` would find it without its owner mark."""
    gone = tmp_path / "ccell-c-ended" / "assist"
    help_ = EditorHelp(load_toolchain("c"), gone)
    assert help_.assistant() is None
    assert help_.complete(Memory(), "pri", None).matches, "tree-sitter still answers"
    assert not gone.parent.exists()


def test_editor_help_falls_back_and_never_raises(tmp_path):
    toolchain = load_toolchain("c")

    class Broken:
        def __getattr__(self, name):
            raise RuntimeError("broken")

    help_ = EditorHelp(toolchain, tmp_path)
    help_._made, help_._assistant = True, Broken()  # type: ignore[assignment]
    memory = memory_of(toolchain, "int remembered_total;")
    assert help_.complete(memory, "remembered_t", None).matches == ["remembered_total"]
    assert help_.complete(memory, "%fl", 3).matches == ["%flags"]
    for member in ("remembered_total.", "p->", "p->rem", "x = a::"):  # the word list knows no members
        answer = help_.complete(memory, member, None)
        assert answer.matches == [] and answer.end == len(member), member
    assert help_.complete(memory, "x = remembered_t", None).matches == ["remembered_total"]
    assert help_.inspect(memory, "remembered_total", 3) is not None
    assert help_.inspect(memory, "p.x", 3) is None


def test_after_a_scope_only_its_scoped_words_answer(tmp_path, monkeypatch):
    toolchain = load_toolchain("c")
    monkeypatch.setattr(type(toolchain), "scoped_words", {"std": frozenset({"cout", "cerr", "vector"})})
    help_ = EditorHelp(toolchain, tmp_path)
    help_._made = True  # no helper: the fallback answers
    memory = memory_of(toolchain, "int cwhatever;")
    assert help_.complete(memory, "std::c", None).matches == ["cerr", "cout"]
    assert help_.complete(memory, "x = std::", None).matches == ["cerr", "cout", "vector"]
    assert help_.complete(memory, "a::std::c", None).matches == []  # another scope of that name
    assert help_.complete(memory, "other::c", None).matches == []
    assert "cwhatever" in help_.complete(memory, "c", None).matches  # a plain word: the word list


def test_go_packages_complete_from_their_words_while_the_helper_is_away(tmp_path):
    toolchain = load_toolchain("go")
    help_ = EditorHelp(toolchain, tmp_path)
    help_._made = True  # no helper
    assert help_.complete(Memory(), "fmt.Prin", None).matches == ["Print", "Printf", "Println"]
    assert "Abs" not in help_.complete(Memory(), "strings.", None).matches
    assert help_.complete(Memory(), "p.", None).matches == []


def test_man_page_summary_and_full_text():  # ./dev installs man-db and manpages-dev
    import threading

    short = man_page("strlen", 0, {}, threading.Lock())
    full = man_page("strlen", 1, {}, threading.Lock())
    assert short is not None and full is not None
    assert "size_t strlen(const char *s);" in short.plain
    assert "calculate the length of a string" in short.plain
    assert "DESCRIPTION" in full.plain and "DESCRIPTION" not in short.plain
    assert man_page("no_such_function_here", 0, {}, threading.Lock()) is None


PRINTF_HOVER = """### function `printf`

provided by `<stdio.h>`

---
→ `int`

Parameters:

- `const char *restrict _Nonnull _Nonnull __format`

Value = `&printf`

Write formatted output to stdout.

This function is a possible cancellation point and therefore not
marked with \\_\\_THROW.

---
```cpp
extern int printf(const char *restrict __format, ...)
```"""


@pytest.mark.parametrize(
    ("declaration", "prototype"),
    [
        (
            "extern int printf(const char *restrict __format, ...)",
            "int printf(const char *restrict format, ...);",
        ),
        (
            "extern void *memcpy(void *restrict __dest, const void *restrict __src, size_t __n) __THROW "
            "__nonnull ((1, 2))",
            "void *memcpy(void *restrict dest, const void *restrict src, size_t n);",
        ),
        (
            "extern void *malloc(size_t __size) __attribute__ ((__malloc__))"
            " __attribute__ ((__alloc_size__ (1))) __wur",
            "void *malloc(size_t size);",
        ),
        ("// In namespace std\nextern FILE *_Nullable fopen(const char *__n)", "FILE *fopen(const char *n);"),
    ],
)
def test_a_library_prototype_without_glibcs_words(declaration: str, prototype: str) -> None:
    declared = "extern int printf(const char *restrict __format, ...)"
    hover = Inspection("", PRINTF_HOVER.replace(declared, declaration))
    found = library_prototype(hover)
    assert found is not None and found.plain == prototype
    assert found.markdown == f"```c\n{prototype}\n```"
    assert library_prototype(Inspection("x", "no code block")) is None


def test_a_malformed_or_missing_man_page_leaves_the_prototype(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad input (issue 17): a page that is not a man page, or none, never raises."""
    import threading

    from ccellkernel.toolkit import clangd

    for text in ("garbage\nwithout sections\n", "\x00\x01", "printf(3)\nNAME\n   printf - x\n", ""):
        monkeypatch.setattr(clangd, "_man_text", lambda name, text=text: text or None)
        assert man_page("printf", 0, {}, threading.Lock()) is None


def test_a_rust_analyzer_that_fails_to_run_counts_as_absent(tmp_path, monkeypatch):
    from ccell_rust.assist import find_rust_analyzer

    broken = tmp_path / "rust-analyzer"
    broken.write_text("#!/bin/sh\necho \"error: Unknown binary 'rust-analyzer'\" >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("CCELL_RUST_ANALYZER", str(broken))
    assert find_rust_analyzer() is None
    working = tmp_path / "working-rust-analyzer"
    working.write_text("#!/bin/sh\necho rust-analyzer 1.0\n")
    working.chmod(0o755)
    monkeypatch.setenv("CCELL_RUST_ANALYZER", str(working))
    assert find_rust_analyzer() == str(working)


# -- Rust: the type of a receiver, read from the program -------------------------------------------

RUST_PROGRAM = """
use std::collections::HashMap;
struct Point { x: i32, y: i32 }
impl Point {
    fn new(x: i32, y: i32) -> Self { Point { x, y } }
    fn mirrored(&self) -> Self { Point { x: self.y, y: self.x } }
    fn show(&self) { }
}
struct Line { start: Point, end: Point }
impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) }
}
const ORIGIN: Point = Point { x: 0, y: 0 };
static UNIT: Line = Line { start: ORIGIN, end: Point { x: 1, y: 1 } };
fn origin() -> Point { Point::new(0, 0) }
fn maybe() -> Option<Point> { None }
fn measure(line: &Line, scale: f64) -> f64 { 1.0 }
"""


@pytest.mark.parametrize(
    ("before", "expr", "expected"),
    [
        ("", "ORIGIN", "Point"),
        ("", "UNIT.end", "Point"),
        ("", "UNIT.start.x", "i32"),
        ("", "origin()", "Point"),
        ("", "origin().mirrored()", "Point"),
        ("", "Point::new(1, 2)", "Point"),
        ("", "maybe()?", "Point"),
        ("let o: std::option::Option<Line> = None;", "o?.end", "Point"),
        ("", "&ORIGIN", "Point"),
        ("", "(origin())", "Point"),
        ("", "ORIGIN.show()", None),  # returns ()
        ("", "ORIGIN.nothing", None),
        ("", "nobody", None),
        ("", "x + 1", None),
        ("let q = origin();", "q", "Point"),
        ("let q = origin(); let q = q.x;", "q", "i32"),  # shadowing: the later let, typed before it
        ("let mut line: Line = make();", "line.start", "Point"),
        ("let v = vec![Point::new(1, 2); 3];", "v[0]", "Point"),
        ("let v: Vec<Point> = Vec::new();", "v", "Vec<Point>"),
        ("let h: HashMap<String, Line> = HashMap::new();", "h[k].end", "Point"),
        ("let n = 7u8;", "n", "u8"),
        ("let a = [1.5, 2.0];", "a", None),
        ('let s = "x".to_string();', "s", "String"),
        ("", "ORIGIN.x as f64", "f64"),
        ("impl Line {\n    fn width(&self) -> i32 {\n", "self.end", "Point"),
        ("impl Line {\n    fn make() -> Self {\n", "Self::new_line()", "Line"),
        ("fn measure(line: &Line, scale: f64) -> f64 {\n", "line", "&Line"),
        ("fn f() {\n    let s = Point::new(1, 1);\n}\nimpl Point {\n    fn g(&self) {\n", "self", "Point"),
    ],
)
def test_rust_types_a_receiver_from_the_program(before, expr, expected):
    from ccell_rust.declared import local_items
    from ccell_rust.infer import Typer

    text = RUST_PROGRAM + before
    typer = Typer(local_items(load_toolchain("rust").grammar(), text))
    assert typer.expression(expr, text) == expected


@pytest.mark.parametrize(
    ("text", "receiver"),
    [
        ("ORIGIN.", "ORIGIN"),
        ("let q = line.start.no", "line.start"),
        ("    origin().", "origin()"),
        ("x = Point::new(1, 2).mirrored().x.", "Point::new(1, 2).mirrored().x"),
        ("maybe()?.", "maybe()?"),
        ("v.iter().collect::<Vec<_>>().", "v.iter().collect::<Vec<_>>()"),
        ('f(&"ab".', '"ab"'),
        ("vec![1, 2].l", "vec![1, 2]"),
        ("return (a).b", "(a)"),
        ("!done.", "done"),
        ("for i in 0..n.", "n"),
        ("0..", None),
        ("x = .", None),
        ("a.b", "a"),
        ("no dot", None),
    ],
)
def test_rust_finds_the_receiver_before_the_cursor(text, receiver):
    from ccell_rust.infer import receiver_before

    found = receiver_before(text)
    assert (found and found[0]) == receiver
    if found:
        assert text[found[1] :].startswith(receiver)


def test_rust_std_members_fill_in_the_type_arguments():
    """Option<&Point>'s unwrap is a &Point: a member's return type read from a page of the docs
    (rustdoc writes `-> Twhere E: Debug`), its generic parameters from the type's declaration."""
    from ccell_rust.declared import Local
    from ccell_rust.infer import Typer
    from ccell_rust.stddocs import Item, Member

    pages = {
        "Option": ("pub enum Option<T> {\n    None,\n    Some(T),\n}", "pub const fn unwrap(self) -> T"),
        "Result": ("pub enum Result<T, E> {", "pub fn unwrap(self) -> Twhere E: Debug,"),
        "Vec": ("pub struct Vec<T, A = Global>where\n    A: Allocator,", "pub fn first(&self) -> Option<&T>"),
        "String": ("pub struct String { /* private fields */ }", "fn from(s: &'a String) -> Cow<'a, str>"),
    }

    class Docs:
        def resolve(self, path):
            return Item(path, "struct", path) if path in pages else None

        def describe(self, item):
            return pages[item.path][0], ""

        def members(self, item):
            signature = pages[item.path][1]
            name = signature.split("fn ", 1)[1].split("(", 1)[0]
            return (Member(name, "method", signature, "", ""),)

    typer = Typer(Local(), Docs())  # type: ignore[arg-type]
    assert typer.method("Vec<Point>", "first") == "Option<&Point>"
    assert typer.method("Option<&Point>", "unwrap") == "&Point"
    assert typer.method("Result<Vec<u8>, String>", "unwrap") == "Vec<u8>"
    assert typer.method("Vec<Point>", "nothing") is None
    # a trait's function on the page may be another impl's: String::from(..) makes a String
    assert typer.expression('String::from("a")', "") == "String"
    assert typer.expression("maybe.first().unwrap()", "let maybe: Vec<Line> = Vec::new();") == "&Line"


def test_rust_types_a_long_chain_of_variables_without_recursing_forever():
    from ccell_rust.declared import local_items
    from ccell_rust.infer import Typer

    text = "const SEED: u8 = 1;\nlet v0 = SEED;\n" + "".join(f"let v{i + 1} = v{i};\n" for i in range(5000))
    typer = Typer(local_items(load_toolchain("rust").grammar(), text))
    assert typer.expression("v30", text) == "u8"
    assert typer.expression("v5000", text) is None  # deeper than MAX_DEPTH: unknown, quickly

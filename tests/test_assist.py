"""Completion and inspection through a real Jupyter client, the same table for C, Go and Rust.

Each language gets one kernel (module scope) holding the same kind of notebook: a library include
or import, a remembered struct with a method, a remembered variable of it. Completion must come
from the language's helper (clangd, the Go helper built at warm-up, rust-analyzer or the std docs)
with JupyterLab's type metadata; inspection must show library documentation and remembered
declarations with their cells. Then the cases that must answer without raising or hanging.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from ccell_go.assist import helper_binary
from jupyter_client.jsonutil import json_default
from kernel_client import RunningKernel, complete_reply, inspect_reply, wait_for_helper

from ccellkernel.api.plugins import load_toolchain
from ccellkernel.assist.service import FIRST_REQUEST_WAIT

pytestmark = pytest.mark.slow

HELPER = {"c": "clangd", "go": "ccell-go-assist", "rust": "rust-docs"}
SETUP = {
    "c": "#include <string.h>\n#include <stdio.h>\nstruct Point { int x, y; };\n"
    "int norm(struct Point q) {\n    return q.x + q.y;\n}\nstruct Point p = {1, 2};",
    "go": "type Point struct{ X, Y int }\n\n"
    "func (q Point) Norm() int { return q.X + q.Y }\n\nvar p = Point{1, 2}",
    "rust": "#[derive(Debug)]\nstruct Point { x: i32, y: i32 }\n"
    "impl Point {\n    fn new(x: i32, y: i32) -> Self { Point { x, y } }\n"
    "    fn norm(&self) -> i32 { self.x + self.y }\n"
    "    fn mirrored(&self) -> Self { Point { x: self.y, y: self.x } }\n}\n"
    "struct Line { start: Point, end: Point }\n"
    "impl Line {\n    fn length(&self) -> i32 { self.end.x - self.start.x }\n}\n"
    "const ORIGIN: Point = Point { x: 0, y: 0 };\n"
    "static UNIT: Line = Line { start: ORIGIN, end: Point { x: 1, y: 1 } };\n"
    "fn origin() -> Point { Point::new(0, 0) }\n"
    "fn maybe(x: i32) -> Option<Point> { (x > 0).then(|| Point::new(x, x)) }",
}
# The Rust kernel must answer from the std docs on every machine: a working rust-analyzer on PATH
# would take over and its items differ. $CCELL_RUST_ANALYZER naming a file that does not exist
# makes find_rust_analyzer look nowhere else.
ENV = {"rust": {"CCELL_RUST_ANALYZER": "/nonexistent/rust-analyzer"}}
PROBE = {"c": "p.", "go": "strings.To", "rust": "String::fr"}


@dataclass(frozen=True)
class Case:
    code: str
    wanted: tuple[str, ...]
    unwanted: frozenset[str] = frozenset()
    kind: str = ""  # the type JupyterLab shows for the first wanted match
    exact: bool = False  # the matches are the wanted ones, in this order, and no others


def case(code: str, wanted: str, unwanted: str = "", kind: str = "", exact: bool = False) -> Case:
    return Case(code, tuple(wanted.split()), frozenset(unwanted.split()), kind, exact)


POINT = "mirrored norm x y"  # what a Rust Point value offers
LINE = "end length start"


COMPLETIONS = {
    "c": [
        case("strl", "strlen", kind="function"),
        case("p.", "x y", "printf strlen norm", kind="field"),
        case('printf("%d", p.', "x y", "printf"),
        case("#inc", "#include"),
        case("no", "norm", kind="function"),
        case("int total = 1; tot", "total"),
    ],
    "go": [
        case("strings.To", "ToLower ToTitle ToUpper", "Abs Args Atoi", kind="function"),
        case("p.", "X Y Norm", "Abs Println", kind="field"),
        case("utf8.RuneC", "RuneCount RuneCountInString", "Println"),  # auto-imported, never named
        case("var b strings.Builder\nb.Wr", "WriteString WriteByte", "ToUpper", kind="method"),
        case("fmt.Prin", "Print Printf Println", "Sprintf"),
        case("totalCount := 1; tot", "totalCount"),
    ],
    "rust": [
        case("String::fr", "from from_utf8", "len push", kind="function"),
        case("Vec::wi", "with_capacity", "push", kind="function"),
        case("Point::", "new", "from_utf8"),
        case("let q = Point::new(1, 2);\nq.", "norm x y", "new"),
        case("let s = String::new(); s.pu", "push push_str", "from_utf8", kind="method"),
        case("std::collections::Has", "HashMap HashSet"),
        # What a reader knows of a value: a const, a static, a function's or a method's result, a
        # field, `self`; each was the prelude word list once.
        case("ORIGIN.", POINT, kind="method", exact=True),
        case("UNIT.", LINE, kind="field", exact=True),
        case("let q = origin(); q.", POINT, exact=True),
        case("origin().no", "norm", kind="method", exact=True),
        case("let line = Line { start: Point::new(0, 0), end: origin() };\nline.start.", POINT, exact=True),
        case("UNIT.end.mirrored().", POINT, exact=True),
        case("impl Line {\n    fn width(&self) -> i32 {\n        self.", LINE, exact=True),
        case("impl Line {\n    fn make() -> Self {\n        Self::", "length", exact=True),
        case("fn corner() -> Line { Line { start: origin(), end: ORIGIN } }\ncorner().", LINE, exact=True),
        case("maybe(2).unwrap().", POINT, exact=True),  # Option<T>'s unwrap from the docs, T = Point
        case("let s = String::new(); s.trim().len().checked_a", "checked_add", "push len", kind="method"),
    ],
}
# After `.`, `->` or `::` on what nobody knows: no items, not the word list.
UNKNOWN_MEMBERS = {
    "c": ["nosuch.", "nosuch->", "p.x."],
    "go": ["nosuch.", "p.X."],
    "rust": ["nosuch.", "Nope::", "ORIGIN.nothing.", "origin().nothing()."],
}
GLIBC_INTERNALS = ("_Nonnull", "__format", "Value = &", "__THROW", "extern ")
INSPECTIONS = {  # (code, texts the plain text has at detail 0, one more at detail 1)
    "c": [
        ("printf", ["int printf(const char *restrict format, ...);", "formatted output"], "DESCRIPTION"),
        ("strlen(", ["strlen", "calculate the length of a string"], "RETURN VALUE"),
        ("norm", ["Cell In[1]", "int norm(struct Point q)"], "q.x + q.y"),
    ],
    "go": [
        (
            "strings.ToUpper",
            ["func ToUpper(s string) string", "Unicode letters mapped to their upper case"],
            "func ToUpper(s string) string {",  # detail 1: the source, as go doc -src shows it
        ),
        ("fmt.Println(", ["Println formats using the default formats"], ""),
        ("Point", ["Cell In[1]", "type Point struct"], ""),
    ],
    "rust": [
        ("String::from_utf8", ["pub fn from_utf8(vec: Vec<u8>)", "Converts a vector of bytes"], "Errors"),
        ("println", ["macro_rules! println", "Prints to the standard output"], "Panics"),
        ("Point", ["Cell In[1]", "struct Point"], ""),
    ],
}


@pytest.fixture(scope="module", params=["c", "go", "rust"])
def lang(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    name = request.param
    kernel = RunningKernel(f"ccell-{name}", cwd=tmp_path_factory.mktemp(name), env=ENV.get(name))
    try:
        assert kernel.ok(SETUP[name], timeout=180) == ""
        wait_for_helper(kernel.kc, PROBE[name], HELPER[name])
        yield name, kernel
    finally:
        kernel.shutdown()


# The first request right after a kernel starts, before its helper is ready. Inspection waits for the
# helper's warm-up (bounded, as the first cell does) and gets its answer, never nothing. Completion
# waits for it within its own second (JupyterLab ignores a completion that takes longer): it comes in
# time, from the helper when it started in time. Go's helper is built anew (a cache folder of its own;
# Go's build cache stays the warm one).
FIRST_INSPECTION = {
    "c": ("strlen", "calculate the length of a string"),
    "go": ("strings.ToUpper", "func ToUpper(s string) string"),
    "rust": ("String::from_utf8", "pub fn from_utf8(vec: Vec<u8>)"),
}

FIRST_COMPLETION = {"c": "#include <string.h>\nstrl", "go": "strings.To", "rust": "String::fr"}


@pytest.mark.parametrize("name", ["c", "go", "rust"])
def test_the_first_request_after_start_gets_the_helpers_answer(name: str, tmp_path: Path) -> None:
    env = dict(ENV.get(name, {}))
    if name == "go":
        # the helper's packages compiled once in Go's own cache (a new machine has none): the kernel
        # below then builds the helper in about a second, and its first request still comes first
        toolchain = load_toolchain("go")
        assert helper_binary(toolchain.install(), tmp_path / "warm") is not None
        gocache = subprocess.run(["go", "env", "GOCACHE"], capture_output=True, text=True, check=True)
        env |= {"XDG_CACHE_HOME": str(tmp_path / "cache"), "GOCACHE": gocache.stdout.strip()}
    kernel = RunningKernel(f"ccell-{name}", cwd=tmp_path, env=env)
    try:
        start = time.monotonic()
        completed = complete_reply(kernel.kc, FIRST_COMPLETION[name])
        assert completed["matches"] and time.monotonic() - start < 1.5, completed
        code, wanted = FIRST_INSPECTION[name]
        reply = inspect_reply(kernel.kc, code)
        assert reply["found"], reply
        assert wanted in reply["data"]["text/plain"], reply
    finally:
        kernel.shutdown()


def test_completion_table(lang: tuple[str, RunningKernel]) -> None:
    name, kernel = lang
    for item in COMPLETIONS[name]:
        content = complete_reply(kernel.kc, item.code)
        matches = set(content["matches"])
        assert set(item.wanted) <= matches, (item.code, content)
        assert not item.unwanted & matches, (item.code, content)
        assert content["metadata"]["ccellkernel"]["source"] == HELPER[name], (item.code, content["metadata"])
        assert content["cursor_end"] == len(item.code)
        typed = item.code[content["cursor_start"] :]
        assert all(m.startswith(typed) for m in matches), (item.code, typed, matches)
        types = content["metadata"]["_jupyter_types_experimental"]
        assert [t["text"] for t in types] == content["matches"]
        for entry in types:
            assert set(entry) == {"start", "end", "text", "type", "signature"}
            assert (entry["start"], entry["end"]) == (content["cursor_start"], content["cursor_end"])
        if item.exact:
            assert content["matches"] == list(item.wanted), (item.code, content["matches"])
        if item.kind:
            first = next(t for t in types if t["text"] == item.wanted[0])
            assert first["type"] == item.kind, (item.code, first)
            assert first["signature"], (item.code, first)


def test_no_items_after_a_member_nobody_knows(lang: tuple[str, RunningKernel]) -> None:
    name, kernel = lang
    for code in UNKNOWN_MEMBERS[name]:
        content = complete_reply(kernel.kc, code)
        assert content["status"] == "ok" and content["matches"] == [], (code, content)
        assert content["cursor_start"] == content["cursor_end"] == len(code)


def test_inspection_table(lang: tuple[str, RunningKernel]) -> None:
    name, kernel = lang
    for code, texts, more in INSPECTIONS[name]:
        short = inspect_reply(kernel.kc, code)
        assert short["status"] == "ok" and short["found"], (code, short)
        assert set(short["data"]) == {"text/plain", "text/markdown"}
        for text in texts:
            assert text in short["data"]["text/plain"], (code, text, short["data"]["text/plain"])
        full = inspect_reply(kernel.kc, code, detail=1)
        assert full["found"], (code, full)
        for internal in GLIBC_INTERNALS:  # a library function reads like its manual (issue 17)
            assert internal not in full["data"]["text/plain"], (code, internal)
        if more:
            assert more in full["data"]["text/plain"] and more not in short["data"]["text/plain"], code
        assert len(full["data"]["text/plain"]) >= len(short["data"]["text/plain"])


def test_question_mark_pages_the_inspection(lang: tuple[str, RunningKernel]) -> None:
    name, kernel = lang
    code, texts, _ = INSPECTIONS[name][0]
    name_only = code.rstrip("(")
    result = kernel.execute(f"{name_only}?")
    assert result.status == "ok", result.describe()
    [page] = result.reply["payload"]
    assert page["source"] == "page"
    assert texts[-1] in page["data"]["text/plain"] and "text/markdown" in page["data"]
    missing = kernel.execute("no_such_name_anywhere?")
    assert missing.status == "ok" and missing.reply["payload"] == []
    assert missing.stdout == "Object `no_such_name_anywhere` not found.\n"


BAD_INPUT = [
    ("", 0),
    ("", 5),  # cursor past the end
    ("x", 100),
    ("%flags -O2\n", 4),  # inside a magic line
    ("\ud800 bad \udfff p.", 12),  # lone surrogates
    ("p.\n" * 10_000, 20_000),  # a cell of 10,000 lines
    ("}}}{{{ ((( \" '", 7),
    ("%%\n", 3),
]


def test_any_text_any_cursor_answers(lang: tuple[str, RunningKernel]) -> None:
    _, kernel = lang
    # jupyter_client cannot encode a lone surrogate; a browser's JSON can ("\ud800"): send it so
    kernel.kc.session.pack = lambda obj: json.dumps(obj, default=json_default).encode("ascii")
    for code, cursor in BAD_INPUT:
        start = time.monotonic()
        content = complete_reply(kernel.kc, code, cursor)
        assert content["status"] == "ok", (code[:40], content)
        assert 0 <= content["cursor_start"] <= content["cursor_end"] <= len(code)
        found = inspect_reply(kernel.kc, code, cursor)
        assert found["status"] == "ok"
        assert time.monotonic() - start < 10, code[:40]
    magic = complete_reply(kernel.kc, "%he", 3)
    assert magic["matches"] == ["%help"]
    assert kernel.ok("%list")  # the kernel is fine, its memory intact


def test_completion_answers_while_a_cell_runs(lang: tuple[str, RunningKernel]) -> None:
    name, kernel = lang
    sleeper = {
        "c": "#include <unistd.h>\nsleep(3);",
        "go": "time.Sleep(3 * time.Second)",
        "rust": "std::thread::sleep(std::time::Duration::from_secs(3));",
    }[name]
    kernel.ok(sleeper, timeout=60)  # compiled once, so the next run is mostly sleep
    running = kernel.submit(sleeper)
    time.sleep(1.0)
    start = time.monotonic()
    content = complete_reply(kernel.kc, PROBE[name])
    assert time.monotonic() - start < 1.5
    assert content["metadata"]["ccellkernel"]["source"] == HELPER[name]
    kernel.collect(running, timeout=60)
    assert running.status == "ok", running.describe()
    assert time.monotonic() - start > 1.0, "the completion did not wait for the cell"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_clangd_lives_in_the_kernel_group_survives_interrupts_and_ends_with_it(tmp_path: Path) -> None:
    kernel = RunningKernel("ccell-c", cwd=tmp_path, interrupt_mode="signal")
    try:
        kernel.ok("struct Point { int x, y; };\nstruct Point p;")
        wait_for_helper(kernel.kc, "p.", "clangd")
        [clangd] = [c for c in _children(kernel.pid) if "clangd" in Path(f"/proc/{c}/exe").resolve().name]
        assert os.getpgid(clangd) == os.getpgid(kernel.pid)
        for _ in range(2):
            result = kernel.execute("for (;;) {}", interrupt_after=1.0)
            assert result.ename == "KeyboardInterrupt", result.describe()
        assert Path(f"/proc/{clangd}").exists()
        assert complete_reply(kernel.kc, "p.")["matches"] == ["x", "y"]
    finally:
        kernel.shutdown()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{clangd}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{clangd}").exists() or "Z" in Path(f"/proc/{clangd}/stat").read_text().split()[2]


def test_a_hung_helper_is_not_waited_for(tmp_path: Path) -> None:
    """A clangd that never answers: completion falls back in about a second, the first one too (within
    JupyterLab's provider timeout); the first inspection waits for its start, FIRST_REQUEST_WAIT at
    most, and no later one; cells run at once all along."""
    hang = tmp_path / "clangd"
    hang.write_text("#!/bin/sh\nexec sleep 1000\n")
    hang.chmod(0o755)
    kernel = RunningKernel("ccell-c", cwd=tmp_path, env={"CCELL_CLANGD": str(hang)})
    try:
        kernel.ok("int remembered_total;")
        for _ in range(2):
            start = time.monotonic()
            content = complete_reply(kernel.kc, "remembered_t")
            assert content["matches"] == ["remembered_total"]
            assert content["metadata"]["ccellkernel"]["source"] == "tree-sitter"
            assert time.monotonic() - start < 3
        for limit in (FIRST_REQUEST_WAIT + 5, 5):
            start = time.monotonic()
            assert inspect_reply(kernel.kc, "strlen")["found"], "the man page, without clangd"
            assert time.monotonic() - start < limit
        assert kernel.ok('#include <stdio.h>\nprintf("ran\\n");') == "ran\n"
    finally:
        kernel.shutdown()

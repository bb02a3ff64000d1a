"""The Rust cell model (CELL_MODEL.md) through a real Session and the real rustc, without Jupyter: what
only Rust has (what every language does: test_session.py)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from ccell_rust import RustToolchain, has_symbol_table, messages
from cells import Cells

from ccellkernel.api.errors import CompileError, ExitStatus, ProgramSignal, ToolchainNotFound
from ccellkernel.api.memory import Memory
from ccellkernel.api.plugins import load_toolchain
from ccellkernel.api.program import Origin, Program
from ccellkernel.notebook.session import Session

CELL_LINE = re.compile(r"Cell In\[(\d+)\], line (\d+)")


@pytest.fixture
def rust(rust_cells: Cells) -> Cells:
    """The module's Rust session (conftest), with nothing remembered, no flags, arguments or environment."""
    return rust_cells


# -- 2. keys -----------------------------------------------------------------------------------------------


def test_function_struct_and_impl_are_replaced_by_key(rust: Cells) -> None:
    rust.ok("struct P { x: i32 }\nimpl P {\n    fn get(&self) -> i32 { self.x }\n}")
    rust.ok("impl  P {\n    fn get(&self) -> i32 { self.x * 10 }\n}")  # same header, other spacing
    assert rust.ok('println!("{}", P { x: 4 }.get());') == "40\n"
    listing = rust.session.listing()
    assert listing.count("impl P") == 1, listing
    rust.ok("struct P { x: i32, y: i32 }")
    assert rust.ok('println!("{}", P { x: 1, y: 2 }.get());') == "10\n"


def test_impl_of_a_trait_is_its_own_key(rust: Cells) -> None:
    rust.ok("use std::fmt;\nstruct Point { x: i32, y: i32 }")
    rust.ok("impl Point {\n    fn sum(&self) -> i32 { self.x + self.y }\n}")
    display = (
        "impl fmt::Display for Point {\n"
        "    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n"
        '        write!(f, "FORMAT", self.x, self.y)\n'
        "    }\n"
        "}"
    )
    rust.ok(display.replace("FORMAT", "({}, {})"))
    rust.ok(display.replace("FORMAT", "<{} {}>"))
    assert rust.ok('let p = Point { x: 1, y: 2 };\nprintln!("{} {}", p, p.sum());') == "<1 2> 3\n"
    rust.ok('%rm "impl fmt::Display for Point"')
    err = rust.fails('println!("{}", Point { x: 1, y: 2 });')
    assert "Point" in err.evalue and "Display" in "\n".join(err.traceback), err.traceback


def test_derive_attribute_travels_with_its_struct(rust: Cells) -> None:
    rust.ok("#[derive(Debug, Clone, PartialEq)]\nstruct Tag(u8);")
    assert rust.ok('println!("{:?}", Tag(1));') == "Tag(1)\n"
    rust.ok("/// Plain now.\nstruct Tag(u8);")
    shown = rust.session.render_now().text
    assert "derive" not in shown and "/// Plain now.\nstruct Tag(u8);" in shown, shown
    err = rust.fails('println!("{:?}", Tag(1));')
    assert isinstance(err, CompileError) and "Debug" in err.evalue, err.evalue


def test_inner_attribute_goes_to_the_top_of_the_crate(rust: Cells) -> None:
    rust.ok('fn early() -> &\'static str { "early" }')
    io, err = rust.run("#![allow(non_snake_case)]\nfn LoudName() -> i32 { 1 }")
    assert err is None and io.streams == [], io.streams
    shown = rust.session.render_now().text
    assert shown.index("#![allow(non_snake_case)]") < shown.index("fn early"), shown
    assert rust.ok('println!("{} {}", early(), LoudName());') == "early 1\n"
    assert "non_snake_case" in rust.session.listing()


def test_use_is_keyed_by_its_path(rust: Cells) -> None:
    rust.ok("use std::collections::HashMap;")
    rust.ok("use std::collections::HashMap;\nuse std::collections::{ BTreeMap,HashSet };")
    rust.ok("use std::collections::{BTreeMap, HashSet};")
    shown = rust.session.render_now().text
    assert shown.count("use std::collections::HashMap;") == 1, shown
    assert shown.count("BTreeMap") == 1, shown
    assert rust.ok('let m: HashMap<u8, u8> = HashMap::new();\nprintln!("{}", m.len());') == "0\n"


def test_comments_go_with_the_item_that_follows(rust: Cells) -> None:
    rust.ok("// adds one\nfn inc(x: i32) -> i32 { x + 1 }")
    rust.ok("// adds two\nfn inc(x: i32) -> i32 { x + 2 } // really two")
    shown = rust.session.render_now().text
    assert "adds one" not in shown and "// adds two\nfn inc(x: i32) -> i32 { x + 2 } // really two" in shown
    assert rust.ok('println!("{}", inc(1));') == "3\n"


def test_show_marks_cells_and_compiles_as_it_is(rust: Cells, tmp_path: Path) -> None:
    rust.ok("/// Doubles.\nfn double(x: i32) -> i32 { x * 2 }")
    first = rust.count
    rust.ok("//! crate docs\n#![allow(dead_code)]\nconst K: i32 = 3;")
    shown = rust.session.render_now().text
    assert {first, rust.count} <= {int(n) for n, _ in CELL_LINE.findall(shown)}, shown
    source = tmp_path / "shown.rs"
    source.write_text(shown)
    compiler = rust.session.toolchain.find_compiler()
    done = subprocess.run(
        [
            *compiler.argv,
            "--edition",
            "2021",
            "--emit=metadata",
            "-o",
            str(tmp_path / "x.rmeta"),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_large_notebooks_build_incrementally_and_correctly(rust: Cells) -> None:
    functions = "\n".join(f"fn f{i}(x: i64) -> i64 {{ x + {i} }}" for i in range(600))
    rust.ok(functions)
    assert (rust.session.workdir / "incremental-check").is_dir(), "a large program uses incremental"
    assert rust.ok('println!("{}", f599(1));') == "600\n"
    rust.ok("fn f599(x: i64) -> i64 { x * 1000 }")
    assert rust.ok('println!("{} {}", f599(2), f3(0));') == "2000 3\n", "the cache never serves stale code"


# -- 3. main's body ---------------------------------------------------------------------------------------


def test_question_mark_works_and_an_err_exits_1(rust: Cells) -> None:
    assert rust.ok('let n: i32 = "41".parse()?;\nprintln!("{}", n + 1);') == "42\n"
    io, err = rust.run('println!("before");\nlet n: i32 = "x".parse()?;\nprintln!("after {}", n);')
    assert isinstance(err, ExitStatus) and err.evalue == "exit status 1"
    assert io.text() == "before\n"
    assert io.text("stderr") == "Error: ParseIntError { kind: InvalidDigit }\n"


def test_result_values_of_the_body(rust: Cells) -> None:
    """A body may end in `Ok(())` (main's value), or `return Err(..)`, as in a `main` returning Result."""
    io, err = rust.run('println!("fine");\nOk(()) // main returns it')
    assert err is None and io.text() == "fine\n" and io.text("stderr") == "", io.streams
    io, err = rust.run('if 2 > 1 {\n    return Err("too big".into());\n}\nprintln!("not reached");')
    assert isinstance(err, ExitStatus) and err.evalue == "exit status 1"
    assert io.text() == "" and io.text("stderr") == 'Error: "too big"\n'
    io, err = rust.run('println!("{}", "x".parse::<i32>().is_err());\nErr("always")?')
    assert isinstance(err, ExitStatus) and io.text() == "true\n" and io.text("stderr") == 'Error: "always"\n'


def test_main_returns_result_only_when_the_body_needs_it(rust: Cells) -> None:
    """A plain `fn main()` compiles faster; `?` (also inside a macro's arguments), a value returned,
    or a macro that might expand to `?` get the `main` that returns Result."""
    toolchain = rust.session.toolchain

    def main_of(code: str) -> str:
        text = toolchain.render(Memory(), toolchain.split(code, 1)).text
        return next(line for line in text.splitlines() if line.startswith("fn main"))

    plain = "fn main() {"
    assert main_of('let v = vec![1];\nprintln!("{}", v.len());\nif v.is_empty() { return; }') == plain
    assert (
        main_of("let f = |s: &str| -> Result<i32, std::num::ParseIntError> { Ok(s.parse::<i32>()? + 1) };")
        == plain
    )
    for code in (
        'let n: i32 = "1".parse()?;',
        'println!("{}", "1".parse::<i32>()?);',
        'return Err("no".into());',
        "Ok(())",
        "my_macro!(1);",
    ):
        assert main_of(code).startswith("fn main() -> ::std::result::Result<"), code


def test_panic_and_stack_overflow_name_cells(rust: Cells) -> None:
    # (process::exit and abort: test_session.py)
    rust.ok("fn pick(v: &[i32], i: usize) -> i32 {\n    v[i]\n}")
    helper = rust.count
    io, err = rust.run(
        'let v = vec![1, 2];\nprintln!("{}", pick(&v, 1));\n'
        'let n: i32 = v.iter().sum();\npanic!("boom {}", n);'
    )
    assert isinstance(err, ExitStatus) and err.evalue == "exit status 101"
    assert io.text() == "2\n"
    stderr = io.text("stderr")
    # rustc >= 1.73 says `panicked at main.rs:4:1:`, older ones `panicked at 'boom 3', main.rs:4:1`
    assert "panicked at" in stderr and f"Cell In[{rust.count}], line 4" in stderr and "boom 3" in stderr
    assert "main.rs" not in stderr
    io, err = rust.run('println!("{}", pick(&[1], 5));')
    assert f"Cell In[{helper}], line 2" in io.text("stderr"), io.text("stderr")
    io, err = rust.run('fn down(n: u64) -> u64 {\n    down(n + 1) + 1\n}\nprintln!("{}", down(0));')
    assert isinstance(err, ProgramSignal) and err.ename == "SIGABRT", err
    assert "overflowed its stack" in io.text("stderr")


def test_dbg_names_the_cell(rust: Cells) -> None:
    io, err = rust.run("let x = 2;\ndbg!(x + 2);")
    assert err is None
    assert io.text("stderr") == f"[Cell In[{rust.count}], line 2] x + 2 = 4\n"


def test_backtrace_frames_name_cells(rust: Cells) -> None:
    rust.ok('fn deep(n: u32) -> u32 {\n    if n == 0 { panic!("bottom") }\n    deep(n - 1) + 1\n}')
    helper = rust.count
    rust.ok("%flags -g\n%env RUST_BACKTRACE=1")
    io, err = rust.run('println!("{}", deep(2));')
    assert isinstance(err, ExitStatus)
    stderr = io.text("stderr")
    assert f"Cell In[{helper}], line 2" in stderr and f"Cell In[{helper}], line 3" in stderr, stderr
    assert f"Cell In[{rust.count}], line 1" in stderr, stderr
    assert "main.rs:" not in stderr, stderr


def test_a_result_alias_of_the_notebook_does_not_break_main(rust: Cells) -> None:
    rust.ok(
        "type Result<T> = std::result::Result<T, String>;\nfn half(n: i32) -> Result<i32> {\n"
        '    if n % 2 == 0 { Ok(n / 2) } else { Err(format!("{} is odd", n)) }\n}'
    )
    assert rust.ok('println!("{}", half(8)?);') == "4\n"
    io, err = rust.run('println!("{}", half(3)?);')
    assert isinstance(err, ExitStatus) and io.text("stderr") == 'Error: "3 is odd"\n'


# -- 5. errors ---------------------------------------------------------------------------------------------


def test_compile_error_points_at_the_cell_line_and_column(rust: Cells) -> None:
    rust.ok("fn before() -> i32 { 1 }")
    err = rust.fails('let fine = 1;\nlet s = "héllo wörld";\nlet n: i32 = s;')
    assert isinstance(err, CompileError)
    assert err.evalue.startswith(f"Cell In[{rust.count}], line 3: error: mismatched types"), err.evalue
    assert "expected `i32`, found `&str`" in err.evalue
    source, caret = err.traceback[1], err.traceback[2]
    assert source.strip() == "let n: i32 = s;"
    assert caret.index("^") == source.index("s;")
    # a caret after non-ASCII text: rustc counts characters, the traceback bytes
    err = rust.fails('let n: i32 = { let s = "héllo"; s };')
    assert err.traceback[2].index("^") == err.traceback[1].index("s }"), err.traceback


def test_unbalanced_brackets_are_reported_in_the_cell(rust: Cells) -> None:
    err = rust.fails('let x = 1;\nif x > 0 {\n    println!("open");')
    assert err.evalue == f"Cell In[{rust.count}], line 2: error: unclosed delimiter `{{`", err.evalue
    assert err.traceback[2].index("^") == err.traceback[1].index("{")
    err = rust.fails("let v = vec![1, 2;\n}")
    assert err.evalue == f"Cell In[{rust.count}], line 1: error: unclosed delimiter `[`", err.evalue
    err = rust.fails("}")
    assert "unexpected closing delimiter" in err.evalue


def test_unused_warnings_are_hidden_other_warnings_of_the_cell_shown(rust: Cells) -> None:
    io, err = rust.run("use std::fmt;\nfn never_called() -> i32 { let unused = 3; 2 }")
    assert err is None and io.streams == [], io.streams
    io, err = rust.run('let mut never_mutated = 1;\nlet BadName = 2;\nprintln!("{}", never_mutated);')
    assert err is None
    stderr = io.text("stderr")
    assert stderr.startswith(
        f"Cell In[{rust.count}], line 2: warning: variable `BadName` should have a snake case name"
    )
    assert "never_mutated" not in stderr and "unused" not in stderr, stderr
    io, err = rust.run('println!("later");')
    assert io.text("stderr") == "", "a remembered cell's warnings are not repeated"


def test_flags_edition_replaces_the_default(rust: Cells) -> None:
    code = 'let x = u8::try_from(300i32).unwrap_or(7);\nprintln!("{}", x);'
    assert rust.ok(code) == "7\n"  # TryFrom is in the 2021 prelude
    rust.ok("%flags --edition 2018")
    err = rust.fails(code)
    assert isinstance(err, CompileError) and "try_from" in err.evalue
    rust.ok("%flags --edition=2015")
    assert rust.ok('let async = 5;\nprintln!("{}", async);') == "5\n"  # a keyword only since 2018
    rust.ok("%flags --clear")
    assert rust.ok(code) == "7\n"


def test_link_error_names_the_library(rust: Cells) -> None:
    rust.ok("%flags -l ccell_no_such_library")
    err = rust.fails('println!("x");')
    assert isinstance(err, CompileError) and "ccell_no_such_library" in err.evalue, err.evalue


# -- 6, 7. magics, input -------------------------------------------------------------------------------------


def test_program_runs_whatever_ld_library_path_the_user_sets(rust: Cells) -> None:
    rust.ok("%env LD_LIBRARY_PATH=/nonexistent")
    assert rust.ok('println!("linked");') == "linked\n"


# -- the toolchain -------------------------------------------------------------------------------------------


def test_missing_rustc_is_toolchain_not_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("RUSTC", raising=False)
    with pytest.raises(ToolchainNotFound) as missing:
        RustToolchain().find_compiler()
    text = missing.value.evalue
    assert "$RUSTC" in text and "rustc on PATH" in text and ".cargo/bin/rustc" in text and "restart" in text
    monkeypatch.setenv("RUSTC", "no-such-rustc")
    with pytest.raises(ToolchainNotFound) as bad:
        RustToolchain().find_compiler()
    assert "no-such-rustc" in bad.value.evalue


def test_rustc_in_cargo_bin_is_found_without_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / ".cargo" / "bin" / "rustc"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\necho 'rustc 9.9.9 (fake)'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("RUSTC", raising=False)
    compiler = RustToolchain().find_compiler()
    assert compiler.argv == (str(fake),) and compiler.version == "rustc 9.9.9 (fake)"


def test_warm_up_compiles_ahead(tmp_path: Path) -> None:
    session = Session(load_toolchain("rust"), cwd=tmp_path)
    try:
        asyncio.run(session.warm_up())
        assert session.cache.entries(), "the warm-up built the host, the display crate and a cell"
    finally:
        session.close()


def test_rustup_proxy_is_bypassed_for_builds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """rustup's proxy costs milliseconds a call: it is asked only where the toolchain lives."""
    real = shutil.which("rustc")
    assert real is not None
    log = tmp_path / "proxy.log"
    proxy = tmp_path / "rustup"  # what ~/.cargo/bin/rustc links to
    proxy.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexec "{real}" "$@"\n')
    proxy.chmod(0o755)
    (tmp_path / "rustc").symlink_to(proxy)
    monkeypatch.setenv("RUSTC", str(tmp_path / "rustc"))
    cells = Cells(Session(RustToolchain(), cwd=tmp_path))
    try:
        assert cells.ok('println!("one");') == "one\n"
        assert cells.ok("fn declared() {}") == ""
        assert cells.ok('println!("two");') == "two\n"
    finally:
        cells.session.close()
    assert log.read_text().split() == ["--version", "--print"], "compiles go to the toolchain's rustc"


def test_a_stripped_standard_library_is_not_linked_dynamically(tmp_path: Path) -> None:
    """Backtraces need libstd's symbol table; a stripped shared libstd (Debian's) is not used."""
    compiler = RustToolchain().find_compiler()
    source = tmp_path / "lib.rs"
    source.write_text("pub fn f() -> i32 { 1 }\n")
    for strip, expected in (("none", True), ("symbols", False)):
        out = tmp_path / f"lib{strip}.so"
        argv = [*compiler.argv, "--crate-type", "cdylib", "-C", f"strip={strip}", "-o", str(out), str(source)]
        subprocess.run(argv, check=True, capture_output=True)
        assert has_symbol_table(out) is expected, strip
    assert has_symbol_table(tmp_path / "missing.so") is False


def test_language_info_and_keywords() -> None:
    toolchain = load_toolchain("rust")
    info = toolchain.language_info
    assert (info["name"], info["mimetype"], info["file_extension"]) == ("rust", "text/x-rustsrc", ".rs")
    assert (info["pygments_lexer"], info["codemirror_mode"]) == ("rust", "text/x-rustsrc")
    assert {"fn", "impl", "println", "vec", "format", "Option", "Vec", "String"} <= toolchain.keywords
    assert toolchain.kernel_name == "ccell-rust"


def test_stderr_rewriter_maps_known_lines_only() -> None:
    program = Program("a\nb\nc\n", (None, Origin(4, 2), Origin(4, 3)))
    rewrite = messages.stderr_rewriter(program)
    assert rewrite("panicked at main.rs:2:5:\n") == "panicked at Cell In[4], line 2:\n"
    assert (
        rewrite("   at ./main.rs:3:1\n   at src/main.rs:3:9")
        == "   at Cell In[4], line 3\n   at Cell In[4], line 3"
    )
    assert rewrite("at /tmp/ccell-rust-x/main.rs:2:1") == "at Cell In[4], line 2"
    assert (
        rewrite("main.rs:1:1 generated, main.rs:9:1 unknown") == "main.rs:1:1 generated, main.rs:9:1 unknown"
    )
    assert rewrite("my_main.rs:2:1") == "my_main.rs:2:1"

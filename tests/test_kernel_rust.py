"""The Rust kernel through Jupyter: a real KernelManager and client, the real kernel, the real rustc.

Each test checks a promise of CELL_MODEL.md for Rust. Most share one kernel (``kernel``; ``rust``
resets its memory and options first); the test that needs its own compiler starts its own. What the
C, Go and Rust kernels share is tested once for all three in ``test_kernel_table.py``; this file
keeps what is Rust's own. The kernel runs with ``RUST_BACKTRACE=0`` so that a panic's stderr does
not depend on the environment the tests run in.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_client import (
    RunningKernel,
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


# -- 1, 2. one program; keys --------------------------------------------------------------------------------


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


def test_other_warnings_of_the_cell_are_shown(rust: RunningKernel) -> None:
    ran = rust.execute('let CamelLocal = 1;\nprintln!("{}", CamelLocal);')
    assert ran.status == "ok" and ran.stdout == "1\n", ran.describe()
    assert ran.stderr.startswith(f"Cell In[{count_of(ran)}], line 1: warning: variable `CamelLocal`"), (
        ran.stderr
    )


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


def test_show_and_rm(rust: RunningKernel) -> None:
    # what %list shows of this cell: test_kernel_table.py
    first = rust.execute(
        "use std::fmt::Debug;\nconst LIMIT: usize = 3;\n"
        'fn show<T: Debug>(t: T) -> String {\n    format!("{:?}", t)\n}'
    )
    assert first.status == "ok", first.describe()
    shown = rust.ok("%show")
    assert f"// Cell In[{count_of(first)}], line 1" in shown and "fn main()" in shown, shown
    rust.ok("%rm show LIMIT")
    assert rows_for(rust, "show") == [] and rows_for(rust, "LIMIT") == []
    rust.fails('println!("{}", show(LIMIT));', "CompileError")


# -- interrupts (the rest: test_kernel_table.py) ---------------------------------------------------------


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


def test_completion_offers_keywords_macros_and_remembered_names(rust: RunningKernel) -> None:
    rust.ok("fn remembered_total() -> i32 { 1 }")
    for text, expected in (("printl", "println"), ("remembered_t", "remembered_total"), ("VecD", "VecDeque")):
        msg_id = rust.kc.complete(text)
        reply = rust.kc.get_shell_msg(timeout=15)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = rust.kc.get_shell_msg(timeout=15)
        assert reply["content"]["matches"] == [expected], (text, reply["content"])

"""The C kernel through Jupyter: a real KernelManager and client, the real kernel, the real gcc.

Each test checks a promise of CELL_MODEL.md. Most share one kernel (``kernel``; ``c`` resets its
memory and options first); tests that need their own environment, interrupt mode or a shutdown start
their own. What the C, Go and Rust kernels share is tested once for all three in
``test_kernel_table.py``; this file keeps what is C's own.
"""

from __future__ import annotations

import contextlib
import json
import queue
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.jsonutil import json_default
from kernel_client import (
    RunningKernel,
    count_of,
    listing,
)
from processes import assert_processes_end, group_members, lingering

pytestmark = pytest.mark.slow

STDIO = "#include <stdio.h>\n"
CELL_IN = re.compile(r"Cell In\[(\d+)\]")


# -- fixtures and helpers ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kernel's HOME: a canary in it shows that nothing ran ``rm -rf ~``."""
    path = tmp_path_factory.mktemp("home")
    (path / "canary.txt").write_text("still here\n")
    return path


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kernel's working directory."""
    return tmp_path_factory.mktemp("work")


@pytest.fixture(scope="module")
def kernel(home: Path, workdir: Path) -> Iterator[RunningKernel]:
    """One ccell-c kernel for the module, started from the kernelspec as it is (message mode)."""
    running = RunningKernel("ccell-c", env={"HOME": str(home)}, cwd=workdir)
    yield running
    running.shutdown()


@pytest.fixture
def c(kernel: RunningKernel) -> RunningKernel:
    """The module's kernel with nothing remembered and no flags or program arguments."""
    kernel.ok("%reset\n%flags --clear\n%args --clear\n%state live")
    return kernel


def rows_for(k: RunningKernel, key: str) -> list[str]:
    """The ``%list`` rows whose key column holds ``key``."""
    pattern = re.compile(rf"(^|[ ,]){re.escape(key)}([ ,]|$)")
    return [row for row in listing(k) if pattern.search(row.split("  ")[0])]


# -- 1. a notebook is one program --------------------------------------------------------------------


def test_declaration_only_cell_is_compiled_but_not_run(c: RunningKernel) -> None:
    # The function would print if the cell ran it.
    declared = c.execute(STDIO + 'int noisy(void) { return printf("ran\\n"); }')
    assert declared.status == "ok", declared.describe()
    assert declared.outputs == []
    assert c.ok('printf("body %d\\n", noisy());') == "ran\nbody 4\n"
    broken = c.execute("int also_declared(void) { return nowhere; }")
    assert broken.ename == "CompileError", "a declaration-only cell shows its errors at once"


def test_non_constant_initializer_runs_once_when_its_global_is_declared(c: RunningKernel) -> None:
    # CELL_MODEL 1a: the live program runs it in the declaring cell, and never again
    declared = c.execute(STDIO + 'int noisy = printf("initialised\\n");')
    assert declared.status == "ok" and declared.stdout == "initialised\n", declared.describe()
    assert c.ok('printf("body %d\\n", noisy);') == "body 12\n"
    assert c.ok('printf("body %d\\n", noisy);') == "body 12\n"


def test_state_fresh_runs_initializers_in_every_run_and_live_keeps_values(c: RunningKernel) -> None:
    c.ok(STDIO + "int counter = 10;")
    assert c.ok('counter++; printf("%d\\n", counter);') == "11\n"
    assert c.ok('counter++; printf("%d\\n", counter);') == "12\n", "a live global keeps its value"
    c.ok("%state fresh")
    # CELL_MODEL 1: every run a fresh process, globals from their initializers, a declaration-only
    # cell prints nothing even when an initializer would
    assert c.ok('counter++; printf("%d\\n", counter);') == "11\n"
    assert c.ok('counter++; printf("%d\\n", counter);') == "11\n"
    assert c.execute('int loud = printf("initialised\\n");').outputs == []
    assert c.ok('printf("%d\\n", loud);') == "initialised\n12\n"
    c.ok("%state live")
    # back to live: a new live program, which runs each initializer once as it starts
    assert c.ok('counter++; printf("%d\\n", counter);') == "initialised\n11\n"
    assert c.ok('counter++; printf("%d\\n", counter);') == "12\n"


def test_non_constant_initializers_run_before_the_body_in_cell_order(c: RunningKernel) -> None:
    c.ok(STDIO + '#include <string.h>\nconst char *s = "hello";\nint n = strlen(s);')
    c.ok("int twice_n = n * 2;")
    assert c.ok('printf("%d %d\\n", n, twice_n);') == "5 10\n"


def test_files_written_by_a_run_carry_over(c: RunningKernel, workdir: Path) -> None:
    c.ok(STDIO + '%%\nFILE *f = fopen("carry.txt", "w"); fputs("kept", f); fclose(f);')
    assert (workdir / "carry.txt").read_text() == "kept"
    out = c.ok('%%\nchar buf[16] = {0}; FILE *f = fopen("carry.txt", "r"); fgets(buf, 16, f); puts(buf);')
    assert out == "kept\n"


# -- 2. declarations and their keys ----------------------------------------------------------------------


def test_prototype_then_definition_in_a_later_cell(c: RunningKernel) -> None:
    c.ok(STDIO + "int is_odd(int n);\nint is_even(int n) { return n == 0 ? 1 : is_odd(n - 1); }")
    c.ok("int is_odd(int n) { return n == 0 ? 0 : is_even(n - 1); }")
    assert c.ok('printf("%d %d\\n", is_even(10), is_odd(7));') == "1 1\n"
    assert len(rows_for(c, "is_odd")) == 1


def test_include_is_keyed_by_its_header(c: RunningKernel, workdir: Path) -> None:
    (workdir / "ccell_local.h").write_text("#define LOCAL_ANSWER 41\n")
    c.ok(STDIO)
    c.ok('#include <stdio.h>\n#include "ccell_local.h"')
    assert c.ok('printf("%d\\n", LOCAL_ANSWER + 1);') == "42\n"
    shown = c.ok("%show")
    assert shown.count("#include <stdio.h>") == 1, shown
    assert shown.count('#include "ccell_local.h"') == 1, shown
    assert len(rows_for(c, "<stdio.h>")) == 1


def test_define_is_replaced_by_name(c: RunningKernel) -> None:
    c.ok(STDIO + "#define LIMIT 3\n#define TWICE(x) ((x) * 2)")
    c.ok("#define LIMIT 5\n#define TWICE(x) ((x) * 20)")
    used = c.execute('printf("%d %d\\n", LIMIT, TWICE(2));')
    assert used.status == "ok", used.describe()
    assert used.stdout == "5 40\n"
    assert "redefined" not in used.stderr, "the old #define must be gone, not shadowed"
    shown = c.ok("%show")
    assert shown.count("#define LIMIT") == 1 and "LIMIT 3" not in shown, shown


@pytest.mark.parametrize(
    ("first", "second", "use", "expected", "key"),
    [
        (
            "struct Pair { int a; };",
            "struct Pair { int a; int b; };",
            'printf("%zu\\n", sizeof(struct Pair) / sizeof(int));',
            "2\n",
            "struct Pair",
        ),
        (
            "union Cell { char c; };",
            "union Cell { char c; double d; };",
            'printf("%d\\n", sizeof(union Cell) == sizeof(double));',
            "1\n",
            "union Cell",
        ),
        (
            "enum Color { RED, GREEN };",
            "enum Color { RED = 5, GREEN };",
            'printf("%d %d\\n", RED, GREEN);',
            "5 6\n",
            "enum Color",
        ),
    ],
    ids=["struct", "union", "enum"],
)
def test_tagged_type_is_replaced_by_tag(
    c: RunningKernel, first: str, second: str, use: str, expected: str, key: str
) -> None:
    c.ok(STDIO + first)
    c.ok(second)
    assert c.ok(use) == expected
    rows = [row for row in listing(c) if key in row]
    assert len(rows) == 1, listing(c)


def test_anonymous_enum_is_keyed_by_its_constants(c: RunningKernel) -> None:
    c.ok(STDIO + "enum { LOW = 1, HIGH };")
    c.ok("enum { SOLO = 7 };")
    c.ok("enum { LOW = 10, HIGH };")  # same constants: replaces the first enum, keeps SOLO's
    assert c.ok('printf("%d %d %d\\n", LOW, HIGH, SOLO);') == "10 11 7\n"


def test_typedef_is_replaced_by_name(c: RunningKernel) -> None:
    c.ok(STDIO + "typedef int number;")
    c.ok("typedef double number;")
    assert c.ok('number x = 1.5; printf("%.1f %d\\n", x, (int)sizeof(number));') == "1.5 8\n"
    assert len(rows_for(c, "number")) == 1


def test_global_declaration_group_is_replaced_as_one(c: RunningKernel) -> None:
    c.ok(STDIO + "int a = 1, b = 2;")
    assert c.ok('printf("%d %d\\n", a, b);') == "1 2\n"
    c.ok("int a = 5;")
    assert c.ok('printf("%d\\n", a);') == "5\n"
    gone = c.fails('printf("%d\\n", b);', "CompileError")
    assert "b" in gone.error["evalue"] and "undeclared" in gone.error["evalue"]
    rows = rows_for(c, "a")
    assert len(rows) == 1 and not rows_for(c, "b"), listing(c)


def test_redefining_one_name_of_a_group_replaces_the_whole_group(c: RunningKernel) -> None:
    c.ok(STDIO + "int first = 1, second = 2;")
    c.ok("int second = 9;")
    assert c.ok('printf("%d\\n", second);') == "9\n"
    c.fails('printf("%d\\n", first);', "CompileError")


def test_comment_goes_with_the_item_that_follows(c: RunningKernel) -> None:
    c.ok(STDIO + "// adds one\nint inc(int x) { return x + 1; }")
    c.ok("// adds two\nint inc(int x) { return x + 2; }")
    shown = c.ok("%show")
    assert "// adds two\n" in shown and "adds one" not in shown, shown
    assert shown.index("// adds two") < shown.index("int inc(int x) { return x + 2; }")
    assert c.ok('printf("%d\\n", inc(1));') == "3\n"


def test_preprocessor_blocks_are_keyed_by_their_text(c: RunningKernel) -> None:
    block = "#ifndef GUARDED\n#define GUARDED 9\n#endif"
    c.ok(STDIO + block)
    c.ok(block)
    c.ok("#if 1\nint from_if(void) { return 5; }\n#endif")
    assert c.ok('printf("%d %d\\n", GUARDED, from_if());') == "9 5\n"
    assert c.ok("%show").count("#ifndef GUARDED") == 1


# -- 6. magics ------------------------------------------------------------------------------------------


def test_reset_forgets_everything_but_keeps_flags(c: RunningKernel) -> None:
    c.ok("%flags -DX=42")
    c.ok(STDIO + "int f(void) { return 7; }")
    c.ok("%reset")
    assert not [row for row in listing(c) if "Cell In[" in row], listing(c)
    c.fails(STDIO + 'printf("%d\\n", f());', "CompileError")
    assert c.ok(STDIO + 'printf("%d\\n", X);') == "42\n"


def test_flags_reach_the_compiler_show_and_clear(c: RunningKernel) -> None:
    c.ok("%flags -DX=42 -DY=1")
    assert c.ok(STDIO + 'printf("%d %d\\n", X, Y);') == "42 1\n"
    shown = c.ok("%flags")
    assert "-DX=42" in shown and "-DY=1" in shown
    c.ok("%flags --clear")
    assert "-DX=42" not in c.ok("%flags")
    c.fails('printf("%d\\n", X);', "CompileError")


def test_flags_argument_is_one_argument_never_a_shell(c: RunningKernel, home: Path) -> None:
    c.ok("%flags '; rm -rf ~'")
    assert "; rm -rf ~" in c.ok("%flags")
    result = c.fails(STDIO + 'printf("never runs\\n");', "CompileError")
    assert "; rm -rf ~" in "\n".join(result.error["traceback"]), result.describe()
    assert (home / "canary.txt").read_text() == "still here\n"
    c.ok("%flags --clear")
    assert c.ok('printf("fine\\n");') == "fine\n"


def test_link_error_evalue_is_the_linkers_diagnostic(c: RunningKernel) -> None:
    """CELL_MODEL 5: evalue is the first diagnostic, here the linker's complaint about the library."""
    c.ok("%flags -lccell_no_such_library")
    result = c.fails(STDIO + 'printf("x\\n");', "CompileError")
    assert "ccell_no_such_library" in result.error["evalue"], result.describe()


def test_show_renders_the_program_with_cell_markers(c: RunningKernel, tmp_path: Path) -> None:
    first = c.execute(STDIO + "int square(int x) { return x * x; }")
    second = c.execute("int shown_global = 3;")
    shown = c.ok("%show")
    assert "int square(int x) { return x * x; }" in shown
    assert "int shown_global = 3;" in shown
    cells = {int(n) for n in CELL_IN.findall(shown)}
    assert {count_of(first), count_of(second)} <= cells, shown
    # it is the real program: it compiles as it is
    source = tmp_path / "shown.c"
    source.write_text(shown)
    done = subprocess.run(["gcc", "-c", "-o", str(tmp_path / "shown.o"), str(source)], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert c.ok('printf("%d\\n", square(shown_global));') == "9\n", "%show changed nothing"


# -- interrupts (the rest: test_kernel_table.py) ------------------------------------------------------


def test_interrupt_while_compiling(tmp_path: Path) -> None:
    """An interrupt ends the compiler and what it started: in a usual build, and in one the kernel
    began between cells (``ahead.py``) that the cell finishes. The wrapper is slow once per touch."""
    marks = tmp_path / "marks"  # not the notebook's folder, whose change spoils a build begun ahead
    marks.mkdir()
    slow = marks / "slow"
    started = marks / "wrapper.pid"
    wrapper = marks / "slow-cc"
    wrapper.write_text(
        "#!/bin/sh\n"
        'case "$1" in --version|-v) exec gcc "$@";; esac\n'
        f'if [ -e "{slow}" ]; then rm -f "{slow}"; echo $$ > "{started}.tmp"; '
        f'mv "{started}.tmp" "{started}"; sleep 60; fi\n'
        'exec gcc "$@"\n'
    )
    wrapper.chmod(0o755)
    k = RunningKernel("ccell-c", env={"CC": str(wrapper)}, cwd=tmp_path)
    try:
        k.ok(STDIO + "int remembered(void) { return 7; }")
        time.sleep(0.5)  # the build begun after that cell has started, through the fast wrapper
        slow.touch()
        result = k.execute(  # new flags: not the build begun after the last cell, a usual one
            '%flags -DSLOW\nprintf("%d\\n", remembered());\nint x_never_remembered = 1;',
            interrupt_when=lambda r: started.exists(),
            timeout=20,
        )
        assert result.interrupted_at is not None
        assert result.ename == "KeyboardInterrupt", result.describe()
        assert [m.msg_type for m in result.outputs if m.msg_type != "stream"] == ["error"]
        assert "7" not in result.stdout, "the program never ran"  # what %flags says, only
        wrapper_pid = int(started.read_text())
        assert_processes_end([wrapper_pid, *group_members(wrapper_pid)], k.pid)
        assert not lingering(group_members(wrapper_pid), k.pid), "the compiler's sleeping child is left"
        assert k.ok('printf("%d\\n", remembered());') == "7\n"
        k.fails('printf("%d\\n", x_never_remembered);', "CompileError")
        time.sleep(0.5)  # as above: the build begun after that cell has started

        started.unlink()
        slow.touch()
        k.ok("%flags --clear")  # after it the next build begins, through the wrapper, and waits in it
        deadline = time.monotonic() + 10
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the build begun ahead started the compiler"
        result = k.execute('printf("%d\\n", remembered() + 1);', interrupt_after=1.0, timeout=20)
        assert result.ename == "KeyboardInterrupt", result.describe()
        wrapper_pid = int(started.read_text())
        assert_processes_end([wrapper_pid, *group_members(wrapper_pid)], k.pid)
        assert k.ok('printf("%d\\n", remembered() + 2);') == "9\n"
    finally:
        k.shutdown()


# -- 7. input and output (the rest: test_kernel_table.py) -------------------------------------------


def test_scanf_in_a_fresh_process_gets_one_input_request_and_the_answer(c: RunningKernel) -> None:
    """The line the program printed before it read is the input_request's prompt, not a stream of
    its own (issue 17): the frontend shows ``number? 21`` on one line, as for Python's input(). The
    live program's case is test_kernel_table.py's, with Go's and Rust's."""
    c.ok("%state fresh\n" + STDIO)
    try:
        code = 'int x = 0;\nprintf("first line\\nnumber? ");\nscanf("%d", &x);\nprintf("got %d\\n", x);'
        result = c.execute(code, allow_stdin=True, answers=["42"])
    finally:
        c.ok("%state live")
    assert result.status == "ok", result.describe()
    [request] = result.input_requests
    assert request.content["prompt"] == "number? "
    assert result.stdout == "first line\ngot 42\n", "the prompt is not streamed as well"
    [first] = [m for m in result.streams("stdout") if "first line" in m.content["text"]]
    assert first.sent <= request.sent, "what came before the prompt is sent before the input request"
    later = [m for m in result.streams("stdout") if m.sent > request.sent]
    assert "".join(m.content["text"] for m in later) == "got 42\n"


# -- bad input ----------------------------------------------------------------------------------------------


def test_one_megabyte_cells(c: RunningKernel) -> None:
    comment = "/*\n" + ("x" * 99 + "\n") * 10_000 + "*/\n"
    assert len(comment) >= 1_000_000
    assert c.ok(comment + STDIO + 'printf("after the comment\\n");') == "after the comment\n"
    literal = 'static const char big[] = "' + "y" * 1_000_000 + '";\n'
    declared = c.execute("#include <string.h>\n" + literal)
    assert declared.status == "ok", declared.describe()[:2000]
    assert c.ok('printf("%zu\\n", strlen(big));') == "1000000\n"


def test_many_statements_in_one_cell(c: RunningKernel) -> None:
    body = "total += 1;\n" * 20_000
    assert c.ok(STDIO + "%%\nlong total = 0;\n" + body + 'printf("%ld\\n", total);') == "20000\n"


def test_a_lone_surrogate_in_a_request_header_still_gets_its_reply(c: RunningKernel) -> None:
    """JSON may carry ``\\ud800`` anywhere; the header goes back in every message about the request."""
    session = c.kc.session
    packer = session.pack
    session.pack = lambda obj: json.dumps(obj, default=json_default, ensure_ascii=True).encode()
    try:
        msg = session.msg("execute_request", {"code": STDIO + 'printf("answered\\n");', "silent": False})
        msg["header"]["username"] = "user\ud800"
        c.kc.shell_channel.send(msg)
        deadline = time.monotonic() + 30
        reply = None
        while reply is None and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                got = c.kc.get_shell_msg(timeout=0.2)
                if got["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                    reply = got
    finally:
        session.pack = packer
    assert reply is not None and reply["content"]["status"] == "ok", reply
    assert reply["parent_header"]["username"] == "user\ufffd"
    assert c.ok('printf("still fine\\n");') == "still fine\n"

"""C as one live program (CELL_MODEL.md section 1a), through a real Jupyter client.

One kernel for the module; every case starts from ``%reset`` (a new live program) in ``%state live``.
Each case reads the state back in a later cell: what persisted, what a redefinition kept or reset,
and what a failed cell left exactly as it was.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_client import RunningKernel, listing, restored_in

STDIO = "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningKernel]:
    running = RunningKernel("ccell-c", cwd=tmp_path_factory.mktemp("live"))
    yield running
    running.shutdown()


@pytest.fixture
def c(kernel: RunningKernel) -> RunningKernel:
    kernel.ok("%reset\n%state live\n%flags --clear")
    return kernel


# -- 1. values persist, for every kind -------------------------------------------------------------------


def test_every_kind_of_global_keeps_its_value(c: RunningKernel, tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    c.ok(
        STDIO
        + "struct node { int value; struct node *next; };\n"
        + "int counter = 10;\nint squares[5];\nstruct { int x, y; } point = {1, 2};\n"
        + "struct node *list = NULL;\nFILE *log_file = NULL;\n"
        + "int bump(void) { static int calls = 0; return ++calls; }"
    )
    c.ok(
        "counter++;\nfor (int i = 0; i < 5; i++) squares[i] = i * i;\npoint.y = 20;\n"
        "for (int i = 1; i <= 3; i++) {\n"
        "    struct node *n = malloc(sizeof *n); n->value = i; n->next = list; list = n;\n}\n"
        f'log_file = fopen("{path}", "w");\nfputs("first ", log_file);\nbump();\nsrand(7);'
    )
    out = c.ok(
        'printf("%d %d %d %d\\n", counter, squares[4], point.x, point.y);\n'
        'for (struct node *n = list; n; n = n->next) printf("%d ", n->value);\n'
        'fputs("second", log_file); fclose(log_file); log_file = NULL;\n'
        'printf("\\n%d\\n", bump());'
    )
    assert out == "11 16 1 20\n3 2 1 \n2\n"
    assert path.read_text() == "first second", "the FILE * opened in an earlier cell was still open"
    # rand() goes on from where the earlier cell left it: the first number after srand(7)
    later = c.ok('printf("%d\\n", rand());')
    again = c.ok('srand(7); printf("%d\\n", rand());')
    assert later == again


def test_non_constant_initializer_runs_once_and_in_cell_order(c: RunningKernel) -> None:
    first = c.execute(
        STDIO + 'const char *word = "hello";\nint length = strlen(word);\nint twice = length * 2;'
    )
    assert first.status == "ok", first.describe()
    assert c.ok('length++; printf("%d %d\\n", length, twice);') == "6 10\n"
    assert c.ok('printf("%d\\n", length);') == "6\n"


def test_fork_at_top_level_happens_once(c: RunningKernel) -> None:
    c.ok(STDIO + "#include <unistd.h>\nint forks = 0;\npid_t child = (forks++, fork());")
    assert c.ok('printf("once %d\\n", forks);') == "once 1\n"
    assert c.ok('printf("still %d\\n", forks);') == "still 1\n"


def test_threads_started_in_a_cell_run_on_into_the_next(c: RunningKernel) -> None:
    c.ok(
        STDIO
        + "#include <pthread.h>\n#include <stdatomic.h>\n#include <unistd.h>\n"
        + "atomic_int ticks = 0;\n"
        + "void *ticker(void *arg) { (void)arg; for (;;) { ticks++; usleep(1000); } return NULL; }"
    )
    c.ok("pthread_t thread;\npthread_create(&thread, NULL, ticker, NULL);\npthread_detach(thread);")
    time.sleep(0.2)
    out = c.ok('int a = ticks; usleep(50000); printf("%d %d\\n", a > 10, ticks > a);')
    assert out == "1 1\n"


# -- 2. redefinition -------------------------------------------------------------------------------------


def test_same_text_keeps_the_value_other_text_starts_again_with_a_notice(c: RunningKernel) -> None:
    c.ok(STDIO + "int counter = 10;")
    c.ok("counter += 5;")
    same = c.execute("int counter = 10;")
    assert same.status == "ok" and same.outputs == [], same.describe()
    assert c.ok('printf("%d\\n", counter);') == "15\n"
    changed = c.execute("long counter = 3;")
    assert changed.status == "ok", changed.describe()
    assert "counter was redefined: it starts again from its initializer" in changed.stderr
    assert c.ok('printf("%ld\\n", counter);') == "3\n"


def test_redefined_function_is_reached_by_an_older_functions_calls(c: RunningKernel) -> None:
    c.ok(STDIO + "int step(int x) { return x + 1; }\nint run3(int x) { return step(step(step(x))); }")
    assert c.ok('printf("%d\\n", run3(0));') == "3\n"
    c.ok("int step(int x) { return x * 2; }")
    assert c.ok('printf("%d\\n", run3(1));') == "8\n"


@pytest.mark.parametrize("state", ["live", "fresh"])
def test_functions_defined_after_their_caller_link_in_both_states(c: RunningKernel, state: str) -> None:
    """Issue 16's program split into cells in the order of use (the cell-model table has it live): the
    unit of idx's cell still holds f as built before show existed, calling the plain name `show`."""
    c.ok(f"%state {state}")
    c.ok(STDIO)
    c.ok("void f(int *a) { a[0] = idx(a[0]); show(a); }")
    c.ok("int idx(int v) { return v / 10; }")
    c.ok('void show(int *a) { printf("%d\\n", a[0]); }')
    assert c.ok("int a[1] = {30}; f(a);") == "3\n"
    c.ok("void later(void);")  # a prototype nothing defines is still missing at the call
    assert "undefined reference to `later'" in c.fails("later();", "CompileError").error["evalue"]


def test_function_pointer_kept_in_a_global_still_works_after_the_function_is_redefined(
    c: RunningKernel,
) -> None:
    c.ok(STDIO + "int one(void) { return 1; }\nint (*keep)(void) = NULL;")
    c.ok("keep = one;")
    c.ok("int one(void) { return 100; }")
    # the pointer holds the old version's address: its code stays loaded
    assert c.ok('printf("%d %d\\n", keep(), one());') == "1 100\n"


def test_rm_forgets_a_global_and_reset_starts_a_new_live_program(c: RunningKernel) -> None:
    c.ok(STDIO + "int kept = 1;\nint gone = 1;")
    c.ok("kept = 5; gone = 5;")
    c.ok("%rm gone")
    assert c.execute('printf("%d\\n", gone);').ename == "CompileError"
    c.ok("int gone = 1;")
    assert c.ok('printf("%d %d\\n", kept, gone);') == "5 1\n", "declared again after %rm: a new global"
    c.ok("%reset")
    c.ok(STDIO + "int kept = 1;")
    assert c.ok('printf("%d\\n", kept);') == "1\n"


# -- 3. rollback -----------------------------------------------------------------------------------------

FAILURES = {
    "segfault": ("int *p = NULL; *p = 1;", "SIGSEGV"),
    "abort": ("abort();", "SIGABRT"),
    "exit": ("exit(3);", "ExitStatus"),
    "assert": ("#include <assert.h>\nassert(counter == 0);", "SIGABRT"),
    "return": ("return 4;", "ExitStatus"),
    "heap-corruption": ("char *b = malloc(16); memset(b - 64, 0x41, 256); free(b); free(b);", "SIGABRT"),
}


@pytest.mark.parametrize("how", sorted(FAILURES))
def test_a_failed_cell_leaves_the_state_as_it_was(c: RunningKernel, how: str) -> None:
    code, ename = FAILURES[how]
    c.ok(STDIO + "int counter = 1;\nchar *text = NULL;")
    c.ok('counter = 2; text = strdup("before");')
    failed = c.execute(f'counter = 99; strcpy(text, "after!");\nprintf("changed\\n");\n{code}')
    assert failed.ename == ename, failed.describe()
    assert "changed\n" in failed.stdout, "output before the failure is kept"
    assert restored_in(failed) == failed.reply["execution_count"], failed.describe()
    if how == "assert":  # as a fresh program says it
        assert f"cell: Cell In[{failed.reply['execution_count']}], line 4: main: Assertion" in failed.stderr
    assert c.ok('printf("%d %s\\n", counter, text);') == "2 before\n"


def test_an_interrupted_cell_is_rolled_back_and_says_so_in_one_line(c: RunningKernel) -> None:
    """Stopped, and what that left (issue 17): one line, not "memory kept" and then "restored"."""
    c.ok(STDIO + "int counter = 1;")
    result = c.execute(
        'counter = 50;\nprintf("looping\\n"); fflush(stdout);\nfor (;;) counter++;',
        interrupt_when=lambda r: "looping" in r.stdout,
        timeout=20,
    )
    assert result.ename == "KeyboardInterrupt", result.describe()
    count = result.reply["execution_count"]
    assert restored_in(result) == count
    expected = f"KeyboardInterrupt: stopped by the user; globals and declarations as before Cell In[{count}]"
    assert result.error["traceback"] == [expected], result.describe()
    assert result.error["evalue"] == expected.removeprefix("KeyboardInterrupt: ")
    assert c.ok('printf("%d\\n", counter);') == "1\n"


def test_a_crashed_cell_leaves_no_declaration_behind(c: RunningKernel) -> None:
    """The C tour's cell (issue 17): its globals, functions and types are undone with its values."""
    c.ok(STDIO + "int counter = 1;")
    failed = c.execute(
        "counter = 1000;\nstruct pair { int a, b; };\nint helper(void) { return 3; }\n"
        "int *nowhere = NULL;\n*nowhere = 1;"
    )
    assert failed.ename == "SIGSEGV", failed.describe()
    assert restored_in(failed) == failed.reply["execution_count"], failed.describe()
    rows = "\n".join(listing(c))
    assert "counter" in rows
    for gone in ("nowhere", "helper", "struct pair"):
        assert gone not in rows, rows
    assert c.ok('printf("%d\\n", counter);') == "1\n"
    assert c.execute("helper();").ename == "CompileError"
    # declared again, each starts from its initializer and works
    assert c.ok('int *nowhere = NULL;\nprintf("%d\\n", nowhere == NULL);') == "1\n"


@pytest.mark.parametrize("how", ["exit(0)", "exit(3)", "interrupt"])
def test_a_cell_undone_in_any_way_undoes_its_declarations(c: RunningKernel, how: str) -> None:
    c.ok(STDIO)
    code = "int added = 5;\nint added_twice(void) { return 2 * added; }\n"
    if how == "interrupt":
        result = c.execute(
            code + 'printf("looping\\n"); fflush(stdout);\nfor (;;) {}',
            interrupt_when=lambda r: "looping" in r.stdout,
            timeout=20,
        )
        assert result.ename == "KeyboardInterrupt", result.describe()
    else:
        result = c.execute(code + how + ";")
        assert (result.status == "ok") == (how == "exit(0)"), result.describe()
    rows = "\n".join(listing(c))
    assert "added" not in rows, rows


def test_fresh_mode_keeps_what_compiled(c: RunningKernel) -> None:
    """%state fresh keeps section 1's rule: the memory commits when the cell compiles."""
    c.ok("%state fresh\n" + STDIO)
    failed = c.execute("int *nowhere = NULL;\nint helper(void) { return 3; }\n*nowhere = 1;")
    assert failed.ename == "SIGSEGV", failed.describe()
    rows = "\n".join(listing(c))
    assert "nowhere" in rows and "helper" in rows, rows
    assert c.ok('printf("%d\\n", helper());') == "3\n"


def test_a_cell_that_closes_every_file_descriptor_is_rolled_back(c: RunningKernel) -> None:
    c.ok(STDIO + "#include <unistd.h>\nint counter = 1;")
    result = c.execute("counter = 7;\nfor (int fd = 0; fd < 1024; fd++) close(fd);")
    assert result.ename == "LiveProgramError", result.describe()
    assert restored_in(result) == result.reply["execution_count"], result.describe()
    assert c.ok('printf("%d\\n", counter);') == "1\n"


def test_a_cell_that_writes_garbage_to_the_hosts_pipes_is_rolled_back(c: RunningKernel) -> None:
    c.ok(STDIO + "#include <unistd.h>\nint counter = 1;")
    result = c.execute(
        'counter = 7;\nfor (int fd = 3; fd < 64; fd++) write(fd, "CCD1\\x07garbage\\n", 13);\nabort();'
    )
    assert result.status == "error", result.describe()
    assert c.ok('printf("%d\\n", counter);') == "1\n"
    assert c.ok('counter++; printf("%d\\n", counter);') == "2\n"


def test_a_killed_live_program_is_restarted_with_one_line_and_its_declarations(c: RunningKernel) -> None:
    c.ok(STDIO + "#include <unistd.h>\nint counter = 1;\nint twice(int x) { return 2 * x; }")
    c.ok("counter = 5;")
    pid = int(c.ok('printf("%d\\n", (int)getpid());'))
    # everything of the live program dies, checkpoint included: only its declarations can survive
    os.kill(pid, signal.SIGKILL)
    for other in _group_members(pid):
        os.kill(other, signal.SIGKILL)
    time.sleep(0.3)
    after = c.execute('printf("%d %d\\n", counter, twice(4));')
    assert after.status == "ok", after.describe()
    assert after.stdout == "1 8\n", "declarations kept and initialised again"
    assert "state was lost" in after.stderr, after.describe()


def _group_members(pid: int) -> list[int]:
    """The live program's other processes (its checkpoint): the children of its supervisor."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return []
    parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != pid:
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) in (parent, pid):
                found.append(int(entry.name))
    return found


# -- 4. cell boundaries ----------------------------------------------------------------------------------


def test_output_of_a_cell_stays_with_that_cell(c: RunningKernel) -> None:
    c.ok(STDIO)
    first = c.execute('printf("no newline, no flush");')
    assert first.stdout == "no newline, no flush"
    second = c.execute('fprintf(stderr, "err"); printf("out");')
    assert (second.stdout, second.stderr) == ("out", "err")


def test_input_is_asked_for_in_the_cell_that_reads(c: RunningKernel) -> None:
    c.ok(STDIO + "int total = 0;")
    for answer, expected in (("5", "5\n"), ("7", "12\n")):
        result = c.execute(
            'int x; scanf("%d", &x); total += x; printf("%d\\n", total);', allow_stdin=True, answers=[answer]
        )
        assert result.stdout == expected and len(result.input_requests) == 1, result.describe()


def test_a_cells_own_main_runs_as_a_separate_program(c: RunningKernel) -> None:
    c.ok(STDIO + "int counter = 10;")
    c.ok("counter = 20;")
    assert c.ok('int main(void) { printf("%d\\n", counter); return 0; }') == "10\n"
    assert c.ok('printf("%d\\n", counter);') == "20\n"


# -- 5. many cells -------------------------------------------------------------------------------------


def test_many_live_cells_leave_one_checkpoint_and_bounded_memory(c: RunningKernel) -> None:
    c.ok(STDIO + "#include <unistd.h>\nlong total = 0;")
    pid = int(c.ok('printf("%d\\n", (int)getpid());'))
    rss = []
    for i in range(150):
        c.ok(f"total += {i};")
        if i % 50 == 0:
            rss.append(_rss_kib(pid))
    assert c.ok('printf("%ld\\n", total);') == f"{sum(range(150))}\n"
    assert int(c.ok('printf("%d\\n", (int)getpid());')) == pid, "no cell failed: the same host"
    assert len(_group_members(pid)) <= 2, "checkpoints do not pile up"
    assert rss[-1] - rss[0] < 16 * 1024, rss


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


# -- 6. what the kernel says about it ----------------------------------------------------------------


def test_help_and_list_say_which_model_runs(c: RunningKernel) -> None:
    c.ok(STDIO + "int counter = 10;\nchar *names[3];")
    listing = c.ok("%list")
    assert re.search(r"^counter +global +Cell In\[\d+\]  int; keeps its value$", listing, re.M), listing
    assert "char *[3]; keeps its value" in listing
    assert "one live program" in c.ok("%help")
    assert (
        c.ok("%state")
        == "state: live (globals keep their values from cell to cell; a failed cell is rolled back)\n"
    )
    c.ok("%state fresh")
    assert "int; starts from its initializer each run" in c.ok("%list")
    assert "fresh process" in c.ok("%help")


# -- 7. limits --------------------------------------------------------------------------------------


def test_a_cell_over_its_time_limit_is_stopped_and_rolled_back(c: RunningKernel) -> None:
    c.ok(STDIO + "int counter = 1;")
    c.ok("%limits time=1s")
    try:
        result = c.execute("counter = 9;\nfor (;;);", timeout=20)
        assert result.ename == "TimeLimit", result.describe()
        assert restored_in(result) == result.reply["execution_count"]
        assert c.ok('printf("%d\\n", counter);') == "1\n"
        assert c.ok("counter = 2;") == "", "the limit is each cell's: the next one runs"
    finally:
        c.ok("%limits --reset")


def test_a_cell_s_own_limits_keep_the_live_program(c: RunningKernel) -> None:
    """time, cpu, processes and the output cap are each cell's: changing them keeps the state
    (memory is the live program's as a whole: a new one starts, with one line, test below)."""
    c.ok(STDIO + "int counter = 41;")
    try:
        changed = c.execute("%limits output=1M time=30s cpu=20s processes=200\ncounter++;")
        assert changed.status == "ok" and "starts again" not in changed.stderr, changed.describe()
        assert c.ok('printf("%d\\n", counter);') == "42\n"
        capped = c.execute('%limits output=1K\nfor (int i = 0; i < 1000; i++) puts("0123456789");')
        assert "output" in capped.stderr and len(capped.stdout) < 2000, capped.describe()
        assert c.ok('printf("%d\\n", counter);') == "42\n"
    finally:
        c.ok("%limits --reset")


def test_a_cell_over_the_memory_limit_is_rolled_back(c: RunningKernel) -> None:
    # new limits start a new live program (it is held to them as a whole): set them first
    c.ok("%limits memory=256M")
    try:
        c.ok(STDIO + "int counter = 1;\nchar *kept = NULL;")
        c.ok('kept = strdup("kept");')
        result = c.execute(
            "counter = 9;\nfor (int i = 0; i < 64; i++) {\n"
            "    char *p = malloc(64 << 20);\n    if (!p) abort();\n    memset(p, 1, 64 << 20);\n}"
        )
        assert result.ename == "MemoryLimit", result.describe()
        assert restored_in(result) == result.reply["execution_count"]
        assert c.ok('printf("%d %s\\n", counter, kept);') == "1 kept\n"
    finally:
        c.ok("%limits --reset")


def test_a_cell_over_the_process_limit_is_rolled_back(c: RunningKernel) -> None:
    c.ok(STDIO + "#include <unistd.h>\nint counter = 1;")
    c.ok("%limits processes=64")
    try:
        result = c.execute(
            "counter = 9;\n"
            "for (int i = 0; i < 500; i++) if (fork() == 0) { sleep(30); _exit(0); }\nsleep(30);"
        )
        assert result.ename == "ProcessLimit", result.describe()
        assert restored_in(result) == result.reply["execution_count"]
        assert c.ok('printf("%d\\n", counter);') == "1\n"
    finally:
        c.ok("%limits --reset")

"""Notebooks run end to end with nbclient, as papermill and CI run them (no stdin, timeouts).

Each language's example tour, reading stdin at EOF and interrupting on a timeout: one table each, a row
per language. (Notebooks written for GoNB and evcxr: test_notebooks_peers.py.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from notebooks import check_rich_tour, errors, notebook, run, run_tour, stderr, stdout

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Failure:
    """A tour cell that fails (tagged raises-exception): one error, ``ename: evalue`` its first line."""

    text: str  # the cell whose source holds it
    ename: str
    evalue: str | None = None  # exactly (None: not checked)
    starts: str = ""  # how the error's value starts; {n}: the cell's execution count
    stdout: str | None = None  # what it printed first (None: not checked)
    stderr: str = ""  # in its stderr; {n} as above
    traceback: str = ""  # in a line of its traceback


@dataclass(frozen=True)
class Tour:
    """An example tour notebook and what its cells must show."""

    filename: str
    kernel: str
    timeout: int
    stdout: Mapping[str, str]  # the cell whose source holds a text -> its whole stdout
    failures: tuple[Failure, ...]
    value: tuple[str, str]  # the cell showing a value as Out[n], and its text/plain
    listed: tuple[str, ...]  # in %list at the end
    unlisted: tuple[str, ...]  # not in it: what did not compile, a cell's own main, locals
    waiting: Mapping[str, str] = field(default_factory=dict)  # a cell that waits for a name -> its stderr


TOURS = [
    pytest.param(
        Tour(
            "c-tour.ipynb",
            "ccell-c",
            60,
            {
                "7 squared": "7 squared is 49\nsqrt(2) = 1.414214\n",
                "square(12)": "144\n",
                "%s has": "hello, notebook has 15 characters; counter = 11\n",
                'printf("counter = ': "counter = 12\n",  # the live program keeps globals
                "counter is still": "counter is still 12\n",  # through the crash
                "norm(p)": "|p| = 5\n",
            },
            (
                Failure("*nowhere = 1;", "SIGSEGV", traceback="globals and declarations as before"),
                Failure("undefined_variable", "CompileError", starts="Cell In[{n}], line 2: error:"),
                Failure("return 3;", "ExitStatus", "exit status 3", stdout="row 0\nrow 1\nrow 2\n"),
            ),
            ("square(9) + 1", "82"),
            ("square", "greeting", "counter", "Point", "norm", "<stdio.h>"),
            ("broken",),
        ),
        id="c",
    ),
    pytest.param(
        Tour(
            "go-tour.ipynb",
            "ccell-go",
            120,  # the first cell may wait for a cold build cache
            {
                '"notebook"': "hello, NOTEBOOK\n",
                "7 squared": "7 squared is 49\nsqrt(2) = 1.414214\n",
                "p := Point{3, 4}": "(3, 4) has norm 5\n",
                "&Point{1, 2}": "<1 2>\n",
                "counter++": "counter = 11 Tuesday = 2\n",
                "strings.Fields": "the-quick-brown-fox\n",
                "type pair": "local type\n",
                "func main()": "row 0\nrow 1\nrow 2\n",
                "type Item string": "[waited]\n",
            },
            (
                Failure('"forty-two"', "CompileError", starts="Cell In[{n}], line 2: error: cannot use"),
                Failure("xs[len(xs)]", "ExitStatus", "exit status 2", stderr="Cell In[{n}], line 2"),
                Failure("os.Exit(3)", "ExitStatus", "exit status 3", stdout="leaving early\n"),
            ),
            ('strings.Repeat("go", 3)', "gogogo"),
            ("square", "Point.Norm", "Point.String", "counter", "Sunday, Monday, Tuesday", "strings"),
            ("broken", "main", "pair"),
            {"type Stack struct": "Stack, Stack.Push wait for: Item\n"},
        ),
        id="go",
    ),
    pytest.param(
        Tour(
            "rust-tour.ipynb",
            "ccell-rust",
            60,
            {
                "7 squared": "7 squared is 49\napple appears 2 times\n",
                "p.norm()": "(3, 4) has norm 5; Point { x: 3.0, y: 4.0 }\n",
                "Point { x: 1.0, y: 2.0 }": "<1.0 2.0>\n",
                'println!("counter': "counter = 11\n",
                'parse_all("1, 2, 3")': "sum = 6\n",
                "return;": "row 0\nrow 1\nrow 2\n",
                "own main": "a cell's own main: 16\n",
                "local_helper": "local helper: 26\n",
                "type Item": '["waited"]\n',
            },
            (
                Failure(
                    'parse_all("1, two, 3")', "ExitStatus", "exit status 1", stderr="Error: ParseIntError"
                ),
                Failure('square("seven")', "CompileError", starts="Cell In[{n}], line 2: error:"),
                Failure("v[i]", "ExitStatus", "exit status 101", stderr="Cell In[{n}], line 3"),
                Failure("process::exit(3)", "ExitStatus", "exit status 3"),
            ),
            ("collect::<Vec<i32>>()", "[1, 4, 9, 16, 25]"),
            ("square", "Point", "impl Point", "impl fmt::Display for Point", "COUNTER", "std::fmt"),
            ("broken", "main", "local_helper"),
            {"struct Stack": "Stack, impl Stack wait for: Item\n"},
        ),
        id="rust",
    ),
]


@pytest.mark.parametrize("tour", TOURS)
def test_tour_runs(tmp_path: Path, tour: Tour) -> None:
    cell_with = run_tour(tour.filename, tour.kernel, tmp_path, timeout=tour.timeout)

    for text, printed in tour.stdout.items():
        assert stdout(cell_with(text)) == printed, text
    for text, printed in tour.waiting.items():
        waiting = cell_with(text)
        assert (stdout(waiting), errors(waiting)) == ("", [])
        assert stderr(waiting) == printed
    for failure in tour.failures:
        cell = cell_with(failure.text)
        [error] = errors(cell)
        assert error.ename == failure.ename, failure.text
        assert failure.evalue in (None, error.evalue), error.evalue
        assert error.evalue.startswith(failure.starts.format(n=cell.execution_count)), error.evalue
        assert error.traceback[0] == f"{error.ename}: {error.evalue}"
        assert failure.stdout in (None, stdout(cell)), stdout(cell)
        assert failure.stderr.format(n=cell.execution_count) in stderr(cell), stderr(cell)
        assert any(failure.traceback in line for line in error.traceback), error.traceback

    check_rich_tour(cell_with, *tour.value)

    listing = stdout(cell_with("%list"))
    for key in tour.listed:
        assert key in listing, key
    for absent in tour.unlisted:
        assert absent not in listing, f"{absent} is not remembered"


# Reading standard input under nbclient: (the cells, the timeout, {cell index: its stdout}).
STDIN_EOF = [
    pytest.param(
        "c",
        (
            "#include <stdio.h>",
            'int x = 5;\nint n = scanf("%d", &x);\nprintf("n=%d x=%d\\n", n, x);',
            'char line[16];\nprintf("%s\\n", fgets(line, sizeof line, stdin) ? "line" : "eof");',
        ),
        15,
        {1: "n=-1 x=5\n", 2: "eof\n"},
        id="c",
    ),
    pytest.param(
        "go",
        (
            "x := 5\nn, err := fmt.Scan(&x)\nfmt.Println(n, x, err)",
            "line, err := bufio.NewReader(os.Stdin).ReadString('\\n')\nfmt.Printf(\"%q %v\\n\", line, err)",
        ),
        120,  # the first cell may wait for a cold build cache
        {0: "0 5 EOF\n", 1: '"" EOF\n'},
        id="go",
    ),
    pytest.param(
        "rust",
        (
            "use std::io::BufRead;",
            "let mut line = String::new();\n"
            'let n = std::io::stdin().read_line(&mut line)?;\nprintln!("n={}", n);',
            'println!("lines={}", std::io::stdin().lock().lines().count());',
        ),
        15,
        {1: "n=0\n", 2: "lines=0\n"},
        id="rust",
    ),
]


@pytest.mark.parametrize(("language", "sources", "timeout", "expected"), STDIN_EOF)
def test_stdin_reads_eof_under_nbclient(
    tmp_path: Path, language: str, sources: tuple[str, ...], timeout: int, expected: dict[int, str]
) -> None:
    nb = notebook(language, *sources)
    run(nb, tmp_path, timeout=timeout)  # a program waiting for input would time out here
    assert {i: stdout(nb.cells[i]) for i in expected} == expected


# A cell that loops until nbclient interrupts it on timeout: (a warm-up cell or None, the cells, the
# timeout). The first cell declares remembered(), which returns 7; the second prints "looping" and loops.
INTERRUPTED = [
    pytest.param(
        "c",
        None,
        (
            "#include <stdio.h>\nint remembered(void) { return 7; }",
            'printf("looping\\n");\nfor (;;);',
            'printf("after %d\\n", remembered());',
        ),
        3,
        id="c",
    ),
    pytest.param(
        "go",
        'fmt.Println("warm")',  # a cold build cache must not eat the short timeout
        (
            "func remembered() int { return 7 }",
            'fmt.Println("looping")\nfor {\n}',
            'fmt.Println("after", remembered())',
        ),
        5,
        id="go",
    ),
    pytest.param(
        "rust",
        None,
        (
            "fn remembered() -> i32 { 7 }",
            'println!("looping");\nloop {\n    std::hint::spin_loop();\n}',
            'println!("after {}", remembered());',
        ),
        5,
        id="rust",
    ),
]


@pytest.mark.parametrize(("language", "warm", "sources", "timeout"), INTERRUPTED)
def test_interrupt_on_timeout_keeps_the_kernel_and_its_memory(
    tmp_path: Path, language: str, warm: str | None, sources: tuple[str, ...], timeout: int
) -> None:
    if warm is not None:
        run(notebook(language, warm), tmp_path, timeout=120)
    nb = notebook(language, *sources, failing=(1,))
    run(nb, tmp_path, timeout=timeout, interrupt_on_timeout=True)
    [error] = errors(nb.cells[1])
    assert error.ename == "KeyboardInterrupt"
    assert stdout(nb.cells[1]) == "looping\n"
    assert stdout(nb.cells[2]) == "after 7\n"
    assert nb.cells[2].execution_count == nb.cells[1].execution_count + 1, "same kernel, not a restarted one"

"""Notebooks run end to end with nbclient, as papermill and CI run them (no stdin, timeouts).

The C tour is checked here; the Go and Rust tours in test_notebooks_go.py and test_notebooks_rust.py.
Reading stdin at EOF and interrupting on a timeout are checked for every language here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from notebooks import check_rich_tour, errors, notebook, run, run_tour, stdout

pytestmark = pytest.mark.slow


def test_c_tour_runs(tmp_path: Path) -> None:
    cell_with = run_tour("c-tour.ipynb", "ccell-c", tmp_path, timeout=60)

    assert stdout(cell_with("7 squared")) == "7 squared is 49\nsqrt(2) = 1.414214\n"
    assert stdout(cell_with("square(12)")) == "144\n"
    assert stdout(cell_with("%s has")) == "hello, notebook has 15 characters; counter = 11\n"
    assert stdout(cell_with('printf("counter = ')) == "counter = 12\n", "the live program keeps globals"
    crash = cell_with("*nowhere = 1;")
    [error] = errors(crash)
    assert error.ename == "SIGSEGV"
    assert any("globals and declarations as before" in line for line in error.traceback)
    assert stdout(cell_with("counter is still")) == "counter is still 12\n"
    assert stdout(cell_with("norm(p)")) == "|p| = 5\n"

    broken = cell_with("undefined_variable")
    [error] = errors(broken)
    assert error.ename == "CompileError"
    assert error.evalue.startswith(f"Cell In[{broken.execution_count}], line 2: error:"), error.evalue
    assert error.traceback[0] == f"CompileError: {error.evalue}"

    exits = cell_with("return 3;")
    assert stdout(exits) == "row 0\nrow 1\nrow 2\n"
    [error] = errors(exits)
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 3")

    check_rich_tour(cell_with, "square(9) + 1", "82")

    listing = stdout(cell_with("%list"))
    for key in ("square", "greeting", "counter", "Point", "norm", "<stdio.h>"):
        assert key in listing, key
    assert "broken" not in listing, "a cell that did not compile is not remembered"


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

"""The Rust tour notebook runs end to end with nbclient, as papermill and CI run it.

Reading stdin at EOF and interrupting on a timeout are checked for Rust in test_notebooks.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from notebooks import check_rich_tour, errors, run_tour, stderr, stdout

pytestmark = pytest.mark.slow


def test_rust_tour_runs(tmp_path: Path) -> None:
    cell_with = run_tour("rust-tour.ipynb", "ccell-rust", tmp_path, timeout=60)

    assert stdout(cell_with("7 squared")) == "7 squared is 49\napple appears 2 times\n"
    assert stdout(cell_with("p.norm()")) == "(3, 4) has norm 5; Point { x: 3.0, y: 4.0 }\n"
    assert stdout(cell_with("Point { x: 1.0, y: 2.0 }")) == "<1.0 2.0>\n"
    assert stdout(cell_with('println!("counter')) == "counter = 11\n"
    assert stdout(cell_with('parse_all("1, 2, 3")')) == "sum = 6\n"
    assert stdout(cell_with("return;")) == "row 0\nrow 1\nrow 2\n"
    assert stdout(cell_with("own main")) == "a cell's own main: 16\n"
    assert stdout(cell_with("local_helper")) == "local helper: 26\n"

    failed = cell_with('parse_all("1, two, 3")')
    [error] = errors(failed)
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 1")
    assert "Error: ParseIntError" in stderr(failed)

    waiting = cell_with("struct Stack")
    assert (stdout(waiting), errors(waiting)) == ("", [])
    assert stderr(waiting) == "Stack, impl Stack wait for: Item\n"
    assert stdout(cell_with("type Item")) == '["waited"]\n'

    broken = cell_with('square("seven")')
    [error] = errors(broken)
    assert error.ename == "CompileError"
    assert error.evalue.startswith(f"Cell In[{broken.execution_count}], line 2: error:"), error.evalue
    assert error.traceback[0] == f"CompileError: {error.evalue}"

    panics = cell_with("v[i]")
    [error] = errors(panics)
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 101")
    assert f"Cell In[{panics.execution_count}], line 3" in stderr(panics)

    [error] = errors(cell_with("process::exit(3)"))
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 3")

    check_rich_tour(cell_with, "collect::<Vec<i32>>()", "[1, 4, 9, 16, 25]")

    listing = stdout(cell_with("%list"))
    for key in ("square", "Point", "impl Point", "impl fmt::Display for Point", "COUNTER", "std::fmt"):
        assert key in listing, key
    for absent in ("broken", "main", "local_helper"):
        assert absent not in listing, f"{absent} is not remembered"

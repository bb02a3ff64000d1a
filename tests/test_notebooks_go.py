"""The Go tour notebook runs end to end with nbclient, as papermill and CI run it.

Reading stdin at EOF and interrupting on a timeout are checked for Go in test_notebooks.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from notebooks import check_rich_tour, errors, run_tour, stderr, stdout

pytestmark = pytest.mark.slow


def test_go_tour_runs(tmp_path: Path) -> None:
    # the first cell may wait for a cold build cache
    cell_with = run_tour("go-tour.ipynb", "ccell-go", tmp_path, timeout=120)

    assert stdout(cell_with('"notebook"')) == "hello, NOTEBOOK\n"
    assert stdout(cell_with("7 squared")) == "7 squared is 49\nsqrt(2) = 1.414214\n"
    assert stdout(cell_with("p := Point{3, 4}")) == "(3, 4) has norm 5\n"
    assert stdout(cell_with("&Point{1, 2}")) == "<1 2>\n"
    assert stdout(cell_with("counter++")) == "counter = 11 Tuesday = 2\n"
    assert stdout(cell_with("strings.Fields")) == "the-quick-brown-fox\n"
    assert stdout(cell_with("type pair")) == "local type\n"
    assert stdout(cell_with("func main()")) == "row 0\nrow 1\nrow 2\n"

    waiting = cell_with("type Stack struct")
    assert (stdout(waiting), errors(waiting)) == ("", [])
    assert stderr(waiting) == "Stack, Stack.Push wait for: Item\n"
    assert stdout(cell_with("type Item string")) == "[waited]\n"

    broken = cell_with('"forty-two"')
    [error] = errors(broken)
    assert error.ename == "CompileError"
    assert error.evalue.startswith(f"Cell In[{broken.execution_count}], line 2: error: cannot use")
    assert error.traceback[0] == f"CompileError: {error.evalue}"

    panics = cell_with("xs[len(xs)]")
    [error] = errors(panics)
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 2")
    assert f"Cell In[{panics.execution_count}], line 2" in stderr(panics)

    exits = cell_with("os.Exit(3)")
    assert stdout(exits) == "leaving early\n"
    [error] = errors(exits)
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 3")

    check_rich_tour(cell_with, 'strings.Repeat("go", 3)', "gogogo")

    listing = stdout(cell_with("%list"))
    for key in ("square", "Point.Norm", "Point.String", "counter", "Sunday, Monday, Tuesday", "strings"):
        assert key in listing, key
    assert "broken" not in listing, "a cell that did not compile is not remembered"
    assert "main" not in listing and "pair" not in listing

"""Notebooks written the way GoNB's and evcxr's documentation writes them run unchanged (issue 16).

``tests/fixtures/notebooks/*.ipynb`` are executed with nbclient on our kernels, as papermill would;
each cell's output is checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from notebooks import errors, run, stderr, stdout

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"


def execute(name: str, cwd: Path) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(FIXTURES / f"{name}.ipynb", as_version=4)
    run(nb, cwd, timeout=120)
    cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert not [e for cell in cells for e in errors(cell)]
    return cells


def test_a_gonb_notebook_runs_unchanged(tmp_path: Path) -> None:
    cells = execute("gonb_tour", tmp_path)
    out = [stdout(cell) for cell in cells]
    assert out[3] == "old init\n"
    assert out[5] == "[a b init]\n", "init_ functions run, and the later func init replaced the earlier"
    assert out[7] == "run 3 [x y] 4\n", "%exec calls run as main, its arguments as os.Args and flags"
    assert out[8] == out[9] == "captured\n", "%capture showed it and wrote run.log"
    assert (tmp_path / "run.log").read_text() == "captured\n"
    assert out[10] == "go.mod\n", "!* runs where the program is built"
    assert out[11] == "from bash\n"
    assert "init_a" in out[12] and "run" in out[12]
    assert stderr(cells[13]) == "%rm: nothing remembered as no_such_thing; see %list for the keys\n"
    bench = out[15]
    assert bench.startswith("PASS  BenchmarkSquare") and "TestSquare" not in bench, bench
    assert re.search(r"^      BenchmarkSquare(-\d+)? +100 +[\d.]+ ns/op$", bench, re.MULTILINE), bench


def test_an_evcxr_style_notebook_runs_unchanged(tmp_path: Path) -> None:
    cells = execute("evcxr_style", tmp_path)
    out = [stdout(cell) for cell in cells]
    assert out[1] == "144\n" and (tmp_path / "out.txt").read_text() == "144\n"
    assert out[2] == "hello from cat\n"
    assert "square" in out[3]
    assert out[4] == "forgot square\n" and "nothing_here" in stderr(cells[4])

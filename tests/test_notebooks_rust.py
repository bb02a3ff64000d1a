"""Rust notebooks run end to end with nbclient, as papermill and CI run them (no stdin, timeouts)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXPECTED_FAILURE = "raises-exception"
KERNEL = "ccell-rust"


def run(nb: nbformat.NotebookNode, cwd: Path, **options: object) -> nbformat.NotebookNode:
    """Execute ``nb`` in ``cwd`` with ccell-rust. nbclient raises for an error in an untagged cell."""
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        allow_errors=False,  # cells tagged raises-exception may fail; any other error fails the test
        resources={"metadata": {"path": str(cwd)}},
        **options,
    )
    client.execute()
    return nb


def notebook(*sources: str, failing: tuple[int, ...] = ()) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Rust (compiled)", "language": "rust"}
    for i, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source)
        if i in failing:
            cell.metadata["tags"] = [EXPECTED_FAILURE]
        nb.cells.append(cell)
    return nb


def stream(cell: nbformat.NotebookNode, name: str = "stdout") -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == name)


def errors(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for o in cell.outputs if o.output_type == "error"]


def test_rust_tour_runs(tmp_path: Path) -> None:
    nb = run(nbformat.read(EXAMPLES / "rust-tour.ipynb", as_version=4), tmp_path, timeout=60)
    assert nb.metadata["kernelspec"]["name"] == KERNEL
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    for cell in code:
        tagged = EXPECTED_FAILURE in cell.metadata.get("tags", [])
        assert bool(errors(cell)) == tagged, (cell.source, cell.outputs)

    def cell_with(text: str) -> nbformat.NotebookNode:
        [found] = [cell for cell in code if text in cell.source]
        return found

    assert stream(cell_with("7 squared")) == "7 squared is 49\napple appears 2 times\n"
    assert stream(cell_with("p.norm()")) == "(3, 4) has norm 5; Point { x: 3.0, y: 4.0 }\n"
    assert stream(cell_with("Point { x: 1.0, y: 2.0 }")) == "<1.0 2.0>\n"
    assert stream(cell_with('println!("counter')) == "counter = 11\n"
    assert stream(cell_with('parse_all("1, 2, 3")')) == "sum = 6\n"
    assert stream(cell_with("return;")) == "row 0\nrow 1\nrow 2\n"
    assert stream(cell_with("own main")) == "a cell's own main: 16\n"
    assert stream(cell_with("local_helper")) == "local helper: 26\n"

    failed = cell_with('parse_all("1, two, 3")')
    [error] = errors(failed)
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 1")
    assert "Error: ParseIntError" in stream(failed, "stderr")

    broken = cell_with("undefined_variable")
    [error] = errors(broken)
    assert error.ename == "CompileError"
    assert error.evalue.startswith(f"Cell In[{broken.execution_count}], line 2: error:"), error.evalue
    assert error.traceback[0] == f"CompileError: {error.evalue}"

    panics = cell_with("v[i]")
    [error] = errors(panics)
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 101")
    assert f"Cell In[{panics.execution_count}], line 3" in stream(panics, "stderr")

    [error] = errors(cell_with("process::exit(3)"))
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 3")

    listing = stream(cell_with("%list"))
    for key in ("square", "Point", "impl Point", "impl fmt::Display for Point", "COUNTER", "std::fmt"):
        assert key in listing, key
    for absent in ("broken", "main", "local_helper"):
        assert absent not in listing, f"{absent} is not remembered"


def test_read_line_reads_eof_under_nbclient(tmp_path: Path) -> None:
    nb = notebook(
        "use std::io::BufRead;",
        "let mut line = String::new();\n"
        'let n = std::io::stdin().read_line(&mut line)?;\nprintln!("n={}", n);',
        'println!("lines={}", std::io::stdin().lock().lines().count());',
    )
    run(nb, tmp_path, timeout=15)  # a program waiting for input would time out here
    assert stream(nb.cells[1]) == "n=0\n"
    assert stream(nb.cells[2]) == "lines=0\n"


def test_interrupt_on_timeout_keeps_the_kernel_and_its_memory(tmp_path: Path) -> None:
    nb = notebook(
        "fn remembered() -> i32 { 7 }",
        'println!("looping");\nloop {\n    std::hint::spin_loop();\n}',
        'println!("after {}", remembered());',
        failing=(1,),
    )
    run(nb, tmp_path, timeout=5, interrupt_on_timeout=True)
    [error] = errors(nb.cells[1])
    assert error.ename == "KeyboardInterrupt"
    assert stream(nb.cells[1]) == "looping\n"
    assert stream(nb.cells[2]) == "after 7\n"
    assert nb.cells[2].execution_count == nb.cells[1].execution_count + 1, "same kernel, not a restarted one"

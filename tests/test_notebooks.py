"""Notebooks run end to end with nbclient, as papermill and CI run them (no stdin, timeouts)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXPECTED_FAILURE = "raises-exception"


def run(nb: nbformat.NotebookNode, cwd: Path, **options: object) -> nbformat.NotebookNode:
    """Execute ``nb`` in ``cwd`` with the ccell-c kernel. nbclient raises for an error in an untagged cell."""
    client = NotebookClient(
        nb,
        kernel_name="ccell-c",
        allow_errors=False,  # cells tagged raises-exception may fail; any other error fails the test
        resources={"metadata": {"path": str(cwd)}},
        **options,
    )
    client.execute()
    return nb


def notebook(*sources: str, failing: tuple[int, ...] = ()) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "ccell-c", "display_name": "C (compiled)", "language": "c"}
    for i, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source)
        if i in failing:
            cell.metadata["tags"] = [EXPECTED_FAILURE]
        nb.cells.append(cell)
    return nb


def stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def errors(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for o in cell.outputs if o.output_type == "error"]


def test_c_tour_runs(tmp_path: Path) -> None:
    nb = run(nbformat.read(EXAMPLES / "c-tour.ipynb", as_version=4), tmp_path, timeout=60)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    for cell in code:
        tagged = EXPECTED_FAILURE in cell.metadata.get("tags", [])
        assert bool(errors(cell)) == tagged, (cell.source, cell.outputs)

    def cell_with(text: str) -> nbformat.NotebookNode:
        [found] = [cell for cell in code if text in cell.source]
        return found

    assert stdout(cell_with("7 squared")) == "7 squared is 49\nsqrt(2) = 1.414214\n"
    assert stdout(cell_with("square(12)")) == "144\n"
    assert stdout(cell_with("counter++")) == "hello, notebook has 15 characters; counter = 11\n"
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

    listing = stdout(cell_with("%list"))
    for key in ("square", "greeting", "counter", "Point", "norm", "<stdio.h>"):
        assert key in listing, key
    assert "broken" not in listing, "a cell that did not compile is not remembered"


def test_stdin_reads_eof_under_nbclient(tmp_path: Path) -> None:
    nb = notebook(
        "#include <stdio.h>",
        'int x = 5;\nint n = scanf("%d", &x);\nprintf("n=%d x=%d\\n", n, x);',
        'char line[16];\nprintf("%s\\n", fgets(line, sizeof line, stdin) ? "line" : "eof");',
    )
    run(nb, tmp_path, timeout=15)  # a program waiting for input would time out here
    assert stdout(nb.cells[1]) == "n=-1 x=5\n"
    assert stdout(nb.cells[2]) == "eof\n"


def test_interrupt_on_timeout_keeps_the_kernel_and_its_memory(tmp_path: Path) -> None:
    nb = notebook(
        "#include <stdio.h>\nint remembered(void) { return 7; }",
        'printf("looping\\n");\nfor (;;);',
        'printf("after %d\\n", remembered());',
        failing=(1,),
    )
    run(nb, tmp_path, timeout=3, interrupt_on_timeout=True)
    [error] = errors(nb.cells[1])
    assert error.ename == "KeyboardInterrupt"
    assert stdout(nb.cells[1]) == "looping\n"
    assert stdout(nb.cells[2]) == "after 7\n"
    assert nb.cells[2].execution_count == nb.cells[1].execution_count + 1, "same kernel, not a restarted one"

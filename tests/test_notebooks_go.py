"""Go notebooks run end to end with nbclient, as papermill and CI run them (no stdin, timeouts)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXPECTED_FAILURE = "raises-exception"


def run(nb: nbformat.NotebookNode, cwd: Path, **options: object) -> nbformat.NotebookNode:
    """Execute ``nb`` in ``cwd`` with ccell-go. nbclient raises for an error in an untagged cell."""
    client = NotebookClient(
        nb,
        kernel_name="ccell-go",
        allow_errors=False,  # cells tagged raises-exception may fail; any other error fails the test
        resources={"metadata": {"path": str(cwd)}},
        **options,
    )
    client.execute()
    return nb


def notebook(*sources: str, failing: tuple[int, ...] = ()) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "ccell-go", "display_name": "Go (compiled)", "language": "go"}
    for i, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source)
        if i in failing:
            cell.metadata["tags"] = [EXPECTED_FAILURE]
        nb.cells.append(cell)
    return nb


def stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def stderr(cell: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr")


def errors(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for o in cell.outputs if o.output_type == "error"]


def test_go_tour_runs(tmp_path: Path) -> None:
    nb = nbformat.read(EXAMPLES / "go-tour.ipynb", as_version=4)
    assert nb.metadata.kernelspec.name == "ccell-go"
    run(nb, tmp_path, timeout=120)  # the first cell may wait for a cold build cache
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    for cell in code:
        tagged = EXPECTED_FAILURE in cell.metadata.get("tags", [])
        assert bool(errors(cell)) == tagged, (cell.source, cell.outputs)

    def cell_with(text: str) -> nbformat.NotebookNode:
        [found] = [cell for cell in code if text in cell.source]
        return found

    assert stdout(cell_with('"notebook"')) == "hello, NOTEBOOK\n"
    assert stdout(cell_with("7 squared")) == "7 squared is 49\nsqrt(2) = 1.414214\n"
    assert stdout(cell_with("p := Point{3, 4}")) == "(3, 4) has norm 5\n"
    assert stdout(cell_with("&Point{1, 2}")) == "<1 2>\n"
    assert stdout(cell_with("counter++")) == "counter = 11 Tuesday = 2\n"
    assert stdout(cell_with("strings.Fields")) == "the-quick-brown-fox\n"
    assert stdout(cell_with("type pair")) == "local type\n"
    assert stdout(cell_with("func main()")) == "row 0\nrow 1\nrow 2\n"

    broken = cell_with("undefinedVariable")
    [error] = errors(broken)
    assert error.ename == "CompileError"
    assert error.evalue == f"Cell In[{broken.execution_count}], line 2: error: undefined: undefinedVariable"
    assert error.traceback[0] == f"CompileError: {error.evalue}"

    panics = cell_with("xs[len(xs)]")
    [error] = errors(panics)
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 2")
    assert f"Cell In[{panics.execution_count}], line 2" in stderr(panics)

    exits = cell_with("os.Exit(3)")
    assert stdout(exits) == "leaving early\n"
    [error] = errors(exits)
    assert (error.ename, error.evalue) == ("ExitStatus", "exit status 3")

    listing = stdout(cell_with("%list"))
    for key in ("square", "Point.Norm", "Point.String", "counter", "Sunday, Monday, Tuesday", "strings"):
        assert key in listing, key
    assert "broken" not in listing, "a cell that did not compile is not remembered"
    assert "main" not in listing and "pair" not in listing


def test_stdin_reads_eof_under_nbclient(tmp_path: Path) -> None:
    nb = notebook(
        "x := 5\nn, err := fmt.Scan(&x)\nfmt.Println(n, x, err)",
        "line, err := bufio.NewReader(os.Stdin).ReadString('\\n')\nfmt.Printf(\"%q %v\\n\", line, err)",
    )
    run(nb, tmp_path, timeout=120)  # a program waiting for input would time out here
    assert stdout(nb.cells[0]) == "0 5 EOF\n"
    assert stdout(nb.cells[1]) == '"" EOF\n'


def test_interrupt_on_timeout_keeps_the_kernel_and_its_memory(tmp_path: Path) -> None:
    warm = notebook('fmt.Println("warm")')
    run(warm, tmp_path, timeout=120)  # a cold build cache must not eat the short timeout below
    nb = notebook(
        "func remembered() int { return 7 }",
        'fmt.Println("looping")\nfor {\n}',
        'fmt.Println("after", remembered())',
        failing=(1,),
    )
    run(nb, tmp_path, timeout=5, interrupt_on_timeout=True)
    [error] = errors(nb.cells[1])
    assert error.ename == "KeyboardInterrupt"
    assert stdout(nb.cells[1]) == "looping\n"
    assert stdout(nb.cells[2]) == "after 7\n"
    assert nb.cells[2].execution_count == nb.cells[1].execution_count + 1, "same kernel, not a restarted one"

"""Running notebooks with nbclient, as papermill and CI run them (no stdin, timeouts).

``run`` executes a notebook with the kernel its metadata names; nbclient raises for an error in a cell
not tagged ``raises-exception``. ``notebook`` makes one from sources, ``run_tour`` runs an example
notebook and checks that exactly its tagged cells failed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import localsources
import nbformat
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXPECTED_FAILURE = "raises-exception"
KERNELSPECS = {
    "c": {"name": "ccell-c", "display_name": "C (compiled)", "language": "c"},
    "go": {"name": "ccell-go", "display_name": "Go (compiled)", "language": "go"},
    "rust": {"name": "ccell-rust", "display_name": "Rust (compiled)", "language": "rust"},
}


def run(nb: nbformat.NotebookNode, cwd: Path, **options: object) -> nbformat.NotebookNode:
    """Execute ``nb`` in ``cwd`` with the kernel its metadata names, its libraries from the local
    sources as ``examples/run_examples.py`` runs the tours (``localsources.examples_environment``)."""
    client = NotebookClient(
        nb,
        kernel_name=nb.metadata["kernelspec"]["name"],
        allow_errors=False,  # cells tagged raises-exception may fail; any other error fails the test
        resources={"metadata": {"path": str(cwd)}},
        **options,
    )
    sources = localsources.examples_environment(cwd / ".sources")
    client.execute(**({"env": {**os.environ, **sources}} if sources else {}))
    return nb


def notebook(language: str, *sources: str, failing: tuple[int, ...] = ()) -> nbformat.NotebookNode:
    """A notebook for ``language``'s kernel with one code cell per source (``failing``: tagged)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPECS[language])
    for i, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source)
        if i in failing:
            cell.metadata["tags"] = [EXPECTED_FAILURE]
        nb.cells.append(cell)
    return nb


def stdout(cell: nbformat.NotebookNode) -> str:
    return stream(cell, "stdout")


def stderr(cell: nbformat.NotebookNode) -> str:
    return stream(cell, "stderr")


def stream(cell: nbformat.NotebookNode, name: str) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == name)


def errors(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for o in cell.outputs if o.output_type == "error"]


def check_rich_tour(cell_with: Callable[[str], nbformat.NotebookNode], value_code: str, value: str) -> None:
    """A tour's rich cells: a value as Out[n], an HTML table, and an SVG chart after its title."""
    shown = cell_with(value_code)
    [result] = [o for o in shown.outputs if o.output_type == "execute_result"]
    assert (result.execution_count, result.data["text/plain"]) == (shown.execution_count, value)
    table = cell_with("an HTML table")
    [html] = [o.data["text/html"] for o in table.outputs if o.output_type == "display_data"]
    assert html.startswith("<table>") and html.count("<tr>") == 6 and "<td>25</td>" in html
    chart = cell_with("a bar chart")
    assert [o.output_type for o in chart.outputs] == ["stream", "display_data"]
    assert chart.outputs[0].text == "squares of 1 to 8:\n"
    svg = chart.outputs[1].data["image/svg+xml"]
    assert svg.startswith("<svg") and svg.count("<rect") == 8


def run_tour(
    filename: str, kernel: str, cwd: Path, *, timeout: int
) -> Callable[[str], nbformat.NotebookNode]:
    """Run ``examples/filename`` (its metadata names ``kernel``): the cells that failed are exactly
    those tagged raises-exception. Returns a lookup of the one code cell whose source holds a text."""
    nb = nbformat.read(EXAMPLES / filename, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == kernel
    run(nb, cwd, timeout=timeout)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    for cell in code:
        tagged = EXPECTED_FAILURE in cell.metadata.get("tags", [])
        assert bool(errors(cell)) == tagged, (cell.source, cell.outputs)

    def cell_with(text: str) -> nbformat.NotebookNode:
        [found] = [cell for cell in code if text in cell.source]
        return found

    return cell_with

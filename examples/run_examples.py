"""Execute every example notebook with nbclient and print each cell with its output.

    python examples/run_examples.py [--store] [NOTEBOOK ...]

Cells tagged ``raises-exception`` are expected to fail (they show errors on purpose); any other
failing cell makes this script exit 1. Where Debian's packaged crates are installed (``./dev`` installs
them), the tours' libraries come from there (``tests/localsources.py``), so that they need no network;
elsewhere from the user's own registries. ``--store`` (what ``./dev examples`` runs) also writes each
notebook back in place with its outputs, so that a code host shows the charts and tables; each is
run in a folder of its own, so that nothing it writes lands in ``examples/``.
``tests/test_examples_stored.py`` checks that a fresh run still gives the stored outputs.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests"))
import localsources  # noqa: E402  (the tests' local sources of libraries, beside this folder)


def show(nb: nbformat.NotebookNode) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        print(f"In [{cell.execution_count}]:")
        print("    " + cell.source.replace("\n", "\n    "))
        for out in cell.outputs:
            if out.output_type == "stream":
                print(out.text, end="" if out.text.endswith("\n") else "\n")
            elif out.output_type == "error":
                print("\n".join(out.traceback))
            elif out.output_type == "execute_result":
                print(f"Out[{out.execution_count}]: {out.data['text/plain']}")
            elif out.output_type == "display_data":
                for mime, data in out.data.items():
                    print(f"[display {mime}, {len(data)} characters]")
        print()


def run(path: Path, cwd: Path | None = None) -> nbformat.NotebookNode:
    """``path`` executed (in ``cwd``, else its own folder)."""
    nb = nbformat.read(path, as_version=4)
    folder = cwd or path.parent
    resources = {"metadata": {"path": str(folder)}}
    client = NotebookClient(nb, timeout=300, interrupt_on_timeout=True, resources=resources)
    with tempfile.TemporaryDirectory(prefix="ccell-sources-") as sources:
        env = localsources.examples_environment(Path(sources))
        client.execute(**({"env": {**os.environ, **env}} if env else {}))
    return nb


def executed(path: Path) -> nbformat.NotebookNode:
    """``path`` executed in a temporary folder, ready to be stored: without what changes on every run
    and says nothing to a reader (nbclient's per-cell timestamps)."""
    folder = Path(tempfile.mkdtemp(prefix="ccell-example-"))
    try:
        nb = run(path, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def main(argv: list[str]) -> int:
    store = "--store" in argv
    paths = [Path(a) for a in argv if a != "--store"] or sorted(HERE.glob("*.ipynb"))
    for path in paths:
        print(f"=== {path.name} ({nbformat.read(path, as_version=4).metadata.kernelspec.display_name})")
        try:
            nb = executed(path) if store else run(path)
        except CellExecutionError as err:
            print(f"{path.name}: a cell failed that should not have:\n{err}", file=sys.stderr)
            return 1
        show(nb)
        if store:
            nbformat.write(nb, path)
            print(f"=== stored {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

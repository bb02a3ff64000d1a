"""Execute every example notebook with nbclient and print each cell with its output.

    python examples/run_examples.py [NOTEBOOK ...]

Cells tagged ``raises-exception`` are expected to fail (they show errors on purpose); any other
failing cell makes this script exit 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).parent


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


def run(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=120, interrupt_on_timeout=True, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return nb


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(HERE.glob("*.ipynb"))
    for path in paths:
        print(f"=== {path.name} ({nbformat.read(path, as_version=4).metadata.kernelspec.display_name})")
        try:
            show(run(path))
        except CellExecutionError as err:
            print(f"{path.name}: a cell failed that should not have:\n{err}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

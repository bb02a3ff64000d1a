"""The example notebooks are stored executed (``./dev examples``), so that a code host shows their
outputs; each is executed fresh here and must give the stored outputs again.

Outputs are compared after ``normalised``, which replaces only text that differs from run to run
for reasons no change of ours causes. Each rule says why it exists; anything else that differs is a
real change: run ``./dev examples`` and review the diff.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from notebooks import EXAMPLES, run

pytestmark = pytest.mark.slow

STORED = sorted(EXAMPLES.glob("*.ipynb"))
RULES = [
    # Rust's panic message names the OS thread id (`thread 'main' (24488) panicked`, Rust 1.88+)
    (re.compile(r"(thread '[^']*') \(\d+\)"), r"\1 (<thread id>)"),
    # addresses: ASLR puts the heap, stack and libraries elsewhere every run (`%p`, pointer Out[n])
    (re.compile(r"\b0x[0-9a-fA-F]{6,}\b"), "0x<address>"),
    # the kernel's build folder and a run's folder are made by mkdtemp (a compiler's message names them)
    (re.compile(r"/tmp/[\w.-]+"), "/tmp/<temporary>"),
    # %time's milliseconds are this machine's, this run's
    (re.compile(r"\b\d+\.\d ms\b"), "<n> ms"),
    # cargo's and go's progress while a %dep builds: their lines come in the order parallel jobs end,
    # and not at all when the user's cache already holds the build
    (
        re.compile(
            r"^ *(Compiling|Locking|Adding|Updating|Downloaded|Downloading|Finished|Blocking)\b.*\n", re.M
        ),
        "",
    ),
    (re.compile(r"^go: (downloading|finding|added|upgraded) .*\n", re.M), ""),
]


def normalised(text: str) -> str:
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


def outputs(cell: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """What a reader sees of a cell's outputs (not their metadata), normalised."""
    shown = []
    for output in cell.get("outputs", []):
        kind = output.output_type
        if kind == "stream":
            text = normalised(output.text)
            if not text:  # it held only progress (above)
                continue
            item = {"stream": output.name, "text": text}
        elif kind == "error":
            item = {"error": output.ename, "traceback": [normalised(line) for line in output.traceback]}
        else:
            data = {m: normalised(v) if isinstance(v, str) else v for m, v in output.data.items()}
            item = {kind: data, "count": output.get("execution_count")}
        shown.append(item)
    return shown


def test_the_normalisation_is_narrow() -> None:
    assert normalised("thread 'main' (24488) panicked at Cell In[14]") == (
        "thread 'main' (<thread id>) panicked at Cell In[14]"
    )
    assert normalised("p = 0x7ffd5c3a1b20, n = 0x10") == "p = 0x<address>, n = 0x10"
    assert normalised("time: compile 12.5 ms, total 40.0 ms") == "time: compile <n> ms, total <n> ms"
    assert normalised("counter is still 12; 3.5 s") == "counter is still 12; 3.5 s"
    assert normalised("   Compiling rand v0.8.5\n    Finished `dev` profile\nwarning: x\n") == "warning: x\n"


@pytest.mark.parametrize("path", STORED, ids=[p.name for p in STORED])
def test_a_fresh_run_gives_the_stored_outputs(path: Path, tmp_path: Path) -> None:
    stored = nbformat.read(path, as_version=4)
    code = [cell for cell in stored.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code), f"{path.name}: run ./dev examples"
    assert any(cell.outputs for cell in code), f"{path.name} is stored without outputs: run ./dev examples"
    fresh = run(nbformat.read(path, as_version=4), tmp_path, timeout=120)
    for before, now in zip(code, [c for c in fresh.cells if c.cell_type == "code"], strict=True):
        assert now.execution_count == before.execution_count, before.source
        assert outputs(now) == outputs(before), f"{path.name}, cell:\n{before.source}"

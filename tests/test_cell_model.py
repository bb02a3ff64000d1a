"""The shared cell-model table (``cell_model_table.py``) against every language's real kernel.

One kernel per language for the module, started through jupyter_client from its installed kernelspec
with a small output limit; every case starts from ``%reset``. A language whose kernel cannot start
fails all its cases: nothing here is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cell_model_table import CASES, LANGUAGES, OUTPUT_LIMIT, Case, kernel_name, prepare, run_case
from kernel_client import RunningKernel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def kernel(language: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningKernel]:
    prepare(language)
    cwd: Path = tmp_path_factory.mktemp(f"cell-model-{language}")
    running = RunningKernel(kernel_name(language), env={"CCELL_OUTPUT_LIMIT": str(OUTPUT_LIMIT)}, cwd=cwd)
    yield running
    running.shutdown()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_cell_model(kernel: RunningKernel, language: str, case: Case) -> None:
    run_case(kernel, case, language)

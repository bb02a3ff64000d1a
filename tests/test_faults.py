"""The fault suite's fast cases (``benchmarks/faults.py``) as tests, from the same definitions.

One ``Lab`` for the module: each kernel of ``faults.VARIANTS`` (live C, C after ``%state fresh``, Go,
Rust, and each with cgroups turned off) starts once and serves every case for it, in the suite's
order. The slow cases (floods, 1000 cells, four kernels, crash kinds, interrupts twice) run only in the
suite; the per-language kernel tests cover crashes and interrupts already.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import faults

pytestmark = pytest.mark.slow

FAST = [(case, kernel) for case in faults.CASES if case.fast for kernel in case.kernels]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[faults.Lab]:
    running = faults.Lab(tmp_path_factory.mktemp("faults"))
    yield running
    running.close()


@pytest.mark.parametrize(("case", "kernel"), FAST, ids=[f"{kernel}: {case.name}" for case, kernel in FAST])
def test_fault(case: faults.Case, kernel: str, lab: faults.Lab) -> None:
    outcome = case.run(lab, kernel)
    assert outcome.ok, f"{case.name} ({kernel}): expected {case.expected}; observed {outcome.observed}"

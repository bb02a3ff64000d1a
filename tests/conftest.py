"""Shared fixtures. Tests use the real C compiler: a missing one fails, it is never skipped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cells import Cells, ListIO  # noqa: F401 - re-exported for test modules

from ccellkernel.plugins import load_toolchain
from ccellkernel.session import Session


@pytest.fixture
def c_cells(tmp_path) -> Iterator[Cells]:  # type: ignore[no-untyped-def]
    session = Session(load_toolchain("c"), cwd=tmp_path)
    yield Cells(session)
    session.close()

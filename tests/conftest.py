"""Shared fixtures. Tests use the real compilers: a missing one fails, it is never skipped."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from cells import Cells, ListIO  # noqa: F401 - re-exported for test modules

from ccellkernel.api.plugins import load_toolchain
from ccellkernel.api.toolchain import Toolchain
from ccellkernel.notebook.session import Session


@pytest.fixture
def c_cells(tmp_path) -> Iterator[Cells]:  # type: ignore[no-untyped-def]
    session = Session(load_toolchain("c"), cwd=tmp_path)
    yield Cells(session)
    session.close()


@pytest.fixture(scope="module")
def go_toolchain(tmp_path_factory: pytest.TempPathFactory) -> Toolchain:
    """One Go toolchain for the module (it caches where go is and the standard library's names),
    warmed up: the standard library in the build cache before the first build (cold, it takes
    seconds)."""
    toolchain = load_toolchain("go")
    session = Session(toolchain, cwd=tmp_path_factory.mktemp("warm"))
    asyncio.run(session.warm_up())
    session.close()
    return toolchain


@pytest.fixture
def go_cells(go_toolchain: Toolchain, tmp_path: Path) -> Iterator[Cells]:
    """A fresh Go session in its own directory, on the module's toolchain."""
    session = Session(go_toolchain, cwd=tmp_path)
    yield Cells(session)
    session.close()

"""Shared fixtures. Tests use the real compilers: a missing one fails, it is never skipped.

No test reaches the network: Go looks for modules nowhere (``GOPROXY=off``) unless a test gives a
kernel a proxy of its own (a ``file://`` one it made).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cells import Cells, ListIO  # noqa: F401 - re-exported for test modules

from ccellkernel.api.plugins import load_toolchain
from ccellkernel.api.toolchain import Toolchain
from ccellkernel.notebook.session import Session

os.environ["GOPROXY"] = "off"


@pytest.fixture
def c_cells(tmp_path) -> Iterator[Cells]:  # type: ignore[no-untyped-def]
    session = Session(load_toolchain("c"), cwd=tmp_path)
    yield Cells(session)
    session.close()


@pytest.fixture(scope="session")
def go_toolchain(tmp_path_factory: pytest.TempPathFactory) -> Toolchain:
    """One Go toolchain for the run (it caches where go is and the standard library's names; the
    modules using it, test_session, test_go_session and test_cases, share one warm-up), warmed up:
    the standard library in the build cache before the first build (cold, it takes seconds)."""
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


@pytest.fixture(scope="module")
def rust_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cells]:
    """One Rust session for the module, numbering its cells like a notebook; use it through
    ``rust_cells``. (Not one for the run: while a Rust session is open, closing a C or Go session
    in the same process takes seconds, so a module runs its Rust tests last.)"""
    session = Session(load_toolchain("rust"), cwd=tmp_path_factory.mktemp("rust-session"))
    yield Cells(session)
    session.close()


@pytest.fixture
def rust_cells(rust_session: Cells) -> Cells:
    """The module's Rust session with nothing remembered, no flags, arguments or environment."""
    rust_session.ok("%reset\n%flags --clear\n%args --clear\n%env --clear\n%env RUST_BACKTRACE=0")
    return rust_session

"""Builds begun ahead (``ccellkernel/builds/ahead.py``): between cells the C kernel starts its compiler on
what the next unit begins with, and the next cell finishes it. It must give the program a usual
build gives, or not be used: errors and warnings read as ever, a header changed or shadowed after
the compiler read it is read again, flags are the new ones, and nothing of it outlives the kernel.

One C kernel serves the kernel cases (each case's files have their own names); ``reply_metadata``
``ccellkernel.builds.ahead`` says how many of a cell's builds finished one begun ahead.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_client import CellResult, RunningKernel

from ccellkernel.api.errors import Interrupted
from ccellkernel.builds.ahead import Ahead
from ccellkernel.run.processes import Supervisor
from ccellkernel.run.runner import Execution

SETTLE = 0.5  # seconds between cells: the compiler begun ahead has read the headers by then


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ahead")


@pytest.fixture(scope="module")
def kernel(folder: Path) -> Iterator[RunningKernel]:
    running = RunningKernel("ccell-c", cwd=folder)
    try:
        yield running
    finally:
        running.shutdown()


def cell(kernel: RunningKernel, code: str) -> CellResult:
    time.sleep(SETTLE)  # as a person types: the next build has begun meanwhile
    return kernel.execute(code, timeout=60)


def ahead(result: CellResult) -> int:
    return int(result.reply_metadata["ccellkernel"]["ahead"])


def test_a_cell_finishes_the_build_begun_after_the_last(kernel: RunningKernel) -> None:
    first = cell(kernel, '#include <stdio.h>\nprintf("one\\n");')
    assert first.status == "ok" and first.stdout == "one\n", first.describe()
    assert ahead(first) == 1, "begun once the kernel started (on an empty memory)"
    for code, out in [
        ('printf("two\\n");', "two\n"),
        ('#include <string.h>\nint n = (int)strlen("three");', ""),  # a new include: still ahead
        ('printf("%d\\n", n);', "5\n"),
        ("struct pt { int x, y; };", ""),
        ("struct pt p = {1, 2};\np.x + p.y", ""),
    ]:
        result = cell(kernel, code)
        assert result.status == "ok" and result.stdout == out, result.describe()
        assert ahead(result) == 1, (code, result.reply_metadata)
    shown = [m.content["data"]["text/plain"] for m in result.outputs if m.msg_type == "execute_result"]
    assert shown == ["3"], result.describe()


def test_cells_sent_at_once_find_the_next_build_begun_beside_theirs(kernel: RunningKernel) -> None:
    """Run All: no pause between cells. From the second cell on the kernel knows the cells come at once
    and begins the next cell's build beside each cell's own; the third cell and later finish one."""
    kernel.execute('#include <stdio.h>\nprintf("start\\n");', timeout=60)
    results = [kernel.execute(f'printf("%d\\n", {n});', timeout=60) for n in range(6)]
    assert [r.stdout for r in results] == [f"{n}\n" for n in range(6)], [r.describe() for r in results]
    assert all(ahead(r) == 1 for r in results[2:]), [r.reply_metadata for r in results]


def test_messages_read_as_a_usual_build_makes_them(kernel: RunningKernel, folder: Path) -> None:
    """Warnings of a build begun ahead name the cell, never the files of that build (one in a header
    the cell includes would: that cell is built again as usual, as is a cell with an error)."""
    failed = cell(kernel, 'printf("%d\\n", nowhere);')
    assert failed.status == "error" and ahead(failed) == 0, "an error is a usual build's"
    warned = cell(kernel, '{ int w = 0; if (w = 1) printf("%d\\n", w); }')
    assert warned.status == "ok" and warned.stdout == "1\n", warned.describe()
    assert ahead(warned) == 1 and "Cell In[" in warned.stderr and "parentheses" in warned.stderr
    (folder / "broken.h").write_text("int broken = ;\n")
    deeper = cell(kernel, '#include "broken.h"')
    assert deeper.status == "error" and ahead(deeper) == 0, deeper.describe()
    for result in (failed, warned, deeper):
        text = "\n".join(e for x in result.errors for e in x["traceback"]) + result.stderr
        assert "error" in text or "warning" in text, text
        for word in ("/proc/self/fd", "unit.c", "/ahead/"):
            assert word not in text, text
    assert "Cell In[" in "\n".join(failed.error["traceback"]) and "nowhere" in failed.error["evalue"]
    assert "broken.h" in deeper.error["evalue"]


def test_a_header_changed_after_the_build_began_is_read_again(kernel: RunningKernel, folder: Path) -> None:
    header = folder / "later.h"
    header.write_text("#define LATER 1\n")
    assert cell(kernel, '#include "later.h"\nprintf("%d\\n", LATER);').stdout == "1\n"
    time.sleep(SETTLE)  # the compiler begun ahead has read later.h as it was
    header.write_text("#define LATER 2\n")
    result = cell(kernel, 'printf("%d\\n", LATER);')
    assert result.status == "ok" and result.stdout == "2\n", result.describe()
    assert ahead(result) == 0, "the build begun on the old header was not used"
    assert cell(kernel, 'printf("%d\\n", LATER);').stdout == "2\n"


def test_a_header_made_in_the_folder_later_is_found(kernel: RunningKernel, folder: Path) -> None:
    """``-I`` puts the notebook's folder first: a header made there now hides the one read before."""
    (folder / "inc").mkdir()
    (folder / "inc" / "pick.h").write_text('#define WHO "inc"\n')
    assert kernel.execute("%flags -Iinc").status == "ok"
    assert cell(kernel, '#include "pick.h"\nprintf("%s\\n", WHO);').stdout == "inc\n"
    time.sleep(SETTLE)
    (folder / "pick.h").write_text('#define WHO "folder"\n')
    result = cell(kernel, 'printf("%s!\\n", WHO);')
    assert result.status == "ok" and result.stdout == "folder!\n", result.describe()
    assert ahead(result) == 0


def test_new_flags_are_the_next_builds_flags(kernel: RunningKernel) -> None:
    assert kernel.execute("%flags -DLEVEL=5").status == "ok"
    five = cell(kernel, 'printf("%d\\n", LEVEL);')
    assert five.stdout == "5\n" and ahead(five) == 1, five.describe()
    assert kernel.execute("%flags -DLEVEL=6").status == "ok"
    six = cell(kernel, 'printf("%d\\n", LEVEL + 0);')
    assert six.stdout == "6\n" and ahead(six) == 1, six.describe()
    assert kernel.execute("%flags --clear").status == "ok"


def _compilers_in(folder: Path) -> list[int]:
    """The compiler processes working in ``folder`` (the kernel's folder: its builds')."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            name = Path(f"/proc/{entry}/comm").read_text().strip()
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        if name in ("cc1", "cc", "gcc", "as") and Path(cwd) == folder:
            found.append(int(entry))
    return found


def test_nothing_begun_ahead_outlives_its_kernel(tmp_path: Path) -> None:
    kernel = RunningKernel("ccell-c", cwd=tmp_path)
    try:
        assert cell(kernel, '#include <stdio.h>\nprintf("x\\n");').stdout == "x\n"
        time.sleep(SETTLE)
        assert _compilers_in(tmp_path), "a compiler waits for the next cell"
    finally:
        kernel.shutdown()
    deadline = time.monotonic() + 10
    while _compilers_in(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _compilers_in(tmp_path)


# -- the mechanism alone, with a stand-in for a compiler --------------------------------------------


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Supervisor]:
    (tmp_path / "build").mkdir()
    running = Supervisor(tmp_path / "build")
    running.start()
    yield running
    running.close()


def test_the_rest_goes_to_the_tool_and_a_wrong_key_kills_it(supervisor: Supervisor, tmp_path: Path) -> None:
    async def main() -> None:
        ahead = Ahead(supervisor, tmp_path / "ahead")
        folder = ahead.folder()
        tool = ["sh", "-c", f"cat > {folder}/got; echo done"]
        ahead.start("k", tool, folder=folder, cwd=tmp_path, prefix="head\n")
        assert ahead.holds("k") and not ahead.holds("other") and ahead.prefix() == "head\n"
        begun = await ahead.finish("k", b"the rest" * 20000)  # more than a pipe holds
        assert begun is not None and begun.result.returncode == 0 and begun.result.stdout == "done\n"
        assert (folder / "got").read_bytes() == b"the rest" * 20000
        assert ahead.prefix() is None and await ahead.finish("k", b"") is None, "used once"

        folder = ahead.folder()
        ahead.start("k", ["sleep", "30"], folder=folder, cwd=tmp_path)
        await asyncio.sleep(0.2)
        assert await ahead.finish("another key", b"") is None
        ahead.close()

    asyncio.run(main())


def test_a_start_while_one_is_finished_keeps_its_folder(supervisor: Supervisor, tmp_path: Path) -> None:
    """Run All begins the next cell's build beside the one a cell finishes: its folder stays until the
    cell has taken its output (``finished``), and the start after that removes it."""

    async def main() -> None:
        ahead = Ahead(supervisor, tmp_path / "ahead")
        first = ahead.folder()
        ahead.start("k", ["sh", "-c", f"sleep 0.3; cat > {first}/out"], folder=first, cwd=tmp_path)
        finishing = asyncio.ensure_future(ahead.finish("k", b"made"))
        await asyncio.sleep(0.05)  # the first has been taken, and waits for its tool
        second = ahead.folder()
        ahead.start("k", ["cat"], folder=second, cwd=tmp_path)
        begun = await finishing
        assert begun is not None and begun.result.returncode == 0
        assert (first / "out").read_bytes() == b"made", "the folder being finished was kept"
        assert ahead.holds("k"), "the one begun beside it waits"
        ahead.finished(first)
        ahead.folder()
        assert not first.exists() and not second.exists()
        ahead.close()

    asyncio.run(main())


def test_a_changed_environment_or_watched_folder_spoils_it(
    supervisor: Supervisor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def main() -> None:
        ahead = Ahead(supervisor, tmp_path / "ahead")
        watched = tmp_path / "watched"
        watched.mkdir()
        ahead.start("k", ["cat"], folder=ahead.folder(), cwd=tmp_path, watch=[watched])
        monkeypatch.setenv("CCELL_AHEAD_TEST", "changed")
        assert await ahead.finish("k", b"") is None, "the tool runs with the kernel's environment"
        monkeypatch.delenv("CCELL_AHEAD_TEST")
        ahead.start("k", ["cat"], folder=ahead.folder(), cwd=tmp_path, watch=[watched])
        time.sleep(0.02)
        (watched / "new.h").write_text("")
        assert await ahead.finish("k", b"") is None, "a new file where headers are looked for"
        ahead.close()

    asyncio.run(main())


def test_an_interrupt_stops_the_build_it_finishes(supervisor: Supervisor, tmp_path: Path) -> None:
    async def main() -> None:
        execution = Execution(supervisor)
        ahead = Ahead(supervisor, tmp_path / "ahead", execution=lambda: execution)
        ahead.start("k", ["sh", "-c", "cat >/dev/null; sleep 30"], folder=ahead.folder(), cwd=tmp_path)
        asyncio.get_running_loop().call_later(0.3, execution.interrupt)
        started = time.monotonic()
        with pytest.raises(Interrupted):
            await ahead.finish("k", b"x")
        assert time.monotonic() - started < 5
        ahead.close()

    asyncio.run(main())


def test_a_header_changed_since_the_start_is_seen(tmp_path: Path) -> None:
    from ccellkernel.api.toolchain import ToolResult
    from ccellkernel.builds.ahead import Begun

    header = tmp_path / "h.h"
    header.write_text("old")
    before = Begun(ToolResult(0, "", ""), tmp_path, time.time_ns() + 10**9)
    assert before.unchanged([header])
    after = Begun(ToolResult(0, "", ""), tmp_path, time.time_ns())
    header.write_text("new")
    assert not after.unchanged([header])
    assert not after.unchanged([tmp_path / "gone.h"])



def test_ccell_ahead_off_begins_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ccellkernel.api.plugins import load_toolchain
    from ccellkernel.notebook.session import Session

    monkeypatch.setenv("CCELL_AHEAD", "off")
    session = Session(load_toolchain("c"), cwd=tmp_path)
    try:
        assert session.live is not None and session.ahead is None
    finally:
        session.close()
    monkeypatch.delenv("CCELL_AHEAD")
    session = Session(load_toolchain("c"), cwd=tmp_path)
    try:
        assert session.ahead is not None
    finally:
        session.close()

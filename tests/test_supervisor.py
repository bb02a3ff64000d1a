"""The runs API (processes.py) that a long-lived program needs: keep processes, end the rest, learn
the exit status of a process the keeper adopted. Real processes, no Jupyter; with cgroups where the
machine allows them and without (the keeper's subreaper alone)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccellkernel.run.processes import Supervisor

# A stand-in for the live C program: a host that forks its checkpoint (a stopped copy that exits 7
# when continued), a process of the current cell, and a daemon of that cell (double fork, setsid).
HOST = """
import os, signal, sys, time
checkpoint = os.fork()
if checkpoint == 0:
    os.kill(os.getpid(), signal.SIGSTOP)
    os._exit(7)
cell = os.fork()
if cell == 0:
    time.sleep(60)
    os._exit(0)
r, w = os.pipe()
middle = os.fork()
if middle == 0:
    os.setsid()
    daemon = os.fork()
    if daemon == 0:
        time.sleep(60)
        os._exit(0)
    os.write(w, str(daemon).encode())
    os._exit(0)
os.waitpid(middle, 0)
daemon = int(os.read(r, 32))
print(checkpoint, cell, daemon, flush=True)
time.sleep(60)
"""


def state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return None


def wait_until(condition, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


async def until(condition, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    """``wait_until`` inside a scenario: the event loop goes on reading the run's news meanwhile."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


@pytest.fixture(params=[True, False], ids=["cgroups", "subreaper"])
def supervisor(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Supervisor]:
    workdir = tmp_path / "build"
    workdir.mkdir()
    running = Supervisor(workdir, cgroups=request.param)
    running.start()
    yield running
    running.close()
    assert not workdir.exists(), "closing the supervisor removes the build folder"


async def host(supervisor: Supervisor):  # type: ignore[no-untyped-def]
    out_r, out_w = os.pipe2(os.O_CLOEXEC)
    try:
        run = await supervisor.spawn([sys.executable, "-c", HOST], stdout=out_w, stderr=out_w, follow=True)
    finally:
        os.close(out_w)
    line = b""
    while not line.endswith(b"\n"):
        line += await asyncio.to_thread(os.read, out_r, 100)
    os.close(out_r)
    checkpoint, cell, daemon = (int(word) for word in line.split())
    return run, checkpoint, cell, daemon


def test_end_spares_kept_processes_and_adopted_ones_report_their_exit(supervisor: Supervisor) -> None:
    async def scenario() -> None:
        run, checkpoint, cell, daemon = await host(supervisor)
        assert set(run.members()) >= {run.pid, checkpoint, cell, daemon}
        run.keep(run.pid)
        run.keep(checkpoint)
        assert await run.end_async(), "the cell's processes end"
        assert await until(lambda: state(cell) in (None, "Z") and state(daemon) in (None, "Z"))
        assert state(run.pid) not in (None, "Z") and state(checkpoint) == "T", (
            "kept: the host and its checkpoint"
        )
        assert await until(lambda: run.exit_of(daemon) is not None), (
            "the daemon was the keeper's (adopted when its parent exited)"
        )
        assert run.exit_of(daemon).returncode == -signal.SIGKILL
        # The host crashes: its status is known, and its checkpoint is adopted, alive, still kept.
        os.kill(run.pid, signal.SIGSEGV)
        died = await run.wait()
        assert died.returncode == -signal.SIGSEGV
        assert await until(lambda: checkpoint in run.adopted())
        assert await run.end_async(), "nothing but the kept checkpoint is left"
        assert state(checkpoint) == "T"
        os.kill(checkpoint, signal.SIGCONT)
        resumed = await asyncio.wait_for(run.wait(checkpoint), 10)
        assert resumed.returncode == 7, "the exit status of an adopted process"
        assert await until(lambda: run.finished), "nothing of the run is left: it is over"
        assert run.members() == [] and run.adopted() == []

    asyncio.run(scenario())


def test_close_ends_kept_processes_too(supervisor: Supervisor) -> None:
    async def scenario() -> None:
        run, checkpoint, cell, daemon = await host(supervisor)
        run.keep(run.pid)
        run.keep(checkpoint)
        run.hand_over()  # from now on the monitor thread reads the run's news: no loop needed
        return run, [run.pid, checkpoint, cell, daemon]

    run, pids = asyncio.run(scenario())
    run.close()
    assert wait_until(lambda: all(state(pid) in (None, "Z") for pid in pids))
    assert wait_until(lambda: run.finished)
    assert run.exit_of(pids[0]).returncode == -signal.SIGKILL


def test_a_missing_program_is_file_not_found_and_the_next_start_works(supervisor: Supervisor) -> None:
    async def scenario() -> None:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            with pytest.raises(FileNotFoundError):
                await supervisor.spawn(["no-such-program-here"], stdout=null, stderr=null)
            run = await supervisor.spawn(["true"], stdout=null, stderr=null, follow=True)
            assert (await run.wait()).returncode == 0
            run.hand_over()
        finally:
            os.close(null)

    asyncio.run(scenario())


def test_a_killed_supervisor_is_started_again(supervisor: Supervisor) -> None:
    async def one() -> int:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            run = await supervisor.spawn(["sh", "-c", "exit 4"], stdout=null, stderr=null, follow=True)
            code = (await run.wait()).returncode
            run.hand_over()
            return code
        finally:
            os.close(null)

    assert asyncio.run(one()) == 4
    first = supervisor.info()["hello"]
    os.kill(first, signal.SIGKILL)
    assert wait_until(lambda: state(first) in (None, "Z"))
    assert asyncio.run(one()) == 4
    assert supervisor.info()["hello"] != first

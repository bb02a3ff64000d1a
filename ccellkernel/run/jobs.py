"""Background jobs: ``%%bash --bg`` and ``!cmd &``, the programs that outlive the cell starting them.

Every other process a cell starts ends with its cell. A job is the explicit exception: it lives until
it ends by itself, ``%jobs kill N``, or the kernel stops (shutdown, restart, or the kernel's death:
the supervisor ends it then). Whatever a job starts (``server &`` in its script) belongs to it and
lives as long. Its stdin is /dev/null; its stdout and stderr go to a log file in the kernel's build
folder, ``jobs/N.log``, which ``%jobs`` names and ``%jobs log N`` shows: the cell that started it
has ended, so no cell could show that output. The limits of ``%limits`` apply to a job (memory, cpu,
processes) except the wall-clock ``time``.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ccellkernel.api.errors import MagicError
from ccellkernel.run.limits import Limits
from ccellkernel.run.processes import Run, Supervisor


@dataclass(frozen=True)
class Job:
    number: int
    command: str
    run: Run
    log: Path
    started: float  # time.monotonic()

    def state(self) -> str:
        exit = self.run.exit_of(self.run.pid)
        left = len(self.run.members())
        if exit is None:
            return "running"
        ended = ended_text(exit.returncode)
        if left:
            return f"{ended}; {left} of its processes still run"
        return ended


def ended_text(returncode: int) -> str:
    if returncode >= 0:
        return f"exited {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    return f"killed by {name}"


class Jobs:
    """The background jobs of one kernel."""

    def __init__(self, supervisor: Supervisor, folder: Path) -> None:
        self._supervisor = supervisor
        self.folder = folder
        self._jobs: dict[int, Job] = {}
        self._count = 0

    async def start(
        self,
        argv: Sequence[str],
        command: str,
        *,
        cwd: Path,
        env: Mapping[str, str],
        limits: Limits,
    ) -> Job:
        self._count += 1
        number = self._count
        self.folder.mkdir(exist_ok=True)
        log = self.folder / f"{number}.log"
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        try:
            run = await self._supervisor.spawn(
                argv,
                cwd=cwd,
                env=env,
                stdout=fd,
                stderr=fd,
                limits=dataclasses.replace(limits, time=None),
                label=f"job {number}",
            )
        finally:
            os.close(fd)
        job = Job(number, command, run, log, time.monotonic())
        self._jobs[number] = job
        return job

    def get(self, word: str) -> Job:
        job = self._jobs.get(int(word)) if word.isdigit() else None
        if job is None:
            known = ", ".join(str(n) for n in self._jobs) or "none"
            raise MagicError(f"no job {word}; the jobs are: {known} (see %jobs)")
        return job

    def listing(self) -> str:
        if not self._jobs:
            return "no background jobs (start one with %%bash --bg, or !command &)"
        now = time.monotonic()
        rows = []
        for job in self._jobs.values():
            rows.append(
                f"[{job.number}] pid {job.run.pid}  {job.state()}  ({now - job.started:.0f} s)  "
                f"{job.command.strip().splitlines()[0] if job.command.strip() else ''}\n"
                f"    log: {job.log}"
            )
        return "\n".join(rows)

    def kill(self, word: str) -> str:
        jobs = list(self._jobs.values()) if word == "all" else [self.get(word)]
        for job in jobs:
            job.run.close()
        return "\n".join(f"[{job.number}] killed" for job in jobs) or "no background jobs"

    def log(self, word: str, limit: int) -> str:
        job = self.get(word)
        try:
            with open(job.log, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size > limit:
                    f.seek(size - limit)
                data = f.read(limit)
        except OSError as err:
            raise MagicError(f"cannot read the log of job {job.number}: {err.strerror or err}") from None
        text = data.decode("utf-8", "replace")
        if size > limit:
            text = f"[the last {limit} of {size} bytes]\n" + text
        return text

    def close(self) -> None:
        """Kill every job (the kernel stops)."""
        for job in self._jobs.values():
            job.run.close()

"""What the magics do (CELL_MODEL.md section 6), once ``toolkit/magics.py`` has parsed them.

``Commands`` acts on a ``Notebook``: line magics (``%flags``, ``%rm``, ``%test``, ``!cmd``...) run before
the cell's code, in order; a cell magic (``%%writefile``, ``%%bash``) takes the rest of the cell.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import re
import shutil
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TextIO

from ccellkernel.api.display import Display
from ccellkernel.api.errors import ExitStatus, MagicError, ProgramSignal, TestFailure
from ccellkernel.api.libraries import Dependency, Libraries
from ccellkernel.api.testing import Report, TestOutcome
from ccellkernel.notebook import export, libraries
from ccellkernel.run import limits
from ccellkernel.run.runner import Execution
from ccellkernel.toolkit import magics
from ccellkernel.toolkit.magics import Magic, MagicSplit, help_text

if TYPE_CHECKING:
    from ccellkernel.notebook.state import Notebook
    from ccellkernel.run.output import CellIO


def shell() -> list[str]:
    """The shell for ``!`` and ``%%bash``: bash when there is one, else sh."""
    return [shutil.which("bash") or "/bin/sh", "-c"]


class Commands:
    """The magics' actions on one session."""

    def __init__(self, session: Notebook) -> None:
        self.session = session

    async def lines(self, magics: Sequence[Magic], io: CellIO, execution: Execution) -> None:
        """A cell's line magics in order; ``%dep`` lines in a row are resolved at once."""
        for together, group in itertools.groupby(magics, key=lambda m: m.name == "dep" and bool(m.args)):
            if together:
                await self.dep(list(group), io, execution)
                continue
            for magic in group:
                await self.line(magic, io, execution)

    async def line(self, magic: Magic, io: CellIO, execution: Execution) -> None:
        say = _say(io)
        session = self.session
        name, args = magic.name, magic.args
        if name in ("!", "!*"):
            cwd = self._build_folder() if name == "!*" else session.cwd
            background = _background(magic.text)
            if background is not None:
                await self.job([*shell(), background], background, io, cwd=cwd)
            else:
                await session.run([*shell(), magic.text], io, execution, cwd=cwd)
        elif name == "help":
            say(help_text(session.toolchain.display_name, str(session.workdir), self._runs()))
        elif name == "list":
            say(session.listing())
        elif name == "show":
            say(session.render_now().text)
        elif name == "rm":
            dropped = [word for word in args if session.options.libraries.find(word) is not None]
            if dropped:
                await self._resolve(session.options.libraries.without(dropped), io, execution)
                say(f"dropped the {_plural(len(dropped), 'library', 'libraries')} {', '.join(dropped)}")
                args = tuple(word for word in args if word not in dropped)
                if not args:
                    return
            forgot, missing = session.forget(args)
            if forgot:
                say(forgot)
            if missing:  # a warning, not an error: a notebook run from the top goes on
                unknown = ", ".join(missing)
                io.stream("stderr", f"%rm: nothing remembered as {unknown}; see %list for the keys\n")
        elif name == "reset":
            session.reset()
            kept = "flags, args, env and libraries" if session.options.libraries else "flags, args and env"
            say(f"memory cleared ({kept} kept)")
        elif name == "dep":
            await self.dep([magic], io, execution)
        elif name in ("flags", "args"):
            current: tuple[str, ...] = getattr(session.options, name)
            if args == ("--clear",):
                current = ()
            elif args:
                current = args
            session.options = dataclasses.replace(session.options, **{name: current})
            say(f"{name}: {' '.join(current) if current else '(none)'}")
        elif name == "flags+":  # jupyter-c-kernel's //%cflags: and //%ldflags: add to %flags
            added = tuple(a for a in args if a not in session.options.flags)
            session.options = dataclasses.replace(session.options, flags=session.options.flags + added)
        elif name == "env":
            self._env(args, say)
        elif name == "test":
            await self.test(io, execution, args)
        elif name == "state":
            say(self._state(args))
        elif name == "limits":
            say(self._limits(args))
        elif name == "jobs":
            say(self._jobs(args))
        elif name == "exec" and len(args) > 1:  # the call itself is main's body (magics.split_magics)
            session.options = dataclasses.replace(session.options, args=args[1:])
        # "time" is the session's: it prints the phases after the cell; "capture" too (``capture``)

    async def dep(self, lines: Sequence[Magic], io: CellIO, execution: Execution) -> None:
        """``%dep`` lines (several in a row are resolved at once): the libraries they ask for join
        the notebook's (a name asked again: the newest line wins); ``%dep`` alone lists them."""
        session = self.session
        say = _say(io)
        current = session.options.libraries
        texts = [magic.args[0] for magic in lines if magic.args]
        if not texts:
            say(current.listing())
            return
        asked = [dep for text in texts for dep in libraries.parse(session.toolchain.dependencies, text)]
        wanted = current.asking(asked)
        if wanted == current.wanted:  # a notebook run again from the top: nothing new to fetch
            say(_had(current, asked))
            return
        found = await self._resolve(wanted, io, execution)
        say(_had(found, asked))

    async def _resolve(self, wanted: Sequence[Dependency], io: CellIO, execution: Execution) -> Libraries:
        """The toolchain resolves ``wanted``; the notebook takes the result only if that worked."""
        session = self.session
        toolchain = session.toolchain
        ctx = session.library_context(execution, io)
        with session.phase("libraries"):
            found = await libraries.resolve(lambda c: toolchain.resolve_libraries(tuple(wanted), c), ctx)
        session.options = dataclasses.replace(session.options, libraries=found)
        return found

    def _build_folder(self) -> Path:
        """Where ``!*`` runs: the folder where the toolchain builds (Go: the module, with go.mod)."""
        toolchain = self.session.toolchain
        folder = toolchain.build_folder(self.session.workdir)
        if folder is None:
            raise MagicError(
                f"!* runs a command where the program is built; {toolchain.display_name} builds in no "
                "folder of its own: use ! (the notebook's folder)"
            )
        return folder

    @contextmanager
    def capture(self, magics: Sequence[Magic], io: CellIO) -> Iterator[CellIO]:
        """``%capture [-a] FILE``: the cell's output goes to ``io`` and also to FILE, for this cell.
        Every file is opened before anything of the cell runs: one that cannot be is a MagicError."""
        files: list[TextIO] = []
        try:
            for magic in magics:
                if magic.name == "capture":
                    files.append(self._open_capture(magic.args))
            yield _Captured(io, files) if files else io
        finally:
            for file in files:
                file.close()

    def _open_capture(self, args: Sequence[str]) -> TextIO:
        name = args[-1]
        path = Path(name).expanduser()
        try:
            return open(  # closed by ``capture``
                self.session.cwd / path,
                "a" if args[0] == "-a" else "w",
                encoding="utf-8",
                errors="surrogateescape",
            )
        except OSError as err:
            raise MagicError(f"%capture cannot write {name}: {err.strerror or err}") from None

    def _runs(self) -> str:
        live = self.session.live
        if live is None:
            return magics.FRESH_RUNS
        return magics.LIVE_RUNS if live.mode == "live" else magics.FRESH_CHOSEN

    def _state(self, args: Sequence[str]) -> str:
        """``%state live`` (one program whose globals live on), ``%state fresh`` (a new program per
        cell); alone: which."""
        live = self.session.live
        if live is None:
            why = self.session.live_unavailable
            if why is not None:
                raise MagicError(f"%state: no live program here ({why}); every cell runs as a fresh process")
            raise MagicError(
                f"%state: {self.session.toolchain.display_name} runs every cell as a fresh program "
                "(CELL_MODEL section 1); a live program is what the C kernel has"
            )
        if args:
            if tuple(args) not in (("live",), ("fresh",)):
                raise MagicError(f"%state takes live or fresh, not {' '.join(args)!r}")
            live.set_mode(args[0])
        if live.mode == "live":
            return "state: live (globals keep their values from cell to cell; a failed cell is rolled back)"
        return "state: fresh (every cell runs in a new process: globals start from their initializers)"

    def _env(self, args: Sequence[str], say) -> None:  # type: ignore[no-untyped-def]
        session = self.session
        env = dict(session.options.env)
        if args == ("--clear",):
            env.clear()
        for arg in args if args != ("--clear",) else ():
            key, eq, value = arg.partition("=")
            if not eq or not key:
                raise MagicError(f"%env takes NAME=VALUE, not {arg!r}")
            env[key] = value
        session.options = dataclasses.replace(session.options, env=MappingProxyType(env))
        say("\n".join(f"{k}={v}" for k, v in env.items()) or "env: (nothing set)")

    async def cell(self, magic: Magic, cell: int, io: CellIO, execution: Execution) -> None:
        body = magic.body or ""
        if magic.name == "writefile":
            self._writefile(magic.args, body, _say(io))
        elif magic.name in ("bash", "sh"):
            argv = [*shell(), body] if magic.name == "bash" else ["/bin/sh", "-c", body]
            if magic.args == ("--bg",):
                await self.job(argv, body, io)
            elif magic.args:
                raise MagicError(
                    f"%%{magic.name} takes only --bg (run as a background job), not {magic.args[0]!r}"
                )
            else:
                await self.session.run(argv, io, execution)
        elif magic.name == "script":
            await self._script(magic.args, body, io, execution)
        elif magic.name == "export":
            await self._export(magic, cell, io, execution)

    async def _script(self, args: Sequence[str], body: str, io: CellIO, execution: Execution) -> None:
        """``%%script PROGRAM ARGS``: PROGRAM (found as a shell would find it) reads the rest of the
        cell as its stdin; it streams and is interrupted as ``%%bash`` is."""
        session = self.session
        program = args[0]
        path = session.environment().get("PATH")
        found = shutil.which(str(session.cwd / program) if "/" in program else program, path=path)
        if found is None:
            raise MagicError(f"%%script: {program} is not installed here (not found on PATH)")
        stdin = session.workdir / "script-stdin"
        stdin.write_text(body if body.endswith("\n") or not body else body + "\n", encoding="utf-8")
        try:
            await session.run([found, *args[1:]], io, execution, stdin=stdin)
        finally:
            stdin.unlink(missing_ok=True)

    async def _export(self, magic: Magic, cell: int, io: CellIO, execution: Execution) -> None:
        """``%%export DIR``: the rest of the cell is the exported program's main (declarations in it
        join the program, not the memory); without statements, main is the last cell that ran, or,
        in a live program, every cell that took effect there (``export.main_for``)."""
        session = self.session
        if len(magic.args) != 1:
            raise MagicError("%%export takes one folder, relative to the notebook's: %%export DIR")
        code = "\n" * magic.line + (magic.body or "")  # the body keeps the cell's line numbers
        session.sources[cell] = code.split("\n")
        try:
            parts = session.parts(MagicSplit((), code, None, None), cell)
            program, main = await export.main_for(session, parts, execution)
        finally:
            session.forget_sources()
        options = session.options
        written = export.write_project(
            session.toolchain,
            program,
            session.cwd / magic.args[0],
            main=main,
            flags=options.flags,
            args=options.args,
            env=options.env,
            libraries=options.libraries,
        )
        io.stream("stdout", written.summary() + "\n")

    async def job(self, argv: list[str], command: str, io: CellIO, *, cwd: Path | None = None) -> None:
        """Start ``argv`` as a background job (``run/jobs.py``): it outlives the cell."""
        session = self.session
        env = {**os.environ, **session.options.env}
        cwd = cwd or session.cwd
        job = await session.jobs.start(argv, command, cwd=cwd, env=env, limits=session.options.limits)
        _say(io)(
            f"[{job.number}] started in the background, pid {job.run.pid}; it runs until it ends or the "
            f"kernel stops (%jobs kill {job.number} ends it)\n    output: {job.log} (%jobs log {job.number})"
        )

    def _jobs(self, args: Sequence[str]) -> str:
        jobs = self.session.jobs
        if not args:
            return jobs.listing()
        if args[0] == "kill" and len(args) == 2:
            return jobs.kill(args[1])
        if args[0] == "log" and len(args) == 2:
            return jobs.log(args[1], self.session.options.limits.output)
        raise MagicError(
            "%jobs alone lists the background jobs; %jobs kill N (or all) ends one, "
            "%jobs log N shows its output"
        )

    def _limits(self, args: Sequence[str]) -> str:
        session = self.session
        current = session.options.limits
        if args == ("--reset",):
            current = session.default_limits
        elif args:
            current = current.replace(limits.parse(args))
            over = current.above(session.max_limits)
            if over:
                raise MagicError(
                    f"{', '.join(over)} above what this kernel allows ({limits.words(session.max_limits)}, "
                    f"set by its administrator); nothing was changed. {limits.accepted_forms()}"
                )
        session.options = dataclasses.replace(session.options, limits=current)
        return f"limits: {current.words()}\n{self._enforcement()}"

    def _enforcement(self) -> str:
        info = self.session.supervisor.info()
        roles = info.get("cgroups") or {}
        memory = f"by {roles['memory']}" if "memory" in roles else "by setrlimit(RLIMIT_DATA), each process"
        processes = f"by {roles['pids']}" if "pids" in roles else "counted by the kernel"
        tracked = roles.get("track") or (
            "the supervisor's child subreaper" if info.get("subreaper") else "process groups only"
        )
        return (
            f"enforced: memory {memory}; processes {processes}; cpu by setrlimit(RLIMIT_CPU)"
            f"{' and ' + roles['cpu'] if 'cpu' in roles else ''}; time and output by the kernel\n"
            f"processes of a run are tracked by {tracked}"
        )

    def _writefile(self, args: Sequence[str], body: str, say) -> None:  # type: ignore[no-untyped-def]
        append = bool(args) and args[0] in ("-a", "--append")
        names = list(args[1:] if append else args)
        if len(names) != 1:
            raise MagicError("%%writefile takes one file name (and -a to append): %%writefile hello.c")
        path = Path(names[0]).expanduser()
        if not path.is_absolute():
            path = self.session.cwd / path
        existed = path.exists()
        text = body if body.endswith("\n") or not body else body + "\n"
        try:
            with open(path, "a" if append else "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(text)
        except OSError as err:
            raise MagicError(f"%%writefile could not write {names[0]}: {err.strerror or err}") from None
        verb = "Appending to" if append else "Overwriting" if existed else "Writing"
        say(f"{verb} {names[0]}")

    async def test(self, io: CellIO, execution: Execution, args: Sequence[str] = ()) -> None:
        """``%test``: build the toolchain's test program, run it, report each test with its place.
        ``args`` go to the test program after the toolchain's own (GoNB: ``%test -test.run=X``);
        with them, a test the program did not report was not chosen, unless the program failed."""
        session = self.session
        toolchain = session.toolchain
        plan = toolchain.render_tests(session.memory)
        if plan is None:
            raise MagicError(f"{toolchain.display_name} has no %test")
        say = _say(io)
        if not plan.tests:
            say("no tests in memory")
            return
        result = await session.build_program(plan.program, execution, will_run=True, tests=True)
        assert result.binary is not None
        report = Report(plan, say, toolchain.stderr_filter(plan.program))
        reader = plan.reader()

        def on_display(item: Display) -> None:
            if item.kind == "crash":
                report.crashes.extend(toolchain.explain_crash(plan.program, result.binary, item.raw))
            elif item.kind == "test":
                report.add(reader.frame(item))
            elif item.kind != "result":
                io.display(item)

        argv = toolchain.run_command(result.binary, (*plan.arguments, *args))
        returncode = 0
        with session.phase("run"):
            try:
                await session.run(
                    argv,
                    io,
                    execution,
                    extra_env={**toolchain.run_environment(), **plan.environment},
                    on_display=on_display,
                    emit=lambda name, text: report.add(reader.feed(name, text)),
                )
            except ExitStatus as err:
                returncode = err.status
            except ProgramSignal as err:
                returncode = -err.signum
        report.add(reader.finish(returncode))
        if returncode != 0 or not args:
            ended = "did not finish: the test program ended before it"
            report.add([TestOutcome(name, False, ended) for name in report.missing()])
        say(report.summary())
        if report.failed:
            total = len(plan.tests)
            raise TestFailure(f"{len(report.failed)} of {total} tests failed: {', '.join(report.failed)}")


_BACKGROUND = re.compile(r"^(?P<command>.*[^&\\])&\s*$", re.DOTALL)


def _background(command: str) -> str | None:
    """``cmd &`` (not ``a && b``, not ``\\&``): the command to run as a background job."""
    match = _BACKGROUND.match(command.rstrip())
    if match is None or not match.group("command").strip():
        return None
    return match.group("command").strip()


class _Captured:
    """A cell's ``CellIO`` whose streamed text also goes to the ``%capture`` files, as it comes."""

    def __init__(self, io: CellIO, files: Sequence[TextIO]) -> None:
        self._io = io
        self._files = files
        self.allow_stdin = io.allow_stdin

    def stream(self, name: str, text: str) -> None:
        for file in self._files:
            with contextlib.suppress(OSError):  # a full disk: the notebook still shows the output
                file.write(text)
                file.flush()
        self._io.stream(name, text)

    def display(self, item: Display) -> None:
        self._io.display(item)

    def payload(self, item: Mapping[str, Any]) -> None:
        self._io.payload(item)

    async def read_input(self, cancel: threading.Event, prompt: str = "") -> str | None:
        answer = await self._io.read_input(cancel, prompt)
        for file in self._files:  # the prompt and the answer, on one line as the notebook shows them
            with contextlib.suppress(OSError):
                file.write(prompt if answer is None else f"{prompt}{answer}\n")
                file.flush()
        return answer


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _had(found: Libraries, asked: Sequence[Dependency]) -> str:
    """``dep: rand 0.8.5, serde 1.0.190`` for the libraries a ``%dep`` asked for, as resolved."""
    versions = {lib.name: lib.version for lib in found.resolved}
    shown = [f"{d.name} {versions.get(d.name, '')}".strip() for d in asked]
    pulled = sum(1 for lib in found.resolved if not lib.direct)
    more = f" (and {pulled} they need)" if pulled else ""
    return f"dep: {', '.join(shown)}{more}; %dep alone lists the notebook's libraries"


def _say(io: CellIO):  # type: ignore[no-untyped-def]
    return lambda text: io.stream("stdout", text if text.endswith("\n") else text + "\n")

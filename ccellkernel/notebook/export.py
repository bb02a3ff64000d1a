"""Export: a rendered program as a folder that builds with the language's own tools, and no kernel.

Two ways in, one way out. ``%%export DIR`` (``Commands._export``) exports the kernel's memory; the
nbconvert exporters (``ccellkernel.jupyter.exporters``) first replay a saved notebook into a session
(``ccellkernel.notebook.replay``). Either way ``main_for`` makes the program — every remembered declaration,
and a ``main`` — and the toolchain's ``project_files`` hook says which files make it a project and
how to build and run it. This module names the project, adds a README, checks the paths and writes
the files.

What ``main`` runs follows what the notebook's cells did to its state:

- fresh programs (Go, Rust, C under ``%state fresh``): every run starts from the initializers, so
  ``main`` runs the statements of one cell, the last that ran (or the ``%%export`` cell's own), and
  prints what that cell printed;
- a live program (C by default, CELL_MODEL section 1a): globals kept what each cell did to them, so
  ``main`` runs the statements of every cell that took effect in it (``Live.kept``: not the cells
  rolled back, not those with their own ``main``, not those from before the live program last
  started again), in order, each as the live program ran it (``Toolchain.render_replay``). A cell
  whose statements no longer compile on the final memory (a global it used was removed) is left
  out, and the README says so.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ccellkernel.api.errors import ExportError
from ccellkernel.api.libraries import NO_LIBRARIES, Libraries
from ccellkernel.api.program import CellParts, Diagnostic, Program, cell_label
from ccellkernel.api.toolchain import Project, Toolchain
from ccellkernel.live.program import LIVE
from ccellkernel.run.runner import Execution
from ccellkernel.toolkit import diagnostics

if TYPE_CHECKING:
    from ccellkernel.notebook.state import Notebook

README = "README.md"
WIDTH = 100  # of the README's lines
_NOT_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def project_name(text: str) -> str:
    """A name that works as a file, a binary, a Go module path and a Cargo package: ASCII letters,
    digits, ``-`` and ``_``, starting with a letter (``2024 report.ipynb`` -> ``notebook-2024-report``)."""
    stem = PurePosixPath(text.replace("\\", "/")).name
    stem = stem.removesuffix(".ipynb")
    name = _NOT_NAME.sub("-", stem).strip("-_")
    if not name:
        return "notebook"
    return name if name[0].isalpha() else f"notebook-{name}"


@dataclass(frozen=True)
class Main:
    """What the exported ``main`` runs, as the README tells it.

    ``cells``: the cells whose statements it runs, in order (none: it does nothing); ``export_cell``:
    the last of them is the ``%%export`` cell's own; ``live``: the notebook ran as one live program,
    and ``replays``: ``main`` runs every cell that took effect there (else only the last cell that
    ran: the toolchain has no ``render_replay``); ``left_out``: cells that took effect there but
    ``main`` leaves out, and why.
    """

    cells: tuple[int, ...] = ()
    export_cell: bool = False
    live: bool = False
    replays: bool = False
    left_out: tuple[tuple[int, str], ...] = ()


async def main_for(
    session: Notebook, own: CellParts, execution: Execution | None = None, *, check: bool = True
) -> tuple[Program, Main]:
    """The program to export from ``session``, and what its ``main`` runs. ``own``: the code of the
    ``%%export`` cell (empty for nbconvert): its declarations join the program, not the memory; its
    statements, if any, are the last (a fresh program's only) statements ``main`` runs, and its own
    ``main`` is the program's. ``check``: compile it first, raising ``CompileError`` if it does not
    build; without, no compiler is needed."""
    execution = execution or Execution(session.supervisor)
    toolchain = session.toolchain
    live = session.live
    if live is not None and live.mode == LIVE and own.main is None:
        cells = [*live.kept, *([own] if own.statements else [])]
        memory = session.memory.merge(own.declarations)
        left_out: list[tuple[int, str]] = []
        while (program := toolchain.render_replay(memory, cells)) is not None:
            if not check:
                break
            result = await session.build_program(program, execution, will_run=True, check=False)
            if result.ok:
                break
            stale = _stale(cells[: len(cells) - bool(own.statements)], result.diagnostics)
            if not stale:
                raise diagnostics.compile_error(result.diagnostics, result.output, session.sources)
            for parts, said in stale:
                why = f"its statements no longer compile with the final declarations ({said})"
                left_out.append((parts.statements[0].cell, why))
            cells = [c for c in cells if all(c is not parts for parts, _ in stale)]
        if program is not None:
            numbers = tuple(c.statements[0].cell for c in cells)
            return program, Main(numbers, bool(own.statements), True, True, tuple(left_out))
    parts = own
    if not own.runs and session.last_run is not None:
        parts = dataclasses.replace(own, statements=session.last_run.statements, main=session.last_run.main)
    if check:
        program = await session.program_for(parts, execution)
    else:
        program = toolchain.render(session.memory.merge(parts.declarations), parts)
    runs = parts.statements[0].cell if parts.statements else parts.main.cell if parts.main else None
    live_shown = live is not None and live.mode == LIVE and own.main is None
    return program, Main(() if runs is None else (runs,), own.runs, live_shown)


def _stale(cells: Sequence[CellParts], found: Sequence[Diagnostic]) -> list[tuple[CellParts, str]]:
    """The cells whose statements the errors of ``found`` are in, each with its first error."""
    stale: list[tuple[CellParts, str]] = []
    for d in found:
        if d.severity != "error" or d.cell is None or d.line is None:
            continue
        for parts in cells:
            inside = any(
                f.cell == d.cell and f.line <= d.line <= f.line + f.text.count("\n") for f in parts.statements
            )
            if inside and all(parts is not p for p, _ in stale):
                stale.append((parts, d.message))
    return stale


def project_for(
    toolchain: Toolchain,
    program: Program,
    name: str,
    flags: Sequence[str] = (),
    libraries: Libraries = NO_LIBRARIES,
) -> Project:
    """The toolchain's project for ``program``, its paths checked (relative, inside the folder); its
    libraries are passed only when there are some (a plugin without ``%dep`` may not take them)."""
    if libraries:
        project = toolchain.project_files(program, name, tuple(flags), libraries=libraries)
    else:
        project = toolchain.project_files(program, name, tuple(flags))
    for path in (*project.files, project.source):
        parts = PurePosixPath(path).parts
        if not parts or path.startswith("/") or ".." in parts or "\\" in path:
            raise ExportError(f"the {toolchain.display_name} toolchain wrote a bad project path: {path!r}")
    if project.source not in project.files:
        raise ExportError(f"the {toolchain.display_name} toolchain's project lacks {project.source!r}")
    return project


def readme(
    toolchain: Toolchain,
    project: Project,
    name: str,
    *,
    main: Main,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    notebook: str | None = None,
) -> str:
    """The README: where the program came from, what its main runs, how to build and run it."""
    origin = f"the notebook `{notebook}`" if notebook else f"a `{toolchain.kernel_name}` kernel"
    run_line = shlex.join([*project.run, *args])
    if env:
        run_line = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items()) + " " + run_line
    steps = "".join(f"    {shlex.join(step)}\n" for step in project.build)
    said = " (with the `%args` and `%env` the notebook had)" if args or env else ""
    runs, *more = _runs(toolchain, main)
    paragraphs = [
        f"Exported by ccellkernel from {origin} ({toolchain.display_name}). `{project.source}` is the "
        "program as the kernel renders it: every declaration the notebook remembers, in the order the "
        f"kernel puts them, and a `main`. {runs}",
        *more,
        f"The last line runs it{said}. Nothing here needs Jupyter or ccellkernel.",
        *project.notes,
    ]
    filled = [textwrap.fill(p, WIDTH, break_on_hyphens=False) for p in paragraphs]
    intro, after, notes = filled[: 1 + len(more)], filled[1 + len(more)], filled[2 + len(more) :]
    return (
        f"# {name}\n\n" + "\n\n".join(intro) + f"\n\n## Build and run\n\n{steps}    {run_line}\n\n{after}\n"
    ) + "".join(f"\n{note}\n" for note in notes)


def _runs(toolchain: Toolchain, main: Main) -> list[str]:
    """What the README says ``main`` runs: a sentence for the first paragraph, and paragraphs after."""
    if main.live and main.replays:
        return _replayed(main)
    if not main.cells:
        runs = "`main` does nothing (no cell had statements to run)."
    elif main.export_cell:
        runs = f"`main` runs the statements of {cell_label(main.cells[-1])}, the `%%export` cell."
    elif main.live:
        return [
            f"`main` runs the statements of {cell_label(main.cells[-1])}, the last cell that ran.",
            "The notebook ran as one live program, whose globals kept what each cell did to them, "
            f"but the {toolchain.display_name} toolchain cannot replay its cells: this program starts "
            "from the globals' first values, and may print otherwise than that cell did.",
        ]
    else:
        runs = (
            f"`main` runs the statements of {cell_label(main.cells[-1])}, the last cell that ran, so the "
            "program prints what that cell printed."
        )
    return [runs]


def _replayed(main: Main) -> list[str]:
    if main.cells:
        last = " (the last is the `%%export` cell)" if main.export_cell else ""
        runs = (
            "The notebook ran as one live program, whose globals kept their values from cell to cell, "
            "so `main` runs, in order, the statements of each cell that took effect there: "
            f"{_listed(main.cells)}{last}. Each runs as a function of its own, as in the live program "
            "(its locals are its own; a `return` ends that cell), so the program prints what those "
            "cells printed, one after the other."
        )
    else:
        runs = (
            "The notebook ran as one live program, and no cell's statements took effect in it (since "
            "it last started), so `main` does nothing."
        )
    left = (
        "Left out of `main`, as the live program left them out: cells that failed and were rolled "
        "back (a crash, `exit`, a failed `assert`, a non-zero status, an interrupt, a limit), cells "
        "that did not compile, cells with their own `main` (each ran as a separate program), and the "
        "cells from before the live program last started again (`%state fresh` and back, `%reset`, "
        "new `%limits`)."
    )
    for cell, why in main.left_out:
        left += f" Also left out: {cell_label(cell)}: {why}."
    differs = (
        "Where this program differs from the notebook: every declaration is its last version, for all "
        "the cells (a function redefined after a cell ran is the new code there too; a global declared "
        "again with another type or initializer is the new one from the start, and the cells before "
        "act on it); initializers that are not constants run before `main`, not when their cell ran "
        "(`int n = counter;` sees the first value of `counter`); a cell's last value, which the "
        "notebook showed as `Out[n]`, is not printed; files, input and the environment are what they "
        "are when it runs."
    )
    return [runs, left, differs]


def _listed(cells: Sequence[int]) -> str:
    labels = [cell_label(cell) for cell in cells]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


@dataclass(frozen=True)
class Written:
    """What ``write_project`` wrote: the folder, the files in it, and the project they make."""

    folder: Path
    files: tuple[str, ...]
    project: Project
    main: Main = Main()

    def summary(self) -> str:
        steps = " && ".join(shlex.join(step) for step in self.project.build)
        said = "".join(f"\nleft out of main: {cell_label(cell)}: {why}" for cell, why in self.main.left_out)
        return (
            f"exported to {self.folder}: {', '.join(self.files)}\n"
            f"build and run: cd {shlex.quote(str(self.folder))} && {steps} && {shlex.join(self.project.run)}"
            + said
        )


def project_outputs(
    toolchain: Toolchain,
    program: Program,
    name: str,
    *,
    main: Main,
    flags: Sequence[str] = (),
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    notebook: str | None = None,
    libraries: Libraries = NO_LIBRARIES,
) -> tuple[Project, dict[str, bytes]]:
    """The project and every file of it, README included, as bytes by relative path."""
    project = project_for(toolchain, program, name, flags, libraries)
    files = {path: _bytes(content) for path, content in project.files.items()}
    if README not in files:
        text = readme(
            toolchain,
            project,
            name,
            main=main,
            args=args,
            env=env,
            notebook=notebook,
        )
        files[README] = text.encode("utf-8")
    return project, files


def write_project(
    toolchain: Toolchain,
    program: Program,
    folder: Path,
    *,
    main: Main,
    flags: Sequence[str] = (),
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    notebook: str | None = None,
    libraries: Libraries = NO_LIBRARIES,
) -> Written:
    """Write the project for ``program`` into ``folder`` (made if needed; files of the same names
    are replaced, others left alone). The project is named after the folder."""
    name = project_name(folder.resolve().name)
    project, files = project_outputs(
        toolchain,
        program,
        name,
        main=main,
        flags=flags,
        args=args,
        env=env,
        notebook=notebook,
        libraries=libraries,
    )
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} exists and is not a folder; %%export needs a folder to write into")
    try:
        for path, content in files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    except OSError as err:
        raise ExportError(f"cannot write the project into {folder}: {err.strerror or err}") from None
    return Written(folder, tuple(files), project, main)


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content

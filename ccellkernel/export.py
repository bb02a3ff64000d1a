"""Export: a rendered program as a folder that builds with the language's own tools, and no kernel.

Two ways in, one way out. ``%%export DIR`` (``Session._export``) exports the kernel's memory; the
nbconvert exporters (``ccellkernel.exporters``) first replay a saved notebook into a session
(``ccellkernel.replay``). Either way the program is the one the kernel renders — every remembered
declaration, and a ``main`` running the statements of one cell — and the toolchain's
``project_files`` hook says which files make it a project and how to build and run it. This module
names the project, adds a README, checks the paths and writes the files.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import ExportError
from .program import Program, cell_label
from .toolchain import Project, Toolchain

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


def project_for(toolchain: Toolchain, program: Program, name: str, flags: Sequence[str] = ()) -> Project:
    """The toolchain's project for ``program``, its paths checked (relative, inside the folder)."""
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
    main_cell: int | None,
    main_is_export_cell: bool = False,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    notebook: str | None = None,
) -> str:
    """The README: where the program came from, what its main runs, how to build and run it."""
    origin = f"the notebook `{notebook}`" if notebook else f"a `{toolchain.kernel_name}` kernel"
    if main_cell is None:
        runs = "`main` does nothing (no cell had statements to run)."
    elif main_is_export_cell:
        runs = f"`main` runs the statements of {cell_label(main_cell)}, the `%%export` cell."
    else:
        runs = (
            f"`main` runs the statements of {cell_label(main_cell)}, the last cell that ran, so the "
            "program prints what that cell printed."
        )
    run_line = shlex.join([*project.run, *args])
    if env:
        run_line = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items()) + " " + run_line
    steps = "".join(f"    {shlex.join(step)}\n" for step in project.build)
    said = " (with the `%args` and `%env` the notebook had)" if args or env else ""
    paragraphs = [
        f"Exported by ccellkernel from {origin} ({toolchain.display_name}). `{project.source}` is the "
        "program as the kernel renders it: every declaration the notebook remembers, in the order the "
        f"kernel puts them, and a `main`. {runs}",
        f"The last line runs it{said}. Nothing here needs Jupyter or ccellkernel.",
        *project.notes,
    ]
    intro, after, *notes = (textwrap.fill(p, WIDTH, break_on_hyphens=False) for p in paragraphs)
    return f"# {name}\n\n{intro}\n\n## Build and run\n\n{steps}    {run_line}\n\n{after}\n" + "".join(
        f"\n{note}\n" for note in notes
    )


@dataclass(frozen=True)
class Written:
    """What ``write_project`` wrote: the folder, the files in it, and the project they make."""

    folder: Path
    files: tuple[str, ...]
    project: Project

    def summary(self) -> str:
        steps = " && ".join(shlex.join(step) for step in self.project.build)
        return (
            f"exported to {self.folder}: {', '.join(self.files)}\n"
            f"build and run: cd {shlex.quote(str(self.folder))} && {steps} && {shlex.join(self.project.run)}"
        )


def project_outputs(
    toolchain: Toolchain,
    program: Program,
    name: str,
    *,
    main_cell: int | None,
    main_is_export_cell: bool = False,
    flags: Sequence[str] = (),
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    notebook: str | None = None,
) -> tuple[Project, dict[str, bytes]]:
    """The project and every file of it, README included, as bytes by relative path."""
    project = project_for(toolchain, program, name, flags)
    files = {path: _bytes(content) for path, content in project.files.items()}
    if README not in files:
        text = readme(
            toolchain,
            project,
            name,
            main_cell=main_cell,
            main_is_export_cell=main_is_export_cell,
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
    main_cell: int | None,
    main_is_export_cell: bool = False,
    flags: Sequence[str] = (),
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    notebook: str | None = None,
) -> Written:
    """Write the project for ``program`` into ``folder`` (made if needed; files of the same names
    are replaced, others left alone). The project is named after the folder."""
    name = project_name(folder.resolve().name)
    project, files = project_outputs(
        toolchain,
        program,
        name,
        main_cell=main_cell,
        main_is_export_cell=main_is_export_cell,
        flags=flags,
        args=args,
        env=env,
        notebook=notebook,
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
    return Written(folder, tuple(files), project)


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content

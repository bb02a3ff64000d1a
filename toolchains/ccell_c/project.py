"""A C program exported as a project: ``NAME.c`` and a Makefile (``make``, then ``./NAME``).

The Makefile compiles as the kernel does (``-Wall`` without the unused-code warnings, the
notebook's ``%flags``, ``-lm``) with make's ``$(CC)``, with the kernel's runtime beside the program
(``ccell.h`` and ``ccell.c``: a program may show displays, and a cell's last value is written
through it). Outside the kernel the runtime only line-buffers stdio; the displays do nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

from ccellkernel.gnu import make_project
from ccellkernel.program import Program
from ccellkernel.toolchain import Project


def project_files(
    program: Program, name: str, flags: Sequence[str], *, warnings: Sequence[str], rendered_as: str
) -> Project:
    return make_project(
        program,
        name,
        suffix=".c",
        rendered_as=rendered_as,
        compiler="CC",
        flags_var="CFLAGS",
        flags=warnings,
        notebook_flags=flags,
        libraries=("-lm",),
        support=runtime(),
    )


def runtime() -> dict[str, str]:
    package = resources.files(__package__)
    return {
        "ccell.h": package.joinpath("include/ccell.h").read_text(encoding="utf-8"),
        "ccell.c": package.joinpath("runtime/ccell.c").read_text(encoding="utf-8"),
    }

"""A C program exported as a project: ``NAME.c`` and a Makefile (``make``, then ``./NAME``).

The Makefile compiles as the kernel does (``-Wall`` without the unused-code warnings, the
notebook's ``%flags``, ``-lm``) with make's ``$(CC)``. Files a program needs beside its source
(a header-only binding it includes, say) belong in ``files`` here, with ``-I.`` in the flags.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    )

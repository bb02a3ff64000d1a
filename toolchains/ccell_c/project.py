"""A C program exported as a project: ``NAME.c`` and a Makefile (``make``, then ``./NAME``).

The Makefile compiles as the kernel does (``-Wall`` without the unused-code warnings, the
notebook's ``%flags``, ``-lm``, pkg-config's flags for the ``%dep`` libraries) with make's ``$(CC)``,
with the kernel's runtime beside the program (``ccell.h`` and ``ccell.c``: a program may show
displays, and a cell's last value is written through it). Outside the kernel the runtime only
line-buffers stdio; the displays do nothing.

The export of the live program (``write_replay``, ``CToolchain.render_replay``) runs the
statements of every cell that took effect there, each as the function the live program ran it as.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import tree_sitter

from ccellkernel.api.libraries import NO_LIBRARIES, Libraries
from ccellkernel.api.program import CellParts, Program, ProgramWriter, cell_label
from ccellkernel.api.toolchain import Project
from ccellkernel.toolkit import pkgconfig
from ccellkernel.toolkit.clike import trailing_value
from ccellkernel.toolkit.gnu import make_project

from .value import WRAP_CLOSE, WRAP_VOID


def project_files(
    program: Program,
    name: str,
    flags: Sequence[str],
    *,
    warnings: Sequence[str],
    rendered_as: str,
    libraries: Libraries = NO_LIBRARIES,
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
        packages=pkgconfig.arguments(libraries.wanted),
        support=runtime(),
    )


def runtime() -> dict[str, str]:
    package = resources.files(__package__)
    return {
        "ccell.h": package.joinpath("include/ccell.h").read_text(encoding="utf-8"),
        "ccell.c": package.joinpath("runtime/ccell.c").read_text(encoding="utf-8"),
    }


def write_replay(out: ProgramWriter, language: tree_sitter.Language, cells: Sequence[CellParts]) -> None:
    """``main`` for the export of a live program: each cell's statements as ``static int
    ccell_in_N(int argc, char **argv)``, as the live program ran them (their locals are their own, a
    ``return`` ends the cell), called in order; a non-zero status ends the program with it. A last
    expression is evaluated and dropped, since no ``Out[n]`` is shown outside the kernel (and a
    void call or a struct need no wrapper that fits them)."""
    names: list[tuple[str, int]] = []
    for parts in cells:
        if not parts.statements:
            continue
        cell = parts.statements[0].cell
        name = f"ccell_in_{cell}"
        if any(taken == name for taken, _ in names):  # a number twice (a replay numbers by position)
            name = f"{name}_{len(names)}"
        names.append((name, cell))
        out.generated(f"static int {name}(int argc, char **argv) {{\n(void)argc; (void)argv;")
        statements = list(parts.statements)
        last = trailing_value(language, statements[-1])
        for statement in statements[:-1] if last is not None else statements:
            out.fragment(statement)
        if last is not None:
            if last.before is not None:
                out.fragment(last.before)
            out.generated(WRAP_VOID)
            out.fragment(last.expression)
            out.generated(WRAP_CLOSE)
            if last.after is not None:
                out.fragment(last.after)
        out.generated("return 0;\n}")
    out.generated("int main(int argc, char **argv) {")
    if not names:
        out.generated("(void)argc; (void)argv;")
    else:
        out.generated("int status;")
    for name, cell in names:
        out.generated(f"if ((status = {name}(argc, argv)) != 0) return status; /* {cell_label(cell)} */")
    out.generated("return 0;\n}")

"""A Go program exported as a module: ``main.go`` and a ``go.mod`` without requirements.

``go build`` builds it with Go's defaults (no module proxy is asked: only the standard library is
imported), and names the binary after the module. ``main.go`` keeps the kernel's ``//line``
directives, so compiler messages and panics name the notebook's cells. Packages a program imports
from beside it (a binding of the kernel's, say) go in ``files`` under their import path, with a
``require`` and a ``replace ... => ./path`` in ``go_mod``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ccellkernel.program import Program
from ccellkernel.toolchain import Project

from .render import SOURCE

DEFAULT_GO = "1.21"  # go.mod's go line when no Go is installed where the project is exported


def go_mod(module: str, language_version: str) -> str:
    return f"module {module}\n\ngo {language_version}\n"


def project_files(program: Program, name: str, flags: Sequence[str], *, language_version: str) -> Project:
    notes = [
        f"`{SOURCE}` keeps the kernel's `//line` directives, so compiler messages and panics name "
        "the notebook's cells (`Cell In[3]:5`)."
    ]
    if flags:
        notes.append("The build command carries the notebook's `%flags`.")
    return Project(
        {SOURCE: program.text, "go.mod": go_mod(name, language_version)},
        SOURCE,
        (("go", "build", *flags),),
        (f"./{name}",),
        tuple(notes),
    )

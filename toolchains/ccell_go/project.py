"""A Go program exported as a module: ``main.go`` and a ``go.mod`` without requirements.

``go build`` builds it with Go's defaults (no module proxy is asked: only the standard library is
imported), and names the binary after the module. ``main.go`` keeps the kernel's ``//line``
directives, so compiler messages and panics name the notebook's cells. The display binding
(``ccellkernel/display``, through which a cell's last value is shown too) is a module beside it,
required and replaced by its folder; outside the kernel its calls do nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

from ccellkernel.program import Program
from ccellkernel.toolchain import Project

from .render import SOURCE

DEFAULT_GO = "1.21"  # go.mod's go line when no Go is installed where the project is exported


def go_mod(module: str, language_version: str) -> str:
    """The project's go.mod: the display binding (``ccellkernel/display``) is a module beside it."""
    return (
        f"module {module}\n\ngo {language_version}\n\n"
        "require ccellkernel v0.0.0\n\nreplace ccellkernel => ./ccellkernel\n"
    )


def binding(language_version: str) -> dict[str, str]:
    """The kernel's display package as a module of its own (``ccellkernel/display``)."""
    source = resources.files(__package__).joinpath("display/display.go").read_text(encoding="utf-8")
    return {
        "ccellkernel/go.mod": f"module ccellkernel\n\ngo {language_version}\n",
        "ccellkernel/display/display.go": source,
    }


def project_files(program: Program, name: str, flags: Sequence[str], *, language_version: str) -> Project:
    notes = [
        f"`{SOURCE}` keeps the kernel's `//line` directives, so compiler messages and panics name "
        "the notebook's cells (`Cell In[3]:5`)."
    ]
    if flags:
        notes.append("The build command carries the notebook's `%flags`.")
    return Project(
        {SOURCE: program.text, "go.mod": go_mod(name, language_version), **binding(language_version)},
        SOURCE,
        (("go", "build", *flags),),
        (f"./{name}",),
        tuple(notes),
    )

"""A Go program exported as a module: ``main.go`` and a ``go.mod`` (with the notebook's libraries: their
``require`` and ``replace`` lines, and their ``go.sum``).

``go build`` builds it with Go's defaults (a program of standard packages asks no module proxy; one
with libraries finds them in the module cache, or where GOPROXY says), and names the binary after
the module. ``main.go`` keeps the kernel's ``//line``
directives, so compiler messages and panics name the notebook's cells. A program that calls the
display binding (``ccellkernel/display``) gets it as a module beside it, required and replaced by its
folder (outside the kernel its calls do nothing); one that does not is one file, which ``go run``
builds alone (a cell's last value, the kernel's Out[n], is left as the plain statement it was).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

from ccellkernel.api.libraries import NO_LIBRARIES, Libraries
from ccellkernel.api.program import Program
from ccellkernel.api.toolchain import Project

from .direct import DISPLAY
from .modules import project_go_mod
from .render import SOURCE

DEFAULT_GO = "1.21"  # go.mod's go line when no Go is installed where the project is exported


def go_mod(
    module: str, language_version: str, display: bool = True, libraries: Libraries = NO_LIBRARIES
) -> str:
    """The project's go.mod: the libraries' (renamed ``module``), else an empty one; the display
    binding (``ccellkernel/display``), when the program uses it, is a module beside it."""
    text = f"module {module}\n\ngo {language_version}\n"
    if libraries.files.get("go.mod"):
        text = project_go_mod(libraries.files, module).rstrip("\n") + "\n"
    if not display:
        return text
    return text + "\nrequire ccellkernel v0.0.0\n\nreplace ccellkernel => ./ccellkernel\n"


def uses_display(program: Program) -> bool:
    """Whether ``program`` imports the display package (its code calls ``display.``)."""
    return DISPLAY in program.data.get("imports", ()) or f'"{DISPLAY}"' in program.text


def binding(language_version: str) -> dict[str, str]:
    """The kernel's display package as a module of its own (``ccellkernel/display``)."""
    source = resources.files(__package__).joinpath("display/display.go").read_text(encoding="utf-8")
    return {
        "ccellkernel/go.mod": f"module ccellkernel\n\ngo {language_version}\n",
        "ccellkernel/display/display.go": source,
    }


def project_files(
    program: Program,
    name: str,
    flags: Sequence[str],
    *,
    language_version: str,
    libraries: Libraries = NO_LIBRARIES,
) -> Project:
    plain = program.data.get("without_value")
    if isinstance(plain, Program):  # Out[n] is the kernel's: the export prints what the program prints
        program = plain
    display = uses_display(program)
    notes = [
        f"`{SOURCE}` keeps the kernel's `//line` directives, so compiler messages and panics name "
        "the notebook's cells (`Cell In[3]:5`)."
    ]
    if flags:
        notes.append("The build command carries the notebook's `%flags`.")
    sums = libraries.files.get("go.sum", "")
    if libraries.files.get("go.mod"):
        notes.append(
            "`go.mod` requires the notebook's modules (`%dep` and the imports fetched), `go.sum` holds their "
            "checksums; `go build` takes them from the module cache, or from where `GOPROXY` says."
        )
    local = [lib for lib in libraries.resolved if lib.source.startswith("=>")]
    if local:
        notes.append(
            "`replace` lines name local modules by their folders on the machine the notebook ran on: "
            + ", ".join(f"`{lib.name} {lib.source}`" for lib in local)
            + "."
        )
    return Project(
        {
            SOURCE: program.text,
            "go.mod": go_mod(name, language_version, display, libraries),
            **({"go.sum": sums} if sums else {}),
            **(binding(language_version) if display else {}),
        },
        SOURCE,
        (("go", "build", *flags),),
        (f"./{name}",),
        tuple(notes),
    )

"""ccellkernel: Jupyter kernels for compiled languages, a cell at a time.

Roles, one per module (data flows down this list):

- ``kernel``      the Jupyter protocol: an ipykernel ``Kernel`` over a ``Session``
- ``session``     one notebook: memory, options, the cell pipeline (split, merge, render, build, run)
- ``magics``      parsing ``%`` and ``!`` lines
- ``memory``      remembered declarations, keyed, immutable
- ``pending``     declarations of order-free languages that wait for names a later cell declares
- ``carryover``   saying so when a name was a statement's local in an earlier cell
- ``program``     split cells and rendered programs with per-line origins
- ``toolchain``   the plugin API (``Toolchain``); ``plugins`` finds toolchains by entry point
- ``cache``       a kernel's store of build products keyed by content (``BuildContext.cache``)
- ``reach``       which remembered declarations a cell's ``main`` reaches
- ``diagnostics`` compiler messages mapped back to cells
- ``runner``      a cell's processes: pipes, stdin on demand, interrupts, limits
- ``processes``   runs: the supervisor's client, exit statuses, ending what a program started
- ``supervisor``  the supervisor process and its keepers (subreapers, cgroups); stdlib only
- ``limits``      ``%limits`` values, defaults, the machine's bounds
- ``jobs``        background jobs (``%%bash --bg``, ``!cmd &``)
- ``cleanup``     owner marks of build folders, ``ccellkernel clean``
- ``output``      decoding, coalescing and capping program output
- ``assist``      completion and inspection: the cell's program, language servers, tree-sitter fallback
- ``syntax``      language-agnostic tree-sitter helpers
- ``errors``      the one exception tree
- ``cli``         ``ccellkernel install``/``list``/``clean``/``kernel``

Beside the cell pipeline, for the tools around a notebook:

- ``export``      a rendered program as a project folder (``%%export``, nbconvert)
- ``replay``      a saved notebook replayed into a ``Session`` (the memory its kernel would have)
- ``exporters``   the nbconvert exporters ``ccell-project`` and ``ccell-script``
- ``parameters``  papermill parameters as declarations (the translators' base class)
- ``papermill_plugin``  papermill's entry point: hands it the ``papermill.translators`` group
"""

from .errors import (
    CellError,
    CompileError,
    CPULimit,
    ExitStatus,
    Interrupted,
    LimitExceeded,
    MagicError,
    MemoryLimit,
    ProcessLimit,
    ProgramSignal,
    TimeLimit,
    ToolchainNotFound,
)
from .memory import Declaration, Fragment, Memory
from .program import CellParts, Diagnostic, Origin, Program, ProgramWriter
from .toolchain import BuildContext, BuildResult, Compiler, Project, Toolchain, ToolResult

__version__ = "0.1.0"

__all__ = [
    "BuildContext",
    "BuildResult",
    "CPULimit",
    "CellError",
    "CellParts",
    "CompileError",
    "Compiler",
    "Declaration",
    "Diagnostic",
    "ExitStatus",
    "Fragment",
    "Interrupted",
    "LimitExceeded",
    "MagicError",
    "Memory",
    "MemoryLimit",
    "Origin",
    "ProcessLimit",
    "Program",
    "ProgramSignal",
    "ProgramWriter",
    "Project",
    "TimeLimit",
    "ToolResult",
    "Toolchain",
    "ToolchainNotFound",
    "__version__",
]

"""ccellkernel: Jupyter kernels for compiled languages, a cell at a time.

Roles, one per module (data flows down this list):

- ``kernel``      the Jupyter protocol: an ipykernel ``Kernel`` over a ``Session``
- ``session``     one notebook: memory, options, the cell pipeline (split, merge, render, build, run)
- ``magics``      parsing ``%`` and ``!`` lines
- ``memory``      remembered declarations, keyed, immutable
- ``program``     split cells and rendered programs with per-line origins
- ``toolchain``   the plugin API (``Toolchain``); ``plugins`` finds toolchains by entry point
- ``diagnostics`` compiler messages mapped back to cells
- ``runner``      a cell's processes: pipes, stdin on demand, interrupts, limits
- ``processes``   runs: the supervisor's client, exit statuses, ending what a program started
- ``supervisor``  the supervisor process and its keepers (subreapers, cgroups); stdlib only
- ``limits``      ``%limits`` values, defaults, the machine's bounds
- ``jobs``        background jobs (``%%bash --bg``, ``!cmd &``)
- ``cleanup``     owner marks of build folders, ``ccellkernel clean``
- ``output``      decoding, coalescing and capping program output
- ``syntax``      language-agnostic tree-sitter helpers
- ``errors``      the one exception tree
- ``cli``         ``ccellkernel install``/``list``/``clean``/``kernel``
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
from .toolchain import BuildContext, BuildResult, Compiler, Toolchain, ToolResult

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
    "TimeLimit",
    "ToolResult",
    "Toolchain",
    "ToolchainNotFound",
    "__version__",
]

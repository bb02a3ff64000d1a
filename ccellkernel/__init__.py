"""ccellkernel: Jupyter kernels for compiled languages, a cell at a time.

Roles, one per module (data flows down this list):

- ``kernel``      the Jupyter protocol: an ipykernel ``Kernel`` over a ``Session``
- ``session``     one notebook: memory, options, the cell pipeline (split, merge, render, build, run)
- ``magics``      parsing ``%`` and ``!`` lines
- ``memory``      remembered declarations, keyed, immutable
- ``program``     split cells and rendered programs with per-line origins
- ``toolchain``   the plugin API (``Toolchain``); ``plugins`` finds toolchains by entry point
- ``cache``       a kernel's store of build products keyed by content (``BuildContext.cache``)
- ``reach``       which remembered declarations a cell's ``main`` reaches
- ``diagnostics`` compiler messages mapped back to cells
- ``runner``      processes, pipes, stdin on demand, interrupts
- ``output``      decoding, coalescing and capping program output
- ``syntax``      language-agnostic tree-sitter helpers
- ``errors``      the one exception tree
- ``cli``         ``ccellkernel install``/``list``/``kernel``
"""

from .errors import (
    CellError,
    CompileError,
    ExitStatus,
    Interrupted,
    MagicError,
    ProgramSignal,
    ToolchainNotFound,
)
from .memory import Declaration, Fragment, Memory
from .program import CellParts, Diagnostic, Origin, Program, ProgramWriter
from .toolchain import BuildContext, BuildResult, Compiler, Toolchain, ToolResult

__version__ = "0.1.0"

__all__ = [
    "BuildContext",
    "BuildResult",
    "CellError",
    "CellParts",
    "CompileError",
    "Compiler",
    "Declaration",
    "Diagnostic",
    "ExitStatus",
    "Fragment",
    "Interrupted",
    "MagicError",
    "Memory",
    "Origin",
    "Program",
    "ProgramSignal",
    "ProgramWriter",
    "ToolResult",
    "Toolchain",
    "ToolchainNotFound",
    "__version__",
]

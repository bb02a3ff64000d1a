"""The plugin API: what a toolchain implements and what it is handed. It imports nothing else of
ccellkernel; the mechanisms import it.

- ``toolchain``  ``Toolchain``: the base class a language implements, its hooks each a method
- ``memory``     remembered declarations, keyed, immutable (``Memory``, ``Declaration``, ``Fragment``)
- ``program``    split cells and rendered programs with per-line origins (``CellParts``, ``Program``,
  ``ProgramWriter``, ``Diagnostic``)
- ``syntax``     language-agnostic tree-sitter helpers
- ``errors``     the one exception tree
- ``build``      what a build is handed and gives back: ``BuildContext`` (with the build cache,
  ``BuildStore``, and builds begun ahead, ``AheadBuilds``), ``BuildResult``, ``ToolResult``,
  ``LibraryContext``
- ``libraries``  ``%dep``: ``Dependency``, ``Library``, ``Libraries`` (what a build is handed for them)
- ``live``       the live program's hook: ``Support``, ``UnitRequest``, ``Unit``
- ``editor``     editor help: ``Assistant``, ``EditPoint``, ``Completions``, ``Inspection``
- ``display``    the display channel's frames, which a toolchain's binding writes
- ``testing``    ``%test``: the program a toolchain renders and how its outcomes are read
- ``plugins``    the entry-point group ``ccellkernel.toolchains`` and loading a toolchain from it

Ready-made pieces built on this API (gcc-style compilers, diagnostics, content keys, language
servers...) are in ``ccellkernel.toolkit``; ``docs/writing-a-toolchain.md`` names the whole surface.
"""

from .build import AheadBuilds, BuildStore, Entry, LibraryContext
from .editor import Assistant, CompletionItem, Completions, EditPoint, Inspection
from .errors import (
    CellError,
    CompileError,
    CPULimit,
    ExitStatus,
    ExportError,
    Interrupted,
    LibraryError,
    LimitExceeded,
    MagicError,
    MemoryLimit,
    ParameterError,
    ProcessLimit,
    ProgramSignal,
    TimeLimit,
    ToolchainNotFound,
)
from .libraries import NO_LIBRARIES, Dependency, Libraries, Library
from .live import Support, Unit, UnitRequest
from .memory import Declaration, Fragment, Memory
from .program import CellParts, Diagnostic, Origin, Program, ProgramWriter
from .testing import TestCase, TestOutcome, TestPlan, TestReader
from .toolchain import BuildContext, BuildResult, Compiler, Project, Toolchain, ToolResult

__all__ = [
    "NO_LIBRARIES",
    "AheadBuilds",
    "Assistant",
    "BuildContext",
    "BuildResult",
    "BuildStore",
    "CPULimit",
    "CellError",
    "CellParts",
    "CompileError",
    "Compiler",
    "CompletionItem",
    "Completions",
    "Declaration",
    "Dependency",
    "Diagnostic",
    "EditPoint",
    "Entry",
    "ExitStatus",
    "ExportError",
    "Fragment",
    "Inspection",
    "Interrupted",
    "Libraries",
    "Library",
    "LibraryContext",
    "LibraryError",
    "LimitExceeded",
    "MagicError",
    "Memory",
    "MemoryLimit",
    "Origin",
    "ParameterError",
    "ProcessLimit",
    "Program",
    "ProgramSignal",
    "ProgramWriter",
    "Project",
    "Support",
    "TestCase",
    "TestOutcome",
    "TestPlan",
    "TestReader",
    "TimeLimit",
    "ToolResult",
    "Toolchain",
    "ToolchainNotFound",
    "Unit",
    "UnitRequest",
]

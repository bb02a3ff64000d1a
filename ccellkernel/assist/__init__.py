"""Editor help: completion and inspection that understand the code, through helper processes.

Roles (data flows down this list):

- ``service``  ``EditorHelp``, one per session: a request's program, the assistant with a deadline,
  the fallback, ``name?`` cells
- ``point``    ``EditPoint``: the cursor of a cell in the program rendered with that cell
- ``base``     ``Assistant``: what a toolchain's ``assistant`` hook returns
- ``lsp``      a minimal Language Server Protocol client and ``LspAssistant`` (clangd, rust-analyzer,
  the Go helper)
- ``process``  ``HelperProcess``: start on demand, survive SIGINT, restart once, then stay off
- ``fallback`` tree-sitter words, magic names, remembered declarations
- ``values``   ``CompletionItem``, ``Completions``, ``Inspection``

A toolchain opts in with ``Toolchain.assistant(workdir)`` (see ``docs/writing-a-toolchain.md``).
"""

from .base import Assistant
from .lsp import LanguageServer, LspAssistant, LspClient, Unanswered, completions_from_lsp, merge_range
from .point import EDITED_CELL, EditPoint, edit_point
from .process import LOG, HelperProcess
from .service import COMPLETE_TIMEOUT, INSPECT_TIMEOUT, EditorHelp, help_request
from .values import CompletionItem, Completions, Inspection

__all__ = [
    "COMPLETE_TIMEOUT",
    "EDITED_CELL",
    "INSPECT_TIMEOUT",
    "LOG",
    "Assistant",
    "CompletionItem",
    "Completions",
    "EditPoint",
    "EditorHelp",
    "HelperProcess",
    "Inspection",
    "LanguageServer",
    "LspAssistant",
    "LspClient",
    "Unanswered",
    "completions_from_lsp",
    "edit_point",
    "help_request",
    "merge_range",
]

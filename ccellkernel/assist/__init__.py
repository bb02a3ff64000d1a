"""Editor help: completion and inspection that understand the code, answered with a deadline.

Roles (data flows down this list):

- ``service``  ``EditorHelp``, one per session: a request's program, the toolchain's assistant with a
  deadline, the fallback, ``name?`` cells
- ``point``    ``edit_point``: the cursor of a cell in the program rendered with that cell
- ``fallback`` tree-sitter words, magic names, remembered declarations

A toolchain opts in with ``Toolchain.assistant(workdir)``, an ``Assistant`` (``ccellkernel.api.editor``);
language servers and helper processes for it are in ``ccellkernel.toolkit`` (``lsp``, ``clangd``,
``process``). See ``docs/writing-a-toolchain.md``.
"""

from .point import EDITED_CELL, edit_point
from .service import COMPLETE_TIMEOUT, INSPECT_TIMEOUT, EditorHelp, help_request

__all__ = [
    "COMPLETE_TIMEOUT",
    "EDITED_CELL",
    "INSPECT_TIMEOUT",
    "EditorHelp",
    "edit_point",
    "help_request",
]

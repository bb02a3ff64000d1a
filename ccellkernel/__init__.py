"""ccellkernel: Jupyter kernels for compiled languages, a cell at a time.

One folder per mechanism, bottom to top (each imports only the ones above it in this list):

- ``api``       the plugin API: what a toolchain implements and is handed; imports nothing else
- ``toolkit``   ready-made pieces on the API alone: gcc-style compilers, diagnostics, content keys,
  magic lines, language servers
- ``run``       running a program: processes, pipes, stdin, interrupts, limits, output
- ``builds``    the store of build products keyed by content, builds begun ahead
- ``live``      the live program (C's, or an opting-in toolchain's): cells as shared objects in one host
- ``assist``    editor help: completion and inspection with a deadline, tree-sitter fallback
- ``notebook``  one notebook: the cell pipeline, pending declarations, magics' commands, export, replay
- ``jupyter``   the Jupyter face: the kernel, the command line, nbconvert exporters, papermill

``toolchain`` and ``gnu`` at this level are the old paths of ``api.toolchain`` and ``toolkit.gnu``,
kept for one release for plugins written against them.
"""

from . import api
from .api import *  # noqa: F403 - the plugin API's names, importable from the package as before

__version__ = "0.1.0"

__all__ = [*api.__all__, "__version__"]

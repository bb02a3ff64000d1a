"""evcxr's display convention: a cell's last value whose type has ``evcxr_display`` is shown by it.

The method prints blocks, each a line ``EVCXR_BEGIN_CONTENT <mime>``, the content, and a line
``EVCXR_END_CONTENT``; they become the MIME types of one display (binary types come in base64).
plotters implements it (``evcxr_figure``, feature ``evcxr``), as do other crates made for evcxr. The
``ccell`` crate makes the call (``__evcxr`` in ``ccell.rs``): it sends stdout to a file while the
method runs and reads the blocks only there, so lines printed anywhere else forge nothing.

Stable Rust cannot ask whether a type has a method, so rustc's method lookup chooses
(``render.RICH``): the crate's trait ``__AsValue``, in scope at the call, gives every ``Debug`` value
an ``evcxr_display`` that shows it as ``Out[n]``, and a type's own method comes before a trait's.
Only a program that may have such a method renders so (``possible``: its memory or cell mentions
evcxr, or the notebook has libraries): other notebooks compile what they always did. When the lookup
finds a trait's ``evcxr_display`` beside the crate's (E0034), the value is shown through that trait
alone (``render.EXACT``); when nothing applies (E0599: a type without ``Debug``) or the method takes
``self`` (E0507), the cell is built the plain way, whose error says what to do (``fallback``).

Unlike evcxr: the display is a ``display_data`` (evcxr sends an ``execute_result``); a value that
reaches its method only through a smart pointer (``Box<Figure>``), or whose method takes ``&mut self``
or ``self``, shows as ``Out[n]``; a block still open when the method returns ends there.
"""

from __future__ import annotations

from ccellkernel.api.build import BuildResult
from ccellkernel.api.memory import Memory
from ccellkernel.api.program import CellParts

from .render import EXACT, PLAIN, RICH

WORD = "evcxr"  # in `evcxr_display`, `evcxr_figure`, `evcxr_runtime`
# rustc's codes for a call of `evcxr_display` that cannot be made as rendered
AMBIGUOUS, NO_METHOD, MOVES = "E0034", "E0599", "E0507"


def possible(memory: Memory, cell: CellParts) -> bool:
    """Whether the program may call an ``evcxr_display`` that its own text shows (a library's are
    for the build to consider: ``RustToolchain.build``)."""
    fragments = (*(decl.fragment for decl in memory), *cell.statements)
    return any(WORD in fragment.text for fragment in fragments)


def fallback(result: BuildResult, shown: str) -> str | None:
    """How to show the value instead, when the build of ``shown`` failed at the call of
    ``evcxr_display``; None when it did not fail there."""
    if result.ok or shown == PLAIN or "evcxr_display" not in result.output:
        return None
    codes = {d.raw.partition("]")[0].partition("[")[2] for d in result.diagnostics if d.severity == "error"}
    if shown == RICH and AMBIGUOUS in codes:
        return EXACT
    return PLAIN if codes & {AMBIGUOUS, NO_METHOD, MOVES} else None

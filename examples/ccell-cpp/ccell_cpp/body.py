"""A cell's statements as one function: ``main`` of a whole program, or a live unit's entry.

The last expression without its ``;`` is passed to ``ccell::value`` (``include/ccell.hpp``), which
the core shows as ``Out[n]``; ``ccellkernel.toolkit.clike`` finds the expression. ``(x, nothing{})`` is
``x``, or ``nothing`` when ``x`` is void, so a void call ends a cell as quietly as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import tree_sitter

from ccellkernel.api.memory import Fragment
from ccellkernel.api.program import Diagnostic, ProgramWriter
from ccellkernel.api.toolchain import BuildResult
from ccellkernel.toolkit.clike import trailing_value

__all__ = ["NOT_PRINTABLE", "not_printable", "write_body"]

INCLUDE = "#include <ccell.hpp>"
VALUE_OPEN = "ccell::value(("
VALUE_CLOSE = ", ccell::detail::nothing{}));"
NOT_PRINTABLE = "CCELL_NOT_PRINTABLE"  # the static_assert of ccell::value
NOT_PRINTABLE_MESSAGE = (
    "this value cannot be shown as Out[n]: its type has no operator<<; print it, or end the line with ;"
)

Position = tuple[int, int, int]  # cell, line, column (1-based) of the value's expression


def write_body(
    out: ProgramWriter, language: tree_sitter.Language, statements: Sequence[Fragment], signature: str
) -> Position | None:
    """Write ``statements`` as the function ``signature`` (``int main(int argc, char **argv)``);
    the position of the last expression when it is shown as ``Out[n]``."""
    statements = list(statements)
    last = trailing_value(language, statements[-1]) if statements else None
    if last is not None:
        out.generated(INCLUDE)
    out.generated(f"{signature} {{\n(void)argc; (void)argv;")
    for statement in statements[:-1] if last is not None else statements:
        out.fragment(statement)
    if last is not None:
        if last.before is not None:
            out.fragment(last.before)
        out.generated(VALUE_OPEN)
        out.fragment(last.expression)
        out.generated(VALUE_CLOSE)
        if last.after is not None:
            out.fragment(last.after)
    out.generated("return 0;\n}")
    if last is None:
        return None
    return (last.expression.cell, last.expression.line, last.expression.column + 1)


def not_printable(result: BuildResult, output: str, where: object) -> BuildResult:
    """A failed build whose only fault is a value without ``operator<<``: one clear message, at the
    value, instead of the template backtrace."""
    if result.ok or not isinstance(where, tuple) or NOT_PRINTABLE not in output:
        return result
    return BuildResult(None, (Diagnostic("error", NOT_PRINTABLE_MESSAGE, *where),), output)

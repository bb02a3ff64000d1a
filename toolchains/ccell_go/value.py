"""The value of a Go cell's last expression, shown as ``Out[n]`` with ``%v`` (CELL_MODEL.md 4a).

When the body of ``main`` ends in an expression statement (``square(7)``, ``x * 2``, ``name``), the
renderer passes it to ``display.Result`` (package ``ccellkernel/display``), which shows a single value
that is not nil; a call giving several values (``fmt.Println``'s count and error) shows nothing. The
wrapper is on generated lines of its own around the expression, which keeps its own line and column
(``display.Result(``, the expression and a comma, ``)``: a trailing comma is Go's way to break a call
over lines).

Only the compiler knows whether a call gives any value at all. A call to a function in memory is read
from its declaration; for any other call the program is built with the wrapper, and if Go answers
``(no value) used as value`` the build is done again without it (``without_value``). Callees found to
give no value that way are remembered per kernel (``VoidCalls``), so that a cell ending in
``time.Sleep(d)`` costs one build only the first time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Language

from ccellkernel.api.memory import Fragment, Memory
from ccellkernel.api.syntax import node_text

from .classify import items, parse_go

OPEN, CLOSE = "display.Result(", ")"
NO_VALUE = re.compile(r"\(no value\) used as value|used as value")
BUILTIN_VOID = frozenset({"panic", "print", "println", "close", "delete", "clear"})


@dataclass
class VoidCalls:
    """Callees (``time.Sleep``, ``wg.Wait``) learned to give no value."""

    names: set[str] = field(default_factory=lambda: set(BUILTIN_VOID))


@dataclass(frozen=True)
class Wrapped:
    """The last statement fragment of main's body, split around its trailing expression."""

    before: Fragment | None
    expression: Fragment
    after: Fragment | None
    callee: str | None  # the function called, if the expression is a call


def wrap_last(language: Language, fragment: Fragment, memory: Memory, void: VoidCalls) -> Wrapped | None:
    """``fragment`` (the last of main's body) with its trailing expression wrapped, if it has one."""
    data = fragment.text.encode("utf-8")
    tree = parse_go(language, fragment.text)
    nodes = [node for _, node, _ in items(tree.root_node.children)]
    if not nodes or nodes[-1].type != "expression_statement" or nodes[-1].has_error:
        return None
    statement = nodes[-1]
    expression = statement.named_children[0] if statement.named_children else None
    if expression is None:
        return None
    callee = None
    if expression.type == "call_expression":
        callee = " ".join(node_text(expression.child_by_field_name("function")).split())
        if callee in void.names or _declared_void(language, memory, callee):
            return None
    start, end = expression.start_byte, expression.end_byte
    found = _piece(fragment, data, start, end)
    assert found is not None
    return Wrapped(_piece(fragment, data, 0, start), found, _piece(fragment, data, end, len(data)), callee)


def _piece(fragment: Fragment, data: bytes, start: int, stop: int) -> Fragment | None:
    """Bytes ``start:stop`` of the fragment as a fragment of its own (Go counts columns in bytes, and
    so does the fragment's column: ``classify._fragment``)."""
    if not data[start:stop].strip():
        return None
    line_start = data.rfind(b"\n", 0, start) + 1
    column = start - line_start + (fragment.column if line_start == 0 else 0)
    line = fragment.line + data[:start].count(b"\n")
    return Fragment(data[start:stop].decode("utf-8", "replace"), fragment.cell, line, column)


def _declared_void(language: Language, memory: Memory, callee: str) -> bool:
    """Whether ``callee`` is a function in memory declared without results."""
    decl = memory.get(callee)
    if decl is None or decl.kind != "func":
        return False
    tree = parse_go(language, decl.fragment.text)
    functions = [n for n in tree.root_node.children if n.type == "function_declaration"]
    return bool(functions) and functions[0].child_by_field_name("result") is None


def is_no_value(message: str) -> bool:
    return bool(NO_VALUE.search(message))

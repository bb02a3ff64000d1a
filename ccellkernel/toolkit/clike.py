"""Helpers for toolchains whose tree-sitter grammar is C's or grows from it (its node types).

Public plugin API, like ``gnu``: the built-in C toolchain uses it, and so may any plugin whose
grammar derives from tree-sitter-c.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Language, Node

from ccellkernel.api.memory import Fragment
from ccellkernel.api.syntax import parse, piece

# The statements go into a block of their own: `void f(void) { 1 + 2 }` would read, in some grammars,
# as a variable initialized with a brace list.
PROBE = "void ccell_value_probe(void) { if (1) {\n"
PROBE_END = "\n} }\n"


@dataclass(frozen=True)
class Value:
    """A statement fragment split around its trailing expression: text before, the expression, after."""

    before: Fragment | None
    expression: Fragment
    after: Fragment | None


def trailing_value(language: Language, fragment: Fragment, probe: str = PROBE) -> Value | None:
    """The expression a statement fragment ends in without its ``;`` (``square(7)``), if it does.

    The fragment is read as the body of a function (``probe`` opens one), the way the compiler will
    read ``main``'s body; what follows the last complete statement must, with a ``;`` added, be one
    expression statement.
    """
    text = fragment.text
    body = _body(language, probe, text)
    if body is None:
        return None
    offset = len(probe.encode("utf-8"))
    data = text.encode("utf-8")
    items = [n for n in body.named_children if n.type != "comment"]
    complete_end = max((n.end_byte - offset for n in items if _complete(n)), default=0)
    code_end = max((n.end_byte - offset for n in items), default=0)
    comments = [n.start_byte - offset for n in body.named_children if n.type == "comment"]
    end = min((at for at in comments if at >= max(code_end, complete_end)), default=len(data))
    candidate = data[complete_end:end]
    if not candidate.strip() or candidate.rstrip().endswith((b";", b"}")):
        return None
    checked = _body(language, probe, candidate.decode("utf-8", "replace") + ";")
    if checked is None:
        return None
    statements = [n for n in checked.named_children if n.type != "comment"]
    if len(statements) != 1 or statements[0].type != "expression_statement" or statements[0].has_error:
        return None
    expression = statements[0].named_children[0] if statements[0].named_children else None
    if expression is None:
        return None
    start = complete_end + expression.start_byte - offset
    stop = complete_end + expression.end_byte - offset
    found = piece(fragment, text, start, stop)
    if found is None:
        return None
    return Value(piece(fragment, text, 0, start), found, piece(fragment, text, stop, len(data)))


def _body(language: Language, probe: str, text: str) -> Node | None:
    """The block holding ``text`` once it is put inside the probe function."""
    tree = parse(language, probe + text + PROBE_END)
    function = tree.root_node.children[0] if tree.root_node.children else None
    if function is None or function.type != "function_definition":
        return None
    body = function.child_by_field_name("body")
    found = body.named_children[0] if body is not None and body.named_children else None
    if found is None or found.type != "if_statement":
        return None
    return found.child_by_field_name("consequence")


def _complete(node: Node) -> bool:
    """A statement that ends as C wants: with its ``;`` or ``}``, nothing missing."""
    if node.type == "ERROR" or node.has_error:
        return False
    last = node
    while last.children:
        last = last.children[-1]
    return not last.is_missing and last.type in (";", "}")

"""The value of a C cell's last expression, shown as ``Out[n]`` (CELL_MODEL.md section 4a).

A cell whose code ends in an expression without its ``;`` (``square(7)``, ``x * 2``, ``name``) shows
that expression's value. The renderer wraps it in ``CCELL_VALUE((...))``, a ``_Generic`` choice of the
runtime's formatter by the value's type: integers in decimal, floating point with ``%g``, ``char *`` as
a quoted string, ``char`` as ``'c'``, ``_Bool`` as true/false, other pointers in hex. The expression
keeps its own lines and columns (the wrapper is on generated lines around it).

A call that returns nothing cannot be wrapped: gcc calls that an "invalid use of void expression";
the build then drops the wrapper (``void_fallback``) and builds again. A struct value is an error that
says to print its fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Language, Node

from ccellkernel.memory import Fragment
from ccellkernel.syntax import parse, piece

WRAP_OPEN = "CCELL_VALUE(("
WRAP_VOID = "((void)("  # same length and lines: the fallback keeps every position
WRAP_CLOSE = "));"
_FORMATTERS = {
    "_Bool": "bool",
    "char": "char",
    "signed char": "signed",
    "short": "signed",
    "int": "signed",
    "long": "signed",
    "long long": "signed",
    "unsigned char": "unsigned",
    "unsigned short": "unsigned",
    "unsigned": "unsigned",
    "unsigned long": "unsigned",
    "unsigned long long": "unsigned",
    "float": "double",
    "double": "double",
    "long double": "long_double",
    "char *": "string",
    "const char *": "string",
}
DEFINITION = (
    "void ccell__value_signed(long long); void ccell__value_unsigned(unsigned long long);\n"
    "void ccell__value_double(double); void ccell__value_long_double(long double);\n"
    "void ccell__value_char(int); void ccell__value_bool(int); void ccell__value_string(const char *);\n"
    "void ccell__value_pointer(const void *);\n"
    "#define CCELL_VALUE(x) _Generic((x), "
    + ", ".join(f"{t}: ccell__value_{f}" for t, f in _FORMATTERS.items())
    + ", default: ccell__value_pointer)(x)"
)
_VOID = re.compile(
    r"invalid use of void expression|void value not ignored|cannot convert 'void'|"
    r"passing 'void' to parameter|argument type 'void' is incomplete"
)
_STRUCT = re.compile(r"incompatible type for argument 1 of .ccell__value_pointer|ccell__value_pointer")
_OPEN = "void ccell_value_probe(void) {\n"


@dataclass(frozen=True)
class Value:
    """A statement fragment split around its trailing expression: text before, the expression, after."""

    before: Fragment | None
    expression: Fragment
    after: Fragment | None


def trailing_value(language: Language, fragment: Fragment) -> Value | None:
    """The expression a statement fragment ends in without its ``;``, if it does."""
    text = fragment.text
    body = _body(language, text)
    if body is None:
        return None
    offset = len(_OPEN.encode("utf-8"))
    data = text.encode("utf-8")
    items = [n for n in body.named_children if n.type != "comment"]
    complete_end = max((n.end_byte - offset for n in items if _complete(n)), default=0)
    code_end = max((n.end_byte - offset for n in items), default=0)
    comments = [n.start_byte - offset for n in body.named_children if n.type == "comment"]
    end = min((at for at in comments if at >= max(code_end, complete_end)), default=len(data))
    candidate = data[complete_end:end]
    if not candidate.strip() or candidate.rstrip().endswith((b";", b"}")):
        return None
    probe = _body(language, candidate.decode("utf-8", "replace") + ";")
    if probe is None:
        return None
    statements = [n for n in probe.named_children if n.type != "comment"]
    if len(statements) != 1 or statements[0].type != "expression_statement" or statements[0].has_error:
        return None
    expression = statements[0].named_children[0] if statements[0].named_children else None
    if expression is None:
        return None
    start = complete_end + expression.start_byte - offset
    stop = complete_end + expression.end_byte - offset
    return Value(
        piece(fragment, text, 0, start),
        piece(fragment, text, start, stop),  # type: ignore[arg-type]
        piece(fragment, text, stop, len(data)),
    )


def _body(language: Language, text: str) -> Node | None:
    tree = parse(language, _OPEN + text + "\n}\n")
    function = tree.root_node.children[0] if tree.root_node.children else None
    if function is None or function.type != "function_definition":
        return None
    return function.child_by_field_name("body")


def _complete(node: Node) -> bool:
    """A statement that ends as C wants: with its ``;`` or ``}``, nothing missing."""
    if node.type == "ERROR" or node.has_error:
        return False
    last = node
    while last.children:
        last = last.children[-1]
    return not last.is_missing and last.type in (";", "}")


def is_void_error(message: str) -> bool:
    return bool(_VOID.search(message))


def is_struct_error(message: str) -> bool:
    return bool(_STRUCT.search(message))


STRUCT_MESSAGE = (
    "this value is a struct (or union), which Out[n] cannot show: print its fields with printf, "
    "or end the line with ;"
)

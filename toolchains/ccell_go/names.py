"""What Go's messages and statements say about names, for the core's pending declarations and hints.

``missing_names`` reads the three ways ``go build`` says that a name a later cell may declare does
not exist yet (Go is order-free: in one file, a declaration may use one further down):

- ``undefined: element`` (not ``undefined: strings.Foo``: a package's member is no forward reference);
- ``l.Push undefined (type *List has no field or method Push)``: a method of a type of the notebook,
  waited for as ``List.Push``, the key its declaration will have;
- ``... Circle does not implement Shape (missing method Area)``: the same, ``Circle.Area``.

What Go goes on to say about a generic function whose constraint is missing (``a > b (type
parameter T cannot use operator >)``), and its "too many errors" after ten, name nothing: they
follow from the missing names.

``statement_locals`` names what a statement declares at the top of ``main``'s body (``x := 1``,
``var y = 2``, and after ``%%`` also ``const`` and ``type``), which the next cell does not have.
"""

from __future__ import annotations

import re

from tree_sitter import Language, Node

from ccellkernel.api.program import Diagnostic
from ccellkernel.api.syntax import node_text

from .classify import parse_go

PREDECLARED_TYPES = frozenset(
    """any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64
    rune string uint uint8 uint16 uint32 uint64 uintptr""".split()
)
_UNDEFINED = re.compile(r"^undefined: (?P<name>\w+)$")
_NO_METHOD = re.compile(r"^\S+ undefined \(type (?P<type>[^()]+?) has no field or method (?P<method>\w+)\)$")
_MISSING_METHOD = re.compile(
    r"(?P<type>\*?[\w.]+(?:\[[^\]]*\])?) does not (?:implement|satisfy) \S+ "
    r"\(missing method (?P<method>\w+)\)"
)
# What Go says about a generic declaration whose constraint is not declared yet.
_FOLLOWS = re.compile(
    r"type parameter \w+ cannot use operator|mismatched types \w+ and |missing comparable constraint"
    r"|type \w+ has no field or method|^too many errors$"
)
_DECLARING = ("short_var_declaration", "var_declaration", "const_declaration", "type_declaration")


def missing_names(diagnostic: Diagnostic) -> frozenset[str] | None:
    if diagnostic.severity != "error":
        return None
    message = diagnostic.message
    if match := _UNDEFINED.match(message):
        return frozenset({match.group("name")})
    match = _NO_METHOD.match(message) or _MISSING_METHOD.search(message)
    if match:
        owner = _local_type(match.group("type"))
        if owner is not None:
            return frozenset({f"{owner}.{match.group('method')}"})
    if _FOLLOWS.search(message):
        return frozenset()  # it may follow from a missing constraint in the same declaration
    return None


def _local_type(text: str) -> str | None:
    """``List`` for ``*List``, ``List[T]``, ``*List[int]``; None for a package's type or a
    predeclared one (no cell can give those a method)."""
    name = text.strip().lstrip("*").split("[", 1)[0]
    if not re.fullmatch(r"[A-Za-z_]\w*", name) or name in PREDECLARED_TYPES:
        return None
    return name


def statement_locals(language: Language, text: str) -> tuple[str, ...]:
    names: list[str] = []
    for node in parse_go(language, text).root_node.children:
        if node.type in _DECLARING and not node.has_error:
            names.extend(_declared(node))
    return tuple(n for n in dict.fromkeys(names) if n != "_")


def _declared(node: Node) -> list[str]:
    if node.type == "short_var_declaration":
        left = node.child_by_field_name("left")
        return [node_text(c) for c in (left.named_children if left else []) if c.type == "identifier"]
    found: list[str] = []
    stack = list(node.named_children)
    while stack:
        current = stack.pop(0)
        if current.type in ("var_spec", "const_spec", "type_spec", "type_alias"):
            found.extend(node_text(n) for n in current.children_by_field_name("name"))
        elif current.type.endswith("_spec_list"):
            stack.extend(current.named_children)
    return found


def keep_hint(name: str) -> str:
    return f"var {name} = ..."

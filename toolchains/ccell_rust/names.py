"""What rustc's messages and Rust statements say about names, for pending declarations and hints.

Rust is order-free: an item may use one declared further down the file. ``missing_names`` reads the
ways rustc says that something a later cell may declare does not exist yet, and how to wait for it:

- ``cannot find type `Node` in this scope`` (also value, function, struct, trait, macro...): ``Node``;
- ``unresolved import `shapes```: the module ``shapes``;
- ``no method named `area` found for reference `&Circle```: ``Circle::area``, from a later ``impl``;
- ``the trait bound `Circle: Shape` is not satisfied``, ``Circle` doesn't implement `Display```,
  ``cannot add `Point` to `Point```: ``impl Shape for Circle`` and the like.

It is not a forward reference when rustc knows where the name is (``consider importing``: a
``use`` is missing), when a type parameter lacks a bound, or when the trait is one to derive
(``Debug``, ``Clone``...): those are errors at once, with rustc's advice.

``statement_locals`` names what a statement declares at the top of ``main``'s body (``let`` patterns,
and after ``%%`` items too), and ``use_names`` what a ``use`` brings into scope.
"""

from __future__ import annotations

import re

from tree_sitter import Language, Node

from ccellkernel.program import Diagnostic
from ccellkernel.syntax import node_text, parse

# Traits one derives: a missing impl of these wants #[derive(...)], as rustc says, not a later cell.
DERIVABLE = frozenset("Debug Clone Copy PartialEq Eq PartialOrd Ord Hash Default Send Sync Sized".split())
# No cell can implement a trait of std for a type of std (the orphan rule): no use waiting for it.
STD_TRAITS = DERIVABLE | frozenset(
    """Display Add Sub Mul Div Rem Neg Not AddAssign SubAssign MulAssign DivAssign Index IndexMut
    Iterator IntoIterator FromIterator Extend From Into TryFrom TryInto AsRef AsMut Borrow Deref
    DerefMut Drop Fn FnMut FnOnce ToString FromStr Error Write Read""".split()
)
STD_TYPES = frozenset(
    """bool char str i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 String Vec Option
    Result Box Rc Arc HashMap HashSet BTreeMap BTreeSet VecDeque""".split()
)
OPERATORS = {
    "add": "Add",
    "subtract": "Sub",
    "multiply": "Mul",
    "divide": "Div",
    "calculate the remainder of": "Rem",
}
NOT_NAMES = frozenset({"self", "Self", "super", "crate", "std", "core", "alloc"})
ADVICE = ("consider importing", "consider restricting")

_CANNOT_FIND = re.compile(r"^cannot find [\w ,]+? `(?P<name>\w+)` in this scope")
_UNDECLARED = re.compile(r"^failed to resolve: use of undeclared (?:type|crate or module) `(?P<name>\w+)`")
_IMPORT = re.compile(r"^unresolved imports? `(?P<path>[\w:]+)`")
_NO_ITEM = re.compile(
    r"^no (?:method|function or associated item|associated item|variant or associated item) named "
    r"`(?P<item>\w+)` found for (?P<kind>[\w ]+?) `(?P<type>[^`]+)`"
)
_BOUND = re.compile(r"^the trait bound `(?P<type>[^`:]+): (?P<trait>[\w:]+)(?:<[^`]*>)?` is not satisfied")
_NOT_IMPLEMENTED = re.compile(r"^`(?P<type>[^`]+)` doesn't implement `(?P<trait>[\w:]+)`")
_OPERATOR = re.compile(r"^cannot (?P<op>[\w ]+?) `(?P<type>[^`]+)` (?:to|from|by) `[^`]+`")
_PLAIN_TYPE = re.compile(r"[A-Za-z_]\w*")


def missing_names(diagnostic: Diagnostic) -> frozenset[str] | None:
    if diagnostic.severity != "error" or any(advice in diagnostic.raw for advice in ADVICE):
        return None
    message = diagnostic.message
    match = _CANNOT_FIND.match(message) or _UNDECLARED.match(message)
    if match:
        return _names(match.group("name"))
    if match := _IMPORT.match(message):
        segments = [s for s in match.group("path").split("::") if s not in ("crate", "self", "super")]
        if segments and match.group("path").split("::")[0] not in ("std", "core", "alloc"):
            return _names(segments[0])
        return None
    if match := _NO_ITEM.match(message):
        owner = _plain_type(match.group("type"))
        if owner is None or "parameter" in match.group("kind"):
            return None
        return frozenset({f"{owner}::{match.group('item')}"})
    match = _BOUND.match(message) or _NOT_IMPLEMENTED.match(message)
    if match:
        return _impl(match.group("trait").split("::")[-1], match.group("type"))
    if (match := _OPERATOR.match(message)) and match.group("op") in OPERATORS:
        return _impl(OPERATORS[match.group("op")], match.group("type"))
    return None


def _names(name: str) -> frozenset[str] | None:
    return None if name in NOT_NAMES else frozenset({name})


def _impl(trait: str, type_text: str) -> frozenset[str] | None:
    owner = _plain_type(type_text)
    if owner is None or trait in DERIVABLE or (owner in STD_TYPES and trait in STD_TRAITS):
        return None
    return frozenset({f"impl {trait} for {owner}"})


def _plain_type(text: str) -> str | None:
    """``Circle`` for ``&Circle``, ``&mut Stack<i32>``, ``Box<Circle>`` is not one (None)."""
    text = re.sub(r"^&(?:'\w+\s+)?(?:mut\s+)?", "", text.strip())
    name = text.split("<", 1)[0]
    return name if _PLAIN_TYPE.fullmatch(name) and name not in NOT_NAMES else None


# -- statements ------------------------------------------------------------------------------------

ITEMS = ("function_item", "struct_item", "enum_item", "const_item", "static_item", "type_item", "trait_item")


def statement_locals(language: Language, text: str) -> tuple[str, ...]:
    names: list[str] = []
    for node in parse(language, text).root_node.children:
        if node.type == "let_declaration":
            names.extend(_pattern_names(node.child_by_field_name("pattern")))
        elif node.type in ITEMS:
            names.append(node_text(node.child_by_field_name("name")))
    return tuple(n for n in dict.fromkeys(names) if n and n != "_")


def _pattern_names(pattern: Node | None) -> list[str]:
    """The variables a ``let`` pattern binds: not the type of ``Some(v)`` or ``Point { x }``."""
    found: list[str] = []
    stack = [pattern] if pattern is not None else []
    while stack:
        node = stack.pop(0)
        if node.type in ("identifier", "shorthand_field_identifier"):
            found.append(node_text(node))
            continue
        if node.type in ("scoped_identifier", "type_identifier", "generic_type"):
            continue
        for i, child in enumerate(node.children):
            field = node.field_name_for_child(i)
            if field == "type" or child.type == "field_identifier":  # `Some(..)`, `Point { x: .. }`
                continue
            stack.append(child)
    return found


def use_names(argument: Node | None) -> tuple[str, ...]:
    """What ``use`` brings into scope: ``HashMap`` for ``std::collections::HashMap``, ``E`` for
    ``Entry as E``, ``io`` for ``std::io::{self, Write}`` (and ``Write``); a glob brings nothing
    that can be named here."""
    found: list[str] = []

    def visit(node: Node | None, parent_path: Node | None) -> None:
        if node is None:
            return
        if node.type == "identifier":
            found.append(node_text(node))
        elif node.type == "scoped_identifier":
            found.append(node_text(node.child_by_field_name("name")))
        elif node.type == "use_as_clause":
            found.append(node_text(node.child_by_field_name("alias")))
        elif node.type == "self" and parent_path is not None:
            visit(parent_path, None)
        elif node.type == "scoped_use_list":
            visit(node.child_by_field_name("list"), node.child_by_field_name("path"))
        elif node.type == "use_list":
            for child in node.named_children:
                visit(child, parent_path)

    visit(argument, None)
    return tuple(n for n in dict.fromkeys(found) if n and n != "_")


def keep_hint(name: str) -> str:
    return "const, static or a function"

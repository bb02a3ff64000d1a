"""What rustc's messages and Rust statements say about names, for pending declarations and hints.

Rust is order-free: an item may use one declared further down the file. ``missing_names`` reads the
ways rustc says that something a later cell may declare does not exist yet, and how to wait for it:

- ``cannot find type `Node` in this scope`` (also value, function, struct, trait, macro...): ``Node``;
- ``unresolved import `shapes```: the module ``shapes``;
- ``no method named `area` found for reference `&Circle```: ``Circle::area``, from a later ``impl``;
- ``the trait bound `Circle: Shape` is not satisfied``, ``Circle` doesn't implement `Display```,
  ``cannot add `Point` to `Point```: ``impl Shape for Circle`` and the like.

It is not a forward reference when the name is a well-known one of std that rustc says to import
(``HashMap``: a ``use`` is missing), when a type parameter lacks a bound, or when no cell could
write the impl (a trait of std for a type of std): those are errors at once, with rustc's advice.

``statement_locals`` names what a statement declares at the top of ``main``'s body (``let`` patterns,
and after ``%%`` items too), and ``use_names`` what a ``use`` brings into scope.
"""

from __future__ import annotations

import re

from tree_sitter import Language, Node

from ccellkernel.api.program import Diagnostic
from ccellkernel.api.syntax import node_text, parse

# Traits the compiler gives a type by itself: no cell implements them.
AUTO_TRAITS = frozenset("Send Sync Sized Unpin".split())
# No cell can implement a trait of std for a type of std (the orphan rule): no use waiting for it.
STD_TRAITS = AUTO_TRAITS | frozenset(
    """Debug Clone Copy PartialEq Eq PartialOrd Ord Hash Default Display Add Sub Mul Div Rem Neg Not
    AddAssign SubAssign MulAssign DivAssign Index IndexMut Iterator IntoIterator FromIterator Extend
    From Into TryFrom TryInto AsRef AsMut Borrow Deref DerefMut Drop Fn FnMut FnOnce ToString FromStr
    Error Write Read Sum Product""".split()
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
UNARY = {"-": "Neg", "!": "Not"}
BINARY = {
    "+": "Add",
    "-": "Sub",
    "*": "Mul",
    "/": "Div",
    "%": "Rem",
    "&": "BitAnd",
    "|": "BitOr",
    "^": "BitXor",
    "<<": "Shl",
    ">>": "Shr",
    "+=": "AddAssign",
    "-=": "SubAssign",
    "*=": "MulAssign",
    "/=": "DivAssign",
}
NOT_NAMES = frozenset({"self", "Self", "super", "crate", "std", "core", "alloc"})
# Names of std a program uses, hardly ever declares: rustc's "consider importing" means a `use` is
# missing. (For others, such as `Iter` or `Entry`, a later cell may well declare its own.)
WELL_KNOWN = frozenset(
    """HashMap HashSet BTreeMap BTreeSet VecDeque BinaryHeap Rc Arc Weak RefCell Cell Mutex RwLock
    fmt io mem thread Duration Instant PI Ordering FromStr Display Debug""".split()
)

_CANNOT_FIND = re.compile(r"^cannot find [\w ,]+? `(?P<name>\w+)` in this scope")
_NOT_IN_CRATE = re.compile(r"^cannot find `(?P<name>\w+)` in `(?:crate|self|super)`")
_UNDECLARED = re.compile(r"^failed to resolve: use of undeclared (?:type|crate or module) `(?P<name>\w+)`")
_IMPORT = re.compile(r"^unresolved imports? `(?P<path>[\w:]+)`")
_NO_ITEM = re.compile(
    r"^no (?:method|function or associated item|associated item|variant or associated item) named "
    r"`(?P<item>\w+)` found for (?P<kind>[\w ]+?) `(?P<type>[^`]+)`"
)
_BOUND = re.compile(r"^the trait bound `(?P<type>[^`:]+): (?P<trait>[\w:]+)(?:<[^`]*>)?` is not satisfied")
_NOT_IMPLEMENTED = re.compile(r"^`(?P<type>[^`]+)` doesn't implement `(?P<trait>[\w:]+)`")
_OPERATOR = re.compile(r"^cannot (?P<op>[\w ]+?) `(?P<type>[^`]+)` (?:to|from|by) `[^`]+`")
_UNARY = re.compile(r"^cannot apply unary operator `(?P<op>[-!])` to type `(?P<type>[^`]+)`")
_BINARY = re.compile(r"^binary operation `(?P<op>\S+)` cannot be applied to type `(?P<type>[^`]+)`")
_NO_IMPLEMENTATION = re.compile(r"^no implementation for `(?P<type>[^`\s]+) (?P<op>\S+) [^`]+`")
_NOT_ITERATOR = re.compile(r"^`(?P<type>[^`]+)` is not an iterator")
_COLLECT = re.compile(
    r"^a (?:value|collection) of type `(?P<type>[^`]+)` cannot be (?P<how>made by summing|made by multiplying"
    r"|built from)"
)
_COMPARE = re.compile(r"^can't compare `(?P<type>[^`]+)` with `[^`]+`(?P<rest>.*)")
_BOUNDS_NOT_MET = re.compile(r"^the method `\w+` exists for .* but its trait bounds were not satisfied")
_UNMET_BOUND = re.compile(r"`(?P<type>[\w<>&' ]+): (?P<trait>[\w:]+)`")
_ERR_TYPE = re.compile(r"^type mismatch resolving `<[^`]* as \w+>::Err == (?P<type>[^`]+)`")
_QUESTION = re.compile(r"^`\?` couldn't convert the error to `(?P<type>[^`]+)`")
_QUESTION_BOUND = re.compile(
    r"^`\?` couldn't convert the error: `(?P<type>[^`:]+): (?P<trait>[\w:]+)` is not satisfied"
)
_CALLED_FROM = re.compile(r"^= called: (?P<type>\w+)::from$", re.MULTILINE)
_PLAIN_TYPE = re.compile(r"[A-Za-z_]\w*")
_SLICE = re.compile(r"\[[A-Za-z_]\w*\]")


def missing_names(diagnostic: Diagnostic) -> frozenset[str] | None:
    if diagnostic.severity != "error" or "consider restricting" in diagnostic.raw:
        return None
    message = diagnostic.message
    match = _CANNOT_FIND.match(message) or _UNDECLARED.match(message) or _NOT_IN_CRATE.match(message)
    if match:
        name = match.group("name")
        if name in WELL_KNOWN and "consider importing" in diagnostic.raw:
            return None
        return _names(name)
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
    match = _BOUND.match(message) or _NOT_IMPLEMENTED.match(message) or _QUESTION_BOUND.match(message)
    if match:
        return _impl(match.group("trait").split("::")[-1], match.group("type"))
    if (match := _OPERATOR.match(message)) and match.group("op") in OPERATORS:
        return _impl(OPERATORS[match.group("op")], match.group("type"))
    if match := _UNARY.match(message):
        return _impl(UNARY[match.group("op")], match.group("type"))
    if (match := _BINARY.match(message) or _NO_IMPLEMENTATION.match(message)) and match["op"] in BINARY:
        return _impl(BINARY[match.group("op")], match.group("type"))
    if match := _NOT_ITERATOR.match(message):
        return _impl("Iterator", match.group("type"))
    if match := _COLLECT.match(message):
        how = match.group("how")
        trait = "Sum" if "summing" in how else "Product" if "multiplying" in how else "FromIterator"
        return _impl(trait, match.group("type"))
    if match := _COMPARE.match(message):
        return _impl("PartialOrd" if "<" in match.group("rest") else "PartialEq", match.group("type"))
    if match := _QUESTION.match(message) or _ERR_TYPE.match(message):
        return _impl("From", match.group("type"))  # `?` converts an error with a later From impl
    if _BOUNDS_NOT_MET.match(message):
        _, _, bounds = diagnostic.raw.partition("the following trait bounds were not satisfied:")
        impls = [_impl(m["trait"].split("::")[-1], m["type"]) for m in _UNMET_BOUND.finditer(bounds)]
        return frozenset(name for found in impls if found for name in found) or None
    if message.startswith("mismatched types") and (match := _CALLED_FROM.search(diagnostic.raw)):
        return _impl("From", match.group("type"))  # `Color::from(s)` before `impl From<&str> for Color`
    return None


def _names(name: str) -> frozenset[str] | None:
    return None if name in NOT_NAMES else frozenset({name})


def _impl(trait: str, type_text: str) -> frozenset[str] | None:
    owner = _plain_type(type_text)
    if owner is None or trait in AUTO_TRAITS or (owner in STD_TYPES and trait in STD_TRAITS):
        return None
    return frozenset({f"impl {trait} for {owner}"})


def _plain_type(text: str) -> str | None:
    """``Circle`` for ``&Circle``, ``&&mut Stack<i32>``; ``[f64]`` for ``&[f64]`` (an impl for a
    slice); None for other types (``(i32, u8)``, ``{integer}``)."""
    text = re.sub(r"^(?:&(?:'\w+\s+)?(?:mut\s+)?)+", "", text.strip())
    if _SLICE.fullmatch(text):
        return text
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

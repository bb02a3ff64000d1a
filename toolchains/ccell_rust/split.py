"""Sorting a Rust cell's top-level nodes into items (with their keys) and statements.

Keys (CELL_MODEL.md section 2): a ``use`` by its path as written, an ``impl`` by its header
(``impl Display for Point``), every other item by its name; inner attributes (``#![...]``) and inner
doc comments (``//!``) are crate level, keyed by their text. Outer attributes, doc comments and plain
comments go with the node that follows them; a comment on the line where a node ends stays with it.
An item under ``#[cfg(...)]`` has the attribute in its key (``f #[cfg(unix)]``), so that the variants
for other configurations stay beside it. Everything else (``let``, expressions, ``for``...) is a
statement of the cell's ``main``; ``refine_cell`` makes an invocation of a remembered item macro
(``make_fn!(foo);``) a declaration, keyed by its text.

``names`` say what an item brings into scope where its key does not: a ``use`` the names it
imports, an ``impl`` its methods (what a forward reference to a method waits for).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from types import MappingProxyType

from tree_sitter import Language, Node

from ccellkernel.api.memory import Declaration, Fragment, Memory
from ccellkernel.api.program import CellParts
from ccellkernel.api.syntax import CLOSERS, OPENERS, fragment_between, leaves, node_text, parse

from .names import use_names

NAMED_ITEMS = {
    "function_item": "fn",
    "function_signature_item": "fn",
    "struct_item": "struct",
    "enum_item": "enum",
    "union_item": "union",
    "trait_item": "trait",
    "type_item": "type",
    "const_item": "const",
    "static_item": "static",
    "mod_item": "mod",
    "macro_definition": "macro_rules",
}
CRATE_LEVEL = "inner attribute"  # the kind rendered first, at the top of the crate
COMMENTS = ("line_comment", "block_comment")
PREFIXES = ("attribute_item",)  # outer attributes: they belong to the next node
STATEMENTS = ("expression_statement", "macro_invocation", "ERROR")  # may need a `;` that follows
ITEM_MACROS = ("thread_local",)  # macros whose top-level invocation defines items (statics)
MACRO_ITEM = "macro item"  # the kind of an invocation of a remembered macro that makes items
# How a macro's expansion starts when it makes items (after attributes, `pub`, `$vis`, `$(`).
ITEM_WORDS = frozenset("fn struct enum union impl trait type static const mod use extern macro_rules".split())
IMPL_MEMBERS = ("function_item", "function_signature_item", "const_item", "type_item", "associated_type")

KEYWORDS = frozenset(
    """as async await break const continue crate dyn else enum extern false fn for if impl in let loop
    match mod move mut pub ref return self Self static struct super trait true type union unsafe use
    where while macro_rules
    bool char str i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64
    Option Some None Result Ok Err String Vec Box ToString ToOwned Clone Copy Default Drop Eq PartialEq
    Ord PartialOrd Fn FnMut FnOnce Iterator IntoIterator Extend FromIterator From Into TryFrom TryInto
    AsRef AsMut Send Sync Sized Debug Display HashMap HashSet BTreeMap BTreeSet VecDeque Rc Arc RefCell
    Cell Mutex
    println print eprintln eprint format vec assert assert_eq assert_ne debug_assert panic todo
    unimplemented unreachable write writeln matches dbg include_str concat stringify env line file""".split()
)


@dataclass
class _Item:
    """A top-level node with what travels with it: ``first`` (its leading comments and attributes)
    to ``last`` (a comment on its last line)."""

    first: Node
    node: Node
    last: Node
    attributes: tuple[Node, ...] = ()


def split_cell(language: Language, source: str, cell: int) -> CellParts:
    data = source.encode("utf-8")
    tree = parse(language, source)
    declarations: list[Declaration] = []
    statements: list[Fragment] = []
    main: Fragment | None = None
    problems: list[tuple[Fragment, str]] = []
    for item in _items(tree.root_node):
        fragment = fragment_between(data, item.first, item.last, cell)
        node = item.node
        if node.type == "function_item" and node_text(node.child_by_field_name("name")) == "main":
            if main is not None:
                problems.append((fragment, "this cell defines main twice"))
            main = fragment
            continue
        decl = _declaration(node, fragment, data)
        if decl is not None:
            declarations.append(_configured(decl, item.attributes))
        elif node.type != "empty_statement":
            statements.append(fragment)
    if tree.root_node.has_error:
        problems.extend(_unbalanced(tree.root_node, data, cell))
    return CellParts(tuple(declarations), tuple(statements), main, tuple(problems))


def _unbalanced(root: Node, data: bytes, cell: int) -> list[tuple[Fragment, str]]:
    """A bracket the cell never closes, or closes without opening.

    Said here because rustc cannot: in the rendered program the ``}`` that ends ``main`` would
    close the cell's ``{``, and rustc would point at generated code.
    """
    stack: list[Node] = []
    for leaf in leaves(root):
        if leaf.is_missing:
            continue
        if leaf.type in OPENERS:
            stack.append(leaf)
        elif leaf.type in CLOSERS:
            if not stack:
                return [
                    (fragment_between(data, leaf, leaf, cell), f"unexpected closing delimiter `{leaf.type}`")
                ]
            opener = stack.pop()
            if OPENERS[opener.type] != leaf.type:
                return [(fragment_between(data, opener, opener, cell), f"unclosed delimiter `{opener.type}`")]
    if stack:
        return [(fragment_between(data, stack[0], stack[0], cell), f"unclosed delimiter `{stack[0].type}`")]
    return []


def _items(root: Node) -> list[_Item]:
    items: list[_Item] = []
    pending: list[Node] = []  # comments and outer attributes waiting for their node
    for node in root.children:
        if node.type in COMMENTS and not _is_inner_doc(node):
            previous = items[-1] if items else None
            if not pending and previous is not None and node.start_point.row == previous.last.end_point.row:
                previous.last = node  # `struct P; // a point`: the comment stays with its line
            else:
                pending.append(node)
            continue
        if node.type in PREFIXES:
            pending.append(node)
            continue
        if node.type == "empty_statement" and items and not pending:
            # `unsafe { f() };` parses as a block-like expression, then `;`: keep them together
            # (alone, a block whose value is not `()` is an error in statement position). After
            # an item, a `;` is dropped: `struct Unit;;` is an error among items.
            if items[-1].node.type in STATEMENTS:
                items[-1].last = node
            continue
        macro = _item_macro(node)
        if macro is not None and macro is not node and node_text(macro).endswith("}"):
            node = macro  # `thread_local! { ... };`: among items that `;` is an error (not after `(...)`)
        attributes = tuple(n for n in pending if n.type in PREFIXES)
        items.append(_Item(pending[0] if pending else node, node, node, attributes))
        pending = []
    # Attributes or doc comments with nothing after them: rustc will say so, at their line.
    if any(n.type in PREFIXES or _is_doc(n) for n in pending):
        items.append(_Item(pending[0], pending[-1], pending[-1]))
    return items


def _item_macro(node: Node) -> Node | None:
    """The invocation of an item macro (``thread_local!``) that ``node`` is, or holds with its ``;``."""
    if node.type == "expression_statement" and node.named_children:
        node = node.named_children[0]
    if node.type == "macro_invocation" and node_text(node.child_by_field_name("macro")) in ITEM_MACROS:
        return node
    return None


def _is_doc(node: Node) -> bool:
    return node.type in COMMENTS and node.child_by_field_name("doc") is not None


def _is_inner_doc(node: Node) -> bool:
    return node.type in COMMENTS and node.child_by_field_name("inner") is not None


def _configured(decl: Declaration, attributes: tuple[Node, ...]) -> Declaration:
    """``decl`` with its ``#[cfg(...)]`` attributes in its keys: ``f #[cfg(unix)]``."""
    cfgs = [normalize(node_text(a)) for a in attributes if _attribute_name(a) == "cfg"]
    if not cfgs:
        return decl
    keys = tuple(f"{key} {' '.join(cfgs)}" for key in decl.keys)
    return dataclasses.replace(decl, keys=keys, names=decl.names or decl.keys)


def _attribute_name(attribute_item: Node) -> str:
    attribute = next((c for c in attribute_item.named_children if c.type == "attribute"), None)
    first = attribute.named_children[0] if attribute is not None and attribute.named_children else None
    return node_text(first)


def _declaration(node: Node, fragment: Fragment, data: bytes) -> Declaration | None:
    decl = _keyed(node, fragment, data)
    if decl is None:
        return None
    return dataclasses.replace(decl, data=MappingProxyType({**decl.data, **_reach(node, decl, fragment)}))


# Names as tree-sitter-rust marks them (in macro arguments too: token trees hold identifiers).
NAME_NODES = frozenset({"identifier", "type_identifier", "field_identifier", "shorthand_field_identifier"})
ALWAYS_KINDS = frozenset({"use", CRATE_LEVEL, "extern crate", "macro_rules"})
# Items the program needs whether or not main names them: exported or placed by the linker, or
# reading a file when they compile (which may have changed since the memory last compiled).
_EXPORTED = re.compile(
    r"#\[\s*(?:no_mangle|export_name|used|link_section|path)\b|\binclude(?:_str|_bytes)?\s*!"
)


def mentions(node: Node) -> frozenset[str]:
    """Every name under ``node``, whatever it names (for ``ccellkernel.toolkit.reach``)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in NAME_NODES:
            found.add(node_text(current))
        else:
            stack.extend(current.children)
    return frozenset(found)


def _reach(node: Node, decl: Declaration, fragment: Fragment) -> dict[str, object]:
    """What ``ccellkernel.toolkit.reach`` needs: the names a use of which needs the item (an ``impl``, a
    ``trait``: the types and the trait of its header and the functions it defines, so that a method
    call keeps it), the names it mentions, and whether it is always needed."""
    defines = set(decl.keys)
    if node.type in ("impl_item", "trait_item"):
        for field in ("type", "trait", "name"):
            part = node.child_by_field_name(field)
            if part is not None:
                defines |= {n for n in mentions(part)}
        body = node.child_by_field_name("body")
        for item in body.named_children if body is not None else []:
            name = item.child_by_field_name("name")
            if name is not None:
                defines.add(node_text(name))
    always = (
        decl.kind in ALWAYS_KINDS
        or any(k.startswith("const _") for k in decl.keys)
        or _EXPORTED.search(fragment.text) is not None
    )
    return {"defines": frozenset(defines), "mentions": mentions(node), "always": always}


def _keyed(node: Node, fragment: Fragment, data: bytes) -> Declaration | None:
    kind = node.type
    if kind == "macro_definition":
        name = node_text(node.child_by_field_name("name"))
        extra = {"items": expands_to_items(node)}
        return Declaration((name,), NAMED_ITEMS[kind], fragment, data=MappingProxyType(extra))
    if kind in NAMED_ITEMS:
        name = node_text(node.child_by_field_name("name"))
        if not name or name == "_":  # `const _: () = ...;` may appear any number of times
            name = normalize(node_text(node))
        return Declaration((name,), NAMED_ITEMS[kind], fragment)
    if kind == "use_declaration":
        argument = node.child_by_field_name("argument")
        return Declaration((normalize(node_text(argument)),), "use", fragment, names=use_names(argument))
    if kind == "impl_item":
        body = node.child_by_field_name("body")
        end = body.start_byte if body is not None else node.end_byte
        header = data[node.start_byte : end].decode("utf-8", "replace")
        members = [c for c in (body.named_children if body else []) if c.type in IMPL_MEMBERS]
        names = tuple(dict.fromkeys(n for c in members if (n := node_text(c.child_by_field_name("name")))))
        return Declaration((normalize(header),), "impl", fragment, names=names)
    if kind == "inner_attribute_item" or _is_inner_doc(node):
        return Declaration((normalize(node_text(node)),), CRATE_LEVEL, fragment)
    if kind == "extern_crate_declaration":
        name = node.child_by_field_name("alias") or node.child_by_field_name("name")
        return Declaration((node_text(name) or normalize(node_text(node)),), "extern crate", fragment)
    if kind == "foreign_mod_item":
        body = node.child_by_field_name("body")
        names = [node_text(c.child_by_field_name("name")) for c in (body.named_children if body else [])]
        keys = tuple(n for n in names if n) or (normalize(node_text(node)),)
        return Declaration(keys, "extern", fragment)
    macro = _item_macro(node)
    if macro is not None:
        keys = tuple(_STATIC_NAME.findall(node_text(macro))) or (normalize(node_text(macro)),)
        return Declaration(keys, node_text(macro.child_by_field_name("macro")), fragment)
    return None


def expands_to_items(macro: Node) -> bool:
    """Whether a ``macro_rules!`` makes items: some rule's expansion starts like an item does
    (``fn $name() ...``, ``pub struct``, ``#[derive(..)] struct``, ``$(impl ... )*``)."""
    for rule in macro.named_children:
        if rule.type != "macro_rule":
            continue
        right = rule.child_by_field_name("right")
        if right is not None and _starts_an_item(right.children[1:]):
            return True
    return False


def _starts_an_item(tokens: list[Node]) -> bool:
    i = 0
    while i < len(tokens):
        token = tokens[i]
        text = node_text(token)
        if token.type == "#":  # an attribute: `#` and its `[...]`
            i += 2
        elif text == "pub" or token.type in ("metavariable", "$", "visibility_modifier"):
            i += 1
        elif token.type == "token_repetition":  # `$( impl ... )*`
            return _starts_an_item(token.children[2:])
        elif token.type == "token_tree" and text.startswith("("):  # `pub(crate)`
            i += 1
        else:
            return text in ITEM_WORDS
    return False


def refine_cell(language: Language, cell: CellParts, memory: Memory) -> CellParts:
    """Statements that invoke a macro making items (remembered, or defined in this cell) become
    declarations, keyed by the invocation's text (``make_fn!(foo)``)."""
    macros = {
        d.key: d
        for d in (*memory, *cell.declarations)
        if d.kind == NAMED_ITEMS["macro_definition"] and d.data.get("items")
    }
    if not macros:
        return cell
    declarations = list(cell.declarations)
    statements = []
    for statement in cell.statements:
        decl = _macro_item(language, statement, macros)
        if decl is None:
            statements.append(statement)
        else:
            declarations.append(decl)
    if len(statements) == len(cell.statements):
        return cell
    declarations.sort(key=lambda d: (d.fragment.line, d.fragment.column))
    return dataclasses.replace(cell, declarations=tuple(declarations), statements=tuple(statements))


def _macro_item(
    language: Language, statement: Fragment, macros: dict[str, Declaration]
) -> Declaration | None:
    nodes = [n for n in parse(language, statement.text).root_node.children if n.type not in COMMENTS]
    if len(nodes) != 1:
        return None
    node = nodes[0]
    invocation = (
        node.named_children[0] if node.type == "expression_statement" and node.named_children else node
    )
    if invocation.type != "macro_invocation":
        return None
    name = node_text(invocation.child_by_field_name("macro"))
    if name not in macros:
        return None
    text = statement.text
    body = invocation.named_children[-1] if invocation.named_children else None
    if body is not None and node_text(body).startswith("{") and node.type == "expression_statement":
        end = invocation.end_byte  # `make! { .. };`: among items that `;` is an error
        text = statement.text.encode("utf-8")[:end].decode("utf-8", "replace")
    fragment = Fragment(text, statement.cell, statement.line, statement.column)
    return Declaration((normalize(node_text(invocation)),), MACRO_ITEM, fragment, names=(f"{name}!",))


_STATIC_NAME = re.compile(r"(?<!')\bstatic\s+(?:mut\s+)?([A-Za-z_]\w*)\s*:")
_SPACES = re.compile(r"\s+")
_AROUND_PATH = re.compile(r" ?:: ?")
_AFTER_OPENER = re.compile(r"([(\[{]) ")
_BEFORE_CLOSER = re.compile(r" ([)\]},;])")
_COLON = re.compile(r" :(?!:)")
_COMMA = re.compile(r",(?=[^ )\]}])")


def normalize(text: str) -> str:
    """Text with its whitespace normalised the way rustfmt spaces a header or a path, so that
    ``use std::collections::{ HashMap,HashSet }`` and ``use std::collections::{HashMap, HashSet}``
    (or ``impl<T>  Stack<T>`` over two lines) get the same key."""
    text = _SPACES.sub(" ", text).strip().rstrip(";").rstrip()
    text = _AROUND_PATH.sub("::", text)
    text = _AFTER_OPENER.sub(r"\1", text)
    text = _BEFORE_CLOSER.sub(r"\1", text)
    text = _COLON.sub(":", text)
    return _COMMA.sub(", ", text)

"""What a ``%dep`` crate's source makes public, for editor help when rust-analyzer has nothing to say:
``rand::`` completes to the items, modules and re-exports that ``pub`` declares at the top of the
crate's ``lib.rs``, and ``rand::rngs::`` to those of its module (inline, ``rngs.rs`` or
``rngs/mod.rs``); inspecting ``rand::random`` shows its declaration and doc comment (``describe``).
Read with tree-sitter; ``cfg`` attributes are not weighed, and a glob re-export
(``pub use x::*``) adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import tree_sitter

KINDS = {
    "function_item": "function",
    "struct_item": "struct",
    "enum_item": "enum",
    "union_item": "struct",
    "trait_item": "interface",
    "type_item": "type",
    "const_item": "constant",
    "static_item": "variable",
    "mod_item": "module",
}
MAX_BYTES = 2_000_000  # a source file larger than this is not read
FOLLOW = 4  # re-exports followed, at most, to find an item's declaration


def items(language: tree_sitter.Language, root: Path, path: Sequence[str]) -> list[tuple[str, str]]:
    """(name, kind) of the public items of the module ``path`` (``[]``: the crate's root) of the crate
    whose root file is ``root``."""
    node = _module_at(tree_sitter.Parser(language), root, path, public=True)
    return [] if node is None else _public(node)


def describe(
    language: tree_sitter.Language, root: Path, path: Sequence[str], name: str
) -> tuple[str, str] | None:
    """The declaration (without its body) and doc comment of the public item ``name`` of the module
    ``path``, for inspection; a re-export (``pub use crate::a::b::name``) is followed, a few steps."""
    parser = tree_sitter.Parser(language)
    for _ in range(FOLLOW):
        node = _module_at(parser, root, path, public=False)
        if node is None:
            return None
        for child in node.named_children:
            if child.type in KINDS and _name(child) == name and _public_node(child):
                return _declaration(child), _doc(child)
        target = _reexport(node, name, list(path))
        if target is None:
            return None
        path, name = target
    return None


def _module_at(
    parser: tree_sitter.Parser, root: Path, path: Sequence[str], *, public: bool
) -> tree_sitter.Node | None:
    """The node holding the items of module ``path``: a file's root, or an inline module's body."""
    file = root
    node = _parse(parser, file)
    for name in path:
        if node is None:
            return None
        found = _module(node, name, public)
        if found is None:
            return None
        if found.child_by_field_name("body") is not None:
            node = found.child_by_field_name("body")
            continue
        file = _module_file(file, name, root)
        node = _parse(parser, file) if file is not None else None
    return node


def _declaration(item: tree_sitter.Node) -> str:
    """An item's text up to its body, on one line: ``pub fn random<T>() -> T where ...``."""
    body = item.child_by_field_name("body")
    end = body.start_byte if body is not None else item.end_byte
    text = (item.text or b"")[: end - item.start_byte].decode("utf-8", "replace")
    return " ".join(text.split()).rstrip(" ;{")


def _doc(item: tree_sitter.Node) -> str:
    """The ``///`` lines before ``item`` (attributes between them and it are passed over)."""
    lines: list[str] = []
    sibling = item.prev_sibling
    while sibling is not None and sibling.type in ("line_comment", "attribute_item"):
        text = (sibling.text or b"").decode("utf-8", "replace")
        if sibling.type == "line_comment":
            if not text.startswith("///") or text.startswith("////"):
                break
            lines.append(text[3:].removeprefix(" ").rstrip())
        sibling = sibling.prev_sibling
    return "\n".join(reversed(lines)).strip()


def _reexport(node: tree_sitter.Node, name: str, here: list[str]) -> tuple[list[str], str] | None:
    """Where a ``pub use ...::name`` in ``node`` (the module ``here``) takes ``name`` from: a path
    from ``crate::``, ``self::``, ``super::`` or a module of ``here``."""
    for child in node.named_children:
        if child.type != "use_declaration" or not _public_node(child):
            continue
        words = _use_path(child.child_by_field_name("argument"), name)
        if words is None:
            continue
        if words[0] == "crate":
            return words[1:-1], name
        base = list(here)
        while words[0] in ("self", "super"):
            if words.pop(0) == "super":
                if not base:
                    return None
                base.pop()
        return [*base, *words[:-1]], name
    return None


def _parse(parser: tree_sitter.Parser, file: Path) -> tree_sitter.Node | None:
    try:
        if file.stat().st_size > MAX_BYTES:
            return None
        return parser.parse(file.read_bytes()).root_node
    except OSError:
        return None


def _module(node: tree_sitter.Node, name: str, public: bool = True) -> tree_sitter.Node | None:
    for child in node.named_children:
        if child.type == "mod_item" and _name(child) == name and (_public_node(child) or not public):
            return child
    return None


def _module_file(parent: Path, name: str, root: Path) -> Path | None:
    """Where ``mod name;`` declared in ``parent`` lives."""
    folder = parent.parent if parent == root or parent.name == "mod.rs" else parent.with_suffix("")
    for candidate in (folder / f"{name}.rs", folder / name / "mod.rs"):
        if candidate.is_file():
            return candidate
    return None


def _public(node: tree_sitter.Node) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for child in node.named_children:
        if child.type == "macro_definition":
            previous = child.prev_named_sibling
            if previous is not None and b"macro_export" in (previous.text or b""):
                found.setdefault(_name(child), "function")
            continue
        if not _public_node(child):
            continue
        if child.type in KINDS:
            name = _name(child)
            if name:
                found.setdefault(name, KINDS[child.type])
        elif child.type == "use_declaration":
            argument = child.child_by_field_name("argument")
            for name in _used_names(argument):
                found.setdefault(name, "function" if name[:1].islower() else "type")  # a guess
    return sorted(found.items())


def _use_path(argument: tree_sitter.Node | None, name: str) -> list[str] | None:
    """The words of the path a ``use`` takes ``name`` by, without renaming: ``a::b::name`` or
    ``a::b::{c, name}``."""
    if argument is None:
        return None
    if argument.type == "scoped_identifier":
        words = (argument.text or b"").decode("utf-8", "replace").replace(" ", "").split("::")
        return words if words[-1] == name else None
    if argument.type == "scoped_use_list":
        path, listed = argument.child_by_field_name("path"), argument.child_by_field_name("list")
        names = {(c.text or b"").decode() for c in listed.named_children} if listed is not None else set()
        if path is not None and name in names:
            return [*(path.text or b"").decode("utf-8", "replace").replace(" ", "").split("::"), name]
    return None


def _public_node(node: tree_sitter.Node) -> bool:
    return any(c.type == "visibility_modifier" and c.text == b"pub" for c in node.children)


def _name(node: tree_sitter.Node) -> str:
    name = node.child_by_field_name("name")
    return (name.text or b"").decode("utf-8", "replace") if name is not None else ""


def _used_names(node: tree_sitter.Node | None) -> list[str]:
    """The names a ``use`` tree brings in: ``a::B`` B, ``a::{b, c as d}`` b and d; a glob none."""
    if node is None:
        return []
    if node.type == "identifier":
        return [(node.text or b"").decode()]
    if node.type == "scoped_identifier":
        return _used_names(node.child_by_field_name("name"))
    if node.type == "use_as_clause":
        return _used_names(node.child_by_field_name("alias"))
    if node.type == "scoped_use_list":
        return _used_names(node.child_by_field_name("list"))
    if node.type == "use_list":
        return [name for child in node.named_children for name in _used_names(child)]
    return []

"""What a ``%dep`` crate's source makes public, for editor help when rust-analyzer has nothing to say:
``rand::`` completes to the items, modules and re-exports that ``pub`` declares at the top of the
crate's ``lib.rs``, and ``rand::rngs::`` to those of its module (inline, ``rngs.rs`` or
``rngs/mod.rs``). Read with tree-sitter; ``cfg`` attributes are not weighed, and a glob re-export
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


def items(language: tree_sitter.Language, root: Path, path: Sequence[str]) -> list[tuple[str, str]]:
    """(name, kind) of the public items of the module ``path`` (``[]``: the crate's root) of the crate
    whose root file is ``root``."""
    parser = tree_sitter.Parser(language)
    file = root
    node = _parse(parser, file)
    for name in path:
        if node is None:
            return []
        found = _module(node, name)
        if found is None:
            return []
        if found.child_by_field_name("body") is not None:
            node = found.child_by_field_name("body")
            continue
        file = _module_file(file, name, root)
        node = _parse(parser, file) if file is not None else None
    return [] if node is None else _public(node)


def _parse(parser: tree_sitter.Parser, file: Path) -> tree_sitter.Node | None:
    try:
        if file.stat().st_size > MAX_BYTES:
            return None
        return parser.parse(file.read_bytes()).root_node
    except OSError:
        return None


def _module(node: tree_sitter.Node, name: str) -> tree_sitter.Node | None:
    for child in node.named_children:
        if child.type == "mod_item" and _name(child) == name and _public_node(child):
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

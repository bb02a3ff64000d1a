"""What a Rust program declares, read with tree-sitter for completion without rust-analyzer: its
structs with their fields' types, enums with their variants, ``impl`` functions with their
signatures and return types, free functions' return types, the types of its ``const`` and
``static`` items, and the names its ``use`` declarations bring in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from ccellkernel.api.syntax import node_text, parse


@dataclass
class Local:
    """What the program itself declares: types with their fields, variants and impl functions."""

    fields: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    variants: dict[str, list[str]] = field(default_factory=dict)
    functions: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)  # name, sig, self
    returns: dict[str, dict[str, str]] = field(default_factory=dict)  # type -> impl fn -> return type
    free: dict[str, str] = field(default_factory=dict)  # free fn -> return type, as written
    values: dict[str, str] = field(default_factory=dict)  # const or static -> its type
    uses: dict[str, str] = field(default_factory=dict)  # alias -> path

    def knows(self, name: str) -> bool:
        return name in self.fields or name in self.variants or name in self.functions


def local_items(language: object, text: str) -> Local:
    """Structs, enums, impl functions, free functions, consts, statics and ``use`` names of the
    program (tree-sitter)."""
    local = Local()
    tree = parse(language, text)  # type: ignore[arg-type]
    stack: list[Node] = [tree.root_node]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "struct_item":
            name = node_text(node.child_by_field_name("name"))
            body = node.child_by_field_name("body")
            fields = []
            for decl in body.named_children if body is not None else []:
                if decl.type == "field_declaration":
                    fields.append(
                        (
                            node_text(decl.child_by_field_name("name")),
                            node_text(decl.child_by_field_name("type")),
                        )
                    )
            local.fields.setdefault(name, []).extend(fields)
        elif kind == "enum_item":
            name = node_text(node.child_by_field_name("name"))
            body = node.child_by_field_name("body")
            variants = [
                node_text(v.child_by_field_name("name"))
                for v in (body.named_children if body is not None else [])
                if v.type == "enum_variant"
            ]
            local.variants.setdefault(name, []).extend(variants)
        elif kind == "impl_item":
            target = strip_generics(node_text(node.child_by_field_name("type"))).rsplit("::", 1)[-1]
            body = node.child_by_field_name("body")
            for item in body.named_children if body is not None else []:
                if item.type == "function_item":
                    params = item.child_by_field_name("parameters")
                    takes_self = params is not None and any(
                        p.type == "self_parameter" for p in params.named_children
                    )
                    signature = node_text(item).split("{", 1)[0].strip()
                    name = node_text(item.child_by_field_name("name"))
                    local.functions.setdefault(target, []).append(
                        (name, " ".join(signature.split()), takes_self)
                    )
                    returned = item.child_by_field_name("return_type")
                    if returned is not None:
                        local.returns.setdefault(target, {})[name] = node_text(returned)
            continue
        elif kind in ("const_item", "static_item"):
            written = node.child_by_field_name("type")
            if written is not None:
                local.values[node_text(node.child_by_field_name("name"))] = node_text(written)
        elif kind == "use_declaration":
            _uses(node_text(node.child_by_field_name("argument")), local.uses)
            continue
        elif kind == "function_item":
            returned = node.child_by_field_name("return_type")
            if returned is not None:
                local.free[node_text(node.child_by_field_name("name"))] = node_text(returned)
        stack.extend(reversed(node.children))
    return local


def _uses(argument: str, uses: dict[str, str], prefix: str = "") -> None:
    """``std::collections::{HashMap, hash_map::Entry as E}`` -> HashMap, E."""
    argument = re.sub(r"\s*(::|[{},])\s*", r"\1", " ".join(argument.split()))
    brace = argument.find("{")
    if brace >= 0 and argument.endswith("}"):
        base = prefix + argument[:brace]
        depth, part, parts = 0, "", []
        for char in argument[brace + 1 : -1]:
            if char == "," and depth == 0:
                parts.append(part)
                part = ""
                continue
            depth += char == "{"
            depth -= char == "}"
            part += char
        parts.append(part)
        for piece in parts:
            if piece and piece != "self":
                _uses(piece, uses, base)
        return
    aliased = re.fullmatch(r"([\w:]+) as (\w+)", argument)
    if aliased:
        uses[aliased.group(2)] = prefix + aliased.group(1)
    elif re.fullmatch(r"[\w:]+", argument):
        uses[argument.rsplit("::", 1)[-1]] = prefix + argument


def strip_generics(path: str) -> str:
    previous = None
    while previous != path:
        previous = path
        path = re.sub(r"<[^<>]*>", "", path)
    return re.sub(r"\s+", "", path)

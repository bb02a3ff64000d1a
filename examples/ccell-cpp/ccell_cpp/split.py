"""Sorting a C++ cell's top-level nodes into declarations (with their keys) and statements.

Keys (a redefinition replaces everything with the same key):

========================================  =============================================================
``#include <x>``                          the header (``<x>``)
``#define NAME``                          NAME; other preprocessor lines and ``#if`` blocks: their text
a function                                its name and parameter types, ``square(int)``: overloads are
                                          separate declarations, a new body for ``square(int)`` replaces
                                          the old one; a method defined outside its class:
                                          ``Point::norm() const``
``template <...> X``                      the key of X: ``twice(T)``, ``class Box``
``class/struct/union/enum NAME {...}``    ``class NAME``, ``struct NAME``...; an anonymous enum: its
                                          constants
``namespace NAME {...}``                  ``namespace NAME``: the whole block is one declaration, so
                                          reopening the namespace in another cell replaces it
``using X = ...;``, ``typedef``           the new name
``using namespace std;``, ``using a::b;``  their text
a global variable                         each declarator's name; the names of one declaration stay one
                                          group
========================================  =============================================================

Every declaration also records, for ordering, the plain names it defines (``data["names"]``) and the
names it uses; a function records its prototype when one can be written (``data["prototype"]``),
and whether it is ``constexpr`` or ``consteval`` (``data["compile_time"]``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from types import MappingProxyType

from tree_sitter import Language, Node

from ccellkernel.api.memory import Declaration, Fragment
from ccellkernel.api.program import CellParts
from ccellkernel.api.syntax import fragment_between, leaves, node_text, parse

TAGS = {
    "class_specifier": "class",
    "struct_specifier": "struct",
    "union_specifier": "union",
    "enum_specifier": "enum",
}
PREPROCESSOR = ("preproc_include", "preproc_def", "preproc_function_def", "preproc_call")
PREPROCESSOR_BLOCKS = ("preproc_if", "preproc_ifdef")
NAME_LEAVES = ("identifier", "type_identifier", "namespace_identifier")
_PUNCTUATION = re.compile(r"\s*([*&,()<>\[\]])\s*")
_TEMPLATE_ARGUMENTS = re.compile(r"<[^<>]*>")


def split_cell(language: Language, source: str, cell: int) -> CellParts:
    data = source.encode("utf-8")
    declarations: list[Declaration] = []
    statements: list[Fragment] = []
    main: Fragment | None = None
    for first, node, last in _items(parse(language, source).root_node):
        fragment = fragment_between(data, first, last, cell)
        if node.type == "function_definition" and node_text(_function_name(node)) == "main":
            main = fragment
            continue
        decl = _declaration(node, fragment, data)
        if decl is not None:
            declarations.append(decl)
        elif node.type not in (";", "declaration"):
            statements.append(fragment)
    named = [_with_names(d) for d in declarations]
    return CellParts(tuple(named), tuple(statements), main)


def _with_names(decl: Declaration) -> Declaration:
    """Completion offers the plain names (``square``), not keys like ``square(int)``."""
    names = decl.data.get("names", ())
    return dataclasses.replace(decl, names=tuple(names)) if isinstance(names, tuple) else decl


def _items(root: Node) -> Iterator[tuple[Node, Node, Node]]:
    """Top-level nodes as (first node with leading comments, the node, last node with its ``;``)."""
    nodes, comments, i = root.children, [], 0
    while i < len(nodes):
        node = nodes[i]
        i += 1
        if node.type == "comment":
            comments.append(node)
            continue
        last = node
        if node.type in TAGS and i < len(nodes) and nodes[i].type == ";":
            last, i = nodes[i], i + 1
        yield (comments[0] if comments else node), node, last
        comments = []


def _squeeze(text: str) -> str:
    """Whitespace normalised, none around punctuation: ``const std::string &`` -> ``const std::string&``."""
    return _PUNCTUATION.sub(r"\1", " ".join(text.split())).replace(")const", ") const")


def _declaration(node: Node, fragment: Fragment, data: bytes) -> Declaration | None:
    kind = node.type
    if kind == "preproc_include":
        return Declaration((node_text(node.child_by_field_name("path")),), "include", fragment)
    if kind in ("preproc_def", "preproc_function_def"):
        return Declaration((node_text(node.child_by_field_name("name")),), "define", fragment)
    if kind in PREPROCESSOR or kind in PREPROCESSOR_BLOCKS:
        # a conditional block holding code goes with the declarations (it may use their types)
        code = kind in PREPROCESSOR_BLOCKS and any(
            not c.type.startswith("preproc") for c in node.named_children[1:]
        )
        return Declaration(
            (_squeeze(node_text(node)),), "block" if code else "preprocessor", fragment, _uses(node)
        )
    if kind == "template_declaration":
        inner = next((c for c in reversed(node.named_children) if c.type != "template_parameter_list"), None)
        decl = _declaration(inner, fragment, data) if inner is not None else None
        if decl is None or decl.kind == "prototype":
            return decl
        extra = dict(decl.data)
        if "prototype" in extra and any("optional" in p.type for p in node.named_children[0].named_children):
            del extra["prototype"]  # a default template argument may not be repeated
        elif "prototype" in extra:  # the header of the whole template
            extra["prototype"] = _prototype(data, node, inner, fragment)  # type: ignore[arg-type]
        kind = f"{decl.kind} template"
        return Declaration(decl.keys, kind, fragment, _uses(node), decl.weak, data=_data(extra))
    if kind == "function_definition":
        return _function(node, fragment, data)
    if kind in TAGS:
        tag = _tag(node)
        if node.child_by_field_name("body") is None:  # class Point;
            return Declaration((tag or _squeeze(node_text(node)),), "forward", fragment, weak=True)
        keys = [tag] if tag else _enum_constants(node)
        return Declaration(
            tuple(keys) or (_squeeze(node_text(node)),), TAGS[kind], fragment, _uses(node), data=_names(node)
        )
    if kind == "namespace_definition":
        name = node_text(node.child_by_field_name("name"))
        key = f"namespace {name}" if name else _squeeze(node_text(node))
        names = (name,) if name else ()
        return Declaration((key,), "namespace", fragment, _uses(node), data=_data({"names": names}))
    if kind in ("alias_declaration", "namespace_alias_definition", "concept_definition"):
        name = node_text(node.child_by_field_name("name"))
        return Declaration((name,), "alias", fragment, _uses(node), data=_data({"names": (name,)}))
    if kind == "using_declaration":
        return Declaration((_squeeze(node_text(node)).rstrip(";"),), "using", fragment, _uses(node))
    if kind == "type_definition":
        names = tuple(n for d in node.children_by_field_name("declarator") if (n := _declared_name(d)))
        return Declaration(
            names or (_squeeze(node_text(node)),), "typedef", fragment, _uses(node), data=_names(node)
        )
    if kind in ("static_assert_declaration", "linkage_specification", "template_instantiation"):
        return Declaration((_squeeze(node_text(node)),), "block", fragment, _uses(node))
    if kind == "declaration":
        return _variable_or_prototype(node, fragment)
    return None


def _function(node: Node, fragment: Fragment, data: bytes) -> Declaration | None:
    declarator = _function_declarator(node.child_by_field_name("declarator"))
    name = _function_name(node)
    if declarator is None or name is None:
        return None
    key = _signature(name, declarator)
    if name.type in ("qualified_identifier", "destructor_name"):  # int Point::norm() const { ... }
        names = {"names": (member_name(node_text(name)),)}  # Point::norm, what its class's text names
        return Declaration((key,), "method", fragment, _uses(node), data=_data(names))
    plain = name.child_by_field_name("name") if name.type == "template_function" else name
    extra: dict[str, object] = {"names": (node_text(plain),)}
    returns = node_text(node.child_by_field_name("type"))
    parameters = declarator.child_by_field_name("parameters")
    defaults = parameters is not None and any(
        p.type == "optional_parameter_declaration" for p in parameters.named_children
    )
    if any(
        node_text(c) in ("constexpr", "consteval") for c in node.children if c.type != "function_declarator"
    ):
        extra["compile_time"] = True  # its body goes where a prototype would: a constant may call it
    # Prototypes where simple: a deduced return type needs the body, and a default argument may
    # not be repeated. Those functions are ordered by what they use instead.
    if not returns.startswith(("auto", "decltype")) and not defaults:
        extra["prototype"] = _prototype(data, node, node, fragment)
        extra["header_uses"] = _uses(node, stop=node.child_by_field_name("body"))
    return Declaration((key,), "function", fragment, _uses(node), data=_data(extra))


def member_name(text: str) -> str:
    """``Box<T>::get`` as ``Box::get``: a member's name without template arguments or spaces."""
    previous = None
    while previous != text:
        previous, text = text, _TEMPLATE_ARGUMENTS.sub("", text)
    return "".join(text.split())


def _prototype(data: bytes, start: Node, function: Node, fragment: Fragment) -> Fragment:
    """``start`` up to ``function``'s body, as a declaration: ``int square(int x);``."""
    body = function.child_by_field_name("body")
    end = body.start_byte if body is not None else function.end_byte
    header = data[start.start_byte : end].decode("utf-8", "replace").rstrip()
    return Fragment(header + ";", fragment.cell, start.start_point.row + 1, start.start_point.column)


def _signature(name: Node, declarator: Node) -> str:
    """``square(int)``: the name and the parameter list without parameter names and default values."""
    parameters = declarator.child_by_field_name("parameters")
    if parameters is None:
        return node_text(name)
    cuts: list[tuple[int, int]] = []
    for parameter in parameters.named_children:
        inner = parameter.child_by_field_name("declarator")
        named = _innermost_name(inner)
        if named is not None:
            cuts.append((named.start_byte, named.end_byte))
        if parameter.type == "optional_parameter_declaration":
            before = inner or parameter.child_by_field_name("type")
            cuts.append((before.end_byte if before else parameter.start_byte, parameter.end_byte))
    text = parameters.text or b""
    for begin, end in sorted(cuts, reverse=True):
        text = text[: begin - parameters.start_byte] + text[end - parameters.start_byte :]
    qualifiers = [node_text(c) for c in declarator.children if c.type in ("type_qualifier", "ref_qualifier")]
    return _squeeze(node_text(name) + text.decode("utf-8", "replace") + " " + " ".join(qualifiers))


def _variable_or_prototype(node: Node, fragment: Fragment) -> Declaration | None:
    declarators = node.children_by_field_name("declarator")
    functions = [f for d in declarators if (f := _function_declarator(d)) is not None]
    named = [(f, f.child_by_field_name("declarator")) for f in functions]
    if (
        declarators
        and len(functions) == len(declarators)
        and all(n is not None and n.type != "parenthesized_declarator" for _, n in named)
    ):  # int square(int);  a prototype: weak, it never replaces a definition
        keys = tuple(_signature(n, f) for f, n in named if n is not None)
        names = tuple(node_text(n) for _, n in named)
        if "main" in names:
            return None
        return Declaration(keys, "prototype", fragment, _uses(node), weak=True, data=_data({"names": names}))
    names = tuple(n for d in declarators for n in _declared_names(d))
    if not names:
        return None
    type_node = node.child_by_field_name("type")
    if type_node is not None and type_node.child_by_field_name("body") is not None and _tag(type_node):
        # struct P { ... } p1;  defines the type and a variable
        keys = (_tag(type_node) or "", *names)
        return Declaration(keys, TAGS[type_node.type], fragment, _uses(node), data=_names(node))
    return Declaration(names, "global", fragment, _uses(node), data=_data({"names": names}))


def _function_declarator(node: Node | None) -> Node | None:
    """The ``function_declarator`` under pointer and reference declarators, if any."""
    while node is not None and node.type != "function_declarator":
        if node.type not in ("pointer_declarator", "reference_declarator", "init_declarator"):
            return None
        node = node.child_by_field_name("declarator") or (
            node.named_children[-1] if node.named_children else None
        )
    return node


def _function_name(node: Node) -> Node | None:
    declarator = _function_declarator(node.child_by_field_name("declarator"))
    return declarator.child_by_field_name("declarator") if declarator is not None else None


def _innermost_name(node: Node | None) -> Node | None:
    """The identifier a (possibly nested) declarator declares, or None for an abstract one."""
    while node is not None:
        if node.type in ("identifier", "field_identifier", "qualified_identifier", "type_identifier"):
            return node
        inner = node.child_by_field_name("declarator")
        if inner is None and node.type in ("reference_declarator", "parenthesized_declarator"):
            inner = node.named_children[-1] if node.named_children else None
        node = inner
    return None


def _declared_name(declarator: Node) -> str:
    return node_text(_innermost_name(declarator))


def _declared_names(declarator: Node) -> list[str]:
    """Names a global's declarator declares (several for ``auto [a, b] = ...``)."""
    target = (
        declarator.child_by_field_name("declarator") if declarator.type == "init_declarator" else declarator
    )
    if target is not None and target.type == "structured_binding_declarator":
        return [node_text(c) for c in target.named_children if c.type == "identifier"]
    name = _declared_name(declarator)
    return [name] if name else []


def _tag(node: Node | None) -> str | None:
    """``class NAME`` for a class/struct/union/enum node with a name."""
    if node is None or node.type not in TAGS or node.child_by_field_name("name") is None:
        return None
    return f"{TAGS[node.type]} {_squeeze(node_text(node.child_by_field_name('name')))}"


def _enum_constants(node: Node) -> list[str]:
    body = node.child_by_field_name("body") if node.type == "enum_specifier" else None
    return [
        node_text(e.child_by_field_name("name"))
        for e in (body.named_children if body else [])
        if e.type == "enumerator"
    ]


def _names(node: Node) -> MappingProxyType[str, object]:
    """The plain names a type declaration defines (tag names, enum constants, declarators), for ordering."""
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in TAGS and current.child_by_field_name("name") is not None:
            found.append(node_text(current.child_by_field_name("name")))
        found += _enum_constants(current) if current.type == "enum_specifier" else []
        if current.type in ("type_definition", "declaration"):
            found += [n for d in current.children_by_field_name("declarator") for n in _declared_names(d)]
        stack.extend(c for c in current.named_children if c.type in (*TAGS, "field_declaration_list"))
        stack.extend(c for c in current.children_by_field_name("type"))
    return _data({"names": tuple(found)})


def _uses(node: Node, stop: Node | None = None) -> frozenset[str]:
    """Plain names appearing in ``node`` (before ``stop``), for ordering declarations."""
    end = stop.start_byte if stop is not None else node.end_byte
    return frozenset(
        node_text(leaf) for leaf in leaves(node) if leaf.type in NAME_LEAVES and leaf.start_byte < end
    )


def _data(values: dict[str, object]) -> MappingProxyType[str, object]:
    return MappingProxyType(values)

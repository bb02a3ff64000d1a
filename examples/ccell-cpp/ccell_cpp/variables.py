"""Global variables as the units of the live program write them (``units.py``).

A variable lives in one unit, the one that defines it, under a symbol named by its live key (an asm
label, ``std::vector<int> v asm("ccell_v_v_1a2b...");``). Its constructor is that unit's static
initialization, so it runs once, when the unit is loaded. Every other unit declares it ``extern``
with the same label. (A weak copy in every unit, as the C toolchain writes, would construct the
object again at each unit's load and wipe its live value.)

The same goes for the variables of a named namespace: the namespace block is written into every
unit, its variables defined in one and ``extern`` in the others.

What an ``extern`` declaration cannot say by itself is written out:

- ``auto x = e;`` is declared ``extern std::decay_t<decltype(e)> x``, as ``auto`` would deduce it
  (``auto *p``, ``auto &r``: likewise);
- an array without its bound, ``int a[] = {1, 2};``, as ``extern decltype(ccell_type<int[]>{1, 2}) a``,
  so that ``sizeof`` and range ``for`` work in other units;
- a variable of an unnamed class type is given C language linkage (``extern "C"``): C++ gives a
  name of no type no linkage otherwise;
- a ``const`` object of class type is defined ``extern const`` (a ``const`` global is internal).

Some globals are not variables that live: an ``extern`` declaration (a library's), a ``constexpr``
one, a ``const`` one of a fundamental or pointer type whose initializer calls nothing (it may be an
array bound in any unit), and a lambda held by ``auto`` (its closure has no state). Those are
written as they are in every unit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import tree_sitter
import tree_sitter_cpp

from ccellkernel.api.syntax import descendants, node_text, parse

__all__ = ["PREAMBLE", "Variable", "check", "declare", "define", "label", "lives", "type_of", "variables"]

LANGUAGE = tree_sitter.Language(tree_sitter_cpp.language())
# Written at the top of every unit, for what the extern declarations write out.
PREAMBLE = "#include <type_traits>\ntemplate <class T> using ccell_type = T;"
LIVES, CONSTANT, EXTERN = "lives", "constant", "extern"
CLASSES = ("class_specifier", "struct_specifier", "union_specifier", "enum_specifier")
FUNDAMENTAL = ("primitive_type", "sized_type_specifier")
DYNAMIC = ("call_expression", "new_expression", "lambda_expression")
DROPPED = ("static", "inline", "register", "mutable")  # not in a unit's definition or declaration
_WORD = re.compile(r"\W+")

Labels = Callable[[str], str]  # a variable's path (``v``, ``geometry_origin``) -> its symbol


def label(path: str, key: str) -> str:
    """The symbol of a variable: its path and its live key (``ccell_v_v_1a2b3c4d5e6f7a8b``)."""
    return f"ccell_v_{_WORD.sub('_', path)}_{key[:16]}"


@dataclass(frozen=True)
class Variable:
    """One declarator of a variable declaration that lives in a unit."""

    path: str  # namespaces and name, joined by _
    name: str
    declarator: tree_sitter.Node  # the init_declarator or the declarator
    target: tree_sitter.Node  # the declarator without its initializer
    value: tree_sitter.Node | None


# -- what lives -------------------------------------------------------------------------------------


def lives(text: str) -> bool:
    """Whether ``text`` (a global, a class with variables, a namespace) holds a variable that lives."""
    return _living(text)


@lru_cache(maxsize=4096)
def _living(text: str) -> bool:
    return any(True for _ in _declarations(parse(LANGUAGE, text).root_node))


def _declarations(
    root: tree_sitter.Node, within: tuple[str, ...] = ()
) -> Iterator[tuple[tree_sitter.Node, tuple[str, ...]]]:
    """The variable declarations at namespace scope in ``root`` (nested named namespaces too), with
    the names of the namespaces they are in."""
    for node in root.named_children:
        if node.type == "declaration" and _kind(node) == LIVES:
            yield node, within
        elif node.type == "namespace_definition":
            name = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            if name is not None and body is not None:  # an anonymous namespace is each unit's own
                yield from _declarations(body, (*within, " ".join(node_text(name).split())))


def _path(within: tuple[str, ...]) -> str:
    return "_".join(within).replace("::", "_")


def _kind(node: tree_sitter.Node) -> str:
    """``lives``, ``constant`` or ``extern`` for a declaration (see the module's docstring)."""
    words = {node_text(c) for c in node.children if c.type in ("storage_class_specifier", "type_qualifier")}
    if "extern" in words:
        return EXTERN
    declarators = [_split(d) for d in node.children_by_field_name("declarator")]
    if not declarators or all(_is_function(target) for target, _ in declarators):
        return CONSTANT  # a prototype: nothing to keep
    if "constexpr" in words:
        return CONSTANT
    kind = node.child_by_field_name("type")
    automatic = kind is not None and kind.type == "placeholder_type_specifier"
    if automatic and all(v is not None and v.type == "lambda_expression" for _, v in declarators):
        return CONSTANT
    fundamental = kind is not None and kind.type in FUNDAMENTAL
    for target, value in declarators:
        constant = _const(target, "const" in words)
        simple = fundamental or _has_pointer(target)
        dynamic = value is not None and any(descendants(value, t) for t in DYNAMIC)
        if not (constant and simple and not dynamic):
            return LIVES
    return CONSTANT


def variables(node: tree_sitter.Node, path: str = "") -> list[Variable]:
    """The declarators of a living declaration that get a symbol of their own (not a class's static
    member, ``int Counter::count = 0;``, which has its class's name)."""
    found = []
    for declarator in node.children_by_field_name("declarator"):
        target, value = _split(declarator)
        name = _name(target)
        if name is None or name.type != "identifier" or _is_function(target):
            continue
        text = node_text(name)
        found.append(Variable(f"{path}_{text}" if path else text, text, declarator, target, value))
    return found


def _split(declarator: tree_sitter.Node) -> tuple[tree_sitter.Node, tree_sitter.Node | None]:
    if declarator.type == "init_declarator":
        target = declarator.child_by_field_name("declarator")
        return (target if target is not None else declarator), declarator.child_by_field_name("value")
    return declarator, None


def _name(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    """The name a declarator declares (under pointers, references, arrays, parentheses)."""
    while node is not None:
        if node.type in ("identifier", "qualified_identifier", "field_identifier"):
            return node
        inner = node.child_by_field_name("declarator")
        if inner is None and node.type in ("reference_declarator", "parenthesized_declarator"):
            inner = node.named_children[-1] if node.named_children else None
        node = inner
    return None


def _is_function(target: tree_sitter.Node) -> bool:
    """``square(int)`` is a function; ``(*callback)(int)`` a pointer to one (a variable)."""
    if target.type != "function_declarator":
        return False
    inner = target.child_by_field_name("declarator")
    return inner is None or inner.type != "parenthesized_declarator"


def _const(target: tree_sitter.Node, specifier: bool) -> bool:
    """Whether the object a declarator declares is const (``const int x``, ``char *const p``)."""
    node: tree_sitter.Node | None = target
    while node is not None:
        if node.type == "pointer_declarator":
            return any(c.type == "type_qualifier" and node_text(c) == "const" for c in node.children)
        if node.type == "reference_declarator":
            return False
        if node.type in ("identifier", "qualified_identifier", "field_identifier"):
            return specifier
        inner = node.child_by_field_name("declarator")
        if inner is None and node.type == "parenthesized_declarator":
            inner = node.named_children[-1] if node.named_children else None
        node = inner
    return specifier


def _has_pointer(target: tree_sitter.Node) -> bool:
    return bool(descendants(target, "pointer_declarator")) or target.type == "pointer_declarator"


# -- writing a unit's view ---------------------------------------------------------------------------


def define(text: str, labels: Labels) -> str:
    """``text`` as the unit that holds its variables writes it: each named by its label."""
    return _rewrite(text, labels, _definition)


def declare(text: str, labels: Labels) -> str:
    """``text`` as every other unit writes it: its variables ``extern``, with their labels."""
    return _rewrite(text, labels, _declaration)


def check(text: str, labels: Labels) -> str:
    """The ``extern`` declarations other units will see, to follow the definitions in the unit that
    holds them: a declaration the compiler rejects, or whose type is not the definition's, fails the
    cell that declares the variable, not every later one. (Not for a class defined in the
    declaration, nor an unnamed one: those cannot be declared twice, and need no check.)"""
    data = text.encode("utf-8")
    lines = []
    for node, within in _declarations(parse(LANGUAGE, text).root_node):
        kind = node.child_by_field_name("type")
        if kind is not None and kind.type in CLASSES:
            continue
        edits = _declaration(node, _path(within), labels, data)
        if not edits:
            continue
        declared = " ".join(edits[0][2].decode("utf-8", "replace").split())
        if not declared:  # a class's static members only: the class declares them
            continue
        for name in reversed(within):
            declared = f"namespace {name} {{ {declared} }}"
        lines.append(declared)
    return " ".join(lines)


Edit = tuple[int, int, bytes]


def _rewrite(
    text: str, labels: Labels, how: Callable[[tree_sitter.Node, str, Labels, bytes], list[Edit]]
) -> str:
    data = text.encode("utf-8")
    tree = parse(LANGUAGE, text)
    edits = [
        e for node, within in _declarations(tree.root_node) for e in how(node, _path(within), labels, data)
    ]
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        data = data[:start] + replacement + data[end:]
    return data.decode("utf-8", "replace")


def _asm(symbol: str) -> bytes:
    return f' asm("{symbol}")'.encode()


def _storage(node: tree_sitter.Node, words: tuple[str, ...]) -> list[Edit]:
    """Blank (spaces: the columns stay) the specifiers ``words`` of a declaration."""
    return [
        (c.start_byte, c.end_byte, b" " * (c.end_byte - c.start_byte))
        for c in node.children
        if c.type in ("storage_class_specifier", "type_qualifier") and node_text(c) in words
    ]


def _unnamed_class(node: tree_sitter.Node) -> bool:
    kind = node.child_by_field_name("type")
    return kind is not None and kind.type in CLASSES and kind.child_by_field_name("name") is None


def _is_const(node: tree_sitter.Node) -> bool:
    """Whether a declarator of ``node`` declares a const object (not a pointer to const)."""
    specifier = any(c.type == "type_qualifier" and node_text(c) == "const" for c in node.children)
    return any(_const(_split(d)[0], specifier) for d in node.children_by_field_name("declarator"))


def _definition(node: tree_sitter.Node, path: str, labels: Labels, data: bytes) -> list[Edit]:
    edits = _storage(node, DROPPED)
    for variable in variables(node, path):
        at = variable.target.end_byte
        edits.append((at, at, _asm(labels(variable.path))))
    if _is_const(node):  # a const global is internal unless it says extern
        edits.append((node.start_byte, node.start_byte, b"extern "))
    if _unnamed_class(node):
        edits += [(node.start_byte, node.start_byte, b'extern "C" { '), (node.end_byte, node.end_byte, b" }")]
    return edits


def _declaration(node: tree_sitter.Node, path: str, labels: Labels, data: bytes) -> list[Edit]:
    first = node.children_by_field_name("declarator")
    if not first:
        return []
    kind = node.child_by_field_name("type")
    start = node.start_byte
    specifiers = bytearray(data[start : first[0].start_byte])
    for begin, end, blank in _storage(node, (*DROPPED, "constinit")):
        specifiers[begin - start : end - start] = blank
    spec = " ".join(specifiers.decode("utf-8", "replace").split())
    plain: list[str] = []  # declarators the written type fits
    alone: list[str] = []  # declarations of their own (a deduced type, an array without its bound)
    for variable in variables(node, path):
        symbol = labels(variable.path)
        written = _deduced(variable, spec, kind) or _unbounded(variable, spec, kind, data)
        target = _text(data, variable.target)
        if written is not None:
            alone.append(f'extern {written} asm("{symbol}");')
        else:
            plain.append(f'{target} asm("{symbol}")')
    parts = [f"extern {spec} {', '.join(plain)};"] if plain else []
    parts += alone
    line = " ".join(parts)
    if _unnamed_class(node) and line:
        line = f'extern "C" {{ {line} }}'
    original = data[node.start_byte : node.end_byte]
    # the same number of lines, so that what follows keeps its line directive's numbering
    line += "\n" * (original.count(b"\n") - line.count("\n"))
    return [(node.start_byte, node.end_byte, line.encode("utf-8"))]


def _text(data: bytes, node: tree_sitter.Node) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _single(value: tree_sitter.Node | None) -> tree_sitter.Node | None:
    """The expression an initializer gives: ``= e``, ``{e}``, ``(e)``."""
    if value is None:
        return None
    if value.type in ("initializer_list", "argument_list"):
        items = [c for c in value.named_children if c.type != "comment"]
        return items[0] if len(items) == 1 else None
    return value


def _deduced(variable: Variable, spec: str, kind: tree_sitter.Node | None) -> str | None:
    """``auto x = e;`` as ``std::decay_t<decltype(e)> x`` (None: the type is written out)."""
    if kind is None or kind.type != "placeholder_type_specifier" or node_text(kind) != "auto":
        return None
    value = variable.value
    if value is not None and value.type == "initializer_list" and _equals(variable):
        items = [c for c in value.named_children if c.type != "comment"]  # auto x = {1, 2};
        if not items or variable.target.type != "identifier":
            return None
        listed = f"std::initializer_list<std::decay_t<decltype({node_text(items[0])})>>"
        return f"{spec.replace('auto', listed, 1)} {node_text(variable.target)}"
    expression = _single(value)
    if expression is None:
        return None
    e = node_text(expression)
    target = variable.target
    if target.type == "identifier":
        deduced = f"std::decay_t<decltype({e})>"
    elif target.type == "pointer_declarator":
        deduced = f"std::remove_pointer_t<std::decay_t<decltype({e})>>"
    elif target.type == "reference_declarator":
        deduced = f"std::remove_reference_t<decltype(({e}))>"
    else:
        return None
    written = spec.replace("auto", deduced, 1)
    return f"{written} {node_text(target)}"


def _equals(variable: Variable) -> bool:
    """``x = {...}`` (copy-list-initialization), not ``x{...}``."""
    return any(c.type == "=" for c in variable.declarator.children)


def _unbounded(variable: Variable, spec: str, kind: tree_sitter.Node | None, data: bytes) -> str | None:
    """``int a[] = {1, 2};`` as ``decltype(ccell_type<int[]>{1, 2}) a``: the bound the initializer
    gives (None: the array has its bound, or is not one)."""
    first = _first_dimension(variable.target)
    if first is None or first.child_by_field_name("size") is not None or variable.value is None:
        return None
    if kind is not None and kind.child_by_field_name("body") is not None:
        return None  # a class defined in the declaration cannot go in a template argument
    value = node_text(variable.value)
    braced = value if variable.value.type == "initializer_list" else "{" + value + "}"
    name = _name(variable.target)
    assert name is not None
    target = variable.target
    shape = (data[target.start_byte : name.start_byte] + data[name.end_byte : target.end_byte]).decode(
        "utf-8", "replace"
    )
    storage = "thread_local " if re.search(r"\bthread_local\b", spec) else ""
    element = re.sub(r"\bthread_local\b", "", spec).strip()
    return f"{storage}decltype(ccell_type<{element} {shape.strip()}>{braced}) {variable.name}"


def _first_dimension(target: tree_sitter.Node) -> tree_sitter.Node | None:
    """The array declarator that holds the name (``a[]`` of ``a[][3]``, ``names[]`` of ``*names[]``)."""
    node: tree_sitter.Node | None = target
    while node is not None:
        inner = node.child_by_field_name("declarator")
        if node.type == "array_declarator" and inner is not None and inner.type == "identifier":
            return node
        node = inner
    return None


# -- what %list shows --------------------------------------------------------------------------------


def type_of(text: str) -> str | None:
    """The type of the variables ``text`` declares: ``std::vector<int>``, ``a: int, b: double *``."""
    tree = parse(LANGUAGE, text)
    nodes = [n for n in tree.root_node.named_children if n.type == "declaration"]
    if not nodes:
        return None
    node = nodes[0]
    data = text.encode("utf-8")
    first = node.children_by_field_name("declarator")
    if not first:
        return None
    base = bytearray(data[node.start_byte : first[0].start_byte])
    for begin, end, blank in _storage(node, (*DROPPED, "extern", "constinit")):
        base[begin - node.start_byte : end - node.start_byte] = blank
    kind = node.child_by_field_name("type")
    if kind is not None and kind.type in CLASSES and kind.child_by_field_name("body") is not None:
        name = kind.child_by_field_name("name")
        tag = node_text(kind.children[0])
        shown_type = f"{tag} {node_text(name)}" if name is not None else f"{tag} {{...}}"
        base = bytearray(data[node.start_byte : kind.start_byte] + shown_type.encode())
    spec = " ".join(base.decode("utf-8", "replace").split())
    shown = []
    for declarator in first:
        target, _ = _split(declarator)
        name = _name(target)
        if name is None:
            continue
        shape = (data[target.start_byte : name.start_byte] + data[name.end_byte : target.end_byte]).decode()
        shown.append((node_text(name), f"{spec} {' '.join(shape.split())}".strip()))
    if len(shown) == 1:
        return shown[0][1]
    return ", ".join(f"{name}: {text}" for name, text in shown) or None

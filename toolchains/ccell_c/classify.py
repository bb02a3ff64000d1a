"""Sorting a C cell's top-level nodes into declarations (with their keys) and statements.

Keys (CELL_MODEL.md section 2): an include by its header, a macro by its name, other preprocessor
lines by their text, a function by its name, a tagged type as ``struct NAME``, an anonymous enum by
its constants, a typedef by the new name, a global by each declarator's name (one group).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Language, Node

from ccellkernel.api.memory import Declaration, Fragment
from ccellkernel.api.program import CellParts
from ccellkernel.api.syntax import descendants, fragment_between, leaves, node_text, parse

TAGS = {"struct_specifier": "struct", "union_specifier": "union", "enum_specifier": "enum"}
PREPROCESSOR_BLOCKS = ("preproc_if", "preproc_ifdef")
NAMES = ("identifier", "type_identifier", "primitive_type")
KEYWORDS = frozenset(
    """auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef union
    unsigned void volatile while _Bool _Static_assert bool true false NULL size_t
    printf scanf puts putchar getchar fgets fprintf sprintf snprintf sscanf fopen fclose fread fwrite
    malloc calloc realloc free memcpy memset memcmp strlen strcmp strncmp strcpy strncpy strcat
    strchr strstr atoi atof strtol strtod qsort bsearch abs rand srand exit assert sqrt pow sin cos
    fabs floor ceil stdout stderr stdin EOF""".split()
)


def split_cell(language: Language, source: str, cell: int) -> CellParts:
    data = source.encode("utf-8")
    tree = parse(language, source)
    declarations: list[Declaration] = []
    statements: list[Fragment] = []
    problems: list[tuple[Fragment, str]] = []
    main: Fragment | None = None
    for first, node, last in _items(tree.root_node):
        fragment = fragment_between(data, first, last, cell)
        if node.type == "function_definition" and _function_name(node) == "main":
            main = fragment
            continue
        decl = _declaration(node, fragment, data, cell)
        if decl is not None:
            missing = _missing_semicolon(node, last)
            if missing is not None:
                # gcc would point at whatever follows: another cell's line, or generated code
                at = fragment_between(data, missing, missing, cell)
                problems.append((at, f"expected ';' at the end of this {decl.kind} (after `{_tail(node)}`)"))
            declarations.append(decl)
        elif node.type not in (";", "declaration"):
            statements.append(fragment)
    return CellParts(tuple(declarations), tuple(statements), main, tuple(problems))


def _missing_semicolon(node: Node, last: Node) -> Node | None:
    """The last real token of an item whose final ``;`` the parser had to make up, if it is so."""
    tokens = list(leaves(node)) + ([last] if last is not node else [])
    if not tokens or not (tokens[-1].is_missing and tokens[-1].type == ";"):
        return None
    real = [token for token in tokens if not token.is_missing]
    return real[-1] if real else None


def _tail(node: Node) -> str:
    text = " ".join(node_text(node).split())
    return text if len(text) <= 30 else "..." + text[-27:]


def _items(root: Node) -> Iterator[tuple[Node, Node, Node]]:
    """Top-level nodes as (first node with leading comments, the node, last node with its ``;``)."""
    nodes = root.children
    comments: list[Node] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        i += 1
        if node.type == "comment":
            comments.append(node)
            continue
        last = node
        if node.type in TAGS and i < len(nodes) and nodes[i].type == ";":
            last = nodes[i]
            i += 1
        yield (comments[0] if comments else node), node, last
        comments = []


def _declaration(node: Node, fragment: Fragment, data: bytes, cell: int) -> Declaration | None:
    kind = node.type
    if kind == "preproc_include":
        return Declaration((node_text(node.child_by_field_name("path")),), "include", fragment)
    if kind in ("preproc_def", "preproc_function_def"):
        return Declaration((node_text(node.child_by_field_name("name")),), "define", fragment)
    if kind == "preproc_call" and node_text(node.child_by_field_name("directive")) == "#undef":
        # keyed like the macro it removes: #define X, #undef X, #define X leaves X defined
        name = node_text(node.child_by_field_name("argument")).strip()
        return Declaration((name,), "define", fragment)
    if kind in PREPROCESSOR_BLOCKS or kind == "preproc_call":
        # a conditional block holding code goes after the types and globals it may use
        code = kind in PREPROCESSOR_BLOCKS and any(
            not child.type.startswith("preproc") and child.type != "comment"
            for child in node.named_children[1:]
        )
        key = " ".join(node_text(node).split())
        return Declaration((key,), "block" if code else "preprocessor", fragment)
    if kind == "function_definition":
        name = _function_name(node)
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return None
        header = data[node.start_byte : body.start_byte].decode("utf-8", "replace").rstrip()
        prototype = fragment_between(data, node, node, cell)
        prototype = Fragment(header + ";", prototype.cell, prototype.line, prototype.column)
        return Declaration((name,), "function", fragment, data={"prototype": prototype})
    if kind in TAGS:
        return _tagged(node, fragment)
    if kind == "type_definition":
        keys = [n for d in node.children_by_field_name("declarator") if (n := _declared_name(d)[0])]
        type_node = node.child_by_field_name("type")
        tag = _tag_key(type_node, with_body=True)
        keys += [tag] if tag else _enum_constants(type_node)
        return Declaration(
            tuple(keys) or (node_text(node),),
            "typedef",
            fragment,
            uses=_uses(node),
        )
    if kind == "declaration":
        return _variable_or_prototype(node, fragment, data)
    return None


def _tagged(node: Node, fragment: Fragment) -> Declaration:
    tag = _tag_key(node, with_body=True)
    if tag is None and node.child_by_field_name("body") is None:
        return Declaration(
            (_tag_key(node, with_body=False) or node_text(node),), "forward", fragment, weak=True
        )
    if tag is None:  # an anonymous enum: keyed by its constants
        keys = tuple(_enum_constants(node)) or (" ".join(node_text(node).split()),)
        return Declaration(keys, "enum", fragment, uses=_uses(node))
    return Declaration((tag,), TAGS[node.type], fragment, uses=_uses(node))


def _enum_constants(node: Node | None) -> list[str]:
    """The constants of an anonymous enum with a body (they are its keys); [] for anything else."""
    if node is None or node.type != "enum_specifier" or node.child_by_field_name("name") is not None:
        return []
    body = node.child_by_field_name("body")
    names = [node_text(e.child_by_field_name("name")) for e in (body.named_children if body else [])]
    return [n for n in names if n]


def _tag_key(node: Node | None, *, with_body: bool) -> str | None:
    """``struct NAME`` for a tagged struct/union/enum node (with a body, if ``with_body``)."""
    if node is None or node.type not in TAGS:
        return None
    name = node.child_by_field_name("name")
    if name is None or (with_body and node.child_by_field_name("body") is None):
        return None
    return f"{TAGS[node.type]} {node_text(name)}"


def _variable_or_prototype(node: Node, fragment: Fragment, data: bytes) -> Declaration | None:
    declarators = node.children_by_field_name("declarator")
    named = [(d, *_declared_name(d)) for d in declarators]
    names = tuple(name for _, name, _ in named if name)
    if not names:
        return None
    if all(is_function for _, _, is_function in named):
        names = tuple(n for n in names if n != "main")
        return Declaration(names, "prototype", fragment, weak=True) if names else None
    type_node = node.child_by_field_name("type")
    tag = _tag_key(type_node, with_body=True)
    constants = _enum_constants(type_node)
    if constants:  # enum { LOW, HIGH } level;  defines the constants and a variable
        return Declaration((*constants, *names), "enum", fragment, uses=_uses(node))
    if tag is not None:  # struct P { ... } p1;  defines the type and a variable
        return Declaration(
            (tag, *names),
            TAGS[node.child_by_field_name("type").type],
            fragment,  # type: ignore[union-attr]
            uses=_uses(node),
        )
    deferred, text = ([], fragment) if node.has_error else _defer_initializers(node, named, fragment, data)
    extra: dict[str, object] = {}
    if deferred:
        extra = {"deferred": tuple(deferred), "declaration": text}
    return Declaration(names, "global", fragment, uses=_uses(node), data=extra)


def _defer_initializers(
    node: Node, named: list[tuple[Node, str | None, bool]], fragment: Fragment, data: bytes
) -> tuple[list[Fragment], Fragment]:
    """Initializers that need code to run (``int n = strlen(s);``) move into a constructor.

    A scalar initializer that calls a function or names anything is assigned before main runs, in
    cell order; the declaration keeps no initializer there. Brace lists and arrays stay as written.
    """
    edits: list[tuple[int, int, bytes]] = []
    deferred: list[Fragment] = []
    drop_const = False
    for declarator, name, _ in named:
        value = declarator.child_by_field_name("value") if declarator.type == "init_declarator" else None
        target = declarator.child_by_field_name("declarator") if value is not None else None
        if value is None or target is None or name is None:
            continue
        if not _needs_code(value, target):
            continue
        removed = data[target.end_byte : value.end_byte]
        edits.append((target.end_byte, value.end_byte, b"\n" * removed.count(b"\n")))
        drop_const |= target.type == "identifier"
        row, col = value.start_point.row, value.start_point.column
        deferred.append(
            Fragment(f"{name} = ({node_text(value)});", fragment.cell, row + 1, max(0, col - len(name) - 4))
        )
    if drop_const:  # assigned once, before main: it cannot stay const
        for child in node.children:
            if child.type == "type_qualifier" and node_text(child) == "const":
                edits.append((child.start_byte, child.end_byte, b" " * 5))
    start = node.end_byte - len(fragment.text.encode("utf-8"))  # the fragment ends with the node
    rewritten = bytearray(data[start : node.end_byte])
    for begin, end, replacement in sorted(edits, reverse=True):
        rewritten[begin - start : end - start] = replacement
    text = Fragment(rewritten.decode("utf-8", "replace"), fragment.cell, fragment.line, fragment.column)
    return deferred, text


def _needs_code(value: Node, target: Node) -> bool:
    """Whether an initializer may not be a constant, and can be assigned before main instead.

    Brace lists, arrays and const pointers stay as written (they cannot be assigned), and so do
    address constants (``&x``); a value that calls a function or reads a name may need code.
    """
    if value.type == "initializer_list" or target.type == "array_declarator":
        return False
    if value.has_error or node_text(value).lstrip().startswith("&"):
        return False
    if any(node_text(q) == "const" for q in descendants(target, "type_qualifier")):
        return False
    return bool(descendants(value, "call_expression")) or bool(descendants(value, "identifier"))


def _declared_name(declarator: Node) -> tuple[str | None, bool]:
    """The name a declarator declares, and whether it declares a function (not a function pointer)."""
    current: Node | None = declarator
    parent_type = ""
    while current is not None:
        if current.type in ("identifier", "type_identifier", "field_identifier"):
            return node_text(current), parent_type == "function_declarator"
        parent_type = current.type
        if current.type == "parenthesized_declarator":
            current = current.named_children[0] if current.named_children else None
        else:
            current = current.child_by_field_name("declarator")
    return None, False


def _function_name(node: Node) -> str | None:
    return _declared_name(node.child_by_field_name("declarator"))[0]  # type: ignore[arg-type]


_WORD = re.compile(r"[A-Za-z_]\w*")


def _uses(node: Node) -> frozenset[str]:
    """Names and ``struct NAME`` tags a declaration refers to (for ordering types and globals)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in TAGS and current.child_by_field_name("name") is not None:
            found.add(f"{TAGS[current.type]} {node_text(current.child_by_field_name('name'))}")
        elif current.type in NAMES:
            found.add(node_text(current))
        elif current.type in ("preproc_arg",):
            found.update(_WORD.findall(node_text(current)))
        stack.extend(current.children)
    return frozenset(found)

"""Sorting a Go cell's top-level nodes into declarations (with their keys) and statements.

Keys (CELL_MODEL.md section 2): an import spec by its alias, else by the last element of its path
(a major-version suffix like ``/v2`` is skipped: ``math/rand/v2`` binds ``rand``); a blank or dot
import by its alias and path (``_ "embed"``), since ``_`` and ``.`` bind no name; a function by its
name (``func init`` too: a later one replaces it, as in GoNB; a cell declaring it runs, so that what
it prints shows; GoNB's ``init_NAME`` functions, each kept by its name, are rendered as ``func init``,
``data["init_name_at"]`` saying where the name is); a method by ``Type.Name`` (``T`` and
``*T`` share it, type parameters stripped); a type, var or const spec by each of its names, one
group. A parenthesized group is split into its specs, except a const group whose meaning depends on
order (``iota``, or a spec repeating the one before): that stays one declaration with all its names.

Every declaration's ``data`` says what rendering needs: ``group`` (the keyword to wrap a spec taken
out of a parenthesized group in), for imports ``path`` and ``alias``, for the rest ``selectors`` (the
names used as ``X`` in ``X.Y``: candidate package names) and ``locals`` (names it declares inside,
which are then not packages).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import MappingProxyType

from tree_sitter import Language, Node, Tree

from ccellkernel.api.memory import Declaration, Fragment
from ccellkernel.api.program import CellParts
from ccellkernel.api.syntax import descendants, node_text, parse

KEYWORDS = frozenset(
    """break case chan const continue default defer else fallthrough for func go goto if import
    interface map package range return select struct switch type var
    any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64
    rune string uint uint8 uint16 uint32 uint64 uintptr true false iota nil
    append cap clear close complex copy delete imag len make max min new panic print println real
    recover
    fmt Print Println Printf Sprintf Sprint Sprintln Errorf Fprintf Fprintln Scan Scanln Scanf Sscanf
    strings Builder Contains Fields HasPrefix HasSuffix Index Join Repeat Replace ReplaceAll Split
    ToLower ToUpper TrimSpace strconv Atoi Itoa ParseFloat ParseInt FormatInt Quote
    os Args Exit Getenv ReadFile WriteFile Open Create Stdin Stdout Stderr
    math Sqrt Pow Abs Floor Ceil Max Min Inf Pi MaxInt sort Ints Strings Slice slices maps Keys
    errors New Is As time Now Since Sleep Duration Second Millisecond sync WaitGroup Mutex
    bufio NewReader NewScanner NewWriter bytes Buffer io Reader Writer EOF unicode utf8
    context Background json Marshal Unmarshal""".split()
)
# What `pkg.` offers while the Go helper is not there (yet): the package's words of KEYWORDS.
PACKAGE_WORDS = {
    package: frozenset(words.split())
    for package, words in {
        "fmt": "Print Println Printf Sprintf Sprint Sprintln Errorf Fprintf Fprintln "
        "Scan Scanln Scanf Sscanf",
        "strings": "Builder Contains Fields HasPrefix HasSuffix Index Join Repeat Replace ReplaceAll Split "
        "ToLower ToUpper TrimSpace",
        "strconv": "Atoi Itoa ParseFloat ParseInt FormatInt Quote",
        "os": "Args Exit Getenv ReadFile WriteFile Open Create Stdin Stdout Stderr",
        "math": "Sqrt Pow Abs Floor Ceil Max Min Inf Pi MaxInt",
        "sort": "Ints Strings Slice",
        "errors": "New Is As",
        "time": "Now Since Sleep Duration Second Millisecond",
        "sync": "WaitGroup Mutex",
        "bufio": "NewReader NewScanner NewWriter",
        "bytes": "Buffer",
        "io": "Reader Writer EOF",
        "context": "Background",
        "json": "Marshal Unmarshal",
    }.items()
}

SPEC_TYPES = {
    "import_declaration": ("import_spec",),
    "type_declaration": ("type_spec", "type_alias"),
    "var_declaration": ("var_spec",),
    "const_declaration": ("const_spec",),
}
KINDS = {
    "import_declaration": "import",
    "type_declaration": "type",
    "var_declaration": "var",
    "const_declaration": "const",
}
# Where a construct declares names: node type -> the fields holding them (for ``locals``).
DECLARING_FIELDS = {
    "short_var_declaration": ("left",),
    "var_spec": ("name",),
    "const_spec": ("name",),
    "parameter_declaration": ("name",),
    "variadic_parameter_declaration": ("name",),
    "type_parameter_declaration": ("name",),
    "range_clause": ("left",),
    "receive_statement": ("left",),
    "type_switch_statement": ("alias",),
    "type_spec": ("name",),
    "type_alias": ("name",),
    "function_declaration": ("name",),
}
_VERSION_SUFFIX = re.compile(r"v\d+")


def split_cell(language: Language, source: str, cell: int) -> CellParts:
    data = source.encode("utf-8")
    tree = parse_go(language, source)
    declarations: list[Declaration] = []
    statements: list[Fragment] = []
    main: Fragment | None = None
    for first, node, last in items(tree.root_node.children):
        if node.type == "package_clause":  # always package main
            continue
        fragment = _fragment(data, first, last, cell)
        if node.type == "function_declaration" and node_text(node.child_by_field_name("name")) == "main":
            main = fragment
            continue
        found = _declarations(node, fragment, data, cell)
        if found is None:
            statements.append(fragment)
        else:
            declarations.extend(found)
    runs_init = any(d.kind == "func" and is_init(d.key) for d in declarations)  # what it prints shows
    return CellParts(tuple(declarations), tuple(statements), main, run=runs_init)


def is_init(name: str) -> bool:
    """``init``, or GoNB's ``init_NAME``: a function that runs before main."""
    return name == "init" or name.startswith("init_")


def parse_go(language: Language, text: str) -> Tree:
    """Parse Go source. tree-sitter-go wants a line end after the last statement: without one,
    ``fmt.Println(x)`` at the end of a cell parses as an error (or a type conversion)."""
    return parse(language, text + "\n")


def items(nodes: Iterable[Node]) -> list[tuple[Node, Node, Node]]:
    """Nodes as (first node with leading comments, the node, last node with a same-line comment).

    Comments before an item travel with it; a comment starting on the row where an item ends
    (``x := 1 // why``) stays with that item. Comments after the last item are dropped.
    """
    found: list[tuple[Node, Node, Node]] = []
    comments: list[Node] = []
    for node in nodes:
        if node.type == "comment":
            if not comments and found and found[-1][2].end_point.row == node.start_point.row:
                first, item, _ = found[-1]
                found[-1] = (first, item, node)
            else:
                comments.append(node)
            continue
        if not node.is_named:
            continue  # ";", line ends, the parentheses of a group
        found.append((comments[0] if comments else node, node, node))
        comments = []
    return found


def _fragment(data: bytes, first: Node, last: Node, cell: int) -> Fragment:
    """The text from ``first`` to ``last``. Its column counts bytes, as Go's columns do, so that
    padding with spaces puts every byte of the line where Go's messages say it is."""
    text = data[first.start_byte : last.end_byte].decode("utf-8", "replace")
    return Fragment(text, cell, first.start_point.row + 1, first.start_point.column)


def _declarations(node: Node, fragment: Fragment, data: bytes, cell: int) -> list[Declaration] | None:
    kind = node.type
    if kind == "function_declaration":
        name_node = node.child_by_field_name("name")
        name = node_text(name_node)
        extra: dict[str, object] = {}
        if name.startswith("init_") and name_node is not None:  # rendered as func init (GoNB)
            whole = data[node.start_byte : node.end_byte].decode("utf-8", "replace")
            before = data[node.start_byte : name_node.start_byte].decode("utf-8", "replace")
            extra["init_name_at"] = fragment.text.rfind(whole) + len(before)  # after its comments
        return [_declaration((name,), "func", fragment, node, extra)]
    if kind == "method_declaration":
        receiver = _receiver_type(node.child_by_field_name("receiver"))
        key = f"{receiver}.{node_text(node.child_by_field_name('name'))}"
        return [_declaration((key,), "method", fragment, node)]
    if kind not in SPEC_TYPES:
        return None
    word = KINDS[kind]
    container = node
    for child in node.named_children:
        if child.type.endswith("_spec_list"):
            container = child
    specs = [child for child in container.named_children if child.type in SPEC_TYPES[kind]]
    grouped = container is not node or any(child.type == "(" for child in node.children)
    if not specs:  # a group the grammar could not take apart: one declaration for all of it
        specs = descendants(node, *SPEC_TYPES[kind])
        keys = [k for spec in specs for k in _spec_keys(spec)] or [" ".join(fragment.text.split())]
        return [_declaration(tuple(dict.fromkeys(keys)), word, fragment, node)]
    if not grouped:
        return [_spec_declaration(specs[0], word, fragment, node, group=None)]
    if kind == "const_declaration" and _order_matters(specs):
        keys = [k for spec in specs for k in _bound_names(spec)] or [" ".join(fragment.text.split())]
        return [_declaration(tuple(dict.fromkeys(keys)), word, fragment, node)]
    return [
        _spec_declaration(spec, word, _fragment(data, first, last, cell), spec, group=word)
        for first, spec, last in items(container.children)
        if spec.type in SPEC_TYPES[kind]
    ]


def _spec_declaration(
    spec: Node, word: str, fragment: Fragment, node: Node, group: str | None
) -> Declaration:
    extra: dict[str, object] = {"group": group} if group else {}
    if word == "import":
        path = _import_path(spec)
        alias = node_text(spec.child_by_field_name("name"))
        key = f'{alias} "{path}"' if alias in ("_", ".") else alias or default_name(path)
        extra |= {"path": path, "alias": alias}
        return Declaration((key,), word, fragment, data=MappingProxyType(extra))
    return _declaration(tuple(_spec_keys(spec)), word, fragment, node, extra)


def _declaration(
    keys: tuple[str, ...], kind: str, fragment: Fragment, node: Node, extra: dict[str, object] | None = None
) -> Declaration:
    selectors, locals_ = references(node)
    data = {
        **(extra or {}),
        "selectors": frozenset(selectors),
        "locals": frozenset(locals_),
        "mentions": mentions(node),
    }
    if kind == "method":
        data["receiver"] = keys[0].rpartition(".")[0]
    return Declaration(keys, kind, fragment, data=MappingProxyType(data))


def _spec_keys(spec: Node) -> list[str]:
    """A spec's names; ``_`` binds none, so a spec of blanks only (``var _ Shape = Rect{}``) goes by
    its text, and two different ones do not replace each other."""
    return _bound_names(spec) or [" ".join(node_text(spec).split())]


def _bound_names(spec: Node) -> list[str]:
    return [n for name in spec.children_by_field_name("name") if (n := node_text(name)) != "_"]


def _order_matters(specs: list[Node]) -> bool:
    """Whether a const group means something only as a whole: iota, or a spec without a value."""
    return any(spec.child_by_field_name("value") is None or descendants(spec, "iota") for spec in specs)


def _import_path(spec: Node) -> str:
    return node_text(spec.child_by_field_name("path")).strip('"`')


def default_name(path: str) -> str:
    """The name an import binds without an alias, as far as the path tells: its last element,
    skipping a major-version suffix (``math/rand/v2`` binds ``rand``, ``gopkg.in/yaml.v3`` yaml)."""
    parts = [p for p in path.split("/") if p]
    if len(parts) > 1 and _VERSION_SUFFIX.fullmatch(parts[-1]):
        parts.pop()
    last = parts[-1] if parts else path
    return re.sub(r"\.v\d+$", "", last)


def _receiver_type(receiver: Node | None) -> str:
    """``T`` for receivers ``t T``, ``t *T``, ``T[K]``, ``(*T)``: the type's name alone."""
    current: Node | None = receiver
    while current is not None:
        if current.type == "type_identifier":
            return node_text(current)
        if current.type in ("parameter_list", "parenthesized_type"):
            current = next((c for c in current.named_children if c.type != "comment"), None)
        elif current.type == "parameter_declaration":
            current = current.child_by_field_name("type")
        elif current.type == "pointer_type":
            current = current.named_children[0] if current.named_children else None
        elif current.type == "generic_type":
            current = current.child_by_field_name("type")
        else:
            break
    return node_text(receiver).strip("()* ") or "?"


def references(node: Node) -> tuple[set[str], set[str]]:
    """(selectors, locals) under ``node``: names used as ``X`` in ``X.Y`` or a qualified type, and
    names the code declares (variables, parameters, types, functions)."""
    selectors: set[str] = set()
    locals_: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind == "selector_expression":
            operand = current.child_by_field_name("operand")
            if operand is not None and operand.type == "identifier":
                selectors.add(node_text(operand))
        elif kind == "package_identifier" and current.parent is not None:
            if current.parent.type != "import_spec":
                selectors.add(node_text(current))
        elif kind in DECLARING_FIELDS:
            for field in DECLARING_FIELDS[kind]:
                for named in current.children_by_field_name(field):
                    locals_.update(_identifiers(named))
        stack.extend(current.children)
    return selectors, locals_


NAME_NODES = frozenset({"identifier", "type_identifier", "field_identifier", "package_identifier"})


def mentions(node: Node) -> frozenset[str]:
    """Every name under ``node``, whatever it names (for ``ccellkernel.toolkit.reach``: a superset of
    its uses)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in NAME_NODES:
            found.add(node_text(current))
        else:
            stack.extend(current.children)
    return frozenset(found)


def _identifiers(node: Node) -> list[str]:
    if node.type in ("identifier", "type_identifier"):
        return [node_text(node)]
    return [node_text(c) for c in node.named_children if c.type in ("identifier", "type_identifier")]

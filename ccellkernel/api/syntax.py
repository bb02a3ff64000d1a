"""Language-agnostic uses of a tree-sitter parse: completeness, identifiers, byte/line arithmetic."""

from __future__ import annotations

import re
import threading

from tree_sitter import Language, Node, Parser, Tree

from .memory import Fragment

OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = set(OPENERS.values())
_IDENT_TYPES = ("identifier", "type_identifier", "field_identifier", "package_identifier")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


_parsers = threading.local()


def parser_for(language: Language) -> Parser:
    """A parser for ``language``, one per thread: editor requests parse in worker threads while a
    cell runs, and a tree-sitter parser must not be used by two threads at once."""
    cache: dict[Language, Parser] | None = getattr(_parsers, "by_language", None)
    if cache is None:
        cache = _parsers.by_language = {}
    parser = cache.get(language)
    if parser is None:
        parser = cache[language] = Parser(language)
    return parser


def parse(language: Language, text: str) -> Tree:
    return parser_for(language).parse(text.encode("utf-8"))


def leaves(node: Node):
    """Every leaf under ``node`` in order (iteratively: a 1 MB cell must not recurse deeply)."""
    cursor = node.walk()
    while True:
        if cursor.goto_first_child():
            continue
        yield cursor.node
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def bracket_depth(tree: Tree) -> int:
    """Opened minus closed brackets, counting real tokens only (strings and comments are single leaves)."""
    depth = 0
    for leaf in leaves(tree.root_node):
        if leaf.is_missing:
            continue
        kind = leaf.type
        if kind in OPENERS:
            depth += 1
        elif kind in CLOSERS:
            depth -= 1
    return depth


def is_complete(language: Language, code: str) -> tuple[str, str]:
    """Jupyter ``is_complete``: ``(status, indent)`` with status complete, incomplete or invalid."""
    lines = [line for line in code.split("\n") if line.strip()]
    if not lines or all(line.lstrip()[:1] in ("%", "!") for line in lines):
        return "complete", ""
    last = lines[-1]
    indent = last[: len(last) - len(last.lstrip())]
    if code.rstrip().endswith("\\"):
        return "incomplete", indent
    tree = parse(language, code)
    depth = bracket_depth(tree)
    if depth > 0:
        return "incomplete", indent + "    " if last.rstrip().endswith(("{", "(", "[")) else indent
    if depth < 0 or tree.root_node.has_error:
        return "invalid", ""
    return "complete", ""


def node_text(node: Node | None) -> str:
    """The source text of ``node`` ("" for no node)."""
    return "" if node is None or node.text is None else node.text.decode("utf-8", "replace")


def descendants(node: Node, *kinds: str) -> list[Node]:
    """Every node under ``node`` (itself included) whose type is one of ``kinds``, in source order."""
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in kinds:
            found.append(current)
        stack.extend(reversed(current.children))
    return found


def fragment_between(data: bytes, first: Node, last: Node, cell: int) -> Fragment:
    """The cell text from ``first`` to ``last`` (``data`` is the cell's UTF-8), without a final line
    end, starting at ``first``'s line and column (counted in characters)."""
    line_start = first.start_byte - first.start_point.column
    column = len(data[line_start : first.start_byte].decode("utf-8", "replace"))
    text = data[first.start_byte : last.end_byte].decode("utf-8", "replace").rstrip("\n")
    return Fragment(text, cell, first.start_point.row + 1, column)


def piece(fragment: Fragment, text: str, start: int, stop: int) -> Fragment | None:
    """The part of ``text`` (the fragment's text as rendered, UTF-8 byte offsets ``start:stop``) as a
    fragment of its own, at its own line and column (in characters); None if it is only blanks."""
    data = text.encode("utf-8")
    if not data[start:stop].strip():
        return None
    before = data[:start].decode("utf-8", "replace")
    line = fragment.line + before.count("\n")
    column = len(before) - before.rfind("\n") - 1 if "\n" in before else fragment.column + len(before)
    return Fragment(data[start:stop].decode("utf-8", "replace"), fragment.cell, line, column)


def identifiers(node: Node, limit: int = 5000) -> set[str]:
    """Names appearing under ``node`` (identifiers of every flavour), at most ``limit`` of them."""
    names: set[str] = set()
    for leaf in leaves(node):
        if leaf.type in _IDENT_TYPES and leaf.text is not None:
            names.add(leaf.text.decode("utf-8", "replace"))
            if len(names) >= limit:
                break
    return names


def word_before(code: str, cursor: int) -> str:
    """The identifier being typed just before ``cursor`` (empty if none)."""
    match = _WORD.search(code[:cursor][-200:])
    return match.group(0) if match else ""

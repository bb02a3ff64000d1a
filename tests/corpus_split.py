"""A whole program made into notebook cells, as a user would type it in (for tests/test_corpus.py).

One top-level item a cell, in file order, with the comments and attributes above it; ``main``'s body
last, after a ``%%`` line. Go's ``package`` clause is left out. The splitting uses the official
tree-sitter grammars directly, not the kernel's own splitters, so the two can disagree.
"""

from __future__ import annotations

import textwrap

import tree_sitter
import tree_sitter_c
import tree_sitter_go
import tree_sitter_rust

GRAMMARS = {
    "c": tree_sitter_c.language(),
    "go": tree_sitter_go.language(),
    "rust": tree_sitter_rust.language(),
}
EXTENSIONS = {"c": ".c", "go": ".go", "rust": ".rs"}
LEADING = ("comment", "line_comment", "block_comment", "attribute_item")  # travel with the next item
MAINS = {"c": "function_definition", "go": "function_declaration", "rust": "function_item"}


def split_program(language: str, source: str) -> list[str]:
    """The cells of ``source``: each top-level item (with what leads it), then ``%%`` and main's body."""
    data = source.encode("utf-8")
    parser = tree_sitter.Parser(tree_sitter.Language(GRAMMARS[language]))
    root = parser.parse(data).root_node
    assert not root.has_error, f"the program does not parse: {source[:200]!r}"
    spans: list[list[int]] = []
    lead: int | None = None
    body: str | None = None
    for node in root.children:
        if node.type in LEADING:
            lead = node.start_byte if lead is None else lead
            continue
        if node.type == ";" and spans:  # C `struct S { ... };`: the `;` belongs to the item
            spans[-1][1] = node.end_byte
            continue
        if node.type == "package_clause":
            lead = None
            continue
        start = node.start_byte if lead is None else lead
        lead = None
        if _is_main(language, node):
            block = node.child_by_field_name("body")
            assert block is not None
            inner = data[block.start_byte + 1 : block.end_byte - 1].decode("utf-8")
            body = textwrap.dedent(inner.strip("\n")).strip()
            continue
        spans.append([start, node.end_byte])
    cells = [data[a:b].decode("utf-8").strip() for a, b in spans]
    assert body, "a corpus program has a main with a body"
    return [*cells, "%%\n" + body]


def _is_main(language: str, node: tree_sitter.Node) -> bool:
    if node.type != MAINS[language]:
        return False
    if language != "c":
        name = node.child_by_field_name("name")
        return name is not None and name.text == b"main"
    declarator = node.child_by_field_name("declarator")
    while declarator is not None and declarator.type != "identifier":
        declarator = declarator.child_by_field_name("declarator")
    return declarator is not None and declarator.text == b"main"

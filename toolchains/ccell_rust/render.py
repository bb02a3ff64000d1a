"""Rendering a Rust program: crate attributes, every remembered item, then ``main`` for the cell.

Rust items need no order, so they go in the order the memory keeps (first definition first), except
``macro_rules!`` definitions: a macro exists only below its definition, so they all come first (and
a cell that uses one before the cell defining it ran can wait for it). The cell's statements become
the body of ``main``. A body that may end the program with an error (it
uses ``?``, returns a value, ends in ``Ok(..)``/``Err(..)``, or calls a macro that might hide a ``?``)
gets a ``main`` returning ``Result<(), Box<dyn Error>>``, where a bare ``return`` becomes
``return Ok(())``; any other body gets a plain ``fn main()``, which compiles faster (~10 ms with
rustc 1.95, ~27 ms with 1.63: no ``Termination`` for ``Result`` to instantiate). Either way a last
statement without ``;`` (``v.len()``) gets one.

Rust has no line directives: the marker lines (``// Cell In[3], line 1``) are comments for ``%show``,
and runtime and compile-time locations are mapped back through ``Program.origin``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tree_sitter import Language, Node, Query, QueryCursor

from ccellkernel.memory import Fragment, Memory
from ccellkernel.program import CellParts, Origin, Program, ProgramWriter, cell_label
from ccellkernel.syntax import parse

from .split import CRATE_LEVEL, NAMED_ITEMS

MACRO = NAMED_ITEMS["macro_definition"]

# Qualified: a cell may define its own `Result` alias (`type Result<T> = ...`). Not `dyn ::std`:
# edition 2015 reads that as a path starting with `dyn`.
RESULT_MAIN = "fn main() -> ::std::result::Result<(), ::std::boxed::Box<dyn std::error::Error>> {"
RESULT_END = "::std::result::Result::Ok(())\n}"
PLAIN_MAIN = "fn main() {"
# A `return` or `?` inside these belongs to them, not to main.
SCOPES = frozenset(
    {"function_item", "closure_expression", "async_block", "impl_item", "trait_item", "mod_item"}
)
# The last of these in a body may lack its `;` (`v.len()`, or a `let` at the end of a cell).
EXPRESSIONS = ("expression_statement", "macro_invocation", "let_declaration")
# Macros of std that expand to no `?` of their own (a `?` in their arguments is seen as a token).
PLAIN_MACROS = frozenset(
    """println print eprintln eprint format format_args vec assert assert_eq assert_ne debug_assert
    debug_assert_eq debug_assert_ne write writeln dbg panic todo unimplemented unreachable matches
    concat stringify line column file module_path env option_env include_str include_bytes cfg
    thread_local""".split()
)
COMMENTS = ("line_comment", "block_comment")
_ENDS_AN_EXPRESSION = re.compile(r"[\w)\]\"'?]\Z")
_RESULT_VALUE = re.compile(r"(?:[\w:]*::)?(?:Ok|Err)\Z")


def render(language: Language, memory: Memory, cell: CellParts) -> Program:
    out = ProgramWriter(_marker)
    decls = list(memory)
    for decl in decls:
        if decl.kind == CRATE_LEVEL:
            out.fragment(decl.fragment)
    for decl in decls:
        if decl.kind == MACRO:
            out.fragment(decl.fragment)
    for decl in decls:
        if decl.kind not in (CRATE_LEVEL, MACRO):
            out.fragment(decl.fragment)
    if cell.main is not None:
        out.fragment(cell.main)
        return out.program()
    body = Body.of(language, cell.statements)
    out.generated(RESULT_MAIN if body.result else PLAIN_MAIN)
    for statement, text in zip(cell.statements, body.texts, strict=True):
        out.fragment(statement, text)
    out.generated(RESULT_END if body.result and not body.returns_value else "}")
    return out.program()


def _marker(origin: Origin | None, line: int) -> str:
    # A comment, not a directive: it only shows where each fragment came from in %show.
    return "" if origin is None else f"// {cell_label(origin.cell)}, line {origin.line}"


@dataclass(frozen=True)
class Body:
    """``main``'s body: the statements' texts as it needs them, and which ``main`` it needs.

    ``result``: ``main`` returns ``Result``; ``returns_value``: the body ends in ``Ok(..)`` or
    ``Err(..)``, which is then ``main``'s value.
    """

    texts: tuple[str, ...]
    result: bool
    returns_value: bool

    @classmethod
    def of(cls, language: Language, statements: tuple[Fragment, ...]) -> Body:
        if not statements:
            return cls((), False, False)
        pieces = [s.text.encode("utf-8") for s in statements]
        starts, offset = [], 0
        for piece in pieces:
            starts.append(offset)
            offset += len(piece) + 1  # joined by "\n"
        tree = parse(language, b"\n".join(pieces).decode("utf-8"))
        returns, result = _scan(language, tree.root_node)
        last = _last_node(tree.root_node)
        returns_value = last is not None and _is_result_value(last)
        inserts = [(at, b" Ok(())") for at in returns] if result or returns_value else []
        end = None if returns_value else _unterminated_end(last)
        if end is not None:
            inserts.append((end, b";"))
        texts = []
        for piece, start in zip(pieces, starts, strict=True):
            mine = sorted((at - start, text) for at, text in inserts if start <= at <= start + len(piece))
            for at, text in reversed(mine):
                piece = piece[:at] + text + piece[at:]
            texts.append(piece.decode("utf-8", "replace"))
        return cls(tuple(texts), result or returns_value, returns_value)


def _scan(language: Language, root: Node) -> tuple[list[int], bool]:
    """Where a bare ``return`` of main ends (for `` Ok(())``), and whether main must return Result."""
    bare: list[int] = []
    result = False
    for name, nodes in QueryCursor(_body_query(language)).captures(root).items():
        for node in nodes:
            if _in_scope(node, root):
                continue
            if name == "try":
                result = True
            elif name == "return":
                if any(c.is_named and c.type not in COMMENTS for c in node.children):
                    result = True  # `return Err(...)`
                else:
                    bare.append(node.children[0].end_byte)
            elif name == "macro":
                result |= node.text is None or node.text.decode("utf-8", "replace") not in PLAIN_MACROS
    return bare, result


@cache
def _body_query(language: Language) -> Query:
    return Query(language, resources.files(__package__).joinpath("queries/body.scm").read_text())


def _in_scope(node: Node, root: Node) -> bool:
    """Whether ``node`` is inside a function, closure... of the body (then it is not main's)."""
    parent = node.parent
    while parent is not None and parent != root:
        if parent.type in SCOPES:
            return True
        parent = parent.parent
    return False


def _last_node(root: Node) -> Node | None:
    nodes = [n for n in root.children if n.type not in COMMENTS]
    return nodes[-1] if nodes else None


def _is_result_value(node: Node) -> bool:
    """Whether the body's last node is ``Ok(..)`` or ``Err(..)`` without ``;``: main's value."""
    parts = _written(node)
    if node.type not in ("expression_statement", "ERROR") or len(parts) != 1:
        return False  # with its `;`, or something else (a cell of only `Ok(())` parses as ERROR)
    call = parts[0]
    function = call.child_by_field_name("function") if call.type == "call_expression" else None
    text = function.text.decode("utf-8", "replace") if function is not None and function.text else ""
    return bool(_RESULT_VALUE.fullmatch(text))


def _written(node: Node) -> list[Node]:
    """A node's children as written: no comments, nor what tree-sitter adds as missing."""
    return [c for c in node.children if c.type not in COMMENTS and not c.is_missing]


def _unterminated_end(last: Node | None) -> int | None:
    """Where the body's last node lacks its ``;`` (``v.len()``, ``let n = 1``), if it does:
    after its code, before a comment that ends the line."""
    if last is None:
        return None
    parts = _written(last) or [last]
    end = parts[-1]
    if end.type == ";":
        return None
    text = end.text.decode("utf-8", "replace") if end.text is not None else ""
    if last.type in EXPRESSIONS or (last.type == "ERROR" and _ENDS_AN_EXPRESSION.search(text)):
        return end.end_byte
    return None

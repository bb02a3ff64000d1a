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

The tail value is shown one of three ways (``SHOWN``): as ``Out[n]`` through ``Debug`` (``PLAIN``), or
by evcxr's convention (``evcxr.py``): through the value's own ``evcxr_display`` if its type has one,
else as ``Out[n]`` (``RICH``), or through a trait's ``evcxr_display`` (``EXACT``). Each wraps the
expression in one generated line before it and one after, so that every variant has the same lines.

Rust has no line directives: the marker lines (``// Cell In[3], line 1``) are comments for ``%show``,
and runtime and compile-time locations are mapped back through ``Program.origin``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tree_sitter import Language, Node, Query, QueryCursor

from ccellkernel.api.memory import Fragment, Memory
from ccellkernel.api.program import CellParts, Origin, Program, ProgramWriter, cell_label
from ccellkernel.api.syntax import parse, piece

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
# Out[n]: the tail expression is passed to the ccell crate (``ccell.rs``), on lines of its own so
# that the expression keeps its lines and columns.
PLAIN, RICH, EXACT = "plain", "rich", "exact"
# evcxr's convention: `__evcxr` reads what the value's `evcxr_display` prints; `(*ccell_value)` finds
# a method of `T` for a value of type `&T` too
_EVCXR_OPEN = "match &("
_EVCXR_CLOSE = (
    ") {{ ccell_value => {{ {}::ccell::__evcxr(&mut || {{ let _ = (*ccell_value).evcxr_display(); }}) }} }}"
)
SHOWN = {
    PLAIN: ("::ccell::__value(&(", "));"),
    # the crate's `__AsValue` gives every Debug type an `evcxr_display`, which a type's own one hides
    RICH: (_EVCXR_OPEN, _EVCXR_CLOSE.format("#[allow(unused_imports)] use ::ccell::__AsValue as _; ")),
    EXACT: (_EVCXR_OPEN, _EVCXR_CLOSE.format("")),
}
PROBE = "fn ccell_probe() {\n"
# Tail expressions that never give a value to show (their type is `!` or `()`).
NOT_VALUES = frozenset(
    {
        "return_expression",
        "break_expression",
        "continue_expression",
        "loop_expression",
        "for_expression",
        "while_expression",
        "unit_expression",
        "empty_statement",
    }
)
DIVERGING_MACROS = frozenset({"panic", "todo", "unimplemented", "unreachable"})
_ENDS_AN_EXPRESSION = re.compile(r"[\w)\]\"'?]\Z")
_RESULT_VALUE = re.compile(r"(?:[\w:]*::)?(?:Ok|Err)\Z")


def render(language: Language, memory: Memory, cell: CellParts, shown: str = PLAIN) -> Program:
    """The program of ``cell`` with ``memory``; its tail value shown as ``shown`` says (``SHOWN``)."""
    value_open, value_close = SHOWN[shown]
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
    value_at: Fragment | None = None
    for index, (statement, text) in enumerate(zip(cell.statements, body.texts, strict=True)):
        if body.value is None or body.value[0] != index:
            out.fragment(statement, text)
            continue
        _, start, stop = body.value
        before, expression, after = (
            piece(statement, text, 0, start),
            piece(statement, text, start, stop),
            piece(statement, text, stop, len(text.encode("utf-8"))),
        )
        if before is not None:
            out.fragment(before)
        assert expression is not None
        out.generated(value_open)
        out.fragment(expression)
        out.generated(value_close)
        if after is not None:
            out.fragment(after)
        value_at = expression
    out.generated(RESULT_END if body.result and not body.returns_value else "}")
    program = out.program()
    return dataclasses.replace(program, data={"value": value_at, "shown": shown}) if value_at else program


def _marker(origin: Origin | None, line: int) -> str:
    # A comment, not a directive: it only shows where each fragment came from in %show.
    return "" if origin is None else f"// {cell_label(origin.cell)}, line {origin.line}"


@dataclass(frozen=True)
class Body:
    """``main``'s body: the statements' texts as it needs them, and which ``main`` it needs.

    ``result``: ``main`` returns ``Result``; ``returns_value``: the body ends in ``Ok(..)`` or
    ``Err(..)``, which is then ``main``'s value. ``value``: the body's tail expression, shown as
    ``Out[n]``, as (statement index, start, end) in bytes of that statement's text.
    """

    texts: tuple[str, ...]
    result: bool
    returns_value: bool
    value: tuple[int, int, int] | None = None

    @classmethod
    def of(cls, language: Language, statements: tuple[Fragment, ...]) -> Body:
        if not statements:
            return cls((), False, False)
        pieces = [s.text.encode("utf-8") for s in statements]
        starts, offset = [], 0
        for chunk in pieces:
            starts.append(offset)
            offset += len(chunk) + 1  # joined by "\n"
        tree = parse(language, b"\n".join(pieces).decode("utf-8"))
        returns, result = _scan(language, tree.root_node)
        last = _last_node(tree.root_node)
        returns_value = last is not None and _is_result_value(last)
        inserts = [(at, b" Ok(())") for at in returns] if result or returns_value else []
        shown = not returns_value and tail_expression(language, b"\n".join(pieces)) is not None
        end = None if returns_value or shown else _unterminated_end(last)
        if end is not None:
            inserts.append((end, b";"))
        texts = []
        for chunk, start in zip(pieces, starts, strict=True):
            mine = sorted((at - start, text) for at, text in inserts if start <= at <= start + len(chunk))
            for at, text in reversed(mine):
                chunk = chunk[:at] + text + chunk[at:]
            texts.append(chunk.decode("utf-8", "replace"))
        value = _locate(language, texts) if shown else None
        return cls(tuple(texts), result or returns_value, returns_value, value)


def tail_expression(language: Language, body: bytes) -> tuple[int, int] | None:
    """Where the body's tail expression is (the last expression without ``;``), in bytes of ``body``,
    if it ends in one whose value can be shown: read as the block of a function, the way rustc will."""
    tree = parse(language, (PROBE + body.decode("utf-8", "replace") + "\n}\n"))
    function = tree.root_node.children[0] if tree.root_node.children else None
    block = function.child_by_field_name("body") if function is not None else None
    if block is None or block.has_error:
        return None
    children = [c for c in block.named_children if c.type not in COMMENTS]
    if not children:
        return None
    last = children[-1]
    if last.type == "expression_statement" and last.children and last.children[-1].type != ";":
        last = last.named_children[0]  # a block-like expression (`if`, `match`) at the end
    if last.type in NOT_VALUES or last.type.endswith(("_statement", "_declaration", "_item")):
        return None
    if last.type == "macro_invocation":
        name = last.child_by_field_name("macro")
        if name is not None and name.text is not None and name.text.decode() in DIVERGING_MACROS:
            return None
    offset = len(PROBE.encode("utf-8"))
    return last.start_byte - offset, last.end_byte - offset


def _locate(language: Language, texts: list[str]) -> tuple[int, int, int] | None:
    """The tail expression of the joined ``texts`` as (index of the text, start, end) in that text."""
    found = tail_expression(language, "\n".join(texts).encode("utf-8"))
    if found is None:
        return None
    offset = 0
    for index, text in enumerate(texts):
        size = len(text.encode("utf-8"))
        if offset <= found[0] and found[1] <= offset + size:
            return index, found[0] - offset, found[1] - offset
        offset += size + 1
    return None


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

"""Rendering a Go program from the memory and a cell.

Order: ``package main``, the imports, every other remembered declaration in memory order (Go needs
no order among package-level declarations), then ``main``. Specs taken out of a parenthesized group
go back into one (``var (`` ... ``)``), consecutive ones sharing it.

Imports follow the program rather than the notebook's history (CELL_MODEL.md section 3):

- an import of a standard package, or of a module's package already built, whose name the program
  does not use (as ``X`` in ``X.Y``) is left out, since Go refuses unused imports; ``_`` and ``.``
  imports, and imports of packages not built yet (so that their error shows at once), always stay;
- a name used as ``X`` in ``X.Y`` that nothing declares or imports, and that exactly one standard
  package has (``strings``, not ``rand``), is imported for the run; an explicit import of that name,
  aliased or not, always wins.

A variable declared at the top level of ``main``'s body and never used would fail the build: each
one gets ``_ = x`` at the end of the line its declaration ends on (so no column before it moves).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from tree_sitter import Language, Node

from ccellkernel.api.memory import Declaration, Fragment, Memory
from ccellkernel.api.program import CellParts, Origin, Program, ProgramWriter, cell_label

from .classify import default_name, items, parse_go, references
from .gocmd import StandardLibrary
from .value import CLOSE, OPEN, Wrapped

SOURCE = "main.go"
KEPT_ALIASES = ("_", ".")


def line_directive(origin: Origin | None, line: int) -> str:
    """Go's ``//line file:line:col`` (column 1: the writer pads the first line to its column)."""
    if origin is None:
        return f"//line {SOURCE}:{line}:1"
    return f"//line {cell_label(origin.cell)}:{origin.line}:1"


def render_program(
    language: Language,
    memory: Memory,
    cell: CellParts,
    std: Callable[[], StandardLibrary],
    *,
    value: Wrapped | None = None,
    generated_main: str | None = None,
) -> Program:
    """The program for ``cell`` on top of ``memory``. ``std`` is called only if an import question
    needs the standard library's names. ``value``: the last statement, split around the expression
    that becomes Out[n] (``value.py``); ``generated_main`` replaces ``main`` (the ``%test`` harness)."""
    imports = [d for d in memory if d.kind == "import"]
    others = [d for d in memory if d.kind != "import"]
    statements = list(cell.statements[:-1] if value is not None else cell.statements)
    if value is not None and value.before is not None:
        statements.append(value.before)
    texts = [f.text for f in statements]
    if value is not None:
        texts.append(f"{OPEN}{value.expression.text}{CLOSE}")  # for the imports: it uses display
    body = [(f, guard_unused(language, f.text)) for f in statements]
    own_main = cell.main

    # used: every X of X.Y (an import of that name is needed); wanted: those X not declared in
    # the declaration (or the cell) where they appear, nor at package level (candidates to import).
    used: set[str] = set()
    wanted: set[str] = set()
    for decl in others:
        used |= _names(decl, "selectors")
        wanted |= _names(decl, "selectors") - _names(decl, "locals")
    cell_selectors: set[str] = set()
    cell_locals: set[str] = set()
    main_texts = [*texts, *([own_main.text] if own_main else [])]
    for text in [*main_texts, *([generated_main] if generated_main else [])]:
        selectors, locals_ = references(parse_go(language, text).root_node)
        cell_selectors |= selectors
        cell_locals |= locals_
    used |= cell_selectors
    wanted |= cell_selectors - cell_locals
    wanted -= {k for d in others for k in d.keys}

    library = std() if imports or wanted else StandardLibrary()
    kept = [d for d in imports if _keep(d, used, library)]
    bound = {_binding(d, library) for d in imports}
    added = sorted({path for name in wanted - bound if (path := library.unique(name)) is not None})

    out = ProgramWriter(line_directive)
    out.generated("package main\n")
    _declarations(out, kept)
    if added:
        out.generated("import (\n" + "".join(f'\t"{path}"\n' for path in added) + ")\n")
    _declarations(out, others)
    if generated_main is not None:
        out.generated(generated_main)
    elif own_main is not None:
        out.fragment(own_main)
    else:
        # GoNB parses flags before the body (its %args reach the flag package): so do we
        parse_flags = "flag" in used and "flag" not in {k for d in others for k in d.keys}
        out.generated("func main() {" + (" flag.Parse()" if parse_flags else ""))
        for fragment, text in body:
            out.fragment(fragment, text)
        if value is not None:
            out.generated(OPEN)
            out.fragment(value.expression, value.expression.text + ",")
            out.generated(CLOSE)
            if value.after is not None:
                out.fragment(value.after)
        out.generated("}")
    paths = [str(d.data.get("path", "")) for d in kept] + added
    return dataclasses.replace(out.program(), data={"imports": tuple(dict.fromkeys(paths))})


def _names(decl: Declaration, what: str) -> frozenset[str]:
    names = decl.data.get(what, frozenset())
    return names if isinstance(names, frozenset) else frozenset()


def _binding(decl: Declaration, library: StandardLibrary) -> str:
    """The name an import binds in the file (``_``/``.`` for those)."""
    alias = str(decl.data.get("alias", ""))
    path = str(decl.data.get("path", ""))
    return alias or library.names.get(path) or default_name(path)


def _keep(decl: Declaration, selectors: set[str], library: StandardLibrary) -> bool:
    path = str(decl.data.get("path", ""))
    if str(decl.data.get("alias", "")) in KEPT_ALIASES:
        return True
    if library and path not in library.names:
        return True  # not a standard package: keep it, so that what is wrong with it shows now
    return _binding(decl, library) in selectors


def _declarations(out: ProgramWriter, decls: Iterable[Declaration]) -> None:
    """Each declaration's fragment; specs of a group inside ``keyword (`` ... ``)``."""
    open_group: str | None = None
    for decl in decls:
        group = decl.data.get("group")
        group = group if isinstance(group, str) else None
        if group != open_group:
            if open_group is not None:
                out.generated(")")
            if group is not None:
                out.generated(f"{group} (")
            open_group = group
        if decl.data.get("path") == "C" and decl.fragment.text.startswith("/"):
            _cgo_import(out, decl.fragment)
        elif isinstance(at := decl.data.get("init_name_at"), int):
            out.fragment(decl.fragment, _as_init(decl.fragment.text, at, decl.key))
        else:
            out.fragment(decl.fragment)
    if open_group is not None:
        out.generated(")")


def _as_init(text: str, at: int, name: str) -> str:
    """GoNB's ``func init_NAME()`` as ``func init()`` (padded: every column after it stays), so that
    each cell may have its own: Go runs every init, in the order of the file."""
    if text[at : at + len(name)] != name:
        return text
    return text[:at] + "init".ljust(len(name)) + text[at + len(name) :]


def _cgo_import(out: ProgramWriter, fragment: Fragment) -> None:
    """``import "C"`` with its preamble: cgo takes the comment group right above the import as C
    code, so the line directive must not touch it (a blank line between keeps them apart)."""
    if fragment.line > 1:
        out.fragment(Fragment("\n" + fragment.text, fragment.cell, fragment.line - 1))
    else:  # no line 0 to start from: the preamble goes by the program file's own lines
        out.generated("\n" + fragment.text)


def guard_unused(language: Language, text: str) -> str:
    """``text`` (statements of main's body) with ``; _ = x`` for each variable its top level declares.

    The guard goes after the last statement on the row where the declaration ends, so columns of
    everything before it stay as the user wrote them.
    """
    data = text.encode("utf-8")
    nodes = [node for _, node, _ in items(parse_go(language, text).root_node.children)]
    inserts: dict[int, list[str]] = {}
    for i, node in enumerate(nodes):
        names = _declared_at_top(node)
        if not names:
            continue
        j = i
        while j + 1 < len(nodes) and nodes[j + 1].start_point.row == nodes[j].end_point.row:
            j += 1
        if nodes[j].type == "ERROR" or nodes[j].is_missing:
            continue
        inserts.setdefault(nodes[j].end_byte, []).extend(names)
    if not inserts:
        return text
    for end in sorted(inserts, reverse=True):
        guard = "".join(f"; _ = {name}" for name in dict.fromkeys(inserts[end]))
        data = data[:end] + guard.encode("utf-8") + data[end:]
    return data.decode("utf-8", "replace")


def _declared_at_top(node: Node) -> list[str]:
    if node.has_error:
        return []
    if node.type == "short_var_declaration":
        left = node.child_by_field_name("left")
        found = [c for c in (left.named_children if left else []) if c.type == "identifier"]
    elif node.type == "var_declaration":
        lists = [c for c in node.named_children if c.type == "var_spec_list"]
        specs = [c for parent in (node, *lists) for c in parent.named_children if c.type == "var_spec"]
        found = [n for s in specs for n in s.children_by_field_name("name")]
    else:
        return []
    names = [n.text.decode("utf-8", "replace") for n in found if n.text is not None]
    return [n for n in names if n != "_"]

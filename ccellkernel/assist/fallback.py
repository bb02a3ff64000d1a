"""Editor help that needs no helper: tree-sitter completion, magic names, remembered declarations.

The word list is what completion always offered (remembered names, names in the cell so far, the
toolchain's keywords); it answers whenever a helper is missing, slow or has nothing to say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccellkernel.api import syntax
from ccellkernel.api.editor import CompletionItem, Completions, Inspection
from ccellkernel.api.memory import Declaration, Memory
from ccellkernel.api.program import cell_label
from ccellkernel.toolkit.magics import MAGICS

if TYPE_CHECKING:
    from ccellkernel.api.toolchain import Toolchain

SUMMARY_LINES = 12  # detail level 0 shows a declaration up to this many lines


def word_completions(toolchain: Toolchain, memory: Memory, code: str, cursor: int) -> Completions:
    word = syntax.word_before(code, cursor)
    start = cursor - len(word)
    remembered = {name: decl for decl in memory for name in decl.identifiers}
    tree = syntax.parse(toolchain.grammar(), code[:start][-200_000:])
    local = syntax.identifiers(tree.root_node)
    names = set(remembered) | local | toolchain.keywords
    items = []
    for name in sorted(n for n in names if n.startswith(word) and n != word):
        decl = remembered.get(name)
        if decl is not None:
            items.append(CompletionItem(name, decl.kind, _head(decl.fragment.text)))
        elif name in local:
            items.append(CompletionItem(name, "name"))
        else:
            items.append(CompletionItem(name, "keyword"))
    return Completions(tuple(items), start, cursor, "tree-sitter")


def magic_completions(code: str, cursor: int) -> Completions | None:
    """Magic names, when the cursor is in a ``%`` word of the cell's leading magic lines."""
    line_start = code.rfind("\n", 0, cursor) + 1
    before = code[line_start:cursor]
    head = code[:line_start].split("\n")
    if not before.lstrip().startswith("%") or " " in before.strip():
        return None
    if any(line.strip() and not line.strip().startswith(("%", "!", "//", "#")) for line in head):
        return None  # magics come first in a cell
    typed = before.strip()
    names = sorted({m.split()[0] for m in MAGICS if m.startswith("%")})
    start = cursor - len(typed)
    items = tuple(
        CompletionItem(n, "magic", MAGICS.get(n, "")) for n in names if n.startswith(typed) and n != typed
    )
    return Completions(items, start, cursor, "magics")


def remembered(toolchain: Toolchain, memory: Memory, name: str, detail: int) -> Inspection | None:
    """A remembered declaration named ``name``: its text and the cell it came from."""
    decls = [d for d in memory if name in d.identifiers or name in d.keys]
    if not decls:
        return None
    language = str(toolchain.language_info.get("name", ""))
    plain, markdown = [], []
    for decl in decls:
        text = decl.fragment.text if detail else _summary(decl)
        where = f"{decl.kind}, defined in {cell_label(decl.cell)}"
        plain.append(f"{name}: {where}\n\n{text}")
        markdown.append(f"**{name}**: {where}\n\n```{language}\n{text}\n```")
    return Inspection("\n\n".join(plain), "\n\n".join(markdown), "memory")


def _head(text: str) -> str:
    """A declaration's first line, without the body's opening brace (a completion's signature)."""
    first = text.split("\n", 1)[0].strip()
    return first[:-1].rstrip() if first.endswith("{") else first


def _summary(decl: Declaration) -> str:
    """Detail level 0: a function's signature; anything else itself, up to ``SUMMARY_LINES`` lines."""
    text = decl.fragment.text
    brace = text.find("{")
    if brace > 0 and "(" in text[:brace] and "\n" in text[brace:]:
        return text[:brace].rstrip() + " { ... }"
    lines = text.split("\n")
    return text if len(lines) <= SUMMARY_LINES else "\n".join([*lines[:SUMMARY_LINES], "..."])

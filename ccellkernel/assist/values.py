"""The values editor requests produce: completions and inspections, in the cell's own offsets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompletionItem:
    """One completion: ``text`` replaces the cell's text between the answer's ``start`` and ``end``.

    ``kind`` is a word JupyterLab shows beside it (function, field, keyword, module, ...);
    ``signature`` what it shows after it (``size_t strlen(const char *s)``).
    """

    text: str
    kind: str = ""
    signature: str = ""


@dataclass(frozen=True)
class Completions:
    """A completion answer: ``items`` replace the cell's ``code[start:end]``.

    ``source`` says who answered (``clangd``, ``tree-sitter``...), for logs, tests and benchmarks.
    """

    items: tuple[CompletionItem, ...]
    start: int
    end: int
    source: str = "tree-sitter"

    @property
    def matches(self) -> list[str]:
        return [item.text for item in self.items]


@dataclass(frozen=True)
class Inspection:
    """What inspection shows about a name: the same text as plain text and as Markdown."""

    plain: str
    markdown: str
    source: str = ""

    def __add__(self, other: Inspection) -> Inspection:
        """Both texts, this one first (e.g. a helper's hover and a man page's summary)."""
        sources = "+".join(s for s in (self.source, other.source) if s)
        return Inspection(
            f"{self.plain.rstrip()}\n\n{other.plain.strip()}",
            f"{self.markdown.rstrip()}\n\n{other.markdown.strip()}",
            sources,
        )


KINDS = {  # LSP CompletionItemKind -> the word shown in JupyterLab
    1: "text",
    2: "method",
    3: "function",
    4: "constructor",
    5: "field",
    6: "variable",
    7: "class",
    8: "interface",
    9: "module",
    10: "property",
    11: "unit",
    12: "value",
    13: "enum",
    14: "keyword",
    15: "snippet",
    16: "color",
    17: "file",
    18: "reference",
    19: "folder",
    20: "enum member",
    21: "constant",
    22: "struct",
    23: "event",
    24: "operator",
    25: "type parameter",
}

"""Editor help as a toolchain sees it: the ``Assistant`` its ``assistant`` hook returns, the cursor it is
asked about (``EditPoint``) and the answers it gives (``Completions``, ``Inspection``).

The core's editor help (``ccellkernel.assist``) makes the ``EditPoint`` and asks the assistant with a
deadline; ready-made assistants over a language server are in ``ccellkernel.toolkit.lsp``.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .libraries import NO_LIBRARIES, Libraries
from .program import Program

_WORD_BEFORE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

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


@dataclass(frozen=True)
class EditPoint:
    """The cursor in the cell (``code``, ``cursor``) and in ``program`` (``line``, ``column``, 0-based,
    code points). ``flags``, ``cwd`` and ``libraries`` are the session's, for helpers that need
    compile flags (clangd: ``flags`` and ``libraries.compile``) or the libraries' state files
    (``go.mod``, ``Cargo.toml``)."""

    code: str
    cursor: int
    program: Program
    line: int
    column: int
    flags: tuple[str, ...] = ()
    cwd: Path = Path()
    libraries: Libraries = NO_LIBRARIES

    @cached_property
    def program_lines(self) -> list[str]:
        return self.program.text.split("\n")

    @property
    def line_text(self) -> str:
        return self.program_lines[self.line]

    @property
    def before(self) -> str:
        """The program's text of the cursor's line, up to the cursor."""
        return self.line_text[: self.column]

    @property
    def word(self) -> str:
        """The identifier being typed just before the cursor (may be empty)."""
        match = _WORD_BEFORE.search(self.before)
        return match.group(0) if match else ""

    @property
    def offset(self) -> int:
        """The cursor as an offset (code points) into ``program.text``."""
        return sum(len(line) + 1 for line in self.program_lines[: self.line]) + self.column

    def to_cell(self, line: int, column: int) -> int | None:
        """A program position on the cursor's line as an offset into the cell (None elsewhere)."""
        if line != self.line:
            return None
        return max(0, min(len(self.code), self.cursor - self.column + column))


class Assistant(abc.ABC):
    """A language's editor helper, made once per session by ``Toolchain.assistant``.

    The core calls it from worker threads, never from the event loop, with a ``timeout`` in seconds
    it must keep: an answer that would come later is None, and the core answers from tree-sitter
    instead. None means "no answer" (helper missing, slow or confused); an empty ``Completions``
    means "nothing fits here".
    """

    name: str = "assistant"

    def warm(self) -> None:
        """Get ready in the background (start a language server, build or load an index). Called
        once, at kernel start; must return at once."""
        return None

    def ready(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds for what ``warm`` began (starts it if it has not); whether
        the helper can answer now. The first request after the kernel starts waits here, bounded, so
        that it gets the helper's answer rather than less."""
        return True

    @abc.abstractmethod
    def complete(self, point: EditPoint, timeout: float) -> Completions | None:
        """Completions at ``point``, with ``start``/``end`` as offsets into ``point.code``."""

    def inspect(self, point: EditPoint, detail: int, timeout: float) -> Inspection | None:
        """What to show about the name at ``point`` (the cursor is on its first character).
        ``detail`` is Jupyter's ``detail_level``: 0 a summary, 1 the full text."""
        return None

    def close(self) -> None:
        """Stop every process it started (the session is closing)."""
        return None

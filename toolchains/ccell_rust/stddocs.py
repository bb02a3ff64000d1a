"""The standard library's documentation as shipped by rustup's ``rust-docs`` component: an index of
its items, and the members (methods, associated items, variants, fields) of a type's page.

``$(rustc --print sysroot)/share/doc/rust/html/std/all.html`` lists every public item of ``std`` with
its path and page; a type's page holds each member's signature (an ``<h4 class="code-header">``)
and its documentation (the ``docblock`` after it), including methods reached through ``Deref``
(``String`` has ``str``'s) and trait implementations (``String::from``). The index is parsed once
and kept in a pickle in the user's cache (``~/.cache/ccellkernel``), keyed by the rustc version;
pages are parsed when first asked for and kept in memory.
"""

from __future__ import annotations

import html
import os
import pickle
import re
import threading
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1  # bump when what is pickled changes
_LINK = re.compile(r'<li><a href="([^"]+)">([^<]+)</a></li>')
_KIND = re.compile(r"(?:^|/)(struct|enum|trait|fn|macro|type|constant|union|primitive|static|attr|derive)\.")
_MEMBER = re.compile(
    r'<section id="(method|tymethod|associatedconstant|associatedtype|variant|structfield)\.([A-Za-z0-9_]+)'
    r'(?:-\d+)?"[^>]*>(.*?)</section>',
    re.S,
)
_HEADER = re.compile(r'<h[34] class="code-header">(.*?)</h[34]>', re.S)
_FIELD = re.compile(r"<code>(.*?)</code>", re.S)
_DECL = re.compile(r'<pre class="rust item-decl"><code>(.*?)</code></pre>', re.S)
_TOP_DOC = re.compile(r'<details class="toggle top-doc"[^>]*>')
PRELUDE = {  # names every program has, and where they are documented
    "String": "string::String",
    "Vec": "vec::Vec",
    "Option": "option::Option",
    "Result": "result::Result",
    "Box": "boxed::Box",
    "ToString": "string::ToString",
    "Iterator": "iter::Iterator",
    "IntoIterator": "iter::IntoIterator",
    "Clone": "clone::Clone",
    "Default": "default::Default",
    "From": "convert::From",
    "Into": "convert::Into",
    "Drop": "ops::Drop",
}
PRIMITIVES = frozenset(
    "i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str slice array tuple".split()
)


@dataclass(frozen=True)
class Item:
    """An item of std: ``path`` without ``std::`` (``collections::HashMap``), kind, page (relative)."""

    path: str
    kind: str
    page: str

    @property
    def name(self) -> str:
        return self.path.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class Member:
    """A member of a type: ``kind`` (method, tymethod, associatedconstant, variant, structfield...),
    its signature as text, the first paragraph of its documentation and all of it."""

    name: str
    kind: str
    signature: str
    summary: str
    doc: str

    @property
    def takes_self(self) -> bool:
        return bool(re.search(r"\(\s*(?:&\s*(?:'\w+\s+)?(?:mut\s+)?)?(?:mut\s+)?self\b", self.signature))


class StdDocs:
    """The index of std and the pages parsed so far. Thread-safe."""

    def __init__(self, html_root: Path, items: dict[str, Item]) -> None:
        self.root = html_root
        self.items = items  # path -> item
        self.by_name: dict[str, list[Item]] = {}
        for item in items.values():
            self.by_name.setdefault(item.name, []).append(item)
        self.modules = sorted({p.rsplit("::", 1)[0] for p in items if "::" in p})
        self._pages: dict[str, tuple[str, str, tuple[Member, ...]]] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, sysroot: Path, version: str, cache: Path | None) -> StdDocs | None:
        """The docs of the toolchain at ``sysroot``, from the pickle when it has them; None when the
        ``rust-docs`` component is not installed."""
        root = sysroot / "share" / "doc" / "rust" / "html"
        index = root / "std" / "all.html"
        if not index.is_file():
            return None
        pickled = None
        if cache is not None:
            safe = re.sub(r"[^A-Za-z0-9.]+", "-", version).strip("-")
            pickled = cache / f"rust-std-docs-{safe}-{FORMAT}.pickle"
            try:
                with pickled.open("rb") as f:
                    items = pickle.load(f)
                if isinstance(items, dict):
                    return cls(root, items)
            except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
                pass
        items = parse_index(index.read_text(encoding="utf-8", errors="replace"))
        if pickled is not None:
            try:
                pickled.parent.mkdir(parents=True, exist_ok=True)
                partial = pickled.with_name(f"{pickled.name}.{os.getpid()}.tmp")
                with partial.open("wb") as f:
                    pickle.dump(items, f)
                os.replace(partial, pickled)
            except OSError:
                pass
        return cls(root, items)

    # -- questions ------------------------------------------------------------------------------

    def resolve(self, path: str) -> Item | None:
        """The item a path names: ``std::collections::HashMap``, ``collections::HashMap``, a prelude
        name (``String``), a primitive (``i32``) or a name only one item of std has."""
        path = re.sub(r"^(?:::)?(?:std|core|alloc)::", "", path)
        if path in self.items:
            return self.items[path]
        if path in PRELUDE:
            return self.items.get(PRELUDE[path])
        if path in PRIMITIVES:
            return self.items.get(path) or Item(path, "primitive", f"primitive.{path}.html")
        candidates = [i for i in self.by_name.get(path, []) if "::" not in path]
        preferred = [i for i in candidates if i.kind in ("struct", "enum", "trait", "union", "primitive")]
        chosen = sorted(preferred or candidates, key=lambda i: (i.path.count("::"), i.path))
        if len(chosen) > 1 and chosen[0].path.count("::") == chosen[1].path.count("::"):
            return None  # two as near: the program must say which (a `use`)
        return chosen[0] if chosen else None

    def module_items(self, module: str) -> list[tuple[str, str]]:
        """``(name, kind)`` of what module ``module`` (``collections``; "" for std) holds."""
        module = re.sub(r"^(?:::)?(?:std|core|alloc)(?:::|$)", "", module)
        prefix = f"{module}::" if module else ""
        found: dict[str, str] = {}
        for path, item in self.items.items():
            rest = path[len(prefix) :]
            if path.startswith(prefix) and "::" not in rest:
                found.setdefault(rest, item.kind)
        for sub in self.modules:
            if sub.startswith(prefix) and "::" not in sub[len(prefix) :]:
                found.setdefault(sub[len(prefix) :], "module")
        return sorted(found.items())

    def members(self, item: Item) -> tuple[Member, ...]:
        return self._page(item)[2]

    def describe(self, item: Item) -> tuple[str, str]:
        """An item's declaration and the documentation on its page (``(decl, doc)``)."""
        decl, doc, _ = self._page(item)
        return decl, doc

    def _page(self, item: Item) -> tuple[str, str, tuple[Member, ...]]:
        with self._lock:
            if item.page in self._pages:
                return self._pages[item.page]
        try:
            text = (self.root / "std" / item.page).read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        parsed = parse_page(text)
        with self._lock:
            self._pages[item.page] = parsed
        return parsed


def parse_index(text: str) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for page, path in _LINK.findall(text):
        match = _KIND.search(page)
        if match is None:
            continue
        path = html.unescape(path)
        items.setdefault(path, Item(path, match.group(1), page))
    return items


def parse_page(text: str) -> tuple[str, str, tuple[Member, ...]]:
    """A page's declaration, its top documentation, and its members (first of each name wins)."""
    decl_match = _DECL.search(text)
    decl = to_text(decl_match.group(1)) if decl_match else ""
    top = _TOP_DOC.search(text)
    doc = ""
    if top is not None:
        block = text.find('<div class="docblock">', top.end())
        doc = to_text(_div(text, block)) if block >= 0 else ""
    members: dict[str, Member] = {}
    for match in _MEMBER.finditer(text):
        kind, name, body = match.groups()
        if name in members:
            continue
        header = _HEADER.search(body)
        signature = to_text(header.group(1) if header else _first(_FIELD, body) or name)
        after = text[match.end() : match.end() + 40]
        full = ""
        if after.startswith("</summary>") or after.lstrip().startswith('<div class="docblock">'):
            block = text.find('<div class="docblock">', match.end(), match.end() + 40)
            full = to_text(_div(text, block)) if block >= 0 else ""
        summary = full.split("\n\n", 1)[0] if full else ""
        members[name] = Member(name, kind, " ".join(signature.split()), summary, full)
    return decl, doc, tuple(members.values())


def _first(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return match.group(1) if match else ""


def _div(text: str, start: int) -> str:
    """The inside of the ``<div`` at ``start`` (nested divs included)."""
    open_end = text.find(">", start) + 1
    depth, at = 1, open_end
    tags = re.compile(r"<div\b|</div>")
    while depth and (match := tags.search(text, at)):
        depth += 1 if match.group(0) == "<div" else -1
        at = match.end()
        if depth == 0:
            return text[open_end : match.start()]
    return text[open_end:]


def to_text(fragment: str) -> str:
    """HTML as plain text: paragraphs apart, code blocks kept, tags gone."""
    fragment = re.sub(r'<a class="doc-anchor"[^>]*>.*?</a>', "", fragment, flags=re.S)
    fragment = re.sub(r"<(?:br|/p|/h\d|/li|/pre|/ul|/ol)\b[^>]*>", "\n\n", fragment)
    fragment = re.sub(r"<li\b[^>]*>", "- ", fragment)
    fragment = re.sub(r"<[^>]+>", "", fragment)
    text = html.unescape(fragment).replace("\u00a0", " ")
    text = text.replace("\u24d8", "")  # rustdoc's "notable traits" mark
    return re.sub(r"\n{3,}", "\n\n", text).strip()

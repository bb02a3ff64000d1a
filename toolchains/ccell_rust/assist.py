"""Editor help for Rust: rust-analyzer when it is on PATH and works, else the standard library's
own documentation (``stddocs``) plus tree-sitter for what the notebook declares.

rust-analyzer gets the rendered program as ``main.rs`` of a one-crate ``rust-project.json`` (no
Cargo). rustup installs a proxy named ``rust-analyzer`` even without the component, which fails
when run: a rust-analyzer whose ``--version`` fails counts as absent. When it is absent, slow or
has nothing to say, the docs answer:

- ``Type::pre`` (``String::fr``, ``Vec::wi``, ``Point::``): associated functions, constants and
  variants, from the type's std page or from the notebook's ``impl`` blocks and ``enum``s;
- ``value.pre``: methods and fields of the value's type, which ``infer.Typer`` reads from the
  program: a ``let`` or a parameter (``let s = String::new();``, ``let p: Point``, a literal,
  ``vec![...]``), a ``const`` or ``static``, the return type of a function or an ``impl`` method
  (``origin().``, ``p.mirrored().``), a struct's field (``line.start.``), ``self``; std methods'
  return types from the docs (``s.trim().``). A receiver it cannot read gets no items;
- ``std::collections::``: what the module holds;
- ``rand::``, ``rand::rngs::`` (a ``%dep`` crate): what its source declares public there
  (``published.py``).

Inspection shows a std item's declaration and the first paragraph of its documentation (detail
level 1: all of it).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ccellkernel.api.editor import CompletionItem, Completions, EditPoint, Inspection
from ccellkernel.toolkit.lsp import LanguageServer, LspAssistant, PreparedAssistant
from ccellkernel.toolkit.process import executable

from . import infer, published
from .declared import Local, local_items, strip_generics
from .infer import Typer, enclosing_impl, receiver_before
from .stddocs import Item, Member, StdDocs

if TYPE_CHECKING:
    from . import RustToolchain

KINDS = {
    "method": "method",
    "tymethod": "method",
    "associatedconstant": "constant",
    "associatedtype": "type",
    "variant": "enum member",
    "structfield": "field",
}
_PATH_BEFORE = re.compile(r"((?:[A-Za-z_]\w*\s*(?:<[^<>;{}]*>)?\s*::\s*)+)([A-Za-z_]\w*)?\Z")


def find_rust_analyzer() -> str | None:
    """A rust-analyzer that runs (``$CCELL_RUST_ANALYZER``, else on PATH or in ~/.cargo/bin)."""
    chosen = os.environ.get("CCELL_RUST_ANALYZER", "").strip()
    candidates = (
        [chosen] if chosen else ["rust-analyzer", str(Path.home() / ".cargo" / "bin" / "rust-analyzer")]
    )
    for candidate in candidates:
        path = shutil.which(candidate) or (candidate if executable(candidate) else None)
        if path is None:
            continue
        try:
            done = subprocess.run(
                [path, "--version"], capture_output=True, timeout=10, stdin=subprocess.DEVNULL, check=False
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return path
    return None


def user_cache() -> Path | None:
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    home = os.environ.get("HOME", "").strip()
    if xdg:
        return Path(xdg) / "ccellkernel"
    return Path(home) / ".cache" / "ccellkernel" if home else None


class RustAssistant(PreparedAssistant):
    name = "rust-docs"
    answers_alone = True  # the standard library's documentation index, and the notebook's own items

    def __init__(self, toolchain: RustToolchain, root: Path) -> None:
        super().__init__()
        self.toolchain = toolchain
        self.root = root
        self.docs: StdDocs | None = None

    # -- lifecycle ----------------------------------------------------------------------------------

    def prepare(self) -> None:
        sysroot = self._sysroot()
        if sysroot is not None:
            version = self.toolchain.find_compiler().version
            self.docs = StdDocs.load(sysroot, version, user_cache())
        analyzer = find_rust_analyzer()
        if analyzer is not None and sysroot is not None:
            project = {
                "sysroot": str(sysroot),
                "crates": [{"root_module": "main.rs", "edition": "2021", "deps": [], "cfg": []}],
            }
            server = LanguageServer(
                "rust-analyzer",
                (analyzer,),
                "rust",
                "main.rs",
                files={"rust-project.json": json.dumps(project)},
                initialization_options={"linkedProjects": [str(self.root / "rust-project.json")]},
            )
            self.adopt(LspAssistant(server, self.root))

    def _sysroot(self) -> Path | None:
        compiler = self.toolchain.find_compiler()
        try:
            done = subprocess.run(
                [*compiler.argv, "--print", "sysroot"],
                capture_output=True,
                text=True,
                timeout=30,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None

    # -- requests -------------------------------------------------------------------------------------

    def complete(self, point: EditPoint, timeout: float) -> Completions | None:
        deadline = time.monotonic() + timeout
        if not self.prepared(timeout):
            return self._complete_from_docs(point)  # the notebook's own items need no docs
        if self.server is not None:
            answer = self.server.complete(point, deadline - time.monotonic())
            if answer is not None and answer.items:
                return answer
        return self._complete_from_docs(point)

    def inspect(self, point: EditPoint, detail: int, timeout: float) -> Inspection | None:
        deadline = time.monotonic() + timeout
        if not self.prepared(timeout):
            return None
        if self.server is not None:
            answer = self.server.inspect(point, detail, deadline - time.monotonic())
            if answer is not None:
                return answer
        return self._inspect_from_docs(point, detail)

    # -- from the docs and the program -------------------------------------------------------------

    def _complete_from_docs(self, point: EditPoint) -> Completions | None:
        tail = point.before[-300:]
        start = point.cursor - len(point.word)
        path_match = _PATH_BEFORE.search(tail)
        receiver = None if path_match else receiver_before(tail)
        if path_match is None and receiver is None:
            return None
        local = local_items(self.toolchain.grammar(), point.program.text)
        if path_match is not None:
            owner = strip_generics(path_match.group(1)).rstrip(":")
            if owner == "Self" or owner.startswith("Self::"):
                owner = (enclosing_impl(point.program.text[: point.offset]) or "Self") + owner[4:]
            rows = self._crate_members(owner, point)
            if rows is None:
                rows = self._path_members(owner, local)
        else:
            assert receiver is not None
            written = self._receiver_type(receiver, point, len(tail), local)
            rows = [] if written is None else self._value_members(written, local)
        if rows is None:
            return None
        typed = point.word
        items = {}
        for name, kind, signature in rows:
            if name.startswith(typed) and name != typed and name not in items:
                items[name] = CompletionItem(name, kind, signature)
        return Completions(tuple(items[n] for n in sorted(items)), start, point.cursor, self.name)

    def _receiver_type(
        self, receiver: tuple[str, int], point: EditPoint, tail: int, local: Local
    ) -> str | None:
        """The type of the receiver found in the last ``tail`` characters before the cursor, read
        in the program as it stands before the receiver."""
        text, at = receiver
        before = point.program.text[: point.offset - tail + at]
        return Typer(local, self.docs).expression(text, before)

    def _crate_members(self, owner: str, point: EditPoint) -> list[tuple[str, str, str]] | None:
        """The public items of a ``%dep`` crate's module (``rand::rngs``), if ``owner`` names one."""
        crate, *path = owner.split("::")
        root = self.toolchain.crate_sources.get(point.libraries.key, {}).get(crate)
        if root is None:
            return None
        rows = published.items(self.toolchain.grammar(), root, path)
        return [(name, kind, f"{kind} {owner}::{name}") for name, kind in rows] or None

    def _crate_item(self, point: EditPoint, name: str, detail: int) -> Inspection | None:
        """``rand::random`` (a path into a ``%dep`` crate): its declaration and doc comment."""
        owner_match = _PATH_BEFORE.search(point.before[-300:])
        if owner_match is None:
            return None
        crate, *path = strip_generics(owner_match.group(1)).rstrip(":").split("::")
        root = self.toolchain.crate_sources.get(point.libraries.key, {}).get(crate)
        if root is None:
            return None
        found = published.describe(self.toolchain.grammar(), root, path, name)
        if found is None:
            return None
        declaration, doc = found
        shown = _inspection(declaration, doc if detail else doc.split("\n\n", 1)[0])
        return dataclasses.replace(shown, source="crate source")

    def _path_members(self, owner: str, local: Local) -> list[tuple[str, str, str]] | None:
        last = owner.rsplit("::", 1)[-1]
        if "::" not in owner and local.knows(last):
            rows = [(v, "enum member", f"{last}::{v}") for v in local.variants.get(last, [])]
            rows += [(n, "method" if s else "function", sig) for n, sig, s in local.functions.get(last, [])]
            return rows
        if self.docs is None:
            return None
        full = local.uses.get(owner.split("::", 1)[0])
        if full is not None:
            owner = full + owner[len(owner.split("::", 1)[0]) :]
        item = self.docs.resolve(owner)
        if item is not None and item.kind != "fn":
            return [(m.name, _kind(m), m.signature) for m in self.docs.members(item)]
        items = self.docs.module_items(owner)
        return [(name, kind, f"{kind} {owner}::{name}") for name, kind in items] or None

    def _value_members(self, written: str, local: Local) -> list[tuple[str, str, str]]:
        type_name = infer.type_name(written)
        if type_name is None:
            return []
        last = type_name.rsplit("::", 1)[-1]
        if local.knows(last):
            rows = [(n, "field", f"{n}: {t}") for n, t in local.fields.get(last, [])]
            rows += [(n, "method", sig) for n, sig, s in local.functions.get(last, []) if s]
            return rows
        if self.docs is None:
            return []
        item = self.docs.resolve(local.uses.get(type_name, type_name))
        if item is None:
            return []
        members = self.docs.members(item)
        return [(m.name, _kind(m), m.signature) for m in members if m.takes_self or m.kind == "structfield"]

    def _inspect_from_docs(self, point: EditPoint, detail: int) -> Inspection | None:
        word = re.match(r"[A-Za-z_]\w*", point.line_text[point.column :])
        if word is None:
            return None
        name = word.group(0)
        crate_item = self._crate_item(point, name, detail)
        if crate_item is not None or self.docs is None:
            return crate_item
        local = local_items(self.toolchain.grammar(), point.program.text)
        owner_match = _PATH_BEFORE.search(point.before[-300:])
        tail = point.before[-300:]
        receiver = None if owner_match else receiver_before(tail + name)
        member: Member | None = None
        item: Item | None = None
        if owner_match is not None:
            owner = strip_generics(owner_match.group(1)).rstrip(":")
            owner = local.uses.get(owner, owner)
            owner_item = self.docs.resolve(owner)
            if owner_item is not None and owner_item.kind != "fn":
                member = next((m for m in self.docs.members(owner_item) if m.name == name), None)
            if member is None:
                item = self.docs.resolve(f"{owner}::{name}")
        elif receiver is not None:
            written = self._receiver_type(receiver, point, len(tail), local)
            type_name = None if written is None else infer.type_name(written)
            owner_item = (
                None if type_name is None else self.docs.resolve(local.uses.get(type_name, type_name))
            )
            if owner_item is not None:
                member = next((m for m in self.docs.members(owner_item) if m.name == name), None)
        else:
            item = self.docs.resolve(local.uses.get(name, name))
        if member is not None:
            return _inspection(member.signature, member.doc if detail else member.summary)
        if item is not None:
            decl, doc = self.docs.describe(item)
            return _inspection(
                decl or f"{item.kind} std::{item.path}", doc if detail else doc.split("\n\n", 1)[0]
            )
        return None


def _inspection(signature: str, doc: str) -> Inspection:
    plain = f"{signature}\n\n{doc}".strip()
    markdown = f"```rust\n{signature}\n```\n\n{doc}".strip()
    return Inspection(plain, markdown, "rust-docs")


def _kind(member: Member) -> str:
    if member.kind in ("method", "tymethod") and not member.takes_self:
        return "function"
    return KINDS.get(member.kind, member.kind)

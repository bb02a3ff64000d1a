"""Editor help for Rust: rust-analyzer when it is on PATH and works, else the standard library's
own documentation (``stddocs``) plus tree-sitter for what the notebook declares.

rust-analyzer gets the rendered program as ``main.rs`` of a one-crate ``rust-project.json`` (no
Cargo). rustup installs a proxy named ``rust-analyzer`` even without the component, which fails
when run: a rust-analyzer whose ``--version`` fails counts as absent. When it is absent, slow or
has nothing to say, the docs answer:

- ``Type::pre`` (``String::fr``, ``Vec::wi``, ``Point::``): associated functions, constants and
  variants, from the type's std page or from the notebook's ``impl`` blocks and ``enum``s;
- ``value.pre``: methods and fields of the value's type, when a ``let`` or a parameter shows it
  (``let s = String::new();``, ``let p: Point``, a literal, ``vec![...]``);
- ``std::collections::``: what the module holds.

Inspection shows a std item's declaration and the first paragraph of its documentation (detail
level 1: all of it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tree_sitter import Node

from ccellkernel.assist import (
    Assistant,
    CompletionItem,
    Completions,
    EditPoint,
    Inspection,
    LanguageServer,
    LspAssistant,
)
from ccellkernel.assist.process import executable
from ccellkernel.syntax import node_text, parse

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
_VALUE_BEFORE = re.compile(r"(?<![\w.:])([A-Za-z_]\w*)\s*\.\s*([A-Za-z_]\w*)?\Z")
_TYPE_PATH = re.compile(r"(?:(?:[A-Za-z_]\w*)\s*(?:<[^<>]*>)?\s*::\s*)*[A-Z]\w*")


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


@dataclass
class Local:
    """What the program itself declares: types with their fields, variants and impl functions."""

    fields: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    variants: dict[str, list[str]] = field(default_factory=dict)
    functions: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)  # name, sig, self
    uses: dict[str, str] = field(default_factory=dict)  # alias -> path

    def knows(self, name: str) -> bool:
        return name in self.fields or name in self.variants or name in self.functions


class RustAssistant(Assistant):
    name = "rust-docs"

    def __init__(self, toolchain: RustToolchain, root: Path) -> None:
        self.toolchain = toolchain
        self.root = root
        self._lock = threading.Lock()
        self._started = False
        self._ready = threading.Event()
        self.docs: StdDocs | None = None
        self.analyzer: LspAssistant | None = None
        self._closed = False

    # -- lifecycle ----------------------------------------------------------------------------------

    def warm(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._prepare, daemon=True).start()

    def _prepare(self) -> None:
        try:
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
                with self._lock:
                    if not self._closed:
                        self.analyzer = LspAssistant(server, self.root)
                        self.analyzer.client.warm()
        except Exception:  # editor help is optional: tree-sitter still answers
            pass
        finally:
            self._ready.set()

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

    def close(self) -> None:
        with self._lock:
            self._closed = True
            analyzer, self.analyzer = self.analyzer, None
        if analyzer is not None:
            analyzer.close()

    def _wait(self, timeout: float) -> bool:
        self.warm()
        return self._ready.wait(max(0.0, timeout))

    # -- requests -------------------------------------------------------------------------------------

    def complete(self, point: EditPoint, timeout: float) -> Completions | None:
        deadline = time.monotonic() + timeout
        if not self._wait(timeout):
            return None
        if self.analyzer is not None:
            answer = self.analyzer.complete(point, deadline - time.monotonic())
            if answer is not None and answer.items:
                return answer
        return self._complete_from_docs(point)

    def inspect(self, point: EditPoint, detail: int, timeout: float) -> Inspection | None:
        deadline = time.monotonic() + timeout
        if not self._wait(timeout):
            return None
        if self.analyzer is not None:
            answer = self.analyzer.inspect(point, detail, deadline - time.monotonic())
            if answer is not None:
                return answer
        return self._inspect_from_docs(point, detail)

    # -- from the docs and the program -------------------------------------------------------------

    def _complete_from_docs(self, point: EditPoint) -> Completions | None:
        before = point.before
        start = point.cursor - len(point.word)
        path_match = _PATH_BEFORE.search(before[-300:])
        value_match = None if path_match else _VALUE_BEFORE.search(before[-300:])
        if path_match is None and value_match is None:
            return None
        local = local_items(self.toolchain.grammar(), point.program.text)
        if path_match is not None:
            owner = _strip_generics(path_match.group(1)).rstrip(":")
            rows = self._path_members(owner, local)
        else:
            assert value_match is not None
            type_name = infer_type(value_match.group(1), point.program.text[: point.offset], local)
            rows = [] if type_name is None else self._value_members(type_name, local)
        if rows is None:
            return None
        typed = point.word
        items = {}
        for name, kind, signature in rows:
            if name.startswith(typed) and name != typed and name not in items:
                items[name] = CompletionItem(name, kind, signature)
        return Completions(tuple(items[n] for n in sorted(items)), start, point.cursor, self.name)

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

    def _value_members(self, type_name: str, local: Local) -> list[tuple[str, str, str]]:
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
        if self.docs is None:
            return None
        word = re.match(r"[A-Za-z_]\w*", point.line_text[point.column :])
        if word is None:
            return None
        name = word.group(0)
        local = local_items(self.toolchain.grammar(), point.program.text)
        owner_match = _PATH_BEFORE.search(point.before[-300:])
        value_match = None if owner_match else _VALUE_BEFORE.search(point.before[-300:] + name)
        member: Member | None = None
        item: Item | None = None
        if owner_match is not None:
            owner = _strip_generics(owner_match.group(1)).rstrip(":")
            owner = local.uses.get(owner, owner)
            owner_item = self.docs.resolve(owner)
            if owner_item is not None and owner_item.kind != "fn":
                member = next((m for m in self.docs.members(owner_item) if m.name == name), None)
            if member is None:
                item = self.docs.resolve(f"{owner}::{name}")
        elif value_match is not None and value_match.group(2):
            type_name = infer_type(value_match.group(1), point.program.text[: point.offset], local)
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


def _strip_generics(path: str) -> str:
    previous = None
    while previous != path:
        previous = path
        path = re.sub(r"<[^<>]*>", "", path)
    return re.sub(r"\s+", "", path)


# -- what the program declares ------------------------------------------------------------------------


def local_items(language: object, text: str) -> Local:
    """Structs, enums, impl functions and ``use`` names of the program (tree-sitter)."""
    local = Local()
    tree = parse(language, text)  # type: ignore[arg-type]
    stack: list[Node] = [tree.root_node]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "struct_item":
            name = node_text(node.child_by_field_name("name"))
            body = node.child_by_field_name("body")
            fields = []
            for decl in body.named_children if body is not None else []:
                if decl.type == "field_declaration":
                    fields.append(
                        (
                            node_text(decl.child_by_field_name("name")),
                            node_text(decl.child_by_field_name("type")),
                        )
                    )
            local.fields.setdefault(name, []).extend(fields)
        elif kind == "enum_item":
            name = node_text(node.child_by_field_name("name"))
            body = node.child_by_field_name("body")
            variants = [
                node_text(v.child_by_field_name("name"))
                for v in (body.named_children if body is not None else [])
                if v.type == "enum_variant"
            ]
            local.variants.setdefault(name, []).extend(variants)
        elif kind == "impl_item":
            target = _strip_generics(node_text(node.child_by_field_name("type"))).rsplit("::", 1)[-1]
            body = node.child_by_field_name("body")
            for item in body.named_children if body is not None else []:
                if item.type == "function_item":
                    params = item.child_by_field_name("parameters")
                    takes_self = params is not None and any(
                        p.type == "self_parameter" for p in params.named_children
                    )
                    signature = node_text(item).split("{", 1)[0].strip()
                    name = node_text(item.child_by_field_name("name"))
                    local.functions.setdefault(target, []).append(
                        (name, " ".join(signature.split()), takes_self)
                    )
            continue
        elif kind == "use_declaration":
            _uses(node_text(node.child_by_field_name("argument")), local.uses)
            continue
        elif kind == "function_item":
            stack.extend(reversed(node.children))
            continue
        stack.extend(reversed(node.children))
    return local


def _uses(argument: str, uses: dict[str, str], prefix: str = "") -> None:
    """``std::collections::{HashMap, hash_map::Entry as E}`` -> HashMap, E."""
    argument = re.sub(r"\s*(::|[{},])\s*", r"\1", " ".join(argument.split()))
    brace = argument.find("{")
    if brace >= 0 and argument.endswith("}"):
        base = prefix + argument[:brace]
        depth, part, parts = 0, "", []
        for char in argument[brace + 1 : -1]:
            if char == "," and depth == 0:
                parts.append(part)
                part = ""
                continue
            depth += char == "{"
            depth -= char == "}"
            part += char
        parts.append(part)
        for piece in parts:
            if piece and piece != "self":
                _uses(piece, uses, base)
        return
    aliased = re.fullmatch(r"([\w:]+) as (\w+)", argument)
    if aliased:
        uses[aliased.group(2)] = prefix + aliased.group(1)
    elif re.fullmatch(r"[\w:]+", argument):
        uses[argument.rsplit("::", 1)[-1]] = prefix + argument


def infer_type(name: str, text: str, local: Local) -> str | None:
    """The type of variable ``name`` from its last ``let`` (or a parameter) in ``text``."""
    escaped = re.escape(name)
    found = None
    for match in re.finditer(
        rf"\blet\s+(?:mut\s+)?{escaped}\s*(?::\s*(?P<type>[^=;]+?))?\s*=\s*(?P<expr>[^;]+)", text
    ):
        found = match
    if found is not None:
        if found.group("type"):
            return _type_name(found.group("type"))
        return _type_of(found.group("expr").strip())
    params = list(re.finditer(rf"[(,]\s*(?:mut\s+)?{escaped}\s*:\s*(?P<type>[^,)]+)", text))
    if params:
        return _type_name(params[-1].group("type"))
    return None


def _type_name(written: str) -> str | None:
    written = re.sub(r"^&\s*(?:'\w+\s+)?(?:mut\s+)?", "", written.strip())
    match = re.match(r"[\w:]+", _strip_generics(written))
    return match.group(0) if match else None


def _type_of(expr: str) -> str | None:
    if re.match(r'"(?:[^"\\]|\\.)*"\s*\.\s*(?:to_string|to_owned|into)\s*\(', expr) or expr.startswith(
        "format!"
    ):
        return "String"
    if expr.startswith('"'):
        return "str"
    if expr.startswith("vec!"):
        return "Vec"
    if re.match(r"'(?:[^'\\]|\\.)'", expr):
        return "char"
    if re.match(r"-?\d[\d_]*\.\d", expr):
        return "f64"
    if re.match(r"-?\d[\d_]*(?:[iu](?:8|16|32|64|128|size))?\b", expr):
        suffix = re.match(r"-?\d[\d_]*([iu](?:8|16|32|64|128|size))", expr)
        return suffix.group(1) if suffix else "i32"
    if expr in ("true", "false"):
        return "bool"
    path = _TYPE_PATH.match(expr)
    if path is None:
        return None
    written = _strip_generics(path.group(0))
    rest = expr[path.end() :].lstrip()
    if rest.startswith("::") or rest.startswith("{") or rest.startswith("("):
        return written  # Type::new(), Type { .. }, Tuple(..)
    return written.rsplit("::", 1)[0] if "::" in written else None

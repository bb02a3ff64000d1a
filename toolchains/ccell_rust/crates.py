"""A Rust ``%dep`` line: one ``Cargo.toml`` dependency entry, read as TOML and written back by us.

``%dep rand = "0.8"``, ``%dep serde = { version = "1", features = ["derive"] }``, ``%dep mylib = {
path = "../mylib" }`` (evcxr's ``:dep`` takes the same words). The rest of the line is parsed with
``tomllib`` as exactly one key and its value: a version requirement, or an inline table of the keys
below. Anything else (several keys, a table header, a newline, a key cargo does not know) is a
``MagicError`` saying the form. The value is kept parsed (``Dependency.spec`` is our own TOML
writing of it) and the manifests written from it are ours too, so no text typed in a cell reaches
a ``Cargo.toml`` as it was typed.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from ccellkernel.api.errors import MagicError
from ccellkernel.api.libraries import Dependency

FORM = (
    '%dep takes one Cargo.toml dependency: %dep rand = "0.8", '
    '%dep serde = { version = "1", features = ["derive"] } or %dep mylib = { path = "../mylib" }'
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")
_TEXT_KEYS = ("version", "path", "git", "branch", "tag", "rev", "package", "registry")
_FLAG_KEYS = ("default-features", "default_features", "optional")
KNOWN_KEYS = (*_TEXT_KEYS, "features", *_FLAG_KEYS)
RESERVED = {"ccell": "the kernel's display crate is called ccell", "std": "std is the standard library"}


def dependencies(text: str) -> tuple[Dependency, ...]:
    """The one dependency of a ``%dep`` line (``text``: the rest of the line as typed)."""
    text = text.strip()
    if "\n" in text or "\r" in text:
        raise MagicError(f"%dep: one line only. {FORM}")
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise MagicError(f"%dep {text}: not a Cargo.toml dependency ({err}). {FORM}") from None
    if len(table) != 1:
        raise MagicError(f"%dep {text}: one dependency a line. {FORM}")
    ((name, value),) = table.items()
    if not _NAME.match(name):
        raise MagicError(f"%dep {text}: {name!r} is not a crate name. {FORM}")
    if name in RESERVED:
        raise MagicError(f"%dep {text}: {RESERVED[name]}; choose another name (package = ...)")
    return (Dependency(name, spec_text(checked(name, value, text))),)


def checked(name: str, value: object, text: str = "") -> dict[str, Any]:
    """The value of ``name``'s entry as a table, each key known and of its type."""
    shown = text or name
    if isinstance(value, str):
        return {"version": value}
    if not isinstance(value, dict):
        raise MagicError(f'%dep {shown}: the value is a version ("0.8") or a table {{ ... }}. {FORM}')
    unknown = sorted(set(value) - set(KNOWN_KEYS))
    if unknown:
        known = ", ".join(KNOWN_KEYS)
        raise MagicError(f"%dep {shown}: unknown key {unknown[0]!r} (known: {known})")
    for key in _TEXT_KEYS:
        if key in value and not isinstance(value[key], str):
            raise MagicError(f"%dep {shown}: {key} is a string")
    for key in _FLAG_KEYS:
        if key in value and not isinstance(value[key], bool):
            raise MagicError(f"%dep {shown}: {key} is true or false")
    features = value.get("features", [])
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise MagicError(f'%dep {shown}: features is a list of strings (["derive"])')
    if value.get("optional"):
        raise MagicError(f"%dep {shown}: optional = true would leave it out; drop it")
    if "path" not in value and "git" not in value and "version" not in value:
        raise MagicError(f'%dep {shown}: say which version (version = "1"), path or git')
    if "default_features" in value:  # cargo's older spelling
        value = {**value, "default-features": value["default_features"]}
        del value["default_features"]
    return {k: v for k, v in value.items() if k != "optional"}


def parsed(dep: Dependency) -> dict[str, Any]:
    """A dependency's value as a table (its ``spec`` is ours: see ``spec_text``)."""
    value = tomllib.loads(f"x = {dep.spec}")["x"]
    return checked(dep.name, value)


def spec_text(value: Mapping[str, Any]) -> str:
    """A dependency's value as TOML: ``"0.8"`` for a version alone, else an inline table."""
    if set(value) == {"version"}:
        return toml_value(value["version"])
    return toml_value(value)


def toml_value(value: object) -> str:
    """A string, boolean, list or table as inline TOML, every string escaped."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # a JSON string without ASCII escaping is a TOML basic string, but for DEL
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"not written as TOML: {value!r}")


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_value(key)


def located(value: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """``value`` with a relative ``path`` made absolute from ``base`` (the notebook's folder)."""
    path = value.get("path")
    if path is None:
        return dict(value)
    return {**value, "path": os.path.normpath(base / Path(path).expanduser())}


def dependency_lines(wanted: Sequence[Dependency], base: Path) -> list[str]:
    """The ``[dependencies]`` lines of ``wanted``, paths absolute."""
    return [f"{toml_key(d.name)} = {spec_text(located(parsed(d), base))}" for d in wanted]


def manifest(wanted: Sequence[Dependency], base: Path, edition: str) -> str:
    """The ``Cargo.toml`` of the kernel's workspace: an empty library depending on ``wanted``, by name
    (the order of ``%dep`` lines does not change the build, nor its key)."""
    lines = [
        "# Written by ccellkernel: the notebook's %dep libraries.",
        "[package]",
        'name = "ccell-deps"',
        'version = "0.0.0"',
        f"edition = {toml_value(edition)}",
        "publish = false",
        "",
        "[dependencies]",
        *dependency_lines(sorted(wanted, key=lambda dep: dep.name), base),
        "",
        "[workspace]",  # a workspace of its own, whatever folder holds it
        "",
    ]
    return "\n".join(lines)


def package_name(dep: Dependency) -> str:
    """The package a dependency names (``package = ...`` renames it)."""
    return str(parsed(dep).get("package", dep.name))


def path_of(dep: Dependency, base: Path) -> Path | None:
    path = located(parsed(dep), base).get("path")
    return Path(path) if path else None

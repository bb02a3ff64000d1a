"""papermill parameters as declarations: the cell ``papermill -p n 5 -p name x`` injects.

papermill asks a *translator*, found by kernel name and then by language, for the source of the
cell it injects after the notebook's cell tagged ``parameters``. ccellkernel's translators write
one top-level declaration per parameter. The kernel remembers it under the same key as the
default the ``parameters`` cell declared (CELL_MODEL section 2: a C global, a Go ``var``, a Rust
``const`` by its name), so the injected value replaces the default for every later cell.

The type of a declaration follows the value, as papermill gives it (``-p n 5`` is an int, ``-p
rate 0.5`` a float, ``-p name x`` a string, ``True`` a bool, ``None``, ``-y`` YAML lists and
dicts); ``Shape`` describes a value, and each language's translator (``DeclarationTranslator``,
subclassed in the toolchain's ``parameters`` module) spells it. Declare the defaults with the same
types (the table is in the README) and the injected cell replaces them seamlessly.

Bad input gets a ``ParameterError`` naming the parameter: a name that is not an identifier of the
language, or is one of its keywords; a list mixing types; a value with no declaration in the
language. String values are escaped, quotes, backslashes, newlines and bytes that are not UTF-8
included.

papermill 2 has no entry-point group for translators (it has ones for engines and I/O): the
translators are registered under ``papermill.translators`` all the same, and
``ccellkernel.jupyter.papermill_plugin`` (loaded by papermill as an engine) hands that group to papermill.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ccellkernel.api.errors import ParameterError
from ccellkernel.api.plugins import load_toolchain
from ccellkernel.toolkit.magics import split_magics


@dataclass(frozen=True)
class Shape:
    """What a parameter's value is, for choosing its type.

    ``kind`` is ``int``, ``float``, ``str``, ``bool``, ``none``, ``list`` or ``record`` (a dict).
    Ints keep the range of the values seen (``low``..``high``), so a list of them gets one type
    that holds them all; a list keeps its ``item`` shape and ``length`` (-1: its lists differ in
    length); a record its ``fields`` in order.
    """

    kind: str
    low: int = 0
    high: int = 0
    item: Shape | None = None
    length: int = 0
    fields: tuple[tuple[str, Shape], ...] = ()

    def describe(self) -> str:
        if self.kind == "list" and self.item is not None:
            return f"list of {self.item.describe()}"
        return {"none": "None", "record": "dict"}.get(self.kind, self.kind)


def shape_of(value: object) -> Shape:
    """The shape of a papermill parameter's value. Raises ``ParameterError`` (without the name)."""
    if value is None:
        return Shape("none")
    if isinstance(value, bool):
        return Shape("bool")
    if isinstance(value, int):
        return Shape("int", value, value)
    if isinstance(value, float):
        return Shape("float")
    if isinstance(value, str):
        return Shape("str")
    if isinstance(value, (list, tuple)):
        if not value:
            raise ParameterError("an empty list has no item type to declare it with; give one item at least")
        items = [shape_of(v) for v in value]
        if any(s.kind == "none" for s in items):
            raise ParameterError("None inside a list has no type here; leave the item out")
        item = items[0]
        for other in items[1:]:
            item = unify(item, other)
        return Shape("list", item=item, length=len(value))
    if isinstance(value, Mapping):
        if not value:
            raise ParameterError("an empty dict has no fields to declare it with")
        fields = []
        for key, v in value.items():
            field = shape_of(v)
            if field.kind == "none":
                raise ParameterError(f"None as the value of {key!r} has no type here; leave it out")
            fields.append((str(key), field))
        return Shape("record", fields=tuple(fields))
    raise ParameterError(f"a value of type {type(value).__name__} has no declaration here")


def unify(a: Shape, b: Shape) -> Shape:
    """One shape for two items of a list: ints and floats make floats, ints widen their range."""
    if {a.kind, b.kind} == {"int", "float"}:
        return Shape("float")
    if a.kind != b.kind:
        raise ParameterError(f"a list's items must have one type, not {a.describe()} and {b.describe()}")
    if a.kind == "int":
        return Shape("int", min(a.low, b.low), max(a.high, b.high))
    if a.kind == "list":
        assert a.item is not None and b.item is not None
        return Shape("list", item=unify(a.item, b.item), length=a.length if a.length == b.length else -1)
    if a.kind == "record":
        if [k for k, _ in a.fields] != [k for k, _ in b.fields]:
            raise ParameterError("the dicts of a list must have the same keys, in the same order")
        fields = tuple((k, unify(x, y)) for (k, x), (_, y) in zip(a.fields, b.fields, strict=True))
        return Shape("record", fields=fields)
    return a


def float_literal(value: float) -> str | None:
    """The shortest literal that reads back as ``value`` (Python's repr: ``0.1``, ``1e-05``,
    ``5.0``), or None for NaN and the infinities, which every language spells its own way."""
    return repr(float(value)) if math.isfinite(value) else None


def utf8_bytes(text: str) -> bytes:
    """``text`` as UTF-8, with the bytes a command line gave that were not UTF-8 (Python keeps
    them as lone surrogates) as they were. Raises ``ParameterError`` for other lone surrogates."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise ParameterError("the string holds a lone UTF-16 surrogate, which no source file can") from None


class DeclarationTranslator:
    """A papermill translator (papermill calls the class methods ``codify``, ``comment`` and
    ``inspect``) writing parameters as declarations of one language.

    A language's subclass sets ``language``, ``toolchain`` (its name, for ``inspect``),
    ``keywords`` and ``variable_kinds`` (the ``Declaration.kind`` values of its top-level
    variables), and implements ``declare``; ``preamble`` may add lines the declarations need.
    """

    language: ClassVar[str] = ""
    toolchain: ClassVar[str] = ""
    keywords: ClassVar[frozenset[str]] = frozenset()
    variable_kinds: ClassVar[frozenset[str]] = frozenset()
    ascii_names: ClassVar[bool] = False
    """Whether identifiers are ASCII only (C's, portably); else Unicode letters are allowed."""

    @classmethod
    def declare(cls, name: str, value: object, shape: Shape) -> str:
        """The declaration of parameter ``name``: ``int n = 5;``. Raises ``ParameterError``."""
        raise NotImplementedError

    @classmethod
    def preamble(cls, shapes: Mapping[str, Shape]) -> list[str]:
        """Lines before the declarations (C: ``#include <stdbool.h>`` when a parameter is a bool)."""
        return []

    @classmethod
    def comment(cls, text: str) -> str:
        return "// " + " ".join(str(text).split())

    @classmethod
    def codify(cls, parameters: Mapping[str, Any], comment: str = "Parameters") -> str:
        """The injected cell: a comment, then one declaration per parameter, in papermill's order."""
        shapes: dict[str, Shape] = {}
        for name, value in parameters.items():
            cls.check_name(name)
            try:
                shapes[name] = shape_of(value)
            except ParameterError as err:
                raise ParameterError(f"parameter {name!r}: {err}") from None
        lines = [cls.comment(comment), *cls.preamble(shapes)]
        for name, value in parameters.items():
            try:
                lines.append(cls.declare(name, value, shapes[name]))
            except ParameterError as err:
                raise ParameterError(f"parameter {name!r}: {err}") from None
        return "\n".join(lines) + "\n"

    @classmethod
    def check_name(cls, name: object) -> None:
        """Raises ``ParameterError`` unless ``name`` can name a top-level variable of the language."""
        text = str(name)
        if cls.ascii_names:
            valid = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) is not None
        else:
            valid = text.isidentifier()
        if not valid:
            raise ParameterError(
                f"parameter {text!r} is not a {cls.language} identifier (letters, digits and _, not "
                "starting with a digit); rename it in the notebook's parameters cell and on the "
                "command line"
            )
        if text in cls.keywords:
            raise ParameterError(f"parameter {text!r} is a {cls.language} keyword; choose another name")

    @classmethod
    def inspect(cls, parameters_cell: Mapping[str, Any]) -> list[Any]:
        """papermill's ``--help-notebook``: the variables the ``parameters`` cell declares, with
        their defaults and the comment at the end of their line as help."""
        from papermill.models import Parameter

        source = parameters_cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            parts = load_toolchain(cls.toolchain).split(split_magics(source).code, 1)
        except Exception:  # papermill asks inspection to ignore what it cannot read
            return []
        lines = source.split("\n")
        found = []
        for decl in parts.declarations:
            if decl.kind not in cls.variable_kinds:
                continue
            # the declaration's whole lines: a comment at the end of one belongs to it here
            text = "\n".join(lines[decl.fragment.line - 1 : decl.fragment.end_line])
            for key in decl.keys:
                match = _ASSIGNMENT(key).search(text)
                default = match.group("value") if match else ""
                help_text = (match.group("help") or "").strip() if match else ""
                declared = cls.declared_type(text, key) or "None"  # papermill's word for unknown
                found.append(
                    Parameter(name=key, inferred_type_name=declared, default=default, help=help_text)
                )
        return found

    @classmethod
    def declared_type(cls, declaration: str, name: str) -> str | None:
        """The type a declaration of the ``parameters`` cell gives ``name``, if it spells one."""
        return None


def _ASSIGNMENT(name: str) -> re.Pattern[str]:
    """``name ... = value`` up to ``;`` or the line's end, then an optional ``// help`` comment."""
    return re.compile(
        rf"\b{re.escape(name)}\b[^=;\n]*=\s*(?P<value>[^;\n]*?)\s*;?\s*(?://\s*(?P<help>.*))?$", re.M
    )

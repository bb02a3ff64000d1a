"""papermill parameters as Go package-level variables (``ccellkernel.toolkit.parameters``): ``var n = 5``.

| value | declaration |
|---|---|
| int | ``var n = 5`` (an ``int``; ``uint64`` when it does not fit) |
| float | ``var rate = 0.5`` (``float64``) |
| str | ``var name = "x"`` |
| bool | ``var verbose = true`` |
| None | ``var name any = nil`` |
| list | a slice: ``var xs = []int{1, 2, 3}`` |
| dict | a map when its values share a type: ``var cfg = map[string]int{"a": 1}`` |
| dict | else a struct: ``var cfg = struct{ a int; b string }{a: 1, b: "x"}`` |
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from ccellkernel.api.errors import ParameterError
from ccellkernel.toolkit.parameters import DeclarationTranslator, Shape, float_literal, unify, utf8_bytes

INT64 = (-(2**63), 2**63 - 1)
UINT64_MAX = 2**64 - 1
# Keywords, and the predeclared names a package-level variable would shadow for every cell.
KEYWORDS = frozenset(
    """break case chan const continue default defer else fallthrough for func go goto if import
    interface map package range return select struct switch type var _ main init
    any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64
    rune string uint uint8 uint16 uint32 uint64 uintptr true false iota nil append cap clear close
    complex copy delete imag len make max min new panic print println real recover""".split()
)
ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


class GoTranslator(DeclarationTranslator):
    language: ClassVar[str] = "Go"
    toolchain: ClassVar[str] = "go"
    keywords: ClassVar[frozenset[str]] = KEYWORDS
    variable_kinds: ClassVar[frozenset[str]] = frozenset({"var", "const"})

    @classmethod
    def declared_type(cls, declaration: str, name: str) -> str | None:
        match = re.search(rf"\b{re.escape(name)}\s+(?P<type>[^=\s][^=\n]*?)\s*=", declaration)
        return match.group("type") if match else None

    @classmethod
    def declare(cls, name: str, value: object, shape: Shape) -> str:
        if shape.kind == "none":
            return f"var {name} any = nil"
        if shape.kind == "int" and shape.high > INT64[1]:
            return f"var {name} {cls.type_of(shape)} = {cls.value_of(value, shape)}"
        return f"var {name} = {cls.value_of(value, shape, typed=True)}"

    @classmethod
    def type_of(cls, shape: Shape) -> str:
        if shape.kind == "int":
            if INT64[0] <= shape.low and shape.high <= INT64[1]:
                return "int"
            if shape.low >= 0 and shape.high <= UINT64_MAX:
                return "uint64"
            raise ParameterError("the integer does not fit in 64 bits; pass it as a string")
        if shape.kind in ("float", "str", "bool"):
            return {"float": "float64", "str": "string", "bool": "bool"}[shape.kind]
        if shape.kind == "list":
            assert shape.item is not None
            return "[]" + cls.type_of(shape.item)
        common = _common(shape)
        if common is not None:
            return f"map[string]{cls.type_of(common)}"
        fields = []
        for key, field in shape.fields:
            try:
                cls.check_name(key)
            except ParameterError:
                raise ParameterError(f"the dict key {key!r} cannot name a Go struct field") from None
            fields.append(f"{key} {cls.type_of(field)}")
        return "struct{ " + "; ".join(fields) + " }"

    @classmethod
    def value_of(cls, value: object, shape: Shape, *, typed: bool = False) -> str:
        """The value's literal; ``typed``: a composite literal names its type (an item in one need not)."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int) and shape.kind == "int":
            return str(value)
        if isinstance(value, (int, float)):
            literal = float_literal(float(value))
            if literal is not None:
                return literal
            return "math.NaN()" if value != value else "math.Inf(1)" if value > 0 else "math.Inf(-1)"
        if isinstance(value, str):
            return go_string(value)
        prefix = cls.type_of(shape) if typed else ""
        if isinstance(value, (list, tuple)):
            assert shape.item is not None
            return prefix + "{" + ", ".join(cls.value_of(v, shape.item) for v in value) + "}"
        assert isinstance(value, Mapping)
        common = _common(shape)
        if common is not None:
            items = (f"{go_string(str(k))}: {cls.value_of(v, common)}" for k, v in value.items())
        else:
            fields = dict(shape.fields)
            items = (f"{k}: {cls.value_of(v, fields[str(k)], typed=True)}" for k, v in value.items())
        return (prefix or cls.type_of(shape)) + "{" + ", ".join(items) + "}"


def _common(shape: Shape) -> Shape | None:
    """The one shape of a dict's values, if they have one (then the dict is a map)."""
    try:
        common = shape.fields[0][1]
        for _, field in shape.fields[1:]:
            common = unify(common, field)
    except ParameterError:
        return None
    return common


def go_string(text: str) -> str:
    """A Go string literal: quotes, backslashes, control and non-printing characters escaped,
    bytes that were not UTF-8 kept as they were (``\\xff``)."""
    out = []
    for char in utf8_bytes(text).decode("utf-8", "surrogateescape"):
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif 0xDC80 <= ord(char) <= 0xDCFF:
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif not char.isprintable():
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'

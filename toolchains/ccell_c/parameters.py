"""papermill parameters as C globals (``ccellkernel.toolkit.parameters``): ``int n = 5;``.

| value | declaration |
|---|---|
| int | ``int n = 5;`` (``long long``, ``unsigned long long`` when it does not fit) |
| float | ``double rate = 0.5;`` |
| str | ``const char *name = "x";`` |
| bool | ``bool verbose = true;`` (with ``#include <stdbool.h>``) |
| None | ``void *name = 0;`` |
| list | an array: ``int xs[] = {1, 2, 3};``, ``const char *names[] = {"a", "b"};`` |
| dict | an anonymous struct: ``struct { int a; const char *b; } cfg = {.a = 1, .b = "x"};`` |
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from ccellkernel.api.errors import ParameterError
from ccellkernel.toolkit.parameters import DeclarationTranslator, Shape, float_literal, utf8_bytes

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT64_MAX = 2**64 - 1
KEYWORDS = frozenset(
    """auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef union
    unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary
    _Noreturn _Static_assert _Thread_local bool true false main""".split()
)
ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "?": "\\?"}


class CTranslator(DeclarationTranslator):
    language: ClassVar[str] = "C"
    toolchain: ClassVar[str] = "c"
    keywords: ClassVar[frozenset[str]] = KEYWORDS
    variable_kinds: ClassVar[frozenset[str]] = frozenset({"global"})
    ascii_names: ClassVar[bool] = True

    @classmethod
    def declared_type(cls, declaration: str, name: str) -> str | None:
        # the words before the name, on its line: ``const char *name = ...``
        match = re.search(rf"(?m)^\s*(?P<type>[^=;,/\n]*?)\s*\b{re.escape(name)}\b\s*=", declaration)
        return match.group("type") if match and match.group("type") else None

    @classmethod
    def preamble(cls, shapes: Mapping[str, Shape]) -> list[str]:
        return ["#include <stdbool.h>"] if any(_has(s, "bool") for s in shapes.values()) else []

    @classmethod
    def declare(cls, name: str, value: object, shape: Shape) -> str:
        base, dims = cls.type_of(shape)
        if shape.kind == "list":
            dims = "[]" + dims[dims.index("]") + 1 :]  # the outer length follows from the values
        space = "" if base.endswith("*") else " "
        return f"{base}{space}{name}{dims} = {cls.value_of(value, shape)};"

    @classmethod
    def type_of(cls, shape: Shape) -> tuple[str, str]:
        """The type as a base and the array dimensions that follow the name: ``("int", "[3]")``."""
        if shape.kind == "int":
            if INT32[0] <= shape.low and shape.high <= INT32[1]:
                return "int", ""
            if INT64[0] <= shape.low and shape.high <= INT64[1]:
                return "long long", ""
            if shape.low >= 0 and shape.high <= UINT64_MAX:
                return "unsigned long long", ""
            raise ParameterError("the integer does not fit in 64 bits; pass it as a string")
        if shape.kind in ("float", "str", "bool", "none"):
            return {"float": "double", "str": "const char *", "bool": "bool", "none": "void *"}[
                shape.kind
            ], ""
        if shape.kind == "list":
            assert shape.item is not None
            if shape.length < 0:
                raise ParameterError("the lists inside a list must have one length to be a C array")
            base, dims = cls.type_of(shape.item)
            return base, f"[{shape.length}]{dims}"
        fields = []
        for key, field in shape.fields:
            cls.check_field(key)
            base, dims = cls.type_of(field)
            fields.append(f"{base}{'' if base.endswith('*') else ' '}{key}{dims};")
        return "struct { " + " ".join(fields) + " }", ""

    @classmethod
    def check_field(cls, key: str) -> None:
        try:
            cls.check_name(key)
        except ParameterError:
            raise ParameterError(f"the dict key {key!r} cannot name a C struct field") from None

    @classmethod
    def value_of(cls, value: object, shape: Shape) -> str:
        if shape.kind == "none" or value is None:
            return "0"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int) and shape.kind == "int":
            if value == INT64[0]:
                return "(-9223372036854775807LL - 1)"  # the literal 9223372036854775808 is too large
            return f"{value}ULL" if value > INT64[1] else str(value)
        if isinstance(value, (int, float)):
            literal = float_literal(float(value))
            if literal is not None:
                return literal
            return "(0.0 / 0.0)" if value != value else "(1.0 / 0.0)" if value > 0 else "(-1.0 / 0.0)"
        if isinstance(value, str):
            return c_string(value)
        if isinstance(value, (list, tuple)):
            assert shape.item is not None
            return "{" + ", ".join(cls.value_of(v, shape.item) for v in value) + "}"
        assert isinstance(value, Mapping)
        fields = dict(shape.fields)
        return "{" + ", ".join(f".{k} = {cls.value_of(v, fields[str(k)])}" for k, v in value.items()) + "}"


def c_string(text: str) -> str:
    """A C string literal: quotes, backslashes, control and non-printing characters escaped
    (octal, three digits, so no digit after it joins), ``?`` too (no trigraphs), bytes that were
    not UTF-8 kept as they were."""
    out = []
    for char in utf8_bytes(text).decode("utf-8", "surrogateescape"):
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif 0xDC80 <= ord(char) <= 0xDCFF:  # a byte that was not UTF-8
            out.append(f"\\{ord(char) - 0xDC00:03o}")
        elif not char.isprintable():
            out.extend(f"\\{byte:03o}" for byte in char.encode("utf-8"))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _has(shape: Shape, kind: str) -> bool:
    if shape.kind == kind:
        return True
    if shape.item is not None and _has(shape.item, kind):
        return True
    return any(_has(field, kind) for _, field in shape.fields)

"""papermill parameters as Rust constants (``ccellkernel.toolkit.parameters``): ``const n: i64 = 5;``.

| value | declaration |
|---|---|
| int | ``const n: i64 = 5;`` (``u64`` when it does not fit) |
| float | ``const rate: f64 = 0.5;`` |
| str | ``const name: &str = "x";`` |
| bool | ``const verbose: bool = true;`` |
| None | ``const name: Option<&str> = None;`` |
| list | a slice: ``const xs: &[i64] = &[1, 2, 3];`` |
| dict | its values of one type: ``const cfg: &[(&str, i64)] = &[("a", 1), ("b", 2)];`` |

A name that is not upper case gets ``#[allow(non_upper_case_globals)]``, so that rustc says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from ccellkernel.api.errors import ParameterError
from ccellkernel.toolkit.parameters import DeclarationTranslator, Shape, float_literal, unify

INT64 = (-(2**63), 2**63 - 1)
UINT64_MAX = 2**64 - 1
KEYWORDS = frozenset(
    """as async await break const continue crate dyn else enum extern false fn for if impl in let loop
    match mod move mut pub ref return self Self static struct super trait true type unsafe use where
    while abstract become box do final gen macro override priv try typeof unsized virtual yield _
    main""".split()
)
ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


class RustTranslator(DeclarationTranslator):
    language: ClassVar[str] = "Rust"
    toolchain: ClassVar[str] = "rust"
    keywords: ClassVar[frozenset[str]] = KEYWORDS
    variable_kinds: ClassVar[frozenset[str]] = frozenset({"const", "static"})

    @classmethod
    def declared_type(cls, declaration: str, name: str) -> str | None:
        match = re.search(rf"\b{re.escape(name)}\s*:\s*(?P<type>[^=\n]+?)\s*=", declaration)
        return match.group("type") if match else None

    @classmethod
    def declare(cls, name: str, value: object, shape: Shape) -> str:
        allow = "" if name == name.upper() else "#[allow(non_upper_case_globals)]\n"
        return f"{allow}const {name}: {cls.type_of(shape)} = {cls.value_of(value, shape)};"

    @classmethod
    def type_of(cls, shape: Shape) -> str:
        if shape.kind == "int":
            if INT64[0] <= shape.low and shape.high <= INT64[1]:
                return "i64"
            if shape.low >= 0 and shape.high <= UINT64_MAX:
                return "u64"
            raise ParameterError("the integer does not fit in 64 bits; pass it as a string")
        if shape.kind in ("float", "str", "bool", "none"):
            return {"float": "f64", "str": "&str", "bool": "bool", "none": "Option<&str>"}[shape.kind]
        if shape.kind == "list":
            assert shape.item is not None
            return f"&[{cls.type_of(shape.item)}]"
        return f"&[(&str, {cls.type_of(_common(shape))})]"

    @classmethod
    def value_of(cls, value: object, shape: Shape) -> str:
        if value is None:
            return "None"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int) and shape.kind == "int":
            return str(value)
        if isinstance(value, (int, float)):
            literal = float_literal(float(value))
            if literal is not None:
                return literal
            return "f64::NAN" if value != value else "f64::INFINITY" if value > 0 else "f64::NEG_INFINITY"
        if isinstance(value, str):
            return rust_string(value)
        if isinstance(value, (list, tuple)):
            assert shape.item is not None
            return "&[" + ", ".join(cls.value_of(v, shape.item) for v in value) + "]"
        assert isinstance(value, Mapping)
        common = _common(shape)
        return (
            "&["
            + ", ".join(f"({rust_string(str(k))}, {cls.value_of(v, common)})" for k, v in value.items())
            + "]"
        )


def _common(shape: Shape) -> Shape:
    try:
        common = shape.fields[0][1]
        for _, field in shape.fields[1:]:
            common = unify(common, field)
    except ParameterError:
        raise ParameterError(
            "a dict becomes a slice of (key, value) pairs, so its values must have one type; "
            "pass the others as parameters of their own"
        ) from None
    return common


def rust_string(text: str) -> str:
    """A Rust string literal: quotes, backslashes, control and non-printing characters escaped.
    A Rust string is UTF-8: bytes that were not are a ``ParameterError``."""
    if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        raise ParameterError("the string is not valid UTF-8 (Rust strings must be); pass it another way")
    out = []
    for char in text:
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif not char.isprintable():
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'

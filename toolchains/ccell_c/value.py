"""The value of a C cell's last expression, shown as ``Out[n]`` (CELL_MODEL.md section 4a).

A cell whose code ends in an expression without its ``;`` (``square(7)``, ``x * 2``, ``name``) shows
that expression's value. The renderer wraps it in ``CCELL_VALUE((...))``, a ``_Generic`` choice of the
runtime's formatter by the value's type: integers in decimal, floating point with ``%g``, ``char *`` as
a quoted string, ``char`` as ``'c'``, ``_Bool`` as true/false, other pointers in hex. The expression
keeps its own lines and columns (the wrapper is on generated lines around it).

A call that returns nothing cannot be wrapped: gcc calls that an "invalid use of void expression";
the build then drops the wrapper (``void_fallback``) and builds again. A struct value is an error that
says to print its fields.
"""

from __future__ import annotations

import re

from ccellkernel.toolkit.clike import Value, trailing_value

__all__ = [
    "DEFINITION",
    "STRUCT_MESSAGE",
    "WRAP_CLOSE",
    "WRAP_OPEN",
    "WRAP_VOID",
    "Value",
    "position",
    "trailing_value",
]

WRAP_OPEN = "CCELL_VALUE(("
WRAP_VOID = "((void)("  # same length and lines: the fallback keeps every position
WRAP_CLOSE = "));"
_FORMATTERS = {
    "_Bool": "bool",
    "char": "char",
    "signed char": "signed",
    "short": "signed",
    "int": "signed",
    "long": "signed",
    "long long": "signed",
    "unsigned char": "unsigned",
    "unsigned short": "unsigned",
    "unsigned": "unsigned",
    "unsigned long": "unsigned",
    "unsigned long long": "unsigned",
    "float": "double",
    "double": "double",
    "long double": "long_double",
    "char *": "string",
    "const char *": "string",
}
DEFINITION = (
    "void ccell__value_signed(long long); void ccell__value_unsigned(unsigned long long);\n"
    "void ccell__value_double(double); void ccell__value_long_double(long double);\n"
    "void ccell__value_char(int); void ccell__value_bool(int); void ccell__value_string(const char *);\n"
    "void ccell__value_pointer(const void *);\n"
    "#define CCELL_VALUE(x) _Generic((x), "
    + ", ".join(f"{t}: ccell__value_{f}" for t, f in _FORMATTERS.items())
    + ", default: ccell__value_pointer)(x)"
)
_VOID = re.compile(
    r"invalid use of void expression|void value not ignored|cannot convert 'void'|"
    r"passing 'void' to parameter|argument type 'void' is incomplete"
)
_STRUCT = re.compile(r"incompatible type for argument 1 of .ccell__value_pointer|ccell__value_pointer")


def is_void_error(message: str) -> bool:
    return bool(_VOID.search(message))


def is_struct_error(message: str) -> bool:
    return bool(_STRUCT.search(message))


STRUCT_MESSAGE = (
    "this value is a struct (or union), which Out[n] cannot show: print its fields with printf, "
    "or end the line with ;"
)


def position(program) -> tuple[int, int, int] | None:  # type: ignore[no-untyped-def]
    """Where the expression wrapped for Out[n] starts in ``program``: cell, line, column (1-based)."""
    lines = program.text.split("\n")
    for i, text in enumerate(lines):
        if text != WRAP_OPEN:
            continue
        for later, origin in zip(lines[i + 1 :], program.origins[i + 1 :], strict=False):
            if origin is not None:
                return origin.cell, origin.line, len(later) - len(later.lstrip()) + 1
    return None


def write_body(out, language, statements, signature: str) -> None:  # type: ignore[no-untyped-def]
    """The cell's statements as the function ``signature`` (``int main(int argc, char **argv)``),
    its last expression, if any, wrapped for Out[n]; ``out`` a ``ProgramWriter``."""
    statements = list(statements)
    last = trailing_value(language, statements[-1]) if statements else None
    if last is not None:
        out.generated(DEFINITION)
    out.generated(f"{signature} {{\n(void)argc; (void)argv;")
    for statement in statements[:-1] if last is not None else statements:
        out.fragment(statement)
    if last is not None:
        if last.before is not None:
            out.fragment(last.before)
        out.generated(WRAP_OPEN)
        out.fragment(last.expression)
        out.generated(WRAP_CLOSE)
        if last.after is not None:
            out.fragment(last.after)
    out.generated("return 0;\n}")

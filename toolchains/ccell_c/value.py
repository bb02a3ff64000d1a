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

from ccellkernel.clike import Value, trailing_value

__all__ = ["DEFINITION", "STRUCT_MESSAGE", "WRAP_CLOSE", "WRAP_OPEN", "WRAP_VOID", "Value", "trailing_value"]

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

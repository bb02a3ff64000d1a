"""What C compilers say about names and globals, for the core's hints (C is not order-free).

- ``missing_names``: ``'x' undeclared`` (gcc, with typographic quotes; tcc), ``use of undeclared
  identifier 'x'`` (clang). The core uses it to say that ``x`` was a local of an earlier cell's ``%%`` body.
- ``statement_locals``: the names a ``%%`` body declares at its top level (they are main's locals).
- ``global_notes``: code at the top of a cell is global; a global array's size must be a constant
  (``int n = 5; int arr[n];`` is a variable-length array there), so such an error gets a note that
  says so and suggests ``%%``.
- ``end_of_cell``: a statement missing its ``;`` on a cell's last line is followed by code the kernel
  wrote (``return 0;``, the next cell's function): gcc's ``expected ';' before 'return'`` then names
  that code; it says the end of the cell instead.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from tree_sitter import Language

from ccellkernel.api.program import Diagnostic, Program
from ccellkernel.api.syntax import parse

from .classify import _declared_name

_QUOTES = "‘’'\"`"
_UNDECLARED = re.compile(
    rf"^(?:[{_QUOTES}](?P<gnu>\w+)[{_QUOTES}] undeclared\b"
    rf"|use of undeclared identifier [{_QUOTES}](?P<clang>\w+)[{_QUOTES}])"
)
_NOT_CONSTANT = re.compile(
    rf"^(?:variably modified [{_QUOTES}](?P<a>\w+)[{_QUOTES}] at file scope"
    rf"|storage size of [{_QUOTES}](?P<b>\w+)[{_QUOTES}] isn.t constant"
    r"|variable length array declaration not allowed at file scope)"
)


def missing_names(diagnostic: Diagnostic) -> frozenset[str] | None:
    match = _UNDECLARED.match(diagnostic.message) if diagnostic.severity == "error" else None
    if match is None:
        return None
    return frozenset({match.group("gnu") or match.group("clang")})


def statement_locals(language: Language, text: str) -> tuple[str, ...]:
    names = [
        name
        for node in parse(language, text).root_node.children
        if node.type == "declaration"
        for declarator in node.children_by_field_name("declarator")
        if (name := _declared_name(declarator)[0])
    ]
    return tuple(dict.fromkeys(names))


def keep_hint(name: str) -> str:
    return f"int {name} = ...;"


def global_notes(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """``diagnostics`` with a note after each error about a global array whose size is not constant."""
    result: list[Diagnostic] = []
    for diag in diagnostics:
        result.append(diag)
        match = _NOT_CONSTANT.match(diag.message) if diag.severity == "error" and diag.cell else None
        if match is None:
            continue
        name = match.group("a") or match.group("b")
        what = f"‘{name}’ is" if name else "it is"
        text = (
            f"note: {what} declared at the top of the cell, so it is a global, and the size of a global "
            "array must be a constant; to make it a local of main, put a line %% before it"
        )
        result.append(Diagnostic("note", text[len("note: ") :], diag.cell, None, None, raw=text))
    return tuple(result)


_BEFORE = re.compile(rf"^expected [{_QUOTES}];[{_QUOTES}] before ")
END_OF_CELL = "expected ‘;’ at the end of the cell"


def end_of_cell(diagnostics: Iterable[Diagnostic], program: Program) -> tuple[Diagnostic, ...]:
    """``diagnostics`` with ``expected ';' before ...`` on a cell's last line said as the end of the cell."""
    last: dict[int, int] = {}
    for text, origin in zip(program.text.split("\n"), program.origins, strict=False):
        if origin is not None and text.strip():
            last[origin.cell] = max(last.get(origin.cell, 0), origin.line)
    said: list[Diagnostic] = []
    for diag in diagnostics:
        at_end = diag.cell is not None and diag.line is not None and diag.line == last.get(diag.cell)
        if diag.severity == "error" and at_end and _BEFORE.match(diag.message):
            raw = diag.raw.replace(diag.message, END_OF_CELL)
            diag = dataclasses.replace(diag, message=END_OF_CELL, raw=raw)
        said.append(diag)
    return tuple(said)

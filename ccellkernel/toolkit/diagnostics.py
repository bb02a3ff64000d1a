"""Compiler diagnostics: parsing GNU-style messages, and turning them into a CompileError.

The line directives a toolchain writes make a compiler name ``Cell In[N]`` as the file, so a
diagnostic's cell and line come from the compiler itself. This module is the one place that rewrites
them as ``Cell In[N], line M: error: ...`` with the source line and a caret.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

from ccellkernel.api.errors import CompileError
from ccellkernel.api.program import Diagnostic, cell_position

_LABEL = re.compile(r"Cell In\[(\d+)\]")
_LINKER = re.compile(r"^(?:\S*/)?(?:ld|ld\.\w+|lld)(?:\.exe)?: (?P<msg>.*)$")
_GNU = re.compile(
    r"^(?P<file>[^:\n]+?):(?P<line>\d+):(?:(?P<col>\d+):)?\s*"
    r"(?P<sev>fatal error|error|warning|note):\s*(?P<msg>.*)$"
)
SHOWN = 12  # diagnostics in one traceback; the rest are counted


def cell_of(filename: str) -> int | None:
    """The execution count in a ``Cell In[N]`` file name, if it is one."""
    match = _LABEL.fullmatch(filename.strip())
    return int(match.group(1)) if match else None


def parse_gnu(text: str) -> list[Diagnostic]:
    """``file:line:col: severity: message`` lines (gcc, clang, tcc, ld's errors are kept raw)."""
    found: list[Diagnostic] = []
    for raw in text.splitlines():
        match = _GNU.match(raw)
        if match:
            col = match.group("col")
            found.append(
                Diagnostic(
                    severity="error" if match.group("sev") == "fatal error" else match.group("sev"),
                    message=match.group("msg"),
                    cell=cell_of(match.group("file")),
                    line=int(match.group("line")),
                    column=int(col) if col else None,
                    raw=raw,
                )
            )
        elif (linker := _LINKER.match(raw)) and ": in function" not in raw:
            # "/usr/bin/ld: cannot find -lfoo: No such file or directory", "multiple definition"...
            message = linker.group("msg").strip()
            found.append(Diagnostic("error", message, raw=f"error: {message}"))
        elif "undefined reference to" in raw:  # ld: "file.o:(.text+0x29): undefined reference to `f'"
            message = raw.split("): ", 1)[-1].strip()
            raw = f"error: {message} (declared, but no cell defines it)"
            found.append(Diagnostic("error", message, raw=raw))
        elif re.search(r"\berror:", raw) and not raw.startswith("collect2:"):
            found.append(Diagnostic("error", raw.strip(), raw=raw.strip()))
    # gcc repeats a note for two warnings on one line: keep each message once
    return unique(found, lambda d: (d.severity, d.message, d.cell, d.line))


def unique(diags: Iterable[Diagnostic], key: Callable[[Diagnostic], Hashable]) -> list[Diagnostic]:
    """``diags`` in order, without those whose ``key`` came before (compilers repeat themselves)."""
    seen: set[Hashable] = set()
    kept: list[Diagnostic] = []
    for diag in diags:
        if (k := key(diag)) not in seen:
            seen.add(k)
            kept.append(diag)
    return kept


def header(diag: Diagnostic) -> str:
    if diag.cell is not None and diag.line is not None:
        return f"{cell_position(diag.cell, diag.line)}: {diag.severity}: {diag.message}"
    return diag.raw or f"{diag.severity}: {diag.message}"


def excerpt(diag: Diagnostic, sources: Mapping[int, Sequence[str]]) -> list[str]:
    """The source line a diagnostic points at, and a caret under its column."""
    if diag.cell is None or diag.line is None:
        return []
    lines = sources.get(diag.cell)
    if lines is None or not 1 <= diag.line <= len(lines):
        return []
    text = lines[diag.line - 1].rstrip()
    shown = [f"    {text}"]
    if diag.column:
        # Compilers count bytes (gcc cannot read a "Cell In[N]" file to count characters).
        before = text.encode("utf-8")[: diag.column - 1].decode("utf-8", "ignore")
        pad = "".join(c if c == "\t" else " " for c in before)
        shown.append(f"    {pad}^")
    return shown


def describe(diags: Iterable[Diagnostic], sources: Mapping[int, Sequence[str]]) -> list[str]:
    """Each diagnostic as its header line, source line and caret."""
    lines: list[str] = []
    for diag in diags:
        lines.append(header(diag))
        lines.extend(excerpt(diag, sources))
    return lines


def compile_error(
    diagnostics: Sequence[Diagnostic], output: str, sources: Mapping[int, Sequence[str]]
) -> CompileError:
    """The CompileError for a failed build: evalue the first error, traceback every error with context."""
    errors = [d for d in diagnostics if d.severity == "error"]
    if not errors:
        text = [line for line in output.splitlines() if line.strip()]
        first = next((line for line in text if "error" in line), text[0] if text else "")
        return CompileError(first or "the compiler failed without a message", text)
    shown = [d for d in diagnostics if d.severity in ("error", "note") and (d.cell or d in errors)]
    shown = shown[shown.index(errors[0]) :]
    body = describe(shown[:SHOWN], sources)
    if len(shown) > SHOWN:
        body.append(f"... and {len(shown) - SHOWN} more")
    return CompileError(header(errors[0]), body[1:])

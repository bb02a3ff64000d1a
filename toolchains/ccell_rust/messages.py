"""What rustc and a Rust program say, mapped back to cells.

rustc's ``--error-format=json`` gives one JSON object per diagnostic: level, message, code, spans
(file, line, 1-based column in characters, label, the macro expansion it came from) and children
(notes and help). Rust has no line directives, so a span's line in ``main.rs`` goes through
``Program.origin``; a diagnostic in generated code keeps rustc's own words.

At run time a panic prints ``thread 'main' panicked at main.rs:7:5``: ``stderr_rewriter`` turns
such locations into ``Cell In[N], line M``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from ccellkernel.api.memory import Fragment
from ccellkernel.api.program import Diagnostic, Program, cell_position
from ccellkernel.toolkit.diagnostics import unique

SOURCE = "main.rs"
# rustc's closing remarks, not diagnostics of the program.
_SUMMARY = re.compile(r"aborting due to|\d+ warnings? emitted|warning emitted|\d+ errors? emitted")
# `main.rs:7:5` as a panic, a backtrace or `dbg!` prints it (older `dbg!`: `main.rs:7`): bare, `./`,
# `src/` or a full path.
_LOCATION = re.compile(r"(?<![\w.-])(?:\./|src/|/[^\s:]*/)?main\.rs:(\d+)(?::\d+)?")


def parse_json(output: str, program: Program, source: str) -> tuple[list[Diagnostic], str]:
    """The diagnostics in rustc's JSON output, and its human-readable text (``rendered``)."""
    lines = program.text.split("\n")
    found: list[Diagnostic] = []
    rendered: list[str] = []
    for raw in output.splitlines():
        message = _json(raw)
        if message is None:
            if raw.strip():
                rendered.append(raw + "\n")
            continue
        if message.get("$message_type", "diagnostic") != "diagnostic":
            continue  # artifact notifications and the like
        rendered.append(str(message.get("rendered") or ""))
        found.extend(_convert(message, program, lines, source))
    return unique(found, lambda d: (d.severity, d.message, d.cell, d.line, d.raw)), "".join(rendered)


_NOT_DEBUG = re.compile(r"`(?P<type>.+)` doesn't implement `(?:std::fmt::|core::fmt::)?Debug`")


def explain_value(found: list[Diagnostic], value: Fragment) -> list[Diagnostic]:
    """A tail expression that cannot be shown as Out[n] said so, at the expression, in one error.

    rustc reports it at the wrapper (generated code) or at the expression."""
    for diag in found:
        match = _NOT_DEBUG.search(diag.message)
        at_value = diag.cell is None or (diag.cell, diag.line) == (value.cell, value.line)
        if diag.severity == "error" and match and at_value:
            message = (
                f"the value of this expression cannot be shown as Out[n]: `{match.group('type')}` does not "
                "implement Debug; add #[derive(Debug)] to its type, or end the line with ;"
            )
            said = Diagnostic("error", message, value.cell, value.line, value.column + 1)
            return [said, *(d for d in found if d is not diag and d.severity != "note")]
    return found


def _json(raw: str) -> dict[str, Any] | None:
    if not raw.startswith("{"):
        return None
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    return message if isinstance(message, dict) and "level" in message else None


def _convert(
    message: dict[str, Any], program: Program, lines: list[str], source: str
) -> Iterator[Diagnostic]:
    level = str(message.get("level", ""))
    text = str(message.get("message", ""))
    if not level.startswith(("error", "warning")) or _SUMMARY.match(text):
        return  # failure-note ("For more information..."), the summary lines
    severity = "error" if level.startswith("error") else "warning"
    spans = [s for s in message.get("spans") or [] if isinstance(s, dict)]
    primary = next((s for s in spans if s.get("is_primary")), spans[0] if spans else None)
    where = _in_source(primary, source)
    label = str(where.get("label") or "") if where is not None else ""
    if where is None or program.origin(int(where.get("line_start") or 0)) is None:
        # In generated code (an unclosed `{` of a cell is reported at the end of main): the
        # first place rustc points at in a cell says where the problem is.
        cell_spans = [s for s in spans if s.get("label") and _in_cell(s, program, source)]
        if cell_spans:
            where, label = cell_spans[0], ""
    if label and not _says_the_same(label, text):
        text = f"{text}: {label}"
    if level.startswith("error") and where is None:
        text += _linker_detail(message.get("children") or [])
    code = (message.get("code") or {}).get("code")
    tag = f"{severity}[{code}]" if code else severity
    diag = _diagnostic(severity, text, where, program, lines)
    if diag.cell is None:  # generated code, or no place at all: rustc's own words
        at = f" --> {SOURCE}:{where['line_start']}:{where['column_start']}" if where is not None else ""
        diag = Diagnostic(severity, text, raw=f"{tag}: {text}{at}")
    else:  # rustc's words, with its advice (whether it suggests an import tells a missing `use`)
        advice = [str(c.get("message", "")) for c in message.get("children") or [] if isinstance(c, dict)]
        advice += [f"called: {callee}" for span in spans if (callee := _callee(span))]
        diag = replace(diag, raw="\n".join([f"{tag}: {text}", *(f"= {a}" for a in advice if a)]))
    yield diag
    if severity != "error":
        return  # the session shows a warning's own line only
    for span in spans:
        if span is not primary and span is not where and _in_cell(span, program, source):
            if where is None or span.get("line_start") != where.get("line_start"):
                yield _diagnostic("note", str(span["label"]), span, program, lines)
    for child in message.get("children") or []:
        if not isinstance(child, dict):
            continue
        child_spans = [s for s in child.get("spans") or [] if isinstance(s, dict)]
        span = next((s for s in child_spans if s.get("is_primary")), child_spans[0] if child_spans else None)
        span = _in_source(span, source)
        if span is None:
            continue
        text, elsewhere = _child_text(child, span)
        # A suggestion to add a line (a `use` at the top of the crate) is shown at the error.
        yield _diagnostic("note", text, where if elsewhere else span, program, lines)


def _callee(span: dict[str, Any]) -> str:
    """The function a call's arguments do not fit (``Color::from``), from the span rustc labels so."""
    if span.get("label") != "arguments to this function are incorrect":
        return ""
    lines = span.get("text") or []
    if len(lines) != 1 or not isinstance(lines[0], dict):
        return ""
    line = lines[0]
    start, end = int(line.get("highlight_start") or 0), int(line.get("highlight_end") or 0)
    return str(line.get("text", ""))[start - 1 : end - 1] if 0 < start < end else ""


def _in_source(span: dict[str, Any] | None, source: str) -> dict[str, Any] | None:
    """``span``, or the macro call it was expanded from, in the program's own file (None if not)."""
    while span is not None:
        if span.get("file_name") in (SOURCE, source):
            return span
        expansion = span.get("expansion")
        span = expansion.get("span") if isinstance(expansion, dict) else None
    return None


def _in_cell(span: dict[str, Any], program: Program, source: str) -> bool:
    """Whether ``span`` is a labelled place in the program's own file that came from a cell."""
    return (
        bool(span.get("label"))
        and span.get("file_name") in (SOURCE, source)
        and program.origin(int(span.get("line_start") or 0)) is not None
    )


_LINKER_ERROR = re.compile(r"\berror\b|cannot find|undefined reference|multiple definition")


def _linker_detail(children: list[Any]) -> str:
    """For ``linking with `cc` failed``: the linker's own first complaint, from rustc's notes."""
    for child in children:
        for line in str(child.get("message", "") if isinstance(child, dict) else "").splitlines():
            line = line.strip()
            if _LINKER_ERROR.search(line) and not line.startswith(('"', "collect2")):
                return f": {line}"
    return ""


def _says_the_same(label: str, message: str) -> bool:
    return label == message or (label.endswith("in this scope") and message.endswith("in this scope"))


def _child_text(child: dict[str, Any], span: dict[str, Any]) -> tuple[str, bool]:
    """A note's text (with rustc's suggestion), and whether the suggestion adds lines elsewhere."""
    text = str(child.get("message", ""))
    replacement = span.get("suggested_replacement")
    if not isinstance(replacement, str) or not replacement.strip():
        return text, False
    lines = [line.strip() for line in replacement.strip().splitlines()]
    return f"{text}: `{lines[0]}`" + (" ..." if len(lines) > 1 else ""), "\n" in replacement


def _diagnostic(
    severity: str, text: str, span: dict[str, Any] | None, program: Program, lines: list[str]
) -> Diagnostic:
    if span is None:
        return Diagnostic(severity, text)
    line = int(span.get("line_start") or 0)
    column = int(span.get("column_start") or 0)
    origin = program.origin(line)
    if origin is None:
        return Diagnostic(severity, text)
    # rustc counts characters; the caret (ccellkernel.toolkit.diagnostics.excerpt) counts bytes.
    before = lines[line - 1][: max(0, column - 1)] if line <= len(lines) else ""
    return Diagnostic(severity, text, origin.cell, origin.line, len(before.encode("utf-8")) + 1)


def stderr_rewriter(program: Program) -> Callable[[str], str]:
    """Turns ``main.rs:7:5`` in a program's stderr into ``Cell In[N], line M`` where line 7 came from,
    and keeps only the frames of a panic's backtrace that are in cells (``Backtrace``)."""

    def place(match: re.Match[str]) -> str:
        origin = program.origin(int(match.group(1)))
        if origin is None:
            return match.group(0)
        return cell_position(origin.cell, origin.line)

    backtrace = Backtrace()
    return lambda text: backtrace(_LOCATION.sub(place, text))


_FRAME = re.compile(r"^\s*\d+: (?P<name>.+)$")
_AT = re.compile(r"^\s+at (?P<place>.+)$")
_CELL_PLACE = re.compile(r"Cell In\[\d+\], line \d+")
_OMITTED = "note: Some details are omitted"


class Backtrace:
    """A panic's ``stack backtrace:`` with only the frames in cells, numbered again from 0.

    Text comes in whole lines, in pieces; a frame's name line waits for the ``at`` line after it.
    The standard library's frames, and Rust's note that some were omitted, are dropped.
    """

    def __init__(self) -> None:
        self._inside = False
        self._name: str | None = None
        self._count = 0

    def __call__(self, text: str) -> str:
        kept: list[str] = []
        for line in text.splitlines(keepends=True):
            bare = line.rstrip("\n")
            if bare == "stack backtrace:":
                self._inside, self._name, self._count = True, None, 0
                kept.append(line)
                continue
            if not self._inside:
                kept.append(line)
                continue
            frame, at = _FRAME.match(bare), _AT.match(bare)
            if frame:
                self._name = frame.group("name")
            elif at:
                if self._name is not None and _CELL_PLACE.search(at.group("place")):
                    kept.append(f"{self._count:4}: {self._name}\n             at {at.group('place')}\n")
                    self._count += 1
                self._name = None
            elif bare.startswith(_OMITTED):
                continue
            else:  # the backtrace is over
                self._inside, self._name = False, None
                kept.append(line)
        return "".join(kept)

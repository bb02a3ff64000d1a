"""The display side channel: how a compiled program shows rich output and its last value.

A program the kernel runs gets two more pipes besides stdout and stderr: the channel, whose file
descriptor is in the environment variable ``CCELL_DISPLAY_FD``, and its acknowledgements, in
``CCELL_DISPLAY_ACK``. The language bindings (C ``<ccell.h>``, Go ``ccellkernel/display``, Rust crate
``ccell``, and any plugin's own) write *frames* to the channel. Nothing the program prints on stdout or
stderr can become a display, so a magic string cannot forge one. Without the variables (a program run
by hand) the bindings do nothing.

A frame is a fixed 16-byte header, then the MIME type, the display id and the data::

    offset  size  field
    0       4     magic b"CCD1"
    4       1     kind: 1 display, 2 update, 3 clear, 4 result (the cell's Out[n]), 5 crash report,
                  6 test outcome (id: the test's name; data: its status line, then its output),
                  7 answer of the live program's host to a command (id: ok, error, exit...)
    5       1     flags: for clear, bit 0 = wait until new output arrives; for display, update and
                  result, bit 1 (``PART``) = another MIME type of the same display follows
    6       2     length of the MIME type (little-endian), at most 255
    8       2     length of the display id, at most 1024
    10      2     reserved, 0
    12      4     length of the data (little-endian), at most ``MAX_FRAME``
    16      ...   MIME type (ASCII), display id (UTF-8), data (bytes)

Order with stdout and stderr: a binding flushes the program's own stdio buffers before it writes a
frame, so whatever the program printed before the display is already in the stdout/stderr pipes when
the frame arrives. The runner drains those pipes before it sends the display (``run/runner.py``), then
writes one byte to the acknowledgement pipe; the binding waits for that byte before it returns, so
nothing the program prints after the display can overtake it. (Reading end-of-file there means the
kernel stopped reading frames: the binding stops waiting.) A crash report is not acknowledged.

Text MIME types (``text/*``, ``image/svg+xml``, JSON and XML types) are sent as text; any other type is
binary and sent base64-encoded, as Jupyter wants. JSON types must hold valid JSON.

One display may carry several MIME types (HTML and the text beside it, as Rust's evcxr convention
gives them): each but the last of its frames has the ``PART`` flag, and the reader delivers the last
with the types of the parts before it. A ``text/plain`` a part gives wins over the words below.

Every picture (``image/*``) and markup display (HTML, Markdown, LaTeX) gets a ``text/plain`` beside
it (``words_for``; other types go as the program sent them), so that what
cannot show it (an untrusted notebook, ``jupyter console``, ``nbconvert --to markdown``) shows
something: an image's kind and size (``<SVG image, 260x120>``, ``<PNG image, 640x480>``, written with a
multiplication sign), HTML's text,
and for anything else, or an image whose size cannot be read, its MIME type and length
(``<image/png, 1234 bytes>``).

A malformed frame (bad magic, lengths out of range) ends the channel for the rest of the run with one
notice; a frame over ``MAX_FRAME`` is skipped with a notice and the channel stays in step; past
``MAX_DISPLAYS`` displays or ``MAX_BYTES`` bytes in one run, the rest are dropped with one notice.
"""

from __future__ import annotations

import base64
import html
import json
import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

MAGIC = b"CCD1"
HEADER = struct.Struct("<4sBBHHHI")
MAX_MIME = 255
MAX_ID = 1024
MAX_FRAME = 64 * 1024 * 1024  # bytes of data in one frame
MAX_DISPLAYS = 50_000  # frames in one run
MAX_BYTES = 256 * 1024 * 1024  # bytes of frames in one run
ENV = "CCELL_DISPLAY_FD"
ACK_ENV = "CCELL_DISPLAY_ACK"

DISPLAY, UPDATE, CLEAR, RESULT, CRASH, TEST, ANSWER = 1, 2, 3, 4, 5, 6, 7
WAIT, PART = 1, 2  # flags: a clear's, a display's with more MIME types to come
KINDS = {
    DISPLAY: "display",
    UPDATE: "update",
    CLEAR: "clear",
    RESULT: "result",
    CRASH: "crash",
    TEST: "test",
    ANSWER: "answer",
}


@dataclass(frozen=True)
class Display:
    """One frame, decoded: what the kernel sends to the notebook.

    ``kind`` is ``display``, ``update``, ``clear``, ``result`` or ``crash``. ``data`` is the Jupyter
    MIME bundle (values already base64 or parsed JSON where Jupyter wants that); ``raw`` is the frame's
    data as sent (a crash report is given to the toolchain as it is).
    """

    kind: str
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    display_id: str = ""
    wait: bool = False
    raw: bytes = b""

    @property
    def acknowledged(self) -> bool:
        """Whether the binding waits for this frame to be taken (all but crash reports)."""
        return self.kind != "crash"


def is_text(mime: str) -> bool:
    """Whether Jupyter carries ``mime`` as a string (else: base64 of the bytes)."""
    base = mime.split(";", 1)[0].strip().lower()
    return (
        base.startswith("text/")
        or base in ("image/svg+xml", "application/javascript", "application/xml")
        or base.endswith(("+json", "+xml", "/json"))
    )


def bundle(mime: str, data: bytes) -> tuple[dict[str, Any], str | None]:
    """The MIME bundle for one display (with a ``text/plain`` beside it), and a problem to tell the
    user about (None if fine)."""
    base = mime.split(";", 1)[0].strip().lower()
    if not is_text(mime):
        return _with_words({mime: base64.b64encode(data).decode("ascii")}, base, data, None), None
    text = data.decode("utf-8", "replace").replace("\x00", "\ufffd")
    if base.endswith("json"):
        try:
            return {mime: json.loads(text)}, None
        except ValueError as err:
            return {"text/plain": text}, f"the {mime} display is not valid JSON ({err}); shown as text"
    return _with_words({mime: text}, base, data, text), None


def _with_words(found: dict[str, Any], base: str, data: bytes, text: str | None) -> dict[str, Any]:
    """``found`` with a ``text/plain`` beside it when it is a picture or markup (not when it has one)."""
    if "text/plain" in found or not (base.startswith("image/") or base in DESCRIBED):
        return found
    return {**found, "text/plain": words_for(base, data, text)}


DESCRIBED = frozenset({"text/html", "application/xhtml+xml", "text/markdown", "text/latex"})  # and image/*
PLAIN_MAX = 500  # characters of an HTML display's text in its text/plain
_PNG = b"\x89PNG\r\n\x1a\n"
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(['\"])(.*?)\2", re.DOTALL)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")  # a width in px (or no unit); "100%" is none
_NOT_SHOWN = re.compile(r"<(script|style|head|title)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>|<!--.*?-->", re.DOTALL)
_BREAK = re.compile(r"<(br|/p|/div|/tr|/li|/h[1-6]|/table|hr)\b[^>]*>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)


def words_for(mime: str, data: bytes, text: str | None = None) -> str:
    """The ``text/plain`` of a display of type ``mime`` (its base, lower case): see the module's
    docstring. Never raises, whatever ``data`` holds."""
    if mime == "image/png":
        size = _png_size(data)
        if size is not None:
            return f"<PNG image, {size[0]}×{size[1]}>"
    elif mime == "image/svg+xml":
        size = _svg_size(text if text is not None else data.decode("utf-8", "replace"))
        return f"<SVG image, {size[0]}×{size[1]}>" if size else "<SVG image>"
    elif mime in ("text/html", "application/xhtml+xml") and text is not None:
        words = html_text(text)
        if words:
            return words
    elif mime in ("text/markdown", "text/latex") and text is not None and text.strip():
        return text  # their source reads well as it is
    return f"<{mime}, {len(data)} bytes>"


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk, or None if ``data`` is not a PNG."""
    if len(data) < 24 or not data.startswith(_PNG) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return (width, height) if width and height else None


def _svg_size(text: str) -> tuple[str, str] | None:
    """The root ``<svg>``'s width and height (units dropped: px), else its viewBox's; None if neither."""
    tag = _SVG_TAG.search(text)
    if tag is None:
        return None
    found = _ATTRIBUTE.findall(tag.group(0))
    attributes = {name.lower(): value for name, _, value in found}
    width, height = (_LENGTH.match(attributes.get(k, "")) for k in ("width", "height"))
    if width and height:
        return _plain_number(width.group(1)), _plain_number(height.group(1))
    box = attributes.get("viewbox", "").replace(",", " ").split()
    if len(box) == 4 and all(re.fullmatch(r"-?[0-9]*\.?[0-9]+", v) for v in box):
        return _plain_number(box[2]), _plain_number(box[3])
    return None


def _plain_number(text: str) -> str:
    value = float(text)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def html_text(markup: str, limit: int = PLAIN_MAX) -> str:
    """What HTML shows as text: tags gone (a table's cells apart, its rows and blocks on lines of
    their own), entities unescaped, blank runs closed up, cut at ``limit`` characters with "…"."""
    text = _NOT_SHOWN.sub("", markup)
    text = _BREAK.sub("\n", text)
    text = _CELL_END.sub(" ", text)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = "\n".join(line for line in lines if line)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def merged(parts: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One MIME bundle of the bundles of a display's parts, each with the MIME type it was sent as:
    a later part of a type replaces an earlier one, and a ``text/plain`` sent as such wins over the
    words made for a picture or markup."""
    data: dict[str, Any] = {}
    words: dict[str, Any] = {}
    for mime, part in parts:
        sent_plain = mime.split(";", 1)[0].strip().lower() == "text/plain"
        for key, value in part.items():
            if key == "text/plain" and not sent_plain:
                words.setdefault(key, value)
            else:
                data[key] = value
    return {**data, **{key: value for key, value in words.items() if key not in data}}


def frame(kind: int, mime: str = "", data: bytes = b"", display_id: str = "", flags: int = 0) -> bytes:
    """One frame as a binding writes it (for tests and for Python-side writers)."""
    mime_b, id_b = mime.encode("ascii"), display_id.encode("utf-8")
    return HEADER.pack(MAGIC, kind, flags, len(mime_b), len(id_b), 0, len(data)) + mime_b + id_b + data


class FrameReader:
    """Turns the channel's bytes into ``Display`` values, robust against whatever a program writes.

    ``feed`` takes bytes as they are read and returns the displays completed by them. Problems are
    reported once each through ``notice`` (text for the cell's stderr).
    """

    def __init__(self, notice: Callable[[str], None]) -> None:
        self._notice = notice
        self._buffer = bytearray()
        self._skip = 0  # data bytes of an oversized frame still to be thrown away
        self._acks = 0  # frames taken whose binding waits for an acknowledgement
        self.broken = False
        self._frames = 0
        self._bytes = 0
        self._full = False
        self._parts: list[tuple[str, dict[str, Any]]] = []  # of a display whose last part is to come

    def take_acks(self) -> int:
        """How many acknowledgements are owed since the last call (one per frame taken)."""
        owed, self._acks = self._acks, 0
        return owed

    def feed(self, data: bytes) -> list[Display]:
        if self.broken or not data:
            return []
        self._bytes += len(data)
        if self._skip:
            dropped = min(self._skip, len(data))
            self._skip -= dropped
            data = data[dropped:]
            if not self._skip:
                self._acks += 1
        self._buffer += data
        found: list[Display] = []
        while len(self._buffer) >= HEADER.size and not self.broken:
            magic, kind, flags, mime_len, id_len, _, size = HEADER.unpack_from(self._buffer)
            if magic != MAGIC or kind not in KINDS or mime_len > MAX_MIME or id_len > MAX_ID:
                self._break("a malformed frame")
                break
            start = HEADER.size + mime_len + id_len
            if size > MAX_FRAME:
                if len(self._buffer) < start:
                    break
                self._notice(
                    f"[ccellkernel: a display of {size / 1e6:.1f} MB is over the limit of "
                    f"{MAX_FRAME / 1e6:.0f} MB; it was dropped]\n"
                )
                kept = len(self._buffer) - start
                self._skip = size - kept
                del self._buffer[:]
                if not self._skip:
                    self._acks += 1
                continue
            if len(self._buffer) < start + size:
                break
            raw = bytes(self._buffer[: start + size])
            del self._buffer[: start + size]
            if kind != CRASH:
                self._acks += 1
            display = self._decode(
                kind,
                flags,
                raw[HEADER.size : HEADER.size + mime_len],
                raw[HEADER.size + mime_len : start],
                raw[start:],
            )
            if display is not None:
                found.append(display)
        return found

    def _decode(self, kind: int, flags: int, mime_b: bytes, id_b: bytes, data: bytes) -> Display | None:
        self._frames += 1
        if (self._frames > MAX_DISPLAYS or self._bytes > MAX_BYTES) and kind not in (CRASH, TEST, ANSWER):
            if not self._full:
                self._full = True
                self._notice(
                    f"[ccellkernel: more than {MAX_DISPLAYS} displays or {MAX_BYTES // 2**20} MiB of "
                    "them in one run; the rest are dropped]\n"
                )
            return None
        try:
            mime = mime_b.decode("ascii")
        except UnicodeDecodeError:
            self._break("a frame whose MIME type is not ASCII")
            return None
        display_id = id_b.decode("utf-8", "replace")
        name = KINDS[kind]
        if kind == CLEAR:
            return Display(name, wait=bool(flags & WAIT))
        if kind in (CRASH, TEST, ANSWER):
            return Display(name, display_id=display_id, raw=data)
        if (kind == UPDATE and not display_id) or not mime:
            what = "a display without a MIME type" if mime else "an update without a display id"
            self._notice(f"[ccellkernel: {what} was dropped]\n")
            if not flags & PART:
                self._parts = []  # with the parts before it
            return None
        data_bundle, problem = bundle(mime, data)
        if problem:
            self._notice(f"[ccellkernel: {problem}]\n")
        self._parts.append((mime, data_bundle))
        if flags & PART:
            return None
        parts, self._parts = self._parts, []
        return Display(name, MappingProxyType(merged(parts)), display_id)

    def _break(self, what: str) -> None:
        self.broken = True
        self._buffer.clear()
        self._notice(
            f"[ccellkernel: the display channel got {what}; the rest of this run's displays are ignored]\n"
        )

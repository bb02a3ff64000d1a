"""The display side channel (ccellkernel/api/display.py): frames in, displays out, and what a program
can do wrong with it. Then the runner with real processes writing frames (a Python program stands in
for a compiled one): order with stdout, a closed channel, garbage, floods, a 5 MB PNG."""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import textwrap
from pathlib import Path

import pytest

from ccellkernel.api import display
from ccellkernel.api.display import CLEAR, CRASH, DISPLAY, PART, RESULT, UPDATE, FrameReader, frame
from ccellkernel.run.output import OutputBuffer
from ccellkernel.run.processes import Supervisor
from ccellkernel.run.runner import Execution, run_program


def reader() -> tuple[FrameReader, list[str]]:
    notices: list[str] = []
    return FrameReader(notices.append), notices


def test_a_frame_becomes_a_display():
    frames, notices = reader()
    [item] = frames.feed(frame(DISPLAY, "text/html", b"<b>x</b>"))
    expected = {"text/html": "<b>x</b>", "text/plain": "x"}
    assert (item.kind, dict(item.data), item.display_id) == ("display", expected, "")
    assert notices == [] and frames.take_acks() == 1


def test_parts_make_one_display_of_several_types():
    frames, notices = reader()
    html = frame(DISPLAY, "text/html", b"<b>x</b>", flags=PART)
    found = frames.feed(html + frame(DISPLAY, "text/plain", b"plain x"))
    assert [dict(d.data) for d in found] == [{"text/html": "<b>x</b>", "text/plain": "plain x"}]
    # without a text/plain part, the HTML's words; every part is acknowledged
    found = frames.feed(html + frame(DISPLAY, "image/svg+xml", b"<svg/>"))
    assert dict(found[0].data) == {"text/html": "<b>x</b>", "text/plain": "x", "image/svg+xml": "<svg/>"}
    assert frames.take_acks() == 4 and notices == []
    # a dropped display drops its parts: the next display is alone
    found = frames.feed(html + frame(UPDATE, "text/plain", b"?") + frame(DISPLAY, "text/plain", b"y"))
    assert [dict(d.data) for d in found] == [{"text/plain": "y"}] and len(notices) == 1


def png_header(width: int, height: int) -> bytes:
    size = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + size + b"\x08\x06"


@pytest.mark.parametrize(
    ("mime", "data", "words"),
    [
        ("image/svg+xml", b"<svg xmlns='x' width='260' height='120px'></svg>", "<SVG image, 260×120>"),
        ("image/svg+xml", b'<?xml version="1.0"?>\n<svg viewBox="0 0 64 48.5"/>', "<SVG image, 64×48.5>"),
        ("image/svg+xml", b"<svg width='100%'></svg>", "<SVG image>"),
        ("image/png", png_header(640, 480) + b"rest", "<PNG image, 640×480>"),
        ("image/png", b"\x00not a png" * 100 + b"1234", "<image/png, 1004 bytes>"),  # bad input
        ("image/png", b"", "<image/png, 0 bytes>"),
        ("image/jpeg", b"\xff\xd8" * 5, "<image/jpeg, 10 bytes>"),
        (
            "text/html",
            b"<style>b {}</style><table><tr><th>n</th><th>n&sup2;</th></tr><tr><td>2</td><td>4</td></tr>"
            b"</table><p>Tom &amp; Jerry</p><script>alert(1)</script>",
            "n n²\n2 4\nTom & Jerry",
        ),
        ("text/html", b"<img src='x.png'>", "<text/html, 17 bytes>"),  # no text
        ("text/markdown", b"*md*", "*md*"),
    ],
)
def test_every_picture_has_words(mime: str, data: bytes, words: str) -> None:
    """Issue 17: a text/plain beside each picture and markup, for frontends that cannot show them."""
    bundle, problem = display.bundle(mime, data)
    assert problem is None and bundle["text/plain"] == words
    assert mime in bundle


def test_long_html_is_shortened_and_other_types_go_as_sent() -> None:
    long = display.bundle("text/html", b"<p>" + b"word " * 400 + b"</p>")[0]["text/plain"]
    assert len(long) == display.PLAIN_MAX and long.endswith("…")
    assert display.bundle("text/plain", b"mine")[0] == {"text/plain": "mine"}
    assert display.bundle("text/csv", b"a,b\n")[0] == {"text/csv": "a,b\n"}
    assert display.bundle("application/json", b"{}")[0] == {"application/json": {}}


def test_frames_split_anywhere_and_joined():
    frames, _ = reader()
    data = (
        frame(DISPLAY, "text/plain", b"one")
        + frame(UPDATE, "text/plain", b"two", "id")
        + frame(CLEAR, flags=1)
    )
    found = [d for i in range(len(data)) for d in frames.feed(data[i : i + 1])]
    assert [(d.kind, d.display_id, d.wait) for d in found] == [
        ("display", "", False),
        ("update", "id", False),
        ("clear", "", True),
    ]
    assert frames.take_acks() == 3


def test_binary_is_base64_json_is_parsed_unknown_types_are_sent():
    frames, notices = reader()
    png = bytes(range(256))
    [image, data, other] = frames.feed(
        frame(DISPLAY, "image/png", png)
        + frame(DISPLAY, "application/json", b'{"a": [1, 2]}')
        + frame(DISPLAY, "application/x-unknown", b"\x00\x01")
    )
    assert base64.b64decode(image.data["image/png"]) == png
    assert data.data["application/json"] == {"a": [1, 2]}
    assert base64.b64decode(other.data["application/x-unknown"]) == b"\x00\x01"
    assert notices == []


def test_invalid_json_is_shown_as_text_with_a_notice():
    frames, notices = reader()
    [item] = frames.feed(frame(DISPLAY, "application/json", b"{not json"))
    assert dict(item.data) == {"text/plain": "{not json"}
    assert len(notices) == 1 and "not valid JSON" in notices[0]


def test_bad_utf8_in_text_is_replaced():
    frames, _ = reader()
    [item] = frames.feed(frame(DISPLAY, "text/plain", b"a\xff\x00b"))
    assert item.data["text/plain"] == "a\ufffd\ufffdb"


def test_garbage_breaks_the_channel_once():
    frames, notices = reader()
    assert frames.feed(b"this is not a frame at all, just text someone wrote\n") == []
    assert frames.feed(frame(DISPLAY, "text/html", b"late")) == []
    assert frames.broken and len(notices) == 1 and "malformed" in notices[0]


def test_a_printed_magic_string_is_not_a_display():
    """Only the channel carries frames: the same bytes on stdout are text (see the runner test)."""
    frames, _ = reader()
    assert frames.feed(frame(DISPLAY, "text/html", b"x")[:10]) == []  # incomplete: waits
    assert frames.take_acks() == 0


def test_an_oversized_frame_is_skipped_and_the_channel_stays_in_step(monkeypatch):
    monkeypatch.setattr(display, "MAX_FRAME", 100)
    frames, notices = reader()
    big = frame(DISPLAY, "image/png", b"x" * 1000)
    found = frames.feed(big[:50]) + frames.feed(big[50:]) + frames.feed(frame(DISPLAY, "text/plain", b"ok"))
    assert [dict(d.data) for d in found] == [{"text/plain": "ok"}]
    assert len(notices) == 1 and "over the limit" in notices[0]
    assert frames.take_acks() == 2  # the skipped frame is acknowledged too: its writer goes on


def test_too_many_displays_are_dropped_with_one_notice(monkeypatch):
    monkeypatch.setattr(display, "MAX_DISPLAYS", 5)
    frames, notices = reader()
    found = frames.feed(b"".join(frame(DISPLAY, "text/plain", b"%d" % i) for i in range(8)))
    assert len(found) == 5 and len(notices) == 1
    assert frames.take_acks() == 8


def test_results_tests_and_crashes():
    frames, _ = reader()
    found = frames.feed(
        frame(RESULT, "text/plain", b"49")
        + frame(CRASH, "text/plain", b"pc 0x1")
        + frame(6, "text/plain", b"ok\n", "t")
    )
    assert [(d.kind, d.raw, d.display_id) for d in found] == [
        ("result", b"", ""),
        ("crash", b"pc 0x1", ""),
        ("test", b"ok\n", "t"),
    ]
    assert found[0].data == {"text/plain": "49"}
    assert frames.take_acks() == 2  # a crash report is not acknowledged


def test_lengths_out_of_range_are_malformed():
    frames, _ = reader()
    bad = display.HEADER.pack(display.MAGIC, DISPLAY, 0, 300, 0, 0, 0)  # MIME type longer than 255
    assert frames.feed(bad) == [] and frames.broken


# -- the runner, with real processes ------------------------------------------------------------------

WRITER = """
import os, struct, sys
fd = int(os.environ["CCELL_DISPLAY_FD"]); ack = int(os.environ["CCELL_DISPLAY_ACK"])
def header(kind, mime, id, size):
    return struct.pack("<4sBBHHHI", b"CCD1", kind, 0, len(mime), len(id), 0, size) + mime + id
def send(kind, mime, data, id=b""):
    os.write(fd, header(kind, mime, id, len(data)) + data)
    os.read(ack, 1)
"""


def run(tmp_path: Path, body: str, *, limit: int = 1_000_000) -> tuple[list[tuple[str, object]], int]:
    script = tmp_path / "program.py"
    script.write_text(textwrap.dedent(WRITER) + textwrap.dedent(body))
    events: list[tuple[str, object]] = []
    output = OutputBuffer(lambda name, text: events.append((name, text)), limit)

    async def go() -> int:
        ended = await run_program(
            Execution(supervisor),
            [sys.executable, "-S", str(script)],
            output,
            cwd=tmp_path,
            env=None,
            read_input=None,
            on_display=lambda item: events.append((item.kind, item)),
        )
        return ended.returncode

    supervisor = Supervisor(tmp_path / "supervisor")
    try:
        return events, asyncio.run(go())
    finally:
        supervisor.close()


def texts(events: list[tuple[str, object]]) -> list[str]:
    """Each event as one word: the stream's text, or the display's data."""
    shown = []
    for kind, item in events:
        if isinstance(item, str):
            shown.extend(f"{kind}:{line}" for line in item.splitlines())
        else:
            shown.append(f"{kind}:{json.dumps(dict(item.data))}")  # type: ignore[attr-defined]
    return shown


def test_displays_keep_their_order_with_stdout_and_stderr(tmp_path):
    events, status = run(
        tmp_path,
        """
        for i in range(50):
            os.write(1, b"out %d\\n" % i)
            send(1, b"text/plain", b"%d" % i)
            os.write(2, b"err %d\\n" % i)
        """,
    )
    assert status == 0
    # each stream keeps its order with the displays (two pipes keep no order between themselves)
    shown = texts(events)
    for stream in ("stdout", "stderr"):
        word = "out" if stream == "stdout" else "err"
        mine = [t for t in shown if t.startswith((stream, "display"))]
        assert mine == [
            x
            for i in range(50)
            for x in (
                (f"{stream}:{word} {i}", f'display:{{"text/plain": "{i}"}}')
                if stream == "stdout"
                else (f'display:{{"text/plain": "{i}"}}', f"{stream}:{word} {i}")
            )
        ]


def test_frames_printed_on_stdout_are_text(tmp_path):
    events, _ = run(
        tmp_path,
        """
        sys.stdout.buffer.write(struct.pack("<4sBBHHHI", b"CCD1", 1, 0, 9, 0, 0, 1) + b"text/html" + b"x")
        """,
    )
    assert [kind for kind, _ in events] == ["stdout"]


def test_a_program_that_closes_the_channel_goes_on(tmp_path):
    events, status = run(
        tmp_path,
        """
        os.close(fd)
        try:
            send(1, b"text/plain", b"lost")
        except OSError:
            pass
        print("still here", flush=True)
        """,
    )
    assert status == 0 and texts(events) == ["stdout:still here"]


def test_garbage_on_the_channel_gives_one_notice_and_output_goes_on(tmp_path):
    events, status = run(
        tmp_path,
        """
        os.write(fd, b"garbage garbage garbage")
        print("after", flush=True)
        os.write(fd, b"more garbage")
        """,
    )
    assert status == 0
    notices = [t for k, t in events if k == "stderr" and "malformed" in str(t)]
    assert len(notices) == 1 and ("stdout", "after\n") in events


def test_ten_thousand_displays_in_one_cell(tmp_path):
    events, status = run(tmp_path, 'for i in range(10000):\n    send(1, b"text/plain", b"%d" % i)\n')
    shown = [item.data["text/plain"] for kind, item in events if kind == "display"]  # type: ignore[union-attr]
    assert status == 0 and shown == [str(i) for i in range(10000)]


def test_a_five_megabyte_png(tmp_path):
    events, status = run(tmp_path, 'send(1, b"image/png", bytes(range(256)) * (5 * 4096))\n')
    [(kind, item)] = events
    assert status == 0 and kind == "display"
    assert base64.b64decode(item.data["image/png"]) == bytes(range(256)) * (5 * 4096)  # type: ignore[union-attr]


def test_a_flood_does_not_change_the_output_cap(tmp_path):
    events, status = run(
        tmp_path,
        'for i in range(200):\n    send(1, b"text/plain", b"x" * 10000)\nprint("y" * 5000)\n',
        limit=1000,
    )
    displays = [k for k, _ in events if k == "display"]
    streamed = "".join(str(t) for k, t in events if k == "stdout")
    assert status == 0 and len(displays) == 200
    assert len(streamed) == 1000 and any("output cut" in str(t) for k, t in events if k == "stderr")


@pytest.mark.parametrize("huge", [False, True])
def test_a_writer_that_dies_mid_frame_ends_the_run(tmp_path, huge):
    size = 10**9 if huge else 100
    events, status = run(
        tmp_path,
        f'os.write(fd, header(1, b"text/plain", b"", {size}) + b"partial")\n',
    )
    assert status == 0 and [k for k, _ in events if k == "display"] == []

"""OutputBuffer (CELL_MODEL.md section 7): decoding, order across streams, the output cap."""

from __future__ import annotations

from ccellkernel.output import CHUNK, OutputBuffer


class Sink:
    def __init__(self) -> None:
        self.pieces: list[tuple[str, str]] = []

    def __call__(self, name: str, text: str) -> None:
        self.pieces.append((name, text))

    def text(self, name: str) -> str:
        return "".join(t for n, t in self.pieces if n == name)


def buffer(limit: int = 1_000_000) -> tuple[OutputBuffer, Sink]:
    sink = Sink()
    return OutputBuffer(sink, limit), sink


def test_chunks_of_one_stream_are_gathered():
    out, sink = buffer()
    out.feed("stdout", b"hel")
    out.feed("stdout", b"lo\n")
    assert sink.pieces == []
    out.flush()
    assert sink.pieces == [("stdout", "hello\n")]
    out.flush()
    assert sink.pieces == [("stdout", "hello\n")]


def test_character_split_across_chunks_survives():
    out, sink = buffer()
    data = "héllo €".encode()
    for i in range(len(data)):
        out.feed("stdout", data[i : i + 1])
    out.close()
    assert sink.text("stdout") == "héllo €"


def test_character_split_across_a_flush_survives():
    out, sink = buffer()
    euro = "€".encode()
    out.feed("stdout", b"a" + euro[:1])
    out.flush()
    out.feed("stdout", euro[1:] + b"b")
    out.close()
    assert sink.text("stdout") == "a€b"
    assert "\ufffd" not in sink.text("stdout")


def test_invalid_bytes_become_replacement_characters():
    out, sink = buffer()
    out.feed("stdout", b"a\xffb\xc3(c")
    out.close()
    assert sink.text("stdout") == "a\ufffdb\ufffd(c"


def test_nul_becomes_replacement_character():
    out, sink = buffer()
    out.feed("stderr", b"a\x00b")
    out.close()
    assert sink.pieces == [("stderr", "a\ufffdb")]


def test_switching_stream_flushes_the_other_first():
    out, sink = buffer()
    out.feed("stdout", b"1")
    out.feed("stdout", b"2")
    out.feed("stderr", b"3")
    out.feed("stdout", b"4")
    out.feed("stderr", b"5")
    out.close()
    assert sink.pieces == [("stdout", "12"), ("stderr", "3"), ("stdout", "4"), ("stderr", "5")]


def test_partial_characters_of_two_streams_do_not_mix():
    out, sink = buffer()
    e_acute, euro = "é".encode(), "€".encode()
    out.feed("stdout", e_acute[:1])
    out.feed("stderr", euro[:2])
    out.feed("stdout", e_acute[1:])
    out.feed("stderr", euro[2:])
    out.close()
    assert sink.text("stdout") == "é"
    assert sink.text("stderr") == "€"


def test_a_large_run_is_sent_without_waiting_for_a_flush():
    out, sink = buffer(limit=10 * CHUNK)
    out.feed("stdout", b"x" * (CHUNK + 10))
    assert sink.text("stdout") == "x" * (CHUNK + 10)


def test_close_flushes_a_dangling_partial_character():
    out, sink = buffer()
    out.feed("stdout", b"ok" + "€".encode()[:2])
    out.close()
    assert sink.text("stdout") == "ok\ufffd"


def test_cap_sends_one_notice_and_drops_the_rest():
    limit = 100
    out, sink = buffer(limit)
    data = bytes(ord("a") + i % 26 for i in range(1000))
    for i in range(0, len(data), 30):
        out.feed("stdout", data[i : i + 30])
    out.feed("stderr", b"late error\n")
    out.feed("stdout", b"late output\n")
    out.close()
    kept = sink.text("stdout")
    assert data.decode().startswith(kept)
    assert limit - 4 <= len(kept.encode()) <= limit
    notices = [t for n, t in sink.pieces if "cut" in t]
    assert len(notices) == 1
    assert "late" not in "".join(t for _, t in sink.pieces)
    assert sum(len(t) for _, t in sink.pieces) <= limit + len(notices[0])
    assert out.cut
    assert out.received == len(data) + len(b"late error\n") + len(b"late output\n")


def test_cap_counts_both_streams():
    out, sink = buffer(10)
    out.feed("stdout", b"12345")
    out.feed("stderr", b"67890")
    out.feed("stdout", b"abc")
    out.close()
    assert sink.text("stdout").startswith("12345")
    assert "abc" not in sink.text("stdout")
    assert len([t for _, t in sink.pieces if "cut" in t]) == 1


def test_output_exactly_at_the_limit_is_not_cut():
    out, sink = buffer(10)
    out.feed("stdout", b"0123456789")
    out.close()
    assert sink.pieces == [("stdout", "0123456789")]
    assert not out.cut

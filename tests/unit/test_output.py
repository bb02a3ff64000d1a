"""OutputBuffer (CELL_MODEL.md section 7): decoding, order across streams, the output cap."""

from __future__ import annotations

from ccellkernel.run.output import CHUNK, OutputBuffer


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


def test_a_timed_flush_keeps_an_unfinished_stderr_line_for_one_tick():
    sent: list[tuple[str, str]] = []
    buf = OutputBuffer(
        lambda n, t: sent.append((n, t)), 1000, lambda t: t.replace("In[3]:2", "In[3], line 2")
    )
    buf.feed("stderr", b"panic\n\tccell/Cell In[3]")
    buf.flush(timed=True)
    assert sent == [("stderr", "panic\n")]  # the frame is not finished: kept back
    buf.feed("stderr", b":2 +0xa\n")
    buf.flush(timed=True)
    assert sent[-1] == ("stderr", "\tccell/Cell In[3], line 2 +0xa\n")  # rewritten whole


def test_an_unfinished_stderr_line_waits_at_most_one_tick():
    sent: list[tuple[str, str]] = []
    buf = OutputBuffer(lambda n, t: sent.append((n, t)), 1000, lambda t: t)
    buf.feed("stderr", b"Enter a number: ")
    buf.flush(timed=True)
    assert sent == []
    buf.flush(timed=True)  # nothing new came: it goes now
    assert sent == [("stderr", "Enter a number: ")]
    buf.feed("stderr", b"a")
    buf.flush(timed=True)
    buf.feed("stderr", b"b")
    buf.flush(timed=True)  # held once already: goes with the new text, unfinished or not
    assert sent[-1] == ("stderr", "ab")


def test_switching_streams_or_an_untimed_flush_sends_the_unfinished_line_at_once():
    sent: list[tuple[str, str]] = []
    buf = OutputBuffer(lambda n, t: sent.append((n, t)), 1000, lambda t: t)
    buf.feed("stderr", b"prompt> ")
    buf.flush()  # what the runner does before asking for input
    assert sent == [("stderr", "prompt> ")]
    buf.feed("stderr", b"partial")
    buf.flush(timed=True)
    buf.feed("stdout", b"out\n")
    assert sent[-1] == ("stderr", "partial")


# -- a prompt before input (issue 17) ------------------------------------------------------------------


def test_an_unfinished_line_becomes_the_prompt_when_input_is_asked():
    out, sink = buffer()
    out.prompting = True
    out.feed("stdout", b"first line\nnumber? ")
    out.flush(timed=True)
    assert sink.pieces == [("stdout", "first line\n")], "the unfinished line is kept back"
    assert out.take_prompt() == "number? "
    assert sink.pieces == [("stdout", "first line\n")]
    out.feed("stdout", b"got 21\n")
    out.close()
    assert sink.text("stdout") == "first line\ngot 21\n"


def test_a_prompt_given_back_is_output():
    out, sink = buffer()
    out.prompting = True
    out.feed("stdout", b"number? ")
    out.flush(timed=True)
    out.give_back(out.take_prompt())
    assert sink.text("stdout") == "number? "


def test_an_unfinished_line_is_sent_after_a_while(monkeypatch):
    """Progress dots are output, a moment late, when nothing reads after them."""
    clock = [100.0]
    monkeypatch.setattr("ccellkernel.run.output.time.monotonic", lambda: clock[0])
    out, sink = buffer()
    out.prompting = True
    out.feed("stdout", b"..")
    out.flush(timed=True)
    assert sink.pieces == []
    clock[0] += 0.3
    out.feed("stdout", b"..")
    out.flush(timed=True)
    assert sink.pieces == []
    clock[0] += 0.3
    out.flush(timed=True)
    assert sink.text("stdout") == "...."


def test_without_input_nothing_is_kept_back():
    out, sink = buffer()
    out.feed("stdout", b"number? ")
    out.flush(timed=True)
    assert sink.text("stdout") == "number? "
    assert out.take_prompt() == ""


def test_stderr_in_between_sends_the_unfinished_line():
    out, sink = buffer()
    out.prompting = True
    out.feed("stdout", b"number? ")
    out.flush(timed=True)
    out.feed("stderr", b"warning\n")
    out.flush(timed=True)
    assert sink.pieces == [("stdout", "number? "), ("stderr", "warning\n")]
    assert out.take_prompt() == ""

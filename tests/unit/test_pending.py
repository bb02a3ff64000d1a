"""Pending declarations (CELL_MODEL.md section 4) and the hints of section 5, over the toy toolchain.

``OrderFreeToy`` is order-free: ``def a = @b`` before any ``def b`` waits for ``b``. The real
languages' cases (Go, Rust) are in tests/test_order_free.py.
"""

from __future__ import annotations

import time

import pytest

from ccellkernel.api.errors import CompileError
from ccellkernel.api.memory import Declaration, Fragment, per_cell_keys
from ccellkernel.notebook import pending
from ccellkernel.notebook.session import Session

from .toy import OrderFreeToy, ToyCells, ToyToolchain


@pytest.fixture
def toy(tmp_path):
    session = Session(OrderFreeToy(), cwd=tmp_path)
    yield ToyCells(session)
    session.close()


def stderr_of(cells: ToyCells, code: str) -> str:
    io, err = cells.run(code)
    assert err is None, "\n".join(err.traceback)
    assert io.text() == ""
    return io.text("stderr")


def rows(cells: ToyCells) -> list[str]:
    return cells.session.listing().splitlines()


# -- waiting and joining ------------------------------------------------------------------------------


def test_a_declaration_waits_for_a_name_no_cell_declares_yet(toy):
    assert stderr_of(toy, "def a = @b") == "a waits for: b\n"
    assert toy.keys() == [], "pending is not in the memory"
    assert rows(toy) == ["a  def  Cell In[1]  pending, waits for: b"]
    assert toy.toolchain.runs == [], "nothing ran"


def test_it_joins_once_the_name_is_declared(toy):
    stderr_of(toy, "def a = @b")
    stderr_of(toy, "def z = 0")
    assert stderr_of(toy, "def b = 1") == ""
    assert toy.keys() == ["a", "z", "b"], "a joins where its cell would have put it"
    assert rows(toy)[0] == "a  def  Cell In[1]"
    assert toy.ok("echo @a") == "1\n"
    assert not toy.session.pending


def test_a_cell_that_runs_gets_the_real_error_naming_the_pending_cell(toy):
    stderr_of(toy, "def a = @b")
    err = toy.fails("echo @a")
    assert isinstance(err, CompileError)
    assert err.evalue == "Cell In[1], line 1: error: 'b' is not defined"
    assert err.traceback[-1] == "a (Cell In[1]) is pending: it waits for: b"
    assert "Cell In[2], line 1: error: 'a' is not defined" not in err.traceback, "only the real error"
    assert [p.cell for p in toy.session.pending] == [1], "still pending"


def test_other_errors_are_errors_at_once(toy):
    err = toy.fails("def a = bad @b")
    assert isinstance(err, CompileError)
    assert err.evalue == "Cell In[1], line 1: error: 'bad' is not allowed"
    assert not toy.session.pending and toy.keys() == []


def test_a_cell_with_statements_never_waits(toy):
    err = toy.fails("def a = @b\necho @a")
    assert isinstance(err, CompileError)
    assert "'b' is not defined" in err.evalue
    assert not toy.session.pending


def test_a_language_that_is_not_order_free_has_no_pending(tmp_path):
    session = Session(ToyToolchain(), cwd=tmp_path)
    try:
        cells = ToyCells(session)
        err = cells.fails("def a = @b")
        assert err.evalue == "Cell In[1], line 1: error: 'b' is not defined"
        assert not session.pending
    finally:
        session.close()


def test_rm_forgets_a_pending_declaration(toy):
    stderr_of(toy, "def a = @b\ndef c = @b")
    assert toy.ok("%rm a") == "forgot a\n"
    assert rows(toy) == ["c  def  Cell In[1]  pending, waits for: b"]
    toy.ok("%rm c")
    assert toy.session.listing() == "(nothing remembered)"
    assert stderr_of(toy, "def b = 1") == "" and toy.keys() == ["b"]


def test_reset_forgets_pending_declarations(toy):
    stderr_of(toy, "def a = @b")
    toy.ok("%reset")
    assert not toy.session.pending


def test_redefining_a_pending_declaration_replaces_it(toy):
    stderr_of(toy, "def a = @b")
    assert stderr_of(toy, "def a = 3") == ""
    assert toy.keys() == ["a"] and not toy.session.pending
    assert stderr_of(toy, "def a = @c") == "a waits for: c\n"
    assert toy.ok("echo @a") == "3\n", "the remembered a stays until the new one compiles"
    assert stderr_of(toy, "def c = 4") == ""
    assert toy.ok("echo @a") == "4\n"


def test_what_it_waits_for_arrives_wrong_then_right(toy):
    stderr_of(toy, "def total = @count+")
    before = toy.memory
    err = toy.fails("def count = many")
    assert isinstance(err, CompileError)
    assert err.evalue == "Cell In[1], line 1: error: 'count' is not a number"
    assert err.traceback[-1] == (
        "total (Cell In[1]) was pending, waiting for: count; with Cell In[2] it does not compile. "
        "Fix either cell, or forget it with %rm total"
    )
    assert toy.memory is before and [p.cell for p in toy.session.pending] == [1]
    assert stderr_of(toy, "def count = 12") == ""
    assert toy.ok("echo @total") == "12\n"


def test_a_chain_of_three_pending_cells_joins_at_once(toy):
    assert stderr_of(toy, "def a = @b") == "a waits for: b\n"
    assert stderr_of(toy, "def b = @c") == "b waits for: c\n"
    assert [p.cell for p in toy.session.pending] == [1, 2]
    assert stderr_of(toy, "def c = 7") == ""
    assert toy.keys() == ["a", "b", "c"]
    assert toy.ok("echo @a @b @c") == "7 7 7\n"


def test_a_ready_cell_that_now_misses_another_name_goes_on_waiting(toy):
    # the toy, like Go, names only the first undefined use of a line
    assert stderr_of(toy, "def a = @b @c") == "a waits for: b\n"
    assert stderr_of(toy, "def b = 1") == ""
    assert toy.keys() == ["b"]
    assert rows(toy)[-1] == "a  def  Cell In[1]  pending, waits for: c"
    assert stderr_of(toy, "def c = 2") == ""
    assert toy.ok("echo @a") == "1 2\n"


def test_a_failed_cell_leaves_pending_as_it_was(toy):
    stderr_of(toy, "def a = @b")
    waiting = toy.session.pending
    toy.fails("def b = bad")
    assert toy.session.pending is waiting


def test_two_hundred_pending_cells_end_in_a_clear_error(toy):
    toy.ok("def keep = 1")
    for i in range(pending.MAX_PENDING):
        assert stderr_of(toy, f"def w{i} = @never{i}") == f"w{i} waits for: never{i}\n"
    before = toy.memory
    for i in range(pending.MAX_PENDING, 200):
        err = toy.fails(f"def w{i} = @never{i}")
        assert isinstance(err, CompileError)
        assert err.evalue == f"Cell In[{toy.count}], line 1: error: 'never{i}' is not defined"
        assert err.traceback[-1] == (
            f"Cell In[{toy.count}] cannot wait for never{i}: 100 cells already wait for names no cell "
            "declares (Cell In[2], Cell In[3], Cell In[4], Cell In[5], Cell In[6] and 95 more). "
            "Declare what they wait for, or forget some with %rm (see %list)."
        )
    assert toy.memory is before and toy.keys() == ["keep"]
    start = time.perf_counter()
    listed = toy.ok("%list")
    assert time.perf_counter() - start < 0.5
    assert len(listed.splitlines()) == 101
    assert toy.ok("echo @keep") == "1\n", "everything else works as before"


# -- Go's init: once per cell ----------------------------------------------------------------------------


def test_per_cell_declarations_are_kept_per_cell_and_their_cell_runs(tmp_path):
    session = Session(ToyToolchain(), cwd=tmp_path)
    try:
        cells = ToyCells(session)
        assert cells.ok("init: echo first") == "first\n", "a cell that defines an init runs"
        assert cells.ok("init: echo second") == "first\nsecond\n"
        assert cells.ok("init: echo second") == "first\nsecond\n", "the same text again replaces itself"
        assert [d.kind for d in session.memory] == ["init", "init"]
    finally:
        session.close()


def test_per_cell_keys_use_the_cell_id_when_there_is_one():
    def init(text: str, cell: int = 1) -> Declaration:
        return Declaration(("init",), "func", Fragment(text, cell, 1), per_cell=True)

    plain = Declaration(("f",), "func", Fragment("f", 1, 1))
    first = per_cell_keys([init("a"), plain, init("b")], "cell-1")
    assert [d.keys for d in first] == [(first[0].key,), ("f",), (first[0].key + "#2",)]
    assert first[0].key.startswith("init@") and first[0].names == ("init",)
    again = per_cell_keys([init("changed", 5)], "cell-1")
    assert again[0].key == first[0].key, "the same cell, run again, replaces its init"
    assert per_cell_keys([init("a")], "cell-2")[0].key != first[0].key
    assert per_cell_keys([init("a  ")], None)[0].key == per_cell_keys([init(" a")], None)[0].key
    assert per_cell_keys([init("a")], None)[0].key != per_cell_keys([init("b")], None)[0].key


# -- a statement's local from an earlier cell ---------------------------------------------------------------


def test_a_local_of_an_earlier_cell_gets_one_line_saying_so(toy):
    toy.ok("total=5")
    err = toy.fails("echo @total")
    assert err.evalue == "Cell In[2], line 1: error: 'total' is not defined"
    assert err.traceback[-1] == (
        "total was a local of Cell In[1]: statements run once; declare it at the top of a cell to keep it "
        "(def total = ...)"
    )
    assert sum("was a local" in line for line in err.traceback) == 1


def test_a_local_is_no_forward_reference(toy):
    toy.ok("n=5")
    err = toy.fails("def twice = @n")
    assert "n was a local of Cell In[1]" in err.traceback[-1]
    assert not toy.session.pending


def test_no_hint_for_a_name_no_statement_declared(toy):
    err = toy.fails("echo @nobody")
    assert not any("was a local" in line for line in err.traceback)


def test_the_hint_names_the_last_cell_that_declared_it(toy):
    toy.ok("x=1")
    toy.ok("echo unrelated")
    toy.ok("x=2")
    assert "x was a local of Cell In[3]" in toy.fails("echo @x").traceback[-1]

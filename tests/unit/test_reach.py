"""Which remembered declarations a cell needs (ccellkernel/toolkit/reach.py)."""

from __future__ import annotations

from ccellkernel.api.memory import Declaration, Fragment, Memory
from ccellkernel.toolkit.reach import Node, reachable, signature


def node(defines: str, mentions: str = "", always: bool = False) -> Node:
    return Node(frozenset(defines.split()), frozenset(mentions.split()), always)


def test_what_main_mentions_and_what_that_mentions_is_kept() -> None:
    nodes = [node("f", "g"), node("g", "T"), node("T"), node("h", "f"), node("unused")]
    assert reachable(nodes, ["f"]) == [True, True, True, False, False]


def test_always_needed_nodes_bring_what_they_mention() -> None:
    nodes = [node("init", "setup", always=True), node("setup"), node("other")]
    assert reachable(nodes, []) == [True, True, False]


def test_a_method_stays_with_its_type() -> None:
    # a Go method or a Rust impl "defines" its type's name: needing the type needs it
    nodes = [node("P"), node("P", "helper"), node("helper")]
    assert reachable(nodes, ["P"]) == [True, True, True]
    assert reachable(nodes, []) == [False, False, False]


def test_cycles_end() -> None:
    assert reachable([node("a", "b"), node("b", "a")], ["a"]) == [True, True]


def test_signature_follows_texts_not_cells() -> None:
    one = Memory([Declaration(("f",), "func", Fragment("func f() {}", 3, 1))])
    same = Memory([Declaration(("f",), "func", Fragment("func f() {}", 9, 1))])
    other = Memory([Declaration(("f",), "func", Fragment("func f() { }", 3, 1))])
    assert signature(one) == signature(same) != signature(other)

"""Memory (CELL_MODEL.md section 2): replacing by key, groups, weak declarations, immutability."""

from __future__ import annotations

import pytest

from ccellkernel.api.memory import Declaration, Fragment, Memory


def decl(*keys: str, kind: str = "global", weak: bool = False, cell: int = 1, text: str = "") -> Declaration:
    return Declaration(keys, kind, Fragment(text or " ".join(keys), cell, 1), weak=weak)


def test_merge_adds_in_order():
    memory = Memory().merge([decl("a"), decl("b"), decl("c")])
    assert memory.keys() == ["a", "b", "c"]
    assert len(memory) == 3


def test_same_key_replaces():
    old, new = decl("a", text="int a = 1;"), decl("a", text="int a = 2;", cell=2)
    memory = Memory([old]).merge([new])
    assert list(memory) == [new]
    assert memory.get("a") is new
    assert memory.cells() == {2}


def test_group_is_replaced_whole():
    memory = Memory().merge([decl("a", "b", text="int a = 1, b;")])
    memory = memory.merge([decl("a", text="int a = 5;", cell=2)])
    assert memory.keys() == ["a"]
    assert "b" not in memory
    assert memory.get("b") is None


def test_replacing_by_a_later_key_of_the_group():
    memory = Memory([decl("a", "b")]).merge([decl("b")])
    assert memory.keys() == ["b"]


def test_new_declaration_spanning_two_groups_replaces_both_at_the_first_place():
    memory = Memory([decl("x"), decl("a"), decl("y"), decl("b")])
    memory = memory.merge([decl("a", "b", cell=2)])
    assert [d.keys for d in memory] == [("x",), ("a", "b"), ("y",)]


@pytest.mark.parametrize(
    ("redefined", "expected"),
    [("a", ["a2", "b", "c"]), ("b", ["a", "b2", "c"]), ("c", ["a", "b", "c2"])],
)
def test_redefinition_keeps_its_place(redefined, expected):
    memory = Memory([decl("a"), decl("b"), decl("c")])
    memory = memory.merge([decl(redefined, text=f"{redefined}2")])
    assert [d.fragment.text for d in memory] == expected


def test_weak_never_replaces_a_definition():
    definition = decl("f", kind="function")
    memory = Memory([definition]).merge([decl("f", kind="prototype", weak=True, cell=2)])
    assert list(memory) == [definition]


def test_definition_replaces_weak_in_its_place():
    prototype = decl("f", kind="prototype", weak=True)
    memory = Memory([prototype, decl("g")])
    definition = decl("f", kind="function", cell=2)
    memory = memory.merge([definition])
    assert next(iter(memory)) is definition
    assert memory.keys() == ["f", "g"]


def test_weak_replaces_weak():
    second = decl("f", kind="prototype", weak=True, cell=2)
    memory = Memory([decl("f", kind="prototype", weak=True)]).merge([second])
    assert list(memory) == [second]


@pytest.mark.parametrize("prototype_first", [True, False])
def test_prototype_and_definition_in_one_cell(prototype_first):
    prototype = decl("f", kind="prototype", weak=True)
    definition = decl("f", kind="function")
    pair = [prototype, definition] if prototype_first else [definition, prototype]
    assert list(Memory().merge(pair)) == [definition]


def test_remove_forgets_the_owning_group():
    memory = Memory([decl("a", "b"), decl("c")])
    assert memory.remove(["b"]).keys() == ["c"]
    assert memory.remove(["a", "c"]).keys() == []


def test_missing_lists_unknown_keys_in_order():
    memory = Memory([decl("a"), decl("struct S")])
    assert memory.missing(["zz", "a", "struct S", "struct T"]) == ["zz", "struct T"]
    assert memory.missing([]) == []


def test_merge_and_remove_return_new_memories():
    a = decl("a")
    memory = Memory([a])
    merged = memory.merge([decl("a", cell=2), decl("b")])
    removed = memory.remove(["a"])
    assert merged is not memory and removed is not memory
    assert list(memory) == [a]
    assert memory.keys() == ["a"]
    assert memory.get("a") is a
    assert merged.keys() == ["a", "b"] and removed.keys() == []


def test_memory_is_not_changed_by_the_iterable_it_came_from():
    source = [decl("a")]
    memory = Memory(source)
    source.append(decl("b"))
    assert memory.keys() == ["a"]


def test_lookup():
    memory = Memory([decl("a", "b", cell=3), decl("c", cell=5)])
    assert "b" in memory and "x" not in memory
    assert memory.get("b") is memory.get("a")
    assert memory.keys() == ["a", "b", "c"]
    assert memory.cells() == {3, 5}


def test_declaration_key_and_cell():
    d = Declaration(("a", "b"), "global", Fragment("int a, b;", 4, 2))
    assert (d.key, d.cell) == ("a", 4)


def test_fragment_end_line():
    assert Fragment("one", 1, 5).end_line == 5
    assert Fragment("one\ntwo\nthree", 1, 5).end_line == 7


def test_values_are_frozen():
    d = decl("a")
    with pytest.raises(AttributeError):
        d.kind = "function"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        d.fragment.text = "x"  # type: ignore[misc]

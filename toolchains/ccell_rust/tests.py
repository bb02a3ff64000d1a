"""``%test`` for Rust: the ``#[test]`` functions in memory, top level or in a ``mod`` (``#[cfg(test)]
mod tests``), built with ``rustc --test`` and run by Rust's own test harness, one at a time.

The harness prints ``test NAME ... ok`` (or ``FAILED``, ``ignored``) as each test ends, then, for the
failures, ``---- NAME stdout ----`` and what the test printed and its panic message. A failure is
reported once its message has been read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tree_sitter import Language, Node

from ccellkernel.api.memory import Memory
from ccellkernel.api.program import CellParts
from ccellkernel.api.syntax import node_text, parse
from ccellkernel.api.testing import TestCase, TestOutcome, TestPlan, TestReader

from .render import render

_RESULT = re.compile(r"^test (?P<name>\S+) \.\.\. (?P<word>ok|FAILED|ignored)\b")
_HEADER = re.compile(r"^---- (?P<name>\S+) stdout ----$")


def find(language: Language, memory: Memory) -> list[TestCase]:
    found: list[TestCase] = []
    for decl in memory:
        if decl.kind not in ("fn", "mod") or "test" not in decl.fragment.text:
            continue
        tree = parse(language, decl.fragment.text)
        for name, row in _tests(tree.root_node, ()):
            found.append(TestCase(name, decl.fragment.cell, decl.fragment.line + row))
    return found


def _tests(node: Node, path: tuple[str, ...]) -> list[tuple[str, int]]:
    """``(harness name, row)`` of each ``#[test]`` function under ``node`` (its direct items)."""
    found: list[tuple[str, int]] = []
    attributes: list[str] = []
    for child in node.named_children:
        if child.type == "attribute_item":
            attributes.append(" ".join(node_text(child).split()))
            continue
        if child.type == "function_item" and any(
            a in ("#[test]", "#[::core::prelude::v1::test]") for a in attributes
        ):
            name = node_text(child.child_by_field_name("name"))
            found.append(("::".join([*path, name]), child.child_by_field_name("name").start_point.row))  # type: ignore[union-attr]
        elif child.type == "mod_item":
            body = child.child_by_field_name("body")
            if body is not None:
                found.extend(_tests(body, (*path, node_text(child.child_by_field_name("name")))))
        if child.type not in ("line_comment", "block_comment"):
            attributes = []
    return found


def plan(language: Language, memory: Memory) -> TestPlan:
    cases = find(language, memory)
    program = render(language, memory, CellParts())
    return TestPlan(
        program,
        tuple(cases),
        Reader,
        arguments=("--test-threads=1",),
        environment={"RUST_BACKTRACE": "0"},
    )


class Reader(TestReader):
    def __init__(self) -> None:
        self._partial = ""
        self._failed: list[str] = []
        self._details: dict[str, list[str]] = {}
        self._current: str | None = None

    def feed(self, stream: str, text: str) -> Sequence[TestOutcome]:
        if stream != "stdout":
            if self._current is not None:
                self._details[self._current].append(text.rstrip("\n"))
            return ()
        found: list[TestOutcome] = []
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        for line in lines:
            result = _RESULT.match(line)
            if result:
                name, word = result.group("name"), result.group("word")
                if word == "FAILED":
                    self._failed.append(name)
                else:
                    found.append(TestOutcome(name, True, skipped=word == "ignored"))
                continue
            header = _HEADER.match(line)
            if header:
                self._current = header.group("name")
                self._details[self._current] = []
                continue
            if line.strip() in ("failures:", "successes:") or line.startswith("test result:"):
                self._current = None
                continue
            if self._current is not None and not line.startswith("note: run with `RUST_BACKTRACE"):
                self._details[self._current].append(line)
        return found

    def finish(self, returncode: int) -> Sequence[TestOutcome]:
        return [
            TestOutcome(name, False, "\n".join(self._details.get(name, [])).strip()) for name in self._failed
        ]

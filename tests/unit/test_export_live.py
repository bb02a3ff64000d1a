"""Exporting a live program without running one: which saved cells took effect, what ``main`` runs,
what the README says; over the toy toolchain with a live program that loads nothing (a replay never
loads units), and the C toolchain's rendering of the replay (tree-sitter only, no compiler)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from ccellkernel.api.errors import CompileError
from ccellkernel.api.live import Support
from ccellkernel.api.memory import Declaration, Memory
from ccellkernel.api.plugins import load_toolchain
from ccellkernel.api.program import CellParts, Program
from ccellkernel.api.toolchain import Project
from ccellkernel.live.program import AS_BEFORE, ENDED_BETWEEN_CELLS, EXITED_ZERO, NEW_LIMITS, NOT_RESTORED
from ccellkernel.notebook import export
from ccellkernel.notebook.replay import Replayed, replay, saved_cells
from ccellkernel.notebook.session import Session

from .test_export import ExportingToy, code_cell, error
from .toy import ToyCells


class NoUnits(Support):
    """A live program's support that is never asked to build (the replay builds no units)."""

    def role(self, decl: Declaration) -> str:
        return "data" if decl.kind == "def" else "header"

    def uses(self, decl: Declaration) -> frozenset[str]:
        return decl.uses

    def render_unit(self, request: Any) -> Any:
        raise AssertionError("a replay renders no unit")

    async def build_unit(self, unit: Any, ctx: Any, output: Path) -> Any:
        raise AssertionError("a replay builds no unit")

    async def build_host(self, ctx: Any, source: Path, output: Path) -> Any:
        raise AssertionError("a replay builds no host")

    def identity(self) -> str:
        return "toy"


class LiveToy(ExportingToy):
    """The exporting toy with a live program; its replay is each cell's lines in a subshell."""

    def live_support(self) -> Support:
        return NoUnits()

    def render_replay(self, memory: Memory, cells: Sequence[CellParts]) -> Program | None:
        return self.render(memory, CellParts(statements=tuple(f for c in cells for f in c.statements)))


class LiveToyWithoutReplay(LiveToy):
    def render_replay(self, memory: Memory, cells: Sequence[CellParts]) -> Program | None:
        return None


def stderr(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stderr", "text": text}


def failed_with(ename: str, *traceback: str) -> dict[str, Any]:
    return {**error(ename), "traceback": [f"{ename}: ", *traceback]}


def replayed(cells: list[dict[str, Any]], tmp_path: Path, toolchain: LiveToy | None = None) -> Replayed:
    return asyncio.run(replay(toolchain or LiveToy(), saved_cells(cells), cwd=tmp_path))


def kept(session: Session) -> list[str]:
    assert session.live is not None
    return [" | ".join(f.text for f in parts.statements) for parts in session.live.kept]


def test_saved_outputs_say_which_statements_took_effect() -> None:
    cells = saved_cells(
        [
            code_cell("a", 1),
            code_cell("b", 2, error("SIGSEGV")),
            code_cell("c", 3, stderr(f"[ccellkernel: {EXITED_ZERO}: state restored to before Cell In[3]]\n")),
            code_cell("d", 4, error("KeyboardInterrupt")),
            code_cell("e", 5, error("CompileError")),
            code_cell("f"),
            code_cell("g", 7, stderr(f"[ccellkernel: {NEW_LIMITS}]\n"), {"output_type": "stream"}),
            code_cell("h", 8, stderr(["[ccellkernel: ", ENDED_BETWEEN_CELLS, "]\n"])),
            code_cell("i", 9, failed_with("ExitStatus", "state restored to before Cell In[9]")),
            code_cell("j", 10, failed_with("SIGKILL", NOT_RESTORED)),
            code_cell("k", 11, stderr("the cell called exit(0) by itself\n")),  # the program's own words
        ]
    )
    assert [(c.source, c.outcome, c.effect, c.restarted, c.lost) for c in cells] == [
        ("a", "compiled", "kept", False, False),
        ("b", "compiled", "undone", False, False),  # it compiled: its declarations stay
        ("c", "compiled", "undone", False, False),
        ("d", "unknown", "undone", False, False),
        ("e", "failed", "undone", False, False),
        ("f", "unknown", "unknown", False, False),
        ("g", "compiled", "kept", True, False),
        ("h", "compiled", "kept", True, False),
        ("i", "compiled", "undone", False, False),
        ("j", "compiled", "undone", False, True),
        ("k", "compiled", "kept", False, False),
    ]


def test_the_replay_keeps_the_cells_that_took_effect(tmp_path: Path) -> None:
    """Rolled back and own-main cells are left out of main (their declarations are not); a cell with
    no saved outcome is kept if it builds, as Run All would run it."""
    done = replayed(
        [
            code_cell("def a = 1", 1),
            code_cell("echo one @a", 2),
            code_cell("def b = 2\necho crashed\nexit 139", 3, error("SIGSEGV")),
            code_cell("echo exited", 4, stderr(f"[ccellkernel: {EXITED_ZERO}: state restored]\n")),
            code_cell("main: echo own main", 5),
            code_cell("echo interrupted", 6, error("KeyboardInterrupt")),
            code_cell("echo three @b"),
            code_cell("echo bad"),
            code_cell("%%export out\necho not here"),
        ],
        tmp_path,
    )
    session = done.session
    try:
        assert session.memory.keys() == ["a", "b"]
        assert kept(session) == ["echo one @a", "echo three @b"]
        assert [number for number, _ in done.left_out] == [8]
        program, main = asyncio.run(export.main_for(session, CellParts()))
        assert main == export.Main((2, 7), live=True, replays=True)
        lines = program.text.splitlines()
        assert lines.index("echo one @a") < lines.index("echo three @b")
        assert "echo crashed" not in lines and "echo own main" not in lines
    finally:
        session.close()


def test_a_cell_the_live_program_undid_whole_is_left_out(tmp_path: Path) -> None:
    """Saved by a kernel that rolls a failed cell back whole (its declarations too, issue 17): the
    rollback's words say so, and the replay leaves the cell out; older words keep its declarations."""
    crashed, stopped = f"rolled back: {AS_BEFORE} Cell In[2]", f"stopped by the user; {AS_BEFORE} Cell In[3]"
    exited = f"{AS_BEFORE} Cell In[4]"
    done = replayed(
        [
            code_cell("def a = 1", 1),
            code_cell("def b = 2\nexit 139", 2, failed_with("SIGSEGV", crashed)),
            code_cell("def c = 3", 3, failed_with("KeyboardInterrupt", stopped)),
            code_cell("def d = 4", 4, stderr(f"[ccellkernel: {EXITED_ZERO}: rolled back: {exited}]\n")),
            code_cell("def e = 5", 5, failed_with("SIGSEGV", "state restored to before Cell In[5]")),
            code_cell("echo @a @e", 6),
        ],
        tmp_path,
    )
    session = done.session
    try:
        assert session.memory.keys() == ["a", "e"]
        assert [number for number, _ in done.left_out] == [2, 3, 4]
        assert all("rolled it back" in why for _, why in done.left_out)
        assert kept(session) == ["echo @a @e"]
    finally:
        session.close()


def test_a_new_live_program_forgets_the_cells_before_it(tmp_path: Path) -> None:
    done = replayed(
        [
            code_cell("echo a", 1),
            code_cell("%state fresh\necho fresh", 2),
            code_cell("echo fresh again", 3),
            code_cell("%state live\necho b", 4),
            code_cell("echo c", 5),
            code_cell("%state live\necho d", 6),  # already live: nothing starts again
            code_cell("echo e", 7, stderr(f"[ccellkernel: {NEW_LIMITS}]\n")),
            code_cell("echo f", 8),
            code_cell("echo g", 9, failed_with("SIGKILL", NOT_RESTORED)),
            code_cell("echo h", 10),
            code_cell("%reset", 11),
            code_cell("echo i", 12),
        ],
        tmp_path,
    )
    session = done.session
    try:
        assert kept(session) == ["echo i"]
    finally:
        session.close()
    for upto, expected in [(3, []), (6, ["echo b", "echo c", "echo d"]), (8, ["echo e", "echo f"])]:
        cells = [code_cell(s, n) for n, s in enumerate(["echo a", "%state fresh\necho x", "echo y"], 1)]
        cells += [
            code_cell("%state live\necho b", 4),
            code_cell("echo c", 5),
            code_cell("%state live\necho d", 6),
            code_cell("echo e", 7, stderr(f"[ccellkernel: {NEW_LIMITS}]\n")),
            code_cell("echo f", 8),
        ]
        session = replayed(cells[:upto], tmp_path).session
        try:
            assert kept(session) == expected, upto
            assert session.live is not None
            assert session.live.mode == ("fresh" if upto == 3 else "live")
        finally:
            session.close()


def test_a_fresh_stretch_at_the_end_exports_the_last_cell_as_before(tmp_path: Path) -> None:
    session = replayed(
        [code_cell("echo a", 1), code_cell("%state fresh", 2), code_cell("echo b", 3)], tmp_path
    ).session
    try:
        program, main = asyncio.run(export.main_for(session, CellParts()))
        assert main == export.Main((3,))
        assert "echo b" in program.text and "echo a" not in program.text
    finally:
        session.close()


def test_main_leaves_out_a_cell_whose_statements_no_longer_compile(tmp_path: Path) -> None:
    session = replayed(
        [
            code_cell("def a = 1\ndef b = 2", 1),
            code_cell("echo @a", 2),
            code_cell("echo @b", 3),
            code_cell("%rm a", 4),
            code_cell("echo end", 5),
        ],
        tmp_path,
    ).session
    try:
        program, main = asyncio.run(export.main_for(session, CellParts()))
        assert main.cells == (3, 5)
        assert main.left_out == (
            (2, "its statements no longer compile with the final declarations ('a' is not defined)"),
        )
        assert "echo @a" not in program.text
        project = export.project_for(session.toolchain, program, "out")
        text = " ".join(export.readme(session.toolchain, project, "out", main=main).split())
        assert "Also left out: Cell In[2]: its statements no longer compile" in text
    finally:
        session.close()


def test_main_does_not_hide_what_the_declarations_break(tmp_path: Path) -> None:
    """Only statements are left out: declarations that do not build are the export's error."""
    session = replayed([code_cell("def a = bad", 1), code_cell("echo @a", 2)], tmp_path).session
    try:
        with pytest.raises(CompileError, match=r"Cell In\[1\], line 1: error: 'bad' is not allowed"):
            asyncio.run(export.main_for(session, CellParts()))
        _, unchecked = asyncio.run(export.main_for(session, CellParts(), check=False))
        assert unchecked.cells == (2,)
    finally:
        session.close()


def test_an_export_cell_runs_after_the_cells_that_took_effect(tmp_path: Path) -> None:
    session = replayed([code_cell("def a = 1", 1), code_cell("echo @a", 2)], tmp_path).session
    try:
        cells = ToyCells(session)
        cells.count = 2
        said = cells.ok("%%export out\ndef c = 3\necho @a @c")
        assert said.startswith(f"exported to {tmp_path / 'out'}: out.sh, README.md\n")
        script = (tmp_path / "out/out.sh").read_text().splitlines()
        assert script.index("echo @a") < script.index("echo @a @c")
        assert session.memory.keys() == ["a"]  # the export cell's declaration is the export's only
        readme = " ".join((tmp_path / "out/README.md").read_text().split())
        assert "took effect there: Cell In[2] and Cell In[3] (the last is the `%%export` cell)." in readme
    finally:
        session.close()


def test_a_live_toolchain_without_a_replay_says_what_main_misses(tmp_path: Path) -> None:
    session = replayed(
        [code_cell("echo a", 1), code_cell("echo b", 2)], tmp_path, LiveToyWithoutReplay()
    ).session
    try:
        program, main = asyncio.run(export.main_for(session, CellParts()))
        assert main == export.Main((2,), live=True)
        assert "echo a" not in program.text
        project = Project({"x.sh": ""}, "x.sh", (), ("sh", "x.sh"))
        text = " ".join(export.readme(session.toolchain, project, "x", main=main).split())
        assert "`main` runs the statements of Cell In[2], the last cell that ran." in text
        assert "the Toy (fake) toolchain cannot replay its cells" in text
    finally:
        session.close()


def test_the_readme_of_a_live_program_says_what_main_runs_and_how_it_differs() -> None:
    toolchain = LiveToy()
    project = Project({"x.sh": ""}, "x.sh", (), ("sh", "x.sh"))

    def text(main: export.Main) -> str:
        return " ".join(export.readme(toolchain, project, "x", main=main).split())

    said = text(export.Main((3, 5, 9), live=True, replays=True))
    assert "`main` runs, in order, the statements of each cell that took effect there: Cell In[3]," in said
    assert "Cell In[5] and Cell In[9]. Each runs as a function of its own" in said
    assert "cells with their own `main` (each ran as a separate program)" in said
    assert "(`%state fresh` and back, `%reset`, new `%limits`)" in said
    assert "initializers that are not constants run before `main`, not when their cell ran" in said
    assert "a function redefined after a cell ran is the new code there too" in said
    assert "no cell's statements took effect in it" in text(export.Main(live=True, replays=True))
    fresh = text(export.Main((4,)))
    assert "Cell In[4], the last cell that ran, so the program prints what that cell printed." in fresh
    assert "live program" not in fresh


def test_without_a_compiler_the_replay_still_follows_the_live_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CC", "no-such-compiler")
    toolchain = load_toolchain("c")
    cells = [code_cell("int n = 1;", 1), code_cell("n++;", 2), code_cell('printf("%d", n);', 3)]
    session = asyncio.run(replay(toolchain, saved_cells(cells), cwd=tmp_path)).session
    try:
        _, main = asyncio.run(export.main_for(session, CellParts(), check=False))
        assert main == export.Main((2, 3), live=True, replays=True)
    finally:
        session.close()


def test_the_c_replay_runs_each_cell_as_a_function_of_its_own() -> None:
    toolchain = load_toolchain("c")
    first = toolchain.split('counter++;\nif (counter > 1) return 0;\nputs("no");', 3)
    second = toolchain.split("counter += 2;\ncounter * 2", 5)
    memory = Memory().merge(toolchain.split("int counter = 10;", 1).declarations)
    program = toolchain.render_replay(memory, [first, second])
    lines = program.text.splitlines()
    start = lines.index("static int ccell_in_3(int argc, char **argv) {")
    assert lines[start + 2 : start + 4] == ['#line 1 "Cell In[3]"', "counter++;"]
    assert "if (counter > 1) return 0;" in lines  # (a return ends the function of the cell)
    assert lines.index("static int ccell_in_5(int argc, char **argv) {") > start
    at = lines.index("((void)(")  # the last value is computed and dropped: no Out[n] outside the kernel
    assert lines[at + 1 : at + 3] == ['#line 2 "Cell In[5]"', "counter * 2"]
    main = lines[lines.index("int main(int argc, char **argv) {") :]
    assert main[1:4] == [
        "int status;",
        "if ((status = ccell_in_3(argc, argv)) != 0) return status; /* Cell In[3] */",
        "if ((status = ccell_in_5(argc, argv)) != 0) return status; /* Cell In[5] */",
    ]
    empty = toolchain.render_replay(memory, []).text
    assert "int main(int argc, char **argv) {\n(void)argc; (void)argv;\nreturn 0;\n}" in empty

"""Export without a compiler: %%export parsing, Session.remember and the notebook replay over the toy
toolchain, project names and paths, the README."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from ccellkernel.api.errors import CompileError, ExportError, MagicError
from ccellkernel.api.program import Program
from ccellkernel.api.toolchain import Project
from ccellkernel.notebook import export
from ccellkernel.notebook.replay import replay, saved_cells, toolchain_for
from ccellkernel.notebook.session import Session
from ccellkernel.toolkit.magics import split_magics

from .toy import ToyCells, ToyToolchain


class ExportingToy(ToyToolchain):
    """The toy, with a project: its program as ``NAME.sh`` (or the files it is told to write)."""

    files: dict[str, str] | None = None

    def project_files(self, program: Program, name: str, flags: Sequence[str] = ()) -> Project:
        files = self.files if self.files is not None else {f"{name}.sh": program.text}
        source = next(iter(files))
        return Project(files, source, (("sh", "-n", source),), ("sh", source), ("A toy note.",))


@pytest.fixture
def toy(tmp_path: Path):  # type: ignore[no-untyped-def]
    session = Session(ExportingToy(), cwd=tmp_path)
    yield ToyCells(session)
    session.close()


# -- %%export: parsing ------------------------------------------------------------------------------


def test_a_cell_magic_takes_the_rest_of_the_cell() -> None:
    split = split_magics("%flags -O2\n%%export out dir\nint x;\n%%\nprintf();")
    assert [m.name for m in split.magics] == ["flags"]
    assert split.cell_magic is not None
    assert (split.cell_magic.name, split.cell_magic.args, split.cell_magic.line) == (
        "export",
        ("out", "dir"),
        2,
    )
    assert split.cell_magic.body == "int x;\n%%\nprintf();"
    assert split.code == "" and split.body is None


def test_an_unknown_cell_magic_names_the_known_magics() -> None:
    with pytest.raises(MagicError, match=r"unknown cell magic %%writefil on line 1; known: .*%%export"):
        split_magics("%%writefil x.txt\nhello")


def test_export_is_no_line_magic() -> None:
    with pytest.raises(MagicError, match="unknown magic %export"):
        split_magics("%export out")


# -- %%export through a Session ----------------------------------------------------------------------


def test_export_writes_the_memory_and_the_last_cell_that_ran(toy: ToyCells, tmp_path: Path) -> None:
    toy.ok("def greeting = hello")
    assert toy.ok("echo @greeting") == "hello\n"
    toy.ok("def other = x")  # only declares: it is not what main runs
    said = toy.ok('%%export "out/my app"')
    assert said.startswith(f"exported to {tmp_path / 'out/my app'}: my-app.sh, README.md\n")
    script = (tmp_path / "out/my app/my-app.sh").read_text()
    assert "def greeting = hello" in script and "def other = x" in script
    assert script.rstrip().endswith("echo @greeting")
    readme = (tmp_path / "out/my app/README.md").read_text()
    assert "`main` runs the statements of Cell In[2], the last cell that ran" in readme
    assert "    sh -n my-app.sh\n    sh my-app.sh\n" in readme
    assert "A toy note." in readme
    assert toy.keys() == ["greeting", "other"]


def test_the_rest_of_an_export_cell_is_main_and_is_not_remembered(toy: ToyCells, tmp_path: Path) -> None:
    toy.ok("def greeting = hello")
    toy.ok("%%export out\ndef extra = only here\necho @greeting @extra")
    script = (tmp_path / "out/out.sh").read_text()
    assert "def extra = only here" in script and "echo @greeting @extra" in script
    assert "# cell 2, line 3" in script  # the body keeps its lines in the export cell
    assert (
        "`main` runs the statements of Cell In[2], the `%%export` cell."
        in (tmp_path / "out/README.md").read_text()
    )
    assert toy.keys() == ["greeting"]
    assert toy.session.last_run is None  # an export runs nothing


def test_an_export_that_does_not_build_writes_nothing(toy: ToyCells, tmp_path: Path) -> None:
    toy.ok("def greeting = hello")
    err = toy.fails("%%export out\necho @greeting bad")
    assert isinstance(err, CompileError)
    assert err.evalue.startswith("Cell In[2], line 2: error: 'bad' is not allowed")
    assert not (tmp_path / "out").exists()


def test_export_needs_one_folder_and_a_folder(toy: ToyCells, tmp_path: Path) -> None:
    assert isinstance(toy.fails("%%export"), MagicError)
    assert isinstance(toy.fails("%%export a b"), MagicError)
    (tmp_path / "taken").write_text("a file")
    err = toy.fails("%%export taken")
    assert isinstance(err, ExportError) and "is not a folder" in err.evalue
    assert (tmp_path / "taken").read_text() == "a file"


def test_the_readme_runs_it_with_the_notebooks_args_and_env(toy: ToyCells, tmp_path: Path) -> None:
    toy.ok("%args one 'two words'\n%env 'GREETING=hi there'")
    toy.ok("echo $GREETING $1")
    toy.ok("%%export out")
    assert "    'GREETING=hi there' sh out.sh one 'two words'\n" in (tmp_path / "out/README.md").read_text()


def test_export_after_reset_has_a_main_that_does_nothing(toy: ToyCells, tmp_path: Path) -> None:
    toy.ok("def greeting = hello")
    toy.ok("echo @greeting")
    toy.ok("%reset")
    toy.ok("%%export out")
    assert "echo" not in (tmp_path / "out/out.sh").read_text()
    assert "`main` does nothing" in (tmp_path / "out/README.md").read_text()


def test_a_toolchain_without_projects_says_so(tmp_path: Path) -> None:
    session = Session(ToyToolchain(), cwd=tmp_path)
    try:
        err = ToyCells(session).fails("%%export out")
    finally:
        session.close()
    assert isinstance(err, ExportError)
    assert err.evalue == "the Toy (fake) toolchain cannot export a project"


@pytest.mark.parametrize("path", ["../escape.sh", "/abs.sh", "a/../../b"])
def test_project_paths_stay_inside_the_folder(toy: ToyCells, tmp_path: Path, path: str) -> None:
    toy.toolchain.files = {path: "x"}  # type: ignore[attr-defined]
    err = toy.fails("%%export out")
    assert isinstance(err, ExportError) and "bad project path" in err.evalue
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("analysis.ipynb", "analysis"),
        ("my notebook (v2)", "my-notebook-v2"),
        ("2024 report", "notebook-2024-report"),
        ("dir/sub/hello_world", "hello_world"),
        ("   ", "notebook"),
        ("é", "notebook"),
    ],
)
def test_project_names_suit_binaries_modules_and_packages(text: str, name: str) -> None:
    assert export.project_name(text) == name


# -- replaying a saved notebook ----------------------------------------------------------------------


def code_cell(source: str, count: int | None = None, *outputs: dict[str, Any]) -> dict[str, Any]:
    return {"cell_type": "code", "source": source, "execution_count": count, "outputs": list(outputs)}


def error(ename: str) -> dict[str, Any]:
    return {"output_type": "error", "ename": ename, "evalue": "", "traceback": []}


def test_saved_cells_are_numbered_by_their_prompts_and_judged_by_their_outputs() -> None:
    cells = saved_cells(
        [
            {"cell_type": "markdown", "source": "# title"},
            code_cell("a", 4),
            code_cell("b", 5, error("CompileError")),
            code_cell("c", 6, error("ExitStatus")),
            code_cell("d", 7, error("KeyboardInterrupt")),
            code_cell(["e", "\n", "f"]),
        ]
    )
    assert [(c.source, c.number, c.outcome) for c in cells] == [
        ("a", 4, "compiled"),
        ("b", 5, "failed"),
        ("c", 6, "compiled"),
        ("d", 7, "unknown"),
        ("e\nf", 8, "unknown"),
    ]


def test_repeated_prompts_fall_back_to_positions() -> None:
    cells = saved_cells([code_cell("a", 3), code_cell("b", 3), code_cell("c")])
    assert [c.number for c in cells] == [1, 2, 3]


def test_replay_trusts_saved_outcomes_and_builds_the_others(tmp_path: Path) -> None:
    toolchain = ExportingToy()
    cells = saved_cells(
        [
            code_cell("def a = 1", 1),
            code_cell("%args kept\ndef b = 2", 2, error("CompileError")),  # it compiles now, not then
            code_cell("def c = 3\nexit 3", 3, error("ExitStatus")),  # it compiled, then failed
            code_cell("def d = bad"),  # never ran: built, and it fails
            code_cell("!touch ran-a-shell-line\ndef e = 5"),  # never ran: built, and it compiles
            code_cell("%rm a"),
            code_cell("echo @c @e"),
            code_cell("%%export somewhere\necho nothing"),
        ]
    )
    replayed = asyncio.run(replay(toolchain, cells, cwd=tmp_path))
    session = replayed.session
    try:
        assert session.memory.keys() == ["c", "e"]
        assert session.options.args == ("kept",)  # the failed cell's magics had been carried out
        assert [number for number, _ in replayed.left_out] == [2, 4]
        assert replayed.left_out[1][1].startswith("CompileError: Cell In[4], line 1: error: 'bad'")
        assert session.last_run is not None and session.last_run.statements[0].text == "echo @c @e"
        # only the cells without an outcome were built, and nothing ran
        assert [b.text.splitlines()[-1] for b in toolchain.builds] == [
            "def d = bad",
            "def e = 5",
            "echo @c @e",
        ]
        assert toolchain.runs == []
        assert not (tmp_path / "ran-a-shell-line").exists() and not (tmp_path / "somewhere").exists()
    finally:
        session.close()


def test_remember_with_check_keeps_the_memory_of_a_cell_that_does_not_compile(tmp_path: Path) -> None:
    session = Session(ExportingToy(), cwd=tmp_path)
    try:
        asyncio.run(session.remember("def a = 1", 1, check=True))
        with pytest.raises(CompileError):
            asyncio.run(session.remember("def a = bad", 2, check=True))
        assert [d.fragment.text for d in session.memory] == ["def a = 1"]
    finally:
        session.close()


def test_a_notebook_of_another_kernel_is_no_ccellkernel_notebook() -> None:
    metadata = {"kernelspec": {"name": "python3"}, "language_info": {"name": "python"}}
    with pytest.raises(ExportError, match=r"kernel 'python3' and language 'python'.*ccell-c"):
        toolchain_for(metadata)
    assert toolchain_for({"kernelspec": {"name": "ccell-go"}}).name == "go"
    assert toolchain_for({"language_info": {"name": "Rust"}}).name == "rust"

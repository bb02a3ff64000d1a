"""The Go kernel through Jupyter: a real KernelManager and client, the real kernel, the real go.

Each test checks a promise of CELL_MODEL.md for Go. They share one kernel (``kernel``; ``go`` resets
its memory and options first). What the C, Go and Rust kernels share is tested once for all three in
``test_kernel_table.py``; this file keeps what is Go's own.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_client import (
    CellResult,
    RunningKernel,
    count_of,
    listing,
)

pytestmark = pytest.mark.slow


# -- fixtures and helpers ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("work")


@pytest.fixture(scope="module")
def kernel(workdir: Path) -> Iterator[RunningKernel]:
    """One ccell-go kernel for the module, from the kernelspec as it is (message mode)."""
    running = RunningKernel("ccell-go", cwd=workdir)
    # The first build waits for the background warm-up's standard library (seconds if the cache is cold).
    running.execute('fmt.Println("warm")', timeout=120)
    yield running
    running.shutdown()


@pytest.fixture
def go(kernel: RunningKernel) -> RunningKernel:
    """The module's kernel with nothing remembered and no flags or program arguments."""
    kernel.ok("%reset\n%flags --clear\n%args --clear")
    return kernel


def keys(k: RunningKernel) -> list[str]:
    return [row.split("  ")[0] for row in listing(k) if "Cell In[" in row]


def go_binary() -> str:
    found = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True)
    return str(Path(found.stdout.strip()) / "bin" / "go")


def descendants(pid: int) -> dict[int, str]:
    """The processes below ``pid``, by pid, with their command names."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        head, _, rest = stat.rpartition(")")
        names[int(entry.name)] = head.partition("(")[2]
        children.setdefault(int(rest.split()[1]), []).append(int(entry.name))
    found: dict[int, str] = {}
    stack = list(children.get(pid, []))
    while stack:
        child = stack.pop()
        found[child] = names.get(child, "?")
        stack.extend(children.get(child, []))
    return found


def alive(pids: list[int]) -> list[int]:
    left = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z":
            left.append(pid)
    return left


# -- 1. a notebook is one program --------------------------------------------------------------------


def test_package_variables_start_from_their_initializer_in_every_run(go: RunningKernel) -> None:
    go.ok("var counter = 10")
    assert go.ok("counter++\nfmt.Println(counter)") == "11\n"
    assert go.ok("counter++\nfmt.Println(counter)") == "11\n"


# -- 2. keys --------------------------------------------------------------------------------------------


def test_method_is_replaced_by_type_and_name(go: RunningKernel) -> None:
    go.ok('type Point struct{ X, Y int }\nfunc (p Point) String() string { return "value" }')
    newer = go.execute('func (p *Point) String() string { return fmt.Sprintf("(%d, %d)", p.X, p.Y) }')
    assert newer.status == "ok", newer.describe()
    assert go.ok("fmt.Println(&Point{1, 2})") == "(1, 2)\n"
    rows = [row for row in listing(go) if row.startswith("Point.String ")]
    assert len(rows) == 1 and "method" in rows[0] and f"Cell In[{count_of(newer)}]" in rows[0], rows


def test_show_is_the_program_and_it_builds(go: RunningKernel, tmp_path: Path) -> None:
    go.ok('import "strings"\nfunc shout(s string) string { return strings.ToUpper(s) + "!" }')
    shown = go.ok("%show")
    assert shown.startswith("package main\n"), shown
    assert "//line Cell In[" in shown
    (tmp_path / "go.mod").write_text("module shown\n")
    (tmp_path / "main.go").write_text(shown)
    env = {**os.environ, "GOPROXY": "off", "GOTOOLCHAIN": "local", "GOWORK": "off", "GOFLAGS": "-mod=mod"}
    done = subprocess.run(
        [go_binary(), "build", "-o", "/dev/null", "."], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


# -- 3. statements, imports, main ----------------------------------------------------------------------


def test_unused_import_is_dropped(go: RunningKernel) -> None:
    declared = go.execute('import (\n\t"os"\n\t"strings"\n)')
    assert declared.status == "ok" and declared.outputs == [], declared.describe()
    assert go.ok('fmt.Println(strings.Count("cheese", "e"))') == "3\n"
    assert keys(go) == ["os", "strings"]


def test_standard_package_used_without_import_is_imported(go: RunningKernel) -> None:
    assert go.ok('fmt.Println(strings.Repeat("go", 2), strconv.Quote("q"))') == 'gogo "q"\n'
    assert keys(go) == []


def test_ambiguous_package_name_is_not_guessed(go: RunningKernel) -> None:
    result = go.fails("fmt.Println(rand.Intn(10) < 10)", "CompileError")
    evalue = result.error["evalue"]
    assert evalue.startswith(f"Cell In[{count_of(result)}], line 1: error: undefined: rand"), evalue
    assert "math/rand" in evalue and "crypto/rand" in evalue
    assert go.ok('import "math/rand"\nfmt.Println(rand.Intn(10) < 10)') == "true\n"


def test_unavailable_module_says_so(go: RunningKernel) -> None:
    # conftest sets GOPROXY=off for every kernel: go says the module may not be downloaded
    result = go.fails('import "github.com/x/y"\ny.Hello()', "LibraryError")
    assert [m.msg_type for m in result.outputs] == ["stream", "error"]  # go get's own line, then ours
    assert result.stderr == "go: github.com/x/y: module lookup disabled by GOPROXY=off\n"
    evalue = result.error["evalue"]
    assert evalue.startswith(f'Cell In[{count_of(result)}], line 1: import "github.com/x/y": '), evalue
    assert "GOPROXY=off" in evalue
    assert keys(go) == []


# -- 5. errors ---------------------------------------------------------------------------------------------


def test_panic_is_an_exit_status_with_frames_in_cells(go: RunningKernel) -> None:
    defined = go.execute("func at(xs []int, i int) int {\n\treturn xs[i]\n}")
    result = go.fails('fmt.Println("partial")\nfmt.Println(at([]int{1}, 5))', "ExitStatus")
    n = count_of(result)
    assert result.error["evalue"] == "exit status 2"
    assert [m.msg_type for m in result.outputs][-1] == "error"
    assert result.stdout == "partial\n"
    assert "panic: runtime error: index out of range [5] with length 1" in result.stderr
    assert f"\tCell In[{count_of(defined)}], line 2\n" in result.stderr, result.stderr
    assert f"\tCell In[{n}], line 2\n" in result.stderr, result.stderr


def test_custom_panic_value(go: RunningKernel) -> None:
    result = go.fails('panic(errors.New("boom"))', "ExitStatus")
    assert "panic: boom" in result.stderr
    assert f"Cell In[{count_of(result)}], line 1" in result.stderr


# -- interrupts (the rest: test_kernel_table.py) -------------------------------------------------------


def test_interrupt_while_building(go: RunningKernel, tmp_path: Path) -> None:
    """cgo's C compiler blocks on a FIFO: the interrupt must stop go build and everything it started."""
    fifo = tmp_path / "never-written.h"
    os.mkfifo(fifo)
    go.ok("func remembered() int { return 7 }")
    cell = f'/*\n#include "{fifo}"\n*/\nimport "C"\nvar neverRemembered = 1\nfmt.Println(1)'
    before = descendants(go.pid)  # the kernel's own helpers
    building: dict[int, str] = {}

    def compiler_blocked(_: CellResult) -> bool:
        building.update({pid: name for pid, name in descendants(go.pid).items() if pid not in before})
        return "cc1" in building.values()

    result = go.execute(cell, interrupt_when=compiler_blocked, timeout=60)
    assert result.interrupted_at is not None
    assert result.ename == "KeyboardInterrupt", result.describe()
    assert [m.msg_type for m in result.outputs] == ["error"]
    assert "go" in building.values(), building
    deadline = time.monotonic() + 15
    while left := alive(list(building)):
        assert time.monotonic() < deadline, f"build processes left: {left} of {building}"
        time.sleep(0.05)
    assert go.ok("fmt.Println(remembered())") == "7\n"
    go.fails("fmt.Println(neverRemembered)", "CompileError")

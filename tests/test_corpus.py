"""Real programs, cell by cell: tests/corpus/LANGUAGE/*, written the way tutorials write them.

Each program is compiled and run by hand as one file, and also split into cells (``corpus_split``:
one top-level item a cell, ``main``'s body last after ``%%``) that run through a real kernel and
``jupyter_client``, one kernel per language and ``%reset`` between programs. A program *matches*
when every cell's reply is ok and the last cell (the whole program's ``main``) prints exactly what
the whole program prints. The test prints the match rate per language and fails below 98%.

Programs use types and functions before they are declared, methods on later types, generics,
``#[cfg]``, macros that make items, several ``init`` functions, ``%%`` bodies; std library only,
deterministic output.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from corpus_split import EXTENSIONS, split_program
from kernel_client import RunningKernel

CORPUS = Path(__file__).parent / "corpus"
THRESHOLD = 0.98
MIN_PROGRAMS = 60
KERNELS = {"c": "ccell-c", "go": "ccell-go", "rust": "ccell-rust"}
WARM = {
    "c": '#include <stdio.h>\n%%\nputs("warm");',
    "go": 'fmt.Println("warm")',
    "rust": 'println!("warm");',
}
RUN_TIMEOUT = 20


@dataclass(frozen=True)
class Outcome:
    program: str
    expected: str
    got: str | None  # the last cell's stdout; None when a cell failed
    failure: str = ""

    @property
    def matches(self) -> bool:
        return self.got == self.expected


# Go programs with several func init: typed one item a cell, a later func init replaces the earlier
# one (GoNB's rule, issue 16), so they print otherwise by design (tests/test_order_free.py has init).
OTHERWISE_BY_DESIGN = {"go": ("init_chain.go", "inits.go", "plugins_init.go")}


def programs(language: str) -> list[Path]:
    found = sorted((CORPUS / language).glob(f"*{EXTENSIONS[language]}"))
    return [p for p in found if p.name not in OTHERWISE_BY_DESIGN.get(language, ())]


def by_hand(language: str, source: Path, workdir: Path) -> str:
    """What the whole program prints, compiled and run as one file."""
    source, binary = source.resolve(), workdir / source.stem
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "", "GO111MODULE": "on"}
    if language == "c":
        argv = [*shlex.split(os.environ.get("CC", "cc")), "-w", "-o", str(binary), str(source), "-lm"]
    elif language == "go":
        argv = [shutil.which("go") or "go", "build", "-o", str(binary), str(source)]
    else:
        argv = ["rustc", "--edition", "2021", "-A", "warnings", "-o", str(binary), str(source)]
    built = subprocess.run(
        argv, capture_output=True, text=True, cwd=workdir, env=env, timeout=300, check=False
    )
    assert built.returncode == 0, f"{source.name} does not compile by hand:\n{built.stderr}"
    ran = subprocess.run(
        [str(binary)], capture_output=True, text=True, cwd=workdir, timeout=RUN_TIMEOUT, check=False
    )
    assert ran.returncode == 0, f"{source.name} exits with {ran.returncode} by hand:\n{ran.stderr}"
    assert ran.stdout.strip(), f"{source.name} prints nothing: it would match without telling anything"
    return ran.stdout


def through_kernel(kernel: RunningKernel, source: Path, expected: str) -> Outcome:
    kernel.ok("%reset")
    cells = split_program(source.parent.name, source.read_text())
    got = ""
    for i, cell in enumerate(cells):
        result = kernel.execute(cell, cell_id=f"{source.stem}-{i}", timeout=RUN_TIMEOUT + 40)
        if result.status != "ok" or result.errors:
            return Outcome(
                source.name, expected, None, f"cell {i + 1} of {len(cells)}:\n{cell}\n{result.describe()}"
            )
        got = result.stdout
    return Outcome(source.name, expected, got)


def describe(outcome: Outcome) -> str:
    if outcome.got is None:
        return f"{outcome.program}: {outcome.failure}"
    return f"{outcome.program}: printed\n{outcome.got}\ninstead of\n{outcome.expected}"


def test_splitting_a_program() -> None:
    go = "\n".join(['package main\n\nimport "fmt"\n', "// Hi greets.", 'func hi() { fmt.Println("hi") }'])
    go += "\nfunc main() {\n\thi()\n}\n"
    assert split_program("go", go) == [
        'import "fmt"',
        '// Hi greets.\nfunc hi() { fmt.Println("hi") }',
        "%%\nhi()",
    ]
    rust = '#[derive(Debug)]\nstruct P;\n\nfn main() {\n    let p = P;\n    println!("{:?}", p);\n}\n'
    assert split_program("rust", rust) == [
        "#[derive(Debug)]\nstruct P;",
        '%%\nlet p = P;\nprintln!("{:?}", p);',
    ]
    c = '#include <stdio.h>\nstruct S { int x; };\nint main(void) {\n    puts("c");\n    return 0;\n}\n'
    assert split_program("c", c) == [
        "#include <stdio.h>",
        "struct S { int x; };",
        '%%\nputs("c");\nreturn 0;',
    ]


def test_every_language_has_enough_programs() -> None:
    for language in KERNELS:
        assert len(programs(language)) >= MIN_PROGRAMS, language


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(KERNELS))
def test_programs_print_cell_by_cell_what_they_print_whole(
    language: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = time.monotonic()
    sources = programs(language)
    # compiling by hand runs beside the kernel: the machine has two cores
    with ThreadPoolExecutor(max_workers=1) as pool:
        expected: dict[Path, Future[str]] = {s: pool.submit(by_hand, language, s, tmp_path) for s in sources}
        kernel = RunningKernel(KERNELS[language], cwd=tmp_path)
        try:
            kernel.execute(WARM[language], timeout=120)
            outcomes = [through_kernel(kernel, s, expected[s].result()) for s in sources]
        finally:
            kernel.shutdown()
    matched = [o for o in outcomes if o.matches]
    rate = len(matched) / len(outcomes)
    with capsys.disabled():
        print(
            f"\ncorpus {language}: {len(matched)}/{len(outcomes)} programs print cell by cell what they "
            f"print whole ({rate:.1%}), {time.monotonic() - start:.0f} s"
        )
    failed = [describe(o) for o in outcomes if not o.matches]
    assert rate >= THRESHOLD, "\n\n".join(failed)

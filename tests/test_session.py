"""The cell model (CELL_MODEL.md) through a real Session and the real compilers, without Jupyter: what
every language does, as one table.

Each ``Case`` gives per language the cells to run, in order, on a session with nothing remembered, each
with what must come of it. What only one language has stays in its own file (test_c_session.py,
test_go_session.py, test_rust_session.py). In an expected error's ``starts``, ``{0}``, ``{1}``... are the
execution counts of the case's first, second... cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from cells import Cells

from ccellkernel.api.errors import CellError, CompileError, ExitStatus, ProgramSignal

# The conftest fixture each language's cells run on: C and Go a fresh session per case (Go's on a
# warmed-up toolchain), Rust the module's one session, reset
CELLS = {"c": "c_cells", "go": "go_cells", "rust": "rust_cells"}
PRELUDE = "#include <stdio.h>\n#include <string.h>\n"


@dataclass(frozen=True)
class Step:
    """One cell and what must come of it: by default it succeeds, with ``error`` it fails so."""

    code: str
    stdout: str | None = None  # exactly (None: not checked)
    error: type[CellError] | None = None
    ename: str | None = None  # the error's name (None: not checked)
    evalue: str | None = None  # the error's whole value (None: not checked)
    starts: str = ""  # how the error's value starts
    contains: tuple[str, ...] = ()  # substrings of the error's value
    traceback: tuple[str, ...] | None = None  # the traceback after its first line
    shown: tuple[str, ...] = ()  # substrings of the whole traceback
    stderr: str | None = None  # exactly (None: not checked)
    quiet: bool = False  # no stream at all
    answers: tuple[str, ...] | None = None  # what stdin reads (None: no frontend input, end-of-file)
    keys: tuple[str, ...] | None = None  # the memory's keys afterwards (None: not checked)
    listed: tuple[str, ...] = ()  # in the listing of the memory afterwards
    unlisted: tuple[str, ...] = ()  # not in it


def ok(code: str, stdout: str | None = None, **more: object) -> Step:
    """A cell that must succeed (and print ``stdout``, unless None)."""
    return Step(code, stdout, **more)  # type: ignore[arg-type]


def fails(code: str, error: type[CellError] = CellError, **more: object) -> Step:
    """A cell that must fail with ``error`` (or a subclass)."""
    return Step(code, error=error, **more)  # type: ignore[arg-type]


def code(*lines: str) -> str:
    """A cell's text, one argument per line."""
    return "\n".join(lines)


@dataclass(frozen=True)
class Case:
    name: str
    section: str  # of CELL_MODEL.md
    steps: Mapping[str, tuple[Step, ...]]  # per language


GO_SCAN = "var n int\nk, err := fmt.Scan(&n)\nfmt.Println(n*2, k, err)"
RUST_READ_LINE = (
    "let mut line = String::new();\nlet n = std::io::stdin().read_line(&mut line)?;\n"
    'println!("{} [{}]", n, line.trim_end());'
)
RUST_ARGS = (
    "let args: Vec<String> = std::env::args().skip(1).collect();\n"
    'println!("{:?} {}", args, std::env::var("CCELL_GREETING")?);'
)
RUST_BUMP = 'COUNTER.fetch_add(1, Ordering::SeqCst);\nprintln!("{}", COUNTER.load(Ordering::SeqCst));'

CASES = (
    Case(
        "globals_start_fresh_in_every_run",
        "1",  # C: in `%state fresh` (1a)
        {
            "c": (
                ok("%state fresh\n" + PRELUDE + "int counter = 10;"),
                ok('counter++; printf("%d\\n", counter);', "11\n"),
                ok('counter++; printf("%d\\n", counter);', "11\n"),
            ),
            "go": (
                ok('import "fmt"\nvar counter = 10'),
                ok("counter++; fmt.Println(counter)", "11\n"),
                ok("counter++; fmt.Println(counter)", "11\n"),
            ),
            "rust": (
                ok(
                    code(
                        "use std::sync::atomic::{AtomicU32, Ordering};",
                        "static COUNTER: AtomicU32 = AtomicU32::new(10);",
                    )
                ),
                ok(
                    RUST_BUMP,
                    "11\n",
                ),
                ok(
                    RUST_BUMP,
                    "11\n",
                ),
            ),
        },
    ),
    Case(
        # and shows its errors at once (other than names declared later)
        "declaration_only_cell_is_checked_not_run",
        "1",
        {
            "c": (
                ok(PRELUDE + "int square(int x) { return x * x; }", "", quiet=True),
                fails(
                    "int also_declared(void) { return undeclared_name; }",
                    CompileError,
                    starts="Cell In[{1}], line 1: error:",
                    contains=("undeclared_name",),
                ),
            ),
            "go": (
                # the initializer would print if the cell ran
                ok('var noisy = func() int { fmt.Println("initialised"); return 1 }()', "", quiet=True),
                ok("fmt.Println(noisy)", "initialised\n1\n"),
                fails(
                    'func alsoDeclared() int { return "text" }',
                    CompileError,
                    starts='Cell In[{2}], line 1: error: cannot use "text"',
                ),
            ),
            "rust": (
                # checking (--emit=metadata) does not link: a function no cell defines is fine until it runs
                ok(
                    code(
                        'extern "C" {',
                        "    fn ccell_nowhere() -> i32;",
                        "}",
                        "fn call() -> i32 { unsafe { ccell_nowhere() } }",
                    ),
                    "",
                    quiet=True,
                ),
                fails('println!("{}", call());', CompileError, contains=("ccell_nowhere",)),
                fails(
                    'fn also_declared() -> i32 { "text" }',
                    CompileError,
                    starts="Cell In[{2}], line 1: error: mismatched types",
                ),
            ),
        },
    ),
    Case(
        "broken_cell_leaves_memory_unchanged",
        "1",
        {
            "c": (
                ok(PRELUDE + "int f(void) { return 1; }"),
                fails(
                    "int f(void) { return undefined_name; }",
                    CompileError,
                    starts="Cell In[{1}], line 1: error:",
                ),
                ok('printf("%d\\n", f());', "1\n"),
            ),
            "go": (
                ok("func f() int { return 1 }"),
                fails(
                    'func f() int { return "one" }',
                    CompileError,
                    starts='Cell In[{1}], line 1: error: cannot use "one"',
                    traceback=('    func f() int { return "one" }', "                          ^"),
                ),
                ok("fmt.Println(f())", "1\n"),
            ),
            "rust": (
                ok("fn f() -> i32 { 1 }"),
                fails('fn f() -> i32 { "one" }\nfn g() -> i32 { 2 }', CompileError),
                ok('println!("{}", f());', "1\n"),
                fails('println!("{}", g());', CompileError),
            ),
        },
    ),
    Case(
        # after a type changes, the error is in the cell that uses it
        "error_in_a_remembered_cell_names_that_cell",
        "5",
        {
            "c": (
                ok(PRELUDE + "struct P { int x; };"),
                ok("int getx(struct P p) {\n    return p.x;\n}"),
                fails(
                    "struct P { int y; };",
                    CompileError,
                    starts="Cell In[{1}], line 2: error:",
                    contains=("has no member named",),
                ),
                ok('printf("%d\\n", getx((struct P){4}));', "4\n"),
            ),
            "go": (
                ok("type P struct{ X int }"),
                ok("func getX(p P) int {\n\treturn p.X\n}"),
                fails("type P struct{ Y int }", starts="Cell In[{1}], line 2: error: p.X undefined"),
                ok("fmt.Println(getX(P{4}))", "4\n"),
            ),
            "rust": (
                ok("struct P { x: i32 }"),
                ok("fn getx(p: &P) -> i32 {\n    p.x\n}"),
                fails("struct P { y: i32 }", starts="Cell In[{1}], line 2: error: no field `x`"),
                ok('println!("{}", getx(&P { x: 4 }));', "4\n"),
            ),
        },
    ),
    Case(
        "exit_status_and_signal",
        "5",
        {
            "c": (
                ok(PRELUDE),
                fails("return 3;", ExitStatus, evalue="exit status 3"),
                fails("int *p = 0; *p = 1;", ProgramSignal, ename="SIGSEGV", evalue="Segmentation fault"),
            ),
            "go": (fails('fmt.Println("before")\nos.Exit(3)', ExitStatus, evalue="exit status 3"),),
            "rust": (
                fails('println!("bye");\nstd::process::exit(3);', ExitStatus, evalue="exit status 3"),
                fails("std::process::abort();", ProgramSignal, ename="SIGABRT"),
            ),
        },
    ),
    Case(
        "return_ends_the_body",
        "3",
        {
            "c": (ok(PRELUDE + 'printf("a\\n");\nreturn 0;\nprintf("b\\n");', "a\n"),),
            "go": (ok('fmt.Println("a")\nreturn\nfmt.Println("b")', "a\n"),),
            "rust": (
                ok(
                    'let skip = |n: i32| { if n == 1 { return; } println!("closure {}", n); };\n'
                    "skip(1);\nskip(2);\n"
                    'for i in 0..10 {\n    if i == 2 {\n        return\n    }\n    println!("{}", i);\n}\n'
                    'println!("not reached");',
                    "closure 2\n0\n1\n",
                ),
                ok('%%\nfn local() -> i32 { return 4; }\nprintln!("{}", local());\nreturn;', "4\n"),
            ),
        },
    ),
    Case(
        # and a cell with its own main and statements besides is an error
        "own_main_runs_and_is_not_remembered",
        "3",
        {
            "c": (
                ok(PRELUDE),
                ok(
                    'int main(void) {\n    printf("own main\\n");\n    return 0;\n}',
                    "own main\n",
                    keys=("<stdio.h>", "<string.h>"),
                    unlisted=("main",),
                ),
                fails(
                    'int main(void) { return 0; }\nprintf("stray\\n");',
                    CompileError,
                    contains=("defines main and also has top-level statements",),
                ),
            ),
            "go": (
                ok('func main() {\n\tfmt.Println("own main")\n}', "own main\n", keys=(), unlisted=("main",)),
                fails(
                    'func main() {}\nfmt.Println("stray")',
                    contains=("defines main and also has top-level statements",),
                ),
            ),
            "rust": (
                ok('fn main() {\n    println!("own main");\n}', "own main\n", keys=(), unlisted=("main",)),
                ok('println!("statements again");', "statements again\n"),
                fails("fn main() {\n    std::process::exit(4);\n}", ExitStatus, evalue="exit status 4"),
                fails('fn main() {}\nprintln!("stray");', CompileError, contains=("main", "statement")),
            ),
        },
    ),
    Case(
        # items after `%%` are locals of main: not remembered
        "double_percent_body_runs_unchanged",
        "3",
        {
            "c": (
                ok(PRELUDE),
                ok(
                    code(
                        "int kept = 1;",
                        "%%",
                        "struct point { int x; };",
                        "struct point v = {2};",
                        'printf("%d %d\\n", kept, v.x);',
                    ),
                    "1 2\n",
                    keys=("<stdio.h>", "<string.h>", "kept"),
                ),
            ),
            "go": (
                ok('import "fmt"\nvar kept = 1'),
                ok(
                    code(
                        "type local struct{ n int }",
                        "%%",
                        "type point struct{ x int }",
                        "v := point{2}",
                        "fmt.Println(kept, v.x)",
                    ),
                    "1 2\n",
                    keys=("fmt", "kept", "local"),
                ),
            ),
            "rust": (
                ok(
                    code(
                        "fn kept() -> i32 { 1 }",
                        "%%",
                        "fn local_only() -> i32 { 2 }",
                        'println!("{} {}", kept(), local_only())',
                    ),
                    "1 2\n",
                ),
                fails(
                    'println!("{}", local_only());', CompileError, listed=("kept",), unlisted=("local_only",)
                ),
            ),
        },
    ),
    Case(
        "stdin_gets_the_answer_or_end_of_file",
        "7",
        {
            "c": (
                ok(
                    '%%\nint n = 0;\nint k = scanf("%d", &n);\nprintf("%d %d\\n", n * 2, k);',
                    "42 1\n",
                    answers=("21",),
                ),
                ok('%%\nint n = 0;\nint k = scanf("%d", &n);\nprintf("%d %d\\n", n * 2, k);', "0 -1\n"),
            ),
            "go": (
                ok("%%\n" + GO_SCAN, "42 1 <nil>\n", answers=("21",)),
                ok("%%\n" + GO_SCAN, "0 0 EOF\n"),
            ),
            "rust": (
                ok("use std::io::BufRead;"),
                ok(RUST_READ_LINE, "12 [hello there]\n", answers=("hello there",)),
                ok(RUST_READ_LINE, "0 []\n"),
                ok(
                    "let numbers = std::io::stdin().lock().lines()"
                    ".map(|l| l.unwrap().trim().parse::<i32>().unwrap());\n"
                    'println!("{}", numbers.sum::<i32>());',
                    "7\n",
                    answers=("3", "4"),
                ),
            ),
        },
    ),
    Case(
        "args_and_env_reach_the_program",
        "6",
        {
            "c": (
                ok(PRELUDE + "#include <stdlib.h>"),
                ok("%args one 'two words'\n%env CCELL_GREETING=hello"),
                ok(
                    'printf("[%s] [%s] %s\\n", argv[1], argv[2], getenv("CCELL_GREETING"));',
                    "[one] [two words] hello\n",
                ),
            ),
            "go": (
                ok("%args one 'two words'\n%env CCELL_GREETING=hello"),
                ok('fmt.Printf("%q\\n", os.Args[1:])', '["one" "two words"]\n'),
                ok('fmt.Println(os.Getenv("CCELL_GREETING"))', "hello\n"),
            ),
            "rust": (
                ok("%args one 'two words'\n%env CCELL_GREETING=hello"),
                ok(RUST_ARGS, '["one", "two words"] hello\n'),
            ),
        },
    ),
    Case(
        "flags_reach_the_compiler",
        "6",
        {
            # link inputs apply to declaration-only cells too
            "c": (
                ok("%%writefile extra.c\nint extra(void) { return 7; }\n"),
                ok(
                    "%flags extra.c -I .\n"
                    + PRELUDE
                    + "int extra(void);\nint twice(void) { return 2 * extra(); }"
                ),
                ok('printf("%d\\n", twice());', "14\n"),
            ),
            "go": (
                ok('var version = "dev"'),
                ok("%flags -ldflags=-X=main.version=v9"),
                ok("fmt.Println(version)", "v9\n"),
                ok("%flags --clear"),
                ok("fmt.Println(version)", "dev\n"),
            ),
            "rust": (
                ok("%flags --cfg ccell_feature -C overflow-checks=off"),
                ok(
                    "#[cfg(ccell_feature)]\nfn on() -> bool { true }\n"
                    'let x: u8 = 255;\nlet y = x + u8::from(on());\nprintln!("{}", y);',
                    "0\n",
                ),
                ok("%flags '; rm -rf ~'"),
                fails('println!("never");', shown=("; rm -rf ~",)),
            ),
        },
    ),
)


def every_case() -> list[pytest.ParameterSet]:
    """Every case of every language, language by language: Rust's last (see conftest's rust_session)."""
    return [
        pytest.param(language, case, id=f"{language}-{case.name}")
        for language in CELLS
        for case in CASES
        if language in case.steps
    ]


def check(step: Step, cells: Cells, counts: list[int]) -> None:
    io, err = cells.run(step.code, None if step.answers is None else list(step.answers))
    counts.append(cells.count)
    if step.error is None:
        assert err is None, "\n".join(err.traceback)
    else:
        assert isinstance(err, step.error), f"{step.code!r} should fail with {step.error.__name__}: {err!r}"
        assert err.evalue.startswith(step.starts.format(*counts)), err.evalue
        assert step.evalue in (None, err.evalue), err.evalue
        assert step.ename in (None, err.ename), err.ename
        assert all(part in err.evalue for part in step.contains), err.evalue
        assert step.traceback is None or err.traceback[1:] == list(step.traceback), err.traceback
        assert all(part in "\n".join(err.traceback) for part in step.shown), err.traceback
    assert step.stdout in (None, io.text()), io.text()
    assert step.stderr in (None, io.text("stderr")), io.text("stderr")
    assert not step.quiet or io.streams == [], io.streams
    assert step.keys is None or cells.keys() == list(step.keys), cells.keys()
    listing = cells.session.listing()
    assert all(name in listing for name in step.listed), listing
    assert not any(name in listing for name in step.unlisted), listing


@pytest.mark.parametrize(("language", "case"), every_case())
def test_session(language: str, case: Case, request: pytest.FixtureRequest) -> None:
    cells: Cells = request.getfixturevalue(CELLS[language])
    counts: list[int] = []
    for step in case.steps[language]:
        check(step, cells, counts)

"""The cell model (CELL_MODEL.md) as one table, run against every language's kernel.

Each ``Case`` names what it checks and the CELL_MODEL section where that is promised, and gives per
language the cells to run, in order, each with what must come of it. The behaviour is shared; only
the code is each language's own. A new toolchain adds a column: the same cases in its language
(``docs/writing-a-toolchain.md``). ``run_case`` runs one case on a kernel, from ``%reset``.

In expected text, ``{n}`` is the execution count of the cell itself and ``{prev}`` that of the cell
before it.
"""

from __future__ import annotations

import datetime
import functools
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kernel_client import CellResult, RunningKernel

LANGUAGES = ("c", "go", "rust", "cpp")
OUTPUT_LIMIT = 20_000  # the table's kernels run with CCELL_OUTPUT_LIMIT set to this
ROOT = Path(__file__).resolve().parent.parent
CPP_PLUGIN = ROOT / "examples" / "ccell-cpp"


@dataclass(frozen=True)
class Cell:
    """One cell and what must come of it.

    By default the cell must succeed and print exactly ``stdout`` (None: not checked). With ``ename``
    it must fail with that error name (one IOPub error, its traceback starting ``ename: evalue``),
    ``evalue`` a substring of the error's value.
    """

    code: str
    stdout: str | None = ""
    ename: str | None = None
    evalue: str = ""
    stderr: str = ""  # a substring of stderr
    contains: tuple[str, ...] = ()  # substrings of stdout
    absent: tuple[str, ...] = ()  # never in stdout
    quiet: bool = False  # no output message at all
    answers: tuple[str, ...] | None = None  # allow stdin; exactly one input_request per answer
    prompts: tuple[str, ...] | None = None  # the input_requests' prompts (None: not checked)
    interrupt_on: str | None = None  # interrupt the cell once its stdout holds this ("": at once)
    # once stdout holds this, an interrupt_request dated before the cell's request arrives: it was meant
    # for an earlier cell and must not reach this one
    stale_interrupt_on: str | None = None
    streamed: bool = False  # the first stdout line arrives over a second before the last
    cut: bool = False  # the output is cut, with one notice


def ok(code: str, stdout: str | None = "", **more: object) -> Cell:
    """A cell that must succeed and print ``stdout`` (None: not checked)."""
    return Cell(code, stdout, **more)  # type: ignore[arg-type]


def quiet(code: str) -> Cell:
    """A declaration-only cell: compiled, not run, nothing printed."""
    return Cell(code, quiet=True)


def fails(code: str, ename: str, evalue: str = "", **more: object) -> Cell:
    """A cell that must fail with ``ename`` (its stdout is not checked unless given)."""
    return Cell(code, ename=ename, evalue=evalue, **{"stdout": None, **more})  # type: ignore[arg-type]


def _nothing(language: str) -> tuple[Cell, ...]:
    return ()


@dataclass(frozen=True)
class Case:
    """What one promise of CELL_MODEL.md looks like in every language.

    ``first`` and ``then`` give cells that go before and after each language's own ``cells``.
    """

    name: str
    section: str  # of CELL_MODEL.md
    cells: Mapping[str, tuple[Cell, ...]]  # per language
    first: Callable[[str], tuple[Cell, ...]] = _nothing
    then: Callable[[str], tuple[Cell, ...]] = _nothing

    def cells_for(self, language: str) -> tuple[Cell, ...]:
        return (*self.first(language), *self.cells[language], *self.then(language))


def code(*lines: str) -> str:
    """A cell's text, one argument per line."""
    return "\n".join(lines)


C = "#include <stdio.h>"
GO = 'import "fmt"'
CPP = "#include <iostream>"
PREFIX = {"c": C, "go": GO, "rust": "", "cpp": CPP}  # what a cell needs to print

SQUARE = {
    "c": code(C, "int square(int x) { return x * x; }"),
    "go": code(GO, "func square(x int) int { return x * x }"),
    "rust": "fn square(x: i32) -> i32 { x * x }",
    "cpp": code(CPP, "int square(int x) { return x * x; }"),
}
CUBE = {
    "c": "int square(int x) { return x * x * x; }",
    "go": "func square(x int) int { return x * x * x }",
    "rust": "fn square(x: i32) -> i32 { x * x * x }",
    "cpp": "int square(int x) { return x * x * x; }",
}
BROKEN_SQUARE = {
    "c": "int square(int x) { return x * nope; }",
    # Go and Rust: not a name declared later (that would wait, section 4) but a real error
    "go": 'func square(x int) int { return x * "nope" }',
    "rust": "fn square(x: &'nope i32) -> i32 { x * x }",
    "cpp": "int square(int x) { return x * nope; }",
}
SQUARE_KEY = {"c": "square", "go": "square", "rust": "square", "cpp": "square(int)"}  # overloads: by types


def print_call(call: str) -> dict[str, str]:
    """A statement printing the int ``call`` returns, per language."""
    return {
        "c": f'printf("%d\\n", {call});',
        "go": f"fmt.Println({call})",
        "rust": f'println!("{{}}", {call});',
        "cpp": f'std::cout << {call} << "\\n";',
    }


def same(*cells: Callable[[str], Cell] | Cell) -> dict[str, tuple[Cell, ...]]:
    """The same cells for every language: each a Cell, or a function of the language giving one."""
    return {lang: tuple(c if isinstance(c, Cell) else c(lang) for c in cells) for lang in LANGUAGES}


def per_language(**cells: tuple[Cell, ...]) -> dict[str, tuple[Cell, ...]]:
    assert set(cells) == set(LANGUAGES), f"a case needs every language, has {sorted(cells)}"
    return cells


STREAMED = "first\nsecond\n"
RUST_COUNT = 'COUNTER.fetch_add(1, Ordering::SeqCst);\nprintln!("{}", COUNTER.load(Ordering::SeqCst));'

CASES: tuple[Case, ...] = (
    Case(
        "function_remembered",
        "1",
        same(lambda lang: quiet(SQUARE[lang]), lambda lang: ok(print_call("square(7)")[lang], "49\n")),
    ),
    Case(
        "redefinition_replaces",
        "2",
        same(
            lambda lang: quiet(SQUARE[lang]),
            lambda lang: quiet(CUBE[lang]),
            lambda lang: ok(print_call("square(3)")[lang], "27\n"),
        ),
    ),
    Case(
        "broken_cell_leaves_memory_unchanged",
        "1, 5",
        same(
            lambda lang: quiet(SQUARE[lang]),
            lambda lang: fails(BROKEN_SQUARE[lang], "CompileError", "nope"),
            lambda lang: ok(print_call("square(7)")[lang], "49\n"),
        ),
    ),
    Case(
        "declaration_only_cell_prints_nothing",
        "1",
        per_language(
            # The initializers print when a program starts: these cells must not run one. (C and C++
            # are one live program, section 1a: initializers run once, when declared; a function then.)
            c=(
                quiet(code(C, 'int noisy(void) { return printf("ran\\n"); }')),
                ok(print_call("noisy()")["c"], "ran\n4\n"),
            ),
            go=(
                quiet(
                    code(GO, 'func announce() int { fmt.Println("ran"); return 4 }', "var noisy = announce()")
                ),
                ok(print_call("noisy")["go"], "ran\n4\n"),
            ),
            # Rust has no global with a side effect in its initializer: a function only
            rust=(
                quiet('fn noisy() -> i32 { println!("ran"); 4 }'),
                ok(print_call("noisy()")["rust"], "ran\n4\n"),
            ),
            cpp=(
                quiet(code(CPP, 'int noisy() { std::cout << "ran\\n"; return 4; }')),
                ok(print_call("noisy()")["cpp"], "ran\n4\n"),
            ),
        ),
    ),
    Case(
        "globals_start_from_their_initializer_in_every_run",
        "1",
        per_language(
            # section 1a: C's and C++'s globals live on (tests/test_live_c.py, tests/test_live_cpp.py);
            # %state fresh gives section 1
            c=(
                quiet(code(C, "int counter = 10;")),
                ok('counter++; printf("%d\\n", counter);', "11\n"),
                ok('counter++; printf("%d\\n", counter);', "12\n"),
            ),
            go=(
                quiet(code(GO, "var counter = 10")),
                ok("counter++\nfmt.Println(counter)", "11\n"),
                ok("counter++\nfmt.Println(counter)", "11\n"),
            ),
            rust=(
                quiet(
                    code(
                        "use std::sync::atomic::{AtomicI32, Ordering};",
                        "static COUNTER: AtomicI32 = AtomicI32::new(10);",
                    )
                ),
                ok(RUST_COUNT, "11\n"),
                ok(RUST_COUNT, "11\n"),
            ),
            cpp=(
                quiet(code(CPP, "int counter = 10;")),
                ok('counter++; std::cout << counter << "\\n";', "11\n"),
                ok('counter++; std::cout << counter << "\\n";', "12\n"),
            ),
        ),
    ),
    Case(
        "statements_run_in_order_around_declarations",
        "3",
        per_language(
            c=(
                ok(
                    code(C, 'printf("one\\n");', "int two(void) { return 2; }", 'printf("%d\\n", two());'),
                    "one\n2\n",
                ),
            ),
            go=(
                ok(
                    code(GO, 'fmt.Println("one")', "func two() int { return 2 }", "fmt.Println(two())"),
                    "one\n2\n",
                ),
            ),
            rust=(
                ok(code('println!("one");', "fn two() -> i32 { 2 }", 'println!("{}", two());'), "one\n2\n"),
            ),
            cpp=(
                ok(
                    code(
                        CPP,
                        'std::cout << "one\\n";',
                        "int two() { return 2; }",
                        'std::cout << two() << "\\n";',
                    ),
                    "one\n2\n",
                ),
            ),
        ),
    ),
    Case(
        "double_percent_makes_the_rest_main_body",
        "3",
        per_language(
            c=(
                ok(
                    code(
                        C,
                        "int kept = 1;",
                        "%%",
                        "int local_only = 2;",
                        'printf("%d %d\\n", kept, local_only);',
                    ),
                    "1 2\n",
                ),
                ok(print_call("kept")["c"], "1\n"),
                fails(print_call("local_only")["c"], "CompileError", "local_only"),
            ),
            go=(
                ok(
                    code(GO, "var kept = 1", "%%", "var localOnly = 2", "fmt.Println(kept, localOnly)"),
                    "1 2\n",
                ),
                ok(print_call("kept")["go"], "1\n"),
                fails(print_call("localOnly")["go"], "CompileError", "localOnly"),
            ),
            rust=(
                # after %%, even a fn is main's own (a nested fn), not remembered
                ok(
                    code(
                        "const KEPT: i32 = 1;",
                        "%%",
                        "fn local_only() -> i32 { 2 }",
                        'println!("{} {}", KEPT, local_only());',
                    ),
                    "1 2\n",
                ),
                ok(print_call("KEPT")["rust"], "1\n"),
                fails(print_call("local_only()")["rust"], "CompileError", "local_only"),
            ),
            cpp=(
                ok(
                    code(
                        CPP,
                        "int kept = 1;",
                        "%%",
                        "int local_only = 2;",
                        'std::cout << kept + local_only << "\\n";',
                    ),
                    "3\n",
                ),
                ok(print_call("kept")["cpp"], "1\n"),
                fails(print_call("local_only")["cpp"], "CompileError", "local_only"),
            ),
        ),
    ),
    Case(
        "own_main_runs_and_is_not_remembered",
        "3",
        per_language(
            c=(
                ok(
                    code(C, "int main(void) {", '    printf("own main\\n");', "    return 0;", "}"),
                    "own main\n",
                ),
            ),
            go=(ok(code(GO, "func main() {", '\tfmt.Println("own main")', "}"), "own main\n"),),
            rust=(ok(code("fn main() {", '    println!("own main");', "}"), "own main\n"),),
            cpp=(
                ok(
                    code(CPP, "int main() {", '    std::cout << "own main\\n";', "    return 0;", "}"),
                    "own main\n",
                ),
            ),
        ),
        then=lambda lang: (ok(print_call("2")[lang], "2\n"), ok("%list", None, absent=("main",))),
    ),
    Case(
        "main_and_statements_in_one_cell_is_an_error",
        "3",
        per_language(
            c=(
                fails(code(C, "int main(void) { return 0; }", 'printf("stray\\n");'), "CompileError", "main"),
            ),
            go=(fails(code(GO, "func main() {}", 'fmt.Println("stray")'), "CompileError", "main"),),
            rust=(fails(code("fn main() {}", 'println!("stray");'), "CompileError", "main"),),
            cpp=(
                fails(
                    code(CPP, "int main() { return 0; }", 'std::cout << "stray\\n";'), "CompileError", "main"
                ),
            ),
        ),
        then=lambda lang: (ok("%list", None, absent=("main",)),),  # the failed cell changed nothing
    ),
    Case(
        "exit_status",
        "3, 5",
        per_language(
            c=(
                fails(
                    code(C, 'printf("before\\n");', "return 3;"),
                    "ExitStatus",
                    "exit status 3",
                    stdout="before\n",
                ),
            ),
            go=(
                fails(
                    code('import (\n\t"fmt"\n\t"os"\n)', 'fmt.Println("before")', "os.Exit(3)"),
                    "ExitStatus",
                    "exit status 3",
                    stdout="before\n",
                ),
            ),
            rust=(
                fails(
                    code('println!("before");', "std::process::exit(3);"),
                    "ExitStatus",
                    "exit status 3",
                    stdout="before\n",
                ),
            ),
            cpp=(
                fails(
                    code(CPP, 'std::cout << "before\\n";', "return 3;"),
                    "ExitStatus",
                    "exit status 3",
                    stdout="before\n",
                ),
            ),
        ),
    ),
    Case(
        "compile_error_names_cell_and_line",
        "5",
        per_language(
            c=(fails(code(C, "int broken(void) { return nope; }"), "CompileError", "Cell In[{n}], line 2"),),
            go=(
                fails(
                    code("func fine() {}", 'func broken() int { return "nope" }'),
                    "CompileError",
                    "Cell In[{n}], line 2",
                ),
            ),
            rust=(
                fails(
                    code("fn fine() {}", 'fn broken() -> i32 { "nope" }'),
                    "CompileError",
                    "Cell In[{n}], line 2",
                ),
            ),
            cpp=(fails(code(CPP, "int broken() { return nope; }"), "CompileError", "Cell In[{n}], line 2"),),
        ),
    ),
    Case(
        "rm_forgets",
        "6",
        same(
            lambda lang: quiet(SQUARE[lang]),
            lambda lang: ok(f"%rm {SQUARE_KEY[lang]}", None, contains=(SQUARE_KEY[lang],)),
            lambda lang: fails(print_call("square(2)")[lang], "CompileError", "square"),
        ),
    ),
    Case(
        "reset_forgets_everything",
        "6",
        same(
            lambda lang: quiet(SQUARE[lang]),
            ok("%reset", None, contains=("memory cleared",)),
            lambda lang: fails(code(PREFIX[lang], print_call("square(2)")[lang]), "CompileError", "square"),
        ),
    ),
    Case(
        "list_shows_key_and_cell",
        "6",
        same(
            lambda lang: quiet(SQUARE[lang]),
            lambda lang: ok("%list", None, contains=(SQUARE_KEY[lang], "Cell In[{prev}]")),
        ),
    ),
    Case(
        "stdin_is_answered",
        "7",
        per_language(
            c=(
                ok(
                    code(
                        C, "int x = 0;", 'printf("number? ");', 'scanf("%d", &x);', 'printf("got %d\\n", x);'
                    ),
                    "got 42\n",  # the unfinished line before the read is the prompt (issue 17)
                    answers=("42",),
                    prompts=("number? ",),
                ),
            ),
            go=(
                ok(
                    code(GO, "var x int", 'fmt.Print("number? ")', "fmt.Scan(&x)", 'fmt.Println("got", x)'),
                    "got 42\n",  # the unfinished line before the read is the prompt (issue 17)
                    answers=("42",),
                    prompts=("number? ",),
                ),
            ),
            rust=(
                ok(
                    code(
                        'print!("number? ");',
                        "std::io::Write::flush(&mut std::io::stdout()).unwrap();",
                        "let mut line = String::new();",
                        "std::io::stdin().read_line(&mut line).unwrap();",
                        'println!("got {}", line.trim());',
                    ),
                    "got 42\n",  # the unfinished line before the read is the prompt (issue 17)
                    answers=("42",),
                    prompts=("number? ",),
                ),
            ),
            cpp=(
                ok(
                    code(
                        CPP,
                        "int x = 0;",
                        'std::cout << "number? ";',
                        "std::cin >> x;",
                        'std::cout << "got " << x << "\\n";',
                    ),
                    "got 42\n",  # the unfinished line before the read is the prompt (issue 17)
                    answers=("42",),
                    prompts=("number? ",),
                ),
            ),
        ),
    ),
    Case(
        "stdin_without_a_frontend_is_end_of_file",
        "7",
        per_language(
            c=(
                ok(
                    code(C, "%%", "int x = 5;", 'int n = scanf("%d", &x);', 'printf("n=%d x=%d\\n", n, x);'),
                    "n=-1 x=5\n",
                ),
            ),
            go=(
                ok(
                    code(GO, "%%", "var x int", "n, err := fmt.Scan(&x)", "fmt.Println(n, err != nil)"),
                    "0 true\n",
                ),
            ),
            rust=(
                ok(
                    code(
                        "let mut line = String::new();",
                        "let n = std::io::stdin().read_line(&mut line).unwrap();",
                        'println!("read {} bytes", n);',
                    ),
                    "read 0 bytes\n",
                ),
            ),
            cpp=(
                ok(
                    code(
                        CPP,
                        "%%",
                        "int x = 5;",
                        "std::cin >> x;",
                        'std::cout << x << " " << std::cin.eof() << "\\n";',
                    ),
                    "5 1\n",
                ),
            ),
        ),
    ),
    # Section 4: a real program split into cells, one top-level item a cell in the order of use, main's
    # body last. The global in the last cell makes the live program build again what uses the name `a`
    # (f and show), while idx stays in the unit of its own cell (beside f's build from before show came).
    Case(
        "functions_used_before_they_are_defined",
        "4",
        per_language(
            c=(
                ok(C),
                ok("void f(int *a) { a[0] = idx(a[0]); show(a); }", stderr="implicit declaration"),
                ok("int idx(int v) { return v / 10; }"),
                ok('void show(int *a) { printf("%d\\n", a[0]); }'),
                ok("int a[1] = {30}; f(a);", "3\n"),
                ok("a[0] = 70; f(a);", "7\n"),
            ),
            go=(
                ok(GO),
                ok("func f(a []int) { a[0] = idx(a[0]); show(a) }", stderr="waits for"),
                ok("func idx(v int) int { return v / 10 }"),
                quiet("func show(a []int) { fmt.Println(a[0]) }"),
                ok("a := []int{30}\nf(a)", "3\n"),
            ),
            rust=(
                ok("fn f(a: &mut [i32]) { a[0] = idx(a[0]); show(a); }", stderr="waits for"),
                ok("fn idx(v: i32) -> i32 { v / 10 }"),
                quiet('fn show(a: &[i32]) { println!("{}", a[0]); }'),
                ok("let mut a = [30];\nf(&mut a);", "3\n"),
            ),
            # C++ has no implicit declarations: a program split into cells declares before use
            cpp=(
                ok(CPP),
                fails("void f(int *a) { a[0] = idx(a[0]); show(a); }", "CompileError", "idx"),
                ok("int idx(int v);\nvoid show(int *a);"),
                ok("void f(int *a) { a[0] = idx(a[0]); show(a); }"),
                ok("int idx(int v) { return v / 10; }"),
                ok('void show(int *a) { std::cout << a[0] << "\\n"; }'),
                ok("int a[1] = {30}; f(a);", "3\n"),
            ),
        ),
    ),
    Case(
        "three_functions_defined_after_their_caller",
        "4",
        per_language(
            c=(
                ok(C),
                ok("int run(int x) { return third(second(first(x))); }", stderr="implicit declaration"),
                ok("int first(int x) { return x + 1; }"),
                ok("int second(int x) { return x * 10; }"),
                ok("int third(int x) { return x - 3; }"),
                ok('int x = 4; printf("%d\\n", run(x));', "47\n"),
            ),
            go=(
                ok(GO),
                ok("func run(x int) int { return third(second(first(x))) }", stderr="waits for"),
                ok("func first(x int) int { return x + 1 }"),
                ok("func second(x int) int { return x * 10 }"),
                quiet("func third(x int) int { return x - 3 }"),
                ok("x := 4\nfmt.Println(run(x))", "47\n"),
            ),
            rust=(
                ok("fn run(x: i32) -> i32 { third(second(first(x))) }", stderr="waits for"),
                ok("fn first(x: i32) -> i32 { x + 1 }"),
                ok("fn second(x: i32) -> i32 { x * 10 }"),
                quiet("fn third(x: i32) -> i32 { x - 3 }"),
                ok('let x = 4;\nprintln!("{}", run(x));', "47\n"),
            ),
            cpp=(
                ok(CPP),
                ok("int first(int);\nint second(int);\nint third(int);"),
                ok("int run(int x) { return third(second(first(x))); }"),
                ok("int first(int x) { return x + 1; }"),
                ok("int second(int x) { return x * 10; }"),
                ok("int third(int x) { return x - 3; }"),
                ok('int x = 4; std::cout << run(x) << "\\n";', "47\n"),
            ),
        ),
    ),
    # A type or a global used before it is declared: Go and Rust wait for it (pending); C and C++ say
    # so at once, as a compiler given the file in that order would, and keep the memory as it was.
    Case(
        "type_defined_after_its_use",
        "4",
        per_language(
            c=(
                ok(C),
                fails("int area(struct rect *r) { return r->w * r->h; }", "CompileError", "rect"),
                ok("struct rect { int w, h; };"),
                ok("int area(struct rect *r) { return r->w * r->h; }"),
                ok('struct rect r = {2, 3}; printf("%d\\n", area(&r));', "6\n"),
            ),
            go=(
                ok(GO),
                ok("func area(r Rect) int { return r.W * r.H }", stderr="waits for"),
                quiet("type Rect struct{ W, H int }"),
                ok("fmt.Println(area(Rect{2, 3}))", "6\n"),
            ),
            rust=(
                ok("fn area(r: &Rect) -> i32 { r.w * r.h }", stderr="waits for"),
                quiet("struct Rect { w: i32, h: i32 }"),
                ok('println!("{}", area(&Rect { w: 2, h: 3 }));', "6\n"),
            ),
            cpp=(
                ok(CPP),
                fails("int area(rect *r) { return r->w * r->h; }", "CompileError", "rect"),
                ok("struct rect { int w, h; };"),
                ok("int area(rect *r) { return r->w * r->h; }"),
                ok('rect r = {2, 3}; std::cout << area(&r) << "\\n";', "6\n"),
            ),
        ),
    ),
    Case(
        "global_defined_after_its_use",
        "4",
        per_language(
            c=(
                ok(C),
                fails("int twice(void) { return count * 2; }", "CompileError", "count"),
                ok("int count = 21;"),
                ok("int twice(void) { return count * 2; }"),
                ok('printf("%d\\n", twice());', "42\n"),
            ),
            go=(
                ok(GO),
                ok("func twice() int { return count * 2 }", stderr="waits for"),
                quiet("var count = 21"),
                ok("fmt.Println(twice())", "42\n"),
            ),
            rust=(
                ok("fn twice() -> i32 { COUNT * 2 }", stderr="waits for"),
                quiet("const COUNT: i32 = 21;"),
                ok('println!("{}", twice());', "42\n"),
            ),
            cpp=(
                ok(CPP),
                fails("int twice() { return count * 2; }", "CompileError", "count"),
                ok("int count = 21;"),
                ok("int twice() { return count * 2; }"),
                ok('std::cout << twice() << "\\n";', "42\n"),
            ),
        ),
    ),
    Case(
        "interrupt_keeps_memory",
        "5",
        per_language(
            c=(
                fails(
                    code(C, 'printf("looping\\n");', "for (;;);"), "KeyboardInterrupt", interrupt_on="looping"
                ),
            ),
            go=(
                fails(
                    code(GO, 'fmt.Println("looping")', "for {", "}"),
                    "KeyboardInterrupt",
                    interrupt_on="looping",
                ),
            ),
            rust=(
                fails(code('println!("looping");', "loop {}"), "KeyboardInterrupt", interrupt_on="looping"),
            ),
            cpp=(
                # an endless loop without side effects is undefined behaviour in C++: this one has one
                fails(
                    code(
                        CPP, 'std::cout << "looping\\n";', "for (volatile int spin = 0;; spin = spin + 1) {}"
                    ),
                    "KeyboardInterrupt",
                    interrupt_on="looping",
                ),
            ),
        ),
        first=lambda lang: (quiet(SQUARE[lang]),),
        then=lambda lang: (ok(print_call("square(7)")[lang], "49\n"),),
    ),
    # An interrupt reaches a cell only if it was sent after the cell's request: one meant for the cell
    # before (stop, then run; a client interrupting a cell that just ended) is a no-op, even when it is
    # handled while the cell runs; one sent right after the request stops it, whichever comes first.
    Case(
        "interrupt_reaches_only_the_cells_sent_before_it",
        "5",
        per_language(
            c=(
                ok(
                    code(C, "#include <unistd.h>", 'printf("started\\n"); sleep(1); printf("done\\n");'),
                    "started\ndone\n",
                    stale_interrupt_on="started",
                ),
                fails(code('printf("looping\\n");', "for (;;);"), "KeyboardInterrupt", interrupt_on=""),
            ),
            go=(
                ok(
                    code(GO, 'fmt.Println("started")', "time.Sleep(time.Second)", 'fmt.Println("done")'),
                    "started\ndone\n",
                    stale_interrupt_on="started",
                ),
                fails(code('fmt.Println("looping")', "for {", "}"), "KeyboardInterrupt", interrupt_on=""),
            ),
            rust=(
                ok(
                    code(
                        'println!("started");',
                        "std::thread::sleep(std::time::Duration::from_secs(1));",
                        'println!("done");',
                    ),
                    "started\ndone\n",
                    stale_interrupt_on="started",
                ),
                fails(code('println!("looping");', "loop {}"), "KeyboardInterrupt", interrupt_on=""),
            ),
            cpp=(
                ok(
                    code(
                        CPP,
                        "#include <unistd.h>",
                        'std::cout << "started" << std::endl; sleep(1);',
                        'std::cout << "done\\n";',
                    ),
                    "started\ndone\n",
                    stale_interrupt_on="started",
                ),
                fails(
                    code('std::cout << "looping\\n";', "for (volatile int spin = 0;; spin = spin + 1) {}"),
                    "KeyboardInterrupt",
                    interrupt_on="",
                ),
            ),
        ),
        then=lambda lang: (ok(code(PREFIX[lang], print_call("2")[lang]), "2\n"),),
    ),
    Case(
        "crash_or_panic_is_reported_and_the_kernel_lives",
        "5",
        per_language(
            c=(
                fails(
                    code(C, "%%", 'printf("partial\\n");', "int *volatile p = 0;", "*p = 1;"),
                    "SIGSEGV",
                    "Segmentation fault",
                    stdout="partial\n",
                ),
            ),
            go=(
                fails(
                    code('fmt.Println("partial")', 'panic("boom")'),
                    "ExitStatus",
                    "exit status 2",
                    stdout="partial\n",
                    stderr="Cell In[{n}], line 2",
                ),
            ),
            rust=(
                fails(
                    code('println!("partial");', 'panic!("boom");'),
                    "ExitStatus",
                    "exit status 101",
                    stdout="partial\n",
                    stderr="Cell In[{n}], line 2",
                ),
            ),
            cpp=(
                fails(
                    code(CPP, "%%", 'std::cout << "partial\\n";', "int *volatile p = nullptr;", "*p = 1;"),
                    "SIGSEGV",
                    "Segmentation fault",
                    stdout="partial\n",
                ),
            ),
        ),
        first=lambda lang: (quiet(SQUARE[lang]),),
        then=lambda lang: (ok(print_call("square(7)")[lang], "49\n"),),
    ),
    Case(
        "output_streams_while_the_program_runs",
        "7",
        per_language(
            c=(
                ok(
                    code(
                        C, "#include <unistd.h>", 'printf("first\\n");', "sleep(2);", 'printf("second\\n");'
                    ),
                    STREAMED,
                    streamed=True,
                ),
            ),
            go=(
                ok(
                    code(
                        'import (\n\t"fmt"\n\t"time"\n)',
                        'fmt.Println("first")',
                        "time.Sleep(2 * time.Second)",
                        'fmt.Println("second")',
                    ),
                    STREAMED,
                    streamed=True,
                ),
            ),
            rust=(
                ok(
                    code(
                        'println!("first");',
                        "std::thread::sleep(std::time::Duration::from_secs(2));",
                        'println!("second");',
                    ),
                    STREAMED,
                    streamed=True,
                ),
            ),
            cpp=(
                ok(
                    code(
                        CPP,
                        "#include <chrono>",
                        "#include <thread>",
                        'std::cout << "first\\n";',
                        "std::this_thread::sleep_for(std::chrono::seconds(2));",
                        'std::cout << "second\\n";',
                    ),
                    STREAMED,
                    streamed=True,
                ),
            ),
        ),
    ),
    Case(
        "output_beyond_the_limit_is_cut_with_a_notice",
        "7",
        per_language(
            # 200 kB, ten times the limit of the table's kernels
            c=(ok(code(C, "%%", 'for (int i = 0; i < 2000; i++) printf("%099d\\n", i);'), None, cut=True),),
            go=(
                ok(
                    code(GO, "for i := 0; i < 2000; i++ {", '\tfmt.Printf("%099d\\n", i)', "}"),
                    None,
                    cut=True,
                ),
            ),
            rust=(ok(code("for i in 0..2000 {", '    println!("{:099}", i);', "}"), None, cut=True),),
            cpp=(
                ok(
                    code(
                        "#include <cstdio>",
                        "%%",
                        'for (int i = 0; i < 2000; i++) std::printf("%099d\\n", i);',
                    ),
                    None,
                    cut=True,
                ),
            ),
        ),
        then=lambda lang: (ok(code(PREFIX[lang], print_call("2")[lang]), "2\n"),),
    ),
    Case("unknown_magic_is_a_magic_error", "6", same(fails("%frobnicate now", "MagicError", "frobnicate"))),
    # peer kernels' magics (GoNB, evcxr; issue 16): a notebook written for them runs unchanged
    Case(
        "capture_shows_the_output_and_writes_it_to_a_file",
        "6",
        same(
            lambda lang: ok(code("%capture out.txt", PREFIX[lang], print_call("6 * 7")[lang]), "42\n"),
            ok("!cat out.txt", "42\n"),
            ok("%capture -a out.txt\n!echo more", "more\n"),
            ok("!cat out.txt", "42\nmore\n"),
        ),
    ),
    Case(
        "capture_into_a_missing_folder_is_a_magic_error_and_runs_nothing",
        "6",
        same(
            lambda lang: fails(
                code("%capture no/such/out.txt", "!echo ran", PREFIX[lang], print_call("1")[lang]),
                "MagicError",
                "no/such/out.txt",
                stdout="",
            ),
        ),
    ),
    Case(
        "ls_is_list",
        "6",
        same(
            lambda lang: quiet(SQUARE[lang]),
            lambda lang: ok("%ls", None, contains=(SQUARE_KEY[lang], "Cell In[{prev}]")),
        ),
    ),
    Case(
        "script_feeds_the_cell_to_a_program",
        "6",
        same(
            ok("%%script python3\nimport sys\nprint(6 * 7, sys.stdin.read() == '')", "42 True\n"),
            ok("%%script bash -e\necho one\necho two", "one\ntwo\n"),
            fails("%%script no-such-interpreter --flag\nbody", "MagicError", "no-such-interpreter"),
        ),
    ),
    Case(
        "rm_of_a_key_nothing_has_warns_and_goes_on",
        "6",
        same(
            lambda lang: quiet(SQUARE[lang]),
            lambda lang: ok(f"%rm nope {SQUARE_KEY[lang]}", f"forgot {SQUARE_KEY[lang]}\n", stderr="nope"),
            lambda lang: ok("%list", None, absent=(SQUARE_KEY[lang],)),
        ),
    ),
)


# -- running a case ----------------------------------------------------------------------------------

CELL_TIMEOUT = 90.0  # a first Rust or Go build on a busy 2-core machine
NOTICE = "output cut"


def run_case(kernel: RunningKernel, case: Case, language: str) -> None:
    """Run ``case``'s cells for ``language`` on ``kernel`` (from ``%reset``), checking each."""
    kernel.ok("%reset\n%flags --clear\n%args --clear")
    for index, cell in enumerate(case.cells_for(language), 1):
        result = run(kernel, cell)
        check(result, cell, f"{language}, {case.name} (CELL_MODEL {case.section}), cell {index}")


def run(kernel: RunningKernel, cell: Cell) -> CellResult:
    stop, stale = cell.interrupt_on, cell.stale_interrupt_on
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    sent: list[bool] = []

    def when(result: CellResult) -> bool:
        if stale is not None and stale in result.stdout and not sent:
            kernel.interrupt_dated(before)
            sent.append(True)
        return stop is not None and stop in result.stdout

    result = kernel.execute(
        cell.code,
        allow_stdin=cell.answers is not None,
        answers=cell.answers or (),
        interrupt_when=when,
        timeout=CELL_TIMEOUT,
    )
    assert stale is None or sent, f"the stale interrupt was never sent:\n{result.describe()}"
    return result


def check(result: CellResult, cell: Cell, where: str) -> None:
    assert result.reply is not None
    n = int(result.reply["execution_count"])
    expand = lambda text: text.replace("{n}", str(n)).replace("{prev}", str(n - 1))  # noqa: E731
    context = f"{where}:\n{cell.code}\n--- got:\n{result.describe()}"
    if cell.ename is None:
        assert result.status == "ok" and not result.errors, context
    else:
        assert result.status == "error" and result.ename == cell.ename, context
        error = result.error
        assert expand(cell.evalue) in error["evalue"], context
        assert error["traceback"][0] == f"{error['ename']}: {error['evalue']}", context
        assert [m.msg_type for m in result.outputs].count("error") == 1, context
    if cell.stdout is not None:
        assert result.stdout == expand(cell.stdout), context
    for text in cell.contains:
        assert expand(text) in result.stdout, context
    for text in cell.absent:
        assert expand(text) not in result.stdout, context
    assert expand(cell.stderr) in result.stderr, context
    if cell.quiet:
        assert result.outputs == [], context
    assert len(result.input_requests) == len(cell.answers or ()), context
    if cell.prompts is not None:
        assert tuple(r.content["prompt"] for r in result.input_requests) == cell.prompts, context
    if cell.interrupt_on is not None:
        assert result.interrupted_at is not None, context
    if cell.streamed:
        stdout = result.streams("stdout")
        assert len(stdout) >= 2, f"the first line must not wait for the program to end; {context}"
        assert stdout[-1].arrived - stdout[0].arrived > 1.0, context
    if cell.cut:
        text = result.text
        assert text.count(NOTICE) == 1, context[:3000]
        assert OUTPUT_LIMIT <= len(text) < OUTPUT_LIMIT + 4096, (len(text), context[:3000])


# -- the kernels -------------------------------------------------------------------------------------


def kernel_name(language: str) -> str:
    return f"ccell-{language}"


def prepare(language: str) -> None:
    """Whatever a language's kernel needs before it can start (C, Go, Rust come with ccellkernel)."""
    if language == "cpp":
        install_cpp_plugin()


@functools.cache
def install_cpp_plugin() -> None:
    """Install examples/ccell-cpp into this Python's environment, as a user of the plugin would.

    Not editable: what is tested is the wheel. Its kernelspec is shared data of the wheel; if that
    did not land where Jupyter looks, the plugin's kernelspec is installed the other way, with
    ``ccellkernel install``.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    pip = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", str(CPP_PLUGIN)]
    done = subprocess.run(pip, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"pip install {CPP_PLUGIN} failed:\n{done.stdout}\n{done.stderr}"
    if kernel_name("cpp") not in KernelSpecManager().find_kernel_specs():
        install = [sys.executable, "-m", "ccellkernel", "install", "--sys-prefix", "cpp"]
        done = subprocess.run(install, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr

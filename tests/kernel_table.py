"""What the C, Go and Rust kernels share, as a table: the code of each language for each test of
``test_kernel_table.py``.

Each name below is one test's data, keyed by language (``LANGUAGES``); a test with variants keys them
by variant first, and every language fills every variant. The behaviour is shared (CELL_MODEL.md and
the kernel's own promises); only the code and what it prints are each language's own. What only one
language has stays in that language's ``test_kernel_<language>.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cell_model_table import code, print_call

LANGUAGES = ("c", "go", "rust")

STDIO = "#include <stdio.h>\n"
PREFIX = {"c": STDIO, "go": "", "rust": ""}  # what a cell needs to print


# -- the kernels -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kernel:
    """How the table starts one language's shared kernel, and empties it before each test."""

    output_limit: int  # CCELL_OUTPUT_LIMIT, bytes per cell
    reset: str
    env: Mapping[str, str]  # besides the output limit and INHERITED
    warm_up: str | None = None  # a first cell, with a long timeout


INHERITED = ("CCELL_TABLE_INHERITED", "from the kernel")  # in every kernel's environment

KERNELS = {
    "c": Kernel(100_000, "%reset\n%flags --clear\n%args --clear\n%state live", {}),
    # the first build waits for the background warm-up's standard library (seconds if the cache is cold)
    "go": Kernel(200_000, "%reset\n%flags --clear\n%args --clear", {}, warm_up='fmt.Println("warm")'),
    # a panic's stderr must not depend on the environment the tests run in
    "rust": Kernel(50_000, "%reset\n%flags --clear\n%args --clear\n%env --clear", {"RUST_BACKTRACE": "0"}),
}


def say(text: str) -> dict[str, str]:
    """A statement printing ``text`` and a newline, per language (``text`` needs no escaping)."""
    return {"c": f'printf("{text}\\n");', "go": f'fmt.Println("{text}")', "rust": f'println!("{text}");'}


REMEMBERED = {  # declares remembered(), which returns 7
    "c": STDIO + "int remembered(void) { return 7; }",
    "go": "func remembered() int { return 7 }",
    "rust": "fn remembered() -> i32 { 7 }",
}
CALL_REMEMBERED = print_call("remembered()")  # prints "7\n"


# -- 1. a notebook is one program; 2. keys ----------------------------------------------------------------

SQUARE = {
    "c": STDIO + "int square(int x) { return x * x; }",
    "go": "func square(x int) int { return x * x }",
    "rust": "fn square(x: i32) -> i32 {\n    x * x\n}",
}
SQUARES_IN_A_LOOP = {  # prints "1 4 9 \n"
    "c": 'for (int i = 1; i <= 3; i++) printf("%d ", square(i));\nprintf("\\n");',
    "go": 'for i := 1; i <= 3; i++ {\n\tfmt.Print(square(i), " ")\n}\nfmt.Println()',
    "rust": 'for i in 1..=3 {\n    print!("{} ", square(i));\n}\nprintln!();',
}
SHAPE = {  # a function declared, then again with a new body
    "c": (STDIO + "int shape(int x) { return x * x; }", "int shape(int x) { return x * x * x; }"),
    "go": ("func shape(x int) int { return x * x }", "func shape(x int) int { return x * x * x }"),
    "rust": ("fn shape(x: i32) -> i32 { x * x }", "fn shape(x: i32) -> i32 { x * x * x }"),
}


# -- 5. errors ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompileErrorShape:
    """A cell whose first error is at ``line``, after ``before`` declared ``before()`` (returns 1)."""

    before: str
    cell: str
    line: int
    message: str  # what the evalue says after ``Cell In[n], line L: error: `` (its start)
    message_is_all: bool  # the message is the whole rest of the evalue
    source: str  # traceback[1], stripped: the line of the cell
    caret_under: str  # traceback[2]'s caret stands under this in traceback[1]
    keys: tuple[str, ...]  # %list's keys after the failed cell: the memory is unchanged
    exact_lines: tuple[str, str] | None = None  # traceback[1] and [2] as they are


COMPILE_ERROR_SHAPE = {
    "c": CompileErrorShape(
        before=STDIO + "int before(void) { return 1; }",
        cell='int fine = 1;\nint broken(void) {\n    printf("%d\\n", 1.5);\n    return not_declared;\n}',
        line=4,
        message="",
        message_is_all=False,
        source="return not_declared;",
        caret_under="not_declared",
        keys=("<stdio.h>", "before"),
    ),
    "go": CompileErrorShape(
        before="func before() int { return 1 }",
        cell='var fine = 1\nfunc broken() int {\n\treturn "text"\n}',
        line=3,
        message='cannot use "text" (untyped string constant) as int value in return statement',
        message_is_all=True,
        source='return "text"',
        caret_under='"text"',
        keys=("before",),
        exact_lines=('    \treturn "text"', "    \t       ^"),
    ),
    "rust": CompileErrorShape(
        before="fn before() -> i32 { 1 }",
        cell='let fine = before();\nlet text = "seven";\nlet n: i32 = text;',
        line=3,
        message="mismatched types",
        message_is_all=False,
        source="let n: i32 = text;",
        caret_under="text;",
        keys=("before",),
    ),
}

TWO_ERRORS = {  # a cell with an error on line 1 and one on line 2, each naming its token
    "c": (
        "int one(void) { return missing_a; }\nint two(void) { return missing_b; }",
        "missing_a",
        "missing_b",
    ),
    "go": ('func one() int { return "a" }\nfunc two() int { return "b" }', '"a"', '"b"'),
    # errors other than names declared later: those would wait (CELL_MODEL.md section 4)
    "rust": ('fn one() -> i32 { "a" }\nfn two() -> i32 { "b" }', '"a"', '"b"'),
}


@dataclass(frozen=True)
class Failure:
    """A cell that fails with ``ename`` (and ``evalue``, if given) in one error output."""

    code: str
    ename: str
    evalue: str | None = None
    quiet: bool = True  # the error is the only output (else streams may come before it)
    has: tuple[str, ...] = ()  # in the evalue


MAIN = ("main", "statement")  # what a cell with main and statements is told


REMEMBERS_5 = {  # declares remembered(), which returns 5 (the C one with stdlib.h for abort)
    "c": STDIO + "#include <stdlib.h>\nint remembered(void) { return 5; }",
    "go": "func remembered() int { return 5 }",
    "rust": "fn remembered() -> i32 { 5 }",
}
FAILURES: dict[str, dict[str, Failure]] = {
    "exit": {
        "c": Failure("return 3;", "ExitStatus", "exit status 3"),
        "go": Failure("os.Exit(3)", "ExitStatus", "exit status 3"),
        "rust": Failure("std::process::exit(7);", "ExitStatus", "exit status 7"),
    },
    "signal": {
        "c": Failure("int *p = 0; *p = 1;", "SIGSEGV", "Segmentation fault"),
        "go": Failure("syscall.Kill(syscall.Getpid(), syscall.SIGKILL)", "SIGKILL", "Killed"),
        "rust": Failure(
            "unsafe { std::ptr::write_volatile(std::ptr::null_mut::<i32>(), 1) };",
            "SIGSEGV",
            "Segmentation fault",
        ),
    },
    "abort": {
        "c": Failure("abort();", "SIGABRT", "Aborted"),
        # the Go runtime catches SIGABRT: it prints every goroutine and exits with status 2
        "go": Failure(
            "syscall.Kill(syscall.Getpid(), syscall.SIGABRT)", "ExitStatus", "exit status 2", quiet=False
        ),
        "rust": Failure("std::process::abort();", "SIGABRT", "Aborted"),
    },
    "panic": {  # C's nearest is a failed assert
        "c": Failure('#include <assert.h>\nassert(1 + 1 == 3 && "no");', "SIGABRT", "Aborted", quiet=False),
        "go": Failure('panic("no")', "ExitStatus", "exit status 2", quiet=False),
        "rust": Failure('panic!("no");', "ExitStatus", "exit status 101", quiet=False),
    },
    "compile": {
        "c": Failure("int f(void) { return nope; }", "CompileError"),
        "go": Failure('func f() int { return "nope" }', "CompileError"),
        "rust": Failure('let x: i32 = "no";', "CompileError"),
    },
    "main-and-statements": {
        "c": Failure('int main(void) { return 0; }\nprintf("stray\\n");', "CompileError", has=MAIN),
        "go": Failure('func main() {}\nfmt.Println("stray")', "CompileError", has=MAIN),
        "rust": Failure("fn main() {}\nlet x = 1;", "CompileError", has=MAIN),
    },
    "magic": {lang: Failure("%no_such_magic", "MagicError") for lang in LANGUAGES},
    "env-magic": {lang: Failure("%env NO_EQUALS_SIGN", "MagicError") for lang in LANGUAGES},
}


@dataclass(frozen=True)
class Missing:
    """A kernel started without its compiler: the first cell fails with ToolchainNotFound."""

    env: Mapping[str, str]  # besides PATH (an empty folder) and HOME (the test's folder)
    cell: str
    says: tuple[str, ...]  # in the evalue
    says_lower: tuple[str, ...]  # in the evalue, lower-cased


MISSING_TOOLCHAIN = {
    "no-compiler": {
        "c": Missing({"CC": ""}, "int x = 1;\nx++;", ("restart",), ("install",)),
        "go": Missing({"GO": ""}, 'fmt.Println("x")', ("go on PATH", "restart"), ("install",)),
        "rust": Missing({"RUSTC": ""}, 'let x = 1;\nprintln!("{}", x);', ("rustc", "restart"), ("install",)),
    },
    "bad-setting": {
        "c": Missing({"CC": "no-such-cc"}, "int x = 1;\nx++;", ("restart",), ("no-such-cc",)),
        "go": Missing({"GO": "no-such-go"}, 'fmt.Println("x")', ("restart",), ("no-such-go",)),
        "rust": Missing(
            {"RUSTC": "no-such-rustc"}, 'let x = 1;\nprintln!("{}", x);', ("restart",), ("no-such-rustc",)
        ),
    },
}


# -- 6. magics and the shell --------------------------------------------------------------------------------

MAGICS = ("%%", "%help", "%list", "%show", "%rm", "%reset", "%flags", "%args", "%env", "!")

READS_THE_SHELLS_FILE = {  # prints "<language> read: " and what by_shell.txt holds
    "c": STDIO
    + '%%\nchar buf[32] = {0};\nFILE *f = fopen("by_shell.txt", "r");\n'
    + 'fgets(buf, 32, f);\nprintf("C read: %s", buf);',
    "go": 'b, _ := os.ReadFile("by_shell.txt")\nfmt.Print("Go read: ", string(b))',
    "rust": 'print!("Rust read: {}", std::fs::read_to_string("by_shell.txt")?);',
}
READER = {"c": "C", "go": "Go", "rust": "Rust"}

PRINTS_ARGS = {  # the program's arguments after %args one 'two words'
    "c": (
        STDIO + 'printf("%d\\n", argc);\nfor (int i = 1; i < argc; i++) printf("[%s]\\n", argv[i]);',
        "3\n[one]\n[two words]\n",
    ),
    "go": (
        'fmt.Println(len(os.Args))\nfor _, a := range os.Args[1:] {\n\tfmt.Printf("[%s]\\n", a)\n}',
        "3\n[one]\n[two words]\n",
    ),
    "rust": (
        'let args: Vec<String> = std::env::args().skip(1).collect();\nprintln!("{:?}", args);',
        '["one", "two words"]\n',
    ),
}
PRINTS_ENV = {  # prints CCELL_TEST_GREETING|CCELL_TEST_SPACED|<INHERITED>
    "c": STDIO
    + "#include <stdlib.h>\n%%\n"
    + 'printf("%s|%s|%s\\n", getenv("CCELL_TEST_GREETING"), getenv("CCELL_TEST_SPACED"), '
    + f'getenv("{INHERITED[0]}"));',
    "go": 'fmt.Printf("%s|%s|%s\\n", os.Getenv("CCELL_TEST_GREETING"), os.Getenv("CCELL_TEST_SPACED"), '
    + f'os.Getenv("{INHERITED[0]}"))',
    "rust": code(
        "let var = |name: &str| std::env::var(name).unwrap_or_default();",
        'println!("{}|{}|{}", var("CCELL_TEST_GREETING"), var("CCELL_TEST_SPACED"), '
        + f'var("{INHERITED[0]}"));',
    ),
}


# -- interrupts ---------------------------------------------------------------------------------------------

INTERRUPT_TIMEOUT = {"c": 20.0, "go": 30.0, "rust": 30.0}
SPIN = {  # prints "looping", then never ends
    "c": 'printf("looping\\n");\nfor (;;);',
    "go": 'fmt.Println("looping")\nfor {\n}',
    "rust": 'println!("looping");\nloop {\n    std::hint::spin_loop();\n}',
}
IGNORES_SIGINT = {  # SPIN, with SIGINT ignored first
    "c": STDIO + '#include <signal.h>\nsignal(SIGINT, SIG_IGN);\nprintf("looping\\n");\nfor (;;);',
    "go": 'signal.Ignore(os.Interrupt)\nfmt.Println("looping")\nfor {\n}',
    "rust": 'extern "C" {\n    fn signal(signum: i32, handler: usize) -> usize;\n}\n'
    + "unsafe { signal(2, 1) };  // SIGINT, SIG_IGN\n"
    + SPIN["rust"],
}
READS_A_NUMBER = {  # reads one line's number and prints "read <it>"
    "c": 'int x; scanf("%d", &x); printf("read %d\\n", x);',
    "go": 'var x int\nfmt.Scan(&x)\nfmt.Println("read", x)',
    "rust": "let mut line = String::new();\n"
    + 'std::io::stdin().read_line(&mut line)?;\nprintln!("read {}", line.trim());',
}


# -- 7. input and output -------------------------------------------------------------------------------------

STREAMED = {  # prints "first", waits over a second, prints "second"
    "flushed": {
        "c": STDIO
        + '#include <unistd.h>\nprintf("first\\n"); fflush(stdout);\nsleep(2);\nprintf("second\\n");',
        "go": code(
            'fmt.Println("first")',
            "os.Stdout.Sync()",
            "time.Sleep(1500 * time.Millisecond)",
            'fmt.Println("second")',
        ),
        "rust": 'println!("first");\nstd::io::Write::flush(&mut std::io::stdout())?;\n'
        + 'std::thread::sleep(std::time::Duration::from_millis(1500));\nprintln!("second");',
    },
    "unflushed": {
        "c": STDIO + '#include <unistd.h>\nprintf("first\\n"); \nsleep(2);\nprintf("second\\n");',
        "go": 'fmt.Println("first")\ntime.Sleep(1500 * time.Millisecond)\nfmt.Println("second")',
        "rust": 'println!("first");\nstd::thread::sleep(std::time::Duration::from_millis(1500));\n'
        + 'println!("second");',
    },
}
OUT_ERR_OUT = {  # "out 1" on stdout, "err 1" on stderr, "out 2" on stdout, 200 ms apart
    "c": STDIO
    + "#include <unistd.h>\n"
    + 'printf("out 1\\n"); usleep(200000);\n'
    + 'fprintf(stderr, "err 1\\n"); usleep(200000);\n'
    + 'printf("out 2\\n");',
    "go": 'fmt.Println("out 1")\ntime.Sleep(200 * time.Millisecond)\n'
    + 'fmt.Fprintln(os.Stderr, "err 1")\ntime.Sleep(200 * time.Millisecond)\nfmt.Println("out 2")',
    "rust": 'println!("out 1");\nstd::thread::sleep(std::time::Duration::from_millis(200));\n'
    + 'eprintln!("err 1");\nstd::thread::sleep(std::time::Duration::from_millis(200));\nprintln!("out 2");',
}


@dataclass(frozen=True)
class Prompted:
    """A cell that prints ``before``, then ``prompt`` (no newline), reads ``answer`` and prints ``after``."""

    code: str
    answer: str
    prompt: str
    after: str
    before: str = "first line\n"


PROMPTED = {
    "c": Prompted(
        STDIO + 'int x = 0;\nprintf("first line\\nnumber? ");\nscanf("%d", &x);\nprintf("got %d\\n", x);',
        "42",
        "number? ",
        "got 42\n",
    ),
    "go": Prompted(
        'var x int\nfmt.Println("first line")\nfmt.Print("number? ")\nfmt.Scan(&x)\nfmt.Println("got", x)',
        "42",
        "number? ",
        "got 42\n",
    ),
    "rust": Prompted(
        'println!("first line");\nprint!("name? ");\nstd::io::Write::flush(&mut std::io::stdout())?;\n'
        + "let mut line = String::new();\nstd::io::stdin().read_line(&mut line)?;\n"
        + 'println!("hello, {}", line.trim());',
        "Ferris",
        "name? ",
        "hello, Ferris\n",
    ),
}
PROMPT_WITHOUT_INPUT = {  # prints "number? ", reads end-of-file, prints "got 7\n"
    "c": STDIO + 'int x = 7;\nprintf("number? ");\nscanf("%d", &x);\nprintf("got %d\\n", x);',
    "go": 'x := 7\nfmt.Print("number? ")\nfmt.Scan(&x)\nfmt.Println("got", x)',
    "rust": 'let mut line = String::new();\nprint!("number? ");\nstd::io::stdin().read_line(&mut line)?;\n'
    + 'println!("got {}", line.trim().parse::<i32>().unwrap_or(7));',
}
TWO_READS = {  # reads two numbers, prints "sum <their sum>"
    "c": STDIO + 'int a = 0, b = 0;\nscanf("%d", &a);\nscanf("%d", &b);\nprintf("sum %d\\n", a + b);',
    "go": 'var a, b int\nfmt.Scan(&a)\nfmt.Scan(&b)\nfmt.Println("sum", a+b)',
    "rust": "let mut total = 0;\nfor _ in 0..2 {\n    let mut line = String::new();\n"
    + "    std::io::stdin().read_line(&mut line)?;\n    total += line.trim().parse::<i32>()?;\n}\n"
    + 'println!("sum {}", total);',
}
WHOLE_LINE = {  # reads the line "hello world"
    "c": (
        STDIO + 'char line[64] = {0};\nfgets(line, sizeof line, stdin);\nprintf("[%s]", line);',
        "[hello world\n]",
    ),
    "go": (
        "line, err := bufio.NewReader(os.Stdin).ReadString('\\n')\nfmt.Printf(\"[%s] %v\\n\", line, err)",
        "[hello world\n] <nil>\n",
    ),
    "rust": (
        'let mut line = String::new();\nstd::io::stdin().read_line(&mut line)?;\nprint!("[{}]", line);',
        "[hello world\n]",
    ),
}
NO_READ = {  # prints "busy", waits half a second, prints "done"; reads nothing
    "c": STDIO + '#include <unistd.h>\n%%\nprintf("busy\\n");\nusleep(500000);\nprintf("done\\n");',
    "go": 'fmt.Println("busy")\ntime.Sleep(500 * time.Millisecond)\nfmt.Println("done")',
    "rust": code(
        'println!("busy");', "std::thread::sleep(std::time::Duration::from_millis(500));", 'println!("done");'
    ),
}
READS_EOF = {  # reads with no stdin: what each read gives at end-of-file
    "c": (
        STDIO + 'int x = 5;\nint n = scanf("%d", &x);\nchar line[8];\n'
        'const char *got = fgets(line, 8, stdin) ? "line" : "NULL";\n'
        'printf("n=%d x=%d fgets=%s getchar=%d\\n", n, x, got, getchar());',
        "n=-1 x=5 fgets=NULL getchar=-1\n",
    ),
    "go": ("x := 5\nn, err := fmt.Scan(&x)\nfmt.Println(n, x, err)", "0 5 EOF\n"),
    "rust": (
        code(
            "let mut line = String::new();",
            "let n = std::io::stdin().read_line(&mut line)?;",
            'println!("read {}", n);',
        ),
        "read 0\n",
    ),
}
FLOOD = {  # far more than the output limit on stdout, then END-MARKER on stderr, then done.txt
    "c": STDIO
    + "#include <string.h>\n%%\n"
    + "char line[100];\nmemset(line, 'x', 99);\nline[99] = 0;\n"
    + "for (int i = 0; i < 400000; i++) puts(line);\n"  # 40 MB
    + 'fprintf(stderr, "END-MARKER\\n");\n'
    + 'FILE *f = fopen("done.txt", "w"); fputs("done", f); fclose(f);',
    "go": 'line := strings.Repeat("x", 99) + "\\n"\n'
    + "for i := 0; i < 100000; i++ {\n\tos.Stdout.WriteString(line)\n}\n"  # 10 MB
    + 'fmt.Fprintln(os.Stderr, "END-MARKER")\n'
    + 'os.WriteFile("done.txt", []byte("done"), 0o644)',
    "rust": 'let line = "x".repeat(99);\nfor _ in 0..20_000 {\n    println!("{}", line);\n}\n'  # 2 MB
    + 'eprintln!("END-MARKER");\nstd::fs::write("done.txt", "done")?;',
}

RUST_WRITE = "use std::io::Write;\nlet mut out = std::io::stdout();\n"
BAD_BYTES = {  # (code, what arrives)
    "invalid-utf8": {
        "c": ('fwrite("a\\xff\\xfe" "b\\n", 1, 5, stdout);', "a\ufffd\ufffdb\n"),
        "go": ('os.Stdout.Write([]byte("a\\xff\\xfeb\\n"))', "a\ufffd\ufffdb\n"),
        "rust": (
            'use std::io::Write;\nstd::io::stdout().write_all(b"a\\xff\\xfeb\\n")?;',
            "a\ufffd\ufffdb\n",
        ),
    },
    "nul": {
        "c": ('fwrite("x\\0y\\n", 1, 4, stdout);', "x\ufffdy\n"),
        "go": ('os.Stdout.Write([]byte("x\\x00y\\n"))', "x\ufffdy\n"),
        "rust": (RUST_WRITE + 'out.write_all(b"x\\0y\\n")?;', "x\ufffdy\n"),
    },
    "split-character": {
        "c": (
            'fwrite("caf\\xc3", 1, 4, stdout); fflush(stdout);\n'
            + 'usleep(300000); fwrite("\\xa9\\n", 1, 2, stdout);',
            "café\n",
        ),
        "go": (
            'os.Stdout.Write([]byte("caf\\xc3"))\ntime.Sleep(300 * time.Millisecond)\n'
            + 'os.Stdout.Write([]byte("\\xa9\\n"))',
            "café\n",
        ),
        "rust": (
            RUST_WRITE
            + 'out.write_all(b"caf\\xc3")?;\nout.flush()?;\n'
            + 'std::thread::sleep(std::time::Duration::from_millis(300));\nout.write_all(b"\\xa9\\n")?;',
            "café\n",
        ),
    },
    "truncated-at-end": {
        "c": ('fwrite("tail\\xe2\\x82", 1, 6, stdout);', "tail\ufffd"),
        "go": ('os.Stdout.Write([]byte("tail\\xe2\\x82"))', "tail\ufffd"),
        "rust": (RUST_WRITE + 'out.write_all(b"tail\\xe2\\x82")?;\nout.flush()?;', "tail\ufffd"),
    },
}
BAD_BYTES_FIRST = {"c": STDIO + "#include <unistd.h>", "go": None, "rust": None}  # a cell before

EMPTY_CELLS = {  # the same text in every language
    "empty": "",
    "blank-lines": "\n\n  \n",
    "line-comment": "// only a comment",
    "block-comment": "/* a\n   block comment */\n",
}


# -- 3. statements, %%, main ---------------------------------------------------------------------------

EXITS_3 = {  # prints "before", ends the program with status 3, would print "after"
    "c": STDIO + 'printf("before\\n");\nreturn 3;\nprintf("after\\n");',
    "go": 'fmt.Println("before")\nos.Exit(3)\nfmt.Println("after")',
    "rust": code('println!("before");', "std::process::exit(3);", 'println!("after");'),
}
RETURNS = {  # prints "before", ends the cell with a bare return (or C's return 0), would print "after"
    "c": STDIO + 'printf("before\\n");\nif (1 + 1 == 2) return 0;\nprintf("after\\n");',
    "go": 'fmt.Println("before")\nreturn\nfmt.Println("after")',
    "rust": 'println!("before");\nif 1 + 1 == 2 {\n    return;\n}\nprintln!("after");',
}
OWN_MAIN = {  # (a cell with its own main printing "own main", one whose main ends with status 4)
    "c": (
        STDIO + 'int main(void) {\n    printf("own main\\n");\n    return 0;\n}',
        "int main(void) { return 4; }",
    ),
    "go": ('func main() {\n\tfmt.Println("own main")\n}', "func main() {\n\tos.Exit(4)\n}"),
    "rust": ('fn main() {\n    println!("own main");\n}', "fn main() {\n    std::process::exit(4);\n}"),
}
OWN_MAIN_KEYS = {"c": ["<stdio.h>"], "go": [], "rust": []}  # what %list holds after OWN_MAIN's first cell
MAIN_AND_STATEMENTS = {
    "c": STDIO + 'int main(void) { return 0; }\nprintf("stray\\n");',
    "go": 'func main() {}\nfmt.Println("stray")',
    "rust": 'fn main() {}\nprintln!("stray");',
}


@dataclass(frozen=True)
class DoublePercent:
    """A cell with a declaration of ``kept`` (1) before ``%%`` and a local one after it."""

    cell: str
    prints: str
    keys: tuple[str, ...]  # %list's keys after it
    kept: str  # the remembered name
    local: str  # the local's name


DOUBLE_PERCENT = {
    "c": DoublePercent(
        STDIO + 'int kept = 1;\n%%\nint local_only = 2;\nprintf("%d %d\\n", kept, local_only);',
        "1 2\n",
        ("<stdio.h>", "kept"),
        "kept",
        "local_only",
    ),
    "go": DoublePercent(
        "var kept = 1\n%%\nvar local = 2\ntype pair struct{ a, b int }\nfmt.Println(kept, local, pair{3, 4})",
        "1 2 {3 4}\n",
        ("kept",),
        "kept",
        "local",
    ),
    "rust": DoublePercent(
        "const KEPT: i32 = 1;\n%%\nlet local = 2;\nstruct Pair(i32, i32);\nlet p = Pair(3, 4);\n"
        + 'println!("{} {} {} {}", KEPT, local, p.0, p.1);',
        "1 2 3 4\n",
        ("KEPT",),
        "KEPT",
        "local",
    ),
}
BODY_ONLY = {  # (a cell before, a cell that is all body: "%%" first, what it prints, %list's keys after)
    "c": (STDIO, '%%\nint body_var = 3;\nprintf("%d\\n", body_var);', "3\n", ["<stdio.h>"]),
    "go": (None, '%%\nfmt.Println("GoNB style")', "GoNB style\n", []),
    "rust": (None, '%%\nlet body_var = 3;\nprintln!("{}", body_var);', "3\n", []),
}

UNUSED_CODE = {  # (declarations nothing uses, a cell with unused locals, what it prints)
    "c": (
        STDIO + "static int never_called(void) { return 2; }\n"
        "int with_unused(void) { int unused = 3; int set_only; set_only = 1; return 1; }",
        '%%\nint unused_local = 1;\nprintf("%d\\n", with_unused());',
        "1\n",
    ),
    "go": (
        'import (\n\t"os"\n\t"strings"\n)\nfunc neverCalled() int {\n\treturn 2\n}',
        'x := 1\nname, err := strconv.Atoi("5")',
        "",
    ),
    "rust": (
        "use std::collections::HashMap;\n"
        "fn never_called() -> i32 {\n    let unused = 3;\n    let mut m = 1;\n    m\n}",
        'let mut not_mutated = 1;\nlet unused_local = 2;\nprintln!("{}", not_mutated);',
        "1\n",
    ),
}


# -- 4. order: a remembered cell broken by a later one ----------------------------------------------------


@dataclass(frozen=True)
class TypeChange:
    """``user`` uses a field of ``first``; ``second`` redefines the type without it and must fail,
    naming ``user``'s line 2 (or 1), and change nothing: ``use`` still prints ``prints``."""

    first: str
    user: str
    line: int
    second: str
    message: str  # the evalue's start after ``Cell In[user], line L: error:``
    has: tuple[str, ...]  # in the evalue
    use: str
    prints: str


TYPE_CHANGE = {
    "c": TypeChange(
        STDIO + "struct P { int x; };",
        "int getx(struct P p) { return p.x; }",
        1,
        "struct P { int y; };",
        "",
        ("x",),
        '%%\nstruct P p = {4};\nprintf("%d\\n", getx(p));',
        "4\n",
    ),
    "go": TypeChange(
        "type Celsius struct{ degrees float64 }",
        "func warm(c Celsius) bool {\n\treturn c.degrees > 20\n}",
        2,
        "type Celsius struct{ value float64 }",
        "",
        ("degrees",),
        "fmt.Println(warm(Celsius{degrees: 25}))",
        "true\n",
    ),
    "rust": TypeChange(
        "struct Celsius { degrees: f64 }",
        "fn warm(c: &Celsius) -> bool {\n    c.degrees > 20.0\n}",
        2,
        "struct Celsius { value: f64 }",
        " no field `degrees`",
        ("degrees",),
        'println!("{}", warm(&Celsius { degrees: 25.0 }));',
        "true\n",
    ),
}


# -- the kernel ------------------------------------------------------------------------------------------

LANGUAGE_INFO = {  # name, mimetype, file extension, a pattern matching the start of the version
    "c": ("c", "text/x-csrc", ".c", r"\S*(cc|clang)\b.* \d+\.\d+"),  # the first line of $CC --version
    "go": ("go", "text/x-go", ".go", r"go"),
    "rust": ("rust", "text/x-rustsrc", ".rs", r"rustc "),
}


# -- processes ---------------------------------------------------------------------------------------------

# A program with a child: parent and child pids each written to a file in the working directory
# (parent.pid, child.pid), then "looping" once both can be waited for, then never ending. C forks (the
# child spins too), Go and Rust start `sleep 60`.
SPINS_WITH_A_CHILD = {
    "c": r"""#include <stdio.h>
#include <unistd.h>
%%
pid_t child = fork();
const char *name = child == 0 ? "child.pid" : "parent.pid";
char tmp[64];
snprintf(tmp, sizeof tmp, "%s.tmp", name);
FILE *out = fopen(tmp, "w");
fprintf(out, "%d\n", (int)getpid());
fclose(out);
rename(tmp, name);
if (child != 0) printf("looping\n");
for (;;);
""",
    "go": code(
        'child := exec.Command("sleep", "60")',
        "if err := child.Start(); err != nil {",
        "\tpanic(err)",
        "}",
        "write := func(name string, pid int) {",
        '\tos.WriteFile(name+".tmp", []byte(fmt.Sprintf("%d\\n", pid)), 0o644)',
        '\tos.Rename(name+".tmp", name)',
        "}",
        'write("parent.pid", os.Getpid())',
        'write("child.pid", child.Process.Pid)',
        'fmt.Println("looping")',
        "for {",
        "}",
    ),
    "rust": code(
        'let child = std::process::Command::new("sleep").arg("60").spawn()?;',
        "let write = |name: &str, pid: u32| -> std::io::Result<()> {",
        '    std::fs::write(format!("{}.tmp", name), format!("{}\\n", pid))?;',
        '    std::fs::rename(format!("{}.tmp", name), name)',
        "};",
        'write("parent.pid", std::process::id())?;',
        'write("child.pid", child.id())?;',
        'println!("looping");',
        "loop {",
        "    std::hint::spin_loop();",
        "}",
    ),
}


# -- more of 4, 5, 6 -------------------------------------------------------------------------------------

LATER_HELPER = {  # (a function calling helper(), declared before helper; helper(x) = x + 1)
    "c": (STDIO + "int twice_plus(int x) { return helper(x) * 2; }", "int helper(int x) { return x + 1; }"),
    "go": ("func twicePlus(x int) int { return helper(x) * 2 }", "func helper(x int) int { return x + 1 }"),
    "rust": ("fn twice_plus(x: i32) -> i32 { helper(x) * 2 }", "fn helper(x: i32) -> i32 { x + 1 }"),
}
CALL_LATER_HELPER = {  # prints twice_plus(4): 10
    "c": print_call("twice_plus(4)")["c"],
    "go": print_call("twicePlus(4)")["go"],
    "rust": print_call("twice_plus(4)")["rust"],
}
WAITS = {"c": None, "go": "helper", "rust": "helper"}  # what an order-free language's pending cell names

CRASH_AFTER_OUTPUT = {  # prints "partial", then dies: (cell, ename)
    "c": (STDIO + 'printf("partial\\n");\nint *p = 0; *p = 1;', "SIGSEGV"),
    "go": ('fmt.Println("partial")\nvar p *int\n*p = 1', "ExitStatus"),
    "rust": (
        'println!("partial");\nunsafe { std::ptr::write_volatile(std::ptr::null_mut::<i32>(), 1) };',
        "SIGSEGV",
    ),
}


@dataclass(frozen=True)
class Forget:
    """``declare`` declares square() and a type; ``%rm square`` and ``%rm "<type_key>"`` forget them."""

    declare: str
    type_key: str
    use_type: str  # fails once the type is forgotten
    new_type: str  # another type of that name, no conflict with the forgotten one
    use_new_type: str  # prints "3\n"


FORGET = {
    "c": Forget(
        STDIO + "int square(int x) { return x * x; }\nstruct S { int a; };",
        "struct S",
        'printf("%zu\\n", sizeof(struct S));',
        "struct S { char other[3]; };",
        'printf("%zu\\n", sizeof(struct S));',
    ),
    "go": Forget(
        "func square(x int) int { return x * x }\ntype S struct{ a int }",
        "S",
        "fmt.Println(S{a: 1})",
        "type S struct{ other [3]byte }",
        "fmt.Println(len(S{}.other))",
    ),
    "rust": Forget(
        "fn square(x: i32) -> i32 { x * x }\nstruct S { a: i32 }",
        "S",
        'println!("{}", S { a: 1 }.a);',
        "struct S { other: [u8; 3] }",
        'println!("{}", std::mem::size_of::<S>());',
    ),
}

LISTED = {  # (cells that declare, %list's rows after them: key, kind, index of the declaring cell)
    "c": (
        (STDIO + "int square(int x) { return x * x; }", "struct Point { int x, y; };\nint total = 0;"),
        (
            ("<stdio.h>", "include", 0),
            ("square", "function", 0),
            ("struct Point", "struct", 1),
            ("total", "global", 1),
        ),
    ),
    "go": (
        ('import (\n\tm "math"\n\t_ "embed"\n)\nconst (\n\tA = iota\n\tB\n)\nvar x, y = 1, 2\ntype T int',),
        (
            ("m", "import", 0),
            ('_ "embed"', "import", 0),
            ("A, B", "const", 0),
            ("x, y", "var", 0),
            ("T", "type", 0),
        ),
    ),
    "rust": (
        (
            "use std::fmt::Debug;\nconst LIMIT: usize = 3;\n"
            'fn show<T: Debug>(t: T) -> String {\n    format!("{:?}", t)\n}',
        ),
        (("std::fmt::Debug", "use", 0), ("LIMIT", "const", 0), ("show", "fn", 0)),
    ),
}

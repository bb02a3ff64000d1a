"""The example C++ plugin as one live program (CELL_MODEL.md section 1a), through a real Jupyter client.

The plugin opts in with ``CppToolchain.live_support()`` (``examples/ccell-cpp/ccell_cpp/units.py``);
the rest (checkpoints, rollback, ``%state``, stdin, interrupts) is the core's, as for C
(``tests/test_live_c.py``). One kernel for the module; every case starts from ``%reset`` in
``%state live`` and reads the state back in a later cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from cell_model_table import install_cpp_plugin
from kernel_client import RunningKernel, listing, restored_in

pytestmark = pytest.mark.slow

HEADERS = "#include <iostream>\n#include <map>\n#include <stdexcept>\n#include <string>\n#include <vector>\n"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningKernel]:
    install_cpp_plugin()
    running = RunningKernel("ccell-cpp", cwd=tmp_path_factory.mktemp("live-cpp"))
    yield running
    running.shutdown()


@pytest.fixture
def cpp(kernel: RunningKernel) -> RunningKernel:
    kernel.ok("%reset\n%state live\n%flags --clear")
    return kernel


def test_a_vector_filled_across_cells(cpp: RunningKernel) -> None:
    """The issue's own case."""
    declared = cpp.execute("#include <vector>\n#include <iostream>\nstd::vector<int> v;")
    assert declared.status == "ok" and declared.outputs == [], declared.describe()
    assert cpp.ok("v.push_back(1); v.push_back(2);") == ""
    assert cpp.ok('v.push_back(3); std::cout << v.size() << "\\n";') == "3\n"
    shown = cpp.execute("v.back()")
    assert [m.content["data"]["text/plain"] for m in shown.outputs if m.msg_type == "execute_result"] == ["3"]


def test_strings_maps_objects_and_namespaces_keep_their_values(cpp: RunningKernel) -> None:
    cpp.ok(
        HEADERS
        + 'std::string text = "a";\nstd::map<std::string, int> counts;\n'
        + "struct Account { std::string owner; int balance = 0; void add(int n) { balance += n; } };\n"
        + 'Account account{"ada"};\nauto words = std::vector<std::string>{"x"};\n'
        + 'const char *names[] = {"p", "q", "r"};\n'
        + "namespace stats { int calls = 0; std::vector<double> seen; void see(double x) "
        + "{ ++calls; seen.push_back(x); } }"
    )
    cpp.ok('text += "b"; counts["one"] = 1; counts["two"] += 2; account.add(5);\nwords.push_back("y");')
    cpp.ok('text += "c"; counts["two"] += 2; account.add(6); stats::see(1.5); stats::see(2.5);')
    out = cpp.ok(
        'std::cout << text << " " << counts.size() << counts["two"] << " " << account.owner\n'
        '          << account.balance << " " << words.size() << " " << sizeof names / sizeof *names\n'
        '          << " " << stats::calls << stats::seen.back() << "\\n";'
    )
    assert out == "abc 24 ada11 2 3 22.5\n"


def test_a_global_is_constructed_once_when_declared(cpp: RunningKernel) -> None:
    declared = cpp.execute(
        HEADERS + 'struct Noisy {\n    int n = 0;\n    Noisy() { std::cout << "built\\n"; }\n};\nNoisy noisy;'
    )
    assert declared.status == "ok" and declared.stdout == "built\n", declared.describe()
    assert cpp.ok("noisy.n++;") == ""
    assert cpp.ok('std::cout << ++noisy.n << "\\n";') == "2\n"


def test_same_text_keeps_the_value_other_text_starts_again_with_a_notice(cpp: RunningKernel) -> None:
    cpp.ok(HEADERS + 'std::string word = "one";')
    cpp.ok('word += "+";')
    same = cpp.execute('std::string word = "one";')
    assert same.status == "ok" and same.outputs == [], same.describe()
    assert cpp.ok('std::cout << word << "\\n";') == "one+\n"
    changed = cpp.execute('std::string word = "two";')
    assert "word was redefined: it starts again from its initializer" in changed.stderr, changed.describe()
    assert cpp.ok('std::cout << word << "\\n";') == "two\n"


def test_redefinitions_reach_the_calls_of_older_functions(cpp: RunningKernel) -> None:
    cpp.ok(
        HEADERS
        + "int step(int x) { return x + 1; }\nint run3(int x) { return step(step(step(x))); }\n"
        + "struct Point { int x, y; int norm() const; };\n"
        + "int Point::norm() const { return x * x + y * y; }\n"
        + "template <typename T> T twice(T x) { return x + x; }\n"
        + "std::vector<Point> points{{1, 2}};\n"
        + "int total() { int t = 0; for (const Point &p : points) t += p.norm(); return t + twice(0); }"
    )
    assert cpp.ok('std::cout << run3(0) << " " << total() << "\\n";') == "3 5\n"
    cpp.ok("int step(int x) { return x * 2; }")
    cpp.ok("int Point::norm() const { return x + y; }")
    cpp.ok("template <typename T> T twice(T x) { return x + 100; }")
    out = cpp.ok('points.push_back({3, 4});\nstd::cout << run3(1) << " " << total() << "\\n";')
    assert out == "8 110\n", "the points stayed (a method is not their type) and every call is the new one"


def test_a_class_is_one_type_across_cells(cpp: RunningKernel) -> None:
    """Each cell's object has its own copy of a class's code and type information (``-Bsymbolic``):
    an exception thrown by an earlier cell's function is still caught by type, a ``dynamic_cast``
    of an object an earlier cell made still succeeds."""
    cpp.ok(
        HEADERS
        + "#include <memory>\nstruct Failure { int code; };\n"
        + "struct Base { virtual ~Base() = default; };\nstruct Derived : Base { int d = 7; };\n"
        + "void fail(int c) { throw Failure{c}; }\nstd::unique_ptr<Base> made;"
    )
    cpp.ok("made = std::make_unique<Derived>();")
    out = cpp.ok(
        'try { fail(3); } catch (const Failure &e) { std::cout << "caught " << e.code << "\\n"; }\n'
        'auto *d = dynamic_cast<Derived *>(made.get()); std::cout << (d ? d->d : -1) << "\\n";'
    )
    assert out == "caught 3\n7\n"


FAILURES = {
    "segfault": ("int *p = nullptr; *p = 1;", "SIGSEGV"),
    "exception": ('throw std::runtime_error("boom");', "SIGABRT"),
}


@pytest.mark.parametrize("how", sorted(FAILURES))
def test_a_failed_cell_leaves_the_state_as_it_was(cpp: RunningKernel, how: str) -> None:
    code, ename = FAILURES[how]
    cpp.ok(HEADERS + "std::vector<int> v;\nstd::string text;")
    cpp.ok('v.push_back(1); text = "before";')
    failed = cpp.execute(f'v.push_back(99); text = "after";\nstd::cout << "changed" << std::endl;\n{code}')
    assert failed.ename == ename, failed.describe()
    assert failed.stdout == "changed\n", "output before the failure is kept"
    assert restored_in(failed) == failed.reply["execution_count"], failed.describe()
    if how == "exception":
        assert "what():  boom" in failed.stderr, failed.describe()
    assert cpp.ok('std::cout << v.size() << " " << text << "\\n";') == "1 before\n"


def test_a_crashed_cell_leaves_no_declaration_behind(cpp: RunningKernel) -> None:
    """As in C (issue 17): the cell's globals, functions and classes go with its values."""
    cpp.ok(HEADERS + "std::vector<int> v;")
    failed = cpp.execute(
        "struct Pair { int a, b; };\nint helper() { return 3; }\nint *nowhere = nullptr;\n"
        "v.push_back(1);\n*nowhere = 1;"
    )
    assert failed.ename == "SIGSEGV", failed.describe()
    assert restored_in(failed) == failed.reply["execution_count"], failed.describe()
    rows = "\n".join(listing(cpp))
    for gone in ("nowhere", "helper", "Pair"):
        assert gone not in rows, rows
    assert cpp.ok('std::cout << v.size() << "\\n";') == "0\n"


def test_an_interrupted_cell_is_rolled_back(cpp: RunningKernel) -> None:
    cpp.ok(HEADERS + "std::vector<int> v;")
    result = cpp.execute(
        'v.push_back(1);\nstd::cout << "looping" << std::endl;\nfor (;;) v.push_back(2), v.pop_back();',
        interrupt_when=lambda r: "looping" in r.stdout,
        timeout=20,
    )
    assert result.ename == "KeyboardInterrupt", result.describe()
    assert restored_in(result) == result.reply["execution_count"]
    assert cpp.ok('std::cout << v.size() << "\\n";') == "0\n"


def test_input_and_output_stay_with_their_cell(cpp: RunningKernel) -> None:
    cpp.ok(HEADERS + "int total = 0;")
    for answer, expected in (("5", "5\n"), ("7", "12\n")):
        result = cpp.execute(
            'int x; std::cout << "total? "; std::cin >> x; total += x; std::cout << total << "\\n";',
            allow_stdin=True,
            answers=[answer],
        )
        prompts = [m.content["prompt"] for m in result.input_requests]
        assert result.stdout == expected and prompts == ["total? "], result.describe()  # the box's prompt
    unflushed = cpp.execute('std::cout << "no newline"; std::cerr << "err";')
    assert (unflushed.stdout, unflushed.stderr) == ("no newline", "err"), unflushed.describe()


def test_state_fresh_then_live_and_a_cells_own_main(cpp: RunningKernel) -> None:
    cpp.ok(HEADERS + 'std::string s = "x";')
    cpp.ok('s += "y";')
    assert cpp.ok('int main() { std::cout << s << "\\n"; }') == "x\n", "its own main: a separate program"
    assert cpp.ok('std::cout << s << "\\n";') == "xy\n"
    cpp.ok("%state fresh")
    assert "starts from its initializer each run" in cpp.ok("%list")
    fresh = 's += "!"; std::cout << s << "\\n";'
    assert cpp.ok(fresh) == "x!\n"
    assert cpp.ok(fresh) == "x!\n"
    cpp.ok("%state live")
    assert cpp.ok(fresh) == "x!\n", "a new live program"
    assert cpp.ok(fresh) == "x!!\n"
    listing = cpp.ok("%list")
    assert re.search(r"^s +global +Cell In\[\d+\]  std::string; keeps its value$", listing, re.M), listing


def test_a_function_only_declared_is_named_in_the_error(cpp: RunningKernel) -> None:
    cpp.ok(HEADERS + "int later(int);\nint user(int x) { return later(x) + 1; }")
    missing = cpp.fails('std::cout << user(1) << "\\n";', "CompileError")
    assert "undefined reference to `later(int)'" in missing.error["evalue"], missing.describe()
    cpp.ok("int later(int x) { return x * 10; }")
    assert cpp.ok('std::cout << user(2) << "\\n";') == "21\n"


# -- how a unit writes a global (ccell_cpp/variables.py) ------------------------------------------------

WRITTEN = [
    # (declaration, in the unit that defines it, in every other unit)
    ("std::vector<int> v;", 'std::vector<int> v asm("L_v");', 'extern std::vector<int> v asm("L_v");'),
    (
        'static std::string s = "x", t;',
        '       std::string s asm("L_s") = "x", t asm("L_t");',
        'extern std::string s asm("L_s"), t asm("L_t");',
    ),
    ("auto n = 5;", 'auto n asm("L_n") = 5;', 'extern std::decay_t<decltype(5)> n asm("L_n");'),
    (
        "int a[] = {1, 2};",
        'int a[] asm("L_a") = {1, 2};',
        'extern decltype(ccell_type<int []>{1, 2}) a asm("L_a");',
    ),
    (
        'const std::string k = "k";',
        'extern const std::string k asm("L_k") = "k";',
        'extern const std::string k asm("L_k");',
    ),
    (
        "struct { int y; } anon;",
        'extern "C" { struct { int y; } anon asm("L_anon"); }',
        'extern "C" { extern struct { int y; } anon asm("L_anon"); }',
    ),
    (
        "namespace app { int calls = 0; int f() { return calls; } }",
        'namespace app { int calls asm("L_app_calls") = 0; int f() { return calls; } }',
        'namespace app { extern int calls asm("L_app_calls"); int f() { return calls; } }',
    ),
    ("const int N = 10;", "const int N = 10;", "const int N = 10;"),  # a constant: as written
    ("auto sq = [](int x) { return x * x; };", None, None),
]


@pytest.mark.parametrize(("text", "defined", "declared"), WRITTEN, ids=[w[0] for w in WRITTEN])
def test_how_a_unit_writes_a_global(kernel: RunningKernel, text: str, defined: str, declared: str) -> None:
    from ccell_cpp import variables

    def labels(path: str) -> str:
        return f"L_{path}"

    assert variables.lives(text) == (defined != text and defined is not None)
    assert variables.define(text, labels) == (defined or text)
    assert variables.declare(text, labels) == (declared or text)

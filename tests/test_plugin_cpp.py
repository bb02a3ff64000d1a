"""examples/ccell-cpp: a third-party toolchain plugin, installed the way its users install it.

The plugin is pip-installed (a wheel, not editable) into this environment once per session, then
driven through jupyter_client like any kernel: the shared cell-model table (its C++ column), what is
particular to C++, and the Jupyter conformance suite. The core was not changed for it: nothing under
ccellkernel/ knows C++.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jupyter_kernel_test
import pytest
from cell_model_table import CASES, CPP_PLUGIN, OUTPUT_LIMIT, ROOT, Case, code, install_cpp_plugin, run_case
from conformance import KernelConformance
from jupyter_client.kernelspec import KernelSpecManager
from kernel_client import RunningKernel, count_of

pytestmark = pytest.mark.slow

CPP = "#include <iostream>\n"
LOGOS = {"logo-32x32.png", "logo-64x64.png", "logo-svg.svg"}


@pytest.fixture(scope="session")
def cpp_plugin() -> None:
    install_cpp_plugin()


@pytest.fixture(scope="module")
def kernel(cpp_plugin: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningKernel]:
    cwd = tmp_path_factory.mktemp("cpp")
    running = RunningKernel("ccell-cpp", env={"CCELL_OUTPUT_LIMIT": str(OUTPUT_LIMIT)}, cwd=cwd)
    yield running
    running.shutdown()


@pytest.fixture
def cpp(kernel: RunningKernel) -> RunningKernel:
    """The module's kernel with nothing remembered and no flags, in the live program."""
    kernel.ok("%reset\n%state live\n%flags --clear\n%args --clear")
    return kernel


def listing(k: RunningKernel) -> dict[str, str]:
    """``%list`` as {key: the rest of its row}."""
    rows = [re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in k.ok("%list").splitlines()]
    return {row[0]: row[1] for row in rows if len(row) == 2}


def python(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )


# -- packaging: a plugin like any other ---------------------------------------------------------------


def test_the_installed_plugin_is_the_wheel_not_the_source_tree(cpp_plugin: None, tmp_path: Path) -> None:
    done = python("-c", "import ccell_cpp; print(ccell_cpp.__file__)", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert CPP_PLUGIN not in Path(done.stdout.strip()).parents, done.stdout


def test_ccellkernel_list_shows_the_cpp_toolchain(cpp_plugin: None) -> None:
    done = python("-m", "ccellkernel", "list")
    assert "ccell-cpp  C++ (compiled)" in done.stdout, done.stdout + done.stderr
    assert "cpp = ccell_cpp:CppToolchain" in done.stdout
    block = done.stdout.split("ccell-cpp  C++ (compiled)", 1)[1].split("\nccell-", 1)[0]
    assert "NOT FOUND" not in block and "not installed" not in block, block


def test_the_wheel_ships_the_kernelspec_and_logos(cpp_plugin: None) -> None:
    from ccell_cpp import CppToolchain

    shipped = json.loads((CPP_PLUGIN / "kernelspec" / "kernel.json").read_text())
    assert shipped == CppToolchain().kernelspec("python"), (
        "the shipped kernel.json is what the toolchain says"
    )
    spec = KernelSpecManager().get_kernel_spec("ccell-cpp")
    assert (spec.display_name, spec.language, spec.interrupt_mode) == ("C++ (compiled)", "c++", "message")
    assert spec.argv[-4:] == ["kernel", "cpp", "-f", "{connection_file}"]
    assert LOGOS <= {p.name for p in Path(spec.resource_dir).iterdir()}


def test_ccellkernel_install_writes_the_plugins_kernelspec(cpp_plugin: None, tmp_path: Path) -> None:
    done = python("-m", "ccellkernel", "install", "--prefix", str(tmp_path), "cpp")
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "share" / "jupyter" / "kernels" / "ccell-cpp"
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"] == [sys.executable, "-m", "ccellkernel", "kernel", "cpp", "-f", "{connection_file}"]
    assert LOGOS <= {p.name for p in folder.iterdir()}
    assert (folder / "logo-64x64.png").read_bytes().startswith(b"\x89PNG")


def test_the_core_was_not_changed_for_cpp() -> None:
    mentions = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "ccellkernel").rglob("*"))
        if path.is_file() and path.suffix in (".py", ".typed", ".json", ".md", ".txt")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"c\+\+|\bcpp\b|ccell_cpp|cxx", line, re.IGNORECASE)
    ]
    assert mentions == [], mentions


def test_the_plugin_uses_only_the_public_core() -> None:
    """A third party has ccellkernel, not the built-in C toolchain's package."""
    allowed = ("ccellkernel", "tree_sitter", "tree_sitter_cpp", "__future__")
    for source in sorted((CPP_PLUGIN / "ccell_cpp").glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in allowed or top in sys.stdlib_module_names, f"{source.name} imports {name}"


@pytest.mark.parametrize(("cxx", "advice"), [("", "install"), ("no-such-cxx", "no-such-cxx")])
def test_missing_compiler_is_toolchain_not_found(
    cpp_plugin: None, tmp_path: Path, cxx: str, advice: str
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    k = RunningKernel("ccell-cpp", env={"PATH": str(empty), "CXX": cxx}, cwd=tmp_path)
    try:
        result = k.fails("int x = 1;\nx++;", "ToolchainNotFound")
        assert [m.msg_type for m in result.outputs] == ["error"]
        evalue = result.error["evalue"]
        assert advice in evalue.lower() and "restart" in evalue and "CXX" in evalue, evalue
    finally:
        k.shutdown()


# -- the shared cell model, C++ column ------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_cell_model(kernel: RunningKernel, case: Case) -> None:
    run_case(kernel, case, "cpp")


# -- what is particular to C++ ----------------------------------------------------------------------------

COUNTER = """class Counter {
public:
    explicit Counter(int start) : value_(start) {}
    int next() { return ++value_; }
    int value() const;
private:
    int value_;
};"""


def test_class_with_methods_is_remembered(cpp: RunningKernel) -> None:
    declared = cpp.execute(CPP + COUNTER)
    assert declared.status == "ok" and declared.outputs == [], declared.describe()
    cpp.ok("int Counter::value() const { return value_; }")
    assert cpp.ok('Counter c(41);\nc.next();\nstd::cout << c.value() << "\\n";') == "42\n"
    rows = listing(cpp)
    assert rows["class Counter"].startswith("class") and "Counter::value() const" in rows, rows
    # a new class body replaces the old one; the method defined outside it still fits
    cpp.ok(
        COUNTER.replace(
            "int value() const;", "int value() const;\n    int twice() const { return 2 * value_; }"
        )
    )
    assert cpp.ok('std::cout << Counter(5).twice() << " " << Counter(5).value() << "\\n";') == "10 5\n"
    assert list(listing(cpp)).count("class Counter") == 1
    cpp.ok('%rm "Counter::value() const" class Counter')  # words that make a key need no quotes
    cpp.fails("Counter c(1);", "CompileError")


def test_template_function_and_class_template(cpp: RunningKernel) -> None:
    cpp.ok(CPP + "#include <string>\ntemplate <typename T>\nT twice(T x) { return x + x; }")
    cpp.ok("template <typename T> struct Box {\n    T value;\n    T get() const { return value; }\n};")
    out = cpp.ok(
        'std::cout << twice(21) << " " << twice(std::string("ab")) << " " << Box<double>{2.5}.get() << "\\n";'
    )
    assert out == "42 abab 2.5\n"
    rows = listing(cpp)
    assert rows["twice(T)"].startswith("function template"), rows
    assert rows["struct Box"].startswith("struct template"), rows


def test_vector_and_string_globals_start_over_in_every_fresh_run(cpp: RunningKernel) -> None:
    cpp.ok("%state fresh")  # the live program keeps them: tests/test_live_cpp.py
    cpp.ok(code(CPP, "#include <numeric>", "#include <string>", "#include <vector>"))
    cpp.ok(code("std::vector<int> v{1, 2, 3};", 'std::string label = "sum";'))
    use = code(
        "v.push_back(4);",
        'label += "=" + std::to_string(std::accumulate(v.begin(), v.end(), 0));',
        'std::cout << label << " " << v.size() << "\\n";',
    )
    assert cpp.ok(use) == "sum=10 4\n"
    assert cpp.ok(use) == "sum=10 4\n", "globals are initialised again in every run"
    cpp.ok("%state live")


def test_cout_prompt_is_the_input_requests_prompt(cpp: RunningKernel) -> None:
    """cin flushes cout before it reads: that unfinished line is the prompt (issue 17)."""
    code = CPP + 'int x = 0;\nstd::cout << "number? ";\nstd::cin >> x;\nstd::cout << "got " << x << "\\n";'
    result = cpp.execute(code, allow_stdin=True, answers=["42"])
    assert result.status == "ok" and result.stdout == "got 42\n", result.describe()
    assert [r.content["prompt"] for r in result.input_requests] == ["number? "]


def test_cout_and_cerr_keep_their_order(cpp: RunningKernel) -> None:
    cpp.ok(code(CPP, "#include <chrono>", "#include <thread>"))
    result = cpp.execute(
        code(
            "%%",
            "auto pause = [] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); };",
            'std::cout << "out 1\\n"; pause();',
            'std::cerr << "err 1\\n"; pause();',
            'std::cout << "out 2" << std::endl;',
        )
    )
    pieces = [(m.content["name"], m.content["text"]) for m in result.streams()]
    assert pieces == [("stdout", "out 1\n"), ("stderr", "err 1\n"), ("stdout", "out 2\n")], pieces


def test_namespace_is_one_declaration(cpp: RunningKernel) -> None:
    cpp.ok(
        code(
            CPP,
            "namespace geometry {",
            "constexpr double pi = 3.5;",
            "double circle(double r) { return pi * r * r; }",
            "}",
        )
    )
    assert cpp.ok('std::cout << geometry::circle(2.0) << "\\n";') == "14\n"
    cpp.ok("using namespace geometry;")
    assert cpp.ok('std::cout << circle(1.0) << "\\n";') == "3.5\n"
    # reopening the namespace in another cell replaces it (documented: the block is the declaration)
    cpp.ok("namespace geometry {\ndouble square(double s) { return s * s; }\n}")
    assert cpp.ok('std::cout << geometry::square(3.0) << "\\n";') == "9\n"
    gone = cpp.fails('std::cout << geometry::circle(1.0) << "\\n";', "CompileError")
    assert "circle" in gone.error["evalue"]
    assert "namespace geometry" in listing(cpp)


def test_overloads_are_separate_declarations(cpp: RunningKernel) -> None:
    cpp.ok(
        CPP + "int area(int side) { return side * side; }\ndouble area(double w, double h) { return w * h; }"
    )
    assert cpp.ok('std::cout << area(3) << " " << area(2.0, 1.5) << "\\n";') == "9 3\n"
    cpp.ok("int area(int s) { return 4 * s; }")  # parameter names are not part of the key
    assert cpp.ok('std::cout << area(3) << " " << area(2.0, 1.5) << "\\n";') == "12 3\n"
    rows = listing(cpp)
    assert {"area(int)", "area(double,double)"} <= set(rows), rows
    assert rows["area(int)"].startswith("function")
    cpp.ok("%rm area(double,double)")
    cpp.fails('std::cout << area(2.0, 1.5) << "\\n";', "CompileError")
    assert cpp.ok('std::cout << area(2) << "\\n";') == "8\n"
    # completion offers the function's name, not its overload key
    cpp.kc.complete("ar", 2)
    matches = cpp.kc.get_shell_msg(timeout=15)["content"]["matches"]
    assert "area" in matches and not any("(" in m for m in matches), matches


def test_exceptions_caught_and_uncaught(cpp: RunningKernel) -> None:
    cpp.ok(CPP + "#include <stdexcept>\nint remembered() { return 7; }")
    caught = code(
        "try {",
        '    throw std::runtime_error("caught");',
        "} catch (const std::exception &e) {",
        '    std::cout << e.what() << "\\n";',
        "}",
    )
    assert cpp.ok(caught) == "caught\n"
    result = cpp.fails('std::cout << "before\\n";\nthrow std::runtime_error("boom");', "SIGABRT")
    assert result.error["evalue"] == "Aborted"
    assert result.stdout == "before\n"
    assert "what():  boom" in result.stderr, result.describe()
    assert [m.msg_type for m in result.outputs][-1] == "error"
    assert cpp.is_alive()
    assert cpp.ok('std::cout << remembered() << "\\n";') == "7\n"


def test_cpp17_by_default_and_flags_choose_another_standard(cpp: RunningKernel) -> None:
    show = CPP + 'std::cout << __cplusplus << "\\n";'
    assert cpp.ok(show) == "201703\n"
    cpp.ok("%flags -std=c++20 -DEXTRA=1")
    assert cpp.ok(show) == "202002\n"
    assert cpp.ok('std::cout << EXTRA << "\\n";') == "1\n"
    cpp.ok("%flags --clear")
    assert cpp.ok(show) == "201703\n"


def test_declaration_only_cells_are_compiled_not_linked(cpp: RunningKernel) -> None:
    declared = cpp.execute(CPP + "int later(int);\nint user(int x) { return later(x) + 1; }")
    assert declared.status == "ok" and declared.outputs == [], declared.describe()
    missing = cpp.fails('std::cout << user(1) << "\\n";', "CompileError")
    assert "later" in missing.error["evalue"], missing.describe()
    cpp.ok("int later(int x) { return x * 10; }")
    assert cpp.ok('std::cout << user(2) << "\\n";') == "21\n"


def test_compile_error_names_the_cell_line_and_column(cpp: RunningKernel) -> None:
    result = cpp.fails(CPP + "int fine = 1;\nint broken() {\n    return not_declared;\n}", "CompileError")
    n = count_of(result)
    assert [m.msg_type for m in result.outputs] == ["error"]
    error = result.error
    assert error["evalue"].startswith(f"Cell In[{n}], line 4: error:"), error["evalue"]
    assert "not_declared" in error["evalue"]
    traceback = error["traceback"]
    assert traceback[1].strip() == "return not_declared;"
    assert traceback[2].index("^") == traceback[1].index("not_declared"), traceback
    assert "fine" not in listing(cpp), "memory unchanged"


def test_cpp_is_not_order_free_a_name_declared_later_is_an_error_at_once(cpp: RunningKernel) -> None:
    result = cpp.fails(CPP + "struct List {\n    Node *head;\n};", "CompileError")
    assert "Node" in result.error["evalue"], result.describe()
    assert "waits for" not in result.text and "pending" not in cpp.ok("%list")
    cpp.ok("struct Node { int value; };\nstruct List {\n    Node *head;\n};")


def test_redefinition_keeps_its_place_so_users_see_the_new_one(cpp: RunningKernel) -> None:
    cpp.ok(CPP + "int base() { return 1; }")
    cpp.ok("struct Widget {\n    int value() const { return base() * 10; }\n};")
    cpp.ok("int base() { return 2; }")
    assert cpp.ok('std::cout << Widget{}.value() << "\\n";') == "20\n"


def test_show_is_the_real_program(cpp: RunningKernel, tmp_path: Path) -> None:
    first = cpp.execute(
        code(CPP, "struct Point { int x, y; };", "int norm(Point p) { return p.x * p.x + p.y * p.y; }")
    )
    second = cpp.execute("template <typename T> T twice(T x) { return x + x; }\nPoint origin{0, 0};")
    shown = cpp.ok("%show")
    cells = {int(c) for c in re.findall(r'#line \d+ "Cell In\[(\d+)\]"', shown)}
    assert {count_of(first), count_of(second)} <= cells, shown
    source = tmp_path / "shown.cpp"
    source.write_text(shown)
    done = subprocess.run(
        ["c++", "-std=c++17", "-c", "-o", str(tmp_path / "shown.o"), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_dep_zlib_through_pkg_config_in_the_live_program_and_a_cells_own_main(cpp: RunningKernel) -> None:
    version = subprocess.run(
        ["pkg-config", "--modversion", "zlib"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    try:
        assert cpp.ok("%dep zlib").startswith(f"dep: zlib {version};")
        assert (
            cpp.ok(code(CPP, "#include <zlib.h>", 'std::cout << zlibVersion() << "\\n";')) == f"{version}\n"
        )
        assert cpp.ok('int main() { std::cout << zlibVersion() << "\\n"; }') == f"{version}\n"
    finally:
        cpp.ok("%rm zlib")


def test_export_writes_a_project_that_make_builds(cpp: RunningKernel, tmp_path: Path) -> None:
    cpp.ok(code(CPP, "#include <string>", 'std::string greet(std::string who) { return "hi " + who; }'))
    assert cpp.ok('std::cout << greet("make") << "\\n";') == "hi make\n"
    folder = tmp_path / "exported"
    assert cpp.ok(f"%%export {folder}").startswith(f"exported to {folder}: exported.cpp, Makefile, README.md")
    for argv in (["make"], ["./exported"]):
        done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
    assert done.stdout == "hi make\n"


# -- the Jupyter conformance suite ---------------------------------------------------------------------


class CCellCppKernelTests(KernelConformance, jupyter_kernel_test.KernelTests):
    kernel_name = "ccell-cpp"
    language_name = "c++"
    file_extension = ".cpp"

    code_hello_world = CPP + 'std::cout << "hello, world" << std::endl;'
    code_stderr = CPP + 'std::cerr << "to stderr" << std::endl;'
    code_generate_error = "int broken() {\n    return not_declared_anywhere;\n}"

    completion_samples = [  # noqa: RUF012 - the suite's own class attributes
        {"text": "std::cou", "matches": {"cout"}},
        {"text": "int total_count = 1; tot", "matches": {"total_count"}},
    ]
    complete_code_samples = [  # noqa: RUF012
        "v.push_back(1);",
        'std::cout << "hi" << std::endl;',  # tree-sitter-cpp rejects it at top level; g++ does not
        "int square(int x) { return x * x; }",
        "template <typename T> T twice(T x) { return x + x; }",
        "#include <vector>",
        "%help",
        "",
    ]
    incomplete_code_samples = [  # noqa: RUF012
        "class Point {",
        "for (auto x : v) {\n    std::cout <<",
        "#define LONG_MACRO(x) \\",
    ]
    invalid_code_samples = ["int x = );", "}"]  # noqa: RUF012

    # KernelConformance's samples
    code_exit_status_3 = "return 3;"
    remembered_declaration = "int remembered_total() { return 1; }"
    remembered_completion = ("remembered_t", "remembered_total")
    complete_with_magics_samples = (
        "%flags -O2\nint x;",
        "%%\nint x = 1;",
        "int x = 1;\n%%\nstd::cout << x;",
        "#define X 1",
    )
    language_info = {  # noqa: RUF012
        "name": "c++",
        "mimetype": "text/x-c++src",
        "file_extension": ".cpp",
        "pygments_lexer": "cpp",
        "codemirror_mode": "text/x-c++src",
    }
    # Toolchain.help_links is plugin API: the plugin's Help menu points at C++'s reference
    help_links = [{"text": "C++ reference", "url": "https://en.cppreference.com/w/cpp"}]  # noqa: RUF012
    version_pattern = r"\d+\.\d+"  # the compiler's
    supported_features = []  # noqa: RUF012
    code_expression_statement = "1 + 1;"
    code_execute_result = [  # noqa: RUF012
        {"code": "1 + 2", "result": "3"},
        {"code": '#include <string>\nstd::string("te") + "xt"', "result": '"text"'},
    ]
    code_display_data = [  # noqa: RUF012
        {"code": '#include <ccell.hpp>\nccell::html("<b>bold</b>");', "mime": "text/html"},
    ]
    code_clear_output = "#include <ccell.hpp>\nccell::clear();"
    code_print_html = CPP + 'std::cout << "<b>html?</b>\\n";'
    code_print_carriage_return = CPP + 'std::cout << "\\rline\\n";'
    code_inspect_sample = "printf"

    @classmethod
    def setUpClass(cls) -> None:
        install_cpp_plugin()  # the suite starts its kernel here, before any pytest fixture
        super().setUpClass()

    # What is particular to C++

    def test_error_uncaught_exception(self) -> None:
        self.flush_channels()
        reply, outputs = self.execute_helper(CPP + '#include <stdexcept>\nthrow std::logic_error("no");')
        self.assertEqual((reply["content"]["status"], reply["content"]["ename"]), ("error", "SIGABRT"))
        self.assertEqual(
            [m["msg_type"] for m in outputs], ["stream", "error"]
        )  # what() on stderr, then the error

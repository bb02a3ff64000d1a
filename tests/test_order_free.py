"""Order-free languages cell by cell (CELL_MODEL.md sections 4 and 5), with the real go and rustc.

The shared shapes run for Go and Rust from one table (``SNIPPETS``): a declaration that waits for a
name a later cell declares, joins when it comes, fails with the real error while it waits, can be
forgotten, and the bad inputs (a cycle, a name that arrives with the wrong type). Then what only one
language has: Go's ``func init`` (the latest one) and GoNB's ``init_NAME`` functions, generics across
cells, Rust's ``#[cfg]`` variants and item macros, and each language's hint for a statement's local
(C's too, and its VLA note).
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cells import Cells
from kernel_client import RunningKernel, count_of, listing

from ccellkernel.api.errors import CompileError
from ccellkernel.api.plugins import load_toolchain
from ccellkernel.api.toolchain import Toolchain
from ccellkernel.notebook import pending
from ccellkernel.notebook.session import Session


def code(*lines: str) -> str:
    return "\n".join(lines)


SNIPPETS = {
    "go": {
        "list": "type List struct {\n\thead *element\n\tsize int\n}",
        "push": "func (l *List) Push(v int) {\n\tl.head = &element{v, l.head}\n\tl.size++\n}",
        "element": "type element struct {\n\tval  int\n\tnext *element\n}",
        "use": "var l List\nl.Push(4)\nl.Push(5)\nfmt.Println(l.size, l.head.val)",
        "waits": "List waits for: element",
        "push_waits": "List.Push waits for: List, element",
        "missing": "undefined: element",
        "total": "func total() int { return count * 2 }",
        "count_wrong": 'var count = "many"',
        "count": "var count = 21",
        "print_total": "fmt.Println(total())",
        "a": "type A struct{ b B }",
        "b": "type B struct{ c C }",
        "c": "type C struct{ n int }",
        "b_cycle": "type B struct{ a A }",
        "abc": "fmt.Println(A{B{C{3}}}.b.c.n)",
        "cycle_error": "invalid recursive type A",
        "type_error": 'func broken() int { return "text" }',
        "uses_later_method": code(
            "func (s *Stack) PushAll(xs ...int) {", "\tfor _, x := range xs {", "\t\ts.Push(x)", "\t}", "}"
        ),
        "stack": "type Stack struct{ items []int }",
        "later_method": "func (s *Stack) Push(x int) { s.items = append(s.items, x) }",
        "use_stack": "s := &Stack{}\ns.PushAll(1, 2, 3)\nfmt.Println(s.items)",
        "method_waits": "Stack.PushAll waits for: Stack",
        "stack_out": "[1 2 3]\n",
    },
    "rust": {
        "list": "struct List {\n    head: Option<Box<Element>>,\n    size: usize,\n}",
        "push": (
            "impl List {\n    fn push(&mut self, val: i32) {\n"
            "        self.head = Some(Box::new(Element { val, next: self.head.take() }));\n"
            "        self.size += 1;\n    }\n}"
        ),
        "element": "struct Element {\n    val: i32,\n    next: Option<Box<Element>>,\n}",
        "use": (
            "let mut l = List { head: None, size: 0 };\nl.push(4);\nl.push(5);\n"
            'println!("{} {}", l.size, l.head.as_ref().unwrap().val);'
        ),
        "waits": "List waits for: Element",
        "push_waits": "impl List waits for: List, Element",
        "missing": "cannot find type `Element` in this scope",
        "total": "fn total() -> i32 { COUNT * 2 }",
        "count_wrong": 'const COUNT: &str = "many";',
        "count": "const COUNT: i32 = 21;",
        "print_total": 'println!("{}", total());',
        "a": "struct A { b: B }",
        "b": "struct B { c: C }",
        "c": "struct C { n: i32 }",
        "b_cycle": "struct B { a: A }",
        "abc": 'println!("{}", A { b: B { c: C { n: 3 } } }.b.c.n);',
        "cycle_error": "recursive types `A` and `B` have infinite size",
        "type_error": 'fn broken() -> i32 { "text" }',
        "uses_later_method": "fn fill(s: &mut Stack) {\n    for x in 1..=3 {\n        s.push(x);\n    }\n}",
        "stack": "struct Stack { items: Vec<i32> }",
        "later_method": "impl Stack {\n    fn push(&mut self, x: i32) { self.items.push(x); }\n}",
        "use_stack": 'let mut s = Stack { items: vec![] };\nfill(&mut s);\nprintln!("{:?}", s.items);',
        "method_waits": "fill waits for: Stack",
        "stack_out": "[1, 2, 3]\n",
    },
}


@pytest.fixture(scope="module")
def rust_toolchain() -> Toolchain:
    return load_toolchain("rust")


@pytest.fixture(params=["go", "rust"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def cells(lang: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Cells]:
    toolchain = request.getfixturevalue("go_toolchain" if lang == "go" else "rust_toolchain")
    session = Session(toolchain, cwd=tmp_path)
    yield Cells(session)
    session.close()


def waits(cells: Cells, code: str) -> str:
    """Run a cell that must wait: its stderr line (it prints nothing else, and nothing is remembered)."""
    before = cells.keys()
    io, err = cells.run(code)
    assert err is None, "\n".join(err.traceback)
    assert io.text() == ""
    assert cells.keys() == before
    return io.text("stderr").rstrip("\n")


def quiet(cells: Cells, code: str) -> None:
    io, err = cells.run(code)
    assert err is None, "\n".join(err.traceback)
    assert io.streams == [], io.streams


def pending_rows(cells: Cells) -> list[str]:
    return [row for row in cells.session.listing().splitlines() if "pending" in row]


# -- the shared shapes ------------------------------------------------------------------------------------


def test_waits_joins_and_runs(cells: Cells, lang: str) -> None:
    s = SNIPPETS[lang]
    assert waits(cells, s["list"]) == s["waits"]
    assert waits(cells, s["push"]) == s["push_waits"]
    assert len(pending_rows(cells)) == 2
    assert "pending, waits for:" in pending_rows(cells)[0] and "Cell In[1]" in pending_rows(cells)[0]
    quiet(cells, s["element"])
    assert pending_rows(cells) == [] and len(cells.keys()) == 3
    assert cells.ok(s["use"]) == "2 5\n"


def test_a_cell_that_needs_it_gets_the_real_error(cells: Cells, lang: str) -> None:
    s = SNIPPETS[lang]
    waits(cells, s["list"])
    waits(cells, s["push"])
    err = cells.fails(s["use"])
    assert isinstance(err, CompileError)
    assert err.evalue.startswith(f"Cell In[1], line 2: error: {s['missing']}"), err.evalue
    assert "List (Cell In[1]) is pending: it waits for: " in "\n".join(err.traceback)
    assert len(pending_rows(cells)) == 2, "still pending"


def test_rm_forgets_pending(cells: Cells, lang: str) -> None:
    s = SNIPPETS[lang]
    waits(cells, s["list"])
    assert cells.ok("%rm List") == "forgot List\n"
    assert pending_rows(cells) == []
    quiet(cells, s["element"])
    assert cells.keys() == ["element" if lang == "go" else "Element"]


def test_other_errors_are_errors_at_once(cells: Cells, lang: str) -> None:
    err = cells.fails(SNIPPETS[lang]["type_error"])
    assert isinstance(err, CompileError)
    assert pending_rows(cells) == []


def test_a_method_used_before_it_is_declared(cells: Cells, lang: str) -> None:
    s = SNIPPETS[lang]
    assert waits(cells, s["uses_later_method"]) == s["method_waits"]
    if lang == "go":
        quiet(cells, s["stack"])  # Go then knows the type, and waits for the method
        assert pending_rows(cells)[0].endswith("pending, waits for: Stack.Push")
    else:  # rustc names the method only once the type exists: the cell joins, then fails, then waits
        quiet(cells, s["stack"])
        assert pending_rows(cells)[0].endswith("pending, waits for: Stack::push")
    quiet(cells, s["later_method"])
    assert pending_rows(cells) == []
    assert cells.ok(s["use_stack"]) == s["stack_out"]


def test_a_chain_of_three(cells: Cells, lang: str) -> None:
    s = SNIPPETS[lang]
    assert waits(cells, s["a"]) == "A waits for: B"
    assert waits(cells, s["b"]) == "B waits for: C"
    quiet(cells, s["c"])
    assert pending_rows(cells) == []
    assert cells.ok(s["abc"]) == "3\n"


def test_a_cycle_that_never_resolves_is_a_clear_error(cells: Cells, lang: str) -> None:
    s = SNIPPETS[lang]
    quiet(cells, "type Kept int" if lang == "go" else "type Kept = i32;")
    waits(cells, s["a"])
    memory = cells.memory
    err = cells.fails(s["b_cycle"])
    assert isinstance(err, CompileError)
    text = "\n".join(err.traceback)
    assert s["cycle_error"] in err.evalue, err.evalue
    assert "Cell In[2]" in err.evalue and "Cell In[3]" in text
    assert err.traceback[-1].startswith("A (Cell In[2]) was pending, waiting for: B; with Cell In[3] it does")
    assert cells.memory is memory and cells.keys() == ["Kept"]
    assert len(pending_rows(cells)) == 1


def test_the_name_arrives_with_the_wrong_type_then_the_right_one(cells: Cells, lang: str) -> None:
    s = SNIPPETS[lang]
    assert waits(cells, s["total"]) == (
        "total waits for: count" if lang == "go" else "total waits for: COUNT"
    )
    err = cells.fails(s["count_wrong"])
    assert isinstance(err, CompileError)
    assert err.evalue.startswith("Cell In[1], line 1: error:"), err.evalue
    assert err.traceback[-1].startswith("total (Cell In[1]) was pending")
    assert "with Cell In[2] it does not compile" in err.traceback[-1]
    assert cells.keys() == []
    quiet(cells, s["count"])
    assert cells.ok(s["print_total"]) == "42\n"


def test_a_cell_over_the_limit_is_an_error_naming_the_waiting_cells(
    cells: Cells, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pending, "MAX_PENDING", 2)
    s = SNIPPETS[lang]
    waits(cells, s["a"])
    waits(cells, s["list"])
    err = cells.fails(s["total"])
    assert "Cell In[3] cannot wait for" in err.traceback[-1]
    assert "2 cells already wait for names no cell declares (Cell In[1], Cell In[2])" in err.traceback[-1]
    assert cells.session.listing().count("pending") == 2


# -- Go ---------------------------------------------------------------------------------------------------


@pytest.fixture
def go(go_cells: Cells) -> Cells:
    return go_cells


def test_go_a_later_func_init_replaces_the_earlier_one(go: Cells) -> None:
    # GoNB's rule (one definition per name): who redefines init expects the new one, alone
    go.ok("var order []string")
    assert go.ok('func init() { order = append(order, "a"); fmt.Println("init a") }') == "init a\n"
    assert go.ok('func init() { order = append(order, "b") }') == "", "the cell declaring it runs"
    assert go.ok("fmt.Println(order)") == "[b]\n"
    inits = [row.split()[0] for row in go.session.listing().splitlines() if row.startswith("init")]
    assert inits == ["init"]
    assert go.ok("%rm init") == "forgot init\n"
    assert go.ok("fmt.Println(order)") == "[]\n"


def test_go_init_functions_named_as_gonb_names_them_each_run_in_memory_order(go: Cells) -> None:
    go.ok("var order []string")
    assert go.ok('func init_a() { order = append(order, "a"); fmt.Println("init a") }') == "init a\n"
    go.ok('// the second\nfunc init_b() { order = append(order, "b") }')
    go.ok('func init() { order = append(order, "plain") }')
    assert go.ok("fmt.Println(order)") == "init a\n[a b plain]\n"
    go.ok('func init_a() { order = append(order, "A") }')  # replaced where it was
    assert go.ok("fmt.Println(order)") == "[A b plain]\n"
    go.ok("%rm init_b")
    assert go.ok("fmt.Println(order)") == "[A plain]\n"


def test_go_init_that_calls_a_later_function_waits_and_keeps_its_order(go: Cells) -> None:
    go.ok("var order []string")
    assert waits(go, 'func init_first() { register("first") }') == "init_first waits for: register"
    go.ok('func init_second() { order = append(order, "second") }')
    quiet(go, "func register(name string) { order = append(order, name) }")
    assert go.ok("fmt.Println(order)") == "[first second]\n"


def test_go_init_notes_name_the_key_that_rm_takes(go: Cells) -> None:
    go.ok("var order []string")
    waits(go, 'func init_first() { register("first") }')
    err = go.fails("var register = 5")  # the name arrives, but not as a function
    advice = err.traceback[-1].rpartition("forget it with ")[2]
    assert advice == "%rm init_first", err.traceback
    assert go.ok(advice) == "forgot init_first\n", "the advice works as typed"
    go.ok("var register = 5")


def test_rm_advice_quotes_a_key_that_needs_it() -> None:
    from ccellkernel.notebook.pending import rm_command

    assert rm_command(["struct S", "square"]) == "%rm struct S square"
    key = 'platform #[cfg(target_os = "linux")]'
    typed = rm_command([key])
    assert typed == "%rm 'platform #[cfg(target_os = \"linux\")]'"
    assert " ".join(shlex.split(typed.removeprefix("%rm "))) == key


def test_go_generic_types_methods_and_constraints_across_cells(go: Cells) -> None:
    sum_ = (
        "func Sum[T Number](xs []T) T {\n\tvar s T\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}"
    )
    assert waits(go, sum_) == "Sum waits for: Number"
    quiet(go, "type Number interface {\n\t~int | ~float64\n}")
    quiet(go, "type Stack[T any] struct{ items []T }")
    quiet(go, "func (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }")
    quiet(
        go,
        code(
            "func (s *Stack[T]) Pop() (T, bool) {",
            "\tvar zero T",
            "\tif len(s.items) == 0 {",
            "\t\treturn zero, false",
            "\t}",
            "\tx := s.items[len(s.items)-1]",
            "\ts.items = s.items[:len(s.items)-1]",
            "\treturn x, true",
            "}",
        ),
    )
    quiet(
        go,
        code(
            "func Index[T comparable](xs []T, x T) int {",
            "\tfor i, v := range xs {",
            "\t\tif v == x {",
            "\t\t\treturn i",
            "\t\t}",
            "\t}",
            "\treturn -1",
            "}",
        ),
    )
    quiet(go, "type Celsius float64")
    out = go.ok(
        's := &Stack[string]{}\ns.Push("a")\ns.Push("b")\nx, _ := s.Pop()\n'
        'fmt.Println(x, Sum([]int{1, 2, 3}), Sum([]Celsius{1.5, 2}), Index([]string{"p", "q"}, "q"))'
    )
    assert out == "b 6 3.5 1\n"
    err = go.fails('fmt.Println(Sum([]string{"x"}))')
    assert "string does not satisfy Number" in err.evalue, err.evalue


def test_go_hint_for_a_statements_variable(go: Cells) -> None:
    go.ok("x := 5\nfmt.Println(x)")
    err = go.fails("fmt.Println(x)")
    assert err.traceback[-1] == (
        "x was a local of Cell In[1]: statements run once; declare it at the top of a cell to keep it "
        "(var x = ...)"
    )
    go.ok("%%\nvar y = 2\nfmt.Println(y)")
    assert "y was a local of Cell In[3]" in go.fails("func twice() int { return y * 2 }").traceback[-1]
    assert pending_rows(go) == [], "a local is not a name a later cell declares"


# -- Rust -------------------------------------------------------------------------------------------------


@pytest.fixture
def rust(rust_toolchain: Toolchain, tmp_path: Path) -> Iterator[Cells]:
    session = Session(rust_toolchain, cwd=tmp_path)
    yield Cells(session)
    session.close()


def test_rust_cfg_variants_are_different_declarations(rust: Cells) -> None:
    quiet(rust, '#[cfg(target_os = "linux")]\nfn platform() -> &\'static str { "linux" }')
    quiet(rust, '#[cfg(not(target_os = "linux"))]\nfn platform() -> &\'static str { "elsewhere" }')
    assert rust.keys() == [
        'platform #[cfg(target_os = "linux")]',
        'platform #[cfg(not(target_os = "linux"))]',
    ]
    assert rust.ok('println!("{}", platform());') == "linux\n"
    quiet(rust, '#[cfg(target_os = "linux")]\nfn platform() -> &\'static str { "Linux" }')
    assert rust.ok('println!("{}", platform());') == "Linux\n", "the same cfg replaces"


def test_rust_cfg_test_module_is_remembered(rust: Cells) -> None:
    quiet(rust, "fn double(x: i32) -> i32 { x * 2 }")
    quiet(
        rust,
        code(
            "#[cfg(test)]",
            "mod tests {",
            "    use super::*;",
            "    #[test]",
            "    fn doubles() { assert_eq!(double(2), 4); }",
            "}",
        ),
    )
    assert rust.keys() == ["double", "tests #[cfg(test)]"]
    assert "mod tests" in rust.session.render_now().text
    assert rust.ok('println!("{}", double(4));') == "8\n"


def test_rust_item_macros_are_declarations(rust: Cells) -> None:
    quiet(
        rust,
        code(
            "macro_rules! make_fn {",
            "    ($name:ident, $v:expr) => {",
            "        fn $name() -> i32 { $v }",
            "    };",
            "}",
        ),
    )
    quiet(rust, "make_fn!(forty_two, 42);")
    quiet(rust, "make_fn! { seven, 7 }")
    quiet(rust, "thread_local! { static HITS: std::cell::Cell<u32> = std::cell::Cell::new(0); }")
    assert rust.keys() == ["make_fn", "make_fn!(forty_two, 42)", "make_fn! {seven, 7}", "HITS"]
    assert rust.ok('HITS.with(|h| h.set(1));\nprintln!("{} {}", forty_two(), seven());') == "42 7\n"
    err = rust.fails("make_fn!(forty_two, 43);")  # another invocation: another declaration
    assert "the name `forty_two` is defined multiple times" in err.evalue


def test_rust_a_macro_that_makes_statements_stays_a_statement(rust: Cells) -> None:
    quiet(rust, 'macro_rules! say {\n    ($x:expr) => {\n        println!("said {}", $x)\n    };\n}')
    assert rust.ok("say!(1);") == "said 1\n"
    assert rust.keys() == ["say"]


def test_rust_a_macro_used_before_its_definition_waits(rust: Cells) -> None:
    assert waits(rust, "fn area() -> f64 { square!(3.0) }") == "area waits for: square"
    quiet(rust, "macro_rules! square {\n    ($x:expr) => {\n        $x * $x\n    };\n}")
    assert rust.ok('println!("{}", area());') == "9\n"


def test_rust_a_trait_impl_declared_later(rust: Cells) -> None:
    quiet(rust, "struct Point { x: i32, y: i32 }")
    assert waits(rust, 'fn show(p: &Point) -> String { format!("<{}>", p) }') == (
        "show waits for: impl Display for Point"
    )
    quiet(rust, "use std::fmt;")
    quiet(
        rust,
        code(
            "impl fmt::Display for Point {",
            "    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {",
            '        write!(f, "{},{}", self.x, self.y)',
            "    }",
            "}",
        ),
    )
    assert rust.ok('println!("{}", show(&Point { x: 1, y: 2 }));') == "<1,2>\n"


def test_rust_a_missing_use_is_an_error_at_once(rust: Cells) -> None:
    err = rust.fails("fn counts() -> HashMap<String, u32> { HashMap::new() }")
    assert "consider importing this struct: `use std::collections::HashMap;`" in "\n".join(err.traceback)
    assert pending_rows(rust) == []


def test_rust_hint_for_a_let(rust: Cells) -> None:
    rust.ok("let x = 5;")
    err = rust.fails('println!("{}", x);')
    assert err.evalue == "Cell In[2], line 1: error: cannot find value `x` in this scope"
    assert err.traceback[-1] == (
        "x was a local of Cell In[1]: statements run once; declare it at the top of a cell to keep it "
        "(const, static or a function)"
    )
    rust.ok("let (first, Some(second)) = (1, Some(2)) else { return; };")
    assert "second was a local of Cell In[3]" in rust.fails('println!("{}", second);').traceback[-1]


# -- C: not order-free, but the same hints --------------------------------------------------------------


def test_c_hint_for_a_local_after_double_percent(c_cells: Cells) -> None:
    c_cells.ok("#include <stdio.h>")
    c_cells.ok('%%\nint count = 3;\nprintf("%d\\n", count);')
    err = c_cells.fails('printf("%d\\n", count);')
    assert err.traceback[-1] == (
        "count was a local of Cell In[2]: statements run once; declare it at the top of a cell to keep it "
        "(int count = ...;)"
    )
    err = c_cells.fails("int later(void) { return count; }")
    assert "count was a local of Cell In[2]" in err.traceback[-1], "C never waits"


def test_c_a_global_array_of_variable_size_suggests_double_percent(c_cells: Cells) -> None:
    err = c_cells.fails("int n = 5;\nint arr[n];")
    assert err.evalue == "Cell In[1], line 2: error: variably modified ‘arr’ at file scope"
    assert err.traceback[-1] == (
        "note: ‘arr’ is declared at the top of the cell, so it is a global, and the size of a global array "
        "must be a constant; to make it a local of main, put a line %% before it"
    )
    assert (
        c_cells.ok('#include <stdio.h>\n%%\nint n = 5;\nint arr[n];\narr[4] = 1;\nprintf("%d\\n", arr[4]);')
        == "1\n"
    )


# -- through Jupyter ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def go_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningKernel]:
    running = RunningKernel("ccell-go", cwd=tmp_path_factory.mktemp("go-kernel"))
    running.execute('fmt.Println("warm")', timeout=120)
    yield running
    running.shutdown()


@pytest.mark.slow
def test_go_kernel_pending_reply_list_and_cell_ids(go_kernel: RunningKernel) -> None:
    k = go_kernel
    k.ok("%reset\nvar order []string")
    waiting = k.execute("type List struct{ head *element }")
    assert waiting.status == "ok" and waiting.errors == []
    assert [m.msg_type for m in waiting.outputs] == ["stream"]
    assert (waiting.stdout, waiting.stderr) == ("", "List waits for: element\n")
    assert [" ".join(row.split()) for row in listing(k) if "pending" in row] == [
        f"List type Cell In[{count_of(waiting)}] pending, waits for: element"
    ]
    assert k.ok("type element struct{ next *element }") == ""
    assert not [row for row in listing(k) if "pending" in row]
    # a later func init replaces the earlier one, whichever cell it is in (GoNB's rule)
    first = k.execute('func init() { order = append(order, "one") }', cell_id="cell-a")
    assert first.status == "ok" and first.stdout == ""
    k.execute('func init() { order = append(order, "two") }', cell_id="cell-b")
    k.execute('func init_a() { order = append(order, "from init_a") }', cell_id="cell-c")
    assert k.ok("fmt.Println(order)") == "[two from init_a]\n"


@pytest.mark.slow
def test_go_kernel_two_hundred_pending_cells(go_kernel: RunningKernel) -> None:
    k = go_kernel
    k.ok("%reset\nvar kept = 7")
    first = None
    for i in range(200):
        result = k.execute(f"type T{i} struct{{ next *U{i} }}")
        first = first or count_of(result)
        if i < pending.MAX_PENDING:
            assert result.status == "ok" and result.stderr == f"T{i} waits for: U{i}\n", result.describe()
        else:
            assert result.status == "error" and result.ename == "CompileError", result.describe()
            assert result.error["evalue"].endswith(f"error: undefined: U{i}")
            assert result.error["traceback"][-1].startswith(
                f"Cell In[{count_of(result)}] cannot wait for U{i}: 100 cells already wait for names no cell "
                f"declares (Cell In[{first}], Cell In[{first + 1}],"
            )
    start = time.monotonic()
    rows = listing(k)
    assert time.monotonic() - start < 2.0, "%list answers at once"
    assert sum("pending" in row for row in rows) == pending.MAX_PENDING
    assert k.ok("fmt.Println(kept)") == "7\n", "the memory of everything else is unchanged"

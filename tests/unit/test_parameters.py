"""papermill parameters as declarations, without a compiler: what each translator writes, what it
rejects and how, how papermill finds it, and what --help-notebook reads back.
(tests/test_parameters.py compiles what they write; tests/test_export.py runs papermill.)"""

from __future__ import annotations

import pytest
from ccell_c.parameters import CTranslator
from ccell_go.parameters import GoTranslator
from ccell_rust.parameters import RustTranslator

from ccellkernel.api.errors import ParameterError
from ccellkernel.toolkit.parameters import DeclarationTranslator

TRANSLATORS = {"c": CTranslator, "go": GoTranslator, "rust": RustTranslator}


def test_papermill_finds_the_translators_by_kernel_and_by_language() -> None:
    import papermill.engines  # noqa: F401 - loading papermill's engines registers them
    from papermill.translators import papermill_translators

    for language, translator in TRANSLATORS.items():
        assert papermill_translators.find_translator(f"ccell-{language}", language) is translator
        assert papermill_translators.find_translator("some-other-kernel", language) is translator
    assert papermill_translators.find_translator("python3", "python").__name__ == "PythonTranslator"


# The example, `-p n 5 -p name x`, and one value of every other type.
DECLARED = {
    "c": """\
// Parameters
#include <stdbool.h>
int n = 5;
const char *name = "x";
double rate = 0.25;
bool loud = true;
void *nothing = 0;
long long big = 10000000000;
int xs[] = {1, 2, 3};
const char *names[] = {"a", "b"};
double grid[][2] = {{1.0, 2.5}, {3.0, 4.0}};
struct { int a; const char *b; } cfg = {.a = 1, .b = "z"};
""",
    "go": """\
// Parameters
var n = 5
var name = "x"
var rate = 0.25
var loud = true
var nothing any = nil
var big = 10000000000
var xs = []int{1, 2, 3}
var names = []string{"a", "b"}
var grid = [][]float64{{1.0, 2.5}, {3.0, 4.0}}
var cfg = struct{ a int; b string }{a: 1, b: "z"}
""",
    "rust": """\
// Parameters
#[allow(non_upper_case_globals)]
const n: i64 = 5;
#[allow(non_upper_case_globals)]
const name: &str = "x";
#[allow(non_upper_case_globals)]
const rate: f64 = 0.25;
#[allow(non_upper_case_globals)]
const loud: bool = true;
#[allow(non_upper_case_globals)]
const nothing: Option<&str> = None;
#[allow(non_upper_case_globals)]
const big: i64 = 10000000000;
#[allow(non_upper_case_globals)]
const xs: &[i64] = &[1, 2, 3];
#[allow(non_upper_case_globals)]
const names: &[&str] = &["a", "b"];
#[allow(non_upper_case_globals)]
const grid: &[&[f64]] = &[&[1.0, 2.5], &[3.0, 4.0]];
#[allow(non_upper_case_globals)]
const cfg: &[(&str, i64)] = &[("a", 1), ("b", 2)];
""",
}


@pytest.mark.parametrize("language", TRANSLATORS)
def test_each_parameter_is_a_declaration_of_its_type(language: str) -> None:
    parameters = {
        "n": 5,
        "name": "x",
        "rate": 0.25,
        "loud": True,
        "nothing": None,
        "big": 10**10,
        "xs": [1, 2, 3],
        "names": ["a", "b"],
        "grid": [[1, 2.5], [3, 4]],
        "cfg": {"a": 1, "b": 2} if language == "rust" else {"a": 1, "b": "z"},
    }
    assert TRANSLATORS[language].codify(parameters) == DECLARED[language]


def test_a_go_dict_of_one_value_type_is_a_map() -> None:
    assert (
        GoTranslator.codify({"m": {"a b": 1, "c": 2.5}}, "p")
        == '// p\nvar m = map[string]float64{"a b": 1.0, "c": 2.5}\n'
    )


def test_upper_case_rust_names_need_no_allow() -> None:
    assert RustTranslator.codify({"N": 1}) == "// Parameters\nconst N: i64 = 1;\n"


TRICKY = 'say "hi" \\ back\nnew line\ttab \x01 ?? é \u2028 end'
ESCAPED = {
    "c": r'"say \"hi\" \\ back\nnew line\ttab \001 \?\? é \342\200\250 end"',
    "go": r'"say \"hi\" \\ back\nnew line\ttab \u0001 ?? é \u2028 end"',
    "rust": r'"say \"hi\" \\ back\nnew line\ttab \u{1} ?? é \u{2028} end"',
}


@pytest.mark.parametrize("language", TRANSLATORS)
def test_strings_are_escaped(language: str) -> None:
    [*_, declaration] = TRANSLATORS[language].codify({"s": TRICKY}).strip().split("\n")
    assert declaration.endswith(f" = {ESCAPED[language]}" + ("" if language == "go" else ";"))


def test_bytes_that_were_not_utf8_stay_bytes_where_the_language_allows() -> None:
    raw = b"a\xffb".decode("utf-8", "surrogateescape")  # how Python hands over such an argument
    assert CTranslator.codify({"s": raw}).endswith('const char *s = "a\\377b";\n')
    assert GoTranslator.codify({"s": raw}).endswith('var s = "a\\xffb"\n')
    with pytest.raises(ParameterError, match=r"parameter 's': the string is not valid UTF-8"):
        RustTranslator.codify({"s": raw})


NOT_NAMES = ["my-var", "2x", "", "a b", "x;y", "main"]
KEYWORDS = {
    "c": ["int", "return", "bool"],
    "go": ["func", "type", "string", "_"],
    "rust": ["fn", "let", "Self"],
}


@pytest.mark.parametrize("language", TRANSLATORS)
def test_names_that_are_no_identifiers_or_keywords_are_rejected(language: str) -> None:
    translator: type[DeclarationTranslator] = TRANSLATORS[language]
    for name in NOT_NAMES:
        with pytest.raises(ParameterError, match=f"parameter {name!r} is "):
            translator.codify({"ok": 1, name: 1})
    for name in KEYWORDS[language]:
        with pytest.raises(ParameterError, match=f"parameter {name!r} is a {translator.language} keyword"):
            translator.codify({name: 1})
    with pytest.raises(ParameterError, match=r"not a .* identifier \(letters, digits and _"):
        translator.codify({"my-var": 1})


def test_unicode_names_are_go_and_rust_identifiers_not_c_ones() -> None:
    assert GoTranslator.codify({"größe": 1}).endswith("var größe = 1\n")
    assert RustTranslator.codify({"größe": 1}).endswith("const größe: i64 = 1;\n")
    with pytest.raises(ParameterError, match="not a C identifier"):
        CTranslator.codify({"größe": 1})


VALUES_WITHOUT_DECLARATION = [
    ([], "an empty list has no item type"),
    ([1, "a"], "a list's items must have one type, not int and str"),
    ([1, None], "None inside a list"),
    ({}, "an empty dict"),
    ({"a": None}, "None as the value of 'a'"),
    ([{"a": 1}, {"b": 1}], "the same keys"),
    (2**70, "does not fit in 64 bits"),
    (object(), "a value of type object"),
]


@pytest.mark.parametrize("language", TRANSLATORS)
@pytest.mark.parametrize(("value", "message"), VALUES_WITHOUT_DECLARATION)
def test_values_without_a_declaration_are_rejected(language: str, value: object, message: str) -> None:
    with pytest.raises(ParameterError, match=rf"^parameter 'p': .*{message}"):
        TRANSLATORS[language].codify({"p": value})


def test_what_one_language_cannot_declare() -> None:
    with pytest.raises(ParameterError, match="one length to be a C array"):
        CTranslator.codify({"p": [[1], [1, 2]]})
    assert GoTranslator.codify({"p": [[1], [1, 2]]}).endswith("var p = [][]int{{1}, {1, 2}}\n")
    with pytest.raises(ParameterError, match="the dict key 'a-b' cannot name a C struct field"):
        CTranslator.codify({"p": {"a-b": 1}})
    with pytest.raises(ParameterError, match="the dict key 'a-b' cannot name a Go struct field"):
        GoTranslator.codify({"p": {"a-b": 1, "c": "x"}})
    with pytest.raises(ParameterError, match="its values must have one type"):
        RustTranslator.codify({"p": {"a": 1, "b": "x"}})


def test_non_finite_floats_are_spelled_by_each_language() -> None:
    values = {"a": float("nan"), "b": float("inf"), "c": float("-inf")}
    assert CTranslator.codify(values).split("\n")[1:4] == [
        "double a = (0.0 / 0.0);",
        "double b = (1.0 / 0.0);",
        "double c = (-1.0 / 0.0);",
    ]
    assert GoTranslator.codify(values).split("\n")[1:4] == [
        "var a = math.NaN()",
        "var b = math.Inf(1)",
        "var c = math.Inf(-1)",
    ]
    assert "const b: f64 = f64::INFINITY;" in RustTranslator.codify(values)


def test_the_extremes_of_64_bit_integers() -> None:
    values = {"low": -(2**63), "high": 2**64 - 1}
    assert CTranslator.codify(values).split("\n")[1:3] == [
        "long long low = (-9223372036854775807LL - 1);",
        "unsigned long long high = 18446744073709551615ULL;",
    ]
    assert GoTranslator.codify(values).split("\n")[1:3] == [
        "var low = -9223372036854775808",
        "var high uint64 = 18446744073709551615",
    ]
    assert "const high: u64 = 18446744073709551615;" in RustTranslator.codify(values)


PARAMETERS_CELLS = {
    "c": 'int n = 3;  // how many\nconst char *name = "world";\n#include <stdio.h>\nint f(void);',
    "go": 'var n = 3 // how many\nvar name string = "world"\nfunc f() int { return 1 }',
    "rust": 'const n: i64 = 3; // how many\nstatic name: &str = "world";\nfn f() -> i64 { 1 }',
}


@pytest.mark.parametrize("language", TRANSLATORS)
def test_help_notebook_reads_the_parameters_cell(language: str) -> None:
    found = TRANSLATORS[language].inspect({"source": PARAMETERS_CELLS[language]})
    assert [(p.name, p.default, p.help) for p in found] == [("n", "3", "how many"), ("name", '"world"', "")]
    types = {"c": ["int", "const char *"], "go": ["None", "string"], "rust": ["i64", "&str"]}[language]
    assert [p.inferred_type_name for p in found] == types


def test_help_notebook_ignores_what_it_cannot_read() -> None:
    assert CTranslator.inspect({"source": "%bogus magic\nint n = 1;"}) == []

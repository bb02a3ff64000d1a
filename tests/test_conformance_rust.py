"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) against ccell-rust.

As for ccell-c, ``conformance.KernelConformance`` adds what every ccell kernel must also do, and
replaces the six tests for features this kernel does not have (rather than letting them skip).
"""

from __future__ import annotations

import jupyter_kernel_test
import pytest
from conformance import KernelConformance

pytestmark = pytest.mark.slow


class CCellRustKernelTests(KernelConformance, jupyter_kernel_test.KernelTests):
    kernel_name = "ccell-rust"
    language_name = "rust"
    file_extension = ".rs"

    code_hello_world = 'println!("hello, world");'
    code_stderr = 'eprintln!("to stderr");'
    # Fails to compile: the diagnostic belongs in the error's traceback, with no stream before it.
    code_generate_error = 'fn broken() -> i32 {\n    "not a number"\n}'

    completion_samples = [  # noqa: RUF012 - the suite's own class attributes
        {"text": "printl", "matches": {"println"}},
        {"text": "let total_count = 1; tot", "matches": {"total_count"}},
    ]
    complete_code_samples = [  # noqa: RUF012
        'println!("hi");',
        "fn square(x: i32) -> i32 { x * x }",
        "use std::fmt;",
        "#[derive(Debug)]\nstruct P;",
        "%help",
        "",
    ]
    incomplete_code_samples = [  # noqa: RUF012
        "fn square(x: i32) -> i32 {",
        "for i in 0..3 {\n    println!(",
        "let v = vec![1,",
    ]
    invalid_code_samples = [  # noqa: RUF012
        "let x = );",
        "}",
    ]

    # KernelConformance's samples
    code_exit_status_3 = "std::process::exit(3);"
    remembered_declaration = "fn remembered_total() -> i32 { 1 }"
    remembered_completion = ("remembered_t", "remembered_total")
    complete_with_magics_samples = (
        "%flags --edition 2018\nlet x = 1;",
        "%%\nlet x = 1;",
        'let x = 1;\n%%\nprintln!("{}", x);',
        "#![allow(dead_code)]",
        "impl<T> Stack<T> {\n    fn new() -> Self { todo!() }\n}",
    )
    language_info = {  # noqa: RUF012
        "name": "rust",
        "mimetype": "text/x-rustsrc",
        "pygments_lexer": "rust",
        "codemirror_mode": "text/x-rustsrc",
    }
    help_links = [{"text": "Rust standard library", "url": "https://doc.rust-lang.org/std/"}]  # noqa: RUF012
    code_expression_statement = "let x = 20;\nlet _y = x * 2 + 2;"
    code_execute_result = [  # noqa: RUF012
        {"code": "1 + 2", "result": "3"},
        {"code": "vec![1, 2]", "result": "[1, 2]"},
        {"code": '"text".to_string()', "result": '"text"'},
    ]
    code_display_data = [  # noqa: RUF012
        {"code": 'ccell::html("<b>bold</b>");', "mime": "text/html"},
        {"code": "ccell::png(&[0x89, b'P', b'N', b'G']);", "mime": "image/png"},
    ]
    code_clear_output = "ccell::clear();"
    code_print_html = 'println!("<b>html?</b>");'
    code_print_carriage_return = 'print!("\\rline\\n");'
    code_inspect_sample = "String::from_utf8"

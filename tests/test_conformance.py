"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) against ccell-c.

The suite's tests run with the samples below; ``conformance.KernelConformance`` adds what every ccell
kernel must also do, and replaces the six tests for features this kernel does not have.
"""

from __future__ import annotations

import jupyter_kernel_test
import pytest
from conformance import KernelConformance

pytestmark = pytest.mark.slow


class CCellCKernelTests(KernelConformance, jupyter_kernel_test.KernelTests):
    kernel_name = "ccell-c"
    language_name = "c"
    file_extension = ".c"

    code_hello_world = '#include <stdio.h>\nprintf("hello, world\\n");'
    code_stderr = '#include <stdio.h>\nfprintf(stderr, "to stderr\\n");'
    # Fails to compile: the diagnostic belongs in the error's traceback, with no stream before it.
    code_generate_error = "int broken(void) {\n    return not_declared_anywhere;\n}"

    completion_samples = [  # noqa: RUF012 - the suite's own class attributes
        {"text": "prin", "matches": {"printf"}},
        {"text": "int total_count = 1; tot", "matches": {"total_count"}},
    ]
    complete_code_samples = [  # noqa: RUF012
        'printf("hi\\n");',
        "int square(int x) { return x * x; }",
        "#include <stdio.h>",
        "%help",
        "",
    ]
    incomplete_code_samples = [  # noqa: RUF012
        "int square(int x) {",
        "for (int i = 0; i < 3; i++) {\n    printf(",
        "#define LONG_MACRO(x) \\",
    ]
    invalid_code_samples = [  # noqa: RUF012
        "int x = );",
        "}",
    ]

    # KernelConformance's samples
    code_exit_status_3 = "return 3;"
    remembered_declaration = "int remembered_total(void) { return 1; }"
    remembered_completion = ("remembered_t", "remembered_total")
    complete_with_magics_samples = (
        "%flags -O2\nint x;",
        "%%\nint x = 1;",
        'int x = 1;\n%%\nprintf("%d", x);',
        "#define X 1",
    )
    language_info = {"mimetype": "text/x-csrc"}  # noqa: RUF012
    help_links = [{"text": "C reference", "url": "https://en.cppreference.com/w/c"}]  # noqa: RUF012
    code_expression_statement = "1 + 1;"
    code_execute_result = [  # noqa: RUF012
        {"code": "1 + 2", "result": "3"},
        {"code": 'int n = 6;\n"chars"', "result": '"chars"'},
        {"code": "2.5 * 2", "result": "5"},
    ]
    code_display_data = [  # noqa: RUF012
        {"code": '#include <ccell.h>\nccell_html("<b>bold</b>");', "mime": "text/html"},
        {"code": '#include <ccell.h>\nccell_png("\\x89PNG\\r\\n", 6);', "mime": "image/png"},
    ]
    code_clear_output = "#include <ccell.h>\nccell_clear();"
    code_print_html = '#include <stdio.h>\nprintf("<b>html?</b>\\n");'
    code_print_carriage_return = '#include <stdio.h>\nprintf("\\rline\\n");'
    code_inspect_sample = "printf"

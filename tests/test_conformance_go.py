"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) against ccell-go.

As for ccell-c, ``conformance.KernelConformance`` adds what every ccell kernel must also do, and
replaces the six tests for features this kernel does not have (rather than letting them skip).
"""

from __future__ import annotations

import jupyter_kernel_test
import pytest
from conformance import KernelConformance
from kernel_client import wait_for_helper

pytestmark = pytest.mark.slow


class CCellGoKernelTests(KernelConformance, jupyter_kernel_test.KernelTests):
    kernel_name = "ccell-go"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "to stderr")'
    # Fails to compile: the diagnostic belongs in the error's traceback, with no stream before it.
    code_generate_error = 'func broken() int {\n\treturn "not a number"\n}'

    completion_samples = [  # noqa: RUF012 - the suite's own class attributes
        {"text": "fmt.Prin", "matches": {"Print", "Println", "Printf"}},
        {"text": "totalCount := 1; tot", "matches": {"totalCount"}},
    ]
    complete_code_samples = [  # noqa: RUF012
        'fmt.Println("hi")',
        "func square(x int) int { return x * x }",
        'import "fmt"',
        "%help",
        "",
    ]
    incomplete_code_samples = [  # noqa: RUF012
        "func square(x int) int {",
        "for i := 0; i < 3; i++ {\n\tfmt.Println(",
        "var (\n\ta = 1",
    ]
    invalid_code_samples = [  # noqa: RUF012
        "x := )",
        "}",
    ]

    # KernelConformance's samples
    code_exit_status_3 = "os.Exit(3)"
    remembered_declaration = "func rememberedTotal() int { return 1 }"
    remembered_completion = ("rememberedT", "rememberedTotal")
    # A body ending in a call (%%\nfmt.Println(x)) is judged "invalid" today: the core parses the body
    # without a final line end, which tree-sitter-go needs (see the Go toolchain's notes).
    complete_with_magics_samples = (
        "%flags -race\nvar x int",
        "%%\nx := 1",
        "var x = 1\n%%\ny := x",
        "fmt.Println(x)",
    )
    language_info = {  # noqa: RUF012
        "name": "go",
        "mimetype": "text/x-go",
        "file_extension": ".go",
        "pygments_lexer": "go",
        "codemirror_mode": "text/x-go",
    }
    version_pattern = r"^go1\.\d+"
    help_links = [{"text": "Go standard library", "url": "https://pkg.go.dev/std"}]  # noqa: RUF012
    code_expression_statement = "x := 1 + 1"
    code_execute_result = [  # noqa: RUF012
        {"code": "1 + 2", "result": "3"},
        {"code": 'strings.ToUpper("go")', "result": "GO"},
    ]
    code_display_data = [  # noqa: RUF012
        {"code": 'display.HTML("<b>bold</b>")', "mime": "text/html"},
        {"code": "display.PNG([]byte{0x89, 'P', 'N', 'G'})", "mime": "image/png"},
    ]
    code_clear_output = "display.Clear()"
    code_print_html = 'fmt.Println("<b>html?</b>")'
    code_print_carriage_return = 'fmt.Print("\\rline\\n")'
    code_inspect_sample = "strings.ToUpper"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # The first build waits for the kernel's warm-up (seconds with a cold build cache); the
        # suite gives each cell 15 s.
        cls.kc.execute_interactive('fmt.Println("warm")', timeout=120)
        wait_for_helper(cls.kc, "strings.To", "ccell-go-assist")  # built at warm-up

    # What is particular to Go

    def test_error_unavailable_module(self) -> None:
        content = self._assert_one_error('import "github.com/x/y"', "CompileError")
        self.assertIn("not in the standard library", content["evalue"])

    def test_completion_offers_go_words(self) -> None:
        self.flush_channels()
        self.kc.complete("strc")
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        self.assertIn("strconv", reply["content"]["matches"])

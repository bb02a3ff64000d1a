"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) against ccell-go.

As for ccell-c, the six feature tests this kernel has no feature for (``execute_result``,
``display_data``, pager, history, inspect, ``clear_output``) are replaced by tests that it does not
pretend to have them, rather than skipped.
"""

from __future__ import annotations

import jupyter_kernel_test
import pytest

pytestmark = pytest.mark.slow


class CCellGoKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "ccell-go"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "to stderr")'
    # Fails to compile: the diagnostic belongs in the error's traceback, with no stream before it.
    code_generate_error = "func broken() int {\n\treturn notDeclaredAnywhere\n}"

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

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # The first build waits for the kernel's warm-up (seconds with a cold build cache); the
        # suite gives each cell 15 s.
        cls.kc.execute_interactive('fmt.Println("warm")', timeout=120)

    # Beyond the suite: the other error kinds have the same shape (one IOPub error, nothing else).

    def _assert_one_error(self, code: str, ename: str) -> dict:
        self.flush_channels()
        reply, outputs = self.execute_helper(code)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], ename)
        self.assertEqual([m["msg_type"] for m in outputs], ["error"])
        content = outputs[0]["content"]
        self.assertEqual(content["traceback"][0], f"{content['ename']}: {content['evalue']}")
        return content

    def test_error_exit_status(self) -> None:
        content = self._assert_one_error("os.Exit(3)", "ExitStatus")
        self.assertEqual(content["evalue"], "exit status 3")

    def test_error_unknown_magic(self) -> None:
        content = self._assert_one_error("%no_such_magic", "MagicError")
        self.assertIn("%help", content["evalue"])

    def test_error_unavailable_module(self) -> None:
        content = self._assert_one_error('import "github.com/x/y"', "CompileError")
        self.assertIn("not in the standard library", content["evalue"])

    def test_completion_of_a_remembered_name(self) -> None:
        self.flush_channels()
        reply, _ = self.execute_helper("func rememberedTotal() int { return 1 }")
        self.assertEqual(reply["content"]["status"], "ok")
        self.kc.complete("rememberedT")
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        content = reply["content"]
        self.assertEqual(content["matches"], ["rememberedTotal"])
        self.assertEqual((content["cursor_start"], content["cursor_end"]), (0, len("rememberedT")))

    def test_completion_offers_go_words(self) -> None:
        self.flush_channels()
        self.kc.complete("strc")
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        self.assertIn("strconv", reply["content"]["matches"])

    def test_is_complete_with_magics_and_body(self) -> None:
        """Cells that run as they are (CELL_MODEL 6) are complete, also with magic lines and %%."""
        # A body ending in a call (%%\nfmt.Println(x)) is judged "invalid" today: the core parses
        # the body without a final line end, which tree-sitter-go needs (see the Go toolchain's notes).
        for sample in ("%flags -race\nvar x int", "%%\nx := 1", "var x = 1\n%%\ny := x", "fmt.Println(x)"):
            with self.subTest(sample=sample):
                self.check_is_complete(sample, "complete")

    def test_kernel_info_language_and_no_subshells_or_debugger(self) -> None:
        self.flush_channels()
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=15)
        content = reply["content"]
        info = content["language_info"]
        self.assertEqual(
            {k: info[k] for k in ("name", "mimetype", "file_extension", "pygments_lexer", "codemirror_mode")},
            {
                "name": "go",
                "mimetype": "text/x-go",
                "file_extension": ".go",
                "pygments_lexer": "go",
                "codemirror_mode": "text/x-go",
            },
        )
        self.assertRegex(info["version"], r"^go1\.\d+")
        self.assertNotIn("kernel subshells", content.get("supported_features", []))
        self.assertNotIn("debugger", content.get("supported_features", []))
        self.assertFalse(content.get("debugger", False))

    # The suite's six feature tests, for features this kernel does not have: it must not pretend.

    def _outputs(self, code: str) -> tuple[dict, list[str]]:
        self.flush_channels()
        reply, outputs = self.execute_helper(code)
        self.assertEqual(reply["content"]["status"], "ok")
        return reply["content"], [m["msg_type"] for m in outputs]

    def test_execute_result(self) -> None:
        # a trailing expression is a statement: it runs, and has no Out[n] (a later feature)
        _, kinds = self._outputs("x := 1 + 1")
        self.assertNotIn("execute_result", kinds)

    def test_display_data(self) -> None:
        _, kinds = self._outputs('fmt.Println("<b>html?</b>")')
        self.assertEqual(kinds, ["stream"])

    def test_clear_output(self) -> None:
        _, kinds = self._outputs('fmt.Print("\\rline\\n")')
        self.assertNotIn("clear_output", kinds)

    def test_pager(self) -> None:
        content, kinds = self._outputs("%help")
        self.assertEqual(content["payload"], [])  # help is printed, not paged
        self.assertEqual(kinds, ["stream"])

    def test_history(self) -> None:
        self.flush_channels()
        self.kc.history(session=0, raw=True, output=False, hist_access_type="tail", n=5)
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        self.assertEqual(reply["msg_type"], "history_reply")
        self.assertEqual(reply["content"]["history"], [])

    def test_inspect(self) -> None:
        self.flush_channels()
        self.kc.inspect("fmt.Println", 5)
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        self.assertEqual(reply["msg_type"], "inspect_reply")
        self.assertFalse(reply["content"]["found"])

"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) against ccell-c.

The suite skips the tests whose samples are left empty. This kernel has no ``execute_result``,
``display_data``, pager, history, inspect or ``clear_output`` yet, so those six tests are replaced
here by tests that it says so honestly (nothing advertised, empty replies), rather than skipped.
"""

from __future__ import annotations

import jupyter_kernel_test
import pytest

pytestmark = pytest.mark.slow


class CCellCKernelTests(jupyter_kernel_test.KernelTests):
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
        content = self._assert_one_error("return 3;", "ExitStatus")
        self.assertEqual(content["evalue"], "exit status 3")

    def test_error_unknown_magic(self) -> None:
        content = self._assert_one_error("%no_such_magic", "MagicError")
        self.assertIn("%help", content["evalue"])

    def test_completion_of_a_remembered_name(self) -> None:
        self.flush_channels()
        reply, _ = self.execute_helper("int remembered_total(void) { return 1; }")
        self.assertEqual(reply["content"]["status"], "ok")
        self.kc.complete("remembered_t")
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        content = reply["content"]
        self.assertEqual(content["matches"], ["remembered_total"])
        self.assertEqual((content["cursor_start"], content["cursor_end"]), (0, len("remembered_t")))

    def test_is_complete_with_magics_and_body(self) -> None:
        """Cells that run as they are (CELL_MODEL 6) are complete, also with magic lines and %%."""
        for sample in (
            "%flags -O2\nint x;",
            "%%\nint x = 1;",
            'int x = 1;\n%%\nprintf("%d", x);',
            "#define X 1",
        ):
            with self.subTest(sample=sample):
                self.check_is_complete(sample, "complete")

    def test_kernel_info_advertises_no_subshells_or_debugger(self) -> None:
        self.flush_channels()
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=15)
        content = reply["content"]
        self.assertEqual(content["language_info"]["mimetype"], "text/x-csrc")
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
        _, kinds = self._outputs("1 + 1;")
        self.assertNotIn("execute_result", kinds)

    def test_display_data(self) -> None:
        _, kinds = self._outputs('#include <stdio.h>\nprintf("<b>html?</b>\\n");')
        self.assertEqual(kinds, ["stream"])

    def test_clear_output(self) -> None:
        _, kinds = self._outputs('#include <stdio.h>\nprintf("\\rline\\n");')
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
        self.kc.inspect("printf", 3)
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        self.assertEqual(reply["msg_type"], "inspect_reply")
        self.assertFalse(reply["content"]["found"])

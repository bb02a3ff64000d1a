"""The Jupyter project's kernel conformance suite (jupyter_kernel_test) against ccell-rust.

The suite skips the tests whose samples are left empty. This kernel has no ``execute_result``,
``display_data``, pager, history, inspect or ``clear_output``, so those six tests are replaced here by
tests that it says so honestly (nothing advertised, empty replies), rather than skipped.
"""

from __future__ import annotations

import jupyter_kernel_test
import pytest

pytestmark = pytest.mark.slow


class CCellRustKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "ccell-rust"
    language_name = "rust"
    file_extension = ".rs"

    code_hello_world = 'println!("hello, world");'
    code_stderr = 'eprintln!("to stderr");'
    # Fails to compile: the diagnostic belongs in the error's traceback, with no stream before it.
    code_generate_error = "fn broken() -> i32 {\n    not_declared_anywhere\n}"

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
        content = self._assert_one_error("std::process::exit(3);", "ExitStatus")
        self.assertEqual(content["evalue"], "exit status 3")

    def test_error_unknown_magic(self) -> None:
        content = self._assert_one_error("%no_such_magic", "MagicError")
        self.assertIn("%help", content["evalue"])

    def test_completion_of_a_remembered_name(self) -> None:
        self.flush_channels()
        reply, _ = self.execute_helper("fn remembered_total() -> i32 { 1 }")
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
            "%flags --edition 2018\nlet x = 1;",
            "%%\nlet x = 1;",
            'let x = 1;\n%%\nprintln!("{}", x);',
            "#![allow(dead_code)]",
            "impl<T> Stack<T> {\n    fn new() -> Self { todo!() }\n}",
        ):
            with self.subTest(sample=sample):
                self.check_is_complete(sample, "complete")

    def test_kernel_info_advertises_no_subshells_or_debugger(self) -> None:
        self.flush_channels()
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=15)
        content = reply["content"]
        info = content["language_info"]
        self.assertEqual((info["name"], info["mimetype"]), ("rust", "text/x-rustsrc"))
        self.assertEqual((info["pygments_lexer"], info["codemirror_mode"]), ("rust", "text/x-rustsrc"))
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
        _, kinds = self._outputs("let x = 20;\nx * 2 + 2")
        self.assertNotIn("execute_result", kinds)

    def test_display_data(self) -> None:
        _, kinds = self._outputs('println!("<b>html?</b>");')
        self.assertEqual(kinds, ["stream"])

    def test_clear_output(self) -> None:
        _, kinds = self._outputs('print!("\\rline\\n");')
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
        self.kc.inspect("println", 3)
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        self.assertEqual(reply["msg_type"], "inspect_reply")
        self.assertFalse(reply["content"]["found"])

"""What every ccell kernel adds to the Jupyter project's conformance suite (jupyter_kernel_test).

``KernelConformance`` is a mixin, not a test case: test_conformance.py combines it with
``jupyter_kernel_test.KernelTests`` once per language, with that language's samples from its table
(pytest collects only those classes)::

    CCellCKernelTests = kernel_tests("c")  # (KernelConformance, KernelTests) with the C samples

The suite skips the tests whose samples are left empty, so every language gives them all: its own
``execute_result`` (``Out[n]``), ``display_data``, ``clear_output``, inspect and pager tests run with each
language's samples (the pager's sample is the inspect sample with ``?``, as in IPython). These kernels
have no history, so that test is replaced here by one that the kernel says so honestly (an empty
reply), rather than skipped. Beyond the suite: the other error kinds have the same shape as a compile
error (one IOPub error, nothing else), a name a cell declared is offered for completion and inspected
with its cell, detail level 1 says more, cells with magic lines are complete, a statement has no
``Out[n]``, and text a program prints is never taken for a display.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from jupyter_kernel_test import KernelTests
else:
    KernelTests = object


class KernelConformance(KernelTests):
    # -- the samples each language gives -------------------------------------------------------------

    code_exit_status_3: ClassVar[str]  # a cell whose program exits with status 3
    remembered_declaration: ClassVar[str]  # a declaration-only cell defining the name below
    remembered_completion: ClassVar[tuple[str, str]]  # (prefix typed, the one name it completes to)
    complete_with_magics_samples: ClassVar[tuple[str, ...]]  # complete cells with magic lines or %%
    language_info: ClassVar[dict[str, str]]  # kernel_info's language_info has these items
    version_pattern: ClassVar[str | None] = None  # and its version matches this
    supported_features: ClassVar[list[str] | None] = None  # exactly these, where a language says
    help_links: ClassVar[list[dict[str, str]]]  # kernel_info's help_links (no project URL: references)
    code_expression_statement: ClassVar[str]  # ends in a statement (with its ;): not an Out[n]
    code_print_html: ClassVar[str]  # prints "<b>html?</b>" to stdout
    code_print_carriage_return: ClassVar[str]  # prints "\rline\n" to stdout
    code_inspect_sample: ClassVar[str]  # the suite's: a library name that inspection knows

    # -- beyond the suite --------------------------------------------------------------------------------

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
        content = self._assert_one_error(self.code_exit_status_3, "ExitStatus")
        self.assertEqual(content["evalue"], "exit status 3")

    def test_error_unknown_magic(self) -> None:
        content = self._assert_one_error("%no_such_magic", "MagicError")
        self.assertIn("%help", content["evalue"])

    def test_completion_of_a_remembered_name(self) -> None:
        prefix, name = self.remembered_completion
        self.flush_channels()
        reply, _ = self.execute_helper(self.remembered_declaration)
        self.assertEqual(reply["content"]["status"], "ok")
        self.kc.complete(prefix)
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        content = reply["content"]
        self.assertEqual(content["matches"], [name])
        self.assertEqual((content["cursor_start"], content["cursor_end"]), (0, len(prefix)))

    def test_is_complete_with_magics_and_body(self) -> None:
        """Cells that run as they are (CELL_MODEL 6) are complete, also with magic lines and %%."""
        for sample in self.complete_with_magics_samples:
            with self.subTest(sample=sample):
                self.check_is_complete(sample, "complete")

    def test_kernel_info_language_and_no_subshells_or_debugger(self) -> None:
        self.flush_channels()
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=15)
        content = reply["content"]
        info = content["language_info"]
        self.assertEqual({k: info[k] for k in self.language_info}, self.language_info)
        if self.version_pattern is not None:
            self.assertRegex(info["version"], self.version_pattern)
        self.assertNotIn("kernel subshells", content.get("supported_features", []))
        self.assertNotIn("debugger", content.get("supported_features", []))
        if self.supported_features is not None:
            self.assertEqual(content.get("supported_features", []), self.supported_features)
        self.assertFalse(content.get("debugger", False))

    def test_kernel_info_help_links(self) -> None:
        """The Help menu's links (issue 17): the language's reference."""
        self.flush_channels()
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=15)
        self.assertEqual(reply["content"]["help_links"], self.help_links)

    def _outputs(self, code: str) -> tuple[dict, list[str]]:
        self.flush_channels()
        reply, outputs = self.execute_helper(code)
        self.assertEqual(reply["content"]["status"], "ok")
        return reply["content"], [m["msg_type"] for m in outputs]

    def test_a_statement_has_no_out(self) -> None:
        _, kinds = self._outputs(self.code_expression_statement)
        self.assertNotIn("execute_result", kinds)

    def test_printed_html_is_text_not_a_display(self) -> None:
        _, kinds = self._outputs(self.code_print_html)
        self.assertEqual(kinds, ["stream"])

    def test_a_carriage_return_is_text_not_a_clear(self) -> None:
        _, kinds = self._outputs(self.code_print_carriage_return)
        self.assertNotIn("clear_output", kinds)

    def test_out_counts_like_ipython(self) -> None:
        """Out[n] carries the execution count of its cell, and comes after what the cell printed."""
        sample = self.code_execute_result[0]
        self.flush_channels()
        msg_id = self.kc.execute(sample["code"])
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        count = reply["content"]["execution_count"]
        results = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=10)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "execute_result":
                results.append(msg["content"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        self.assertEqual([r["execution_count"] for r in results], [count])
        self.assertEqual(results[0]["data"]["text/plain"], sample["result"])

    @property
    def code_page_something(self) -> str:  # the suite's pager sample: `name?`, as in IPython
        return self.code_inspect_sample + "?"

    def test_help_is_printed_not_paged(self) -> None:
        content, kinds = self._outputs("%help")
        self.assertEqual(content["payload"], [])
        self.assertEqual(kinds, ["stream"])

    # -- the suite's feature test for what these kernels do not have: it must not pretend --

    def test_history(self) -> None:
        self.flush_channels()
        self.kc.history(session=0, raw=True, output=False, hist_access_type="tail", n=5)
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        self.assertEqual(reply["msg_type"], "history_reply")
        self.assertEqual(reply["content"]["history"], [])

    # -- inspection ---------------------------------------------------------------------------------------

    def _inspect(self, code: str, detail: int = 0) -> dict:
        self.flush_channels()
        self.kc.inspect(code, len(code), detail)
        reply = self.get_non_kernel_info_reply(timeout=15)
        assert reply is not None
        self.assertEqual(reply["msg_type"], "inspect_reply")
        self.assertEqual(reply["content"]["status"], "ok")
        return reply["content"]

    def test_inspect_remembered_name_shows_its_cell(self) -> None:
        self.flush_channels()
        reply, _ = self.execute_helper(self.remembered_declaration)
        self.assertEqual(reply["content"]["status"], "ok")
        name = self.remembered_completion[1]
        content = self._inspect(name)
        self.assertTrue(content["found"])
        self.assertIn(f"Cell In[{reply['content']['execution_count']}]", content["data"]["text/plain"])
        self.assertIn(name, content["data"]["text/markdown"])

    def test_inspect_detail_level_adds_text(self) -> None:
        short = self._inspect(self.code_inspect_sample, 0)
        full = self._inspect(self.code_inspect_sample, 1)
        self.assertTrue(short["found"] and full["found"])
        self.assertEqual(set(short["data"]), {"text/plain", "text/markdown"})
        self.assertGreater(len(full["data"]["text/plain"]), len(short["data"]["text/plain"]))

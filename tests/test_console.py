"""``jupyter console --kernel ccell-c`` in a pseudo-terminal, as the README tells a user to run it.

The console is the real one (prompt_toolkit, colours and all) behind pexpect; ``Terminal`` strips the
escape sequences and matches what a person would read. Enter inside an open ``{`` block continues it
(the kernel's ``is_complete``), Ctrl-C stops an endless loop while the kernel and its memory live on,
and ``exit`` ends the console and its kernel. The tests share one console, in file order.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from servers import ARTIFACTS, BIN, jupyter_env

pytestmark = pytest.mark.slow

TIMEOUT = 60.0
# CSI and OSC sequences, two-character escapes, carriage returns: what the screen shows is the rest.
ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement, modes
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles
    r"|\x1b[()][0-9A-Za-z]|\x1b[=>78M]|\r"
)


class Terminal:
    """A program in a pseudo-terminal; ``expect`` matches a regex on its output without escapes."""

    def __init__(self, argv: list[str], *, env: dict[str, str], cwd: Path) -> None:
        self.child = pexpect.spawn(
            argv[0],
            argv[1:],
            env=env,
            cwd=str(cwd),
            encoding="utf-8",
            codec_errors="replace",
            dimensions=(40, 120),
            timeout=TIMEOUT,
        )
        self.raw = ""
        self.seen = 0  # offset in text() up to the end of the last match

    def text(self) -> str:
        return ESCAPES.sub("", self.raw)

    def expect(self, pattern: str, timeout: float = TIMEOUT) -> re.Match[str]:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.text(), self.seen)
            if match:
                self.seen = match.end()
                return match
            if time.monotonic() > deadline:
                since = self.text()[self.seen :]
                raise AssertionError(f"{pattern!r} did not appear; the screen since the last match:\n{since}")
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=0.1)
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF as eof:
                raise AssertionError(f"{pattern!r}: the program ended:\n{self.text()[self.seen:]}") from eof

    def type(self, line: str) -> None:
        """Type ``line`` and press Enter."""
        self.child.send(line + "\r")

    def wait_for_exit(self, timeout: float = TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while self.child.isalive():
            assert time.monotonic() < deadline, f"still running after {timeout} s:\n{self.text()[-2000:]}"
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=0.1)
            except (pexpect.TIMEOUT, pexpect.EOF):
                pass
        self.child.close()
        if self.child.signalstatus is not None:
            return -int(self.child.signalstatus)
        return int(self.child.exitstatus or 0)

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()


def prompt(n: int) -> str:
    return rf"In \[{n}\]: "


def kernel_processes(runtime: Path) -> list[int]:
    """The ccellkernel processes started with a connection file in ``runtime`` (this console's)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"ccellkernel" in argv and any(arg.startswith(str(runtime).encode()) for arg in argv):
            pids.append(int(cmdline.parent.name))
    return pids


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("console")


@pytest.fixture(scope="module")
def console(home: Path) -> Iterator[Terminal]:
    env = jupyter_env(home, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1")
    # The console gives up on is_complete after 1 s and then guesses line by line; on a loaded CI
    # machine that second would test the machine, not the kernel.
    argv = [str(BIN / "jupyter"), "console", "--kernel", "ccell-c"]
    argv.append("--ZMQTerminalInteractiveShell.kernel_is_complete_timeout=5")
    terminal = Terminal(argv, env=env, cwd=home)
    yield terminal
    terminal.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "jupyter-console.txt").write_text(terminal.text())


def test_enter_continues_a_block_and_ctrl_c_interrupts(console: Terminal) -> None:
    console.expect(r"C \(compiled\) with ")  # the kernel's banner
    console.expect(prompt(1))
    console.type("#include <stdio.h>")
    console.expect(prompt(2))
    console.type("int f(void) {")
    console.expect(r"\.\.\.: ")  # incomplete: Enter continued the cell instead of running it
    console.type("    return 7;")
    console.expect(r"\.\.\.: ")
    console.type("}")
    console.expect(prompt(3))  # the three lines were one cell
    console.type('printf("%d\\n", f() * 6);')
    console.expect(r"\n42\n")
    console.expect(prompt(4))

    console.type('printf("looping\\n"); for (;;) {}')
    console.expect(r"\nlooping\n")
    console.child.sendintr()  # Ctrl-C, as the terminal delivers it: SIGINT to the console
    console.expect(r"KeyboardInterrupt: stopped by the user; globals and declarations as before Cell In\[4\]")
    console.expect(prompt(5))
    console.type('printf("%d\\n", f());')  # the same kernel, its memory kept
    console.expect(r"\n7\n")
    console.expect(prompt(6))


def test_exit_ends_the_console_and_its_kernel(console: Terminal, home: Path) -> None:
    runtime = home / "runtime"
    kernels = kernel_processes(runtime)
    assert len(kernels) == 1, kernels
    console.type("exit")  # the kernel answers with an ask_exit payload; the console then shuts it down
    ended = console.expect(r"Shutting down kernel|" + prompt(7), timeout=30)
    assert ended.group(0) == "Shutting down kernel", f"exit ran as a cell:\n{console.text()[-1500:]}"
    assert console.wait_for_exit() == 0
    deadline = time.monotonic() + 30
    while kernel_processes(runtime):
        assert time.monotonic() < deadline, "the kernel outlived the console"
        time.sleep(0.1)

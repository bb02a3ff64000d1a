"""Start each installed ccellkernel kernel, run one cell, interrupt an endless loop, run again.

    python deploy/smoke_test.py [KERNEL ...]      (default: ccell-c ccell-go ccell-rust)

The Dockerfile runs it while it builds an image, as the image's user: a missing compiler, a kernelspec
that points at the wrong Python, or a kernel that dies on an interrupt fails the build. (It also puts
the Go standard library into that user's build cache.) Exit status 0 when every kernel passed.
"""

from __future__ import annotations

import queue
import sys
import time

from jupyter_client.manager import start_new_kernel

CELLS = {
    "ccell-c": ('#include <stdio.h>\nprintf("%d\\n", 6 * 7);', 'printf("looping\\n");\nfor (;;) {}'),
    "ccell-go": ("fmt.Println(6 * 7)", 'fmt.Println("looping")\nfor {}'),
    "ccell-rust": ('println!("{}", 6 * 7);', 'println!("looping");\nloop {}'),
}
TIMEOUT = 300.0  # a cold Go build cache takes a while on a small builder


def run(kc, code: str, interrupt=None) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Execute ``code``: its stdout and the reply's status; ``interrupt()`` at the first output."""
    msg_id = kc.execute(code)
    out = ""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            out += msg["content"]["text"]
            if interrupt is not None:
                interrupt()
                interrupt = None
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            reply = kc.get_shell_msg(timeout=TIMEOUT)
            return out, reply["content"]["status"]
    raise TimeoutError(f"no answer in {TIMEOUT} s to {code!r}")


def check(name: str) -> list[str]:
    problems = []
    km, kc = start_new_kernel(kernel_name=name, startup_timeout=TIMEOUT)
    try:
        declare, spin = CELLS[name]
        if run(kc, declare) != ("42\n", "ok"):
            problems.append(f"{name}: the first cell did not print 42")
        out, status = run(kc, spin, interrupt=km.interrupt_kernel)
        if status != "error" or "looping" not in out:
            problems.append(f"{name}: the endless loop was not interrupted ({status}, {out!r})")
        if run(kc, declare) != ("42\n", "ok"):
            problems.append(f"{name}: no cell ran after the interrupt")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    return problems


def main(names: list[str]) -> int:
    problems = [problem for name in names or list(CELLS) for problem in check(name)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print("smoke test:", "failed" if problems else "every kernel ran a cell and was interrupted")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

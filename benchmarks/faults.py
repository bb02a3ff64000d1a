"""The fault and load suite: what the kernels do with processes, limits, odd requests and abuse.

    python benchmarks/faults.py [--fast] [--language c] [--case NAME]

Runs every case against the kernels it applies to through jupyter_client, and prints one row per
case and kernel: case, expected, observed (with figures), pass or fail. The kernels (``VARIANTS``):
``c`` (the live C program, CELL_MODEL section 1a), ``c-fresh`` (C after ``%state fresh``: a new
process per cell, run like Go and Rust programs), ``go``, ``rust``, and each with ``-nocg``: cgroups
turned off (``CCELL_CGROUPS=off``), so runs are tracked by the subreaper alone and limits enforced by
setrlimit and counting. It exits 1 if a case failed. ``--fast`` keeps the cases that take a few
seconds at most; ``tests/test_faults.py`` runs those as tests, from these same definitions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from jupyter_client.session import Session, json_default  # noqa: E402
from kernel_client import CellResult, RunningKernel  # noqa: E402

WAIT_GONE = 5.0  # seconds a killed process may take to disappear


@dataclass(frozen=True)
class Outcome:
    ok: bool
    observed: str


@dataclass(frozen=True)
class Case:
    """One fault: what must happen, for which kernels, and the function that tries it."""

    name: str
    expected: str
    kernels: tuple[str, ...]
    run: Callable[[Lab, str], Outcome]
    fast: bool = True


# -- kernels -------------------------------------------------------------------------------------------

SETUP = {
    "c": (
        "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n"
        "#include <signal.h>\n#include <assert.h>\n#include <sys/wait.h>\n#include <sys/types.h>\n"
        'void save_pid(const char *file, int pid) { FILE *f = fopen(file, "a"); fprintf(f, "%d\\n", pid); '
        "fclose(f); }\nint fault_mark = 0;"
    ),
    "go": 'import (\n\t"os/exec"\n\t"syscall"\n\t"time"\n)',
    "rust": "use std::os::unix::process::CommandExt;",
}


@dataclass(frozen=True)
class Variant:
    """A kernel of the lab: its language, its environment, and (C) whether it runs ``%state fresh``."""

    language: str
    env: dict[str, str] = field(default_factory=dict)
    fresh: bool = False


NOCG = {"CCELL_CGROUPS": "off"}
VARIANTS = {
    "c": Variant("c"),
    "c-fresh": Variant("c", fresh=True),
    "go": Variant("go"),
    "rust": Variant("rust"),
    "c-nocg": Variant("c", NOCG),
    "c-fresh-nocg": Variant("c", NOCG, fresh=True),
    "go-nocg": Variant("go", NOCG),
    "rust-nocg": Variant("rust", NOCG),
}
C_TREE = ("c", "c-fresh", "c-nocg", "c-fresh-nocg")  # the process-tree cases' kernels
EVERY = tuple(VARIANTS)
LANGUAGES = ("c", "c-fresh", "go", "rust")  # each language, and C in both modes


class Lab:
    """The kernels the cases run on, started on first use and shared, each in its own folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._kernels: dict[str, RunningKernel] = {}

    def language(self, kernel: str) -> str:
        return VARIANTS[kernel].language

    def live(self, kernel: str) -> bool:
        """Whether the kernel runs C's live program (globals kept from cell to cell)."""
        variant = VARIANTS[kernel]
        return variant.language == "c" and not variant.fresh

    def folder(self, kernel: str) -> Path:
        path = self.root / kernel
        path.mkdir(exist_ok=True)
        return path

    def kernel(self, kernel: str) -> RunningKernel:
        if kernel not in self._kernels:
            running = self.start(kernel)
            setup = running.execute(SETUP[self.language(kernel)], timeout=180)
            if setup.status != "ok":
                raise RuntimeError(f"{kernel}: the setup cell failed:\n{setup.describe()}")
            if VARIANTS[kernel].fresh:
                state = running.execute("%state fresh")
                if state.status != "ok" or not state.stdout.startswith("state: fresh"):
                    raise RuntimeError(f"{kernel}: %state fresh failed:\n{state.describe()}")
            self._kernels[kernel] = running
        return self._kernels[kernel]

    def start(self, kernel: str, **env: str) -> RunningKernel:
        """A kernel of its own (the caller shuts it down)."""
        variant = VARIANTS[kernel]
        env = {"RUST_BACKTRACE": "0", **variant.env, **env}
        return RunningKernel(f"ccell-{variant.language}", env=env, cwd=self.folder(kernel))

    def close(self) -> None:
        for running in self._kernels.values():
            running.shutdown()
        self._kernels.clear()


# -- helpers -------------------------------------------------------------------------------------------


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return None


def gone(pids: Sequence[int], timeout: float = WAIT_GONE) -> list[int]:
    """The pids still alive after ``timeout`` (zombies count as gone)."""
    deadline = time.monotonic() + timeout
    while True:
        left = [pid for pid in pids if _state(pid) not in (None, "Z", "X")]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def read_pids(lab: Lab, kernel: str, name: str) -> list[int]:
    path = lab.folder(kernel) / name
    try:
        return [int(word) for word in path.read_text().split()]
    except (OSError, ValueError):
        return []


def fresh_name(stem: str) -> str:
    return f"{stem}-{uuid.uuid4().hex[:8]}.pids"


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], list(children.get(pid, []))
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(children.get(child, []))
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def programs(kernel_pid: int) -> list[int]:
    """The live processes of the kernel's programs: its descendants but its own children (the process
    supervisor, editor helpers, compilers), the supervisor's keepers, whose number varies (a keeper
    serves many runs), and the compiler begun ahead for the next cell (``ccellkernel/builds/ahead.py``)."""
    mine = set(descendants(kernel_pid))
    children = {pid for pid in mine if _parent(pid) == kernel_pid}
    return [
        pid
        for pid in mine - children
        if b"supervisor.py" not in _cmdline(pid)
        and _state(pid) not in (None, "Z", "X")
        and not _begun_ahead(pid)
    ]


def _begun_ahead(pid: int) -> bool:
    """Whether ``pid`` is of the build the kernel began ahead: its compiler driver leads its process
    group and compiles ``.../ahead/N/unit.c``."""
    try:
        leader = os.getpgid(pid)
    except OSError:
        return False
    words = _cmdline(leader).split(b"\0")
    return any(b"/ahead/" in w and os.path.basename(w).startswith(b"unit.") for w in words)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def timed(k: RunningKernel, code: str, **kwargs: object) -> tuple[CellResult, float]:
    start = time.monotonic()
    result = k.execute(code, **kwargs)  # type: ignore[arg-type]
    return result, time.monotonic() - start


def program(text: str) -> str:
    """A case's program text, written indented in this file."""
    return textwrap.dedent(text).strip("\n")


def body(k: RunningKernel, code: str) -> str:
    """C code as main's body through and through: a top-level ``pid_t p = fork();`` would otherwise be
    a remembered global whose initializer runs in every later program (CELL_MODEL.md section 3)."""
    return f"%%\n{code}" if k.name == "ccell-c" else code


def ename(result: CellResult) -> str:
    return "ok" if result.reply and result.status == "ok" else result.ename


def alive_after(k: RunningKernel) -> bool:
    """The kernel still runs cells."""
    probe = {
        "ccell-c": 'printf("alive\\n");',
        "ccell-go": 'fmt.Println("alive")',
        "ccell-rust": 'println!("alive");',
    }
    result = k.execute(probe[k.name], timeout=60)
    return result.reply is not None and result.status == "ok" and result.stdout == "alive\n"


# -- 1. the cell ends when the program ends ----------------------------------------------------------


def _tree_case(code: str, printed: str, bound: float) -> Callable[[Lab, str], Outcome]:
    """A cell whose program leaves processes behind: it must end within ``bound`` seconds, print
    ``printed``, and the processes it wrote to the pid file (``PIDS``) must be gone."""

    def run(lab: Lab, kernel: str) -> Outcome:
        k = lab.kernel(kernel)
        name = fresh_name("tree")
        result, seconds = timed(k, body(k, code.replace("PIDS", name)), timeout=60)
        pids = read_pids(lab, kernel, name)
        left = gone(pids)
        ok = ename(result) == "ok" and printed in result.stdout and seconds < bound and pids and not left
        observed = f"{ename(result)} in {seconds:.2f} s; {len(pids) - len(left)} of {len(pids)} left killed"
        if printed not in result.stdout:
            observed += f"; printed {result.stdout!r}"
        return Outcome(bool(ok), observed)

    return run


FORK = program("""
    pid_t p = fork();
    if (p == 0) { sleep(5); _exit(0); }
    save_pid("PIDS", p);
    usleep(200000);
    printf("parent done\\n");
""")
SETSID = program("""
    pid_t p = fork();
    if (p == 0) { setsid(); sleep(30); _exit(0); }
    save_pid("PIDS", p);
    usleep(100000);
    printf("parent done\\n");
""")
SETPGID = SETSID.replace("setsid();", "setpgid(0, 0);")
DAEMON = program("""
    pid_t p = fork();
    if (p == 0) {
      pid_t q = fork();
      if (q == 0) { setsid(); close(0); close(1); close(2); sleep(60); _exit(0); }
      save_pid("PIDS", q);
      _exit(0);
    }
    waitpid(p, NULL, 0);
    usleep(100000);
    printf("daemonized\\n");
""")
CLOSED = program("""
    pid_t p = fork();
    if (p == 0) { close(0); close(1); close(2); for (;;) pause(); }
    save_pid("PIDS", p);
    usleep(100000);
    printf("parent done\\n");
""")
SYSTEM_BG = 'system("sleep 12 & echo $! >> PIDS"); printf("done\\n");'
SPAWN = {
    "go": program("""
        cmd := exec.Command("sleep", "12")
        cmd.Start()
        os.WriteFile("PIDS", []byte(fmt.Sprint(cmd.Process.Pid)), 0o644)
        fmt.Println("started")
    """),
    "rust": program("""
        let child = std::process::Command::new("sleep").arg("12").spawn()?;
        std::fs::write("PIDS", child.id().to_string())?;
        println!("started");
    """),
}


def spawned(lab: Lab, kernel: str) -> Outcome:
    return _tree_case(SPAWN[lab.language(kernel)], "started", 3.0)(lab, kernel)


def killed_output(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    name = fresh_name("output")
    code = program("""
        pid_t p = fork();
        if (p == 0) { printf("child wrote this\\n"); fflush(stdout); sleep(30); _exit(0); }
        save_pid("PIDS", p);
        usleep(300000);
        printf("parent done\\n");
    """).replace("PIDS", name)
    result, seconds = timed(k, body(k, code))
    left = gone(read_pids(lab, kernel, name))
    ok = ename(result) == "ok" and result.stdout == "child wrote this\nparent done\n" and not left
    return Outcome(
        ok,
        f"{ename(result)} in {seconds:.2f} s; stdout {result.stdout!r}; "
        f"child {'alive' if left else 'killed'}",
    )


INTERRUPT = {
    "c": "system(\"setsid sh -c 'echo $$ >> PIDS; exec sleep 30'\");",
    "go": program("""
        cmd := exec.Command("sh", "-c", "echo $$ >> PIDS; exec sleep 30")
        cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
        cmd.Run()
    """),
    "rust": program("""
        std::process::Command::new("sh")
            .args(["-c", "echo $$ >> PIDS; exec sleep 30"])
            .process_group(0)
            .status()?;
    """),
}


def interrupt_detached(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    name = fresh_name("interrupt")
    code = INTERRUPT[lab.language(kernel)].replace("PIDS", name)
    marker = lab.folder(kernel) / name
    result = k.execute(
        code, interrupt_when=lambda r: marker.exists() and marker.stat().st_size > 0, timeout=60
    )
    waited = (time.monotonic() - result.interrupted_at) if result.interrupted_at else float("nan")
    left = gone(read_pids(lab, kernel, name))
    ok = ename(result) == "KeyboardInterrupt" and waited < 5 and not left and alive_after(k)
    return Outcome(
        ok, f"{ename(result)} {waited:.2f} s after the interrupt; child {'alive' if left else 'killed'}"
    )


STDIN = {
    "c": 'printf("name? "); fflush(stdout); system("head -n 1");',
    "go": program("""
        fmt.Print("name? ")
        cmd := exec.Command("head", "-n", "1")
        cmd.Stdin, cmd.Stdout = os.Stdin, os.Stdout
        cmd.Run()
    """),
    "rust": program("""
        print!("name? ");
        std::io::Write::flush(&mut std::io::stdout())?;
        std::process::Command::new("head").args(["-n", "1"]).status()?;
    """),
}


def child_stdin(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    result, seconds = timed(
        k, body(k, STDIN[lab.language(kernel)]), allow_stdin=True, answers=["Ada"], timeout=60
    )
    # the unfinished line printed before the read is the input box's prompt (as Python's input shows it)
    prompts = [m.content.get("prompt") for m in result.input_requests]
    ok = ename(result) == "ok" and prompts == ["name? "] and result.stdout == "Ada\n"
    return Outcome(
        ok,
        f"{ename(result)} in {seconds:.2f} s; {len(result.input_requests)} input box(es) {prompts!r}; "
        f"stdout {result.stdout!r}",
    )


# -- 2. limits ------------------------------------------------------------------------------------------

HOG = {
    "c": "for (;;) { char *p = malloc(1 << 20); if (!p) return 1; memset(p, 1, 1 << 20); }",
    "go": program("""
        var keep [][]byte
        for {
            b := make([]byte, 1<<20)
            for i := range b {
                b[i] = 1
            }
            keep = append(keep, b)
        }
    """).replace("    ", "\t"),
    "rust": "let mut keep: Vec<Vec<u8>> = Vec::new();\nloop {\n    keep.push(vec![1u8; 1 << 20]);\n}",
}
FORK_BOMB = {
    "c": program("""
        for (int i = 0; i < 10000; i++) {
          pid_t p = fork();
          if (p == 0) { sleep(30); _exit(0); }
          if (p < 0) { perror("fork"); break; }
        }
        sleep(10);
        printf("never\\n");
    """),
    "go": program("""
        for i := 0; i < 10000; i++ {
            if err := exec.Command("sleep", "30").Start(); err != nil {
                fmt.Println("start:", err)
                break
            }
        }
        time.Sleep(10 * time.Second)
        fmt.Println("never")
    """).replace("    ", "\t"),
    "rust": program("""
        for _ in 0..10000 {
            if let Err(err) = std::process::Command::new("sleep").arg("30").spawn() {
                println!("spawn: {err}");
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_secs(10));
        println!("never");
    """),
}
BURN = {
    "c": "for (volatile unsigned long i = 0;; i++);",
    "go": "for {\n}",
    "rust": "let mut i: u64 = 0;\nloop {\n    i = std::hint::black_box(i + 1);\n}",
}
SLEEP = {
    "c": "sleep(10);",
    "go": "time.Sleep(10 * time.Second)",
    "rust": "std::thread::sleep(std::time::Duration::from_secs(10));",
}
LINE = "0123456789012345678901234567890123456789"
PRINT = {  # 20,000 lines of 41 bytes (800 kB), then a file that says the program ran to its end
    "c": 'for (int i = 0; i < 20000; i++) puts("LINE");\nprintf("END\\n");\nfclose(fopen("DONE", "w"));',
    "go": program("""
        for i := 0; i < 20000; i++ {
            fmt.Println("LINE")
        }
        fmt.Println("END")
        os.WriteFile("DONE", nil, 0o644)
    """).replace("    ", "\t"),
    "rust": 'for _ in 0..20000 {\n    println!("LINE");\n}\nprintln!("END");\nstd::fs::write("DONE", "")?;',
}
CUT = (
    "[ccellkernel: output cut at 100 KiB (output= in %limits); the program keeps running, its further "
    "output is dropped]"
)


def _mark(lab: Lab, kernel: str, k: RunningKernel) -> int | None:
    """In the live program: a global set before the cell, which the cell must leave as it was (None:
    the kernel keeps no state between cells)."""
    if not lab.live(kernel):
        return None
    mark = 1000 + uuid.uuid4().int % 9000
    k.ok(body(k, f"fault_mark = {mark};"))
    return mark


def _kept(k: RunningKernel, mark: int | None) -> bool:
    """The kernel answers the next cell (and, live, with the state as it was before the cell)."""
    if mark is None:
        return alive_after(k)
    result = k.execute('printf("%d\\n", fault_mark);', timeout=60)
    return result.reply is not None and result.status == "ok" and result.stdout == f"{mark}\n"


def _settled(k: RunningKernel, before: int) -> int:
    """How many more program processes (``programs``) the kernel has than ``before``, once the
    run's have had time to go."""
    deadline = time.monotonic() + WAIT_GONE
    while len(programs(k.pid)) > before and time.monotonic() < deadline:
        time.sleep(0.05)
    return max(len(programs(k.pid)) - before, 0)


def _limit_case(
    words: str, code: dict[str, str], name: str, message: str, bound: float
) -> Callable[[Lab, str], Outcome]:
    """A program that goes over a limit (``%limits WORDS``; none: the defaults). It must end within
    ``bound`` seconds with exactly error ``name: message``, leave no process behind, and the kernel
    must answer the next cell; the live C program must be as it was before the cell, and say so."""

    def run(lab: Lab, kernel: str) -> Outcome:
        k = lab.kernel(kernel)
        try:
            if words:
                k.ok(f"%limits {words}")
            mark = _mark(lab, kernel, k)
            before = len(programs(k.pid))
            result, seconds = timed(k, body(k, code[lab.language(kernel)]), timeout=120)
            left = _settled(k, before)
            kept = _kept(k, mark)
        finally:
            k.execute("%limits --reset")
        evalue = result.reply.get("evalue", "") if result.reply else ""
        traceback = "\n".join(result.reply.get("traceback", [])) if result.reply else ""
        restored = mark is None or "globals and declarations as before" in traceback
        ok = ename(result) == name and evalue == message and seconds < bound and not left and kept
        observed = f"{ename(result)} in {seconds:.2f} s: {evalue}; {left} left"
        if mark is not None:
            observed += f"; state {'restored' if restored and kept else 'LOST'}"
        elif not kept:
            observed += "; the next cell failed"
        return Outcome(ok and restored, observed)

    return run


memory_limit = _limit_case(
    "memory=256M", HOG, "MemoryLimit", "the program used more than 256 MiB (see %limits)", 30
)
process_limit = _limit_case(
    "", FORK_BOMB, "ProcessLimit", "the program started more than 1024 processes (see %limits)", 10
)
# CPU time comes slower than wall-clock time on a busy machine, and a Go program without cgroups
# ignores RLIMIT_CPU's SIGXCPU and ends at its hard limit, a second later (about 2 s here)
cpu_limit = _limit_case(
    "cpu=1s", BURN, "CPULimit", "the program used more than 1 s of CPU time (see %limits)", 8
)
time_limit = _limit_case("time=1s", SLEEP, "TimeLimit", "the program ran for more than 1 s (see %limits)", 4)


def output_limit(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    done = lab.folder(kernel) / f"ran-on-{uuid.uuid4().hex[:8]}"
    code = PRINT[lab.language(kernel)].replace("LINE", LINE).replace("DONE", done.name)
    try:
        k.ok("%limits output=100K")
        mark = _mark(lab, kernel, k)
        before = len(programs(k.pid))
        result, seconds = timed(k, body(k, code), timeout=60)
        left = _settled(k, before)
        kept = _kept(k, mark)
    finally:
        k.execute("%limits --reset")
    shown = result.stdout
    ok = (
        ename(result) == "ok"
        and shown == ((LINE + "\n") * 2600)[: 100 * 1024]
        and result.stderr == f"\n{CUT}\n"
        and done.exists()
        and not left
        and kept
    )
    return Outcome(
        ok,
        f"{ename(result)} in {seconds:.2f} s; {len(shown)} bytes shown, "
        f"{result.stderr.count('output cut')} notice, other stderr "
        f"{result.stderr.replace(CUT, '').strip()!r}; program ran to its end: {done.exists()}; "
        f"{left} processes left" + ("" if kept else "; the next cell failed"),
    )


def bad_limits(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    seen = []
    for words in ("memory=2X", "memory=-1G", "memory=1000T", "processes=99999999", "speed=3"):
        result = k.execute(f"%limits {words}")
        evalue = result.reply.get("evalue", "") if result.reply else ""
        seen.append(ename(result) == "MagicError" and "%limits takes NAME=VALUE" in evalue)
    shown = k.ok("%limits")
    ok = all(seen) and "processes=1024" in shown
    return Outcome(
        ok,
        f"{sum(seen)} of {len(seen)} refused with the accepted forms; "
        f"limits unchanged: {'processes=1024' in shown}",
    )


# -- 3. every request gets a reply --------------------------------------------------------------------


def _ascii_session(k: RunningKernel) -> Session:
    """The client's session, packing JSON as ASCII: then a lone surrogate travels as ``\\ud800``."""
    session = k.kc.session
    session.pack = lambda obj: json.dumps(obj, default=json_default, ensure_ascii=True).encode()
    return session


def _plain_session(k: RunningKernel) -> None:
    from jupyter_client.session import json_packer

    k.kc.session.pack = json_packer


def _reply(k: RunningKernel, msg_id: str, timeout: float) -> dict | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = k.kc.get_shell_msg(timeout=0.1)
        except Exception:  # queue.Empty
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
    return None


def _request(k: RunningKernel, msg_type: str, content: dict, timeout: float = 15) -> dict | None:
    session = _ascii_session(k)
    try:
        msg = session.msg(msg_type, content)
        k.kc.shell_channel.send(msg)
        return _reply(k, msg["header"]["msg_id"], timeout)
    finally:
        _plain_session(k)


def surrogates(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    bad = "\ud800"
    answers = {}
    run = _request(
        k, "execute_request", {"code": f'printf("a{bad}b\\n");', "silent": False, "allow_stdin": False}
    )
    answers["execute"] = run and run["content"]["status"]
    complete = _request(k, "complete_request", {"code": f"int x{bad} = 1; pri", "cursor_pos": 16})
    answers["complete"] = complete and complete["content"]["status"]
    inspect = _request(k, "inspect_request", {"code": f"printf{bad}", "cursor_pos": 3, "detail_level": 0})
    answers["inspect"] = inspect and inspect["content"]["status"]
    complete_check = _request(k, "is_complete_request", {"code": f"int f() {{ {bad}"})
    answers["is_complete"] = complete_check and complete_check["content"]["status"]
    missing = _request(k, "execute_request", {"silent": False})
    answers["no code"] = missing and missing["content"].get("ename")
    ok = (
        answers["execute"] == "ok"
        and answers["complete"] == "ok"
        and answers["inspect"] == "ok"
        and answers["is_complete"] in ("complete", "incomplete", "invalid", "unknown")
        and answers["no code"] == "BadRequest"
        and alive_after(k)
    )
    return Outcome(ok, ", ".join(f"{key}: {value}" for key, value in answers.items()))


def forged(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    socket = k.kc.shell_channel.socket
    wrong = Session(key=b"not-the-key", username=k.kc.session.username)
    msg = wrong.msg("execute_request", {"code": 'printf("forged\\n");', "silent": False})
    wrong.send(socket, msg)
    forged_reply = _reply(k, msg["header"]["msg_id"], 2.0)
    good = k.kc.session.msg("kernel_info_request", {})
    frames = k.kc.session.serialize(good)
    socket.send_multipart(frames)
    first = _reply(k, good["header"]["msg_id"], 10.0)
    socket.send_multipart(frames)  # the same signature again
    replayed = _reply(k, good["header"]["msg_id"], 2.0)
    ok = forged_reply is None and first is not None and replayed is None and alive_after(k)
    return Outcome(
        ok,
        f"forged: {'answered' if forged_reply else 'ignored'}; "
        f"replayed: {'answered' if replayed else 'ignored'}",
    )


def big_cell(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    code = "// " + "x" * 1_000_000 + '\nprintf("big\\n");'
    result, seconds = timed(k, code, timeout=120)
    ok = ename(result) == "ok" and result.stdout == "big\n"
    return Outcome(ok, f"{ename(result)} in {seconds:.2f} s")


def metacharacters(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    canary = lab.folder(kernel) / "pwned"
    code = program("""
        %args '; touch pwned' '$(touch pwned)' '`touch pwned`'
        %env 'A=$(touch pwned)'
        printf("%s\\n", getenv("A"));
    """)
    result = k.execute(code)
    k.execute("%args --clear")
    k.execute("%env --clear")
    ok = ename(result) == "ok" and result.stdout.endswith("\n$(touch pwned)\n") and not canary.exists()
    return Outcome(ok, f"{ename(result)}; stdout {result.stdout!r}; a shell ran them: {canary.exists()}")


# -- 4. nothing is left behind --------------------------------------------------------------------------


def _workdir(k: RunningKernel) -> Path:
    match = re.search(r"build files in (\S+), removed", k.ok("%help"))
    assert match, "no build folder in %help"
    return Path(match.group(1))


def _kernel_cgroups(pid: int) -> list[Path]:
    found = []
    for mount in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
        if mount.is_dir():
            found.extend(p for p in mount.rglob(f"ccell-{pid}-*") if p.is_dir())
    return found


def kill_nine(lab: Lab, kernel: str) -> Outcome:
    k = lab.start(kernel)
    try:
        k.ok(SETUP["c"])
        folder = _workdir(k)
        job = k.ok("!sleep 300 &")
        job_pid = int(re.search(r"pid (\d+)", job).group(1))  # type: ignore[union-attr]
        name = fresh_name("kill9")
        k.submit(
            f'%%\npid_t p = fork(); if (p == 0) {{ setsid(); sleep(300); _exit(0); }} save_pid("{name}", p);'
            " sleep(300);"
        )
        marker = lab.folder(kernel) / name
        deadline = time.monotonic() + 30
        while not (marker.exists() and marker.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.05)
        pids = [job_pid, *read_pids(lab, kernel, name)]
        helpers = descendants(k.pid)
        kernel_pid = k.pid
        start = time.monotonic()
        os.kill(kernel_pid, signal.SIGKILL)
        left = gone(pids + helpers, timeout=10)
        while folder.exists() and time.monotonic() - start < 10:
            time.sleep(0.05)
        seconds = time.monotonic() - start
        cgroups = _kernel_cgroups(kernel_pid)
    finally:
        k.shutdown(now=True)
    ok = not left and not folder.exists() and not cgroups and len(pids) == 2
    return Outcome(
        ok,
        f"{len(pids)} processes of the notebook running; after {seconds:.2f} s: build folder "
        f"{'left' if folder.exists() else 'removed'}, "
        f"{len(pids + helpers) - len(left)} of {len(pids + helpers)} processes gone, "
        f"{len(cgroups)} cgroups left",
    )


def forced_shutdown(lab: Lab, kernel: str) -> Outcome:
    k = lab.start(kernel)
    folder = _workdir(k)
    job = k.ok("!sleep 300 &")
    job_pid = int(re.search(r"pid (\d+)", job).group(1))  # type: ignore[union-attr]
    k.shutdown(now=True)
    start = time.monotonic()
    left = gone([job_pid], timeout=10)
    while folder.exists() and time.monotonic() - start < 10:
        time.sleep(0.05)
    ok = not left and not folder.exists()
    return Outcome(
        ok, f"build folder {'left' if folder.exists() else 'removed'}, job {'alive' if left else 'killed'}"
    )


def _job_pid(k: RunningKernel, command: str) -> int:
    started = k.ok(command)
    return int(re.search(r"pid (\d+)", started).group(1))  # type: ignore[union-attr]


def background_job(lab: Lab, kernel: str) -> Outcome:
    """Jobs outlive their cells and are listed; ``%jobs kill N`` ends job N alone, an unknown N is a
    ``MagicError``, ``%jobs kill all`` ends the rest, and shutdown ends a job started after that."""
    k = lab.start(kernel)
    name = fresh_name("job")
    try:
        k.ok(f"%%bash --bg\nsleep 300 &\necho $! >> {name}\necho serving")
        second, third = _job_pid(k, "!sleep 300 &"), _job_pid(k, "!sleep 301 &")
        k.ok('printf("another cell\\n");')
        deadline = time.monotonic() + 10
        while not read_pids(lab, kernel, name) and time.monotonic() < deadline:
            time.sleep(0.05)
        served = read_pids(lab, kernel, name)  # the server the first job's script left running
        listed = k.ok("%jobs")
        log = k.ok("%jobs log 1")
        survivors = [p for p in (*served, second, third) if _state(p) not in (None, "Z")]
        killed_one = k.ok("%jobs kill 1")
        one_gone, others = gone(served), [p for p in (second, third) if _state(p) not in (None, "Z", "X")]
        unknown = k.execute("%jobs kill 7")
        refused = unknown.reply.get("evalue", "") if unknown.reply else ""
        killed_all = k.ok("%jobs kill all")
        all_gone = gone([second, third])
        after = k.ok("%jobs")
        fourth = _job_pid(k, "!sleep 302 &")
    finally:
        k.shutdown()
    at_shutdown = gone([fourth])
    checks = {
        "outlive their cells": len(survivors) == 3,
        "listed": all(f"[{n}]" in listed for n in (1, 2, 3)) and "1 of its processes still run" in listed,
        "log": "serving" in log,
        "kill 1": killed_one == "[1] killed\n" and served and not one_gone and len(others) == 2,
        "unknown job": ename(unknown) == "MagicError"
        and refused.startswith("no job 7; the jobs are: 1, 2, 3"),
        "kill all": killed_all == "[1] killed\n[2] killed\n[3] killed\n" and not all_gone,
        # job 1's script had exited (its server ran on); jobs 2 and 3 were the commands themselves
        "listed as ended": after.count("killed by SIGKILL") == 2 and "still run" not in after,
        "shutdown": not at_shutdown,
    }
    failed = [check for check, passed in checks.items() if not passed]
    return Outcome(
        not failed,
        f"{len(survivors)} of 3 alive after their cells; kill 1: job 1 {'alive' if one_gone else 'gone'}, "
        f"{len(others)} of 2 others alive; kill 7: {ename(unknown)}; kill all: {2 - len(all_gone)} of 2 "
        f"gone; at shutdown: {'alive' if at_shutdown else 'killed'}"
        + (f"; FAILED: {', '.join(failed)}" if failed else ""),
    )


# -- cases that already passed before (slow) ---------------------------------------------------------

SPIN = {
    "c": 'printf("looping\\n"); fflush(stdout); for (;;);',
    "go": 'fmt.Println("looping")\nfor {\n}',
    "rust": 'println!("looping");\nloop {}',
}


def interrupt_twice(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    waits = []
    for _ in range(2):
        result = k.execute(
            SPIN[lab.language(kernel)], interrupt_when=lambda r: "looping" in r.stdout, timeout=120
        )
        if result.interrupted_at is None or ename(result) != "KeyboardInterrupt":
            return Outcome(False, f"{ename(result)}")
        waits.append((result.outputs[-1].arrived - result.interrupted_at) * 1000)
    ok = alive_after(k)
    return Outcome(ok, f"KeyboardInterrupt twice, {waits[0]:.0f} and {waits[1]:.0f} ms to the error")


CRASHES = {
    "c": [
        ("int *p = 0; *p = 1;", "SIGSEGV"),
        ("abort();", "SIGABRT"),
        ('%%\nvolatile int z = 0, a = 7; printf("%d", a / z);', "SIGFPE"),
        (
            "int deep(int n) { volatile char b[1024]; b[0] = n; return deep(n + 1) + b[0]; }\n"
            'printf("%d", deep(0));',
            "SIGSEGV",
        ),
        ("__builtin_trap();", "SIGILL"),
        ("assert(1 == 2);", "SIGABRT"),
        ("char *q = malloc(8); free(q); free(q);", "SIGABRT"),
        ("exit(3);", "ExitStatus"),
        ("raise(SIGTERM);", "SIGTERM"),
        ("raise(SIGKILL);", "SIGKILL"),
    ],
    "go": [
        ('panic("boom")', "ExitStatus"),
        ('var m map[string]int\nm["x"] = 1', "ExitStatus"),
        ("os.Exit(4)", "ExitStatus"),
    ],
    "rust": [
        ('panic!("boom");', "ExitStatus"),
        ("std::process::abort();", "SIGABRT"),
        ('let v: Vec<i32> = Vec::new();\nprintln!("{}", v[3]);', "ExitStatus"),
    ],
}


def crash_kinds(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    wrong = []
    for code, expected in CRASHES[lab.language(kernel)]:
        result = k.execute(code, timeout=120)
        if ename(result) != expected:
            wrong.append(f"{code.splitlines()[0]}: {ename(result)}")
    total = len(CRASHES[lab.language(kernel)])
    ok = not wrong and alive_after(k)
    return Outcome(
        ok, f"{total - len(wrong)} of {total} named right" + (f" ({'; '.join(wrong)})" if wrong else "")
    )


FLOOD = {
    "c": program("""
        char line[101];
        memset(line, 'x', 99);
        line[99] = '\\n';
        line[100] = 0;
        for (int i = 0; i < 2000000; i++) fputs(line, stdout);
    """),
    "go": program("""
        line := strings.Repeat("x", 99) + "\\n"
        w := bufio.NewWriter(os.Stdout)
        for i := 0; i < 2000000; i++ {
            w.WriteString(line)
        }
        w.Flush()
    """).replace("    ", "\t"),
    "rust": program("""
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::io::stdout());
        let line = "x".repeat(99) + "\\n";
        for _ in 0..2_000_000 {
            out.write_all(line.as_bytes())?;
        }
    """),
}


def flood(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    before = rss(k.pid)
    result, seconds = timed(k, FLOOD[lab.language(kernel)], timeout=300)
    after = rss(k.pid)
    notices = sum(m.content["text"].count("output cut") for m in result.streams())
    ok = ename(result) == "ok" and notices == 1 and after - before < 30 * 2**20
    return Outcome(
        ok, f"200 MB in {seconds:.1f} s; kernel RSS {before / 2**20:.0f} -> {after / 2**20:.0f} MiB"
    )


def thousand_cells(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    fds = lambda: len(os.listdir(f"/proc/{k.pid}/fd"))  # noqa: E731
    k.ok('printf("1\\n");')
    before, start = fds(), time.monotonic()
    bad = sum(k.execute('printf("1\\n");').stdout != "1\n" for _ in range(1000))
    seconds, after = time.monotonic() - start, fds()
    ok = bad == 0 and abs(after - before) <= 2
    return Outcome(ok, f"{1000 - bad} of 1000 right in {seconds:.0f} s; kernel fds {before} -> {after}")


def four_kernels(lab: Lab, kernel: str) -> Outcome:
    kernels = [lab.start(kernel) for _ in range(4)]
    try:
        results: list[CellResult | None] = [None] * 4

        def one(i: int) -> None:
            results[i] = kernels[i].execute(
                f'for (int j = 0; j < 3; j++) {{ printf("{i}\\n"); usleep(200000); }}', timeout=120
            )

        start = time.monotonic()
        threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.monotonic() - start
    finally:
        for running in kernels:
            running.shutdown()
    right = sum(r is not None and r.stdout == f"{i}\n" * 3 for i, r in enumerate(results))
    return Outcome(right == 4, f"{right} of 4 kernels right, together {seconds:.1f} s")


CASES: list[Case] = [
    Case(
        "fork: child holds stdout",
        "ends in < 1 s (not 5), child killed",
        C_TREE,
        _tree_case(FORK, "parent done", 1.5),
    ),
    Case("setsid child", "ends at once, child killed", C_TREE, _tree_case(SETSID, "parent done", 1.5)),
    Case(
        "setpgid(0, 0) child",
        "ends at once, child killed",
        ("c", "c-fresh"),
        _tree_case(SETPGID, "parent done", 1.5),
    ),
    Case(
        "double-forked daemon, stdio closed",
        "ends at once, daemon killed",
        C_TREE,
        _tree_case(DAEMON, "daemonized", 1.5),
    ),
    Case(
        "child closes fd 0, 1, 2, keeps running",
        "ended with its cell",
        C_TREE,
        _tree_case(CLOSED, "parent done", 1.5),
    ),
    Case('system("sleep 12 &")', "ends at once, sleep killed", C_TREE, _tree_case(SYSTEM_BG, "done", 1.5)),
    Case(
        "Command::spawn / exec.Start",
        "ends at once, child killed",
        ("rust", "go", "rust-nocg", "go-nocg"),
        spawned,
    ),
    Case("killed child's output", "shown", ("c", "c-fresh"), killed_output),
    Case(
        "interrupt, child in its own session",
        "KeyboardInterrupt, child killed",
        ("c", "c-fresh", "go", "rust", "c-nocg"),
        interrupt_detached,
    ),
    Case(
        "child reads stdin", "one input box, answer reaches it", ("c", "c-fresh", "go", "rust"), child_stdin
    ),
    Case("memory=256M, malloc loop", "MemoryLimit naming 256 MiB", EVERY, memory_limit),
    Case("10,000 forks, default limit", "ProcessLimit naming 1024, none left", EVERY, process_limit),
    Case("cpu=1s, spin", "CPULimit naming 1 s", EVERY, cpu_limit),
    Case("time=1s, sleep(10)", "TimeLimit naming 1 s", LANGUAGES, time_limit),
    Case("output=100K, 800 kB printed", "cut at 100 KiB once, program ran on", LANGUAGES, output_limit),
    Case("bad %limits", "MagicError listing the forms", ("c",), bad_limits),
    Case("lone surrogates, every request", "every request answered", ("c",), surrogates),
    Case("forged and replayed signatures", "ignored, kernel fine", ("c",), forged),
    Case("1 MB cell", "runs", ("c",), big_cell),
    Case("shell metacharacters in magics", "taken literally", ("c",), metacharacters),
    Case("kill -9 of the kernel", "folder, processes, cgroups gone", ("c", "c-nocg"), kill_nine),
    Case("forced shutdown", "folder removed, jobs killed", ("c",), forced_shutdown),
    Case(
        "%%bash --bg, !cmd &",
        "outlive cells, %jobs, kill N / all, killed at shutdown",
        ("c",),
        background_job,
    ),
    Case(
        "interrupt twice", "KeyboardInterrupt, memory kept", ("c", "go", "rust"), interrupt_twice, fast=False
    ),
    Case("crash kinds", "each named", ("c", "go", "rust"), crash_kinds, fast=False),
    Case("200 MB flood", "cut once, kernel RSS bounded", ("c", "go", "rust"), flood, fast=False),
    Case("1000 cells", "all right, fds stable", ("c",), thousand_cells, fast=False),
    Case("4 kernels at once", "all right", ("c",), four_kernels, fast=False),
]


# -- the table ------------------------------------------------------------------------------------------


@dataclass
class Row:
    case: Case
    kernel: str
    outcome: Outcome
    seconds: float


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)

    def print(self) -> None:
        headers = ("case", "kernel", "expected", "observed", "result")
        cells = [
            (r.case.name, r.kernel, r.case.expected, r.outcome.observed, "pass" if r.outcome.ok else "FAIL")
            for r in self.rows
        ]
        widths = [
            max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)
        ]
        widths[3] = min(widths[3], 130)
        line = lambda values: " | ".join(str(v)[: widths[i]].ljust(widths[i]) for i, v in enumerate(values))  # noqa: E731
        print(line(headers))
        print("-+-".join("-" * w for w in widths))
        for values in cells:
            print(line(values), flush=True)
        failed = sum(not r.outcome.ok for r in self.rows)
        print(f"\n{len(self.rows) - failed} of {len(self.rows)} passed")


def run_case(case: Case, lab: Lab, kernel: str) -> Outcome:
    try:
        return case.run(lab, kernel)
    except Exception as err:  # a case that breaks is a failed case, with its reason
        return Outcome(False, f"{type(err).__name__}: {str(err)[:200]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fast", action="store_true", help="only the cases that take seconds")
    parser.add_argument("--language", action="append", help=f"{', '.join(VARIANTS)} (repeatable)")
    parser.add_argument("--case", help="only cases whose name contains this")
    options = parser.parse_args(argv)
    table = Table()
    with tempfile.TemporaryDirectory(prefix="ccell-faults-") as tmp:
        lab = Lab(Path(tmp))
        try:
            for case in CASES:
                if (options.fast and not case.fast) or (options.case and options.case not in case.name):
                    continue
                for kernel in case.kernels:
                    if options.language and kernel not in options.language:
                        continue
                    start = time.monotonic()
                    outcome = run_case(case, lab, kernel)
                    table.rows.append(Row(case, kernel, outcome, time.monotonic() - start))
                    mark = "pass" if outcome.ok else "FAIL"
                    print(f"[{mark}] {case.name} ({kernel}): {outcome.observed}", file=sys.stderr, flush=True)
        finally:
            lab.close()
    table.print()
    return 0 if all(r.outcome.ok for r in table.rows) else 1


if __name__ == "__main__":
    sys.exit(main())

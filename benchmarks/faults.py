"""The fault and load suite: what the kernels do with processes, limits, odd requests and abuse.

    python benchmarks/faults.py [--fast] [--language c] [--case NAME]

Runs every case against the kernels it applies to (C, Go, Rust; ``c-nocg`` is the C kernel with
cgroups turned off, ``CCELL_CGROUPS=off``, so runs are tracked by the subreaper alone) through
jupyter_client, and prints one row per case and language: case, expected, observed (with figures),
pass or fail. It exits 1 if a case failed. ``--fast`` keeps the cases that take a few seconds at most;
``tests/test_faults.py`` runs those as tests, from these same definitions.
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
        "fclose(f); }"
    ),
    "go": 'import (\n\t"os/exec"\n\t"syscall"\n)',
    "rust": "use std::os::unix::process::CommandExt;",
}
VARIANTS = {"c-nocg": ("c", {"CCELL_CGROUPS": "off"})}


class Lab:
    """The kernels the cases run on, started on first use and shared, each in its own folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._kernels: dict[str, RunningKernel] = {}

    def language(self, kernel: str) -> str:
        return VARIANTS.get(kernel, (kernel, {}))[0]

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
            self._kernels[kernel] = running
        return self._kernels[kernel]

    def start(self, kernel: str, **env: str) -> RunningKernel:
        """A kernel of its own (the caller shuts it down)."""
        language, extra = VARIANTS.get(kernel, (kernel, {}))
        env = {"RUST_BACKTRACE": "0", **extra, **env}
        return RunningKernel(f"ccell-{language}", env=env, cwd=self.folder(kernel))

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
    ok = ename(result) == "ok" and len(result.input_requests) == 1 and result.stdout == "name? Ada\n"
    return Outcome(
        ok,
        f"{ename(result)} in {seconds:.2f} s; {len(result.input_requests)} input box(es); "
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


def _with_limits(k: RunningKernel, limits: str, code: str, **kwargs: object) -> tuple[CellResult, float]:
    try:
        return timed(k, f"%limits {limits}\n{body(k, code)}", **kwargs)
    finally:
        k.execute("%limits --reset")


def memory_limit(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    result, seconds = _with_limits(k, "memory=256M", HOG[lab.language(kernel)], timeout=120)
    evalue = result.reply.get("evalue", "") if result.reply else ""
    ok = ename(result) == "MemoryLimit" and "256 MiB" in evalue and alive_after(k)
    return Outcome(ok, f"{ename(result)}: {evalue} ({seconds:.2f} s)")


FORK_BOMB = (
    "for (int i = 0; i < 10000; i++) {\n  pid_t p = fork();\n  if (p == 0) { sleep(30); _exit(0); }\n"
    '  if (p < 0) { perror("fork"); break; }\n}\nsleep(10);\nprintf("never\\n");'
)


def process_limit(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    before = len(descendants(k.pid))
    result, seconds = timed(k, body(k, FORK_BOMB), timeout=120)
    deadline = time.monotonic() + WAIT_GONE
    while len(descendants(k.pid)) > before + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    left = len(descendants(k.pid)) - before
    evalue = result.reply.get("evalue", "") if result.reply else ""
    usable = alive_after(k)
    ok = ename(result) == "ProcessLimit" and "1024" in evalue and seconds < 10 and left <= 2 and usable
    return Outcome(ok, f"{ename(result)} in {seconds:.2f} s: {evalue}; {max(left, 0)} processes left")


def cpu_limit(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    result, seconds = _with_limits(k, "cpu=1s", "for (volatile unsigned long i = 0;; i++);", timeout=60)
    ok = ename(result) == "CPULimit" and seconds < 5
    return Outcome(ok, f"{ename(result)} in {seconds:.2f} s")


def time_limit(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    result, seconds = _with_limits(k, "time=1s", "sleep(10);", timeout=60)
    ok = ename(result) == "TimeLimit" and seconds < 4
    return Outcome(ok, f"{ename(result)} in {seconds:.2f} s")


def output_limit(lab: Lab, kernel: str) -> Outcome:
    k = lab.kernel(kernel)
    code = (
        'for (int i = 0; i < 20000; i++) puts("0123456789012345678901234567890123456789"); printf("END\\n");'
    )
    result, seconds = _with_limits(k, "output=100K", code, timeout=60)
    notices = sum(m.content["text"].count("output cut") for m in result.streams())
    size = len(result.text)
    ok = (
        ename(result) == "ok"
        and notices == 1
        and 100 * 1024 <= size < 110 * 1024
        and "END" not in result.stdout
    )
    return Outcome(ok, f"{ename(result)} in {seconds:.2f} s; {size} characters shown, {notices} notice")


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


def background_job(lab: Lab, kernel: str) -> Outcome:
    k = lab.start(kernel)
    name = fresh_name("job")
    try:
        k.ok(f"%%bash --bg\nsleep 300 &\necho $! >> {name}\necho serving")
        shell = k.ok("!sleep 300 &")
        shell_pid = int(re.search(r"pid (\d+)", shell).group(1))  # type: ignore[union-attr]
        k.ok('printf("another cell\\n");')
        deadline = time.monotonic() + 10
        while not read_pids(lab, kernel, name) and time.monotonic() < deadline:
            time.sleep(0.05)
        served = read_pids(lab, kernel, name)  # the server the first job's script left running
        listed = k.ok("%jobs")
        log = k.ok("%jobs log 1")
        survivors = [p for p in (*served, shell_pid) if _state(p) not in (None, "Z")]
    finally:
        k.shutdown()
    left = gone([*served, shell_pid])
    ok = "[1]" in listed and "[2]" in listed and "serving" in log and len(survivors) == 2 and not left
    return Outcome(
        ok,
        f"{len(survivors)} of 2 jobs' processes alive after their cells, listed by %jobs, log has its "
        f"output; after shutdown {len(left)} left",
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
        ("c", "c-nocg"),
        _tree_case(FORK, "parent done", 1.5),
    ),
    Case(
        "setsid child", "ends at once, child killed", ("c", "c-nocg"), _tree_case(SETSID, "parent done", 1.5)
    ),
    Case(
        "setpgid(0, 0) child", "ends at once, child killed", ("c",), _tree_case(SETPGID, "parent done", 1.5)
    ),
    Case(
        "double-forked daemon, stdio closed",
        "ends at once, daemon killed",
        ("c", "c-nocg"),
        _tree_case(DAEMON, "daemonized", 1.5),
    ),
    Case(
        "child closes fd 0, 1, 2, keeps running",
        "ended with its cell",
        ("c",),
        _tree_case(CLOSED, "parent done", 1.5),
    ),
    Case(
        'system("sleep 12 &")',
        "ends at once, sleep killed",
        ("c", "c-nocg"),
        _tree_case(SYSTEM_BG, "done", 1.5),
    ),
    Case("Command::spawn / exec.Start", "ends at once, child killed", ("rust", "go"), spawned),
    Case("killed child's output", "shown", ("c",), killed_output),
    Case(
        "interrupt, child in its own session",
        "KeyboardInterrupt, child killed",
        ("c", "go", "rust", "c-nocg"),
        interrupt_detached,
    ),
    Case("child reads stdin", "one input box, answer reaches it", ("c", "go", "rust"), child_stdin),
    Case(
        "memory=256M, malloc loop",
        "MemoryLimit, kernel unharmed",
        ("c", "go", "rust", "c-nocg"),
        memory_limit,
    ),
    Case("10,000 forks, default limit", "ProcessLimit, machine usable", ("c", "c-nocg"), process_limit),
    Case("cpu=1s, spin", "CPULimit", ("c", "c-nocg"), cpu_limit),
    Case("time=1s, sleep(10)", "TimeLimit", ("c",), time_limit),
    Case("output=100K, 800 kB printed", "cut once, program ran on", ("c",), output_limit),
    Case("bad %limits", "MagicError listing the forms", ("c",), bad_limits),
    Case("lone surrogates, every request", "every request answered", ("c",), surrogates),
    Case("forged and replayed signatures", "ignored, kernel fine", ("c",), forged),
    Case("1 MB cell", "runs", ("c",), big_cell),
    Case("shell metacharacters in magics", "taken literally", ("c",), metacharacters),
    Case("kill -9 of the kernel", "folder, processes, cgroups gone", ("c", "c-nocg"), kill_nine),
    Case("forced shutdown", "folder removed, jobs killed", ("c",), forced_shutdown),
    Case("%%bash --bg, !cmd &", "outlive cells, %jobs, killed at shutdown", ("c",), background_job),
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
        widths[3] = min(widths[3], 110)
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
    parser.add_argument("--language", action="append", help="c, c-nocg, go, rust (repeatable)")
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

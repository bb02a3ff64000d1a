"""Completion latency per language on a notebook of 300 remembered declarations.

A program that prints numbers (not a test): for each kernel it runs cells defining N declarations
(structs with a method and functions, in cells of 50), waits until the language's editor helper
answers, then times ``complete_request`` round trips through ``jupyter_client`` for a few kinds of
question (a library member, a remembered struct's members, a plain word) and prints the median and
the 95th percentile, with who answered. Goal: under 150 ms median for C and Go.

    python benchmarks/completion.py                   # 300 declarations, 40 requests per question
    python benchmarks/completion.py --declarations 1000 --requests 100 --language go
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from kernel_client import RunningKernel, complete_reply, wait_for_helper

HELPER = {"c": "clangd", "go": "ccell-go-assist", "rust": "rust-docs"}
HEADER = {"c": "#include <stdio.h>\n#include <string.h>", "go": "", "rust": "use std::collections::HashMap;"}
QUESTIONS = {
    "c": ["strl", "p6.", 'printf("%d", p6.x + fun_1'],
    "go": ["strings.To", "p6.", "x := Fun1"],
    "rust": ["String::fr", "Point6::", "let q = Point6::new(1); q."],
}


def declaration(lang: str, i: int) -> str:
    if lang == "c":
        if i % 3 == 0:
            return f"struct Point{i} {{ int x, y; }};\nstruct Point{i} p{i};"
        return f"int fun_{i}(int a) {{\n    return a + {i};\n}}"
    if lang == "go":
        if i % 3 == 0:
            return (
                f"type Point{i} struct{{ X, Y int }}\n\n"
                f"func (p Point{i}) Sum() int {{ return p.X + p.Y }}\n\nvar p{i} = Point{i}{{1, 2}}"
            )
        return f"func Fun{i}(a int) int {{\n\treturn a + {i}\n}}"
    if i % 3 == 0:
        return (
            f"struct Point{i} {{ x: i32 }}\nimpl Point{i} {{\n"
            f"    fn new(x: i32) -> Self {{ Point{i} {{ x }} }}\n    fn get(&self) -> i32 {{ self.x }}\n}}"
        )
    return f"fn fun_{i}(a: i32) -> i32 {{\n    a + {i}\n}}"


def measure(lang: str, declarations: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as cwd:
        kernel = RunningKernel(f"ccell-{lang}", cwd=cwd)
        try:
            if HEADER[lang]:
                kernel.ok(HEADER[lang], timeout=300)
            for start in range(0, declarations, 50):
                cell = "\n\n".join(declaration(lang, i) for i in range(start, min(start + 50, declarations)))
                kernel.ok(cell, timeout=300)
            wait_for_helper(kernel.kc, QUESTIONS[lang][0], HELPER[lang])
            for question in QUESTIONS[lang]:
                times, sources, counts = [], set(), set()
                for _ in range(requests):
                    begin = time.perf_counter()
                    content = complete_reply(kernel.kc, question)
                    times.append((time.perf_counter() - begin) * 1000)
                    sources.add(content["metadata"]["ccellkernel"]["source"])
                    counts.add(len(content["matches"]))
                times.sort()
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                print(
                    f"{lang:5} {question!r:34} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"
                    f"   {'/'.join(sorted(sources))}, {max(counts)} matches",
                    flush=True,
                )
        finally:
            kernel.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--declarations", type=int, default=300)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--language", choices=sorted(HELPER), action="append")
    args = parser.parse_args()
    print(f"completion latency, {args.declarations} remembered declarations, {args.requests} requests each")
    for lang in args.language or ["c", "go", "rust"]:
        measure(lang, args.declarations, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())

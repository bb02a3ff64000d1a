"""Helpers for toolchains whose compiler takes gcc-style command lines (gcc, clang, tcc, g++, ...).

Public plugin API, like ``toolchain``: the built-in C toolchain uses it, and so may any plugin for a
language compiled by such a compiler.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence

from .errors import ToolchainNotFound
from .program import Origin, Program, cell_label
from .toolchain import Compiler, Project


def find_compiler(env_var: str, candidates: Sequence[str], language: str, install_hint: str) -> Compiler:
    """``$env_var`` if set (it may carry flags; one that names no executable is an error, not a
    silent fallback), else the first of ``candidates`` on PATH. ``ToolchainNotFound`` says what was
    looked for: ``language`` names the language, ``install_hint`` how to get a compiler."""
    chosen = os.environ.get(env_var, "").strip()
    if chosen:
        argv = shlex.split(chosen)
        if argv and shutil.which(argv[0]):
            return Compiler(tuple(argv), compiler_version(argv))
        raise ToolchainNotFound(
            f"{env_var} is set to {chosen!r}, which is not an executable on PATH. Fix or unset "
            f"{env_var} before starting Jupyter, then restart the kernel."
        )
    for name in candidates:
        path = shutil.which(name)
        if path:
            return Compiler((path,), compiler_version([path]))
    raise ToolchainNotFound(
        f"no {language} compiler found: looked for ${env_var} (unset), {', '.join(candidates)} on PATH. "
        f"Install one ({install_hint}) or set {env_var} before starting Jupyter, then restart the kernel."
    )


def compiler_version(argv: Sequence[str]) -> str:
    """The first line the compiler prints about its version (``--version``, or tcc's ``-v``)."""
    for flag in ("--version", "-v"):
        try:
            done = subprocess.run([*argv, flag], capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        text = (done.stdout or done.stderr).strip()
        if done.returncode == 0 and text:
            return text.splitlines()[0]
    return "unknown version"


def compile_only(flags: Sequence[str], input_suffixes: Sequence[str]) -> list[str]:
    """``flags`` without what only the linker takes: ``-l``, ``-L`` (with a separate value too),
    ``-Wl,...``, and input files (``mylib.c``: words ending in one of ``input_suffixes``)."""
    kept: list[str] = []
    skip_value = False
    for flag in flags:
        if skip_value:
            skip_value = False
        elif flag in ("-l", "-L"):
            skip_value = True
        elif flag.startswith(("-l", "-L", "-Wl,")):
            continue
        elif not flag.startswith("-") and flag.endswith(tuple(input_suffixes)):
            continue
        else:
            kept.append(flag)
    return kept


def line_directives(source_name: str) -> Callable[[Origin | None, int], str]:
    """``#line`` directives for ``ProgramWriter``: cell lines name ``Cell In[N]``, generated lines
    go back to ``source_name`` (the file the compiler is given)."""

    def directive(origin: Origin | None, line: int) -> str:
        if origin is None:
            return f'#line {line} "{source_name}"'
        return f'#line {origin.line} "{cell_label(origin.cell)}"'

    return directive


def make_project(
    program: Program,
    name: str,
    *,
    suffix: str,
    rendered_as: str,
    compiler: str,
    flags_var: str,
    flags: Sequence[str],
    notebook_flags: Sequence[str],
    libraries: Sequence[str] = (),
    support: Mapping[str, str] | None = None,
) -> Project:
    """A project of one source, ``NAME`` + ``suffix``, and a Makefile building the binary ``NAME``
    with make's ``$(compiler)`` (``CC``, say), ``$(flags_var)`` defaulting to ``flags``, the
    notebook's ``%flags`` and ``libraries``. ``support``: files written beside it (a binding's
    header and runtime, say); those with the source's suffix are compiled with it, and the
    project's folder is on the include path.

    The program keeps its line directives, so diagnostics and assertions still name ``Cell In[N]``;
    those of generated lines named ``rendered_as`` (the kernel's file) and now name the source.
    """
    source = f"{name}{suffix}"
    generated = re.compile(rf'^#line (\d+) "{re.escape(rendered_as)}"$')
    lines = program.text.split("\n")
    for i, line in enumerate(lines):
        match = generated.match(line) if program.origin(i + 1) is None else None
        if match:
            lines[i] = f'#line {match.group(1)} "{source}"'
    words = lambda items: " ".join(_make_word(item) for item in items)  # noqa: E731
    support = dict(support or {})
    sources = [source, *(f for f in support if f.endswith(suffix))]
    include = " -I." if support else ""
    makefile = f"""\
# Builds {name} from {source}, as ccellkernel exported it: `make`, then `./{name}`.
# make's own $({compiler}) is the compiler; `make {compiler}=clang` picks another.
{flags_var} ?= {words(flags)}
# The notebook's %flags (paths in them were relative to the notebook's folder).
NOTEBOOK_FLAGS = {words(notebook_flags)}
LDLIBS = {words(libraries)}

{name}: {" ".join([*sources, *(f for f in support if f not in sources)])}
\t$({compiler}) $({flags_var}){include} -o $@ {" ".join(sources)} $(NOTEBOOK_FLAGS) $(LDLIBS)

clean:
\trm -f {name}

.PHONY: clean
"""
    notes = (
        f"`{source}` keeps the kernel's `#line` directives, so compiler messages and failed "
        "assertions name the notebook's cells (`Cell In[3]:5`); `sed -i '/^#line /d' "
        f"{source}` takes them out.",
    )
    files = {source: "\n".join(lines), "Makefile": makefile, **support}
    return Project(files, source, (("make",),), (f"./{name}",), notes)


def _make_word(word: str) -> str:
    """One shell word in a Makefile recipe: quoted for the shell, ``$`` and ``#`` kept from make."""
    return shlex.quote(word).replace("$", "$$").replace("#", "\\#")

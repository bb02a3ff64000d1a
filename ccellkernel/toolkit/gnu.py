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
from pathlib import Path
from typing import TYPE_CHECKING

from ccellkernel.api.errors import ToolchainNotFound
from ccellkernel.api.program import Origin, Program, cell_label
from ccellkernel.api.toolchain import Compiler, Project, ToolResult
from ccellkernel.toolkit.content import key as cache_key
from ccellkernel.toolkit.content import make_dependencies

if TYPE_CHECKING:
    from ccellkernel.api.build import AheadBuilds, Begun
    from ccellkernel.api.toolchain import BuildContext


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


# -- builds begun ahead (``builds/ahead.py``) -------------------------------------------------------------

# Where a build begun ahead waits for the rest of its source: its standard input. (Not /dev/stdin:
# a quoted include in the rest is looked for first beside the file that includes it, and /dev has
# names a header could have; /proc/self/fd has only numbers.)
STDIN_INCLUDE = '#include "/proc/self/fd/0"\n'
AHEAD_OUTPUT = "unit.so"


def begin_ahead(
    ctx: BuildContext, head: str, suffix: str, argv: Callable[[Path, Path], Sequence[str]], key: str = ""
) -> None:
    """Begin a unit's build between cells (``Support.prepare``, ``builds/ahead.py``).

    ``argv(source, output)`` is the command ``build_unit`` runs: it compiles ``source`` into
    ``output``, with its dependency file (``-MD -MF``) beside it as ``output.with_suffix(".d")``.
    ``head`` is what the next unit's source most likely begins with, whole lines that depend on the
    memory alone (includes, macros, types); the build is begun on it and an include of its standard
    input: the compiler reads ``head`` and the headers it includes now, then waits for the rest,
    which ``finish_ahead`` sends. ``key``: what else the output depends on (the compiler's identity).
    Returns at once."""
    ahead = ctx.ahead
    if ahead is None or not os.path.isdir("/proc/self/fd") or (head and not head.endswith("\n")):
        return
    full = _ahead_key(head, argv, key, ctx)
    if ahead.holds(full):
        return
    folder = ahead.folder()
    source = folder / f"unit{suffix}"
    source.write_text(head + STDIN_INCLUDE, encoding="utf-8")
    command = argv(source, folder / AHEAD_OUTPUT)
    watch = [ctx.cwd, *_include_dirs(command, ctx.cwd)]
    ahead.start(full, command, folder=folder, cwd=ctx.cwd, prefix=head, watch=watch)


async def finish_ahead(
    ctx: BuildContext,
    text: str,
    argv: Callable[[Path, Path], Sequence[str]],
    output: Path,
    *,
    key: str = "",
    rendered_as: str,
) -> ToolResult | None:
    """Build the source ``text`` into ``output`` by finishing the build ``begin_ahead`` began, if
    ``text`` begins with what it began with and the command is the same: what the compiler did, as
    ``ctx.run_tool`` would say it of ``argv(source, output)``, which it stands for (``output`` and
    its dependency file are where that puts them). Its warnings are a usual build's: the one line
    naming the file that includes the rest (``In file included from``) is left out. None, and the
    caller builds as usual, when the compiler failed (an error's messages come from a usual build),
    a warning names anything else of the build begun ahead, or a header it read changed since.
    ``rendered_as``: the file that generated lines name in ``#line`` directives (the rest's first
    lines get one if they have none)."""
    ahead = ctx.ahead
    if ahead is None:
        return None
    head = ahead.prefix()
    if head is None or not text.startswith(head):
        ahead.cancel()
        return None
    rest = text[len(head) :]
    if not rest.startswith("#line "):  # its first lines are numbered as in the whole text
        rest = f'#line {head.count(chr(10)) + 1} "{rendered_as}"\n{rest}'
    begun = await ahead.finish(_ahead_key(head, argv, key, ctx), rest.encode("utf-8", "surrogateescape"))
    if begun is None:
        return None
    try:
        return _take(ahead, begun, output)
    finally:
        ahead.finished(begun.folder)


def _take(ahead: AheadBuilds, begun: Begun, output: Path) -> ToolResult | None:
    """What ``finish_ahead`` returns of a build begun ahead that ended; its output moved to ``output``."""
    if begun.result.returncode != 0:  # an error (or a compiler that could not start then): as usual
        return None
    folder = str(begun.folder)
    including = re.compile(rf"^In file included from {re.escape(folder)}/[^:\n]*:\d+:\n", re.M)
    said = [including.sub("", said, count=1) for said in (begun.result.stdout, begun.result.stderr)]
    if any(folder in t or "/proc/self/fd/" in t for t in said):
        return None
    made = begun.folder / AHEAD_OUTPUT
    if not made.with_suffix(".d").exists():
        return None
    depends = [
        p
        for p in make_dependencies(made.with_suffix(".d"))
        if p.parent != begun.folder and not str(p).startswith(("/dev/", "/proc/"))
    ]
    if not begun.unchanged(depends):  # a header changed after the compiler read it
        return None
    try:
        os.replace(made, output)
        rule = " ".join(str(p).replace("\\", "\\\\").replace(" ", "\\ ") for p in depends)
        output.with_suffix(".d").write_text(f"{output}: {rule}\n", encoding="utf-8")
    except OSError:
        return None
    ahead.taken += 1
    return ToolResult(begun.result.returncode, said[0], said[1])


def _ahead_key(head: str, argv: Callable[[Path, Path], Sequence[str]], key: str, ctx: BuildContext) -> str:
    command = argv(Path("@source"), Path("@output"))
    return cache_key(key, str(ctx.cwd), *command, head)


def _include_dirs(argv: Sequence[str], cwd: Path) -> list[Path]:
    """The directories ``-I``, ``-iquote`` and ``-isystem`` name in ``argv``."""
    found = []
    words = iter(argv)
    for word in words:
        for flag in ("-I", "-iquote", "-isystem", "-idirafter"):
            if word == flag:
                word = flag + next(words, "")
            if word.startswith(flag) and len(word) > len(flag):
                found.append(cwd / word[len(flag) :])
                break
    return found


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
    packages: Sequence[str] = (),
) -> Project:
    """A project of one source, ``NAME`` + ``suffix``, and a Makefile building the binary ``NAME``
    with make's ``$(compiler)`` (``CC``, say), ``$(flags_var)`` defaulting to ``flags``, the
    notebook's ``%flags`` and ``libraries``. ``support``: files written beside it (a binding's
    header and runtime, say); those with the source's suffix are compiled with it, and the
    project's folder is on the include path. ``packages``: pkg-config's arguments for the
    notebook's ``%dep`` libraries (``toolkit.pkgconfig.arguments``): the Makefile asks make's
    ``$(PKG_CONFIG)`` for their ``--cflags`` and ``--libs``.

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
    pkgs = ""
    if packages:
        pkgs = f"""\
# The notebook's libraries (%dep), found by pkg-config as the kernel found them.
PKG_CONFIG ?= pkg-config
PKGS = {words(packages)}
{flags_var} += $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS += $(shell $(PKG_CONFIG) --libs $(PKGS))
"""
    makefile = f"""\
# Builds {name} from {source}, as ccellkernel exported it: `make`, then `./{name}`.
# make's own $({compiler}) is the compiler; `make {compiler}=clang` picks another.
{flags_var} ?= {words(flags)}
# The notebook's %flags (paths in them were relative to the notebook's folder).
NOTEBOOK_FLAGS = {words(notebook_flags)}
LDLIBS = {words(libraries)}
{pkgs}
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
    if packages:
        notes += (
            "The notebook's libraries (`%dep`) are `PKGS` in the Makefile: pkg-config gives their "
            "compile and link flags (install their development packages; `PKG_CONFIG_PATH` finds "
            "others).",
        )
    files = {source: "\n".join(lines), "Makefile": makefile, **support}
    return Project(files, source, (("make",),), (f"./{name}",), notes)


def _make_word(word: str) -> str:
    """One shell word in a Makefile recipe: quoted for the shell, ``$`` and ``#`` kept from make."""
    return shlex.quote(word).replace("$", "$$").replace("#", "\\#")

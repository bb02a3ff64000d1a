"""A toy toolchain, so that Session can be unit-tested without a C compiler.

The toy language, one item per line::

    def NAME... = VALUE   a declaration keyed by each NAME (one group); a shell variable per NAME
    type NAME             a declaration keyed ``struct NAME`` (kind ``type``)
    proto NAME            a weak declaration keyed NAME (kind ``proto``)
    init: COMMAND         a per-cell declaration (like Go's ``func init``): runs first in every run,
                          and the cell that has one runs
    main: COMMAND         the cell's own main
    anything else         a statement: a shell command (``NAME=...`` declares a local NAME)

``@NAME`` in a VALUE or a command is a use of a def, ``@NAME+`` one that must be a number; the toy
compiler rejects an undefined one (``'x' is not defined``: a missing name), a def that is not a
number where one must be, any line holding the word ``bad`` (an error) and warns about the word
``warn``. "Compiling" translates the program into a shell script (checked with ``sh -n`` through
``ctx.run_tool``), which is the binary; ``run_command`` runs it with ``/bin/sh``.

Libraries (``%dep a b``): each word is a library whose program sees ``TOYLIB_NAME=1.0``; resolving
runs ``sh`` through ``ctx.run_tool`` (it says ``resolving NAME`` on stderr); a name holding ``missing``
does not exist, ``slow`` sleeps (to be interrupted). A statement ``fetch NAME`` fetches a library
during the build, as Go's first import does.

``OrderFreeToy`` is the same language made order-free (pending declarations), and like Go's
compiler it names only the first undefined use of each line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import tree_sitter
import tree_sitter_c
from cells import Cells

from ccellkernel.api.build import LibraryContext
from ccellkernel.api.errors import LibraryError, MagicError, ToolchainNotFound
from ccellkernel.api.libraries import NO_LIBRARIES, Dependency, Libraries, Library
from ccellkernel.api.memory import Declaration, Fragment, Memory
from ccellkernel.api.program import CellParts, Diagnostic, Origin, Program, ProgramWriter, order_by_uses
from ccellkernel.api.toolchain import BuildContext, BuildResult, Compiler, Toolchain
from ccellkernel.notebook.session import Session
from ccellkernel.toolkit import content

_DEF = re.compile(r"def\s+(?P<names>\w+(?:\s+\w+)*)\s*=\s*(?P<value>.*)")
_USE = re.compile(r"@(\w+)(\+?)")
_MISSING = re.compile(r"'(\w+)' is not defined")
_LOCAL = re.compile(r"(\w+)=")
_FETCH = re.compile(r"fetch (\w+)")


@dataclass(frozen=True)
class Build:
    """What one call of ``ToyToolchain.build`` was given."""

    text: str
    flags: tuple[str, ...]
    will_run: bool
    libraries: Libraries = NO_LIBRARIES
    cache_key: str = ""


def _directive(origin: Origin | None, line: int) -> str:
    if origin is None:
        return f"# generated, line {line}"
    return f"# cell {origin.cell}, line {origin.line}"


class ToyToolchain(Toolchain):
    name: ClassVar[str] = "toy"
    display_name: ClassVar[str] = "Toy (fake)"
    language_info: ClassVar[Mapping[str, Any]] = {
        "name": "toy",
        "file_extension": ".toy",
        "mimetype": "text/plain",
    }

    first_undefined_only = False

    def __init__(self, *, installed: bool = True) -> None:
        self.installed = installed
        self.builds: list[Build] = []
        self.runs: list[tuple[str, ...]] = []
        self.resolves: list[tuple[str, ...]] = []

    def grammar(self) -> tree_sitter.Language:
        return tree_sitter.Language(tree_sitter_c.language())

    def split(self, source: str, cell: int) -> CellParts:
        declarations: list[Declaration] = []
        statements: list[Fragment] = []
        main: Fragment | None = None
        for i, line in enumerate(source.split("\n")):
            text = line.strip()
            if not text:
                continue
            fragment = Fragment(text, cell, i + 1, len(line) - len(line.lstrip()))
            words = text.split()
            match = _DEF.fullmatch(text)
            if match:
                uses = frozenset(use[1] for use in _USE.finditer(match["value"]))
                declarations.append(Declaration(tuple(match["names"].split()), "def", fragment, uses))
            elif words[0] == "type" and len(words) == 2:
                declarations.append(Declaration((f"struct {words[1]}",), "type", fragment))
            elif words[0] == "proto" and len(words) == 2:
                declarations.append(Declaration((words[1],), "proto", fragment, weak=True))
            elif text.startswith("main:"):
                main = fragment
            elif text.startswith("init:"):
                declarations.append(Declaration(("init",), "init", fragment, per_cell=True))
            else:
                statements.append(fragment)
        return CellParts(
            tuple(declarations), tuple(statements), main, run=any(d.per_cell for d in declarations)
        )

    def render(self, memory: Memory, cell: CellParts) -> Program:
        out = ProgramWriter(_directive)
        out.generated("# a toy program")
        decls = [d for d in memory if d.kind == "def"]
        for decl in order_by_uses(decls) if self.order_free else decls:  # a shell needs the order
            out.fragment(decl.fragment)
        for decl in memory:
            if decl.kind != "def":
                out.fragment(decl.fragment)
        if cell.main is not None:
            out.fragment(cell.main)
        for statement in cell.statements:
            out.fragment(statement)
        return out.program()

    def find_compiler(self) -> Compiler:
        if not self.installed:
            raise ToolchainNotFound("no toy compiler: install one, then restart the kernel")
        return Compiler(("/bin/sh",), "sh")

    async def build(self, program: Program, ctx: BuildContext) -> BuildResult:
        self.builds.append(Build(program.text, ctx.flags, ctx.will_run, ctx.libraries, ctx.cache.key("x")))
        lines = program.text.split("\n")
        fetched = [m[1] for line in lines if (m := _FETCH.fullmatch(line.strip()))]
        grown = None
        if fetched:
            wanted = ctx.libraries.asking([Dependency(name) for name in fetched])
            grown = await ctx.resolve(ctx.libraries, lambda lib: self.resolve_libraries(wanted, lib))
        values = {
            name: m["value"]
            for line in lines
            if (m := _DEF.fullmatch(line.strip()))
            for name in m["names"].split()
        }
        script: list[str] = []
        diagnostics: list[Diagnostic] = []
        for number, line in enumerate(lines, 1):
            origin = program.origin(number)
            text = line.strip()
            if origin is None or not text:
                script.append(line)
                continue

            def report(severity: str, message: str, at: int, origin: Origin = origin) -> None:
                diagnostics.append(Diagnostic(severity, message, origin.cell, origin.line, at + 1))

            for word in re.finditer(r"\b(bad|warn)\b", line):
                if word[1] == "bad":
                    report("error", "'bad' is not allowed", word.start())
                else:
                    report("warning", "'warn' is suspicious", word.start())
            undefined = [use for use in _USE.finditer(line) if use[1] not in values]
            for use in undefined[:1] if self.first_undefined_only else undefined:
                report("error", f"'{use[1]}' is not defined", use.start())
            for use in _USE.finditer(line):
                if use[2] and use[1] in values and not values[use[1]].strip().isdigit():
                    report("error", f"'{use[1]}' is not a number", use.start())
            script.append(_translate(text))
        output = "".join(f"toy: {d.severity}: {d.message}\n" for d in diagnostics)
        if any(d.severity == "error" for d in diagnostics):
            return BuildResult(None, tuple(diagnostics), output, libraries=grown)
        binary = ctx.workdir / "toy.sh"
        binary.write_text("\n".join(script) + "\n")
        check = await ctx.run_tool(["/bin/sh", "-n", str(binary)], cwd=ctx.cwd)
        if check.returncode != 0:
            return BuildResult(None, (), check.stderr + check.stdout)
        return BuildResult(binary, tuple(diagnostics), output, libraries=grown)

    def dependencies(self, text: str) -> tuple[Dependency, ...]:
        words = text.split()
        if not all(re.fullmatch(r"\w+", w) for w in words):
            raise MagicError(f"%dep takes names: %dep a b, not {text!r}")
        return tuple(Dependency(w) for w in words)

    async def resolve_libraries(self, wanted: Sequence[Dependency], ctx: LibraryContext) -> Libraries:
        self.resolves.append(tuple(d.name for d in wanted))
        if not wanted:
            return NO_LIBRARIES
        script = "; ".join(
            f"echo resolving {d.name} >&2" + ("; sleep 30" if "slow" in d.name else "") for d in wanted
        )
        result = await ctx.run_tool(["/bin/sh", "-c", script])
        if result.returncode != 0:
            raise LibraryError(f"{wanted[0].line}: the toy resolver failed")
        missing = [d for d in wanted if "missing" in d.name]
        if missing:
            raise LibraryError(f"{missing[0].line or missing[0].name}: no library {missing[0].name}")
        return Libraries(
            tuple(wanted),
            tuple(Library(d.name, "1.0", "toy") for d in wanted),
            run_env={f"TOYLIB_{d.name}": "1.0" for d in wanted},
            key=content.key(*(d.name for d in wanted)),
        )

    def run_command(self, binary: Path, args: Sequence[str]) -> list[str]:
        self.runs.append(tuple(args))
        return ["/bin/sh", str(binary), *args]

    def missing_names(self, diagnostic: Diagnostic) -> frozenset[str] | None:
        match = _MISSING.fullmatch(diagnostic.message)
        return frozenset({match[1]}) if match else None

    def statement_locals(self, statement: Fragment) -> tuple[str, ...]:
        return tuple(m[1] for line in statement.text.split("\n") if (m := _LOCAL.match(line.strip())))

    def keep_hint(self, name: str) -> str:
        return f"def {name} = ..."


class OrderFreeToy(ToyToolchain):
    """The toy language, order-free: a def may use one that a later cell defines."""

    order_free: ClassVar[bool] = True
    first_undefined_only = True


def _translate(text: str) -> str:
    """One toy line as shell."""
    text = _USE.sub(r"${\1}", text)
    if text.startswith("init:"):
        return text.removeprefix("init:").strip()
    match = _DEF.fullmatch(text)
    if match:
        return "; ".join(f'{name}="{match["value"]}"' for name in match["names"].split())
    if text.startswith(("type ", "proto ", "fetch ")):
        return ":"
    return text.removeprefix("main:").strip()


class ToyCells(Cells):
    """Runs cells through a Session over the toy toolchain, numbering them like a notebook."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.toolchain = session.toolchain
        assert isinstance(self.toolchain, ToyToolchain)

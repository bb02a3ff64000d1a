"""C cells as units of the live program (``ccellkernel.live``): one shared object per cell.

A unit's source has, in order:

1. every include, macro and other preprocessor line, every type (in dependency order), and every
   ``#if`` block, as the whole program would;
2. a prototype of every remembered function, named by its live key with an asm label
   (``int square(int x) __asm__("ccell_f_square_1a2b...");``), so that calls reach the version the key
   names; ``static`` and ``inline`` are blanked (a function must be visible to later units);
3. every remembered global: where this unit defines it, ``#pragma redefine_extname`` naming its
   symbol by its label, then the definition as written; elsewhere a *weak* copy of the definition
   (same label), so its full type (an array's size) is known while every unit's references bind to
   the first one loaded, the unit that defines it;
4. the definitions of the functions and globals the unit is to build, and an initializer function per
   global whose initializer is not a constant (``ccell_init_...``: the host calls it once);
5. the cell's statements as ``int ccell_run_...(int argc, char **argv)``, the last expression wrapped
   for ``Out[n]`` as in a whole program (``value.py``).

Every line keeps its ``#line`` directive, so diagnostics, assertions and crash reports name cells.
A user's ``extern`` declaration (``extern char **environ;``) is left as it is: it names a library's
symbol, not a remembered global.

The ``%dep`` libraries (``BuildContext.libraries``): a unit is compiled with their compile flags. A
unit of functions or statements is linked with one small shared object of this kernel's that needs
them all (``ccell-libraries-KEY.so``, made once per set): loading the unit loads them, for the units
after it too (the host loads units ``RTLD_GLOBAL``), and the linker reads that object, not the
libraries, so a cell costs what it cost without them. Such units are built again when the set
changes (their keys include the libraries'). A unit that defines globals keeps their keys, so their
values live on: it is linked with the libraries themselves, ``--as-needed``, and needs only those
its code calls, so that a library dropped by ``%rm`` is not loaded again with it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import subprocess
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import tree_sitter

from ccellkernel.api.live import CODE, DATA, HEADER, INCLUDE, Support, Unit, UnitRequest
from ccellkernel.api.memory import Declaration, Fragment, Memory
from ccellkernel.api.program import Diagnostic, ProgramWriter, order_by_uses
from ccellkernel.api.syntax import descendants, node_text, parse
from ccellkernel.api.toolchain import BuildContext, BuildResult
from ccellkernel.toolkit import content
from ccellkernel.toolkit.diagnostics import parse_gnu
from ccellkernel.toolkit.gnu import begin_ahead, compiler_version, finish_ahead, line_directives

from . import names, value

HEADERS = ("include",)
TYPES = ("struct", "union", "enum", "typedef", "forward")
SOURCE = "cell.c"
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_TAG = re.compile(r"\b(struct|union|enum)\s+([A-Za-z_]\w*)")


# the memory, its declarations' roles, its declarations by the names they declare (``CUnits._index``)
_Index = tuple[Memory, dict[str, str], dict[str, list[Declaration]]]


class CUnits(Support):
    """The C toolchain's side of the live program."""

    def __init__(self, toolchain) -> None:  # type: ignore[no-untyped-def]
        self.toolchain = toolchain
        self.language: tree_sitter.Language = toolchain.grammar()
        self._identity: content.CompilerIdentity | None = None
        self._libs: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._indexed: _Index | None = None
        self._headed: tuple[Memory, ProgramWriter, list[Declaration]] | None = None

    def available(self) -> str | None:
        if not os.path.isdir("/proc/self"):
            return "the live program needs Linux"
        version = self.toolchain.find_compiler().version.lower()
        if "tcc" in version:
            return "tcc cannot name symbols with asm labels"
        return None

    def identity(self) -> str:
        if self._identity is None:
            compiler = self.toolchain.find_compiler()
            self._identity = content.CompilerIdentity(compiler.argv, compiler_version)
        return self._identity.current()

    def role(self, decl: Declaration) -> str:
        if decl.kind == "include":
            return INCLUDE
        if decl.kind == "function":
            return CODE
        if decl.kind == "global":
            return HEADER if _is_extern(decl.fragment.text) else DATA
        if decl.kind in ("struct", "union", "enum") and len(decl.keys) > 1 and _defines_variables(decl):
            return DATA  # struct P { ... } p1;  a type and a global
        return HEADER

    def uses(self, decl: Declaration) -> frozenset[str]:
        return _identifiers(decl.fragment.text) | _tags(decl.fragment.text) | decl.uses

    def value_type(self, decl: Declaration) -> str | None:
        node = _top(self.language, decl.fragment.text)
        if node is None:
            return None
        types = [c for c in node.children if c.type not in ("storage_class_specifier", ";", ",")]
        types = [c for c in types if c not in node.children_by_field_name("declarator")]
        base = " ".join(_short_type(c) for c in types)
        shown = []
        for target, name in _declarators(node):
            shape = node_text(target).replace(name, "", 1)  # type: ignore[arg-type]
            shape = " ".join(shape.split())
            shown.append((name, f"{base} {shape}".strip() if shape else base))
        if len(shown) == 1:
            return shown[0][1]
        return ", ".join(f"{name}: {text}" for name, text in shown) or None

    # -- the source ---------------------------------------------------------------------------------

    def _index(self, memory: Memory) -> tuple[dict[str, str], dict[str, list[Declaration]]]:
        """Each declaration's role, and the declarations by the names they declare: made again only
        when the memory changed (a cell of statements keeps the very declarations of the last one)."""
        memo = self._indexed
        if memo is not None and memory.same(memo[0]):
            return memo[1], memo[2]
        role = {d.key: self.role(d) for d in memory}
        owners: dict[str, list[Declaration]] = {}
        for decl in memory:
            for name in (*decl.keys, *decl.names):
                owners.setdefault(name, []).append(decl)
        self._indexed = (memory, role, owners)
        return role, owners

    def _head(self, memory: Memory) -> tuple[ProgramWriter, list[Declaration]]:
        """A unit's first part, which depends on the memory alone (item 1 of the module's list),
        and the types and globals in the order they are declared: made again only when the memory
        changed."""
        memo = self._headed
        if memo is None or not memory.same(memo[0]):
            memo = self._headed = (memory, *self._write_head(memory))
        return memo[1].copy(), memo[2]

    def _write_head(self, memory: Memory) -> tuple[ProgramWriter, list[Declaration]]:
        out = ProgramWriter(line_directives(SOURCE))
        decls = list(memory)
        role, _ = self._index(memory)
        for decl in decls:
            if decl.kind in ("include", "define", "preprocessor"):
                out.fragment(decl.fragment)
        ordered = order_by_uses(
            [d for d in decls if role[d.key] in (HEADER, DATA) and decl_is_type_or_data(d)]
        )
        for decl in ordered:
            if role[decl.key] == HEADER and decl.kind in TYPES:
                out.fragment(decl.fragment)
        return out, ordered

    def render_unit(self, request: UnitRequest) -> Unit:
        out, ordered = self._head(request.memory)
        decls = list(request.memory)
        role, owners = self._index(request.memory)
        keys = request.keys
        seen = _seen(decls, role, owners, request)
        labels = {
            d.key: _labels(d, keys[d.key], role[d.key]) for d in decls if d.key in keys and d.key in seen
        }
        data = [d for d in ordered if role[d.key] == DATA]
        for decl in decls:
            if decl.key not in seen:
                continue
            if role[decl.key] == CODE:
                prototype = decl.data.get("prototype")
                if isinstance(prototype, Fragment):
                    out.fragment(
                        prototype, _labelled_prototype(self.language, prototype.text, labels[decl.key])
                    )
            elif decl.kind == "prototype" or (decl.kind == "global" and role[decl.key] == HEADER):
                out.fragment(decl.fragment)
        inits: list[tuple[str, str]] = []
        init_code: list[tuple[str, tuple[Fragment, ...]]] = []
        for decl in data:
            rewritten = decl.data.get("declaration")
            fragment = rewritten if isinstance(rewritten, Fragment) else decl.fragment
            if decl.key in request.build:
                for line in _renames(self.language, fragment.text, labels[decl.key]):
                    out.generated(line)
                out.fragment(fragment, _blank_static(self.language, fragment.text))
                deferred = decl.data.get("deferred", ())
                if isinstance(deferred, tuple) and deferred:
                    symbol = f"ccell_init_{keys[decl.key][:16]}"
                    inits.append((keys[decl.key], symbol))
                    init_code.append((symbol, deferred))
            elif decl.key in seen:
                out.fragment(fragment, _weak_copy(self.language, fragment.text, labels[decl.key]))
        for decl in decls:
            if decl.kind == "block":
                out.fragment(decl.fragment)
        for decl in decls:
            if role[decl.key] == CODE and decl.key in request.build:
                out.fragment(decl.fragment, _blank_static(self.language, decl.fragment.text))
        for symbol, deferred in init_code:
            out.generated(f"void {symbol}(void) {{")
            for init in deferred:
                out.fragment(init)
            out.generated("}")
        entry = None
        if request.cell.statements:
            entry = request.entry
            signature = f"int {entry}(int argc, char **argv)"
            value.write_body(out, self.language, request.cell.statements, signature)
        defines = tuple(keys[k] for k in request.build if k in keys)
        built = [role[k] for k in request.build if k in role]
        code = (entry is not None or CODE in built) and DATA not in built
        program = dataclasses.replace(out.program(), data={"code": code})
        return Unit(program, entry, tuple(inits), defines)

    def prepare(self, memory: Memory, ctx: BuildContext) -> None:
        """Begin the next cell's build on its head (``gnu.begin_ahead``): the headers are read
        between cells, and a cell that adds no include, macro or type compiles only its own code."""
        out, _ = self._head(memory)
        libraries = self._libraries_object(ctx)
        if libraries is not None and not libraries.exists():
            return  # the first unit after a %dep makes it
        begin_ahead(ctx, out.text(), ".c", self._command(ctx), self.identity())

    # -- building -----------------------------------------------------------------------------------

    async def build_unit(self, unit: Unit, ctx: BuildContext, output: Path) -> BuildResult:
        program = unit.program
        code = bool(program.data.get("code", True))
        if code:
            made = await self._make_libraries_object(ctx)
            if made is not None and not made.ok:
                return made
        result = await self._compile(program.text, ctx, output, code)
        if not result.ok:
            result = dataclasses.replace(result, diagnostics=names.end_of_cell(result.diagnostics, program))
        if not result.ok and value.WRAP_OPEN in program.text:
            errors = [d for d in result.diagnostics if d.severity == "error"]
            if any(value.is_void_error(d.message) for d in errors):
                return await self._compile(
                    program.text.replace(value.WRAP_OPEN, value.WRAP_VOID), ctx, output, code
                )
            where = value.position(program)
            if where is not None and any(value.is_struct_error(d.message) for d in errors):
                return BuildResult(None, (Diagnostic("error", value.STRUCT_MESSAGE, *where),), result.output)
        return result

    def _command(self, ctx: BuildContext, code: bool = True) -> Callable[[Path, Path], list[str]]:
        """How a unit's source is compiled into its shared object (source, output -> argv); ``code``:
        the unit holds functions or statements (the module's docstring says how each is linked)."""
        toolchain = self.toolchain
        compiler = toolchain.find_compiler()
        libraries = ctx.libraries
        flags = [*compiler.argv, *toolchain.flags_for(compiler), *libraries.compile, f"-I{ctx.cwd}"]
        flags += ["-fPIC", "-shared", "-pipe"]
        together = self._libraries_object(ctx) if code else None
        if together is not None:
            linked: tuple[str, ...] = ("-Wl,--no-as-needed", str(together))  # kept though unused
        elif libraries.link:
            linked = ("-Wl,--as-needed", *libraries.link, "-Wl,--no-as-needed")
        else:
            linked = ()
        after = [*ctx.flags, *linked, *self._libraries(compiler.argv)]

        def command(source: Path, output: Path) -> list[str]:
            depends = ["-MD", "-MF", str(output.with_suffix(".d"))]
            return [*flags, *depends, "-o", str(output), str(source), *after]

        return command

    def _libraries_object(self, ctx: BuildContext) -> Path | None:
        """Where the shared object that needs every ``%dep`` library is (None without libraries).
        Its path goes into the units linked with it, so it stays where it is while the kernel runs."""
        link = ctx.libraries.link
        if not link:
            return None
        return ctx.workdir / f"ccell-libraries-{content.key(self.identity(), *link)[:16]}.so"

    async def _make_libraries_object(self, ctx: BuildContext) -> BuildResult | None:
        """Link the libraries' object unless it is there; a failure is the cell's build error (a
        library that pkg-config names and the linker cannot find: ``cannot find -lfoo``)."""
        path = self._libraries_object(ctx)
        if path is None or path.exists():
            return None
        compiler = self.toolchain.find_compiler()
        source, partial = path.with_suffix(".c"), path.with_suffix(".partial")
        source.write_text("/* needs the notebook's %dep libraries: loading it loads them */\n")
        link = ["-Wl,--no-as-needed", *ctx.libraries.link]
        argv = [*compiler.argv, "-fPIC", "-shared", "-o", str(partial), str(source), *link]
        result = await ctx.run_tool(argv, cwd=ctx.cwd)
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            output = result.stderr + result.stdout
            return BuildResult(None, tuple(parse_gnu(output)), output or "the libraries did not link")
        partial.replace(path)
        return BuildResult(path)

    async def _compile(self, text: str, ctx: BuildContext, output: Path, code: bool = True) -> BuildResult:
        toolchain = self.toolchain
        command = self._command(ctx, code)
        # the build begun between cells, if it began as this source does; else the usual one
        result = await finish_ahead(ctx, text, command, output, key=self.identity(), rendered_as=SOURCE)
        if result is None:
            source = output.with_suffix(".c")
            try:
                source.write_text(text, encoding="utf-8")
            except OSError as err:
                failed = Diagnostic("error", f"cannot write the build files: {err.strerror}")
                return BuildResult(None, (failed,))
            result = await ctx.run_tool(command(source, output), cwd=ctx.cwd)
        text_out = result.stderr + result.stdout
        found = names.global_notes(
            d for d in parse_gnu(text_out) if not d.message.startswith(toolchain.BOILERPLATE)
        )
        if result.returncode != 0:
            return BuildResult(None, found, text_out or "the compiler failed")
        return BuildResult(output, found, text_out)

    def dependencies(self, output: Path) -> list[Path]:
        return content.make_dependencies(output.with_suffix(".d"))

    async def build_host(self, ctx: BuildContext, source: Path, output: Path) -> BuildResult:
        toolchain = self.toolchain
        compiler = toolchain.find_compiler()
        runtime = await toolchain.runtime_object(compiler, ctx)
        if not runtime.ok:
            return runtime
        argv = [
            *compiler.argv,
            *toolchain.flags_for(compiler),
            "-rdynamic",  # the cells call the runtime's functions (<ccell.h>, Out[n])
            "-o",
            str(output),
            str(source),
            str(runtime.binary),
            "-ldl",
            "-Wl,--no-as-needed",  # loaded whether the host calls it or not: the cells do
            "-lm",
            "-Wl,--as-needed",
        ]
        result = await ctx.run_tool(argv, cwd=ctx.workdir)
        out = result.stderr + result.stdout
        return BuildResult(output if result.returncode == 0 else None, tuple(parse_gnu(out)), out)

    def _libraries(self, argv: Sequence[str]) -> tuple[str, ...]:
        """What a unit links with. The host has libc and libm loaded, and a unit's calls bind to them
        when it is loaded, so a unit skips linking with them (a third of its build): only libgcc's
        helpers (``__int128`` division...) and libc's static part (``atexit``) go in. Where there is no
        ``libc_nonshared.a`` (not glibc), the default libraries, and libm as a whole program has."""
        key = tuple(argv)
        if key not in self._libs:
            self._libs[key] = ("-lm",)
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                found = subprocess.run(
                    [*argv, "-print-file-name=libc_nonshared.a"],
                    capture_output=True,
                    text=True,
                    timeout=30,
                    check=False,
                ).stdout.strip()
                if os.path.isabs(found) and os.path.exists(found):
                    # two mappings a unit, not four: a live program keeps every unit it loaded
                    pages = ("-Wl,-z,noseparate-code", "-Wl,-z,norelro")
                    self._libs[key] = ("-nodefaultlibs", "-lgcc", "-lc_nonshared", *pages)
        return self._libs[key]

    def host_key(self) -> str:
        runtime = resources.files(__package__).joinpath("runtime/ccell.c").read_text(encoding="utf-8")
        return hashlib.sha256(runtime.encode()).hexdigest()


def _seen(
    decls: Sequence[Declaration],
    role: dict[str, str],
    owners: dict[str, list[Declaration]],
    request: UnitRequest,
) -> set[str]:
    """The memory keys of the functions and globals this unit's code names, directly or through what
    it names: the only ones it declares. (A trivial cell with 300 functions remembered compiles as
    fast as one with none.) Every type, macro, include and ``#if`` block stays, and what their text
    names counts as named; a macro that pastes tokens (``##``) could name anything, so then all stay."""
    everything = {d.key for d in decls}
    named: set[str] = set()
    for statement in request.cell.statements:
        named |= _identifiers(statement.text)
    for decl in decls:
        if (
            decl.key in request.build
            or role[decl.key] == INCLUDE
            or decl.kind in (*TYPES, "define", "preprocessor", "block")
        ):
            if decl.kind in ("define", "preprocessor", "block") and "##" in decl.fragment.text:
                return everything
            named |= _identifiers(decl.fragment.text)
            deferred = decl.data.get("deferred", ())
            for init in deferred if isinstance(deferred, tuple) else ():
                named |= _identifiers(init.text)
    seen = {d.key for d in decls if d.key in request.build}
    todo, done = list(named), set()
    while todo:  # a global's initializer names a function, a prototype names a type...
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        for decl in owners.get(name, ()):
            if decl.key not in seen:
                seen.add(decl.key)
                todo.extend(_identifiers(decl.fragment.text))
    return seen


def decl_is_type_or_data(decl: Declaration) -> bool:
    return decl.kind in (*TYPES, "global", "struct", "union", "enum")


# -- rewriting declarations ------------------------------------------------------------------------


def label(kind: str, name: str, key: str) -> str:
    return f"ccell_{kind}_{name}_{key[:16]}"


def _labels(decl: Declaration, key: str, role: str) -> dict[str, str]:
    kind = "f" if role == CODE else "v"
    return {name: label(kind, name, key) for name in decl.keys if _IDENTIFIER.fullmatch(name)}


@lru_cache(maxsize=4096)
def _identifiers(text: str) -> frozenset[str]:
    return frozenset(_IDENTIFIER.findall(text))


@lru_cache(maxsize=4096)
def _tags(text: str) -> frozenset[str]:
    """``struct P``, ``union U``, ``enum E`` as the text names them (the memory's keys of tagged types)."""
    return frozenset(f"{kind} {name}" for kind, name in _TAG.findall(text))


def _short_type(node) -> str:  # type: ignore[no-untyped-def]
    """A type specifier without its body: ``struct P``, ``struct {...}``."""
    body = node.child_by_field_name("body")
    if body is None:
        return " ".join(node_text(node).split())
    name = node.child_by_field_name("name")
    kind = node_text(node.children[0])
    return f"{kind} {node_text(name)}" if name is not None else f"{kind} {{...}}"


def _is_extern(text: str) -> bool:
    return bool(re.match(r"\s*(?:/\*.*?\*/\s*|//[^\n]*\n\s*)*extern\b", text, re.S))


def _defines_variables(decl: Declaration) -> bool:
    return any(not k.startswith(("struct ", "union ", "enum ")) for k in decl.keys)


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` (UTF-8 byte spans) with the spans blanked by spaces: every column stays."""
    data = bytearray(text.encode("utf-8"))
    for start, end in spans:
        data[start:end] = b" " * (end - start)
    return data.decode("utf-8", "replace")


def _storage(node) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """The ``static`` and ``inline`` of a top-level declaration or function definition."""
    return [
        (c.start_byte, c.end_byte)
        for c in node.children
        if c.type == "storage_class_specifier" and node_text(c) in ("static", "inline")
    ]


def _top(language: tree_sitter.Language, text: str):  # type: ignore[no-untyped-def]
    tree = parse(language, text)
    nodes = [n for n in tree.root_node.children if n.type in ("declaration", "function_definition")]
    return nodes[0] if nodes else None


def _blank_static(language: tree_sitter.Language, text: str) -> str:
    node = _top(language, text)
    return text if node is None else _blank(text, _storage(node))


def _labelled_prototype(language: tree_sitter.Language, text: str, labels: dict[str, str]) -> str:
    """``int square(int x);`` as ``int square(int x) __asm__("...");``, without static and inline."""
    node = _top(language, text)
    body = _blank(text, _storage(node)) if node is not None else text
    name = next(iter(labels.values()), None)
    if name is None:
        return body
    head, semicolon, tail = body.rpartition(";")
    return f'{head} __asm__("{name}"){semicolon}{tail}' if semicolon else body


def _declarators(node) -> list[tuple[object, str]]:  # type: ignore[no-untyped-def]
    """(declarator node without its initializer, the name it declares) for each declarator."""
    found = []
    for declarator in node.children_by_field_name("declarator"):
        target = (
            declarator.child_by_field_name("declarator")
            if declarator.type == "init_declarator"
            else declarator
        )
        names = descendants(target, "identifier") if target is not None else []
        if target is not None and names:
            found.append((target, node_text(names[0])))
    return found


def _renames(language: tree_sitter.Language, text: str, labels: dict[str, str]) -> list[str]:
    """``#pragma redefine_extname`` for each variable the declaration defines: its symbol is its label,
    and the definition compiles as written (a type it defines too, ``struct P { int x; } p1;``, is
    defined once; an anonymous one needs no name)."""
    node = _top(language, text)
    if node is None:
        return []
    return [
        f"#pragma redefine_extname {name} {labels[name]}" for _, name in _declarators(node) if name in labels
    ]


def _weak_copy(language: tree_sitter.Language, text: str, labels: dict[str, str]) -> str:
    """The definition as a weak one named by its labels: every unit sees the type, the first loaded
    (the one that defines it) is the storage."""
    node = _top(language, text)
    if node is None:
        return text
    data = bytearray(_blank(text, _storage(node)).encode("utf-8"))
    for target, name in sorted(_declarators(node), key=lambda t: -t[0].end_byte):  # type: ignore[attr-defined]
        if name in labels:
            at = target.end_byte  # type: ignore[attr-defined]
            data[at:at] = f' __asm__("{labels[name]}") __attribute__((weak))'.encode()
    return data.decode("utf-8", "replace")

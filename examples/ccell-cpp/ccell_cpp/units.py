"""C++ cells as units of the live program (``ccellkernel.live``): one shared object per cell.

A unit's source has, in order:

1. a preamble (``<type_traits>`` and an alias, for the ``extern`` declarations ``variables.py``
   writes), then every include, macro and other preprocessor line;
2. every declaration, in an order where each comes after what it uses, as this unit sees it:

   - a free function with a prototype (*code*): the prototype, named by its live key with an asm
     label (``int square(int x) asm("ccell_f_square_1a2b...");``), so that calls reach the version
     the key names; overloads have different keys, so different labels; ``static`` and ``inline``
     are blanked (later units call it);
   - a global (*data*): in the unit that holds it, its definition with its label (its constructor
     runs when that unit is loaded, once); in every other unit an ``extern`` declaration with the
     same label (``variables.py``); a namespace's variables likewise;
   - everything else (*header*) as written: classes with their inline methods, templates'
     prototypes, aliases, ``using``, ``constexpr`` functions and constants, a lambda held by ``auto``;

3. function bodies: the code functions this unit is to build, and in every unit the functions that
   are header (methods defined outside their class, templates, functions with a deduced return
   type or default arguments, which have no plain prototype);
4. the cell's statements as ``extern "C" int ccell_run_...(int argc, char **argv)``, the last
   expression passed to ``ccell::value`` for ``Out[n]`` (``body.py``).

Header code is compiled into every unit, so each unit must call its own copy: units are linked with
``-Bsymbolic``. Without it the dynamic linker would bind a later unit's call of ``Point::norm()`` (or
a template instance, or a class's vtable) to the first loaded unit's, and a redefined class would run
its old methods. Every line keeps its ``#line`` directive, so diagnostics and crashes name cells.
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import tree_sitter

from ccellkernel.api.live import CODE, DATA, HEADER, INCLUDE, Support, Unit, UnitRequest, label_name
from ccellkernel.api.memory import Declaration, Fragment, Memory
from ccellkernel.api.program import Diagnostic, ProgramWriter, order_by_uses
from ccellkernel.api.syntax import leaves, node_text, parse
from ccellkernel.api.toolchain import BuildContext, BuildResult
from ccellkernel.toolkit import content
from ccellkernel.toolkit.diagnostics import parse_gnu
from ccellkernel.toolkit.gnu import begin_ahead, compiler_version, finish_ahead, line_directives

from . import variables
from .body import not_printable, write_body

__all__ = ["CppUnits"]

SOURCE = "cell.cpp"
FIRST = ("include", "define", "preprocessor")
BODIES = ("function", "method", "function template", "method template")
TAGS = ("class", "struct", "union", "enum")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_OPERATOR = re.compile(r"\boperator\s*(\(\s*\)|\[\s*\]|[^\s\w(]+)")
_WORD = re.compile(r"\W+")


class CppUnits(Support):
    """The C++ toolchain's side of the live program."""

    def __init__(self, toolchain) -> None:  # type: ignore[no-untyped-def]
        self.toolchain = toolchain
        self.language: tree_sitter.Language = toolchain.grammar()
        self._identity: content.CompilerIdentity | None = None

    def available(self) -> str | None:
        if not os.path.isdir("/proc/self"):
            return "the live program needs Linux"
        self.toolchain.find_compiler()  # none: the session says so at every build
        return None

    def identity(self) -> str:
        if self._identity is None:
            compiler = self.toolchain.find_compiler()
            self._identity = content.CompilerIdentity(compiler.argv, compiler_version)
        return self._identity.current()

    def role(self, decl: Declaration) -> str:
        kind = decl.kind
        if kind == "include":
            return INCLUDE
        if kind == "function":
            if isinstance(decl.data.get("prototype"), Fragment) and not decl.data.get("compile_time"):
                return CODE
            return HEADER  # its body must be in every unit that calls it
        if kind in ("global", "namespace") or (kind in TAGS and _defines_variables(decl)):
            return DATA if variables.lives(decl.fragment.text) else HEADER
        return HEADER

    def uses(self, decl: Declaration) -> frozenset[str]:
        text = decl.fragment.text
        found = _identifiers(text) | decl.uses
        # a code function is compiled once: it must be compiled again when a method it calls is
        # redefined (header code is in every unit, and a global keeps its value then)
        return found | _members(self.language, text) if self.role(decl) == CODE else found

    def value_type(self, decl: Declaration) -> str | None:
        return variables.type_of(decl.fragment.text) if decl.kind != "namespace" else None

    def symbol_name(self, symbol: str) -> str:
        """``later(int)`` for ``_Z5lateri`` (a prototype's function that no cell defines)."""
        name = label_name(symbol)
        return _demangle(symbol) or symbol if name == symbol and symbol.startswith("_Z") else name

    # -- the source ---------------------------------------------------------------------------------

    def _head(self, decls: Sequence[Declaration]) -> ProgramWriter:
        """A unit's first part (item 1 of the module's list): it depends on the memory alone."""
        out = ProgramWriter(line_directives(SOURCE))
        out.generated(variables.PREAMBLE)
        for decl in decls:
            if decl.kind in FIRST:
                out.fragment(decl.fragment)
        return out

    def prepare(self, memory: Memory, ctx: BuildContext) -> None:
        """Begin the next cell's build on its head (``gnu.begin_ahead``): ``<iostream>`` and the
        other headers are read between cells, most of what a small cell's compile costs."""
        begin_ahead(ctx, self._head(list(memory)).text(), ".cpp", self._command(ctx), self.identity())

    def render_unit(self, request: UnitRequest) -> Unit:
        decls = list(request.memory)
        out = self._head(decls)
        role = {d.key: self.role(d) for d in decls}
        keys, build = request.keys, request.build
        declared = []
        checks: dict[int, Fragment] = {}  # after a definition: the declaration other units see
        for decl in decls:
            if decl.kind in FIRST:
                continue
            shown = self._declared(decl, role[decl.key], keys.get(decl.key), decl.key in build)
            if shown is not None:
                declared.append(shown)
            key = keys.get(decl.key)
            if shown is not None and role[decl.key] == DATA and decl.key in build and key is not None:
                checked = variables.check(decl.fragment.text, _labels(key))
                if checked:
                    checks[id(shown)] = _replaced(decl.fragment, checked)
        for decl in order_by_uses(declared):
            out.fragment(decl.fragment)
            if id(decl) in checks:
                out.fragment(checks[id(decl)])
        bodies = [
            _by_names(d, _definition(self.language, d) if role[d.key] == CODE else d.fragment)
            for d in decls
            if d.kind in BODIES
            and not d.data.get("compile_time")
            and (role[d.key] == HEADER or d.key in build)
        ]
        for decl in order_by_uses(bodies):
            out.fragment(decl.fragment)
        entry, where = None, None
        if request.cell.statements:
            entry = request.entry
            signature = f'extern "C" int {entry}(int argc, char **argv)'
            where = write_body(out, self.language, request.cell.statements, signature)
        program = out.program()
        if where is not None:
            program = dataclasses.replace(program, data={"value": where})
        defines = tuple(keys[k] for k in build if k in keys)
        return Unit(program, entry, (), defines)

    def _declared(self, decl: Declaration, role: str, key: str | None, here: bool) -> Declaration | None:
        """``decl`` as this unit declares it before the function bodies (None: only a body)."""
        if role == CODE and key is not None:
            prototype = decl.data.get("prototype")
            assert isinstance(prototype, Fragment)
            text = _labelled_prototype(self.language, prototype.text, _label(decl, key))
            return _by_names(decl, _replaced(prototype, text), decl.data.get("header_uses"))
        if role == DATA and key is not None:
            rewrite = variables.define if here else variables.declare
            return _by_names(decl, _replaced(decl.fragment, rewrite(decl.fragment.text, _labels(key))))
        if decl.kind in BODIES and not decl.data.get("compile_time"):
            prototype = decl.data.get("prototype")  # a template's, or none: only the body
            return _by_names(decl, prototype, decl.data.get("header_uses")) if prototype else None
        return _by_names(decl)  # a constexpr function whole: a constant may call it

    # -- building -----------------------------------------------------------------------------------

    def _command(self, ctx: BuildContext) -> Callable[[Path, Path], list[str]]:
        """How a unit's source is compiled into its shared object (source, output -> argv)."""
        toolchain = self.toolchain
        compiler = toolchain.find_compiler()
        flags = [
            *compiler.argv,
            *toolchain.standard(ctx.flags),
            *toolchain.warnings(),
            *ctx.libraries.compile,
            toolchain.include_flag(),
            f"-I{ctx.cwd}",
            "-fPIC",
            "-shared",
            "-Wl,-Bsymbolic",  # each unit calls its own copy of header code (the module's docstring)
            "-pipe",
        ]

        # the %dep libraries a unit calls: loading it loads them, for the units after it too
        link = ctx.libraries.link
        linked = ["-Wl,--as-needed", *link, "-Wl,--no-as-needed"] if link else []

        def command(source: Path, output: Path) -> list[str]:
            depends = ["-MD", "-MF", str(output.with_suffix(".d"))]
            return [*flags, *depends, "-o", str(output), str(source), *ctx.flags, *linked]

        return command

    async def build_unit(self, unit: Unit, ctx: BuildContext, output: Path) -> BuildResult:
        command, identity, text = self._command(ctx), self.identity(), unit.program.text
        # the build begun between cells, if it began as this source does; else the usual one
        result = await finish_ahead(ctx, text, command, output, key=identity, rendered_as=SOURCE)
        if result is None:
            source = output.with_suffix(".cpp")
            try:
                source.write_text(text, encoding="utf-8")
            except OSError as err:
                failed = Diagnostic("error", f"cannot write the build files: {err.strerror}")
                return BuildResult(None, (failed,))
            result = await ctx.run_tool(command(source, output), cwd=ctx.cwd)
        text = result.stderr + result.stdout
        built = BuildResult(output if result.returncode == 0 else None, tuple(parse_gnu(text)), text)
        if not built.ok and not text:
            built = BuildResult(None, (), "the compiler failed")
        return not_printable(built, text, unit.program.data.get("value"))

    def dependencies(self, output: Path) -> list[Path]:
        return content.make_dependencies(output.with_suffix(".d"))

    async def build_host(self, ctx: BuildContext, source: Path, output: Path) -> BuildResult:
        """The host is C: compiled as C by the C++ driver, which links the C++ runtime, with the
        prelude (line-buffered stdio). ``-rdynamic``: the units find the host's symbols."""
        compiler = self.toolchain.find_compiler()
        prelude = ctx.workdir / "prelude.cpp"
        prelude.write_text(_prelude(), encoding="utf-8")
        argv = [
            *compiler.argv,
            "-rdynamic",
            "-o",
            str(output),
            "-x",
            "c",
            str(source),
            "-x",
            "c++",
            str(prelude),
            "-x",
            "none",
            "-ldl",
        ]
        result = await ctx.run_tool(argv, cwd=ctx.workdir)
        out = result.stderr + result.stdout
        return BuildResult(output if result.returncode == 0 else None, tuple(parse_gnu(out)), out)

    def host_key(self) -> str:
        return hashlib.sha256(_prelude().encode()).hexdigest()


def _prelude() -> str:
    return resources.files(__package__).joinpath("prelude.cpp").read_text(encoding="utf-8")


@lru_cache(maxsize=256)
def _demangle(symbol: str) -> str | None:
    """The C++ runtime's own demangler (None where there is no libstdc++)."""
    try:
        runtime = ctypes.CDLL("libstdc++.so.6")
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    demangle = runtime.__cxa_demangle
    demangle.restype = ctypes.c_void_p
    demangle.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    status = ctypes.c_int(-1)
    found = demangle(symbol.encode(), None, None, ctypes.byref(status))
    if not found:
        return None
    try:
        return ctypes.string_at(found).decode("utf-8", "replace") if status.value == 0 else None
    finally:
        libc.free(ctypes.c_void_p(found))


def _defines_variables(decl: Declaration) -> bool:
    """``struct P { ... } p1;``: a type and a global."""
    return any(not k.startswith(TAGS) for k in decl.keys)


def _labels(key: str) -> variables.Labels:
    """The symbols of the variables of the declaration whose live key is ``key``."""
    return lambda path: variables.label(path, key)


def _label(decl: Declaration, key: str) -> str:
    names = decl.data.get("names", ())
    name = names[0] if isinstance(names, tuple) and names else decl.key
    return f"ccell_f_{_WORD.sub('_', str(name)).strip('_') or 'f'}_{key[:16]}"


@lru_cache(maxsize=4096)
def _identifiers(text: str) -> frozenset[str]:
    return frozenset(_IDENTIFIER.findall(text))


@lru_cache(maxsize=4096)
def _members(language: tree_sitter.Language, text: str) -> frozenset[str]:
    """The methods ``text`` may call, as a method defined outside its class is named: ``Point::norm``
    for each type and each member-like name it mentions (``p.norm()`` with a ``Point p``)."""
    types, members = set(), set()
    for leaf in leaves(parse(language, text).root_node):
        if leaf.type in ("type_identifier", "namespace_identifier"):
            types.add(node_text(leaf))
        elif leaf.type in ("identifier", "field_identifier"):
            members.add(node_text(leaf))
    members |= {"operator" + "".join(op.split()) for op in _OPERATOR.findall(text)}
    members |= {f"~{t}" for t in types}
    return frozenset(f"{t}::{m}" for t in types for m in members | types)


def _by_names(decl: Declaration, fragment: Fragment | None = None, uses: object = None) -> Declaration:
    """``decl`` as ``order_by_uses`` should see it: keyed by the plain names it defines, which do not
    count as its uses (an overload does not wait for itself)."""
    names = decl.data.get("names", ())
    names = tuple(names) if isinstance(names, tuple) else ()
    used = uses if isinstance(uses, frozenset) else decl.uses
    return dataclasses.replace(decl, keys=names, uses=used - set(names), fragment=fragment or decl.fragment)


def _replaced(fragment: Fragment, text: str) -> Fragment:
    return dataclasses.replace(fragment, text=text)


# -- rewriting functions -----------------------------------------------------------------------------


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` (UTF-8 byte spans) with the spans blanked by spaces: every column stays."""
    data = bytearray(text.encode("utf-8"))
    for start, end in spans:
        data[start:end] = b" " * (end - start)
    return data.decode("utf-8", "replace")


def _storage(text: str, language: tree_sitter.Language) -> list[tuple[int, int]]:
    """The ``static`` and ``inline`` of a top-level function (its prototype or definition)."""
    nodes = [
        n
        for n in parse(language, text).root_node.children
        if n.type in ("declaration", "function_definition")
    ]
    if not nodes:
        return []
    return [
        (c.start_byte, c.end_byte)
        for c in nodes[0].children
        if c.type == "storage_class_specifier" and node_text(c) in ("static", "inline")
    ]


def _definition(language: tree_sitter.Language, decl: Declaration) -> Fragment:
    """A code function's definition, visible to later units: without ``static`` and ``inline``."""
    text = decl.fragment.text
    return _replaced(decl.fragment, _blank(text, _storage(text, language)))


def _labelled_prototype(language: tree_sitter.Language, text: str, symbol: str) -> str:
    """``int square(int x);`` as ``int square(int x) asm("...");``, without static and inline."""
    body = _blank(text, _storage(text, language))
    head, semicolon, tail = body.rpartition(";")
    return f'{head} asm("{symbol}"){semicolon}{tail}' if semicolon else body

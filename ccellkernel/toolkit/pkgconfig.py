"""Libraries of C-family languages through pkg-config (CELL_MODEL.md section 6a): ``%dep gsl zlib``.

``dependencies`` reads a ``%dep`` line as pkg-config package names, each optionally with a version
constraint (``%dep gsl >= 2.5 zlib``); ``resolve`` asks pkg-config (``$PKG_CONFIG``, else
``pkg-config``, run with the user's environment, so their ``PKG_CONFIG_PATH`` and
``PKG_CONFIG_LIBDIR`` decide what is found) for the versions, ``--cflags`` and ``--libs`` of the
whole set. A toolchain adds ``Libraries.compile`` when it compiles and ``Libraries.link`` after the
sources when it links.

A line is checked word by word before pkg-config sees it: a name is pkg-config's (letters, digits,
``_ . + -``, not starting with ``-``, which pkg-config would read as an option), so shell
metacharacters and line breaks are refused, and nothing is ever passed to a shell.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence

from ccellkernel.api.build import LibraryContext, ToolResult
from ccellkernel.api.errors import LibraryError, MagicError
from ccellkernel.api.libraries import NO_LIBRARIES, Dependency, Libraries, Library
from ccellkernel.toolkit.content import key

__all__ = ["FORM", "arguments", "dependencies", "package_config", "resolve"]

FORM = "pkg-config package names, each with an optional version: %dep gsl zlib, %dep gsl >= 2.5"
SOURCE = "pkg-config"  # where ``%dep`` alone says a library came from
_NAME = r"[A-Za-z0-9_][A-Za-z0-9_.+-]*"
_VERSION = r"[A-Za-z0-9_.+~-]+"
_OPERATOR = r"<=|>=|!=|==|=|<|>"
_WORD = re.compile(rf"\s*(?:(?P<op>{_OPERATOR})|(?P<word>{_VERSION})|(?P<comma>,))")
_ALLOWED = re.compile(r"[A-Za-z0-9_.+~\-<>=!, \t]*")
ERROR_LINES = 4  # pkg-config's lines shown under the error


def dependencies(text: str) -> tuple[Dependency, ...]:
    """The packages of one ``%dep`` line (its text after ``%dep``): ``gsl zlib`` is two, ``gsl >= 2.5``
    one with ``spec`` ``>= 2.5``. Anything else is a ``MagicError`` that shows the form."""
    bad = next((c for c in text if not _ALLOWED.fullmatch(c)), None)
    if bad is not None:
        raise MagicError(
            f"%dep {text.strip()!r}: {_char(bad)} is not part of a package name; expected {FORM}"
        )
    found: list[Dependency] = []
    at, name, operator = 0, None, None
    end = len(text.rstrip())
    while at < end:
        match = _WORD.match(text, at)
        if match is None:  # a character allowed only inside an operator (``!`` alone)
            raise MagicError(
                f"%dep {text.strip()}: {text[at:].strip()[:1]!r} is not understood; expected {FORM}"
            )
        at = match.end()
        word = match.group("word")
        if match.group("op"):
            if name is None or operator is not None:
                raise MagicError(
                    f"%dep {text.strip()}: {match.group('op')!r} follows no package name; expected {FORM}"
                )
            operator = match.group("op")
        elif word is not None and operator is not None:
            found[-1] = Dependency(found[-1].name, f"{operator} {word}")
            name, operator = None, None
        elif word is not None:
            if not re.fullmatch(_NAME, word):
                raise MagicError(f"%dep {text.strip()}: {word!r} is not a package name; expected {FORM}")
            found.append(Dependency(word))
            name = word
        else:  # a comma ends an item, as in pkg-config's own lists
            if operator is not None:
                break
            name = None
    if operator is not None:
        raise MagicError(f"%dep {text.strip()}: {operator!r} needs a version after it; expected {FORM}")
    return tuple(found)


def arguments(wanted: Sequence[Dependency]) -> list[str]:
    """pkg-config's arguments for ``wanted``: one a package, its version constraint with it
    (``gsl >= 2.5``), as ``resolve`` passes them and an exported Makefile's ``PKGS`` lists them."""
    return [f"{d.name} {d.spec}" if d.spec else d.name for d in wanted]


def package_config(environment: Mapping[str, str]) -> list[str]:
    """The pkg-config to run: ``$PKG_CONFIG`` (it may carry arguments, like make's), else ``pkg-config``."""
    chosen = environment.get("PKG_CONFIG", "").strip()
    return shlex.split(chosen) if chosen else ["pkg-config"]


async def resolve(wanted: Sequence[Dependency], ctx: LibraryContext) -> Libraries:
    """The whole set through pkg-config: versions (``--modversion``), ``--cflags``, ``--libs``.

    A package that is not installed, or not in a version asked for, is a ``LibraryError`` naming its
    ``%dep`` line with pkg-config's own line, and pkg-config's next lines under it."""
    if not wanted:
        return NO_LIBRARIES
    tool = package_config(ctx.environment)
    asked = arguments(wanted)
    try:
        versions = await ctx.run_tool([*tool, "--modversion", *asked], progress=False)
        if versions.returncode != 0:
            raise _failure(versions, wanted)
        cflags = await ctx.run_tool([*tool, "--cflags", *asked], progress=False)
        libs = await ctx.run_tool([*tool, "--libs", *asked], progress=False)
    except FileNotFoundError:
        raise LibraryError(
            f"{_line(wanted[0])}: {tool[0]} is not installed here",
            ["install pkg-config (apt-get install pkgconf), or name yours in $PKG_CONFIG"],
        ) from None
    for done in (cflags, libs):
        if done.returncode != 0:
            raise _failure(done, wanted)
    found = versions.stdout.split()
    if len(found) != len(wanted):  # not one version a line: leave them out rather than misname them
        found = [""] * len(wanted)
    return Libraries(
        wanted=tuple(wanted),
        resolved=tuple(Library(d.name, v, SOURCE) for d, v in zip(wanted, found, strict=True)),
        compile=tuple(shlex.split(cflags.stdout)),
        link=tuple(shlex.split(libs.stdout)),
        key=key("pkg-config", *asked, versions.stdout, cflags.stdout, libs.stdout),
    )


def _failure(result: ToolResult, wanted: Sequence[Dependency]) -> LibraryError:
    """pkg-config's complaint as an error naming the ``%dep`` line of the first package it names."""
    lines = [line.strip() for line in (result.stderr or result.stdout).splitlines() if line.strip()]
    for line in lines:
        for dep in wanted:
            if re.search(rf"(?<![\w.+-]){re.escape(dep.name)}(?![\w.+-])", line):
                rest = [other for other in lines if other != line][:ERROR_LINES]
                return LibraryError(f"{_line(dep)}: {line.rstrip('.')}", rest)
    said = lines[0] if lines else f"pkg-config failed (exit status {result.returncode})"
    return LibraryError(f"{_line(wanted[0])}: {said}", lines[1 : 1 + ERROR_LINES])


def _line(dep: Dependency) -> str:
    return dep.line or f"%dep {dep.name}"


def _char(c: str) -> str:
    return {"\n": "a line break", "\r": "a carriage return"}.get(c, repr(c))

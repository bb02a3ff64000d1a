"""ccellkernel.toolkit.pkgconfig: ``%dep`` lines read as pkg-config package names, and the set
resolved by the real pkg-config on ``.pc`` files of the test's own (through ``PKG_CONFIG_PATH``, as a
user would point it at theirs)."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from ccellkernel.api.build import ToolResult
from ccellkernel.api.errors import LibraryError, MagicError
from ccellkernel.api.libraries import NO_LIBRARIES, Dependency
from ccellkernel.api.program import Program
from ccellkernel.toolkit.gnu import make_project
from ccellkernel.toolkit.pkgconfig import arguments, dependencies, package_config, resolve


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("gsl zlib", [("gsl", ""), ("zlib", "")]),
        ("  gsl\tzlib  ", [("gsl", ""), ("zlib", "")]),
        ("gsl >= 2.5", [("gsl", ">= 2.5")]),
        ("gsl>=2.5, zlib = 1.2.13", [("gsl", ">= 2.5"), ("zlib", "= 1.2.13")]),
        ("gtk+-3.0 libxml-2.0 sigc++-2.0", [("gtk+-3.0", ""), ("libxml-2.0", ""), ("sigc++-2.0", "")]),
    ],
)
def test_a_line_is_package_names_each_with_an_optional_version(
    text: str, wanted: list[tuple[str, str]]
) -> None:
    assert [(d.name, d.spec) for d in dependencies(text)] == wanted


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('"gsl; rm -rf /"', "'\"' is not part of a package name"),
        ("gsl; rm -rf /", "';' is not part of a package name"),
        ("gsl $(reboot)", "'$' is not part of a package name"),
        ("gsl `id`", "'`' is not part of a package name"),
        ("gsl\nzlib", "a line break is not part of a package name"),
        ("--define-variable=prefix=x gsl", "'--define-variable' is not a package name"),
        ("gsl >=", "'>=' needs a version after it"),
        (">= 2 gsl", "'>=' follows no package name"),
        ("gsl >= 1 >= 2", "'>=' follows no package name"),
        ("gsl ! zlib", "'!' is not understood"),
    ],
)
def test_anything_else_is_a_magic_error_that_shows_the_form(text: str, says: str) -> None:
    with pytest.raises(MagicError) as raised:
        dependencies(text)
    assert says in raised.value.evalue
    assert raised.value.evalue.endswith(
        "expected pkg-config package names, each with an optional version: %dep gsl zlib, %dep gsl >= 2.5"
    )


def test_arguments_keep_each_constraint_with_its_package() -> None:
    assert arguments(dependencies("gsl >= 2.5 zlib")) == ["gsl >= 2.5", "zlib"]


def test_pkg_config_is_the_users_choice() -> None:
    assert package_config({}) == ["pkg-config"]
    assert package_config({"PKG_CONFIG": "pkgconf --static"}) == ["pkgconf", "--static"]


class Context:
    """A ``LibraryContext`` that runs tools as they are (no limits, no cell to stream to)."""

    def __init__(self, environment: Mapping[str, str]) -> None:
        self.environment = environment

    async def run_tool(
        self, argv: Sequence[str], *, env=None, progress: bool = True, **_: object
    ) -> ToolResult:  # type: ignore[no-untyped-def]
        done = subprocess.run(list(argv), capture_output=True, text=True, env=dict(env or self.environment))
        return ToolResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    (tmp_path / "alpha.pc").write_text(
        "Name: alpha\nDescription: one\nVersion: 1.5\n"
        "Cflags: -DALPHA=1 -I/opt/alpha\\ dir\nLibs: -L/opt/alpha -lalpha\n"
    )
    (tmp_path / "beta.pc").write_text(
        "Name: beta\nDescription: two\nVersion: 0.3\nRequires: alpha\nLibs: -lbeta\n"
    )
    return Context({**os.environ, "PKG_CONFIG_PATH": str(tmp_path), "PKG_CONFIG_LIBDIR": str(tmp_path)})


def wanted(line: str) -> tuple[Dependency, ...]:
    return tuple(Dependency(d.name, d.spec, f"%dep {line}") for d in dependencies(line))


def test_the_whole_set_resolves_to_versions_compile_and_link_words(ctx: Context) -> None:
    found = asyncio.run(resolve(wanted("beta alpha >= 1"), ctx))  # type: ignore[arg-type]
    assert [(lib.name, lib.version, lib.source) for lib in found.resolved] == [
        ("beta", "0.3", "pkg-config"),
        ("alpha", "1.5", "pkg-config"),
    ]
    assert sorted(found.compile) == ["-DALPHA=1", "-I/opt/alpha dir"]  # pkg-config orders them
    assert found.link[-1] == "-lalpha" and "-lbeta" in found.link and "-L/opt/alpha" in found.link
    again = asyncio.run(resolve(wanted("beta alpha >= 1"), ctx))  # type: ignore[arg-type]
    other = asyncio.run(resolve(wanted("alpha"), ctx))  # type: ignore[arg-type]
    assert found.key == again.key != other.key
    assert asyncio.run(resolve((), ctx)) is NO_LIBRARIES  # type: ignore[arg-type]


def test_a_missing_package_or_version_names_its_line_with_pkg_configs_words(ctx: Context) -> None:
    with pytest.raises(LibraryError) as raised:
        asyncio.run(resolve(wanted("alpha") + wanted("gamma"), ctx))  # type: ignore[arg-type]
    assert raised.value.evalue == "%dep gamma: Package gamma was not found in the pkg-config search path"
    assert len(raised.value.details) <= 4
    with pytest.raises(LibraryError) as raised:
        asyncio.run(resolve(wanted("alpha >= 2"), ctx))  # type: ignore[arg-type]
    assert raised.value.evalue.startswith("%dep alpha >= 2: Package dependency requirement 'alpha >= 2'")


def test_a_missing_pkg_config_says_how_to_get_one(ctx: Context) -> None:
    ctx.environment = {**ctx.environment, "PKG_CONFIG": "no-such-pkg-config"}
    with pytest.raises(LibraryError) as raised:
        asyncio.run(resolve(wanted("alpha"), ctx))  # type: ignore[arg-type]
    assert raised.value.evalue == "%dep alpha: no-such-pkg-config is not installed here"


def test_an_exported_makefile_asks_pkg_config_for_each_package_quoted(tmp_path: Path) -> None:
    packages = arguments(dependencies("gsl >= 2.5 zlib"))
    program = Program("int main(void) { return 0; }\n", ())
    project = make_project(
        program,
        "p",
        suffix=".c",
        rendered_as="cell.c",
        compiler="CC",
        flags_var="CFLAGS",
        flags=("-Wall",),
        notebook_flags=(),
        libraries=("-lm",),
        packages=packages,
    )
    makefile = project.files["Makefile"]
    assert "PKGS = 'gsl >= 2.5' zlib\n" in makefile, makefile
    for name, text in project.files.items():
        (tmp_path / name).write_text(str(text))
    done = subprocess.run(["make", "-n"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.split()[-5:] == ["-lm", "-lgsl", "-lgslcblas", "-lm", "-lz"], done.stdout
    assert done.stderr == "", done.stderr

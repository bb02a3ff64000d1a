"""The notebook's libraries (CELL_MODEL.md section 6a) as the core keeps them, over the toy toolchain:
``%dep`` and ``:dep``, the listing, ``%rm``, ``%reset``, failures and interrupts that change nothing,
progress, cache keys, libraries a build fetches itself, replay. The languages' own tools are tested in
tests/test_libraries_*.py."""

from __future__ import annotations

import asyncio
import time

import pytest

from ccellkernel.api.errors import Interrupted, LibraryError, MagicError
from ccellkernel.api.libraries import Dependency, Libraries, Library
from ccellkernel.notebook.libraries import Progress, cache_folder
from ccellkernel.notebook.session import Session
from ccellkernel.toolkit.magics import split_magics

from .toy import ToyCells, ToyToolchain


@pytest.fixture
def toy(tmp_path):
    session = Session(ToyToolchain(), cwd=tmp_path)
    yield ToyCells(session)
    session.close()


def test_dep_lines_keep_their_text_as_typed():
    split = split_magics('%dep serde = { version = "1", features = ["derive"] }\n:dep rand = "0.8"\nx')
    assert [(m.name, m.args) for m in split.magics] == [
        ("dep", ('serde = { version = "1", features = ["derive"] }',)),
        ("dep", ('rand = "0.8"',)),
    ]
    assert split.code == "\n\nx"  # the lines are blanked: the code keeps its line numbers
    assert split_magics("%dep").magics[0].args == ()


def test_dep_adds_libraries_that_later_cells_use_and_lists_them(toy):
    said = toy.ok("%dep alpha beta\necho $TOYLIB_alpha")
    assert "dep: alpha 1.0, beta 1.0" in said
    assert said.endswith("1.0\n")  # the cell's own program already has them
    assert toy.ok("echo $TOYLIB_beta") == "1.0\n"
    listing = toy.ok("%dep")
    rows = [line.split() for line in listing.splitlines()]
    assert rows == [["alpha", "1.0", "toy"], ["beta", "1.0", "toy"]]
    assert "libraries (%dep):" in toy.ok("%list")


def test_dep_lines_in_a_row_are_resolved_at_once_and_a_name_again_is_not_fetched_again(toy):
    toy.ok("%dep alpha\n%dep beta\n:dep gamma")
    assert toy.toolchain.resolves == [("alpha", "beta", "gamma")]
    assert "dep: beta 1.0" in toy.ok("%dep beta")  # a notebook run again from the top
    assert toy.toolchain.resolves == [("alpha", "beta", "gamma")]


def test_progress_of_the_tools_streams_to_the_cell(toy):
    io, err = toy.run("%dep alpha beta")
    assert err is None
    assert io.text("stderr") == "resolving alpha\nresolving beta\n"


def test_a_library_that_cannot_be_had_changes_nothing(toy):
    toy.ok("%dep alpha\ndef x = 1")
    before = toy.session.options.libraries
    err = toy.fails("%dep missingone\ndef y = 2")
    assert isinstance(err, LibraryError)
    assert err.evalue == "%dep missingone: no library missingone"
    assert toy.session.options.libraries is before
    assert toy.keys() == ["x"]  # the cell's code never ran
    assert toy.ok("echo @x $TOYLIB_alpha") == "1 1.0\n"


def test_a_malformed_dep_line_is_a_magic_error_naming_the_form(toy):
    err = toy.fails("%dep alpha; rm -rf /")
    assert isinstance(err, MagicError)
    assert "%dep takes names" in err.evalue
    assert toy.toolchain.resolves == []


def test_a_language_without_libraries_says_so():
    from ccellkernel.api.toolchain import Toolchain

    class Plain(ToyToolchain):
        dependencies = Toolchain.dependencies
        resolve_libraries = Toolchain.resolve_libraries

    session = Session(Plain())
    try:
        err = ToyCells(session).fails("%dep alpha")
        assert isinstance(err, MagicError)
        assert "no libraries beyond its standard library" in err.evalue
    finally:
        session.close()


def test_rm_drops_a_library_and_a_declaration_in_one_line(toy):
    toy.ok("%dep alpha beta\ndef x = 1")
    said = toy.ok("%rm alpha x")
    assert "dropped the library alpha" in said
    assert "forgot x" in said
    assert toy.session.options.libraries.names() == ("beta",)
    assert toy.toolchain.resolves[-1] == ("beta",)
    assert toy.ok("echo ${TOYLIB_alpha:-none} $TOYLIB_beta") == "none 1.0\n"


def test_reset_keeps_the_libraries_as_it_keeps_flags(toy):
    toy.ok("%dep alpha\ndef x = 1")
    assert "libraries kept" in toy.ok("%reset")
    assert toy.keys() == []
    assert toy.ok("echo $TOYLIB_alpha") == "1.0\n"


def test_dep_alone_without_libraries_says_how_to_add_one(toy):
    assert toy.ok("%dep").startswith("(no libraries: add one with %dep")


def test_an_interrupted_resolve_ends_the_cell_and_changes_nothing(toy):
    toy.ok("%dep alpha")
    err, seconds = toy.interrupted("%dep slowone", lambda: len(toy.toolchain.resolves) >= 2, 0.2)
    assert isinstance(err, Interrupted)
    assert seconds < 10
    assert toy.session.options.libraries.names() == ("alpha",)
    assert "dep: beta 1.0" in toy.ok("%dep beta")


def test_cache_keys_include_the_libraries(toy):
    toy.ok("echo one")
    toy.ok("%dep alpha\necho two")
    toy.ok("%rm alpha\necho three")
    keys = [build.cache_key for build in toy.toolchain.builds]
    assert keys[0] == keys[2] != keys[1]
    assert toy.toolchain.builds[1].libraries.names() == ("alpha",)


def test_libraries_a_build_fetches_are_taken_only_if_the_cell_compiles(toy):
    err = toy.fails("fetch delta\necho bad")
    assert "'bad' is not allowed" in err.evalue
    assert not toy.session.options.libraries
    io, err = toy.run("fetch delta\necho $TOYLIB_delta")
    assert err is None
    assert "resolving delta" in io.text("stderr")
    assert toy.session.options.libraries.names() == ("delta",)
    assert toy.ok("echo $TOYLIB_delta") == "1.0\n"


def test_a_replayed_notebook_resolves_its_libraries(tmp_path):
    session = Session(ToyToolchain(), cwd=tmp_path)
    try:
        asyncio.run(session.remember("%dep alpha\ndef x = @y", 1, check=False))
        assert session.options.libraries.names() == ("alpha",)
    finally:
        session.close()


def test_listing_names_what_the_libraries_pulled_in():
    found = Libraries(
        (Dependency("rand", '"0.8"'),),
        (Library("rand", "0.8.5", "registry"), Library("rand_core", "0.6.3", "registry", direct=False)),
    )
    assert found.listing().splitlines() == ["rand  0.8.5  registry", "(and 1 they need: rand_core 0.6.3)"]
    assert found.asking([Dependency("rand", '"0.7"'), Dependency("libc")]) == (
        Dependency("rand", '"0.7"'),
        Dependency("libc"),
    )


def test_progress_shows_whole_lines_once_rewritten_lines_end():
    shown: list[str] = []
    progress = Progress(shown.append)
    progress.feed(b"   Compiling rand v0.8.5\n  Bui")
    progress.feed(b"lding [=> ] 1/9\r  Building [==>] 2/9\r\n\n")
    progress.feed(b"\xff no newline")
    progress.close()
    assert shown == ["   Compiling rand v0.8.5\n", "  Building [==>] 2/9\n", "\ufffd no newline\n"]


def test_the_cache_is_the_users(tmp_path):
    assert cache_folder({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "ccellkernel" / "libraries"
    assert cache_folder({"HOME": str(tmp_path)}) == tmp_path / ".cache" / "ccellkernel" / "libraries"


def test_a_resolve_is_bounded_by_the_limits(toy):
    toy.ok("%limits time=1s")
    started = time.monotonic()
    err = toy.fails("%dep slowone")
    assert type(err).__name__ == "TimeLimit", err.traceback
    assert time.monotonic() - started < 10
    assert not toy.session.options.libraries
    toy.ok("%limits --reset")
    assert "dep: alpha 1.0" in toy.ok("%dep alpha")

"""ccellkernel.toolkit.gnu: the helpers for gcc-style compilers shared by the C toolchain and C++ plugin."""

from __future__ import annotations

import os
import stat

import pytest

from ccellkernel.api.errors import ToolchainNotFound
from ccellkernel.api.program import Origin
from ccellkernel.toolkit.gnu import compile_only, find_compiler, line_directives


def fake_compiler(folder, name: str, version: str = "fakecc 1.2.3") -> str:
    path = folder / name
    path.write_text(f"#!/bin/sh\necho '{version}'\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.fixture
def path_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("FAKE_CC", raising=False)
    return tmp_path


def test_first_candidate_on_path_with_its_version(path_only):
    fake_compiler(path_only, "second")
    found = find_compiler("FAKE_CC", ["first", "second"], "Fake", "get one")
    assert found.argv == (os.path.join(path_only, "second"),)
    assert found.version == "fakecc 1.2.3"


def test_the_environment_variable_wins_and_may_carry_flags(path_only, monkeypatch):
    fake_compiler(path_only, "first")
    fake_compiler(path_only, "mine", "mine 9")
    monkeypatch.setenv("FAKE_CC", "mine -std=c11")
    found = find_compiler("FAKE_CC", ["first"], "Fake", "get one")
    assert found.argv == ("mine", "-std=c11") and found.version == "mine 9"


def test_a_variable_naming_no_executable_is_an_error_not_a_fallback(path_only, monkeypatch):
    fake_compiler(path_only, "first")
    monkeypatch.setenv("FAKE_CC", "nowhere")
    with pytest.raises(ToolchainNotFound, match="FAKE_CC is set to 'nowhere'"):
        find_compiler("FAKE_CC", ["first"], "Fake", "get one")


def test_nothing_found_says_what_was_looked_for(path_only):
    with pytest.raises(ToolchainNotFound) as caught:
        find_compiler("FAKE_CC", ["a", "b"], "Fake", "apt-get install fake")
    assert "no Fake compiler found: looked for $FAKE_CC (unset), a, b on PATH" in caught.value.evalue
    assert "apt-get install fake" in caught.value.evalue


def test_compile_only_drops_what_only_the_linker_takes():
    flags = [
        "-I",
        "inc",
        "-O2",
        "-lm",
        "-L",
        "lib",
        "-Lother",
        "mylib.c",
        "-Wl,-z",
        "-DX=1",
        "-include",
        "a.h",
    ]
    assert compile_only(flags, (".c", ".o")) == ["-I", "inc", "-O2", "-DX=1", "-include", "a.h"]


def test_line_directives_name_cells_and_go_back_to_the_source_file():
    directive = line_directives("cell.c")
    assert directive(Origin(3, 7), 40) == '#line 7 "Cell In[3]"'
    assert directive(None, 40) == '#line 40 "cell.c"'

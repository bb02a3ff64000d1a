"""magics.split_magics (CELL_MODEL.md section 6): leading magic lines, shell lines, the %% body."""

from __future__ import annotations

import re

import pytest

from ccellkernel.api.errors import MagicError
from ccellkernel.toolkit.magics import (
    ALIASES,
    CELL_MAGICS,
    KNOWN,
    MAGICS,
    PEER_MAGICS,
    Magic,
    help_text,
    peer_magics,
    split_magics,
)


def test_cell_without_magics_is_unchanged():
    cell = 'int x = 1;\nprintf("%d", x);'
    split = split_magics(cell)
    assert split.magics == ()
    assert split.code == cell
    assert (split.body, split.body_line) == (None, None)


def test_leading_magics_are_blanked_keeping_line_numbers():
    split = split_magics("%flags -O2 -lm\n%args a b\nint x;\nx = 1;")
    assert split.magics == (
        Magic("flags", ("-O2", "-lm"), 1, "%flags -O2 -lm"),
        Magic("args", ("a", "b"), 2, "%args a b"),
    )
    assert split.code.split("\n") == ["", "", "int x;", "x = 1;"]


def test_blank_lines_between_magics():
    split = split_magics("\n%list\n\n   \n%show\n\nint x;")
    assert [(m.name, m.line) for m in split.magics] == [("list", 2), ("show", 5)]
    assert split.code.split("\n")[6] == "int x;"
    assert all(not line.strip() for line in split.code.split("\n")[:6])


def test_shell_line():
    split = split_magics("!ls -l | wc -l\nint x;")
    assert split.magics == (Magic("!", (), 1, "ls -l | wc -l"),)
    assert split.code.split("\n") == ["", "int x;"]


def test_a_shell_line_continues_as_the_shell_continues_it():
    split = split_magics("!echo one \\  \n  two\n!echo three\nint x;")
    assert [m.text for m in split.magics] == ["echo one \\\n  two", "echo three"]
    assert split.code.split("\n") == ["", "", "", "int x;"]


def test_magic_after_code_is_code():
    cell = "int x;\n%list\n!ls"
    split = split_magics(cell)
    assert split.magics == ()
    assert split.code == cell


def test_percent_percent_first():
    split = split_magics('%%\nint x = 1;\nprintf("%d", x);')
    assert split.magics == ()
    assert split.code.strip() == ""
    assert split.body == 'int x = 1;\nprintf("%d", x);'
    assert split.body_line == 2


def test_percent_percent_in_the_middle():
    split = split_magics("%flags -O2\nint g = 1;\nint h;\n%%\nint local = g;\nreturn local;")
    assert [m.name for m in split.magics] == ["flags"]
    assert split.code.split("\n") == ["", "int g = 1;", "int h;"]
    assert split.body == "int local = g;\nreturn local;"
    assert split.body_line == 5


def test_percent_percent_after_magics():
    split = split_magics("%args x\n%%\nputs(argv[1]);")
    assert [m.name for m in split.magics] == ["args"]
    assert split.code.strip() == ""
    assert (split.body, split.body_line) == ("puts(argv[1]);", 3)


def test_unknown_magic_lists_the_known_ones():
    with pytest.raises(MagicError) as info:
        split_magics("%list\n%bogus 1 2\nint x;")
    message = info.value.evalue
    assert "%bogus" in message
    assert "line 2" in message
    for name in KNOWN:
        assert f"%{name}" in message


def test_bad_quoting_is_a_magic_error():
    with pytest.raises(MagicError) as info:
        split_magics("%flags 'unterminated")
    assert "%flags" in info.value.evalue
    assert info.value.ename == "MagicError"


@pytest.mark.parametrize(
    ("line", "args"),
    [
        ("%flags '; rm -rf ~'", ("; rm -rf ~",)),
        ('%rm "struct S" square', ("struct S", "square")),
        ("%args a\\ b 'c d' \"e\"", ("a b", "c d", "e")),
        ("%env X='a b' Y=$HOME", ("X=a b", "Y=$HOME")),
        ("%flags -DMSG='\"hi there\"'", ('-DMSG="hi there"',)),
        ("%flags   -O2    -g  ", ("-O2", "-g")),
        ("%flags\t-O2", ("-O2",)),
        ("%reset", ()),
    ],
)
def test_arguments_are_split_like_a_shell(line, args):
    (magic,) = split_magics(line).magics
    assert magic.args == args


def test_every_documented_magic_is_known():
    words = [m.split()[0] for m in MAGICS]
    line = {w[1:] for w in words if w.startswith("%") and not w.startswith("%%")}
    cell = {w[2:] for w in words if w.startswith("%%") and w != "%%"}
    assert line == set(KNOWN)
    assert cell == set(CELL_MAGICS)
    others = {"%%", "!command", "!*command", "exit"}
    assert set(words) - {f"%{w}" for w in line} - {f"%%{w}" for w in cell} == others
    needed = {"capture": " out.txt", "exec": " run"}  # the magics that take arguments
    for name in KNOWN:
        (magic,) = split_magics(f"%{name}{needed.get(name, '')}").magics
        assert magic.name == name
    for name in set(CELL_MAGICS) - {"time"}:  # %%time only times the cell, which stays code
        cell_magic = split_magics(f"%%{name} x\nbody").cell_magic
        assert cell_magic is not None and cell_magic.name == name and cell_magic.body == "body"


def test_help_text_mentions_every_magic():
    text = help_text("C (compiled)", "/tmp/somewhere")
    assert "C (compiled)" in text and "/tmp/somewhere" in text
    for magic in MAGICS:
        assert magic in text
    for brought in ("%goflags", "//%cflags:", "//%ldflags:", "//%args:", ":dep", "%widgets", "func init"):
        assert brought in text, f"what a notebook from another kernel brings: {brought}"


# -- the magics of peer kernels (GoNB, evcxr): issue 16 -----------------------------------------------


def test_gonb_names_are_aliases():
    split = split_magics("%ls\n%remove square\n%goflags -race")
    found = [(m.name, m.args) for m in split.magics]
    assert found == [("list", ()), ("rm", ("square",)), ("flags", ("-race",))]
    assert "%ls" not in PEER_MAGICS and "%remove" not in PEER_MAGICS


def test_help_says_what_each_peer_magic_is_here():
    text = help_text("Go (compiled)", "/tmp/somewhere")
    for word, what in peer_magics().items():
        assert f"{word}" in text and what in text, word
    assert "is %list" in text and "is %flags" in text
    for name in ALIASES.values():
        assert name in KNOWN


def test_no_peer_magic_is_one_we_have():
    ours = {f"%{name}" for name in (*KNOWN, *ALIASES)} | {f"%%{name}" for name in CELL_MAGICS}
    assert not ours & set(PEER_MAGICS)


@pytest.mark.parametrize(
    ("line", "args"), [("%capture out.txt", ("out.txt",)), ("%capture -a 'my out.txt'", ("-a", "my out.txt"))]
)
def test_capture_takes_a_file_and_maybe_append(line, args):
    (magic,) = split_magics(line + "\nint x;").magics
    assert (magic.name, magic.args) == ("capture", args)


@pytest.mark.parametrize("line", ["%capture", "%capture a b", "%capture -x out.txt", "%capture -a"])
def test_capture_with_other_arguments_is_a_magic_error(line):
    with pytest.raises(MagicError, match="%capture on line 1 takes one file"):
        split_magics(line)


def test_script_takes_the_rest_of_the_cell():
    split = split_magics("%%script bash -e\necho hi\nfalse")
    assert split.cell_magic == Magic("script", ("bash", "-e"), 1, "%script bash -e", "echo hi\nfalse")
    with pytest.raises(MagicError, match="takes the program to run"):
        split_magics("%%script\necho hi")


def test_star_shell_line_runs_where_the_program_is_built():
    split = split_magics("!*go mod tidy\n!echo *\nx := 1")
    assert [(m.name, m.text) for m in split.magics] == [("!*", "go mod tidy"), ("!", "echo *")]
    assert split.code.split("\n") == ["", "", "x := 1"]


def test_exec_calls_the_function_on_the_magics_line():
    split = split_magics("// run it\n%exec run 1 --n=2\n", "//")
    (magic,) = split.magics
    assert (magic.name, magic.args, magic.line) == ("exec", ("run", "1", "--n=2"), 2)
    assert (split.body, split.body_line) == ("run();", 2)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("%exec", "takes a function's name"),
        ("%exec 'run()'", "not 'run()'"),
        ("%exec a\n%exec b", "a second %exec"),
        ("%exec a\n%%\nx := 1", "a %% body"),
    ],
)
def test_exec_with_bad_input_is_a_magic_error(cell, message):
    with pytest.raises(MagicError, match=re.escape(message)):
        split_magics(cell)

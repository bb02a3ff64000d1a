"""magics.split_magics (CELL_MODEL.md section 6): leading magic lines, shell lines, the %% body."""

from __future__ import annotations

import pytest

from ccellkernel.errors import MagicError
from ccellkernel.magics import CELL_MAGICS, KNOWN, MAGICS, Magic, help_text, split_magics


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
    assert set(words) - {f"%{w}" for w in line} - {f"%%{w}" for w in cell} == {"%%", "!command", "exit"}
    for name in KNOWN:
        (magic,) = split_magics(f"%{name}").magics
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

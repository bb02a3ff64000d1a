"""Magic lines (CELL_MODEL.md section 6): parsed here, carried out by the session.

Magic lines come first in a cell, after any blank lines and comment lines. They are blanked, not
removed, so the code's line numbers stay the cell's own. A line holding only ``%%`` (first, or anywhere
later) ends the declarations: what follows is ``main``'s body. A *cell magic* (``%%writefile NAME``,
``%%bash``...) takes the rest of the cell as its text: nothing of the cell is compiled. A shell line
(``!cmd``) ending in ``\\`` continues on the next line.

Other kernels' notebooks bring their own magics: GoNB's ``%goflags``, ``%ls`` and ``%remove`` are
``%flags``, ``%list`` and ``%rm``; its ``%capture``, ``%exec``, ``%%script`` and ``!*`` are ours too (``%exec
FUNC`` becomes the body ``FUNC();`` on the magic's line); jupyter-c-kernel's
``//%cflags:`` / ``//%ldflags:`` / ``//%args:`` comments anywhere in a cell are ``%flags`` and ``%args``;
evcxr's ``:dep`` is ``%dep``; a peer's magic we do not have (evcxr ``:opt``, GoNB ``%widgets``) is a
``MagicError`` saying what to do instead.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from ccellkernel.api.errors import MagicError

MAGICS: dict[str, str] = {
    "%%": "the rest of the cell is main's body (declarations there become locals)",
    "%help": "what the kernel does, these magics, where memory lives",
    "%list": "the remembered declarations: key, kind, cell they came from",
    "%show": "the program as it would be rendered now, with cell markers",
    "%rm KEY ...": 'forget declarations (%rm square, %rm "struct S")',
    "%reset": "forget everything, keep flags and libraries",
    "%dep LIBRARY": "libraries for the following cells: Rust %dep rand = \"0.8\" (a Cargo.toml entry; "
    "evcxr's :dep), Go %dep example.com/m@v1.2.3 or %dep example.com/m => ../m (imports are fetched "
    "by themselves), C %dep gsl zlib (pkg-config); alone: list them with their versions; %rm NAME drops one",
    "%flags ARG ...": "extra compiler arguments for the following cells; alone: show them; --clear: clear",
    "%args ARG ...": "program arguments for the following runs; alone: show them; --clear: clear",
    "%env NAME=VALUE ...": "environment of the following runs; alone: show what was set",
    "%time": "after the cell, its time per phase (parse, render, compile, run)",
    "%test": "run the tests in memory, each reported with its cell and line",
    "%state [live|fresh]": "C: one live program whose globals keep their values (live, the default), "
    "or a new process per cell (fresh)",
    "%limits NAME=VALUE ...": "limits of the following runs (memory=2G cpu=30s processes=256 output=4M "
    "time=60s); alone: show them",
    "%jobs": "the background jobs; %jobs kill N|all, %jobs log N (their output)",
    "%capture [-a] FILE": "this cell's output is shown and also written (-a: appended) to FILE",
    "%exec FUNC [ARG ...]": "run FUNC() as main (GoNB); ARGs become the program arguments, as %args",
    "!command": "run a shell command (bash) in the working directory; a line ending in \\ continues",
    "!*command": "run it in the folder where the program is built (Go: the module, with go.mod)",
    "!command &": "start it as a background job: it outlives the cell, until the kernel stops (%jobs)",
    "%%time": "like %time, on its own line at the top of the cell",
    "%%writefile [-a] NAME": "write (-a: append) the rest of the cell to a file in the working directory",
    "%%bash": "run the rest of the cell as a bash script (streaming, interruptible)",
    "%%bash --bg": "run it as a background job (until the kernel stops; output in its log, see %jobs)",
    "%%sh": "run the rest of the cell as a sh script (--bg: as a background job)",
    "%%script PROGRAM [ARG ...]": "run PROGRAM with the rest of the cell as its stdin (%%script python3)",
    "%%export DIR": "write the program as a project that builds without the kernel (make, go build, "
    "cargo build); the rest of the cell is its main, else the last cell that ran",
    "exit": "alone in a cell (or quit): close the frontend, as in IPython (jupyter console)",
}
KNOWN = (
    "help",
    "list",
    "show",
    "rm",
    "reset",
    "flags",
    "args",
    "env",
    "time",
    "test",
    "state",
    "limits",
    "jobs",
    "capture",
    "exec",
    "dep",
)
# %%NAME: the rest of the cell is its body
CELL_MAGICS = ("writefile", "bash", "sh", "script", "time", "export")
ALIASES = {"goflags": "flags", "ls": "list", "remove": "rm"}  # GoNB's names (evcxr has none of these)

# Magics of other kernels, and what to use here instead.
PEER_MAGICS: dict[str, str] = {
    ":vars": "the kernel remembers declarations, not variables: %list shows them",
    ":timing": "use %time",
    ":time": "use %time",
    ":help": "use %help",
    ":clear": "use %reset",
    ":opt": "use %flags -C opt-level=2",
    ":efmt": "not needed: errors name the cell and line they come from",
    ":explain": "rustc's explanations: !rustc --explain E0308",
    ":linker": "use %flags -C linker=NAME",
    ":sccache": "not available; builds are already cached per kernel",
    ":last_compile_dir": "use %show to see the program the kernel builds",
    ":quit": "type exit",
    ":load": "use %%writefile to save code and %flags to build it in",
    "%widgets": "widgets are not available; show rich output with display.HTML (or %help)",
    "%widgets_hb": "widgets are not available; show rich output with display.HTML (or %help)",
    "%track": "use a local module with %dep example.com/m => ../m (a replace in the notebook's go.mod)",
    "%untrack": "%rm example.com/m drops a module of %dep",
    "%goworkfix": "not needed: %dep example.com/m => ../m writes the replace itself",
    "%with_inputs": "not needed: an input box opens by itself when the program reads stdin",
    "%with_password": "not needed: an input box opens by itself when the program reads stdin",
    "%main": "not needed: a cell's statements run as main's body (or write func main yourself)",
    "%cd": "the working directory is the notebook's folder; use paths relative to it, or !cd DIR && cmd",
    "%timeit": "use %time",
    "%pip": "this is not a Python kernel; install tools with !pip in a terminal",
    "%matplotlib": "this is not a Python kernel; draw with ccell_svg / display.SVG / ccell::svg",
    "%load_ext": "this is not a Python kernel",
}
# Conventions of other kernels that hold here as they do there.
SHARED: dict[str, str] = {
    "//%cflags: -O2": "jupyter-c-kernel's comment lines add to %flags (//%ldflags: too)",
    "//%args: A B": "jupyter-c-kernel's comment line: the program's arguments, as %args",
    "func init_NAME()": "Go: runs as func init does, before main (GoNB); one func init, the latest",
    "flag.Parse": "Go: a cell's main parses its flags first, so %args reach the flag package (GoNB)",
    "%test -test.X": "Go: flags for the test binary (GoNB): %test -test.bench=. -test.run=X",
    ":dep NAME = SPEC": "evcxr's :dep is %dep, with the same words (one Cargo.toml entry)",
    "import \"example.com/m\"": "Go: a module is fetched on first import, as GoNB does (go get)",
}
# jupyter-c-kernel's comment magics: ``//%cflags: -O2``
_COMMENT_MAGIC = re.compile(r"^\s*//%(cflags|ldflags|args):(.*)$")
_PEER_LINE = re.compile(r"^(:[a-z_]+)\b")
_EXIT_WORDS = ("exit", "quit", "exit()", "quit()")


@dataclass(frozen=True)
class Magic:
    """One magic line: ``name`` without the ``%`` (``"!"`` for a shell line), its words, its text.

    For a shell line ``text`` is the command (continued lines joined); for a cell magic ``body`` is
    the rest of the cell.
    """

    name: str
    args: tuple[str, ...]
    line: int
    text: str
    body: str | None = None


@dataclass(frozen=True)
class MagicSplit:
    """A cell taken apart: its magics, its code (magic lines blanked), and the body after ``%%``.

    ``body_line`` is the 1-based cell line where the body starts (None when there is no ``%%``).
    ``cell_magic`` is a ``%%writefile``-style magic that takes the rest of the cell (then ``code`` is
    empty). ``exit`` is true for a cell holding only ``exit`` or ``quit``.
    """

    magics: tuple[Magic, ...]
    code: str
    body: str | None
    body_line: int | None
    cell_magic: Magic | None = None
    exit: bool = False


def known_magics() -> str:
    return ", ".join(m.split()[0] for m in MAGICS)


def split_magics(cell: str, line_comment: str | None = None) -> MagicSplit:
    """Take the leading magic lines and the ``%%`` body off a cell. Raises ``MagicError``.

    ``line_comment`` (``//``) is the language's line comment: such lines may come before magics.
    """
    lines = cell.split("\n")
    if cell.strip() in _EXIT_WORDS:
        return MagicSplit((), "", None, None, exit=True)
    magics: list[Magic] = []
    code_start = len(lines)
    blanked: set[int] = set()
    i = 0
    while i < len(lines):
        text = lines[i].strip()
        if not text or (line_comment and text.startswith(line_comment)):
            i += 1
            continue
        if text == "%%":
            code_start = i
            break
        if text.startswith("%%"):
            magic = _parse(text[1:], i + 1, cell_magic=True)
            if magic.name in CELL_MAGICS and magic.name != "time":
                rest = "\n".join(lines[i + 1 :])
                magic = Magic(magic.name, magic.args, magic.line, magic.text, rest)
                return MagicSplit(tuple(magics), "", None, None, cell_magic=magic)
            magics.append(magic)  # %%time: the cell is timed, and is code as usual
            blanked.add(i)
            i += 1
            continue
        if text.startswith("!"):
            command, end = _continued(lines, i)
            if command.startswith("*"):  # GoNB's !*: in the folder where the program is built
                magics.append(Magic("!*", (), i + 1, command[1:].strip()))
            else:
                magics.append(Magic("!", (), i + 1, command))
            blanked.update(range(i, end + 1))
            i = end + 1
            continue
        if text.startswith("%"):
            magics.append(_parse(text, i + 1))
            blanked.add(i)
            i += 1
            continue
        peer = _PEER_LINE.match(text)
        if peer and peer.group(1) == ":dep":  # evcxr's :dep is %dep
            magics.append(_dep(text[len(":dep") :], i + 1, text))
            blanked.add(i)
            i += 1
            continue
        if peer:
            raise MagicError(_peer_advice(peer.group(1), i + 1))
        code_start = i
        break
    magics.extend(_comment_magics(lines))
    body_at = next((j for j in range(code_start, len(lines)) if lines[j].strip() == "%%"), None)
    head_end = len(lines) if body_at is None else body_at
    head = ["" if j in blanked else lines[j] for j in range(head_end)]
    code = "\n".join(head)
    called = [m for m in magics if m.name == "exec"]
    if called:
        return _exec_split(tuple(magics), code, called, body_at is not None)
    if body_at is None:
        return MagicSplit(tuple(magics), code, None, None)
    return MagicSplit(tuple(magics), code, "\n".join(lines[body_at + 1 :]), body_at + 2)


def _exec_split(magics: tuple[Magic, ...], code: str, called: list[Magic], has_body: bool) -> MagicSplit:
    """GoNB's ``%exec FUNC ARGS``: main's body is the call ``FUNC();``, placed on the magic's line so
    that a compile error (no such function, other parameters) names it."""
    if len(called) > 1 or has_body:
        other = "a second %exec" if len(called) > 1 else "a %% body"
        line = called[0].line
        raise MagicError(f"%exec on line {line} runs one function as main; this cell also has {other}")
    magic = called[0]
    return MagicSplit(magics, code, f"{magic.args[0]}();", magic.line)


def _continued(lines: list[str], start: int) -> tuple[str, int]:
    """A shell line and the lines it continues onto (each ending in ``\\``): the command, last index."""
    parts = [lines[start].strip()[1:]]
    end = start
    while parts[-1].rstrip().endswith("\\") and end + 1 < len(lines):
        parts[-1] = parts[-1].rstrip()  # the backslash stays: the shell joins the lines, as typed
        end += 1
        parts.append(lines[end])
    return "\n".join(parts).strip(), end


def _comment_magics(lines: list[str]) -> list[Magic]:
    found: list[Magic] = []
    for i, raw in enumerate(lines):
        match = _COMMENT_MAGIC.match(raw)
        if match is None:
            continue
        word, rest = match.group(1), match.group(2)
        try:
            args = tuple(shlex.split(rest))
        except ValueError as err:
            raise MagicError(f"cannot split //%{word}: on line {i + 1}: {err}") from None
        name = "args" if word == "args" else "flags+"
        found.append(Magic(name, args, i + 1, raw.strip()))
    return found


def _dep(rest: str, line: int, text: str) -> Magic:
    """``%dep`` takes the rest of its line as typed (the toolchain reads it: a Cargo.toml entry is
    TOML, not shell words): one argument, or none for ``%dep`` alone."""
    rest = rest.strip()
    return Magic("dep", (rest,) if rest else (), line, text)


def _parse(text: str, line: int, *, cell_magic: bool = False) -> Magic:
    parts = text[1:].split(None, 1)
    word, rest = [*parts, "", ""][:2]
    word = ALIASES.get(word, word)
    if word == "dep" and not cell_magic:
        return _dep(rest, line, text)
    known = CELL_MAGICS if cell_magic else KNOWN
    prefix = "%%" if cell_magic else "%"
    if word not in known:
        if f"{prefix}{word}" in PEER_MAGICS:
            raise MagicError(_peer_advice(f"{prefix}{word}", line))
        kind = "cell magic" if cell_magic else "magic"
        raise MagicError(f"unknown {kind} {prefix}{word} on line {line}; known: {known_magics()}; see %help")
    try:
        args = tuple(shlex.split(rest))
    except ValueError as err:
        raise MagicError(f"cannot split the arguments of {prefix}{word} on line {line}: {err}") from None
    _check(f"{prefix}{word}", args, line)
    return Magic(word, args, line, text)


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _check(word: str, args: tuple[str, ...], line: int) -> None:
    """The arguments of the magics whose form is fixed, checked before anything of the cell runs."""
    if word == "%capture" and not (len(args) == 1 + (args[:1] == ("-a",)) and args[-1] != "-a"):
        raise MagicError(f"%capture on line {line} takes one file (and -a to append): %capture out.txt")
    if word == "%exec" and not (args and _IDENTIFIER.fullmatch(args[0])):
        given = f", not {args[0]!r}" if args else ""
        raise MagicError(
            f"%exec on line {line} takes a function's name, then its arguments: %exec run 1 2{given}"
        )
    if word == "%%script" and not args:
        raise MagicError(f"%%script on line {line} takes the program to run: %%script python3")


def _peer_advice(word: str, line: int) -> str:
    advice = PEER_MAGICS.get(word)
    owner = "evcxr" if word.startswith(":") else "another kernel"
    if advice is None:
        return (
            f"{word} on line {line} is {owner}'s command, not one of this kernel's magics "
            f"(they start with %: {known_magics()}; see %help)"
        )
    return f"{word} on line {line} is {owner}'s command, not this kernel's: {advice}"


FRESH_RUNS = """\
compiled — its declarations are remembered. Then the program runs as a fresh process: globals start
from their initializers every time. A cell may define main itself."""

LIVE_RUNS = """\
compiled — its declarations are remembered. Then it runs in the notebook's one live program
(%state live, now): each cell is loaded into the same process, so globals keep their values from
cell to cell and a non-constant initializer runs once, when declared; a redefined global with other
text starts again, a redefined function is what every later call reaches. A cell that crashes,
calls exit, fails an assert or is interrupted is rolled back: the state is as before that cell.
%state fresh runs each cell as a fresh process instead (globals from their initializers every
time); %state live comes back to a new live program. A cell may define main itself: it runs as a
separate whole program."""

FRESH_CHOSEN = FRESH_RUNS.replace(
    "from their initializers every time.",
    "from their initializers every time (%state fresh, now;\n"
    "%state live: one live program whose globals keep their values).",
)


def peer_magics() -> dict[str, str]:
    """What each magic of another kernel is here: our aliases, the conventions we share, then
    ``PEER_MAGICS`` (those we lack, with what to use instead)."""
    aliases = {f"%{theirs}": f"is %{ours}" for theirs, ours in ALIASES.items()}
    return {**aliases, **SHARED, **PEER_MAGICS}


def help_text(language: str, workdir: str, runs: str = FRESH_RUNS) -> str:
    """``%help``; ``runs`` says how a compiled cell runs (``LIVE_RUNS`` for a live program)."""
    width = max(len(m) for m in MAGICS)
    rows = "\n".join(f"  {m.ljust(width)}  {what}" for m, what in MAGICS.items())
    peers = "\n".join(f"  {m.ljust(width)}  {what}" for m, what in peer_magics().items())
    return f"""\
ccellkernel — {language}, compiled a cell at a time.

Top-level declarations (functions, types, globals, includes...) are remembered across cells by name;
a newer one replaces an older one. The other top-level statements become main's body for this run.
Each cell is rendered into one program with everything remembered, compiled, and — only if it
{runs}

The value of a cell's last expression is shown as Out[n] (C: leave off its final ;). Programs show
HTML, Markdown, SVG and PNG through the display bindings: C #include <ccell.h> (ccell_html, ...),
Go package display (display.HTML, ...), Rust crate ccell (ccell::html, ...). In Rust, a last value
with an evcxr_display method is shown by it, as in evcxr (its EVCXR_BEGIN_CONTENT blocks, one display).

Magics (first lines of a cell, after blank and comment lines; arguments are split like a shell does,
and never run by one, except ! and %%bash):
{rows}

From other kernels (GoNB, evcxr, jupyter-c-kernel), what their magics are here:
{peers}

Memory lives in this kernel process (see %list, %show); build files in {workdir}, removed at shutdown.
Restarting the kernel forgets everything.
"""

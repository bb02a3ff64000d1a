"""JupyterLab in a real browser: headless Debian Chromium driven by Playwright, one server for all.

For each of C, Go and Rust a notebook is opened from the launcher (the kernel's tile, as a user
starts one), and then, in cells of that notebook: a cell runs and shows its output; a program that
reads stdin gets its answer through the input box; an endless loop is stopped with the toolbar's
interrupt button and the next cell still sees what the first one declared; a rich display renders
as HTML; Tab after a prefix of two remembered names opens the completer with both; Shift-Tab on a
remembered function shows its declaration. Issue 17's edges too: the program's prompt and the
answer on one line, one line for an interrupted live C cell, Shift-Tab on C's printf reads like its
man page, a "}" typed on its own line (dedented in C and Rust; not by JupyterLab's Go mode), and
Notebook 7 (/tree) opening the stored C tour, whose SVG chart shows its text/plain there (not
trusted). The steps of one language run in file order on one
notebook. Each leaves a screenshot in build/screenshots/ (CI artifacts), a failed one
``LANG-STEP-failed.png``; the server's log is written beside them.

Playwright drives the Chromium that ./dev installs with apt-get (``executable_path``); it never
downloads a browser. Every wait is on a condition in the page, with generous timeouts.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from servers import ARTIFACTS, Server, free_port, jupyter_env

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Root in CI (no sandbox), no display, a small /dev/shm in containers, no calls home.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = uuid.uuid4().hex
STEP_TIMEOUT = 60_000  # ms, for anything a kernel has to compile and run
START_TIMEOUT = 180_000  # ms: the kernel's start and first build (Go builds its standard library)
INSPECT_TIMEOUT = 20_000  # ms; the kernel answers from memory, a helper at most falls back
STDOUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout']"
expect.set_options(timeout=STEP_TIMEOUT)  # what the page shows after a compile and a run


@dataclass(frozen=True)
class Language:
    """What each step types in one language, and what it must then see."""

    id: str
    display_name: str
    kernel: str
    declare: str  # declares completions[0] (returns 42) and completions[1] (returns 2), prints 42
    read: str  # prints the prompt "number? ", reads an integer, prints "twice" and its double
    spin: str  # prints "looping", then never ends
    after: str  # prints completions[1]() + 5
    rich: str  # displays <b>bold</b> as HTML
    prefix: str  # what completions[0] and completions[1] start with
    completions: tuple[str, str]
    declaration: str  # what inspecting completions[0] shows
    block: str  # opens a block: Enter, then "}" typed on the new line closes it
    dedents: bool  # whether the editor's language mode dedents that "}" (not Go's: see the test)


LANGUAGES = [
    Language(
        id="c",
        display_name="C (compiled)",
        kernel="ccell-c",
        declare="#include <stdio.h>\n"
        "int answer_one(void) { return 42; }\n"
        "int answer_two(void) { return 2; }\n"
        'printf("%d\\n", answer_one());',
        read='int n = 0;\nprintf("number? ");\nscanf("%d", &n);\nprintf("twice %d\\n", 2 * n);',
        spin='printf("looping\\n");\nfor (;;) {}',
        after='printf("%d\\n", answer_two() + 5);',
        rich='#include <ccell.h>\nccell_html("<b>bold</b>");',
        prefix="answer_",
        completions=("answer_one", "answer_two"),
        declaration="int answer_one(void)",
        block="if (1) {",
        dedents=True,
    ),
    Language(
        id="go",
        display_name="Go (compiled)",
        kernel="ccell-go",
        declare="func answerOne() int { return 42 }\nfunc answerTwo() int { return 2 }\n"
        "fmt.Println(answerOne())",
        read='n := 0\nfmt.Print("number? ")\nfmt.Scan(&n)\nfmt.Println("twice", 2*n)',
        spin='fmt.Println("looping")\nfor {}',
        after="fmt.Println(answerTwo() + 5)",
        rich='display.HTML("<b>bold</b>")',
        prefix="answer",
        completions=("answerOne", "answerTwo"),
        declaration="func answerOne() int",
        block="func f() {",
        dedents=False,
    ),
    Language(
        id="rust",
        display_name="Rust (compiled)",
        kernel="ccell-rust",
        declare='fn answer_one() -> i32 { 42 }\nfn answer_two() -> i32 { 2 }\nprintln!("{}", answer_one());',
        read='print!("number? ");\nstd::io::Write::flush(&mut std::io::stdout())?;\n'
        "let mut line = String::new();\nstd::io::stdin().read_line(&mut line)?;\n"
        'let n: i32 = line.trim().parse()?;\nprintln!("twice {}", 2 * n);',
        spin='println!("looping");\nloop {}',
        after='println!("{}", answer_two() + 5);',
        rich='ccell::html("<b>bold</b>");',
        prefix="answer_",
        completions=("answer_one", "answer_two"),
        declaration="fn answer_one() -> i32",
        block="fn f() {",
        dedents=True,
    ),
]


# -- the server, the browser, one notebook per language ------------------------------------------


class Lab:
    """A JupyterLab server on 127.0.0.1 with its own settings, workspaces and notebook folder."""

    def __init__(self, home: Path) -> None:
        self.base = f"http://127.0.0.1:{free_port()}"
        env = jupyter_env(home)
        # No "would you like to get notified about news?" toast over the notebook.
        settings = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        notification = {"fetchNews": "false", "checkForUpdates": False}
        (settings / "notification.jupyterlab-settings").write_text(json.dumps(notification))
        notebooks = self.root = home / "notebooks"
        notebooks.mkdir()
        argv = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.base.rsplit(':', 1)[1]}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={notebooks}",
        ]
        self.server = Server(argv, env=env, cwd=notebooks, log=ARTIFACTS / "jupyterlab.log")
        self.server.wait_until_answering(f"{self.base}/api/status", self.headers)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {TOKEN}"}

    def api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.base + path, method=method, headers=self.headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return json.loads(raw) if raw else None

    def workspace(self, name: str) -> str:
        """A fresh workspace (the launcher, nothing restored), logged in through the token."""
        return f"{self.base}/lab/workspaces/{name}?reset&token={TOKEN}"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    started = Lab(tmp_path_factory.mktemp("lab"))
    yield started
    started.server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: ./dev installs Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Notebook:
    """One notebook in its own page, opened from the launcher; cells are used top to bottom."""

    def __init__(self, page: Page, language: Language) -> None:
        self.page = page
        self.language = language
        self.next_cell = 0

    def cell(self, index: int) -> Locator:
        return self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(index)

    def type_into_next_cell(self, text: str) -> Locator:
        """Focus the next unused cell, replace its text with ``text`` (no key events: no auto-indent,
        no completer) and leave the cursor at its end."""
        cell = self.cell(self.next_cell)
        self.page.keyboard.press("Escape")  # close a completer or tooltip left open
        cell.locator(".cm-content").click()
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.insert_text(text)
        return cell

    def run(self, code: str) -> Locator:
        """Type ``code`` into the next cell and run it (Shift+Enter); the cell."""
        cell = self.type_into_next_cell(code)
        self.page.keyboard.press("Shift+Enter")
        self.next_cell += 1
        return cell

    def finished(self, cell: Locator) -> None:
        """Wait until ``cell`` has run: its prompt shows an execution count ("[*]" while it runs)."""
        expect(cell.locator(".jp-InputArea-prompt")).to_have_text(re.compile(r"\[\d+\]:"))

    def idle(self, timeout: float = STEP_TIMEOUT) -> None:
        status = self.page.locator(".jp-StatusBar-TextItem", has_text=f"{self.language.display_name} | Idle")
        expect(status).to_be_visible(timeout=timeout)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """A screenshot after the step, ``-failed`` if it failed."""
        shot = ARTIFACTS / f"{self.language.id}-{name}"
        try:
            yield
        except BaseException:
            with suppress(Exception):  # a page that cannot be shot must not hide why the step failed
                self.page.screenshot(path=f"{shot}-failed.png")
            raise
        self.page.screenshot(path=f"{shot}.png")


@pytest.fixture(scope="module", params=LANGUAGES, ids=[language.id for language in LANGUAGES])
def notebook(request: pytest.FixtureRequest, lab: Lab, browser: Browser) -> Iterator[Notebook]:
    language: Language = request.param
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{language.id}-*.png"):  # a screenshot of an earlier run would mislead
        old.unlink()
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(STEP_TIMEOUT)
    opened = Notebook(page, language)
    with opened.step("launcher"):
        page.goto(lab.workspace(f"browser-{language.id}"))
        tile = page.locator(f".jp-LauncherCard[data-category='Notebook'][title='{language.display_name}']")
        tile.click()
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
        opened.idle(timeout=START_TIMEOUT)
    sessions = [s for s in lab.api("GET", "/api/sessions") if s["kernel"]["name"] == language.kernel]
    assert len(sessions) == 1, f"the launcher's tile should start one {language.kernel} kernel: {sessions}"
    yield opened
    page.close()
    lab.api("DELETE", f"/api/sessions/{sessions[0]['id']}")  # its kernel stops; the next language starts


# -- the steps, per language, in this order ---------------------------------------------------------


def test_runs_a_cell_and_shows_its_output(notebook: Notebook) -> None:
    with notebook.step("run"):
        cell = notebook.run(notebook.language.declare)
        expect(cell.locator(STDOUT)).to_have_text("42", timeout=START_TIMEOUT)


def test_input_box_answers_a_program_reading_stdin(notebook: Notebook) -> None:
    with notebook.step("input"):
        cell = notebook.run(notebook.language.read)
        box = cell.locator("input.jp-Stdin-input")
        expect(cell.locator(".jp-Stdin-prompt")).to_contain_text("number?")  # the program's own prompt
        box.fill("21")
        box.press("Enter")
        expect(cell.locator(".jp-OutputArea")).to_contain_text("twice 42")
        expect(box).to_have_count(0)
        # issue 17: the prompt and the answer on one line (JupyterLab puts a space of its own after
        # the prompt, as for Python's input("number? ")), and the prompt not again on a line of its own
        echoed = cell.locator(".jp-OutputArea-output", has_text="number?")
        expect(echoed).to_have_count(1)
        expect(echoed).to_have_text(re.compile(r"^number\? +21\s*$"))


def test_toolbar_button_interrupts_an_endless_loop(notebook: Notebook) -> None:
    with notebook.step("interrupt"):
        cell = notebook.run(notebook.language.spin)
        expect(cell.locator(STDOUT)).to_contain_text("looping")  # it runs, and will not stop by itself
        notebook.page.locator(".jp-NotebookPanel-toolbar [data-command='notebook:interrupt-kernel']").click()
        expect(cell.locator(".jp-OutputArea")).to_contain_text("KeyboardInterrupt")
        notebook.idle()
        if notebook.language.id == "c":  # issue 17: one message, one line: stopped, and what it left
            error = cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            said = r"^KeyboardInterrupt: stopped by the user; globals and declarations as before Cell In\["
            expect(error.last).to_have_text(re.compile(said + r"\d+\]\s*$"))
    with notebook.step("after-interrupt"):
        after = notebook.run(notebook.language.after)
        expect(after.locator(STDOUT)).to_have_text("7")  # the same kernel, what cell 1 declared kept


def test_rich_display_renders_html(notebook: Notebook) -> None:
    with notebook.step("display"):
        cell = notebook.run(notebook.language.rich)
        notebook.finished(cell)
        html = cell.locator(".jp-OutputArea-output[data-mime-type='text/html']")
        expect(html.locator("b")).to_have_text("bold", timeout=5_000)  # markup, not the text "<b>bold</b>"


def test_tab_opens_the_completer_with_remembered_names(notebook: Notebook) -> None:
    language = notebook.language
    with notebook.step("completer"):
        cell = notebook.type_into_next_cell(language.prefix)
        notebook.page.keyboard.press("Tab")
        items = notebook.page.locator(".jp-Completer .jp-Completer-item")
        for name in language.completions:
            expect(items.filter(has_text=name).first).to_be_visible()
        notebook.page.screenshot(path=ARTIFACTS / f"{language.id}-completer-open.png")
        items.filter(has_text=language.completions[0]).first.click()
        expect(cell.locator(".cm-content")).to_have_text(language.completions[0])


def test_shift_tab_shows_a_remembered_declaration(notebook: Notebook) -> None:
    language = notebook.language
    with notebook.step("inspector"):
        notebook.type_into_next_cell(language.completions[0])
        notebook.page.keyboard.press("Shift+Tab")
        tooltip = notebook.page.locator(".jp-Tooltip")
        expect(tooltip).to_contain_text(language.declaration, timeout=INSPECT_TIMEOUT)


def test_shift_tab_on_a_library_function_shows_what_its_language_documents(notebook: Notebook) -> None:
    """Issue 17: C's printf as its man page writes it, not glibc's header; Go's and Rust's library
    functions as their documentation writes them."""
    language = notebook.language
    name, wanted, internals = LIBRARY[language.id]
    with notebook.step("manual"):
        cell = notebook.type_into_next_cell(name)
        notebook.page.keyboard.press("Shift+Tab")
        tooltip = notebook.page.locator(".jp-Tooltip")
        for text in wanted:
            expect(tooltip).to_contain_text(text, timeout=INSPECT_TIMEOUT)
        for internal in internals:
            expect(tooltip).not_to_contain_text(internal)
        notebook.page.keyboard.press("Escape")  # the tooltip closes; the cell is emptied for the next step
        cell.locator(".cm-content").click()
        notebook.page.keyboard.press("ControlOrMeta+A")
        notebook.page.keyboard.press("Backspace")
        expect(cell.locator(".cm-content")).to_have_text("")


# What Shift+Tab on a library function shows (texts), and never (glibc's internals, for C)
LIBRARY = {
    "c": (
        "printf",
        ("int printf(const char *restrict format, ...);", "formatted output conversion"),
        ("_Nonnull", "__format", "Value =", "__THROW"),
    ),
    "go": ("strings.ToUpper", ("func ToUpper(s string) string",), ()),
    "rust": ("String::from_utf8", ("pub fn from_utf8(vec: Vec<u8>)",), ()),
}


def test_a_closing_brace_typed_on_its_own_line(notebook: Notebook) -> None:
    """Issue 17: C's and Rust's editors dedent a "}" typed on its own line; Go's does not, and that is
    JupyterLab's: our language_info gives "text/x-go", which JupyterLab maps to CodeMirror's legacy Go
    mode, whose indentOnInput is /^\\s([{}]|case |default\\s*:)$/: one whitespace character before
    the "}", where an indented line has four. (C's clike mode has /^\\s*[{}]$/.)"""
    language = notebook.language
    with notebook.step("dedent"):
        cell = notebook.type_into_next_cell("")
        notebook.page.keyboard.type(language.block)
        notebook.page.keyboard.press("Enter")
        notebook.page.keyboard.type("}")
        text = cell.locator(".cm-content")  # its lines' text, joined without newlines
        if language.dedents:
            expect(text).to_have_text(language.block + "}")
        else:  # if this fails, JupyterLab's Go mode now dedents: say so in the README
            expect(text).to_have_text(re.compile(re.escape(language.block) + r"\s+\}$"))
        notebook.page.keyboard.press("ControlOrMeta+A")
        notebook.page.keyboard.press("Delete")


# -- Notebook 7 --------------------------------------------------------------------------------------


def test_notebook_7_opens_a_stored_tour(lab: Lab, browser: Browser) -> None:
    """Issue 17: the set-up installs Notebook 7; its file browser (/tree) opens the C tour, stored
    with its outputs. The notebook is not trusted (it was not run here), so Notebook shows the SVG
    chart's text/plain (issue 17's words beside every picture) and the kernel starts."""
    tour = Path(__file__).resolve().parent.parent / "examples" / "c-tour.ipynb"
    shutil.copy(tour, lab.root / "c-tour.ipynb")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(STEP_TIMEOUT)
    try:
        page.goto(f"{lab.base}/tree?token={TOKEN}")
        item = page.locator(".jp-DirListing-item", has_text="c-tour.ipynb")
        expect(item).to_be_visible()
        page.screenshot(path=ARTIFACTS / "notebook7-tree.png")
        with page.context.expect_page() as opened:
            item.dblclick()
        tab = opened.value
        tab.set_default_timeout(STEP_TIMEOUT)
        tab.wait_for_url(re.compile(r"/notebooks/c-tour\.ipynb"))
        plain = tab.locator(".jp-OutputArea-output[data-mime-type='text/plain']")
        words = plain.filter(has_text="<SVG image, 260×120>")
        expect(words).to_be_visible()
        rolled_back = tab.locator(".jp-OutputArea-output", has_text="globals and declarations as before")
        expect(rolled_back.first).to_be_attached()
        deadline = time.monotonic() + START_TIMEOUT / 1000
        while not [s for s in lab.api("GET", "/api/sessions") if s["path"].endswith("c-tour.ipynb")]:
            assert time.monotonic() < deadline, "Notebook 7 started no kernel for the tour"
            time.sleep(0.5)
        chart = tab.locator(".jp-Cell", has=words)  # the chart's cell: its code, its words
        chart.scroll_into_view_if_needed()
        expect(words).to_be_visible()
        tab.screenshot(path=ARTIFACTS / "notebook7-c-tour-svg-words.png")
        tab.close()
    except BaseException:
        with suppress(Exception):
            page.screenshot(path=ARTIFACTS / "notebook7-failed.png")
        raise
    finally:
        page.close()
        for session in lab.api("GET", "/api/sessions"):
            if session["path"].endswith("c-tour.ipynb"):
                lab.api("DELETE", f"/api/sessions/{session['id']}")

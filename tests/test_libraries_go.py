"""Go modules in a notebook (CELL_MODEL.md section 6a) through one real Go kernel, without the network.

A module proxy of our own, ``file://``, serves ``github.com/google/uuid`` v1.3.0 from the source Debian
installs (``golang-github-google-uuid-dev``, ``./dev`` installs it) in the layout Go's proxy protocol
has: ``@v/list``, ``.info``, ``.mod`` and the module zip. The kernel's own environment names a proxy
that does not exist: its builds (a program of standard packages, or one using modules already
fetched) must never need one. Each test gives the notebook the real one the way a user would,
``%env GOPROXY=file://...``, which ``go get`` then uses; ``GOSUMDB=off`` (the checksum database
knows nothing of this copy), and a module cache of the test's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from ccell_go.modules import dependencies, provider, requirements
from kernel_client import RunningKernel, complete_reply, count_of, wait_for_helper

from ccellkernel.api.errors import MagicError
from ccellkernel.api.libraries import Dependency

pytestmark = pytest.mark.slow

UUID_SOURCE = Path("/usr/share/gocode/src/github.com/google/uuid")
UUID, VERSION = "github.com/google/uuid", "v1.3.0"


def module_proxy(root: Path) -> Path:
    """A ``file://`` module proxy serving uuid v1.3.0 from Debian's source (its .go files and go.mod;
    the zip's files under ``MODULE@VERSION/``, as the module zip format wants)."""
    assert (UUID_SOURCE / "go.mod").is_file(), (
        f"{UUID_SOURCE} is missing: apt-get install golang-github-google-uuid-dev"
    )
    folder = root / UUID / "@v"
    folder.mkdir(parents=True)
    (folder / "list").write_text(f"{VERSION}\n")
    (folder / f"{VERSION}.info").write_text(json.dumps({"Version": VERSION, "Time": "2021-07-12T00:00:00Z"}))
    (folder / f"{VERSION}.mod").write_text((UUID_SOURCE / "go.mod").read_text())
    with zipfile.ZipFile(folder / f"{VERSION}.zip", "w") as archive:
        for source in sorted(UUID_SOURCE.iterdir()):
            if source.is_file() and (source.suffix == ".go" or source.name in ("go.mod", "LICENSE")):
                archive.write(source, f"{UUID}@{VERSION}/{source.name}")
    return root


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("notebook")


@pytest.fixture(scope="module")
def go_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Go's settings as a user would have them: a proxy (ours), no checksum database, a module cache."""
    proxy = module_proxy(tmp_path_factory.mktemp("proxy"))
    gopath = tmp_path_factory.mktemp("gopath")
    return {
        "GOPROXY": proxy.as_uri(),
        "GOSUMDB": "off",
        "GOPATH": str(gopath),
        "GOMODCACHE": str(gopath / "pkg" / "mod"),
        "GOFLAGS": "-modcacherw",  # the module cache can be removed with the test's folder
    }


@pytest.fixture(scope="module")
def kernel(
    workdir: Path, go_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningKernel]:
    nowhere = (tmp_path_factory.mktemp("no-proxy") / "absent").as_uri()
    running = RunningKernel("ccell-go", cwd=workdir, env={**go_env, "GOPROXY": nowhere})
    running.execute('fmt.Println("warm")', timeout=120)
    yield running
    running.shutdown()


@pytest.fixture
def go(kernel: RunningKernel, go_env: dict[str, str]) -> RunningKernel:
    """The kernel with nothing remembered, no libraries, and the proxy named by ``%env``."""
    kernel.ok("%reset\n%env --clear")
    for name in [d.split()[0] for d in kernel.ok("%dep").splitlines() if not d.startswith("(")]:
        kernel.ok(f"%rm {name}")
    kernel.ok(f"%env GOPROXY={go_env['GOPROXY']}")
    return kernel


def test_a_cell_of_standard_packages_never_needs_a_proxy(kernel: RunningKernel) -> None:
    # the kernel's own GOPROXY names nothing, and no %env gave it one
    assert kernel.ok('import "strings"\nfmt.Println(strings.ToUpper("std"))') == "STD\n"
    assert kernel.ok("%dep").startswith("(no libraries")


def test_an_import_is_fetched_on_first_use_and_kept_once_the_cell_compiles(go: RunningKernel) -> None:
    broken = go.fails('import "github.com/google/uuid"\nfmt.Println(uuid.NoSuchThing())', "CompileError")
    assert "go: downloading github.com/google/uuid v1.3.0" in broken.stderr, broken.describe()
    assert go.ok("%dep").startswith("(no libraries"), "a cell that did not compile adds no module"

    first = go.execute('import "github.com/google/uuid"\nfmt.Println(len(uuid.NewString()))')
    assert first.status == "ok" and first.stdout == "36\n", first.describe()
    assert go.ok("%dep") == f"{UUID}  {VERSION}  import\n"
    again = go.execute("fmt.Println(uuid.Nil)")
    assert again.stdout == "00000000-0000-0000-0000-000000000000\n" and again.stderr == "", again.describe()
    # a cell that does not use the module leaves its import out, as for a standard package: it is
    # compiled once and linked (not refused first for an unused import)
    plain = go.execute('fmt.Println("plain")')
    assert plain.stdout == "plain\n" and plain.reply_metadata["ccellkernel"]["tools"] == 2, plain.describe()


def test_dep_pins_a_version_and_dep_alone_lists_it(go: RunningKernel) -> None:
    said = go.ok(f"%dep {UUID}@{VERSION}")
    assert said.endswith(f"dep: {UUID} {VERSION}; %dep alone lists the notebook's libraries\n"), said
    assert go.ok("%dep") == f"{UUID}  {VERSION}  @{VERSION}\n"
    assert go.ok('import "github.com/google/uuid"\nfmt.Println(uuid.Nil.Version())') == "VERSION_0\n"


def test_a_local_module_replaces_its_path(go: RunningKernel, workdir: Path) -> None:
    local = workdir / "m"
    local.mkdir(exist_ok=True)
    (local / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    (local / "m.go").write_text('package m\n\nfunc Hi() string { return "hi from m" }\n')
    assert go.ok("%dep example.com/m => ./m").startswith("dep: example.com/m")
    assert go.ok('import "example.com/m"\nfmt.Println(m.Hi())') == "hi from m\n"
    assert go.ok("%dep").split() == ["example.com/m", "=>", str(local)]
    # the folder is read at every build: an edit there is seen at once
    (local / "m.go").write_text('package m\n\nfunc Hi() string { return "edited" }\n')
    assert go.ok("fmt.Println(m.Hi())") == "edited\n"
    go.ok("%reset")
    assert go.ok("%rm example.com/m").endswith("dropped the library example.com/m\n")
    assert go.ok("%dep").startswith("(no libraries")


def test_an_unknown_module_is_a_library_error_and_the_next_cell_works(go: RunningKernel) -> None:
    go.ok("var kept = 1")
    failed = go.fails('import "github.com/google/nope"\nnope.Do()', "LibraryError")
    evalue = failed.error["evalue"]
    assert evalue.startswith(
        f'Cell In[{count_of(failed)}], line 1: import "github.com/google/nope": no module provides '
        "github.com/google/nope (GOPROXY=file://"
    ), evalue
    assert len(failed.error["traceback"]) <= 5, failed.describe()
    assert "github.com/google/nope/@v/list" in failed.error["traceback"][1]
    assert go.ok("fmt.Println(kept)") == "1\n"
    assert go.ok("%dep").startswith("(no libraries")


def test_a_version_that_does_not_exist_changes_nothing(go: RunningKernel) -> None:
    go.ok(f"%dep {UUID}@{VERSION}")
    failed = go.fails(f"%dep {UUID}@v9.9.9", "LibraryError")
    assert failed.error["evalue"].startswith(f"%dep {UUID}@v9.9.9: {UUID} has no version v9.9.9"), (
        failed.describe()
    )
    assert go.ok("%dep") == f"{UUID}  {VERSION}  @{VERSION}\n"
    assert go.ok('import "github.com/google/uuid"\nfmt.Println(uuid.Nil.Variant())') == "Reserved\n"


def test_an_unreachable_proxy_names_the_setting(go: RunningKernel) -> None:
    go.ok("%env GOPROXY=http://127.0.0.1:9")  # the discard port: nothing listens
    failed = go.fails('import "example.org/never"', "LibraryError")
    assert (
        "the module proxy could not be reached (GOPROXY=http://127.0.0.1:9 names it)"
        in failed.error["evalue"]
    )


@pytest.mark.parametrize(
    "line",
    [
        "github.com/google/uuid; rm -rf /",
        "github.com/google/uuid@$(reboot)",
        "github.com/google/uuid@`id`",
        "example.com/m => ../m | sh",
        "uuid",  # not a module path: no domain
        "github.com/google/uuid@none",
    ],
)
def test_malformed_dep_lines_are_refused_with_the_form(go: RunningKernel, line: str) -> None:
    failed = go.fails(f"%dep {line}", "MagicError")
    assert "%dep github.com/google/uuid@v1.3.0" in failed.error["evalue"], failed.describe()


def test_export_builds_with_go_build(go: RunningKernel, workdir: Path, go_env: dict[str, str]) -> None:
    go.ok('import "github.com/google/uuid"\nfunc id() string { return uuid.NewSHA1(uuid.Nil, nil).String() }')
    printed = go.ok("fmt.Println(id())")
    said = go.ok("%%export with-uuid\nfmt.Println(id())")
    assert said.startswith(f"exported to {workdir / 'with-uuid'}"), said
    folder = workdir / "with-uuid"
    assert f"require {UUID} {VERSION}" in (folder / "go.mod").read_text()
    assert f"{UUID} {VERSION} h1:" in (folder / "go.sum").read_text()
    env = {**os.environ, **go_env, "GOWORK": "off"}
    built = subprocess.run(
        ["go", "build", "-o", "program", "."], cwd=folder, env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    ran = subprocess.run(["./program"], cwd=folder, capture_output=True, text=True, check=True)
    assert ran.stdout == printed and len(printed) == 37, (ran.stdout, printed)


def test_completion_and_inspection_see_the_modules(go: RunningKernel) -> None:
    go.ok('import "github.com/google/uuid"\nfmt.Println(uuid.Nil)')
    wait_for_helper(go.kc, "strings.To", "ccell-go-assist")
    content = complete_reply(go.kc, "id := uuid.Ne")
    assert {"New", "NewString", "NewRandom"} <= set(content["matches"]), content
    assert content["metadata"]["ccellkernel"]["source"] == "ccell-go-assist", content
    code = "id := uuid.New()"
    msg_id = go.kc.inspect(code, code.index("New") + 1, 0)
    while (reply := go.kc.get_shell_msg(timeout=30))["parent_header"].get("msg_id") != msg_id:
        pass
    text = reply["content"]["data"].get("text/plain", "")
    assert "func New() UUID" in text and "New creates a new random UUID" in text, reply["content"]


def test_the_forms_of_a_dep_line() -> None:
    """What ``%dep`` reads, without a kernel: the words stay as typed, nothing is run."""
    assert dependencies("github.com/google/uuid@v1.3.0 golang.org/x/text") == (
        Dependency(UUID, VERSION),
        Dependency("golang.org/x/text", ""),
    )
    assert dependencies("mylib  =>  ../my lib") == (Dependency("mylib", "=> ../my lib"),)
    assert requirements(
        "module a\n\ngo 1.26\n\nrequire x.io/a v1.0.0\n\nrequire (\n\ty.io/b v0.1.0 // indirect\n)\n"
    ) == {
        "x.io/a": "v1.0.0",
        "y.io/b": "v0.1.0",
    }
    assert provider("y.io/b/sub/pkg", ["y.io/b", "y.io/b/sub", "x.io/a"]) == "y.io/b/sub"
    for line in ("", "a.io/x\nrm -rf /", "a.io/x@v1;id", "a.io/x => ../m => ../n", "../m", "a.io/x@-v1"):
        with pytest.raises(MagicError, match="%dep takes a Go module"):
            dependencies(line)

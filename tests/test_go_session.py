"""The Go cell model (CELL_MODEL.md) through a real Session and the real go command, without Jupyter:
what only Go has (what every language does: test_session.py)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import ccell_go
import pytest
from ccell_go.gocmd import OFFLINE, StandardLibrary, find_go, parse_messages
from cells import Cells

from ccellkernel.api.errors import CompileError, ExitStatus, LibraryError, ToolchainNotFound
from ccellkernel.api.memory import Memory
from ccellkernel.api.toolchain import Toolchain
from ccellkernel.notebook.session import Session


def rendered(go: Toolchain, memory: Memory, code: str) -> str:
    """The program ``code`` would run as, on top of ``memory``."""
    return go.render(memory, go.split(code, 99)).text


# -- 2. keys -------------------------------------------------------------------------------------


def test_method_is_replaced_by_type_and_name(go_cells):
    go_cells.ok('type T struct{}\nfunc (T) Name() string { return "value" }')
    go_cells.ok('func (t *T) Name() string { return "pointer" }')
    assert go_cells.ok("fmt.Println((&T{}).Name())") == "pointer\n"
    assert go_cells.keys() == ["T", "T.Name"]
    assert "value" not in go_cells.session.render_now().text


def test_iota_block_is_replaced_as_one(go_cells):
    go_cells.ok("const (\n\tA = iota\n\tB\n\tC\n)")
    go_cells.ok("const (\n\tB = iota + 10\n\tD\n)")
    assert go_cells.keys() == ["B", "D"]
    assert go_cells.ok("fmt.Println(B, D)") == "10 11\n"
    assert isinstance(go_cells.fails("fmt.Println(A)"), CompileError)


def test_var_group_names_stay_together(go_cells):
    go_cells.ok("var a, b = 1, 2")
    go_cells.ok("var a = 5")
    assert go_cells.ok("fmt.Println(a)") == "5\n"
    assert "undefined: b" in go_cells.fails("fmt.Println(b)").evalue


def test_rm_and_reset(go_cells):
    go_cells.ok("type T struct{}\nfunc (T) M() int { return 1 }\nfunc helper() int { return 2 }")
    go_cells.ok("%rm T.M")
    assert go_cells.keys() == ["T", "helper"]
    go_cells.ok("%reset")
    assert go_cells.keys() == []


# -- 3. statements, imports, main ---------------------------------------------------------------


def test_unused_import_is_dropped_but_remembered(go_toolchain, go_cells):
    go_cells.ok('import (\n\t"os"\n\t"strings"\n)')
    assert go_cells.keys() == ["os", "strings"]
    assert go_cells.ok('fmt.Println(strings.Repeat("ab", 2))') == "abab\n"
    program = rendered(go_toolchain, go_cells.memory, 'fmt.Println(strings.Repeat("ab", 2))')
    assert '"strings"' in program and '"os"' not in program
    assert go_cells.ok("fmt.Println(len(os.Args))") == "1\n"


def test_standard_package_is_imported_automatically(go_toolchain, go_cells):
    assert go_cells.ok('fmt.Println(strings.ToUpper("go"), strconv.Itoa(7))') == "GO 7\n"
    assert go_cells.keys() == [], "an automatic import is not remembered"
    program = rendered(go_toolchain, Memory(), "x := time.Second; _ = x")
    assert '\t"time"\n' in program and '"fmt"' not in program


def test_ambiguous_package_name_is_not_guessed(go_cells):
    err = go_cells.fails("fmt.Println(rand.Intn(3))")
    assert err.evalue.startswith("Cell In[1], line 1: error: undefined: rand")
    assert "crypto/rand, math/rand and math/rand/v2 are all named rand" in err.evalue
    go_cells.ok('import "math/rand"')
    assert go_cells.ok("fmt.Println(rand.Intn(1))") == "0\n"


def test_explicit_import_wins_and_an_alias_shadows(go_cells):
    go_cells.ok('import strings "bytes"')  # bytes has NewBuffer; strings has not
    assert go_cells.ok('fmt.Println(strings.NewBuffer([]byte("via bytes")).String())') == "via bytes\n"


def test_local_named_like_a_package_is_not_imported(go_toolchain, go_cells):
    code = 'type User struct{ Name string }\nuser := User{"ada"}\nfmt.Println(user.Name)'
    program = rendered(go_toolchain, Memory(), code)
    assert '"os/user"' not in program and '"fmt"' in program
    assert go_cells.ok(code) == "ada\n"


def test_a_local_hides_a_package_only_where_it_is_declared(go_cells):
    go_cells.ok('func count(strings []string) string { return fmt.Sprint(len(strings), " words") }')
    assert go_cells.ok('fmt.Println(count(strings.Fields("a b c")))') == "3 words\n"


def test_unused_dot_import_is_left_out(go_cells):
    go_cells.ok('import . "strings"')
    assert go_cells.ok('fmt.Println("no use of it")') == "no use of it\n"
    assert go_cells.ok('fmt.Println(ToLower("USED"))') == "used\n"


def test_unavailable_module_is_a_clear_library_error(go_cells):
    # conftest sets GOPROXY=off: the module is looked for, and go says it may not be downloaded
    err = go_cells.fails('import "github.com/x/y"\n\ny.Do()')
    assert isinstance(err, LibraryError)
    assert err.evalue == (
        'Cell In[1], line 1: import "github.com/x/y": modules cannot be downloaded: GOPROXY=off '
        "(set GOPROXY to a module proxy)"
    )
    assert err.details == ["go: github.com/x/y: module lookup disabled by GOPROXY=off"]
    assert go_cells.keys() == []
    err = go_cells.fails('import "github.com/x/y"')  # unused, and still reported at once
    assert 'import "github.com/x/y"' in err.evalue
    err = go_cells.fails('import "nosuchpackage"')  # not a module path: Go's own message
    assert isinstance(err, CompileError) and "not in the standard library" in err.evalue


def test_unused_variables_at_the_top_level_of_the_body(go_cells):
    assert go_cells.ok("x := 1\ny, z := 2, 3; w := 4 // unused") == ""
    assert go_cells.ok("%%\nvar a int\nvar (\n\tb = 1\n\tc string\n)\nd := 4") == ""
    err = go_cells.fails("func f() { unusedInside := 1 }")
    assert "declared and not used: unusedInside" in err.evalue, "only the body's top level is excused"


def test_columns_survive_guards_and_wide_characters(go_cells):
    # x's guard goes after the line's last statement; the second statement is its own fragment,
    # padded to its byte column (Go counts bytes; "é" is two).
    err = go_cells.fails('x := "é"; fmt.Println(x, missing)')
    assert err.traceback[1:] == ['    x := "é"; fmt.Println(x, missing)', "                             ^"]


def test_panic_is_exit_status_2_with_frames_in_cells(go_cells):
    go_cells.ok("func at(xs []int, i int) int {\n\treturn xs[i]\n}")
    io, err = go_cells.run("xs := []int{1}\nfmt.Println(at(xs, 5))")
    assert isinstance(err, ExitStatus) and err.evalue == "exit status 2"
    stderr = io.text("stderr")
    assert "panic: runtime error: index out of range [5] with length 1" in stderr
    assert "\tCell In[1], line 2\n" in stderr, stderr
    assert "\tCell In[2], line 2\n" in stderr, stderr
    assert "ccell/" not in stderr and "+0x" not in stderr


# -- building -------------------------------------------------------------------------------------


def test_module_directory_is_versioned_and_the_users_go_settings_kept(go_cells, monkeypatch):
    go_cells.ok("var x = 1")
    module = go_cells.session.workdir / "module"
    install = go_cells.session.toolchain.install()
    assert (module / "go.mod").read_text() == f"module ccellkernel\n\ngo {install.language_version}\n"
    assert not (module / "go.sum").exists()
    assert install.version.startswith(f"go{install.language_version}")
    settings = {
        "GOPROXY": "file:///proxy",
        "GOFLAGS": "-modcacherw",
        "GOTOOLCHAIN": "auto",
        "GOPRIVATE": "x.io",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    env = install.environment(go_cells.session.workdir)
    assert {k: env[k] for k in settings} == settings
    assert env["GOWORK"] == "off" and env["GO111MODULE"] == "on"
    assert {k: v for k, v in OFFLINE.items() if k in ("GOPROXY", "GOTOOLCHAIN")} == {
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
    }, "what asks go about itself stays offline"


def test_the_real_go_binary_is_called_not_a_wrapper(go_toolchain):
    install = go_toolchain.install()
    goroot = subprocess.run([install.go, "env", "GOROOT"], capture_output=True, text=True, check=True)
    assert install.go == str(Path(goroot.stdout.strip()) / "bin" / "go")
    assert Path(install.go).read_bytes()[:4] == b"\x7fELF"


def test_missing_go_is_toolchain_not_found(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GO", raising=False)
    with pytest.raises(ToolchainNotFound) as err:
        find_go()
    assert "$GO (unset) and go on PATH" in err.value.evalue and "restart" in err.value.evalue
    monkeypatch.setenv("GO", "no-such-go")
    with pytest.raises(ToolchainNotFound) as err:
        find_go()
    assert "'no-such-go'" in err.value.evalue
    session = Session(ccell_go.GoToolchain(), cwd=tmp_path)
    try:
        failed = Cells(session).fails("x := 1")
        assert isinstance(failed, ToolchainNotFound)
    finally:
        session.close()


def test_go_from_the_go_variable(monkeypatch, go_toolchain):
    monkeypatch.setenv("GO", go_toolchain.install().go)
    monkeypatch.setenv("PATH", os.defpath)
    assert find_go().go == go_toolchain.install().go


# -- units: messages and runtime positions ---------------------------------------------------------


def test_messages_are_parsed_with_details_and_without_chatter():
    std = StandardLibrary.from_listing("fmt fmt\nmath/rand rand\ncrypto/rand rand\ninternal/abi abi\n")
    text = (
        "go: finding module for package github.com/x/y\n"
        "# ccell\n"
        "./Cell In[3]:2:5: not enough return values\n"
        "\thave ()\n"
        "\twant (int)\n"
        "./main.go:12:1: missing return\n"
        "Cell In[4]:1:8: undefined: rand\n"
    )
    first, second, third = parse_messages(text, std)
    assert (first.cell, first.line, first.column) == (3, 2, 5)
    assert first.message == "not enough return values (have (), want (int))"
    assert (second.cell, second.line, second.raw) == (None, 12, "main.go:12:1: missing return")
    assert third.message.endswith(
        "(not imported automatically: crypto/rand and math/rand are all named rand; import one)"
    )
    assert std.unique("fmt") == "fmt" and std.unique("rand") is None and "internal/abi" not in std.names


def test_runtime_positions_name_cells(go_toolchain):
    rewrite = go_toolchain.stderr_filter(go_toolchain.render(Memory(), go_toolchain.split("", 1)))
    trace = (
        "main.f(...)\n\tccell/Cell In[3]:2 +0x1d\nmain.main()\n\tCell In[4]:7:3\n\tccell/main.go:9 +0x19\n"
    )
    assert rewrite(trace) == (
        "main.f(...)\n\tCell In[3], line 2\nmain.main()\n\tCell In[4], line 7\n\tccell/main.go:9 +0x19\n"
    )


def test_cgo_preamble_stays_c_code(go_cells):
    code = '/*\nint add(int a, int b) { return a + b; }\n*/\nimport "C"\nfmt.Println(C.add(1, 2))'
    assert go_cells.ok(code) == "3\n"  # the preamble starts the cell: no line before it to map
    assert go_cells.ok('\n// #include <stdlib.h>\nimport "C"\nfmt.Println(C.abs(-3))') == "3\n"


def test_shipped_kernelspec_and_logos(go_toolchain):
    root = Path(__file__).resolve().parent.parent
    shipped = json.loads((root / "kernelspecs" / "ccell-go" / "kernel.json").read_text())
    assert shipped == go_toolchain.kernelspec("python")
    assert (shipped["display_name"], shipped["language"]) == ("Go (compiled)", "go")
    logos = go_toolchain.resources()
    assert logos is not None and {"logo-32x32.png", "logo-64x64.png", "logo-svg.svg"} <= {
        p.name for p in logos.iterdir()
    }


def test_details_of_a_message_name_cells(go_cells):
    err = go_cells.fails("%%\nvar y = 1\nvar y = 2")
    assert err.evalue == (
        "Cell In[1], line 3: error: y redeclared in this block (Cell In[1], line 2: other declaration of y)"
    )

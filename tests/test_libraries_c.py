"""C libraries through pkg-config (CELL_MODEL.md section 6a): ``%dep gsl zlib`` in a real C kernel.

One kernel for the module (its tests run in order, on the libraries the first cell asked for), driven
through jupyter_client; the real gcc, pkg-config, GSL and zlib (Debian's ``libgsl-dev``,
``zlib1g-dev``, ``pkgconf``: ``./dev`` installs them). A missing one fails, never skips; clangd's
completion is checked where clangd is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_client import RunningKernel, complete_reply, wait_for_helper

from ccellkernel.toolkit.clangd import find_clangd

pytestmark = pytest.mark.slow

HEADERS = "#include <stdio.h>\n#include <gsl/gsl_sf_bessel.h>\n#include <zlib.h>"
BESSEL = f"{HEADERS}\ndouble bessel(double x) {{ return gsl_sf_bessel_J0(x); }}"
J0_OF_5 = "-0.177597\n"  # gsl_sf_bessel_J0(5.0), as %.6f


def completes(kernel: RunningKernel, code: str, name: str, within: float = 10.0) -> None:
    """Completion of ``code`` offers ``name`` (clangd rereads its flags file a moment after it
    changed: the request that wrote it may still be answered with the ones before)."""
    deadline = time.monotonic() + within
    while name not in (matches := complete_reply(kernel.kc, code)["matches"]):
        assert time.monotonic() < deadline, f"{name} not in the completions of {code!r}: {matches}"
        time.sleep(0.2)


def pkg_config(*args: str) -> str:
    done = subprocess.run(["pkg-config", *args], capture_output=True, text=True, check=True, timeout=30)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def versions() -> dict[str, str]:
    """What pkg-config says is installed: the test needs GSL and zlib, and fails without them."""
    assert shutil.which("pkg-config"), "pkg-config is needed (apt-get install pkgconf)"
    gsl, zlib = pkg_config("--modversion", "gsl", "zlib").split()
    return {"gsl": gsl, "zlib": zlib}


@pytest.fixture(scope="module")
def kernel(versions: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningKernel]:
    """One C kernel (the live program, its default) with ``%dep gsl zlib``."""
    running = RunningKernel("ccell-c", cwd=tmp_path_factory.mktemp("libraries-c"))
    said = running.ok("%dep gsl zlib")
    assert (
        said
        == f"dep: gsl {versions['gsl']}, zlib {versions['zlib']}; %dep alone lists the notebook's libraries\n"
    )
    yield running
    running.shutdown()


def test_dep_alone_and_list_show_the_libraries_with_their_versions(
    kernel: RunningKernel, versions: dict[str, str]
) -> None:
    rows = [line.split() for line in kernel.ok("%dep").splitlines()]
    assert rows == [["gsl", versions["gsl"], "pkg-config"], ["zlib", versions["zlib"], "pkg-config"]]
    listed = kernel.ok("%list")
    assert "libraries (%dep):" in listed and f"zlib  {versions['zlib']}" in listed, listed


def test_a_function_using_gsl_is_called_from_later_cells_and_globals_live_on(
    kernel: RunningKernel, versions: dict[str, str]
) -> None:
    kernel.ok(f"{BESSEL}\nint calls = 0;")
    assert kernel.ok('printf("%.6f\\n", bessel(5.0)); calls++;') == J0_OF_5
    assert kernel.ok('printf("%s %d\\n", zlibVersion(), ++calls);') == f"{versions['zlib']} 2\n"


def test_fresh_programs_and_a_cells_own_main_link_the_libraries(
    kernel: RunningKernel, versions: dict[str, str]
) -> None:
    kernel.ok(f"{BESSEL}\nint calls = 0;")
    kernel.ok("calls = 7;")  # in the live program; a fresh one starts from the initializer
    kernel.ok("%state fresh")
    try:
        assert kernel.ok('printf("%.6f %d\\n", gsl_sf_bessel_J0(5.0), calls);') == f"{J0_OF_5[:-1]} 0\n"
    finally:
        kernel.ok("%state live")
    own_main = 'int main(void) { printf("%.6f %s\\n", bessel(5.0), zlibVersion()); return 0; }'
    assert kernel.ok(own_main) == f"{J0_OF_5[:-1]} {versions['zlib']}\n"


def test_the_users_pkg_config_path_is_used_and_cflags_reach_the_cells(
    kernel: RunningKernel, tmp_path: Path
) -> None:
    (tmp_path / "answer.pc").write_text(
        "Name: answer\nDescription: a macro\nVersion: 4.2\nCflags: -DANSWER_FROM_PKG_CONFIG=42\nLibs:\n"
    )
    kernel.ok(BESSEL)
    kernel.ok(f"%env PKG_CONFIG_PATH={tmp_path}")
    try:
        assert kernel.ok("%dep answer").startswith("dep: answer 4.2;")
        assert kernel.ok('printf("%d %.6f\\n", ANSWER_FROM_PKG_CONFIG, bessel(5.0));') == f"42 {J0_OF_5}"
        if find_clangd() is not None:  # editor help compiles with the libraries' flags too
            wait_for_helper(kernel.kc, "#include <stdio.h>\npri", "clangd")
            completes(kernel, "ANSWER_FROM_PKG", "ANSWER_FROM_PKG_CONFIG")
    finally:
        kernel.ok("%rm answer\n%env --clear")


def test_an_unknown_package_is_a_library_error_naming_the_line(
    kernel: RunningKernel, versions: dict[str, str]
) -> None:
    kernel.ok(BESSEL)
    error = kernel.fails("%dep nosuchlib", "LibraryError").error
    assert error["evalue"] == "%dep nosuchlib: Package nosuchlib was not found in the pkg-config search path"
    assert 1 <= len(error["traceback"]) <= 6, error["traceback"]
    assert kernel.ok('printf("%.6f\\n", bessel(5.0));') == J0_OF_5
    assert [line.split()[0] for line in kernel.ok("%dep").splitlines()] == ["gsl", "zlib"]


def test_shell_metacharacters_are_refused_and_never_run(kernel: RunningKernel, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    for line in (f'%dep "gsl; touch {marker}"', f"%dep gsl $(touch {marker})", f"%dep gsl && touch {marker}"):
        error = kernel.fails(line, "MagicError").error
        assert "expected pkg-config package names" in error["evalue"], error
    assert not marker.exists()
    assert kernel.fails("%dep --cflags gsl", "MagicError").error["evalue"].startswith("%dep --cflags gsl:")


def test_completion_after_a_gsl_prefix_comes_from_clangd(kernel: RunningKernel) -> None:
    if find_clangd() is None:
        pytest.skip("clangd is not installed: editor help falls back to the notebook's names")
    wait_for_helper(kernel.kc, "#include <stdio.h>\npri", "clangd")
    completes(kernel, "#include <gsl/gsl_sf_bessel.h>\ngsl_sf_bessel_J", "gsl_sf_bessel_J0")


def test_export_writes_a_makefile_asking_pkg_config_and_make_builds_it(
    kernel: RunningKernel, versions: dict[str, str], tmp_path: Path
) -> None:
    kernel.ok("%reset")
    kernel.ok(BESSEL)
    printed = kernel.ok('printf("%.6f %s\\n", bessel(5.0), zlibVersion());')
    assert printed == f"{J0_OF_5[:-1]} {versions['zlib']}\n"
    folder = tmp_path / "besselian"
    assert kernel.ok(f"%%export {folder}").startswith(f"exported to {folder}: besselian.c, Makefile")
    makefile = (folder / "Makefile").read_text()
    assert "PKGS = gsl zlib\n" in makefile and "$(shell $(PKG_CONFIG) --libs $(PKGS))" in makefile, makefile
    for argv in (["make"], ["./besselian"]):
        done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == printed


def test_rm_drops_a_library_and_reset_keeps_the_others(
    kernel: RunningKernel, versions: dict[str, str]
) -> None:
    kernel.ok(f"%reset\n{BESSEL}\nint uses = 0;")  # a function and a global: one unit
    assert kernel.ok('printf("%s\\n", zlibVersion());') == f"{versions['zlib']}\n"  # zlib is loaded now
    assert kernel.ok("%rm zlib") == "dropped the library zlib\n"
    failed = kernel.fails('printf("%s\\n", zlibVersion());', "CompileError")
    assert "a library the live program had loaded was dropped" in failed.stderr
    assert "undefined reference to `zlibVersion'" in failed.error["evalue"], failed.describe()
    assert kernel.ok('printf("%.6f %d\\n", bessel(5.0), ++uses);') == f"{J0_OF_5[:-1]} 1\n"
    kernel.ok("%state fresh")
    try:
        kernel.fails('printf("%s\\n", zlibVersion());', "CompileError")
    finally:
        kernel.ok("%state live")
    assert kernel.ok("%reset") == "memory cleared (flags, args, env and libraries kept)\n"
    assert kernel.ok(f'{HEADERS}\nprintf("%.6f\\n", gsl_sf_bessel_J0(5.0));') == J0_OF_5
    assert [line.split()[0] for line in kernel.ok("%dep").splitlines()] == ["gsl"]

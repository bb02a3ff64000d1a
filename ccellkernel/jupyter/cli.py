"""``ccellkernel``: start a kernel, install kernelspecs, list toolchains.

ccellkernel install [--user | --sys-prefix | --prefix DIR] [NAME ...]
ccellkernel list
ccellkernel clean [--dry-run] [--dir DIR]      (build folders and cgroups of kernels that are gone)
ccellkernel kernel NAME -f CONNECTION_FILE     (what kernel.json runs)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from ccellkernel.api import plugins
from ccellkernel.api.errors import ToolchainNotFound


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["kernel"]:
        _kernel(args[1:])
        return
    parser = argparse.ArgumentParser(prog="ccellkernel", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    install = sub.add_parser("install", help="install the kernelspecs (all toolchains, or those named)")
    where = install.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="for this user (~/.local/share/jupyter)")
    where.add_argument("--sys-prefix", action="store_true", help="into this Python's prefix")
    where.add_argument("--prefix", metavar="DIR", help="under DIR/share/jupyter/kernels")
    install.add_argument("names", nargs="*", metavar="NAME", help="toolchain names (default: all)")
    sub.add_parser("list", help="each kernel, its toolchain and the compiler it finds")
    clean = sub.add_parser("clean", help="remove build folders and cgroups of kernels that no longer run")
    clean.add_argument("--dry-run", action="store_true", help="only say what would be removed")
    clean.add_argument("--dir", metavar="DIR", help="where the build folders are (default: the temp folder)")
    sub.add_parser("kernel", help="start a kernel: ccellkernel kernel NAME -f CONNECTION_FILE")
    options = parser.parse_args(args)
    if options.command == "install":
        sys.exit(_install(options))
    if options.command == "clean":
        sys.exit(_clean(options))
    sys.exit(_list())


def _kernel(args: list[str]) -> None:
    if not args or args[0].startswith("-"):
        sys.exit("usage: ccellkernel kernel NAME -f CONNECTION_FILE")
    # The toolchain's warm-up (finding the compiler, building what every cell links) starts before
    # ipykernel is imported, and runs while it is: the first cell then finds it done.
    from ccellkernel.notebook.session import Session

    try:
        session: Session | None = Session(plugins.load_toolchain(args[0]))
    except ToolchainNotFound:
        session = None  # the kernel says so at its first cell
    if session is not None:
        session.start_warm_up()
    from ccellkernel.jupyter.kernel import launch

    launch(args[0], args[1:], session)


def _install(options: argparse.Namespace) -> int:
    from jupyter_client.kernelspec import KernelSpecManager

    names = options.names or sorted(plugins.available())
    prefix = sys.prefix if options.sys_prefix else options.prefix
    manager = KernelSpecManager()
    for name in names:
        try:
            toolchain = plugins.load_toolchain(name)
        except ToolchainNotFound as err:
            print(f"ccellkernel: {err.evalue}", file=sys.stderr)
            return 2
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / toolchain.kernel_name
            write_kernelspec(toolchain, folder, python=sys.executable)
            dest = manager.install_kernel_spec(
                str(folder), toolchain.kernel_name, user=options.user, prefix=prefix
            )
        print(f"installed {toolchain.kernel_name} ({toolchain.display_name}) in {dest}")
    return 0


def write_kernelspec(toolchain, folder: Path, python: str = "python") -> None:  # type: ignore[no-untyped-def]
    """Write kernel.json and the toolchain's logos into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = toolchain.kernelspec(python)
    (folder / "kernel.json").write_text(json.dumps(spec, indent=2) + "\n")
    logos = toolchain.resources()
    if logos is not None:
        for item in logos.iterdir():
            if item.name.startswith("logo-"):
                (folder / item.name).write_bytes(item.read_bytes())


def _clean(options: argparse.Namespace) -> int:
    """Remove what kernels that are gone left behind (a machine crash, a killed supervisor, an
    older ccellkernel); keep what a running kernel owns. Exit status 1 if something stale stayed."""
    from ccellkernel.run import cleanup

    found = cleanup.build_folders(Path(options.dir) if options.dir else None) + cleanup.cgroups()
    problems = 0
    for item in found:
        if not item.stale:
            print(f"kept     {item.path} ({item.reason})")
            continue
        if options.dry_run:
            print(f"stale    {item.path} ({item.reason})")
            continue
        problem = cleanup.remove(item)
        if problem:
            problems += 1
            print(f"FAILED   {problem}")
        else:
            print(f"removed  {item.path} ({item.reason})")
    if not found:
        print("nothing to clean")
    return 1 if problems else 0


def _list() -> int:
    from jupyter_client.kernelspec import KernelSpecManager

    installed = KernelSpecManager().find_kernel_specs()
    found = plugins.available()
    if not found:
        print("no toolchains registered under", plugins.GROUP)
        return 1
    for name in sorted(found):
        try:
            toolchain = plugins.load_toolchain(name)
        except Exception as err:  # a broken third-party plugin must not hide the others
            print(f"{name}: cannot load: {err}")
            continue
        try:
            compiler = toolchain.find_compiler()
            found_text = f"{' '.join(compiler.argv)} ({compiler.version})"
        except ToolchainNotFound as err:
            found_text = f"NOT FOUND: {err.evalue}"
        where = installed.get(toolchain.kernel_name, "not installed (run: ccellkernel install)")
        print(f"{toolchain.kernel_name}  {toolchain.display_name}")
        print(f"    toolchain  {name} = {found[name].value}")
        print(f"    compiler   {found_text}")
        print(f"    kernelspec {where}")
    return 0

"""Local sources of libraries, set up only through the environment a user would use: a ``CARGO_HOME``
whose ``config.toml`` replaces crates.io with Debian's packaged crates (a cargo directory source), and
a ``file://`` Go module proxy made from Debian's Go module sources. The tests and the benchmark use
them, so that ``%dep`` and Go imports need no network.

Debian installs the crates (``librust-*-dev``) into ``/usr/share/cargo/registry`` and Go module
sources (``golang-*-dev``) into ``/usr/share/gocode/src``; ``./dev`` installs the packages.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

CRATES = Path("/usr/share/cargo/registry")
GOCODE = Path("/usr/share/gocode/src")


class Missing(Exception):
    """A local source is not installed (``./dev`` installs it)."""


def cargo_home(folder: Path) -> dict[str, str]:
    """A CARGO_HOME in ``folder`` whose crates.io is Debian's crates: the environment to run with."""
    if not CRATES.is_dir():
        raise Missing(f"{CRATES} is missing: install Debian's librust-*-dev packages (./dev does)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(
        '[source.crates-io]\nreplace-with = "debian"\n\n'
        f'[source.debian]\ndirectory = "{CRATES}"\n',
        encoding="utf-8",
    )
    return {"CARGO_HOME": str(folder)}


def go_proxy(folder: Path, modules: dict[str, str]) -> dict[str, str]:
    """A ``file://`` module proxy in ``folder`` serving ``modules`` (path -> version) from Debian's Go
    sources, and the environment that points go at it (checksums off: the zips are made here)."""
    for path, version in modules.items():
        source = GOCODE / path
        if not (source / "go.mod").is_file():
            raise Missing(f"{source} is missing: install its golang-*-dev package (./dev does)")
        at = folder / path.lower() / "@v"
        at.mkdir(parents=True, exist_ok=True)
        (at / "list").write_text(f"{version}\n", encoding="utf-8")
        info = {"Version": version, "Time": "2022-01-01T00:00:00Z"}
        (at / f"{version}.info").write_text(json.dumps(info), encoding="utf-8")
        (at / f"{version}.mod").write_bytes((source / "go.mod").read_bytes())
        with zipfile.ZipFile(at / f"{version}.zip", "w") as archive:
            for file in sorted(source.rglob("*")):
                relative = file.relative_to(source)
                if file.is_file() and not file.is_symlink() and not relative.parts[0].startswith((".", "_")):
                    archive.write(file, f"{path}@{version}/{relative.as_posix()}")
    return {"GOPROXY": f"file://{folder}", "GOSUMDB": "off"}


def examples_environment(folder: Path) -> dict[str, str]:
    """What the example notebooks run with where Debian's packages are installed (``./dev`` installs
    them): their libraries from the local sources, so that the tours need no network. Elsewhere
    nothing: the user's own registries serve them."""
    env: dict[str, str] = {}
    try:
        env.update(cargo_home(folder / "cargo-home"))
    except Missing:
        pass
    try:
        env.update(go_proxy(folder / "goproxy", {"github.com/google/uuid": "v1.3.0"}))
    except Missing:
        pass
    return env

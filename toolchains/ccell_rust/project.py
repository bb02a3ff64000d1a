"""A Rust program exported as a Cargo package: ``src/main.rs`` and a ``Cargo.toml`` depending on
the kernel's display crate beside it (``ccell/``, a path dependency), so ``cargo build --offline``
builds it with no registry, and on the notebook's ``%dep`` crates as the kernel's workspace had them
(a path dependency with its absolute path), with the kernel's ``Cargo.lock``: the export builds the
versions the notebook used, from the user's registry or what cargo already downloaded.

The manifest allows the unused-code lints as the kernel does (``-A unused -W unused_must_use``);
``--edition`` among the notebook's ``%flags`` becomes the package's edition, the other flags go to
``.cargo/config.toml`` (``build.rustflags``). A crate the program uses from beside it (a binding of
the kernel's, say) goes in ``files`` with a path dependency in ``[dependencies]``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from ccellkernel.api.libraries import NO_LIBRARIES, Libraries
from ccellkernel.api.program import Program
from ccellkernel.api.toolchain import Project

from . import crates

SOURCE = "src/main.rs"


def split_flags(flags: Sequence[str], edition: str) -> tuple[str, list[str]]:
    """The edition ``flags`` choose (else ``edition``), and the flags left for rustc."""
    rest: list[str] = []
    words = list(flags)
    while words:
        word = words.pop(0)
        if word == "--edition" and words:
            edition = words.pop(0)
        elif word.startswith("--edition="):
            edition = word.removeprefix("--edition=")
        else:
            rest.append(word)
    return edition, rest


def cargo_toml(name: str, edition: str, dependencies: Sequence[str] = ()) -> str:
    return f"""\
# Exported by ccellkernel: `cargo build --offline`, then `./target/debug/{name}`.
[package]
name = "{name}"
version = "0.1.0"
edition = "{edition}"
publish = false

[dependencies]
ccell = {{ path = "ccell" }}  # the kernel's display crate (and Out[n]); outside the kernel it does nothing
{"".join(line + chr(10) for line in dependencies)}
# As in the notebook: no warnings about unused code; an ignored Result still warns.
[lints.rust]
unused = {{ level = "allow", priority = -1 }}
unused_must_use = "warn"
"""


def binding() -> dict[str, str]:
    """The kernel's display crate as a path dependency."""
    source = resources.files(__package__).joinpath("ccell.rs").read_text(encoding="utf-8")
    manifest = '[package]\nname = "ccell"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n'
    return {"ccell/Cargo.toml": manifest, "ccell/src/lib.rs": source}


def dependency_lines(libraries: Libraries) -> list[str]:
    """The ``[dependencies]`` lines of the kernel's workspace (written by ``crates.manifest``, read
    back and written again: paths there are already absolute)."""
    manifest = libraries.files.get("Cargo.toml")
    if not manifest:
        return []
    table = tomllib.loads(manifest).get("dependencies", {})
    return [f"{crates.toml_key(k)} = {crates.toml_value(v)}" for k, v in table.items()]


def project_files(
    program: Program,
    name: str,
    flags: Sequence[str],
    *,
    edition: str,
    libraries: Libraries = NO_LIBRARIES,
) -> Project:
    edition, rustflags = split_flags(flags, edition)
    manifest = cargo_toml(name, edition, dependency_lines(libraries))
    files: dict[str, str] = {SOURCE: program.text, "Cargo.toml": manifest, **binding()}
    if "Cargo.lock" in libraries.files:
        files["Cargo.lock"] = libraries.files["Cargo.lock"]
    notes = [
        f"`{SOURCE}` keeps the kernel's marker comments (`// Cell In[3], line 1`) above the code "
        "of each cell."
    ]
    if rustflags:
        files[".cargo/config.toml"] = f"[build]\nrustflags = {json.dumps(rustflags)}\n"
        notes.append("`.cargo/config.toml` passes the notebook's other `%flags` to rustc.")
    return Project(
        files, SOURCE, (("cargo", "build", "--offline"),), (f"./target/debug/{name}",), tuple(notes)
    )

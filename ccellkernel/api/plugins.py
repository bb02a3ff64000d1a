"""Finding toolchains: the entry-point group ``ccellkernel.toolchains``, built-ins included."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from .errors import ToolchainNotFound
from .toolchain import Toolchain

GROUP = "ccellkernel.toolchains"


def available() -> dict[str, EntryPoint]:
    """Every registered toolchain, by name."""
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def load_toolchain(name: str) -> Toolchain:
    """An instance of the toolchain registered as ``name``; an unknown name lists the known ones."""
    found = available()
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise ToolchainNotFound(
            f"no toolchain named {name!r} (known: {known}); a toolchain registers under the "
            f"entry-point group {GROUP!r}"
        )
    cls = found[name].load()
    if not (isinstance(cls, type) and issubclass(cls, Toolchain)):
        raise ToolchainNotFound(f"entry point {name!r} of {GROUP!r} is not a Toolchain subclass")
    return cls()

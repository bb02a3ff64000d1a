"""The old module paths of the plugin API, kept for one release: a module there forwards every name
to its new home and warns once (``DeprecationWarning``) naming the new path."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any


def forward(old: str, new: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``old`` that finds every name in ``new``."""
    warned = False

    def __getattr__(name: str) -> Any:
        nonlocal warned
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(importlib.import_module(new), name)  # AttributeError for a name it lacks
        if not warned:
            warned = True
            warnings.warn(
                f"{old} is deprecated and goes in the next release: import from {new}",
                DeprecationWarning,
                stacklevel=2,
            )
        return value

    return __getattr__

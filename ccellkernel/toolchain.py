"""Deprecated path of the plugin API: ``ccellkernel.api.toolchain`` (or ``ccellkernel.api``)."""

from ._moved import forward

__getattr__ = forward("ccellkernel.toolchain", "ccellkernel.api.toolchain")

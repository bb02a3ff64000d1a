"""Deprecated path of the helpers for gcc-style compilers: ``ccellkernel.toolkit.gnu``."""

from ._moved import forward

__getattr__ = forward("ccellkernel.gnu", "ccellkernel.toolkit.gnu")

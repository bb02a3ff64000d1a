#!/bin/sh
# The command of a ccellkernel pod started by Jupyter Enterprise Gateway (see docs/deploying.md).
# EG copies its own environment into the pod: its PATH, and KERNEL_LANGUAGE set from the kernelspec
# ("c", "go", "rust"). Put this image's Python first, and send EG's bootstrap to its Python launcher,
# which runs the kernel class named by KERNEL_CLASS_NAME; CCELL_TOOLCHAIN (from the kernelspec's env)
# picks the language.
export PATH="/opt/ccell/bin:$PATH"
export KERNEL_LANGUAGE=python
export KERNEL_CLASS_NAME="${KERNEL_CLASS_NAME:-ccellkernel.jupyter.kernel.CCellKernel}"
exec /usr/local/bin/bootstrap-kernel.sh "$@"

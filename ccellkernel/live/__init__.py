"""The live program (CELL_MODEL 1a): cells as shared objects loaded into one host process; C's, and any
toolchain's that opts in with ``Toolchain.live_support``.

- ``program``      ``Live``: a cell through the live program: build, load, run, checkpoints, rollback
- ``units``        live keys, the units built so far, and what a cell needs loaded and built
- ``host``         the host process and its command pipe
- ``live_host.c``  the host itself, built once per compiler and runtime
- ``elf``          a shared object's defined and undefined symbols
"""

"""C's live program (CELL_MODEL 1a): cells as shared objects loaded into one host process.

- ``program``      ``Live``: units, keys, plans, loading, checkpoints and rollback
- ``host``         the host process and its command pipe
- ``live_host.c``  the host itself, built once per compiler and runtime
- ``elf``          a shared object's defined and undefined symbols
"""

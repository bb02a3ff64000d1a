"""One notebook: its memory, options and cells, and what magics do to them.

- ``session``    the cell pipeline: split, merge into a copy, render, build, commit, run
- ``pending``    declarations of order-free languages that wait for names a later cell declares
- ``carryover``  saying so when a name was a statement's local in an earlier cell
- ``commands``   what each magic does
- ``libraries``  ``%dep``: the notebook's libraries, resolved by its toolchain through a ``LibraryContext``
- ``export``     a rendered program as a project folder (``%%export``, nbconvert)
- ``replay``     a saved notebook replayed into a ``Session`` (the memory its kernel would have)
"""

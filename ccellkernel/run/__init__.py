"""Running a program: processes, pipes, stdin on demand, interrupts, limits and output.

- ``runner``      a cell's processes: pipes read while the program runs, stdin on demand, interrupts
- ``processes``   runs: the supervisor's client, exit statuses, ending what a program started
- ``supervisor``  the supervisor process and its keepers (subreapers, cgroups); stdlib only
- ``limits``      ``%limits`` values, defaults, the machine's bounds
- ``output``      decoding, coalescing and capping program output
- ``jobs``        background jobs (``%%bash --bg``, ``!cmd &``)
- ``cleanup``     owner marks of build folders, ``ccellkernel clean``
"""

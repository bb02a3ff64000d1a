"""Ready-made pieces built on the plugin API alone, for toolchains and the core alike.

- ``gnu``          gcc-style compilers: finding one, flags, line directives, a Makefile, builds begun ahead
- ``diagnostics``  compiler messages parsed and mapped back to cells, and shown as errors
- ``content``      content keys: what a build product depends on, as one hash
- ``reach``        which remembered declarations a cell's ``main`` reaches
- ``clike``        the trailing expression of a C-like cell (its ``Out[n]``)
- ``crashes``      a crash report's return addresses as cell lines
- ``magics``       magic lines (``%``, ``%%``, ``!``): parsed here, carried out by the notebook
- ``parameters``   papermill parameters as declarations (the translators' base class)
- ``process``      a helper process: started on demand, kept out of SIGINT, restarted once
- ``lsp``          a Language Server Protocol client and ``LspAssistant``
- ``clangd``       clangd as the assistant of C-family languages, with man pages
- ``pkgconfig``    libraries of C-family languages (``%dep gsl zlib``) through pkg-config

Nothing here imports the mechanisms above it (``run``, ``builds``, ``live``, ``assist``, ``notebook``,
``jupyter``).
"""

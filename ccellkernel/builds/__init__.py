"""Where builds happen: the kernel's store of build products keyed by content (``cache``) and the
build begun between cells on what the next one most likely begins with (``ahead``)."""

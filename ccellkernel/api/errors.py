"""Every error a cell can end with.

One tree, mapped to Jupyter's ``error`` reply in exactly one place (``CCellKernel._reply_error``)::

    CellError                 ename/evalue/traceback of a failed cell
    ├── CompileError          the program did not compile; memory unchanged
    ├── ExitStatus            the program exited with a status other than 0
    ├── ProgramSignal         the program died from a signal (ename is the signal's name)
    ├── Interrupted           the user interrupted (ename KeyboardInterrupt)
    ├── LimitExceeded         the program went over a limit of %limits and was stopped
    │   ├── MemoryLimit, ProcessLimit, CPULimit, TimeLimit
    ├── MagicError            a magic line is wrong
    ├── TestFailure           %test ran, and some tests failed
    ├── ToolchainNotFound     no compiler, or no toolchain of that name
    ├── LiveProgramError      a cell broke the live program's pipes to the kernel (C, section 1a)
    └── ExportError           a project could not be exported (%%export, nbconvert)

    ParameterError            (a ValueError, raised in papermill, not in a cell) a parameter
                              has no declaration in the notebook's language

The traceback always starts with ``ename: evalue`` because JupyterLab shows only the traceback.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence


class CellError(Exception):
    """A cell failed. ``ename``, ``evalue`` and ``details`` become the Jupyter error reply."""

    ename: str = "CellError"

    def __init__(self, evalue: str, details: Sequence[str] = ()) -> None:
        super().__init__(evalue)
        self.evalue = evalue
        self.details = list(details)

    @property
    def traceback(self) -> list[str]:
        return [f"{self.ename}: {self.evalue}", *self.details]


class CompileError(CellError):
    """The rendered program did not parse or compile."""

    ename = "CompileError"


class ExitStatus(CellError):
    """The program ran and exited with a non-zero status."""

    ename = "ExitStatus"

    def __init__(self, status: int) -> None:
        super().__init__(f"exit status {status}")
        self.status = status


class ProgramSignal(CellError):
    """The program was killed by a signal, e.g. ``SIGSEGV: Segmentation fault``."""

    def __init__(self, signum: int, details: Sequence[str] = ()) -> None:
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        super().__init__(signal.strsignal(signum) or name, details)
        self.ename = name
        self.signum = signum


class Interrupted(CellError):
    """The user interrupted the cell while it compiled or ran."""

    ename = "KeyboardInterrupt"

    def __init__(self, evalue: str = "interrupted by the user; memory kept") -> None:
        super().__init__(evalue)


class LiveProgramError(CellError):
    """The cell closed or replaced what the live program talks to the kernel through; it was rolled
    back (``live/program.py``)."""

    ename = "LiveProgramError"


class LimitExceeded(CellError):
    """The program went over one of its limits (``%limits``) and was stopped; the kernel is unharmed."""

    ename = "LimitExceeded"


class MemoryLimit(LimitExceeded):
    """``MemoryLimit: the program used more than 2 GiB (see %limits)``."""

    ename = "MemoryLimit"


class ProcessLimit(LimitExceeded):
    """``ProcessLimit: the program started more than 256 processes (see %limits)``."""

    ename = "ProcessLimit"


class CPULimit(LimitExceeded):
    """``CPULimit: the program used more than 30 s of CPU time (see %limits)``."""

    ename = "CPULimit"


class TimeLimit(LimitExceeded):
    """``TimeLimit: the program ran for more than 60 s (see %limits)``."""

    ename = "TimeLimit"


class MagicError(CellError):
    """A magic line is unknown or malformed."""

    ename = "MagicError"


class LibraryError(CellError):
    """A library could not be had (``%dep``, or a Go import fetched on first use): the evalue names the
    ``%dep`` line or the import, the details are what the tool said, in a few lines. The notebook's
    memory and libraries stay as they were."""

    ename = "LibraryError"


class TestFailure(CellError):
    """``%test`` ran the tests in memory and at least one failed (each is reported above)."""

    ename = "TestFailure"


class ToolchainNotFound(CellError):
    """No compiler for this language on this machine, or no toolchain of that name."""

    ename = "ToolchainNotFound"


class ExportError(CellError):
    """The program could not be written as a project (the folder, the toolchain, the notebook)."""

    ename = "ExportError"


class ParameterError(ValueError):
    """A papermill parameter cannot be declared in the notebook's language (its name or its value)."""

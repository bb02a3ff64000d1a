"""A saved notebook replayed into a ``Session``: the memory its kernel would have, for the exporters.

Code cells are taken in notebook order, as "Restart and Run All" takes them. Nothing runs: no
program, no shell line (``Session.remember``). Whether a cell joins the memory follows what the
notebook saved about it, and the kernel's rule that only a cell that compiled changes the memory:

- an ``error`` output named ``CompileError`` (or ``MagicError``, ``ToolchainNotFound``: the cell
  stopped before compiling) means the kernel kept none of its code: it is left out, not rebuilt
  (its ``%flags`` and other magics had been carried out before, and still are);
- a cell that ran otherwise (no error, or a runtime one: ``ExitStatus``, ``SIGSEGV``...) compiled,
  and is taken as it is;
- a cell with no saved outcome (never run, outputs cleared, interrupted, an internal error) is
  built, as the kernel would have built it, and left out if that fails.

A cell is numbered by its execution count when the notebook has distinct ones, so the program's
line markers read ``Cell In[N]`` as the notebook's prompts do; other cells get numbers after those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

from .errors import CellError, ExportError, ToolchainNotFound
from .plugins import available, load_toolchain
from .session import Session
from .toolchain import Toolchain

NOT_COMPILED = frozenset({"CompileError", "MagicError", "ToolchainNotFound"})
UNKNOWN = frozenset({"KeyboardInterrupt", "InternalError"})  # may have stopped before or after compiling


@dataclass(frozen=True)
class SavedCell:
    """A code cell as the notebook saved it: its source, number, and what became of it.

    ``outcome``: ``compiled`` (it ran: take it), ``failed`` (the kernel kept nothing of it) or
    ``unknown`` (build it to decide).
    """

    source: str
    number: int
    outcome: str


@dataclass(frozen=True)
class Replayed:
    """A replayed notebook: the session holding its memory, and the cells left out with why."""

    session: Session
    left_out: tuple[tuple[int, str], ...]


def toolchain_for(metadata: Mapping[str, Any]) -> Toolchain:
    """The toolchain of a notebook's kernel: ``ccell-NAME`` in ``kernelspec.name`` names it; else
    the one toolchain whose language is ``language_info.name``. Raises ``ExportError``."""
    kernel = str((metadata.get("kernelspec") or {}).get("name", ""))
    language = str((metadata.get("language_info") or {}).get("name", "")).lower()
    if kernel.startswith("ccell-"):
        try:
            return load_toolchain(kernel.removeprefix("ccell-"))
        except ToolchainNotFound as err:
            raise ExportError(err.evalue) from None
    matching = [name for name, entry in available().items() if language and _language(entry) == language]
    if len(matching) == 1:
        return load_toolchain(matching[0])
    said = f"kernel {kernel!r}" if kernel else "no kernel"
    raise ExportError(
        f"this notebook names {said} and language {language or 'none'!r}: it is not a ccellkernel "
        f"notebook (kernels: {', '.join(f'ccell-{n}' for n in sorted(available()))})"
    )


def _language(entry: EntryPoint) -> str:
    try:
        info = getattr(entry.load(), "language_info", None)
    except Exception:  # a broken plugin is not this notebook's toolchain
        return ""
    return str(info.get("name", "")).lower() if isinstance(info, Mapping) else ""


def saved_cells(cells: Iterable[Mapping[str, Any]]) -> list[SavedCell]:
    """The notebook's code cells (nbformat 4 dicts), numbered, with their outcomes."""
    code = [cell for cell in cells if cell.get("cell_type") == "code"]
    counts = [cell.get("execution_count") for cell in code]
    numbered = [c for c in counts if isinstance(c, int) and c > 0]
    distinct = len(set(numbered)) == len(numbered)
    after = max(numbered, default=0) if distinct else 0
    found: list[SavedCell] = []
    for cell, count in zip(code, counts, strict=True):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if distinct and isinstance(count, int) and count > 0:
            number = count
        else:
            after += 1
            number = after
        found.append(SavedCell(source, number, _outcome(cell, count)))
    return found


def _outcome(cell: Mapping[str, Any], count: object) -> str:
    errors = [o.get("ename") for o in cell.get("outputs", ()) if o.get("output_type") == "error"]
    if any(name in NOT_COMPILED for name in errors):
        return "failed"
    if not isinstance(count, int) or any(name in UNKNOWN for name in errors):
        return "unknown"
    return "compiled"


async def replay(toolchain: Toolchain, cells: Iterable[SavedCell], *, cwd: Path | None = None) -> Replayed:
    """A session (close it when done) whose memory is what the kernel would remember of ``cells``."""
    session = Session(toolchain, cwd=cwd)
    left_out: list[tuple[int, str]] = []
    try:
        for cell in cells:
            failed = cell.outcome == "failed"
            try:
                await session.remember(
                    cell.source, cell.number, check=cell.outcome == "unknown", failed=failed
                )
            except CellError as err:
                left_out.append((cell.number, f"{err.ename}: {err.evalue}"))
                continue
            if failed:
                left_out.append((cell.number, "it did not compile when the notebook ran"))
    except BaseException:
        session.close()
        raise
    return Replayed(session, tuple(left_out))

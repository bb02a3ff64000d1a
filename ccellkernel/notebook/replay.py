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

A live program (CELL_MODEL.md section 1a; ``Session.live`` in mode ``live``) also kept what the
statements of its cells did; the export's ``main`` runs those cells again (``Live.kept``). The
saved outputs say which took effect, as the kernel decided when it ran them:

- a cell that ran without an error took effect (its statements join ``Live.kept``), and so does a
  cell with no saved outcome that builds ("Run All" would have run it);
- a cell that failed at run time (any error: ``ExitStatus``, ``SIGSEGV``, ``TimeLimit``,
  ``KeyboardInterrupt``...) or that says it called ``exit(0)`` was rolled back: its statements did
  not take effect. Whether its declarations stayed depends on when it ran: a notebook that says
  ``globals and declarations as before Cell In[N]`` ran where the whole cell was undone (it is left
  out); one that says ``state restored to before Cell In[N]`` (older kernels) kept them;
- a cell with its own ``main`` ran as a separate program, and a cell magic's cell is no code;
- ``%state fresh`` and back, and ``%reset``, start a new live program (the replay carries those
  magics out); so do the lines the kernel printed when new ``%limits`` or the end of the live
  program between cells made it start again, and a cell after which its state could not be restored.

A cell is numbered by its execution count when the notebook has distinct ones, so the program's
line markers read ``Cell In[N]`` as the notebook's prompts do; other cells get numbers after those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

from ccellkernel.api.errors import CellError, ExportError, ToolchainNotFound
from ccellkernel.api.plugins import available, load_toolchain
from ccellkernel.api.toolchain import Toolchain
from ccellkernel.live.program import (
    AS_BEFORE,
    DROPPED_LIBRARY,
    ENDED_BETWEEN_CELLS,
    EXITED_ZERO,
    LIVE,
    NEW_LIMITS,
    NOT_RESTORED,
    Live,
)
from ccellkernel.notebook.session import Session

NOT_COMPILED = frozenset({"CompileError", "MagicError", "ToolchainNotFound"})
UNKNOWN = frozenset({"KeyboardInterrupt", "InternalError"})  # may have stopped before or after compiling
# what the live program printed (as ``[ccellkernel: ...]`` on stderr) when it started again before a cell
RESTARTS = tuple(f"[ccellkernel: {said}]" for said in (NEW_LIMITS, ENDED_BETWEEN_CELLS, DROPPED_LIBRARY))
ROLLED_BACK = f"[ccellkernel: {EXITED_ZERO}: "


@dataclass(frozen=True)
class SavedCell:
    """A code cell as the notebook saved it: its source, number, and what became of it.

    ``outcome``: ``compiled`` (it ran: take it), ``failed`` (the kernel kept nothing of it: it did
    not compile), ``undone`` (it compiled, and the live program undid it whole) or ``unknown`` (build
    it to decide). ``effect``, in a live program, of its statements: ``kept``
    (it ran without an error), ``undone`` (it failed at run time, or was rolled back) or
    ``unknown`` (no saved run: kept if it builds). ``restarted``: the live program started again
    before it ran; ``lost``: the live program's state was lost after it.
    """

    source: str
    number: int
    outcome: str
    effect: str = "unknown"
    restarted: bool = False
    lost: bool = False


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
        outputs = [o for o in cell.get("outputs", ()) if isinstance(o, Mapping)]
        stderr = "".join(_text(o.get("text", "")) for o in outputs if _stream(o) == "stderr")
        errors = [o for o in outputs if o.get("output_type") == "error"]
        traceback = "\n".join(_text(line) for o in errors for line in o.get("traceback") or ())
        found.append(
            SavedCell(
                source,
                number,
                "undone"
                if AS_BEFORE in traceback or AS_BEFORE in stderr
                else _outcome([str(o.get("ename")) for o in errors], count),
                _effect(bool(errors), ROLLED_BACK in stderr, count),
                any(said in stderr for said in RESTARTS),
                NOT_RESTORED in traceback,
            )
        )
    return found


def _outcome(errors: list[str], count: object) -> str:
    if any(name in NOT_COMPILED for name in errors):
        return "failed"
    if not isinstance(count, int) or any(name in UNKNOWN for name in errors):
        return "unknown"
    return "compiled"


def _effect(failed: bool, rolled_back: bool, count: object) -> str:
    if failed or rolled_back:
        return "undone"
    return "kept" if isinstance(count, int) else "unknown"


def _stream(output: Mapping[str, Any]) -> str | None:
    return str(output.get("name")) if output.get("output_type") == "stream" else None


def _text(text: object) -> str:
    return "".join(map(str, text)) if isinstance(text, list) else str(text)


async def replay(toolchain: Toolchain, cells: Iterable[SavedCell], *, cwd: Path | None = None) -> Replayed:
    """A session (close it when done) whose memory is what the kernel would remember of ``cells``."""
    session = Session(toolchain, cwd=cwd)
    left_out: list[tuple[int, str]] = []
    try:
        _follow_live(session)
        for cell in cells:
            failed = cell.outcome in ("failed", "undone")
            try:
                parts = await session.remember(
                    cell.source, cell.number, check=cell.outcome == "unknown", failed=failed
                )
            except CellError as err:
                left_out.append((cell.number, f"{err.ename}: {err.evalue}"))
                continue
            if cell.outcome == "undone":
                left_out.append((cell.number, "the live program rolled it back when the notebook ran"))
            elif failed:
                left_out.append((cell.number, "it did not compile when the notebook ran"))
            live = session.live
            if live is None or live.mode != LIVE:
                continue
            if cell.restarted:
                live.reset()
            if parts.main is None and cell.effect != "undone":
                live.took_effect(parts)
            if cell.lost:
                live.reset()
    except BaseException:
        session.close()
        raise
    return Replayed(session, tuple(left_out))


def _follow_live(session: Session) -> None:
    """A replay loads no units, so it follows a toolchain's live program also where no compiler is
    found (``--CCellExporter.check=False`` needs none); a compiler that cannot run the live program
    (tcc) ran fresh programs, and so does the replay."""
    toolchain = session.toolchain
    if session.live is not None:
        return
    try:
        support = toolchain.live_support()
    except CellError:
        return
    if support is None:
        return
    try:
        toolchain.find_compiler()
    except ToolchainNotFound:
        session.live = Live(support, toolchain, session.workdir)

"""The plugin side of editor help: what a toolchain's ``assistant`` returns."""

from __future__ import annotations

import abc

from .point import EditPoint
from .values import Completions, Inspection


class Assistant(abc.ABC):
    """A language's editor helper, made once per session by ``Toolchain.assistant``.

    The core calls it from worker threads, never from the event loop, with a ``timeout`` in seconds
    it must keep: an answer that would come later is None, and the core answers from tree-sitter
    instead. None means "no answer" (helper missing, slow or confused); an empty ``Completions``
    means "nothing fits here".
    """

    name: str = "assistant"

    def warm(self) -> None:
        """Get ready in the background (start a language server, build or load an index). Called
        once, at kernel start; must return at once."""
        return None

    def ready(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds for what ``warm`` began (starts it if it has not); whether
        the helper can answer now. The first request after the kernel starts waits here, bounded, so
        that it gets the helper's answer rather than less."""
        return True

    @abc.abstractmethod
    def complete(self, point: EditPoint, timeout: float) -> Completions | None:
        """Completions at ``point``, with ``start``/``end`` as offsets into ``point.code``."""

    def inspect(self, point: EditPoint, detail: int, timeout: float) -> Inspection | None:
        """What to show about the name at ``point`` (the cursor is on its first character).
        ``detail`` is Jupyter's ``detail_level``: 0 a summary, 1 the full text."""
        return None

    def close(self) -> None:
        """Stop every process it started (the session is closing)."""
        return None

"""ccellkernel's hook into papermill: the translators of the entry-point group
``papermill.translators`` (ccellkernel's, and any other package's) registered with papermill.

papermill 2 finds engines (group ``papermill.engine``) and I/O handlers through entry points, and
loads them on every run, but its translators only from its own module. So ccellkernel registers an
engine, ``ccellkernel`` (papermill's nbclient engine, unchanged, also usable as ``--engine
ccellkernel``), and loading this module registers the translators: ``papermill in.ipynb
out.ipynb -p n 5`` then finds the one for ``ccell-c``. A translator papermill already has under a
name is kept; one that fails to load is logged and skipped, never breaking papermill.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from papermill.engines import NBClientEngine
from papermill.exceptions import PapermillException
from papermill.translators import papermill_translators

GROUP = "papermill.translators"
log = logging.getLogger(__name__)


def register_translators() -> list[str]:
    """Register every translator of ``GROUP`` papermill lacks; the names registered."""
    added: list[str] = []
    for entry in entry_points(group=GROUP):
        try:
            papermill_translators.find_translator(entry.name, entry.name)
            continue  # papermill has one by that name: its own, or an earlier package's
        except PapermillException:
            pass
        try:
            translator = entry.load()
        except Exception:
            log.warning("papermill translator %r (%s) failed to load", entry.name, entry.value, exc_info=True)
            continue
        papermill_translators.register(entry.name, translator)
        added.append(entry.name)
    return added


class CCellEngine(NBClientEngine):
    """papermill's nbclient engine, unchanged: the entry point that gets this module loaded."""


register_translators()

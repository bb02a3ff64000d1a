"""nbconvert exporters for ccellkernel notebooks: the program as the kernel renders it, not the
cells pasted together. Registered under the entry-point group ``nbconvert.exporters``:

- ``ccell-project`` (``jupyter nbconvert --to ccell-project nb.ipynb``) writes a folder ``nb/``:
  the program, its build file and a README (``ccellkernel.notebook.export``), ready for ``make``,
  ``go build`` or ``cargo build --offline``;
- ``ccell-script`` writes the program alone. Every toolchain's ``language_info`` names it as its
  ``nbconvert_exporter``, which nbconvert's ``--to script`` (and JupyterLab's "Export as
  Executable Script") delegate to. It is also the script exporter of the languages c, go and rust
  (group ``nbconvert.exporters.script``), for notebooks saved without that field; a notebook of
  another kernel gets nbconvert's plain script.

Both replay the notebook first (``ccellkernel.notebook.replay``): its cells in order, each remembered as
the kernel would have remembered it, then ``main`` as ``export.main_for`` makes it: the last cell
that ran, or, for a live program, every cell that took effect in it. With ``check`` (on
by default) the whole program is compiled before anything is written, so a notebook that would not
build fails with the compiler's message instead of leaving a broken project; with
``--CCellExporter.check=False`` no compiler is needed for a notebook whose cells all ran.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from nbconvert.exporters import Exporter, TemplateExporter
from nbconvert.utils.exceptions import ConversionException
from traitlets import Bool, default

from ccellkernel.api.errors import CellError, ExportError
from ccellkernel.api.libraries import NO_LIBRARIES, Libraries
from ccellkernel.api.program import CellParts, Program
from ccellkernel.api.toolchain import Toolchain
from ccellkernel.notebook import export
from ccellkernel.notebook.replay import replay, saved_cells, toolchain_for

T = TypeVar("T")


class CCellConversionError(ConversionException):
    """A ccellkernel notebook could not be exported; the message says why (nbconvert exits 1)."""


@dataclass(frozen=True)
class Rendered:
    """A notebook's program, and what the README and the build need to know about it."""

    toolchain: Toolchain
    program: Program
    main: export.Main
    flags: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    libraries: Libraries = NO_LIBRARIES


class CCellExporter(Exporter):
    """What both exporters share: replaying the notebook and rendering its program."""

    check = Bool(
        True,
        help="Compile the program before writing it (needs the language's compiler): a notebook "
        "that would not build fails with the compiler's message.",
    ).tag(config=True)

    def render(self, nb: Any, resources: dict[str, Any]) -> Rendered:
        """The program of ``nb`` as its kernel would render it after running every cell."""
        try:
            toolchain = toolchain_for(nb.metadata)
            path = (resources.get("metadata") or {}).get("path") or None
            return _run_sync(self._render(toolchain, nb.cells, Path(path) if path else None))
        except CellError as err:
            raise CCellConversionError("\n".join(err.traceback)) from None

    async def _render(self, toolchain: Toolchain, cells: Any, cwd: Path | None) -> Rendered:
        replayed = await replay(toolchain, saved_cells(cells), cwd=cwd)
        session = replayed.session
        try:
            for number, why in replayed.left_out:
                self.log.warning("ccellkernel: Cell In[%d] left out of the program: %s", number, why)
            program, main = await export.main_for(session, CellParts(), check=self.check)
            for number, why in main.left_out:
                self.log.warning("ccellkernel: Cell In[%d] left out of main: %s", number, why)
            options = session.options
            return Rendered(
                toolchain, program, main, options.flags, options.args, dict(options.env), options.libraries
            )
        finally:
            session.close()


class ProjectExporter(CCellExporter):
    """``--to ccell-project``: a folder named after the notebook (or ``--output``), holding the
    program, its build file and a README."""

    output_mimetype = "text/markdown"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".md"

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[str, Any]:
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        rendered = self.render(nb_copy, resources)
        folder = str(resources.get("unique_key") or resources["metadata"].get("name") or "notebook")
        notebook = resources["metadata"].get("name")
        try:
            _, files = export.project_outputs(
                rendered.toolchain,
                rendered.program,
                export.project_name(folder),
                main=rendered.main,
                flags=rendered.flags,
                args=rendered.args,
                env=rendered.env,
                notebook=f"{notebook}.ipynb" if notebook else None,
                libraries=rendered.libraries,
            )
        except ExportError as err:
            raise CCellConversionError(err.evalue) from None
        readme = files.pop(export.README)
        outputs = resources.setdefault("outputs", {})
        for path, content in files.items():
            outputs[f"{folder}/{path}"] = content
        # nbconvert writes its one main output as NAME + output_extension: the README, in the folder
        resources["output_extension"] = f"/{export.README}"
        resources["output_files_dir"] = folder  # what nbconvert's log names as the support files' folder
        return readme.decode("utf-8"), resources


class ScriptExporter(CCellExporter):
    """``--to ccell-script``, and ``--to script`` by delegation: the program's one source file."""

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".txt"  # replaced by the language's own for each notebook

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[str, Any]:
        kernel = str((nb.metadata.get("kernelspec") or {}).get("name", ""))
        if not kernel.startswith("ccell-"):  # another kernel's notebook in c, go or rust
            return self._plain_script(nb, resources, **kw)
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        rendered = self.render(nb_copy, resources)
        toolchain = rendered.toolchain
        name = export.project_name(str(resources.get("unique_key") or resources["metadata"].get("name")))
        try:
            project = export.project_for(
                toolchain, rendered.program, name, rendered.flags, rendered.libraries
            )
            source = project.files[project.source]
            text = source.decode("utf-8") if isinstance(source, bytes) else source
        except ExportError:  # a toolchain without projects still has its program
            text = rendered.program.text
        resources["output_extension"] = toolchain.language_info.get("file_extension", ".txt")
        self.output_mimetype = str(toolchain.language_info.get("mimetype", "text/plain"))
        return text, resources

    def _plain_script(self, nb: Any, resources: Any, **kw: Any) -> tuple[str, Any]:
        """nbconvert's own script: the cells one after the other."""
        info = nb.metadata.get("language_info", {})
        plain = TemplateExporter(config=self.config, parent=self, template_name="script")
        plain.template_file = "script.j2"
        plain.file_extension = info.get("file_extension", ".txt")
        self.output_mimetype = plain.output_mimetype = info.get("mimetype", "text/plain")
        return plain.from_notebook_node(nb, resources, **kw)  # type: ignore[no-any-return]


def _run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end from synchronous code, also where an event loop is already
    running in this thread (a Jupyter server converting a notebook): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as err:
            failure.append(err)

    thread = threading.Thread(target=target, name="ccellkernel-export")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]

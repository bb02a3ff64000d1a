"""evcxr's display convention in Rust cells, through a real Jupyter client: a last value whose type
has ``evcxr_display`` is shown by it, its ``EVCXR_BEGIN_CONTENT`` blocks becoming one display; the same
lines printed anywhere else are text; other values are ``Out[n]`` as before, built once.

One Rust kernel for the module; each test starts from an empty memory.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from kernel_client import CellResult, RunningKernel

pytestmark = pytest.mark.slow

BLOCK = "EVCXR_BEGIN_CONTENT {}\\n{}\\nEVCXR_END_CONTENT"
HTML_TYPE = (
    "struct Bold;\n"
    "impl Bold {\n"
    f'    fn evcxr_display(&self) {{ println!("{BLOCK.format("text/html", "<b>hi</b>")}"); }}\n'
    "}"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x01\x08\x06"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningKernel]:
    running = RunningKernel("ccell-rust", cwd=tmp_path_factory.mktemp("evcxr"))
    running.execute('println!("warm");', timeout=120)
    yield running
    running.shutdown()


@pytest.fixture
def k(kernel: RunningKernel) -> RunningKernel:
    kernel.ok("%reset")
    return kernel


def shown(result: CellResult) -> list[dict]:
    """The data of the cell's display_data and execute_result messages, in order."""
    assert result.status == "ok", result.describe()
    kinds = ("display_data", "execute_result")
    return [{"kind": m.msg_type, **m.content["data"]} for m in result.outputs if m.msg_type in kinds]


def tools(result: CellResult) -> int:
    """How many build tools (compiler, linker) the cell started."""
    return int(result.reply_metadata["ccellkernel"]["tools"])


def test_a_value_with_evcxr_display_is_shown_by_it(k: RunningKernel) -> None:
    k.ok(HTML_TYPE)
    result = k.execute('println!("made");\nBold')
    assert shown(result) == [{"kind": "display_data", "text/html": "<b>hi</b>", "text/plain": "hi"}]
    assert result.stdout == "made\n"  # printed before the value; no marker reaches the notebook
    # a reference to such a value too
    assert shown(k.execute("let b = Bold;\n&b"))[0]["text/html"] == "<b>hi</b>"


def test_blocks_are_the_types_of_one_display(k: RunningKernel) -> None:
    blocks = [
        BLOCK.format("text/html", "<i>two</i>"),
        BLOCK.format("text/plain", "two\\nlines"),
        BLOCK.format("image/png", base64.b64encode(PNG).decode()),
    ]
    printed = "\\n".join(["around", *blocks, "the blocks"])
    k.ok(f'struct Two;\nimpl Two {{ fn evcxr_display(&self) {{ println!("{printed}"); }} }}')
    result = k.execute("Two")
    png = base64.b64encode(PNG).decode()
    expected = {"text/html": "<i>two</i>", "text/plain": "two\nlines", "image/png": png}
    assert shown(result) == [{"kind": "display_data", **expected}]
    assert result.stdout == "around\nthe blocks\n"


def test_markers_printed_elsewhere_are_text(k: RunningKernel) -> None:
    k.ok(HTML_TYPE)  # the convention is on: the memory has an evcxr_display
    marked = BLOCK.format("text/html", "<b>x</b>")
    result = k.execute(f'println!("{marked}");\nlet n = 1;\nn')
    assert result.stdout == "EVCXR_BEGIN_CONTENT text/html\n<b>x</b>\nEVCXR_END_CONTENT\n"
    assert shown(result) == [{"kind": "execute_result", "text/plain": "1"}]


def test_other_values_are_out_n_built_once(k: RunningKernel) -> None:
    before = tools(k.execute("40 + 1"))
    k.ok(HTML_TYPE)
    after = k.execute("40 + 2")
    assert shown(after) == [{"kind": "execute_result", "text/plain": "42"}]
    assert tools(after) == before  # the memory's evcxr_display costs an ordinary value nothing
    # a trait's evcxr_display in scope is called too; a value that cannot be shown says why, as before
    method = f'fn evcxr_display(&self) {{ println!("{BLOCK.format("text/plain", "t")}"); }}'
    k.ok(
        "#[derive(Debug)] struct Traited;\ntrait Show { fn evcxr_display(&self); }\n"
        f"impl Show for Traited {{ {method} }}"
    )
    assert shown(k.execute("Traited")) == [{"kind": "display_data", "text/plain": "t"}]
    failed = k.fails("struct Hidden;\nHidden", "CompileError")
    assert "does not implement Debug" in failed.error["evalue"]

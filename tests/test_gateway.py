"""Beyond one machine: Jupyter Kernel Gateway, and the way Enterprise Gateway launches a kernel.

A Kernel Gateway on 127.0.0.1 starts ``ccell-c`` through its REST API (``POST /api/kernels``); the
cells go over its websocket (``/api/kernels/ID/channels``, the Jupyter message protocol as JSON);
``POST /api/kernels/ID/interrupt`` stops an endless loop twice, and the kernel, memory included, goes
on. Both interrupt modes: the kernelspec as shipped (message mode: the gateway sends an
``interrupt_request``) and a copy in signal mode (the gateway signals the kernel's process group).

Enterprise Gateway starts a kernel in a pod through its own Python launcher, which knows the kernel
by class name only and signals the kernel process to interrupt it. ``eg_launcher.py`` does what that
launcher does once it has the connection file; the kernelspecs in ``deploy/enterprise-gateway`` are
checked against the built-in ones and each is launched that way, with its own ``env``.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websocket
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.kernelspec import KernelSpecManager
from servers import ARTIFACTS, Server, free_port, jupyter_env
from traitlets.utils.importstring import import_item

from ccellkernel.api.plugins import load_toolchain

pytestmark = pytest.mark.slow

TOKEN = uuid.uuid4().hex
TIMEOUT = 60.0
ROOT = Path(__file__).resolve().parent.parent
EG_KERNELSPECS = ROOT / "deploy" / "enterprise-gateway"
EG_PROXY = "enterprise_gateway.services.processproxies.k8s.KubernetesProcessProxy"
DECLARE = '#include <stdio.h>\nint seven(void) { return 7; }\nprintf("%d\\n", seven() * 6);'
SPIN = 'printf("looping\\n");\nfor (;;) {}'


# -- Kernel Gateway ------------------------------------------------------------------------------


class Gateway:
    """A Kernel Gateway server and the REST calls the test makes."""

    def __init__(self, home: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = jupyter_env(home)
        signal_spec = Path(env["JUPYTER_DATA_DIR"]) / "kernels" / "ccell-c-signal"
        signal_spec.mkdir(parents=True)
        installed = KernelSpecManager(kernel_dirs=[str(Path(sys.prefix) / "share" / "jupyter" / "kernels")])
        spec = installed.get_kernel_spec("ccell-c").to_dict()  # this checkout's, as the gateway finds it
        (signal_spec / "kernel.json").write_text(json.dumps({**spec, "interrupt_mode": "signal"}))
        argv = [
            sys.executable,
            "-m",
            "kernel_gateway",
            "--KernelGatewayApp.ip=127.0.0.1",
            f"--KernelGatewayApp.port={self.port}",
            "--KernelGatewayApp.port_retries=0",
            f"--KernelGatewayApp.auth_token={TOKEN}",
        ]
        self.server = Server(argv, env=env, cwd=home, log=ARTIFACTS / "kernel-gateway.log")
        self.server.wait_until_answering(f"{self.base}/api", self.headers)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {TOKEN}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=self.headers)
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None

    def channels(self, kernel_id: str) -> Channels:
        url = f"ws://127.0.0.1:{self.port}/api/kernels/{kernel_id}/channels"
        ws = websocket.create_connection(url, header=[f"Authorization: token {TOKEN}"], timeout=TIMEOUT)
        return Channels(ws)


class Channels:
    """The Jupyter message protocol over one kernel's websocket: one execute_request at a time."""

    def __init__(self, ws: websocket.WebSocket) -> None:
        self.ws = ws
        self.session = uuid.uuid4().hex

    def execute(self, code: str, *, when: Any = None, then: Any = None) -> dict[str, Any]:
        """Run ``code``: its reply and outputs; ``then()`` is called once, when ``when(outputs)`` holds."""
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": "test",
            "session": self.session,
            "version": "5.3",
            "date": "",
        }
        content = {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": False,
        }
        message = {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
        self.ws.send(json.dumps(message))
        result: dict[str, Any] = {"reply": None, "outputs": [], "idle": False, "acted": False}
        deadline = time.monotonic() + TIMEOUT
        while result["reply"] is None or not result["idle"]:
            assert time.monotonic() < deadline, f"no reply and idle in {TIMEOUT} s: {result}"
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "execute_reply":
                result["reply"] = msg["content"]
            elif kind == "status":
                result["idle"] = msg["content"]["execution_state"] == "idle"
            elif msg["channel"] == "iopub" and kind != "execute_input":
                result["outputs"].append((kind, msg["content"]))
                if when is not None and not result["acted"] and when(result["outputs"]):
                    result["acted"] = True
                    then()
        return result

    def close(self) -> None:
        self.ws.close()


def stdout_of(result: dict[str, Any]) -> str:
    return "".join(c["text"] for kind, c in result["outputs"] if kind == "stream" and c["name"] == "stdout")


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    started = Gateway(tmp_path_factory.mktemp("gateway"))
    yield started
    started.server.stop()


@pytest.mark.parametrize("spec", ["ccell-c", "ccell-c-signal"], ids=["message-mode", "signal-mode"])
def test_kernel_gateway_runs_and_interrupts_a_c_cell(gateway: Gateway, spec: str) -> None:
    status, model = gateway.call("POST", "/api/kernels", {"name": spec})
    assert status == 201, model
    assert model["name"] == spec
    kernel = model["id"]
    channels = gateway.channels(kernel)
    try:
        first = channels.execute(DECLARE)
        assert first["reply"]["status"] == "ok", first
        assert stdout_of(first) == "42\n"

        def interrupt() -> None:
            assert gateway.call("POST", f"/api/kernels/{kernel}/interrupt")[0] == 204

        def looping(outputs: list[tuple[str, dict[str, Any]]]) -> bool:
            return "looping" in "".join(content.get("text", "") for _, content in outputs)

        for _ in range(2):
            spun = channels.execute(SPIN, when=looping, then=interrupt)
            assert spun["acted"], spun
            assert spun["reply"]["status"] == "error", spun
            assert spun["reply"]["ename"] == "KeyboardInterrupt", spun
            assert [kind for kind, _ in spun["outputs"]] == ["stream", "error"], spun

        after = channels.execute('printf("%d\\n", seven());')
        assert after["reply"]["status"] == "ok", after
        assert stdout_of(after) == "7\n"  # the same kernel, its memory kept
        status, model = gateway.call("GET", f"/api/kernels/{kernel}")
        assert status == 200 and model["name"] == spec
    finally:
        channels.close()
        assert gateway.call("DELETE", f"/api/kernels/{kernel}")[0] == 204


# -- Enterprise Gateway ----------------------------------------------------------------------------


def eg_kernelspecs() -> list[Path]:
    return sorted(EG_KERNELSPECS.glob("*/kernel.json"))


def test_each_built_in_kernel_has_an_enterprise_gateway_kernelspec() -> None:
    languages = {json.loads(path.read_text())["env"]["CCELL_TOOLCHAIN"] for path in eg_kernelspecs()}
    assert languages == {"c", "go", "rust"}


@pytest.mark.parametrize("path", eg_kernelspecs(), ids=lambda p: p.parent.name)
def test_enterprise_gateway_kernelspec_launches_and_interrupts(path: Path, tmp_path: Path) -> None:
    """The kernelspec names the Kubernetes process proxy and a kernel class EG's launcher can import;
    its env picks the language; launched as EG's launcher launches it, the kernel runs a cell and a
    SIGINT to the kernel process alone (what the launcher's listener sends) stops an endless loop."""
    spec = json.loads(path.read_text())
    proxy = spec["metadata"]["process_proxy"]
    assert proxy["class_name"] == EG_PROXY
    assert proxy["config"]["image_name"]
    argv = spec["argv"]
    assert "{kernel_id}" in argv and "{response_address}" in argv and "{public_key}" in argv
    class_name = argv[argv.index("--kernel-class-name") + 1]
    from ipykernel.kernelbase import Kernel

    assert issubclass(import_item(class_name), Kernel)
    toolchain = load_toolchain(spec["env"]["CCELL_TOOLCHAIN"])
    assert spec["language"] == toolchain.language_info["name"]
    assert spec["display_name"].startswith(toolchain.display_name)
    cells = {
        "c": ('#include <stdio.h>\nprintf("%d\\n", 6 * 7);', 'printf("looping\\n"); for (;;) {}'),
        "go": ("fmt.Println(6 * 7)", 'fmt.Println("looping")\nfor {}'),
        "rust": ('println!("{}", 6 * 7);', 'println!("looping");\nloop {}'),
    }[spec["env"]["CCELL_TOOLCHAIN"]]

    connection_file, _ = write_connection_file(str(tmp_path / "kernel-eg.json"), ip="127.0.0.1")
    env = jupyter_env(tmp_path, **spec["env"])
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("eg_launcher.py")), connection_file, class_name],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=(tmp_path / "kernel.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    client = BlockingKernelClient(connection_file=connection_file)
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        info = client.kernel_info(reply=True, timeout=TIMEOUT)["content"]
        assert info["language_info"]["name"] == spec["language"]
        assert run(client, cells[0]) == (["42\n"], "ok")
        outputs, status = run(client, cells[1], on_output=lambda: process.send_signal(signal.SIGINT))
        assert status == "error" and outputs[-1] == "KeyboardInterrupt", outputs
        assert run(client, cells[0]) == (["42\n"], "ok")
        client.shutdown()
        # Promptly: under 10 s, the wait of a flush on a stopped IOPub thread (see kernel.py).
        assert process.wait(timeout=8) == 0
    finally:
        client.stop_channels()
        if process.poll() is None:
            process.kill()
            process.wait()


def run(client: BlockingKernelClient, code: str, on_output: Any = None) -> tuple[list[str], str]:
    """Execute ``code``: its stdout chunks and error names, in order, and the reply's status.
    ``on_output()`` is called once, at the first stdout."""
    msg_id = client.execute(code)
    outputs: list[str] = []
    deadline = time.monotonic() + TIMEOUT
    while True:
        assert time.monotonic() < deadline, outputs
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            outputs.append(msg["content"]["text"])
            if on_output is not None:
                on_output()
                on_output = None
        elif msg["msg_type"] == "error":
            outputs.append(msg["content"]["ename"])
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = client.get_shell_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == msg_id
    return outputs, reply["content"]["status"]

"""A fake language server for the LSP client's tests: ``fake_lsp.py MODE``.

ok: answers completion with two items and hover with a text; crash: exits at the first
completion; hang: never answers completion. Python's default SIGINT handler would end it.
"""

import json
import sys


def read():
    length = None
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            if length is not None:
                break
            continue
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(sys.stdin.buffer.read(length))


def send(message):
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


mode = sys.argv[1]
while (message := read()) is not None:
    method = message.get("method")
    if method == "initialize":
        send({"id": message["id"], "result": {"capabilities": {}}})
        send({"id": 99, "method": "workspace/configuration", "params": {"items": [{}]}})
    elif method == "textDocument/completion":
        if mode == "crash":
            sys.exit(3)
        if mode == "ok":
            items = [
                {"label": "alpha", "kind": 3, "detail": "int alpha(void)"},
                {"label": "alps", "kind": 6},
                {"label": "beta", "kind": 6},
            ]
            send({"id": message["id"], "result": {"items": items}})
    elif method == "textDocument/hover":
        send({"id": message["id"], "result": {"contents": {"kind": "markdown", "value": "**alpha** `int`"}}})

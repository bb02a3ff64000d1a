"""Start a kernel the way Enterprise Gateway's Python kernel launcher does, for test_gateway.py.

In a pod, EG's ``launch_ipykernel.py`` writes the connection file, returns it to the gateway, then
imports the class named by ``--kernel-class-name`` and runs it in a plain ``IPKernelApp``, with no
command-line configuration: the kernel must find its language in the environment. Interrupts arrive
as SIGINT to this process alone. Only the last step is reproduced here (the rest is EG's protocol).

    python eg_launcher.py CONNECTION_FILE KERNEL_CLASS_NAME
"""

from __future__ import annotations

import sys

from ipykernel.kernelapp import IPKernelApp
from traitlets.utils.importstring import import_item


def main(connection_file: str, class_name: str) -> None:
    app = IPKernelApp.instance(
        kernel_class=import_item(class_name), user_ns={}, connection_file=connection_file, ip="127.0.0.1"
    )
    app.initialize([])
    app.start()


if __name__ == "__main__":
    main(*sys.argv[1:3])

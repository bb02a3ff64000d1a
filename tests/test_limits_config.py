"""Where limits come from (the kernel config file, the environment, %limits) and what enforces them
(cgroups where the machine allows, the subreaper and setrlimit where not), through a real kernel."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from kernel_client import RunningKernel

from ccellkernel.run.supervisor import Cgroups

pytestmark = pytest.mark.slow


def cgroups_here() -> dict[str, str]:
    """What this machine lets a kernel use (the same detection the supervisor makes)."""
    probe = Cgroups(f"ccell-{os.getpid()}-0", True)
    try:
        return probe.describe()
    finally:
        probe.remove_all()


def test_defaults_from_the_config_file_and_the_environment_within_the_ceilings(tmp_path: Path) -> None:
    config = tmp_path / "jupyter-config"
    config.mkdir()
    settings = {"CCellKernel": {"limits": "time=30s processes=500 cpu=10m", "max_limits": "memory=1G cpu=1h"}}
    (config / "ccellkernel_config.json").write_text(json.dumps(settings))
    env = {"JUPYTER_CONFIG_DIR": str(config), "CCELL_LIMITS": "processes=300", "CCELL_CGROUPS": "off"}
    k = RunningKernel("ccell-c", env=env, cwd=tmp_path)
    try:
        shown = k.ok("%limits")
        assert shown.startswith("limits: memory=1G cpu=600s processes=300 output=4M time=30s\n"), shown
        assert "tracked by the supervisor's child subreaper" in shown
        assert "memory by setrlimit(RLIMIT_DATA)" in shown and "processes counted by the kernel" in shown
        above = k.fails("%limits memory=2G", "MagicError")
        assert "memory above what this kernel allows (memory=1G cpu=3600s" in above.error["evalue"]
        unbounded = k.fails("%limits cpu=none", "MagicError")
        assert "cpu above what this kernel allows" in unbounded.error["evalue"], "no cpu limit is above 1h"
        within = k.execute("%limits memory=512M time=5s")
        assert within.status == "ok" and "memory=512M" in within.stdout and "time=5s" in within.stdout
        assert k.ok("%limits --reset").startswith(
            "limits: memory=1G cpu=600s processes=300 output=4M time=30s"
        )
    finally:
        k.shutdown()


def test_the_cgroup_path_where_the_machine_has_one(tmp_path: Path) -> None:
    here = cgroups_here()
    if "track" not in here:
        pytest.skip("no cgroup may be made here: the subreaper path is what runs (tested above)")
    k = RunningKernel("ccell-c", cwd=tmp_path)
    try:
        shown = k.ok("%limits")
        assert f"tracked by {here['track']}" in shown, shown
        if "memory" in here:
            assert f"memory by {here['memory']}" in shown
        if "pids" in here:
            assert f"processes by {here['pids']}" in shown
    finally:
        k.shutdown()

"""What a program may use: the values ``%limits`` sets, their defaults, and the machine's bounds.

    %limits memory=2G cpu=30s processes=256 output=4M time=60s

=========  ===================================================================  ====================
limit      meaning                                                              default
=========  ===================================================================  ====================
memory     bytes of memory the run's processes use (together, with a cgroup;    3/4 of the machine's
           each, with ``RLIMIT_DATA``)
cpu        seconds of CPU time (each process: ``RLIMIT_CPU``; together where a  none
           cgroup v2 counts them)
processes  tasks (processes and threads) of the run at once                     1024
output     bytes of stdout and stderr shown per cell; the rest is cut           4 MiB
time       wall-clock seconds a cell's program may run                          none
=========  ===================================================================  ====================

Sizes take binary units (``K``, ``M``, ``G``, ``T``, optionally followed by ``B`` or ``iB``), times
``ms``, ``s``, ``m``, ``h`` (a bare number is seconds); ``cpu`` and ``time`` may be ``none``.

Where the values come from, each overriding the one before, key by key: the built-in defaults, the
kernel's config file (``c.CCellKernel.limits = "memory=4G time=10m"``), the environment variable
``CCELL_LIMITS`` (same form; ``CCELL_OUTPUT_LIMIT`` is still read for ``output``), and ``%limits``
in the notebook. ``%limits`` cannot go above the machine (its memory, its task table) nor above the
ceilings an administrator sets with ``c.CCellKernel.max_limits`` or ``CCELL_MAX_LIMITS``.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ccellkernel.api.errors import CPULimit, LimitExceeded, MagicError, MemoryLimit, ProcessLimit, TimeLimit

NAMES = ("memory", "cpu", "processes", "output", "time")
KiB = 1024
MiB = KiB * 1024
GiB = MiB * 1024
TiB = GiB * 1024
DEFAULT_PROCESSES = 1024
DEFAULT_OUTPUT = 4 * MiB
MIN_MEMORY = 16 * MiB  # below this not even the dynamic loader of a C program starts
ENV = "CCELL_LIMITS"
MAX_ENV = "CCELL_MAX_LIMITS"
OUTPUT_ENV = "CCELL_OUTPUT_LIMIT"

_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$", re.IGNORECASE)
_TIME = re.compile(r"^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": KiB, "m": MiB, "g": GiB, "t": TiB}
_TIME_UNITS = {None: 1.0, "ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
_NONE = ("none", "off", "unlimited")


@dataclass(frozen=True)
class Machine:
    """What this machine allows at most: its memory (or its cgroup's, if smaller) and its task table."""

    memory: int
    processes: int

    @staticmethod
    @lru_cache(maxsize=1)
    def here() -> Machine:
        return Machine(_machine_memory(), _machine_tasks())


@dataclass(frozen=True)
class Limits:
    """The limits of the following runs. ``cpu`` and ``time`` are seconds or None (no limit)."""

    memory: int
    processes: int = DEFAULT_PROCESSES
    output: int = DEFAULT_OUTPUT
    cpu: float | None = None
    time: float | None = None

    @staticmethod
    def builtin(machine: Machine | None = None) -> Limits:
        machine = machine or Machine.here()
        memory = machine.memory * 3 // 4 // MiB * MiB  # whole MiB: %limits shows it as it takes it
        return Limits(memory=memory, processes=min(DEFAULT_PROCESSES, machine.processes))

    def replace(self, values: Mapping[str, float | int | None]) -> Limits:
        return dataclasses.replace(self, **values)  # type: ignore[arg-type]

    def words(self) -> str:
        """The limits as ``%limits`` takes them: ``memory=18G cpu=none processes=1024 ...``."""
        return words({name: getattr(self, name) for name in NAMES})

    def above(self, ceiling: Mapping[str, float | int | None]) -> list[str]:
        """The names of the limits higher than ``ceiling``'s (a name it lacks, or None: no ceiling)."""
        found = []
        for name in NAMES:
            mine, top = getattr(self, name), ceiling.get(name)
            if top is not None and (mine is None or mine > top):
                found.append(name)
        return found

    def within(self, ceiling: Mapping[str, float | int | None]) -> Limits:
        """These limits, each lowered to ``ceiling``'s where it is above."""
        return self.replace({name: ceiling[name] for name in self.above(ceiling)})


def words(values: Mapping[str, float | int | None]) -> str:
    """``memory=2G time=60s``: values as ``%limits`` takes them."""
    return " ".join(f"{name}={word(name, value)}" for name, value in values.items())


def word(name: str, value: float | int | None) -> str:
    if name in ("cpu", "time"):
        return seconds_word(value)
    if name == "processes":
        return str(value)
    return size_word(int(value or 0))


def configured(
    config: str,
    max_config: str,
    env: Mapping[str, str],
    output_limit: int | None = None,
    warn: Callable[[str], None] = lambda text: None,
) -> tuple[Limits, dict[str, float | int | None]]:
    """The kernel's default limits and ceilings: built-in, then ``output_limit`` (the older
    ``CCELL_OUTPUT_LIMIT``), then the config file's text, then ``CCELL_LIMITS``; the ceilings from
    ``max_config`` then ``CCELL_MAX_LIMITS``. A bad setting is reported to ``warn`` and skipped."""
    machine = Machine.here()
    defaults = Limits.builtin(machine)
    if output_limit is not None and output_limit > 0:
        defaults = defaults.replace({"output": output_limit})
    ceiling: dict[str, float | int | None] = {}
    for source, text, target in (
        ("the kernel config's CCellKernel.limits", config, "defaults"),
        (f"the environment's {ENV}", env.get(ENV, ""), "defaults"),
        ("the kernel config's CCellKernel.max_limits", max_config, "ceiling"),
        (f"the environment's {MAX_ENV}", env.get(MAX_ENV, ""), "ceiling"),
    ):
        try:
            values = parse_text(text, machine)
        except MagicError as err:
            warn(f"{source} is ignored: {err.evalue}")
            continue
        if target == "defaults":
            defaults = defaults.replace(values)
        else:
            ceiling.update(values)
    return defaults.within(ceiling), ceiling


def exceeded(name: str, limits: Limits) -> LimitExceeded:
    """The error of a program stopped for going over limit ``name``."""
    if name == "memory":
        return MemoryLimit(f"the program used more than {size_text(limits.memory)} (see %limits)")
    if name == "processes":
        return ProcessLimit(f"the program started more than {limits.processes} processes (see %limits)")
    if name == "cpu" and limits.cpu is not None:
        return CPULimit(f"the program used more than {seconds_text(limits.cpu)} of CPU time (see %limits)")
    if name == "time" and limits.time is not None:
        return TimeLimit(f"the program ran for more than {seconds_text(limits.time)} (see %limits)")
    return LimitExceeded(f"the program went over its {name} limit (see %limits)")


def accepted_forms(machine: Machine | None = None) -> str:
    machine = machine or Machine.here()
    return (
        "%limits takes NAME=VALUE words: memory=SIZE (e.g. 512M, 2G; at most the machine's "
        f"{size_text(machine.memory)}), cpu=SECONDS (30s, 2m, or none), processes=COUNT (e.g. 256; at most "
        f"{machine.processes}), output=SIZE (e.g. 4M), time=SECONDS (60s, 1.5m, or none); sizes in K, M, G, "
        "T (binary); --reset goes back to the defaults; %limits alone shows them"
    )


def parse(words: Iterable[str], machine: Machine | None = None) -> dict[str, float | int | None]:
    """The values named in ``words`` (``memory=2G``...). Raises ``MagicError`` listing the accepted forms."""
    machine = machine or Machine.here()
    values: dict[str, float | int | None] = {}
    for word in words:
        name, eq, text = word.partition("=")
        name, text = name.strip().lower(), text.strip()
        if not eq or name not in NAMES or not text:
            raise MagicError(f"{word!r} is not a limit. {accepted_forms(machine)}")
        values[name] = _value(name, text, machine)
    return values


def parse_text(text: str, machine: Machine | None = None) -> dict[str, float | int | None]:
    """``parse`` of a setting's text (config file, environment): words split on spaces and commas."""
    return parse(text.replace(",", " ").split(), machine)


def _value(name: str, text: str, machine: Machine) -> float | int | None:
    problem = f"{name}={text}"
    if text.startswith("-"):
        raise MagicError(f"{problem}: a limit cannot be negative. {accepted_forms(machine)}")
    if name in ("cpu", "time"):
        if text.lower() in _NONE:
            return None
        match = _TIME.match(text)
        if match is None:
            raise MagicError(f"{problem}: not a time. {accepted_forms(machine)}")
        seconds = float(match.group(1)) * _TIME_UNITS[match.group(2) and match.group(2).lower()]
        if seconds <= 0:
            raise MagicError(f"{problem}: a limit must be above zero. {accepted_forms(machine)}")
        return seconds
    if text.lower() in _NONE:
        raise MagicError(f"{problem}: {name} always has a limit. {accepted_forms(machine)}")
    if name == "processes":
        if not text.isdigit():
            raise MagicError(f"{problem}: not a count of processes. {accepted_forms(machine)}")
        count = int(text)
        if count < 1:
            raise MagicError(f"{problem}: a program needs at least one process. {accepted_forms(machine)}")
        if count > machine.processes:
            raise MagicError(
                f"{problem} is above this machine's {machine.processes} tasks. {accepted_forms(machine)}"
            )
        return count
    match = _SIZE.match(text)
    if match is None:
        raise MagicError(f"{problem}: not a size. {accepted_forms(machine)}")
    size = int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])
    if name == "memory":
        if size < MIN_MEMORY:
            raise MagicError(f"{problem}: at least {size_text(MIN_MEMORY)}. {accepted_forms(machine)}")
        if size > machine.memory:
            raise MagicError(
                f"{problem} is above this machine's {size_text(machine.memory)}. {accepted_forms(machine)}"
            )
    elif size < 1:
        raise MagicError(f"{problem}: a limit must be above zero. {accepted_forms(machine)}")
    return size


def size_text(n: int) -> str:
    """``2 GiB``, ``1.5 GiB``, ``512 MiB``, ``900 bytes``: for messages."""
    for unit, scale in (("TiB", TiB), ("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def size_word(n: int) -> str:
    """A size as ``%limits`` takes it back: ``2G``, ``1536M``, ``4000000``."""
    for suffix, scale in (("T", TiB), ("G", GiB), ("M", MiB), ("K", KiB)):
        if n >= scale and n % scale == 0:
            return f"{n // scale}{suffix}"
    return str(n)


def seconds_word(seconds: float | None) -> str:
    if seconds is None:
        return "none"
    return f"{seconds:g}s"


def seconds_text(seconds: float) -> str:
    return f"{seconds:g} s"


def _machine_memory() -> int:
    total = 0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    total = int(line.split()[1]) * KiB
                    break
    except OSError:
        pass
    if not total:
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError):
            total = 4 * GiB
    own = _own_cgroup_memory()
    return min(total, own) if own else total


def _own_cgroup_memory() -> int | None:
    """The memory limit of the cgroup the kernel runs in (a container's), if there is one."""
    candidates = []
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if controllers == "":
                    candidates.append(f"/sys/fs/cgroup{path}/memory.max")
                    candidates.append(f"/sys/fs/cgroup/unified{path}/memory.max")
                elif "memory" in controllers.split(","):
                    candidates.append(f"/sys/fs/cgroup/memory{path}/memory.limit_in_bytes")
    except (OSError, ValueError):
        return None
    for path in candidates:
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:
            return int(text)
    return None


def _machine_tasks() -> int:
    found = []
    for path in ("/proc/sys/kernel/pid_max", "/proc/sys/kernel/threads-max"):
        try:
            with open(path) as f:
                found.append(int(f.read().strip()))
        except (OSError, ValueError):
            pass
    return min(found) if found else 32768

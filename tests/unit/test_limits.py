"""%limits values (limits.py): the forms taken, the errors, the defaults and ceilings, the messages."""

from __future__ import annotations

import pytest

from ccellkernel.api.errors import CPULimit, MagicError, MemoryLimit, ProcessLimit, TimeLimit
from ccellkernel.run.limits import GiB, Limits, Machine, MiB, configured, exceeded, parse, parse_text

MACHINE = Machine(memory=16 * GiB, processes=4096)


def test_the_issue_s_example() -> None:
    values = parse("memory=2G cpu=30s processes=256 output=4M time=60s".split(), MACHINE)
    assert values == {"memory": 2 * GiB, "cpu": 30.0, "processes": 256, "output": 4 * MiB, "time": 60.0}


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("memory=512M", 512 * MiB),
        ("memory=1.5g", int(1.5 * GiB)),
        ("memory=2GiB", 2 * GiB),
        ("memory=1024MB", GiB),
        ("memory=33554432", 32 * MiB),
        ("output=100K", 100 * 1024),
        ("cpu=500ms", 0.5),
        ("cpu=2m", 120.0),
        ("time=1.5h", 5400.0),
        ("time=90", 90.0),
        ("time=none", None),
        ("cpu=off", None),
    ],
)
def test_accepted_forms(word: str, value: float | int | None) -> None:
    [(name, got)] = parse([word], MACHINE).items()
    assert got == value, (name, got)


@pytest.mark.parametrize(
    ("word", "says"),
    [
        ("memory=2X", "not a size"),
        ("memory=-1G", "cannot be negative"),
        ("time=-5s", "cannot be negative"),
        ("memory=32G", "above this machine's 16 GiB"),
        ("processes=5000", "above this machine's 4096 tasks"),
        ("processes=0", "at least one process"),
        ("processes=2.5", "not a count"),
        ("memory=1M", "at least 16 MiB"),
        ("memory=none", "always has a limit"),
        ("cpu=0", "above zero"),
        ("cpu=fast", "not a time"),
        ("speed=3", "is not a limit"),
        ("memory", "is not a limit"),
    ],
)
def test_bad_values_name_the_problem_and_list_the_forms(word: str, says: str) -> None:
    with pytest.raises(MagicError) as caught:
        parse([word], MACHINE)
    assert says in caught.value.evalue
    assert "%limits takes NAME=VALUE words: memory=SIZE" in caught.value.evalue
    assert "time=SECONDS" in caught.value.evalue


def test_defaults_are_three_quarters_of_memory_1024_processes_no_cpu_or_time() -> None:
    limits = Limits.builtin(MACHINE)
    assert limits == Limits(memory=12 * GiB, processes=1024, output=4 * MiB, cpu=None, time=None)
    assert limits.words() == "memory=12G cpu=none processes=1024 output=4M time=none"
    assert parse(limits.words().split(), MACHINE) == {
        "memory": 12 * GiB,
        "cpu": None,
        "processes": 1024,
        "output": 4 * MiB,
        "time": None,
    }


def test_config_then_environment_key_by_key_within_the_ceilings() -> None:
    warnings: list[str] = []
    defaults, ceiling = configured(
        "memory=4G time=10m",
        "memory=3G cpu=1h",
        {"CCELL_LIMITS": "time=30s processes=100", "CCELL_MAX_LIMITS": "bogus=1"},
        output_limit=200_000,
        warn=warnings.append,
    )
    assert ceiling == {"memory": 3 * GiB, "cpu": 3600.0}
    assert defaults.memory == 3 * GiB, "lowered to the ceiling"
    assert defaults.time == 30.0 and defaults.processes == 100 and defaults.output == 200_000
    assert defaults.cpu == 3600.0, "no cpu limit is above a ceiling of one hour"
    assert len(warnings) == 1 and "CCELL_MAX_LIMITS is ignored" in warnings[0]
    assert Limits(memory=4 * GiB).above(ceiling) == ["memory", "cpu"]


def test_settings_split_on_commas_too() -> None:
    assert parse_text("memory=1G, time=5s", MACHINE) == {"memory": GiB, "time": 5.0}


def test_the_errors_name_the_limit() -> None:
    limits = Limits(memory=2 * GiB, processes=256, cpu=30.0, time=60.0)
    memory = exceeded("memory", limits)
    assert isinstance(memory, MemoryLimit)
    assert memory.traceback[0] == "MemoryLimit: the program used more than 2 GiB (see %limits)"
    assert isinstance(exceeded("processes", limits), ProcessLimit)
    assert exceeded("processes", limits).evalue == "the program started more than 256 processes (see %limits)"
    assert isinstance(exceeded("cpu", limits), CPULimit)
    assert exceeded("cpu", limits).evalue == "the program used more than 30 s of CPU time (see %limits)"
    assert isinstance(exceeded("time", limits), TimeLimit)
    assert exceeded("time", limits).evalue == "the program ran for more than 60 s (see %limits)"


def test_the_machine_is_read() -> None:
    here = Machine.here()
    assert here.memory > 64 * MiB and here.processes > 100

from collections.abc import Iterator

import pytest

from reelgate.simulator import SimulatorConfig, reset_simulator, running_simulator

FAST = SimulatorConfig(job_seconds=0.15, fps=12, short_side=72)


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    """One simulator per test module, on its own free loopback port (xdist-safe)."""
    with running_simulator(FAST) as url:
        yield url


@pytest.fixture
def sim(simulator_url: str) -> Iterator[str]:
    """The module's simulator with no tasks, counters or faults left from earlier tests."""
    reset_simulator(simulator_url)
    yield simulator_url
    reset_simulator(simulator_url)

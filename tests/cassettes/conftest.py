from __future__ import annotations

from collections.abc import Iterator

import pytest

from reelgate.simulator import SimulatorConfig, running_simulator, simulator_env


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    with running_simulator(SimulatorConfig(job_seconds=0.05, short_side=96, fps=12), in_subprocess=True) as url:
        yield url


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in simulator_env().items():
        monkeypatch.setenv(name, value)

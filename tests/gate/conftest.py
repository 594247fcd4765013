"""The gate's tests run presets against one simulator per module, with its keys set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reelgate.simulator import SimulatorConfig, reset_simulator, running_simulator, simulator_env
from tests.suites import SuiteWriter

PRESET = """\
version: 1
scenario: ad
prompt: {subject: a ceramic cup, scene: a sunlit kitchen}
motion: {score: 3}
camera: locked frame
negative_prompt: [flicker]
output: {duration: 5, aspect_ratio: "16:9", resolution: 720p}
"""


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    config = SimulatorConfig(job_seconds=0.05)
    with running_simulator(config, in_subprocess=True) as url:
        yield url


def prepare(suite: SuiteWriter, simulator: str, monkeypatch: pytest.MonkeyPatch, scenarios: str,
            preset: str) -> SuiteWriter:
    """The suite with these scenarios and ``presets/cup.yaml``, a fresh simulator and its keys."""
    for name, value in simulator_env().items():
        monkeypatch.setenv(name, value)
    (suite.root / "presets" / "scenarios.yaml").write_text(scenarios)
    suite.preset("cup.yaml", preset)
    reset_simulator(simulator)
    return suite

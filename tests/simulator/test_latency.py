"""Provider-like render times and task failures, at a scale tests can afford."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reelgate.providers.errors import Outcome
from reelgate.providers.kling import KlingProvider
from reelgate.providers.timing import FAST_RETRY
from reelgate.simulator import SimulatorConfig, running_simulator, simulator_env
from reelgate.simulator.config import LATENCY_SCALE_ENV
from reelgate.simulator.tasks import render_seconds
from tests.providers.factories import make_request, render_failure


def test_a_10s_pro_render_takes_longer_than_a_5s_std_one() -> None:
    rng = np.random.default_rng(1)
    std5 = [render_seconds("std", 5, rng) for _ in range(300)]
    pro10 = [render_seconds("pro", 10, rng) for _ in range(300)]
    assert np.median(pro10) > 3 * np.median(std5) > 3 * 30
    assert np.std(std5) > 0.1 * np.median(std5)  # a distribution, not one number


def test_latency_scale_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LATENCY_SCALE_ENV, "0.01")
    assert SimulatorConfig().latency_scale == 0.01
    monkeypatch.setenv(LATENCY_SCALE_ENV, "fast")
    with pytest.raises(ValueError, match="REELGATE_SIM_LATENCY_SCALE='fast' is not a number"):
        SimulatorConfig()


def test_failure_rate_fails_tasks_as_the_provider_does(tmp_path: Path) -> None:
    config = SimulatorConfig(job_seconds=0.05, fps=12, short_side=72, failure_rate=1.0)
    with running_simulator(config) as url:
        provider = KlingProvider.from_env(simulator_env(), base_url=url, poll_interval=0.02,
                                          retry=FAST_RETRY)
        failure = render_failure(provider, make_request(), tmp_path)
    assert failure.outcome is Outcome.PROVIDER_FAILED and failure.task_failed

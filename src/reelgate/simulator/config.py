"""Simulator settings; the defaults suit tests (fast jobs, known test keys)."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field

from reelgate.simulator.faults import FaultPlan

LATENCY_SCALE_ENV = "REELGATE_SIM_LATENCY_SCALE"


def _env_float(name: str, default: float) -> float:
    """A number from the environment; a bad value is one line naming the variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number; set it to e.g. 0.01 or unset it") from None


# Test-only keys the simulator accepts by default. They open nothing but the simulator.
TEST_ACCESS_KEY = "sim-access-key"
TEST_SECRET_KEY = "sim-secret-key-for-tests-only-0123456789"
TEST_API_KEY = "sim-api-key-for-tests-only"


def simulator_env(*, api_key: bool = False) -> dict[str, str]:
    """Environment variables that make the Kling adapter talk to a default simulator."""
    if api_key:
        return {"KLING_API_KEY": TEST_API_KEY}
    return {"KLING_ACCESS_KEY": TEST_ACCESS_KEY, "KLING_SECRET_KEY": TEST_SECRET_KEY}


class SimulatorConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    access_key: str = TEST_ACCESS_KEY
    secret_key: str = TEST_SECRET_KEY
    api_key: str | None = TEST_API_KEY
    job_seconds: float = Field(default=0.3, ge=0, description="submit to terminal, per task")
    queued_fraction: float = Field(default=0.25, ge=0, le=1,
                                   description="share of job_seconds spent 'submitted'")
    fps: int = Field(default=24, ge=6, le=60)
    short_side: int | None = Field(
        default=180, ge=64, le=1080,
        description="rendered short side, px; None renders the requested resolution (720p std, "
        "1080p pro), as the provider does, at a cost in render time and file size")
    max_concurrent_tasks: int = Field(default=20, ge=1)
    credits_units: float | None = Field(default=None, description="None: unlimited")
    blocked_terms: tuple[str, ...] = ()
    render_workers: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1), ge=1)
    latency_scale: float = Field(
        default_factory=lambda: _env_float(LATENCY_SCALE_ENV, 0.0), ge=0,
        description="multiplies a provider-like render time (a minute or more for 5 s std, "
        "several for 10 s pro) added to job_seconds; 0 keeps tests fast, 1 is real time")
    failure_rate: float = Field(default=0.0, ge=0, le=1,
                                description="share of tasks that fail after processing, as "
                                "providers' occasionally do (drawn per task)")
    faults: FaultPlan = FaultPlan()

"""Simulator settings; the defaults suit tests (fast jobs, known test keys)."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field

from reelgate.simulator.faults import FaultPlan

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
    short_side: int = Field(default=180, ge=64, le=1080, description="rendered short side, px")
    max_concurrent_tasks: int = Field(default=20, ge=1)
    credits_units: float | None = Field(default=None, description="None: unlimited")
    blocked_terms: tuple[str, ...] = ()
    render_workers: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1), ge=1)
    faults: FaultPlan = FaultPlan()

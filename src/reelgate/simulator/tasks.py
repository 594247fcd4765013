"""Simulated Kling tasks: state by elapsed time, rendering in a worker pool, charging once.

A task is ``submitted`` for the first ``queued_fraction`` of its job time, ``processing``
until the job time has passed and its clip is rendered, then ``succeed`` (or ``failed`` when a
fault planned it, or at ``failure_rate``). The job time is ``job_seconds`` plus, scaled by
``latency_scale``, a draw from a provider-like distribution: log-normal about a median that
grows with the clip's duration and is longer in pro mode (``render_seconds``).

Like Kling, a task holds a concurrency slot until it is terminal, failed
tasks are free, and a succeeded task is charged exactly once, whether or not anyone polls it.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reelgate.simulator.config import SimulatorConfig
from reelgate.simulator.kling_api import KlingError, TaskRequest
from reelgate.simulator.render import render_clip

# Median render time (s) of a 5 s clip by mode, as Kling's queue gives them on a quiet day, the
# power of duration it grows with, and the log-normal spread (sigma) about it.
MEDIAN_5S_SECONDS = {"std": 75.0, "pro": 150.0}
DURATION_POWER = 0.9
LATENCY_SIGMA = 0.3


def render_seconds(mode: str, duration: float, rng: np.random.Generator) -> float:
    """One provider-like render time (s): 10 s pro takes about 4 times a 5 s std render."""
    median = MEDIAN_5S_SECONDS.get(mode, MEDIAN_5S_SECONDS["std"]) * (duration / 5) ** DURATION_POWER
    return float(median * math.exp(LATENCY_SIGMA * rng.standard_normal()))


MODERATION_OUTPUT_MESSAGE = "The generated video did not pass the content risk review"
TASK_FAILED_MESSAGE = "Video generation failed: internal model error"


@dataclass
class SimTask:
    task_id: str
    request: TaskRequest
    created: float
    created_ms: int
    job_seconds: float
    queued_seconds: float
    fail_message: str | None
    clip: Future[bytes] | None
    settled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def status(self, now: float) -> str:
        elapsed = now - self.created
        if elapsed < self.queued_seconds:
            return "submitted"
        if elapsed < self.job_seconds:
            return "processing"
        if self.fail_message is not None:
            return "failed"
        assert self.clip is not None
        return "succeed" if self.clip.done() else "processing"

    @property
    def video_id(self) -> str:
        return f"{self.task_id}-v1"


class TaskBook:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=config.render_workers,
                                        thread_name_prefix="sim-render")
        self.reset()

    def reset(self) -> None:
        with getattr(self, "_lock", threading.Lock()):
            self.tasks: dict[str, SimTask] = {}
            self._ids = itertools.count(860_000_000_000_000_001)
            self.credits_left = self.config.credits_units
            self.units_charged = 0.0

    def create(self, request: TaskRequest, fail_message: str | None) -> SimTask:
        """Admit a task or raise KlingError (1303 concurrency, 1102 credits)."""
        now = time.monotonic()
        with self._lock:
            self._settle(now)
            active = sum(1 for t in self.tasks.values()
                         if t.status(now) in ("submitted", "processing"))
            if active >= self.config.max_concurrent_tasks:
                raise KlingError(429, 1303, "parallel task over resource pack limit")
            if self.credits_left is not None:
                if self.credits_left < request.units:
                    raise KlingError(429, 1102, "resource pack depleted or expired")
                self.credits_left -= request.units
            task_id = str(next(self._ids))
            spec = request.spec
            rng = np.random.default_rng([spec.seed, spec.variation, 9])
            job = self.config.job_seconds + self.config.latency_scale * render_seconds(
                request.mode, spec.duration, rng)
            if fail_message is None and rng.random() < self.config.failure_rate:
                fail_message = TASK_FAILED_MESSAGE
            clip = None if fail_message else self._pool.submit(render_clip, spec)
            task = SimTask(
                task_id=task_id,
                request=request,
                created=now,
                created_ms=int(time.time() * 1000),
                job_seconds=job,
                queued_seconds=job * self.config.queued_fraction,
                fail_message=fail_message,
                clip=clip,
            )
            self.tasks[task_id] = task
            return task

    def get(self, task_id: str) -> SimTask | None:
        with self._lock:
            self._settle(time.monotonic())
            return self.tasks.get(task_id)

    def for_endpoint(self, endpoint: str) -> list[SimTask]:
        with self._lock:
            self._settle(time.monotonic())
            return [t for t in self.tasks.values() if t.request.endpoint == endpoint]

    def by_video(self, video_id: str) -> SimTask | None:
        with self._lock:
            return next((t for t in self.tasks.values() if t.video_id == video_id), None)

    def _settle(self, now: float) -> None:
        """Charge finished tasks once and refund failed ones, as the provider's books would."""
        for task in self.tasks.values():
            if task.settled:
                continue
            state = task.status(now)
            if state == "succeed":
                self.units_charged += task.request.units
                task.settled = True
            elif state == "failed":
                if self.credits_left is not None:
                    self.credits_left += task.request.units
                task.settled = True

    def snapshot(self) -> dict[str, Any]:
        now = time.monotonic()
        with self._lock:
            self._settle(now)
            return {
                "tasks_created": len(self.tasks),
                "units_charged": round(self.units_charged, 4),
                "credits_left": self.credits_left,
                "tasks": [
                    {"task_id": t.task_id, "status": t.status(now), "model": t.request.model,
                     "units": t.request.units, "prompt": t.request.prompt,
                     "move": t.request.spec.move, "motion": t.request.spec.motion,
                     "defects": [d.kind for d in t.request.spec.defects]}
                    for t in self.tasks.values()
                ],
            }

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

"""The simulator's fault plan: which calls go wrong, how, and how often.

Faults are server configuration (set at start-up or with ``POST /__sim/faults``), never a marker
the client sends, so the adapter under test runs exactly as it would against the real service.
A fault can target one call kind (submit, poll, download), let the first ``skip`` matching calls
through, fire ``times`` times (``null`` = always), and only hit requests whose prompt contains
``match``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FaultKind = Literal[
    "latency",
    "rate_limit",
    "concurrency_limit",
    "server_error",
    "drop_connection",
    "malformed_json",
    "moderation_input",
    "moderation_output",
    "insufficient_credits",
    "task_failed",
    "truncated_download",
    "degraded_output",
]
CallKind = Literal["submit", "poll", "download"]

# Where each fault fires unless the plan says otherwise.
DEFAULT_CALL: dict[str, CallKind] = {
    "latency": "submit",
    "rate_limit": "submit",
    "concurrency_limit": "submit",
    "server_error": "submit",
    "drop_connection": "poll",
    "malformed_json": "poll",
    "moderation_input": "submit",
    "moderation_output": "submit",
    "insufficient_credits": "submit",
    "task_failed": "submit",
    "truncated_download": "download",
    "degraded_output": "submit",
}
# Faults decided when the task is created, that show up later: a failed task, or a clip that
# succeeds but is worse than the same request used to give (provider drift).
TASK_FAULTS = frozenset({"moderation_output", "task_failed", "degraded_output"})


class Fault(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FaultKind
    on: CallKind | None = None
    times: int | None = Field(default=1, ge=1)
    skip: int = Field(default=0, ge=0)
    match: str | None = None
    seconds: float = Field(default=0.0, ge=0, description="latency, or Retry-After for 429s")
    status: int | None = Field(default=None, description="server_error: 500, 503 or 504")
    consistent_length: bool = Field(
        default=False,
        description="truncated_download: send a short body with a matching Content-Length "
        "instead of cutting the connection",
    )

    @property
    def call(self) -> CallKind:
        return self.on or DEFAULT_CALL[self.kind]


class FaultPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    faults: list[Fault] = []


class FaultBook:
    """Counts matches and fires faults: latency plus at most one other per call, first wins."""

    def __init__(self, plan: FaultPlan | None = None) -> None:
        self.replace(plan or FaultPlan())

    def replace(self, plan: FaultPlan) -> None:
        self._faults = [fault.model_copy() for fault in plan.faults]
        self._seen = [0] * len(self._faults)
        self._fired = [0] * len(self._faults)

    def take_latency(self, call: CallKind, prompt: str) -> Fault | None:
        return self._take(call, prompt, latency=True)

    def take(self, call: CallKind, prompt: str) -> Fault | None:
        """The first armed non-latency fault for this call, counted as fired."""
        return self._take(call, prompt, latency=False)

    def _take(self, call: CallKind, prompt: str, *, latency: bool) -> Fault | None:
        for index, fault in enumerate(self._faults):
            if fault.call != call or (fault.kind == "latency") != latency:
                continue
            if fault.match is not None and fault.match not in prompt:
                continue
            if fault.times is not None and self._fired[index] >= fault.times:
                continue
            self._seen[index] += 1
            if self._seen[index] <= fault.skip:
                continue
            self._fired[index] += 1
            return fault
        return None

    def snapshot(self) -> list[dict[str, object]]:
        return [
            {**fault.model_dump(), "fired": fired}
            for fault, fired in zip(self._faults, self._fired, strict=True)
        ]

"""What a render returns: the clip, who served it, what it cost and how long each stage took."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from reelgate.media import StoredClip
from reelgate.providers.errors import Outcome


@dataclass(frozen=True)
class Timings:
    """Seconds per stage, measured on the provider's clock.

    ``queued_s`` is from the accepted submit to the first poll that saw the task running (None
    if no poll did); ``render_s`` is from the accepted submit to the terminal state.
    """

    submit_s: float = 0.0
    queued_s: float | None = None
    render_s: float = 0.0
    download_s: float = 0.0
    total_s: float = 0.0


@dataclass(frozen=True)
class Attempt:
    """One provider's try at a render (a failover adds a second one)."""

    provider: str
    model: str
    outcome: Outcome
    message: str
    task_id: str | None
    cost_usd: float
    charge_unknown: bool = False  # sent, answer lost: the provider may have charged estimate_usd
    estimate_usd: float = 0.0


@dataclass(frozen=True)
class RenderResult:
    key: str
    outcome: Outcome
    provider: str
    model: str
    served_by: str | None
    served_model: str | None
    task_id: str | None
    clip: StoredClip | None
    cost_usd: float
    cost_source: str
    timings: Timings
    message: str = ""
    attempts: tuple[Attempt, ...] = ()

    @property
    def unknown_usd(self) -> float:
        """The list price of attempts whose charge is unknown: at most this more was spent."""
        return round(sum(a.estimate_usd for a in self.attempts if a.charge_unknown), 4)

    @property
    def charge_unknown(self) -> bool:
        return any(a.charge_unknown for a in self.attempts)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.SUCCEEDED and self.clip is not None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for a pytest report section or a run summary."""
        data = asdict(self)
        data["outcome"] = self.outcome.value
        data["clip"] = str(self.clip.path) if self.clip else None
        data["attempts"] = [{**asdict(a), "outcome": a.outcome.value} for a in self.attempts]
        return data

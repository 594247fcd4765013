"""One ledger row: a render and its verdict, as the plugin records it and the reports read it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from reelgate.records.vocabulary import NATURAL_KEY, USABLE_VERDICTS, Charge, Source, Verdict


def utc_now() -> datetime:
    return datetime.now(UTC)


def week_start(moment: datetime) -> date:
    """The Monday that starts ``moment``'s ISO week (UTC); the reports group by it."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


class LedgerRow(BaseModel):
    """A render of one preset at one sweep point and repeat, and the verdict on its clip."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    recorded_at: datetime = Field(default_factory=utc_now)
    run_id: str = Field(min_length=1, max_length=200)
    git_commit: str | None = Field(default=None, max_length=64)
    preset_id: str = Field(min_length=1, max_length=200)
    preset_version: str = Field(min_length=1, max_length=64)
    scenario: str = Field(min_length=1, max_length=200)
    prompt_hash: str = Field(min_length=1, max_length=128)
    reference_id: str | None = Field(default=None, max_length=128)
    motion_score: float = Field(ge=0, le=10)
    sweep_point: str = Field(min_length=1, max_length=64)
    camera_intent: str = Field(default="", max_length=500)
    provider: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=200)
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1)
    repeat: int = Field(default=0, ge=0)
    replayed: bool = False
    source: Source = "live"
    verdict: Verdict
    continuity: float | None = None
    subject: float | None = None
    camera_match: float | None = None
    cost_usd: float = Field(default=0.0, ge=0)
    latency_s: float = Field(default=0.0, ge=0)
    charge: Charge = "known"
    task_id: str | None = Field(default=None, max_length=200)
    client_ref: str | None = Field(default=None, max_length=64)

    @model_validator(mode="before")
    @classmethod
    def _source_and_replayed_agree(cls, data: Any) -> Any:
        """``replayed`` is the older column: a row gives either and the other follows from it."""
        if not isinstance(data, dict):
            return data
        source, replayed = data.get("source"), data.get("replayed")
        if source is None and replayed is not None:
            return {**data, "source": "replayed" if replayed else "live"}
        if source is not None and replayed is None:
            return {**data, "replayed": source == "replayed"}
        if source is not None and bool(replayed) != (source == "replayed"):
            raise ValueError(f"source {source!r} and replayed={replayed!r} disagree")
        return data

    @field_validator("preset_version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        """Preset files write ``version: 4``; the render request carries it as text. Both are fine."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("recorded_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        """A naive time is ambiguous across CI machines; it must say its zone, and is kept in UTC."""
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("recorded_at must be timezone-aware (e.g. datetime.now(UTC))")
        return value.astimezone(UTC)

    @property
    def usable(self) -> bool:
        return self.verdict in USABLE_VERDICTS

    @property
    def spend_usd(self) -> float:
        """What this render cost the team: a replay re-reads a recording and a simulator on this
        machine charges nothing real, so only a live render spends."""
        return self.cost_usd if self.source == "live" else 0.0

    @property
    def key(self) -> tuple[str | int, ...]:
        return tuple(getattr(self, name) for name in NATURAL_KEY)


def stored_values(row: LedgerRow) -> dict[str, Any]:
    """A row's column values as both ledger writers store them (with its week, for reports)."""
    values = row.model_dump()
    values["week_start"] = week_start(row.recorded_at)
    return values

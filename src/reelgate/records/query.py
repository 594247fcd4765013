"""What a report asks of the ledger, and the counts every section aggregates in the database.

Usable means pass or pass-with-edits. Spend counts live renders only: a replay re-reads a
recording and a simulator on this machine charges nothing real.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Label, and_, case, func

from reelgate.records.model import week_start
from reelgate.records.schema import renders
from reelgate.records.vocabulary import SECTIONS, USABLE_VERDICTS
from reelgate.verdict.usable import wilson_interval

USABLE = renders.c.verdict.in_(USABLE_VERDICTS)
LIVE = renders.c.source == "live"  # simulated renders are free, replays re-read a recording


@dataclass(frozen=True)
class ReportQuery:
    """What to report on. ``since=None`` covers the whole ledger (and has no previous period)."""

    since: datetime | None = None
    until: datetime | None = None
    scenarios: tuple[str, ...] = ()
    presets: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    live_only: bool = False
    floor: float = 0.5
    floors: Mapping[str, float] = field(default_factory=dict)
    last_runs: int = 5
    sections: tuple[str, ...] = SECTIONS

    def floor_for(self, scenario: str) -> float:
        return self.floors.get(scenario, self.floor)


@dataclass(frozen=True)
class Tally:
    """Counts for one group; the rates are None where they would divide by zero."""

    renders: int = 0
    usable: int = 0
    live_renders: int = 0
    live_usable: int = 0
    live_spend_usd: float = 0.0

    @property
    def usable_rate(self) -> float | None:
        return self.usable / self.renders if self.renders else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.renders + other.renders, self.usable + other.usable,
                     self.live_renders + other.live_renders, self.live_usable + other.live_usable,
                     self.live_spend_usd + other.live_spend_usd)

    @property
    def interval(self) -> tuple[float, float]:
        """95% Wilson interval of the usable rate (0..1 with no renders)."""
        return wilson_interval(self.usable, self.renders)

    @property
    def cost_per_usable_usd(self) -> float | None:
        return self.live_spend_usd / self.live_usable if self.live_usable else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "renders": self.renders,
            "usable": self.usable,
            "live_renders": self.live_renders,
            "live_usable": self.live_usable,
            "live_spend_usd": round(self.live_spend_usd, 6),
            "usable_rate": self.usable_rate,
            "cost_per_usable_usd": self.cost_per_usable_usd,
        }


def tally_columns(prefix: str, when: ColumnElement[bool] | None) -> list[Label[Any]]:
    def count_if(*conditions: ColumnElement[bool]) -> Any:
        kept = [c for c in (when, *conditions) if c is not None]
        if not kept:
            return func.count()
        return func.sum(case((and_(*kept), 1), else_=0))

    spend_when = and_(*[c for c in (when, LIVE) if c is not None])
    return [
        count_if().label(f"{prefix}renders"),
        count_if(USABLE).label(f"{prefix}usable"),
        count_if(LIVE).label(f"{prefix}live_renders"),
        count_if(LIVE, USABLE).label(f"{prefix}live_usable"),
        func.sum(case((spend_when, renders.c.cost_usd), else_=0.0)).label(f"{prefix}live_spend"),
    ]


def tally(row: Mapping[str, Any], prefix: str = "") -> Tally:
    return Tally(
        renders=int(row[f"{prefix}renders"] or 0),
        usable=int(row[f"{prefix}usable"] or 0),
        live_renders=int(row[f"{prefix}live_renders"] or 0),
        live_usable=int(row[f"{prefix}live_usable"] or 0),
        live_spend_usd=float(row[f"{prefix}live_spend"] or 0.0),
    )


def filters(query: ReportQuery, until: datetime) -> list[ColumnElement[bool]]:
    """Conditions every section shares: the selection, and nothing recorded after ``until``."""
    conditions: list[ColumnElement[bool]] = [renders.c.recorded_at < until]
    if query.scenarios:
        conditions.append(renders.c.scenario.in_(query.scenarios))
    if query.presets:
        conditions.append(renders.c.preset_id.in_(query.presets))
    if query.providers:
        conditions.append(renders.c.provider.in_(query.providers))
    if query.live_only:
        conditions.append(LIVE)
    return conditions


def since_bound(start: datetime) -> list[ColumnElement[bool]]:
    """``recorded_at >= start``, with the implied week bound that lets the week index range-scan."""
    return [renders.c.recorded_at >= start, renders.c.week_start >= week_start(start)]

"""The ledger report: usable rate and cost per usable clip by week, scenario, preset and provider,
the trend against the previous period, and presets to retire.

Every figure is aggregated by the database (GROUP BY through SQLAlchemy); Python only receives
one row per group. Usable means pass or pass-with-edits. Spend counts live renders only: a replay
re-reads a recording and a simulator on this machine charges nothing real, so cost per usable
clip is live spend over usable live clips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select

from reelgate.records.model import utc_now
from reelgate.records.query import ReportQuery, Tally, filters, since_bound, tally, tally_columns
from reelgate.records.retire import RetireSuggestion, retire_suggestions
from reelgate.records.schema import renders
from reelgate.records.store import Ledger
from reelgate.records.vocabulary import SECTIONS

__all__ = ["GroupTally", "Report", "ReportQuery", "RetireSuggestion", "Tally", "WeekTally", "build_report",
           "weekly", "weekly_statement"]


@dataclass(frozen=True)
class WeekTally:
    week_start: date
    scenario: str
    tally: Tally

    @property
    def week(self) -> str:
        """ISO week label, e.g. 2025-W07."""
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class GroupTally:
    """One scenario, preset or provider (or everything): this period against the previous one."""

    name: str
    scenario: str | None
    current: Tally
    previous: Tally | None

    @property
    def rate_change(self) -> float | None:
        """Change of usable rate, in rate units (0.05 is five percentage points)."""
        if self.previous is None or self.current.usable_rate is None or self.previous.usable_rate is None:
            return None
        return self.current.usable_rate - self.previous.usable_rate

    @property
    def cost_change(self) -> float | None:
        """Relative change of cost per usable clip (0.1 is ten per cent dearer)."""
        now = self.current.cost_per_usable_usd
        before = self.previous.cost_per_usable_usd if self.previous else None
        if now is None or not before:
            return None
        return now / before - 1.0


@dataclass(frozen=True)
class Report:
    ledger: str
    generated_at: datetime
    query: ReportQuery
    period_start: datetime | None
    period_end: datetime
    empty_ledger: bool
    totals: GroupTally | None
    weekly: list[WeekTally]
    by_scenario: list[GroupTally]
    by_preset: list[GroupTally]
    by_provider: list[GroupTally]
    retire: list[RetireSuggestion]

    @property
    def previous_start(self) -> datetime | None:
        if self.period_start is None:
            return None
        return self.period_start - (self.period_end - self.period_start)

    @property
    def has_rows(self) -> bool:
        """Whether anything matched; without the overall section, whether any section found a group."""
        if self.totals is not None:
            return self.totals.current.renders > 0
        return bool(self.weekly or self.by_scenario or self.by_preset or self.by_provider or self.retire)


def weekly_statement(query: ReportQuery, until: datetime) -> Select[Any]:
    """Usable rate and cost per usable clip per ISO week and scenario, in one GROUP BY."""
    conditions = filters(query, until) + (since_bound(query.since) if query.since else [])
    keys = (renders.c.week_start, renders.c.scenario)
    return select(*keys, *tally_columns("", None)).where(*conditions).group_by(*keys).order_by(*keys)


def weekly(ledger: Ledger, query: ReportQuery, until: datetime | None = None) -> list[WeekTally]:
    statement = weekly_statement(query, until or query.until or utc_now())
    with ledger.connect() as conn:
        rows = conn.execute(statement).mappings().all()
    return [WeekTally(row["week_start"], row["scenario"], tally(row)) for row in rows]


def _grouped(
    ledger: Ledger, query: ReportQuery, until: datetime, keys: Sequence[Any]
) -> list[tuple[tuple[Any, ...], Tally, Tally | None]]:
    """This period's and the previous period's tallies per group, from one scan of both periods."""
    conditions = filters(query, until)
    if query.since is None:
        columns, current = tally_columns("cur_", None), None
    else:
        previous_start = query.since - (until - query.since)
        conditions += since_bound(previous_start)
        current = renders.c.recorded_at >= query.since
        previous = renders.c.recorded_at < query.since
        columns = tally_columns("cur_", current) + tally_columns("prev_", previous)
    statement = select(*keys, *columns).where(*conditions)
    if keys:
        statement = statement.group_by(*keys).order_by(*keys)
    with ledger.connect() as conn:
        rows = conn.execute(statement).mappings().all()
    result = []
    for row in rows:
        now = tally(row, "cur_")
        if keys and now.renders == 0:
            continue  # seen only in the previous period
        before = tally(row, "prev_") if current is not None else None
        result.append((tuple(row[key.name] for key in keys), now, before))
    return result


def build_report(ledger: Ledger, query: ReportQuery | None = None) -> Report:
    """Run the aggregate of each section asked for on the database and assemble the report."""
    query = query or ReportQuery()
    if query.last_runs < 1:
        raise ValueError("last_runs must be at least 1")
    unknown = set(query.sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown report sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    until = query.until or utc_now()
    if query.since is not None and query.since >= until:
        raise ValueError(f"since ({query.since:%Y-%m-%d %H:%M}) is not before until ({until:%Y-%m-%d %H:%M})")
    c = renders.c
    wanted = set(query.sections)

    def groups(section: str, *keys: Any) -> list[GroupTally]:
        if section not in wanted:
            return []
        found = _grouped(ledger, query, until, keys)
        return [GroupTally(k[-1], k[0] if len(k) > 1 else None, now, before) for k, now, before in found]

    totals = None
    if "overall" in wanted:
        [(_, total, total_before)] = _grouped(ledger, query, until, ())  # no GROUP BY: always one row
        totals = GroupTally("all", None, total, total_before)
    return Report(
        ledger=ledger.display,
        generated_at=utc_now(),
        query=query,
        period_start=query.since,
        period_end=until,
        empty_ledger=ledger.is_empty(),
        totals=totals,
        weekly=weekly(ledger, query, until) if "weekly" in wanted else [],
        by_scenario=groups("scenarios", c.scenario),
        by_preset=groups("presets", c.scenario, c.preset_id),
        by_provider=groups("providers", c.provider),
        retire=retire_suggestions(ledger, query, until) if "retire" in wanted else [],
    )

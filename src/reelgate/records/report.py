"""The ledger report: usable rate and cost per usable clip by week, scenario, preset and provider,
the trend against the previous period, and presets to retire.

Every figure is aggregated by the database (GROUP BY through SQLAlchemy); Python only receives
one row per group. Usable means pass or pass-with-edits. Spend counts live renders only: a replay
re-reads a recording and a simulator on this machine charges nothing real, so cost per usable
clip is live spend over usable live clips.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Label, Select, and_, case, cast, func, select

from reelgate.records.model import utc_now, week_start
from reelgate.records.schema import renders
from reelgate.records.store import Ledger
from reelgate.records.vocabulary import SECTIONS, USABLE_VERDICTS

_USABLE = renders.c.verdict.in_(USABLE_VERDICTS)
_LIVE = renders.c.source == "live"  # simulated renders are free, replays re-read a recording


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
class RetireSuggestion:
    """A preset whose every one of its last runs stayed below its scenario's usable-rate floor."""

    preset_id: str
    scenario: str
    runs: int
    renders: int
    usable: int
    best_run_rate: float
    floor: float
    last_run_at: datetime

    @property
    def usable_rate(self) -> float:
        return self.usable / self.renders if self.renders else 0.0


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


def _tally_columns(prefix: str, when: ColumnElement[bool] | None) -> list[Label[Any]]:
    def count_if(*conditions: ColumnElement[bool]) -> Any:
        kept = [c for c in (when, *conditions) if c is not None]
        if not kept:
            return func.count()
        return func.sum(case((and_(*kept), 1), else_=0))

    spend_when = and_(*[c for c in (when, _LIVE) if c is not None])
    return [
        count_if().label(f"{prefix}renders"),
        count_if(_USABLE).label(f"{prefix}usable"),
        count_if(_LIVE).label(f"{prefix}live_renders"),
        count_if(_LIVE, _USABLE).label(f"{prefix}live_usable"),
        func.sum(case((spend_when, renders.c.cost_usd), else_=0.0)).label(f"{prefix}live_spend"),
    ]


def _tally(row: Mapping[str, Any], prefix: str = "") -> Tally:
    return Tally(
        renders=int(row[f"{prefix}renders"] or 0),
        usable=int(row[f"{prefix}usable"] or 0),
        live_renders=int(row[f"{prefix}live_renders"] or 0),
        live_usable=int(row[f"{prefix}live_usable"] or 0),
        live_spend_usd=float(row[f"{prefix}live_spend"] or 0.0),
    )


def _filters(query: ReportQuery, until: datetime) -> list[ColumnElement[bool]]:
    """Conditions every section shares: the selection, and nothing recorded after ``until``."""
    conditions: list[ColumnElement[bool]] = [renders.c.recorded_at < until]
    if query.scenarios:
        conditions.append(renders.c.scenario.in_(query.scenarios))
    if query.presets:
        conditions.append(renders.c.preset_id.in_(query.presets))
    if query.providers:
        conditions.append(renders.c.provider.in_(query.providers))
    if query.live_only:
        conditions.append(_LIVE)
    return conditions


def _from(start: datetime) -> list[ColumnElement[bool]]:
    """``recorded_at >= start``, with the implied week bound that lets the week index range-scan."""
    return [renders.c.recorded_at >= start, renders.c.week_start >= week_start(start)]


def weekly_statement(query: ReportQuery, until: datetime) -> Select[Any]:
    """Usable rate and cost per usable clip per ISO week and scenario, in one GROUP BY."""
    conditions = _filters(query, until) + (_from(query.since) if query.since else [])
    keys = (renders.c.week_start, renders.c.scenario)
    return select(*keys, *_tally_columns("", None)).where(*conditions).group_by(*keys).order_by(*keys)


def weekly(ledger: Ledger, query: ReportQuery, until: datetime | None = None) -> list[WeekTally]:
    statement = weekly_statement(query, until or query.until or utc_now())
    with ledger.connect() as conn:
        rows = conn.execute(statement).mappings().all()
    return [WeekTally(row["week_start"], row["scenario"], _tally(row)) for row in rows]


def _grouped(
    ledger: Ledger, query: ReportQuery, until: datetime, keys: Sequence[Any]
) -> list[tuple[tuple[Any, ...], Tally, Tally | None]]:
    """This period's and the previous period's tallies per group, from one scan of both periods."""
    conditions = _filters(query, until)
    if query.since is None:
        columns, current = _tally_columns("cur_", None), None
    else:
        previous_start = query.since - (until - query.since)
        conditions += _from(previous_start)
        current = renders.c.recorded_at >= query.since
        previous = renders.c.recorded_at < query.since
        columns = _tally_columns("cur_", current) + _tally_columns("prev_", previous)
    statement = select(*keys, *columns).where(*conditions)
    if keys:
        statement = statement.group_by(*keys).order_by(*keys)
    with ledger.connect() as conn:
        rows = conn.execute(statement).mappings().all()
    result = []
    for row in rows:
        now = _tally(row, "cur_")
        if keys and now.renders == 0:
            continue  # seen only in the previous period
        before = _tally(row, "prev_") if current is not None else None
        result.append((tuple(row[key.name] for key in keys), now, before))
    return result


def _retire(ledger: Ledger, query: ReportQuery, until: datetime) -> list[RetireSuggestion]:
    """Presets still running in the period whose last N runs each stayed below the floor."""
    c = renders.c
    per_run = (
        select(
            c.preset_id, c.scenario, c.run_id,
            func.min(c.recorded_at).label("started"),
            func.count().label("renders"),
            func.sum(case((_USABLE, 1), else_=0)).label("usable"),
        )
        .where(*_filters(query, until))
        .group_by(c.preset_id, c.scenario, c.run_id)
        .cte("per_run")
    )
    newest_first = func.row_number().over(
        partition_by=[per_run.c.preset_id, per_run.c.scenario],
        order_by=[per_run.c.started.desc(), per_run.c.run_id.desc()],
    )
    ranked = select(per_run, newest_first.label("rank")).cte("ranked")
    statement = (
        select(
            ranked.c.preset_id, ranked.c.scenario,
            func.count().label("runs"),
            func.sum(ranked.c.renders).label("renders"),
            func.sum(ranked.c.usable).label("usable"),
            func.max(cast(ranked.c.usable, Float) / ranked.c.renders).label("best_run_rate"),
            func.max(ranked.c.started).label("last_run_at"),
        )
        .where(ranked.c.rank <= query.last_runs)
        .group_by(ranked.c.preset_id, ranked.c.scenario)
        .having(func.count() >= query.last_runs)
    )
    if query.since is not None:
        statement = statement.having(func.max(ranked.c.started) >= query.since)
    with ledger.connect() as conn:
        rows = conn.execute(statement).mappings().all()
    suggestions = [
        RetireSuggestion(
            preset_id=row["preset_id"], scenario=row["scenario"], runs=int(row["runs"]),
            renders=int(row["renders"]), usable=int(row["usable"]),
            best_run_rate=float(row["best_run_rate"]), floor=query.floor_for(row["scenario"]),
            last_run_at=row["last_run_at"],
        )
        for row in rows
    ]
    kept = [s for s in suggestions if s.best_run_rate < s.floor]
    return sorted(kept, key=lambda s: (s.usable_rate, s.scenario, s.preset_id))


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
        retire=_retire(ledger, query, until) if "retire" in wanted else [],
    )

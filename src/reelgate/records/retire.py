"""Presets to retire, with their reasons: the combination they render (camera, reference, motion
range), its usable rate with a 95% Wilson interval, and its cost per usable clip against the
scenario's. A preset is suggested when each of its last N runs stayed below its scenario's floor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, select

from reelgate.records.query import USABLE, ReportQuery, Tally, filters, since_bound, tally, tally_columns
from reelgate.records.schema import renders
from reelgate.records.store import Ledger


@dataclass(frozen=True)
class Combination:
    """One camera and reference a preset rendered in its last runs, over which motion scores."""

    camera: str
    reference_id: str | None
    motion_low: float
    motion_high: float
    tally: Tally


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
    combinations: tuple[Combination, ...] = ()
    #: live spend over usable live clips of the preset's last runs, and of its whole scenario in
    #: the period: what keeping the preset costs against what the scenario's clips cost
    cost_per_usable_usd: float | None = None
    scenario_cost_per_usable_usd: float | None = None
    #: live renders behind each cost: none means simulated or replayed, which spend nothing
    live_renders: int = 0
    scenario_live_renders: int = 0

    @property
    def usable_rate(self) -> float:
        return self.usable / self.renders if self.renders else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return Tally(self.renders, self.usable).interval


def retire_suggestions(ledger: Ledger, query: ReportQuery, until: datetime) -> list[RetireSuggestion]:
    """Presets still running in the period whose last N runs each stayed below the floor."""
    c = renders.c
    per_run = (
        select(
            c.preset_id, c.scenario, c.run_id,
            func.min(c.recorded_at).label("started"),
            func.count().label("renders"),
            func.sum(case((USABLE, 1), else_=0)).label("usable"),
        )
        .where(*filters(query, until))
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
    kept = [row for row in rows if float(row["best_run_rate"]) < query.floor_for(row["scenario"])]
    if not kept:
        return []
    combos, spend = _combinations(ledger, query, until, ranked)
    scenario_tallies = _scenario_tallies(ledger, query, until)
    suggestions = []
    for row in kept:
        key = (row["preset_id"], row["scenario"])
        own, scenario = spend.get(key, Tally()), scenario_tallies.get(row["scenario"], Tally())
        suggestions.append(RetireSuggestion(
            preset_id=row["preset_id"], scenario=row["scenario"], runs=int(row["runs"]),
            renders=int(row["renders"]), usable=int(row["usable"]),
            best_run_rate=float(row["best_run_rate"]), floor=query.floor_for(row["scenario"]),
            last_run_at=row["last_run_at"], combinations=tuple(combos[key]),
            cost_per_usable_usd=own.cost_per_usable_usd, live_renders=own.live_renders,
            scenario_cost_per_usable_usd=scenario.cost_per_usable_usd,
            scenario_live_renders=scenario.live_renders,
        ))
    return sorted(suggestions, key=lambda s: (s.usable_rate, s.scenario, s.preset_id))


def _combinations(
    ledger: Ledger, query: ReportQuery, until: datetime, ranked: Any
) -> tuple[dict[tuple[str, str], list[Combination]], dict[tuple[str, str], Tally]]:
    """Per preset of its last N runs: each camera and reference with its motion range, and the
    preset's tally over all of them (for its cost per usable clip)."""
    c = renders.c
    last = and_(c.preset_id == ranked.c.preset_id, c.scenario == ranked.c.scenario,
                c.run_id == ranked.c.run_id, ranked.c.rank <= query.last_runs)
    keys = (c.preset_id, c.scenario, c.camera_intent, c.reference_id)
    statement = (
        select(*keys, func.min(c.motion_score).label("low"), func.max(c.motion_score).label("high"),
               *tally_columns("", None))
        .select_from(renders.join(ranked, last))
        .where(*filters(query, until))
        .group_by(*keys).order_by(*keys)
    )
    with ledger.connect() as conn:
        rows = conn.execute(statement).mappings().all()
    combos: dict[tuple[str, str], list[Combination]] = defaultdict(list)
    totals: dict[tuple[str, str], Tally] = {}
    for row in rows:
        key = (row["preset_id"], row["scenario"])
        counted = tally(row)
        combos[key].append(Combination(row["camera_intent"], row["reference_id"], float(row["low"]),
                                       float(row["high"]), counted))
        totals[key] = totals.get(key, Tally()) + counted
    return combos, totals


def _scenario_tallies(ledger: Ledger, query: ReportQuery, until: datetime) -> dict[str, Tally]:
    """Each scenario over the period, for its cost per usable clip (live spend only)."""
    c = renders.c
    conditions = filters(query, until) + (since_bound(query.since) if query.since else [])
    statement = select(c.scenario, *tally_columns("", None)).where(*conditions).group_by(c.scenario)
    with ledger.connect() as conn:
        rows = conn.execute(statement).mappings().all()
    return {row["scenario"]: tally(row) for row in rows}

"""``reelgate report --winners``: what the ledger says wins, per scenario and preset.

Per scenario: usable renders per motion_score and the winning range the rule of
``records.winning`` finds in them (with a ``motion_range`` and ``sweep`` to propose), the camera
intents and references with the best usable rate, and cost per usable clip at each. The figures
come from GROUP BY queries, as the rest of the report's; only ``live`` renders count as spend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select

from reelgate.records.model import utc_now
from reelgate.records.query import ReportQuery, Tally, filters, since_bound, tally, tally_columns
from reelgate.records.schema import renders
from reelgate.records.store import Ledger
from reelgate.records.winning import (
    MIN_POINT_RENDERS,
    NotEnoughData,
    Point,
    WinningRange,
    required_rate,
    winning_range,
)

_SIMULATED = renders.c.source == "simulated"


@dataclass(frozen=True)
class Sourced:
    """A tally and where its renders came from (replayed = the rest)."""

    tally: Tally
    simulated: int = 0

    @property
    def replayed(self) -> int:
        return self.tally.renders - self.tally.live_renders - self.simulated

    @property
    def interval(self) -> tuple[float, float]:
        return self.tally.interval

    def __add__(self, other: Sourced) -> Sourced:
        return Sourced(self.tally + other.tally, self.simulated + other.simulated)


@dataclass(frozen=True)
class Group:
    """A camera intent, a reference or a motion score of one scenario, and its renders."""

    key: Any
    figures: Sourced
    presets: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScenarioScope:
    """What ``scenarios.yaml`` says of a scenario, when the file was read."""

    motion_range: tuple[float, float]
    sweep: tuple[float, ...]
    min_usable: int | float
    templates: Mapping[str, str]


@dataclass(frozen=True)
class PresetWinners:
    preset_id: str
    found: WinningRange


@dataclass(frozen=True)
class ScenarioWinners:
    scenario: str
    points: list[Group]
    found: WinningRange | NotEnoughData
    required_rate: float
    cameras: list[Group]
    references: list[Group]
    presets: list[PresetWinners]
    presets_without_range: int
    scope: ScenarioScope | None
    #: presets with renders outside the proposed motion range: (preset, its scores outside)
    outside: list[tuple[str, tuple[float, ...]]] = field(default_factory=list)

    @property
    def total(self) -> Sourced:
        return _sum(g.figures for g in self.points)

    def in_range(self) -> Sourced:
        """Figures of the winning range's motion scores (cost per usable clip at the range)."""
        if not isinstance(self.found, WinningRange):
            return Sourced(Tally())
        scores = {p.motion_score for p in self.found.points}
        return _sum(g.figures for g in self.points if g.key in scores)

    @property
    def proposal(self) -> tuple[tuple[float, float], tuple[float, float, float]] | None:
        """The ``motion_range`` and ``sweep`` to write, when the data supports both."""
        if not isinstance(self.found, WinningRange) or (sweep := self.found.sweep()) is None:
            return None
        return (self.found.low, self.found.high), sweep


@dataclass(frozen=True)
class Winners:
    ledger: str
    period_start: datetime | None
    period_end: datetime
    empty_ledger: bool
    scenarios: list[ScenarioWinners]
    scenarios_file: str | None  # the file read for current ranges and templates, if any


def _sum(items: Any) -> Sourced:
    total = Sourced(Tally())
    for item in items:
        total = total + item
    return total


def best_groups(groups: Sequence[Group]) -> list[Group]:
    """The groups whose usable rate the data guarantees most (highest Wilson lower bound; ties
    are all best: the data cannot rank them)."""
    eligible = [g for g in groups if g.figures.tally.renders >= MIN_POINT_RENDERS]
    if not eligible:
        return []
    top = max(g.figures.interval[0] for g in eligible)
    return [g for g in eligible if g.figures.interval[0] == top]


def _grouped(ledger: Ledger, query: ReportQuery, until: datetime, *keys: Any) -> list[dict[str, Any]]:
    conditions = filters(query, until) + (since_bound(query.since) if query.since else [])
    simulated = func.sum(case((_SIMULATED, 1), else_=0)).label("simulated")
    statement = (select(*keys, *tally_columns("", None), simulated).where(*conditions)
                 .group_by(*keys).order_by(*keys))
    with ledger.connect() as conn:
        return [dict(row) for row in conn.execute(statement).mappings().all()]


def _sourced(row: Mapping[str, Any]) -> Sourced:
    return Sourced(tally(row), int(row["simulated"] or 0))


def build_winners(
    ledger: Ledger, query: ReportQuery, scopes: Mapping[str, ScenarioScope] | None = None,
    scenarios_file: str | None = None,
) -> Winners:
    """Every scenario of the selection: its motion points, winning range, cameras and references."""
    until = query.until or utc_now()
    c = renders.c
    scopes = scopes or {}
    points: dict[str, list[Group]] = defaultdict(list)
    for row in _grouped(ledger, query, until, c.scenario, c.motion_score):
        points[row["scenario"]].append(Group(float(row["motion_score"]), _sourced(row)))
    per_preset: dict[tuple[str, str], list[Point]] = defaultdict(list)
    for row in _grouped(ledger, query, until, c.scenario, c.preset_id, c.motion_score):
        per_preset[(row["scenario"], row["preset_id"])].append(
            Point(float(row["motion_score"]), int(row["renders"]), int(row["usable"])))
    cameras: dict[str, dict[str, Sourced]] = defaultdict(dict)
    for row in _grouped(ledger, query, until, c.scenario, c.camera_intent):
        # A preset names a template or writes its words: one camera either way, keyed by the words.
        scope, camera = scopes.get(row["scenario"]), row["camera_intent"]
        words = scope.templates.get(camera, camera) if scope else camera
        seen = cameras[row["scenario"]]
        seen[words] = seen.get(words, Sourced(Tally())) + _sourced(row)
    users: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for row in _grouped(ledger, query, until, c.scenario, c.reference_id, c.preset_id):
        users[(row["scenario"], row["reference_id"])].append(row["preset_id"])
    references: dict[str, list[Group]] = defaultdict(list)
    for row in _grouped(ledger, query, until, c.scenario, c.reference_id):
        key = (row["scenario"], row["reference_id"])
        references[row["scenario"]].append(Group(row["reference_id"], _sourced(row), tuple(users[key])))
    found = []
    for scenario in sorted(points):
        scope = scopes.get(scenario)
        required = required_rate(query.floor_for(scenario), scope.min_usable if scope else None)
        scenario_points = [Point(g.key, g.figures.tally.renders, g.figures.tally.usable)
                           for g in points[scenario]]
        result = winning_range(scenario_points, required)
        preset_ranges, without = [], 0
        for (name, preset), preset_points in sorted(per_preset.items()):
            if name != scenario:
                continue
            preset_range = winning_range(preset_points, required)
            if isinstance(preset_range, WinningRange):
                preset_ranges.append(PresetWinners(preset, preset_range))
            else:
                without += 1
        outside = []
        if isinstance(result, WinningRange) and result.proposed:
            for (name, preset), preset_points in sorted(per_preset.items()):
                beyond = tuple(p.motion_score for p in preset_points
                               if name == scenario and not result.low <= p.motion_score <= result.high)
                if beyond:
                    outside.append((preset, beyond))
        found.append(ScenarioWinners(
            scenario=scenario, points=points[scenario], found=result, required_rate=required,
            cameras=[Group(words, figures) for words, figures in sorted(cameras[scenario].items())],
            references=references[scenario], presets=preset_ranges,
            presets_without_range=without, scope=scope, outside=outside,
        ))
    return Winners(ledger=ledger.display, period_start=query.since, period_end=until,
                   empty_ledger=ledger.is_empty(), scenarios=found, scenarios_file=scenarios_file)

"""Report figures on both backends: a ledger worked out by hand, a random ledger against a
reference computed in Python, retire suggestions, and aggregation left to the database."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from reelgate.records import Ledger, LedgerRow, ReportQuery, Tally, build_report, open_ledger
from tests.records.rows import SINCE, UNTIL, known_rows, make_row


@pytest.fixture
def known(ledger_url: str) -> Iterator[Ledger]:
    with open_ledger(ledger_url) as ledger:
        ledger.append(known_rows())
        yield ledger


def _figures(tally: Tally) -> tuple[Any, ...]:
    return (tally.renders, tally.usable, tally.usable_rate, tally.live_spend_usd, tally.cost_per_usable_usd)


def test_totals_and_trend_of_the_known_ledger(known: Ledger) -> None:
    report = build_report(known, ReportQuery(since=SINCE, until=UNTIL))
    # r1-r8: usable r1 r2 r5 r7 r8; live spend 7 (r5 is a replay); usable live clips r1 r2 r7 r8.
    assert _figures(report.totals.current) == (8, 5, 0.625, 7.0, 1.75)
    assert report.totals.previous is not None
    assert _figures(report.totals.previous) == (2, 1, 0.5, 2.0, 2.0)
    assert report.totals.rate_change == pytest.approx(0.125)
    assert report.totals.cost_change == pytest.approx(-0.125)
    assert report.previous_start == datetime(2025, 2, 17, tzinfo=UTC)


def test_weekly_rows_of_the_known_ledger(known: Ledger) -> None:
    report = build_report(known, ReportQuery(since=SINCE, until=UNTIL))
    assert [(w.week, w.week_start, w.scenario, _figures(w.tally)) for w in report.weekly] == [
        ("2025-W10", date(2025, 3, 3), "ad", (4, 2, 0.5, 3.0, 1.5)),
        ("2025-W10", date(2025, 3, 3), "dance", (2, 1, 0.5, 2.0, None)),  # no usable live clip
        ("2025-W11", date(2025, 3, 10), "ad", (2, 2, 1.0, 2.0, 1.0)),
    ]


def test_breakdowns_of_the_known_ledger(known: Ledger) -> None:
    report = build_report(known, ReportQuery(since=SINCE, until=UNTIL))
    scenarios = {g.name: g for g in report.by_scenario}
    assert _figures(scenarios["ad"].current) == (6, 4, 4 / 6, 5.0, 1.25)
    assert scenarios["ad"].previous is not None and scenarios["ad"].previous.renders == 2
    assert scenarios["dance"].previous is not None and scenarios["dance"].previous.renders == 0
    assert scenarios["dance"].rate_change is None  # nothing to compare with
    assert [(g.scenario, g.name) for g in report.by_preset] == [("ad", "a1"), ("dance", "d1")]
    assert [(g.name, g.current.renders) for g in report.by_provider] == [("kling", 6), ("runway", 2)]


@pytest.mark.parametrize(
    ("selection", "renders", "usable"),
    [
        ({"scenarios": ("dance",)}, 2, 1),
        ({"presets": ("a1",)}, 6, 4),
        ({"providers": ("runway", "kling")}, 8, 5),
        ({"live_only": True}, 7, 4),
        ({"scenarios": ("nope",)}, 0, 0),
    ],
)
def test_selection_narrows_every_figure(known: Ledger, selection: dict[str, Any], renders: int, usable: int) -> None:
    report = build_report(known, ReportQuery(since=SINCE, until=UNTIL, **selection))
    assert (report.totals.current.renders, report.totals.current.usable) == (renders, usable)
    assert sum(w.tally.renders for w in report.weekly) == renders
    assert sum(g.current.renders for g in report.by_preset) == renders
    assert report.has_rows == bool(renders)
    assert not report.empty_ledger


def test_whole_ledger_has_no_previous_period(known: Ledger) -> None:
    report = build_report(known, ReportQuery(until=UNTIL + timedelta(days=30)))
    assert report.totals.current.renders == 12
    assert report.totals.previous is None
    assert report.totals.rate_change is None
    assert report.previous_start is None


def test_an_empty_ledger_is_reported_as_empty(ledger_url: str) -> None:
    with open_ledger(ledger_url) as ledger:
        report = build_report(ledger, ReportQuery(since=SINCE, until=UNTIL))
    assert report.empty_ledger
    assert not report.has_rows
    assert report.weekly == [] and report.by_scenario == [] and report.retire == []


def test_a_period_that_ends_before_it_starts_is_refused(known: Ledger) -> None:
    with pytest.raises(ValueError, match="is not before until"):
        build_report(known, ReportQuery(since=UNTIL, until=SINCE))


def _runs(preset: str, scenario: str, rates: list[float], first_day: int = 1) -> list[LedgerRow]:
    """One run a day, six renders each, ``rate`` of them usable."""
    rows = []
    for day, rate in enumerate(rates, start=first_day):
        for index in range(6):
            rows.append(make_row(
                preset_id=preset, scenario=scenario, run_id=f"{preset}-run-{day}", repeat=index,
                recorded_at=datetime(2025, 4, day, 9, index, tzinfo=UTC),
                verdict="pass" if index < round(rate * 6) else "fail",
            ))
    return rows


@pytest.fixture
def retire_ledger(ledger_url: str) -> Iterator[Ledger]:
    rows = (
        _runs("always-bad", "dance", [1 / 3] * 7)
        + _runs("recovered", "dance", [0.0] * 5 + [5 / 6])
        + _runs("too-new", "dance", [0.0] * 3)
        + _runs("fine", "ad", [2 / 3] * 6)
        + _runs("bad-ad", "ad", [1 / 6] * 5)
        + _runs("borderline", "ad", [0.5] * 5)  # at the floor is not below it
    )
    with open_ledger(ledger_url) as ledger:
        ledger.append(rows)
        yield ledger


def test_retire_suggests_presets_below_the_floor_in_each_of_the_last_runs(retire_ledger: Ledger) -> None:
    report = build_report(retire_ledger, ReportQuery(until=datetime(2025, 5, 1, tzinfo=UTC)))
    assert [(s.preset_id, s.scenario, s.runs) for s in report.retire] == [
        ("bad-ad", "ad", 5), ("always-bad", "dance", 5),
    ]
    [bad_ad, always_bad] = report.retire
    assert bad_ad.usable_rate == pytest.approx(1 / 6)
    assert always_bad.best_run_rate == pytest.approx(1 / 3)
    assert always_bad.renders == 30  # the last five runs only
    assert always_bad.last_run_at == datetime(2025, 4, 7, 9, 0, tzinfo=UTC)


def test_retire_floors_and_run_counts_are_the_caller_s(retire_ledger: Ledger) -> None:
    until = datetime(2025, 5, 1, tzinfo=UTC)
    lenient = build_report(retire_ledger, ReportQuery(until=until, floors={"dance": 0.3}))
    assert [s.preset_id for s in lenient.retire] == ["bad-ad"]
    short = build_report(retire_ledger, ReportQuery(until=until, last_runs=3))
    assert {s.preset_id for s in short.retire} == {"bad-ad", "always-bad", "too-new"}
    strict = build_report(retire_ledger, ReportQuery(until=until, floor=0.7))
    assert {s.preset_id for s in strict.retire} == {"bad-ad", "always-bad", "borderline", "fine"}


def test_retire_ignores_presets_that_no_longer_run(retire_ledger: Ledger) -> None:
    later = ReportQuery(since=datetime(2025, 4, 7, tzinfo=UTC), until=datetime(2025, 5, 1, tzinfo=UTC))
    assert [s.preset_id for s in build_report(retire_ledger, later).retire] == ["always-bad"]


def _reference(rows: list[LedgerRow], since: datetime, until: datetime) -> dict[tuple[date, str], Tally]:
    """The weekly figures computed the slow way, row by row in Python."""
    sums: dict[tuple[date, str], list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0.0])
    for row in rows:
        if not since <= row.recorded_at < until:
            continue
        day = row.recorded_at.date()
        tally = sums[(day - timedelta(days=day.weekday()), row.scenario)]
        tally[0] += 1
        tally[1] += row.usable
        tally[2] += not row.replayed
        tally[3] += row.usable and not row.replayed
        tally[4] += row.spend_usd
    return {key: Tally(int(a), int(b), int(c), int(d), e) for key, (a, b, c, d, e) in sums.items()}


def test_weekly_figures_match_a_row_by_row_reference(ledger_url: str) -> None:
    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = [
        make_row(
            run_id=f"run-{i}", recorded_at=start + timedelta(seconds=rng.randrange(70 * 86400)),
            scenario=rng.choice(["ad", "dance", "product"]), preset_id=rng.choice(["p1", "p2", "p3"]),
            provider=rng.choice(["kling", "runway"]), replayed=rng.random() < 0.3,
            verdict=rng.choice(["pass", "pass-with-edits", "fail", "error"]),
            cost_usd=round(rng.uniform(0, 3), 2),
        )
        for i in range(1500)
    ]
    since, until = datetime(2025, 1, 15, 6, tzinfo=UTC), datetime(2025, 3, 1, 18, tzinfo=UTC)
    with open_ledger(ledger_url) as ledger:
        ledger.append(rows)
        report = build_report(ledger, ReportQuery(since=since, until=until))
    expected = _reference(rows, since, until)
    got = {(w.week_start, w.scenario): w.tally for w in report.weekly}
    assert got.keys() == expected.keys()
    for key, tally in expected.items():
        assert got[key].renders == tally.renders and got[key].usable == tally.usable
        assert got[key].live_usable == tally.live_usable
        assert got[key].live_spend_usd == pytest.approx(tally.live_spend_usd)


def test_the_database_does_the_aggregating(known: Ledger) -> None:
    """Every query the report sends returns groups, never the ledger's rows."""
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        build_report(known, ReportQuery(since=SINCE, until=UNTIL))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    reads = [s for s in statements if "reelgate_renders" in s]
    assert len(reads) >= 6
    for statement in reads:
        assert re.search(r"GROUP BY|^SELECT (sum|count)\(|EXISTS", statement, re.IGNORECASE), statement


def test_retire_names_the_combination_its_interval_and_its_cost_against_the_scenario(ledger_url: str) -> None:
    def run(preset: str, day: int, camera: str, usable: int, motion: Any = lambda i: 4) -> list[LedgerRow]:
        return [make_row(preset_id=preset, scenario="ad", run_id=f"{preset}-{day}", repeat=i, camera_intent=camera,
                         motion_score=motion(i), recorded_at=datetime(2025, 4, day, 9, i, tzinfo=UTC),
                         verdict="pass" if i < usable else "fail", cost_usd=0.49) for i in range(6)]

    rows = run("bad-ad", 1, "slow push-in", 0)  # before its last five runs: not its combination
    for day in range(2, 7):
        rows += run("bad-ad", day, "gentle pan right", 1, motion=lambda i: 2 if i < 3 else 5)
        rows += run("good", day, "slow push-in", 6)
    with open_ledger(ledger_url) as ledger:
        ledger.append(rows)
        report = build_report(ledger, ReportQuery(until=datetime(2025, 5, 1, tzinfo=UTC)))
    [bad] = report.retire
    [combo] = bad.combinations
    assert (combo.camera, combo.reference_id, combo.motion_low, combo.motion_high) == (
        "gentle pan right", "sha256:" + "b" * 64, 2, 5)
    assert (bad.usable, bad.renders) == (5, 30)
    assert bad.interval == pytest.approx((0.0734, 0.3356), abs=1e-4)  # Wilson 95% of 5/30
    assert bad.cost_per_usable_usd == pytest.approx(30 * 0.49 / 5)
    # The scenario: 66 live renders at $0.49, 35 of them usable (bad-ad 5, good 30).
    assert bad.scenario_cost_per_usable_usd == pytest.approx(66 * 0.49 / 35)
    from reelgate.records.render_text import render_table

    assert re.search(r"^ad\s+bad-ad\s+gentle pan right / sha256:bbbbbbbbbbbb\.\.\.bbbb / motion 2-5\s+5\s+16\.7%\s+"
                     r"7-34%\s+16\.7%\s+50\.0%\s+\$2\.94\s+\$0\.92\s+2025-04-06$", render_table(report), re.M)

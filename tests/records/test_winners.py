"""``reelgate report --winners``: the winning range learnt from renders whose usable rate per motion
score is known, the proposal, cameras and references, and what too little data says."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from reelgate.records import Ledger, LedgerRow, ReportQuery, open_ledger
from reelgate.records.scenarios_file import read_scopes
from reelgate.records.winners import build_winners
from reelgate.records.winners_text import camera_label
from reelgate.records.winning import NotEnoughData, Point, WinningRange, required_rate, winning_range
from tests.records.rows import make_row
from tests.records.test_cli import _run

#: Usable renders of 20 at each motion score of the "ad" scenario: a hump that peaks at 3-4.
USABLE_OF_20 = {1: 4, 2: 14, 3: 18, 4: 18, 5: 16, 6: 6}
WHEN = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)
REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "presets" / "scenarios.yaml"
PERIOD = ["--since", "2025-03-03", "--until", "2025-03-17"]


def hump_rows(**overrides: Any) -> list[LedgerRow]:
    rows = []
    for score, usable in USABLE_OF_20.items():
        for i in range(20):
            values = {"run_id": f"r{i}", "sweep_point": f"m{score}", "motion_score": score, "scenario": "ad",
                      "preset_id": "coffee", "verdict": "pass" if i < usable else "fail", "recorded_at": WHEN,
                      "camera_intent": "hero-push" if i % 2 else "gentle pan right", **overrides}
            rows.append(make_row(**values))
    return rows


@pytest.fixture
def hump(ledger_url: str) -> Iterator[Ledger]:
    with open_ledger(ledger_url) as ledger:
        ledger.append(hump_rows())
        yield ledger


def test_the_winning_range_of_a_known_hump(hump: Ledger) -> None:
    [ad] = build_winners(hump, ReportQuery(since=datetime(2025, 3, 3, tzinfo=UTC),
                                           until=datetime(2025, 3, 17, tzinfo=UTC))).scenarios
    found = ad.found
    assert isinstance(found, WinningRange)
    # Best point: 3 (18/20, lower bound 69.9%; 4 ties and the lower score wins). Neighbours join
    # while their upper bound reaches 69.9%: 2 (14/20, up to 85.5%) and 5 (16/20, up to 91.9%)
    # do, 1 (4/20, up to 41.6%) and 6 (6/20, up to 51.9%) do not.
    assert (found.low, found.high, found.best.motion_score) == (2, 5, 3)
    assert (found.usable, found.renders) == (66, 80)
    assert found.interval == pytest.approx((0.7274, 0.8928), abs=1e-4)  # Wilson 95% of 66/80, by hand
    assert found.proposed and ad.proposal == ((2, 5), (2, 3, 5))
    assert ad.outside == [("coffee", (1.0, 6.0))]


def test_cameras_and_cost_per_usable_clip(hump: Ledger) -> None:
    [ad] = build_winners(hump, ReportQuery()).scenarios
    cameras = {g.key: g.figures.tally for g in ad.cameras}
    # Odd renders are hero-push: of 20 per score, usable are the first `usable`, so hero-push gets
    # floor(usable / 2) of them: 2+7+9+9+8+3 = 38 of 60; the pan gets the rest, 38 of 60 too.
    assert (cameras["hero-push"].usable, cameras["hero-push"].renders) == (38, 60)
    assert ad.in_range().tally.cost_per_usable_usd == pytest.approx(0.49 * 80 / 66)
    # A template and its words are one camera, named both ways.
    with_ad = read_scopes(REPO_SCENARIOS)
    hump.append([make_row(run_id="words", camera_intent="slow push-in", recorded_at=WHEN, scenario="ad")])
    [ad] = build_winners(hump, ReportQuery(), with_ad).scenarios
    assert [(camera_label(g.key, ad), g.figures.tally.renders) for g in ad.cameras] == [
        ("gentle pan right (reveal)", 60), ("slow push-in (hero-push)", 61)]


def test_simulated_renders_are_no_spend(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ledger.sqlite"
    with open_ledger(path) as ledger:
        ledger.append(hump_rows(source="simulated"))
    assert _run(["report", "--ledger", str(path), *PERIOD, "--winners",
                 "--scenarios", str(tmp_path / "none.yaml")]) == 1
    assert "none.yaml: scenarios file not found; give its path with --scenarios PATH" in capsys.readouterr().err
    assert _run(["report", "--ledger", str(path), *PERIOD, "--winners", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)["scenarios"][0]
    assert data["proposal"] == {"motion_range": [2.0, 5.0], "sweep": [2.0, 3.0, 5.0]}
    assert data["points"][0]["live_spend_usd"] == 0 and data["points"][0]["simulated"] == 20
    assert _run(["report", "--ledger", str(path), *PERIOD, "--winners"]) == 0
    assert "cost / usable no spend (80 simulated)." in capsys.readouterr().out


def test_too_little_data_says_what_is_missing(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ledger.sqlite"
    with open_ledger(path) as ledger:
        ledger.append([make_row(run_id=f"r{i}", motion_score=score, sweep_point=f"m{score}", recorded_at=WHEN)
                       for i in range(2) for score in (2, 3, 5)])
    assert _run(["report", "--ledger", str(path), *PERIOD, "--winners"]) == 0
    out = capsys.readouterr().out
    assert "Not enough data: no motion score has 3 renders yet (most: 2 at motion 2)." in out
    assert "Propose:" not in out


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        ([Point(3, 9, 9), Point(4, 2, 2)], "only motion 3 has 3+ renders; 2 scores are needed for a range"),
        ([Point(2, 20, 2), Point(3, 20, 20), Point(4, 20, 1)],
         "motion 3 stands alone: every neighbour is clearly worse; sweep scores closer to it"),
        ([Point(2, 20, 6), Point(3, 20, 8)], "its 95% lower bound 22% is under the required 50%"),
    ],
)
def test_no_proposal_without_the_evidence(points: list[Point], reason: str) -> None:
    found = winning_range(points, 0.5)
    said = found.reason
    assert said == reason
    assert isinstance(found, NotEnoughData) or found.sweep() is None


def test_the_required_rate_is_the_floor_or_a_share() -> None:
    assert required_rate(0.5, 1) == 0.5  # a count of 1 of 1 repeat is not a rate of 100%
    assert required_rate(0.5, 0.66) == 0.66
    assert required_rate(0.7, 0.66) == 0.7
    # A range of 2 points whose pooled bound clears 50% but not 90%:
    points = [Point(2, 10, 9), Point(3, 10, 9)]
    assert winning_range(points, 0.5).proposed  # type: ignore[union-attr]
    assert not winning_range(points, 0.9).proposed  # type: ignore[union-attr]


def test_a_two_point_range_takes_its_middle_as_mid() -> None:
    found = winning_range([Point(3, 10, 9), Point(4, 10, 9)], 0.5)
    assert isinstance(found, WinningRange)
    assert found.sweep() == (3, 3.5, 4)

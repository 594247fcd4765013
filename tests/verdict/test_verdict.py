"""The rubric, k-of-n usability, motion response, regression compare and approved records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelgate.analysis.model import ClipAnalysis, Glitch
from reelgate.preset.camera import parse_camera
from reelgate.preset.thresholds import Regression, Rubric
from reelgate.verdict.approved import BrokenApproval, approve, load_approved, write_approved
from reelgate.verdict.motion import RESPONSE_METRIC, motion_response
from reelgate.verdict.record import (
    ApprovedRecord,
    PointRecord,
    ProviderVariable,
    RunRecord,
    Variables,
    describe_changes,
)
from reelgate.verdict.regression import compare
from reelgate.verdict.rubric import judge_clip, table
from reelgate.verdict.usable import judge_point, needed_usable, wilson_interval

DATA = Path(__file__).resolve().parents[1] / "data"
RUBRIC = Rubric(min_continuity=0.8, min_subject=0.5, warn_margin=0.05, max_glitches=0)


@pytest.fixture
def clean() -> ClipAnalysis:
    return ClipAnalysis.model_validate_json((DATA / "analysis_pan_right.json").read_text())


def with_(analysis: ClipAnalysis, **changes: dict) -> ClipAnalysis:
    data = analysis.model_dump()
    for part, values in changes.items():
        data[part] = {**data[part], **values}
    return ClipAnalysis.model_validate(data)


def test_clean_clip_passes(clean: ClipAnalysis) -> None:
    verdict = judge_clip("p/mid", clean, RUBRIC, parse_camera("gentle pan right"))
    assert verdict.verdict == "pass", table(verdict)
    assert verdict.metrics["camera_match"] == 1.0 and verdict.fault_times == []


def test_subject_below_bound_fails_and_inside_margin_needs_edits(clean: ClipAnalysis) -> None:
    intent = parse_camera("gentle pan right")
    failing = judge_clip("k", with_(clean, subject={"score": 0.4, "worst_time": 2.5}), RUBRIC, intent)
    assert failing.verdict == "fail" and (2.5, "subject") in failing.faults()
    edits = judge_clip("k", with_(clean, subject={"score": 0.52}), RUBRIC, intent)
    assert edits.verdict == "pass-with-edits"
    assert "within 0.05 of the bound" in table(edits)


def test_a_subject_out_of_frame_for_most_of_the_clip_is_a_look_never_a_failure(
        clean: ClipAnalysis) -> None:
    intent = parse_camera("gentle pan right")
    away = with_(clean, subject={"visible": 0.3, "left_frame_at": 1.25})
    verdict = judge_clip("k", away, RUBRIC, intent)
    assert verdict.verdict == "pass-with-edits", table(verdict)
    assert "subject in frame" in table(verdict) and "left the frame at 1.25 s" in table(verdict)
    assert (1.25, "subject left") in verdict.faults()
    assert judge_clip("k", with_(clean, subject={"visible": 0.6, "left_frame_at": 3.0}), RUBRIC,
                      intent).verdict == "pass"  # in frame for most of it
    off = RUBRIC.model_copy(update={"min_subject_in_frame": 0.0})
    assert judge_clip("k", away, off, intent).verdict == "pass"
    # A box that slid off with the camera lost its subject, which the score counts: no exit to flag.
    lost = judge_clip("k", with_(clean, subject={"visible": 0.3, "left_frame_at": None}), RUBRIC, intent)
    assert "subject in frame" not in table(lost) and not [k for _, k in lost.faults() if "left" in k]


def test_cuts_glitches_and_continuity_are_hard_checks(clean: ClipAnalysis) -> None:
    intent = parse_camera("gentle pan right")
    cut = judge_clip("k", with_(clean, continuity={"cuts": [1.5], "cut_frames": [36]}), RUBRIC, intent)
    assert cut.verdict == "fail" and "cut at 1.50 s" in table(cut)
    glitch = Glitch(time=2.0, frame=48, kind="flash", strength=2.0, start=2.0, end=2.0).model_dump()
    flashed = judge_clip("k", with_(clean, continuity={"glitches": [glitch]}), RUBRIC, intent)
    assert flashed.verdict == "fail" and flashed.fault_times == [2.0]
    assert flashed.faults() == [(2.0, "flash")]  # the kind the sheet writes on the frame
    both = judge_clip("k", with_(clean, continuity={"glitches": [glitch], "cuts": [2.0], "cut_frames": [48]}),
                      RUBRIC, intent)
    assert both.faults() == [(2.0, "cut+flash")]  # one frame, both faults named
    lenient = RUBRIC.model_copy(update={"max_glitches": 1})
    assert judge_clip("k", with_(clean, continuity={"glitches": [glitch]}), lenient, intent).verdict == "pass"


def test_a_corrupted_span_is_one_glitch_with_its_span(clean: ClipAnalysis) -> None:
    """A 39-frame corruption counts once against max_glitches, and the table shows its span."""
    intent = parse_camera("gentle pan right")
    span = Glitch(time=1.6, frame=40, kind="corruption", strength=3.0, start=1.6, end=3.12)
    broken = with_(clean, continuity={"glitches": [span.model_dump()]})
    verdict = judge_clip("k", broken, RUBRIC, intent)
    assert verdict.verdict == "fail" and "corruption 1.60-3.12 s" in table(verdict)
    assert verdict.metrics["glitches"] == 1.0
    lenient = RUBRIC.model_copy(update={"max_glitches": 1})
    assert judge_clip("k", broken, lenient, intent).verdict == "pass"


def test_camera_intent_must_match_unless_the_scenario_waives_it(clean: ClipAnalysis) -> None:
    verdict = judge_clip("k", clean, RUBRIC, parse_camera("slow push-in"))
    assert verdict.verdict == "fail"
    assert "where push-in is asked" in table(verdict)
    waived = RUBRIC.model_copy(update={"require_camera_match": False})
    assert judge_clip("k", clean, waived, parse_camera("slow push-in")).verdict == "pass"


def test_k_of_n_and_wilson_interval(clean: ClipAnalysis) -> None:
    intent = parse_camera("gentle pan right")
    good = judge_clip("a", clean, RUBRIC, intent)
    bad = judge_clip("b", with_(clean, subject={"score": 0.1}), RUBRIC, intent)
    point = judge_point("mid", 4, [good, bad, good], 2, 3)
    assert (point.verdict, point.usable, point.needed) == ("pass", 2, 2)
    assert point.interval == wilson_interval(2, 3)
    assert judge_point("mid", 4, [good, bad], 0.75, 3).verdict == "fail"  # a failed render counts
    assert needed_usable(0.5, 3) == 2 and needed_usable(1, 4) == 1
    assert wilson_interval(0, 1) == (0.0, 0.7935)
    low, high = wilson_interval(9, 10)
    assert low == pytest.approx(0.596, abs=1e-3) and high == pytest.approx(0.982, abs=1e-3)


def test_motion_must_rise_with_motion_score() -> None:
    assert motion_response([("low", 2, 0.1), ("mid", 4, 0.2), ("mid-high", 6, 0.4)], 0.01).ok
    flat = motion_response([("low", 2, 0.2), ("mid", 4, 0.2), ("mid-high", 6, 0.205)], 0.01)
    assert not flat.ok and "flat response" in flat.message and "mid (score 4): 0.200" in flat.message
    inverted = motion_response([("low", 2, 0.3), ("mid", 4, 0.1), ("mid-high", 6, 0.5)], 0.01)
    assert not inverted.ok and "inverted" in inverted.message
    assert motion_response([], 0.01).message == ""  # no clips: nothing to say, not a bare "motion:"
    one = motion_response([("low", 2, 0.1)], 0.01)
    assert one.ok and one.message == "motion response not checked: motion measured at one sweep point only " \
        "(low (score 2): 0.100)"


def test_the_motion_response_reads_the_motion_the_camera_does_not_explain() -> None:
    """A tracking sweep: the frame's motion is the background's at every score, flat; the
    subject's own motion rises, which is what motion_score moves."""
    assert RESPONSE_METRIC == "object_motion"
    sweep = [("low", 3, {"motion": 0.221, "object_motion": 0.151}),
             ("mid", 6, {"motion": 0.218, "object_motion": 0.176}),
             ("mid-high", 9, {"motion": 0.283, "object_motion": 0.21})]
    assert not motion_response([(p, s, m["motion"]) for p, s, m in sweep], 0).ok
    assert motion_response([(p, s, m[RESPONSE_METRIC]) for p, s, m in sweep], 0).ok


def record(verdict: str = "pass", analyzer: str = "a1", **metrics: float) -> ApprovedRecord:
    """An approved record of one point, ``mid``; ``metrics`` replace the defaults."""
    base = {"continuity": 1.0, "subject": 0.8, "motion": 0.2, "glitches": 0.0, "usable_rate": 1.0}
    point = PointRecord(motion_score=4.0, verdict=verdict, usable=1, total=1,  # type: ignore[arg-type]
                        metrics={**base, **metrics}, clips=["x"], fingerprint="f")
    variables = Variables(prompt="a", reference=[None, None], motion=4.0, camera={"move": "pan-right"},
                          negative=[], output={"duration": 5.0},
                          provider=ProviderVariable(name="kling", model="kling-v2-6", mode=None))
    run = RunRecord(preset="p", version=1, scenario="ad", analyzer=analyzer, provider="kling",
                    model="kling-v2-6", variables=variables, points={"mid": point})
    return approve(run, "Ann <ann@example.com>", "2026-12-02T00:00:00Z")


def changed(base: ApprovedRecord, **parts: object) -> ApprovedRecord:
    """``base`` with some of its parts replaced (``mid=`` a point, ``variables=`` ...)."""
    points = {"mid": parts.pop("mid")} if "mid" in parts else base.points
    return base.model_copy(update={"points": points, **parts})


def test_regression_flags_worse_verdicts_and_metrics_beyond_tolerance() -> None:
    rules = Regression(default_tolerance=0.05, tolerances={"motion": 0.1})
    same = compare(record(), record(subject=0.78), rules)
    assert not same.regressed and not same.headline()
    worse = compare(record(), record("pass-with-edits", subject=0.7, glitches=1.0, motion=0.35), rules)
    assert {r.metric for r in worse.regressed} == {"verdict", "subject", "glitches", "motion"}
    assert "WORSE" in worse.table() and "subject" in worse.table()
    better = compare(record("pass-with-edits"), record(subject=0.95), rules)
    assert not better.regressed


def status(report: object) -> dict[str, str]:
    return {r.metric: r.status for r in report.rows}  # type: ignore[attr-defined]


def test_a_two_sided_metric_beyond_tolerance_has_changed_not_got_worse() -> None:
    """Motion up 0.097 against ±0.05 after a camera change is a new look, neither worse nor better;
    only metrics with a good direction are worse or better."""
    rules = Regression(default_tolerance=0.05)
    up = compare(record(), record(motion=0.297), rules)
    assert status(up)["motion"] == "changed" and [r.metric for r in up.regressed] == ["motion"]
    assert up.headline() == "1 metric(s) changed beyond tolerance"
    moved = next(line for line in up.table().splitlines() if "motion" in line)
    assert moved.split() == ["mid", "motion", "0.2", "0.297", "+0.097", "±0.05", "CHANGED"]
    assert "WORSE" not in up.table()
    assert status(compare(record(), record(motion=0.103), rules))["motion"] == "changed"  # down too
    assert status(compare(record(), record(motion=0.24), rules))["motion"] == "within"
    mixed = compare(record(), record(continuity=0.9, usable_rate=0.5, motion=0.1), rules)
    assert status(mixed) | {"verdict": "same"} == {"verdict": "same", "continuity": "worse",
                                                   "usable_rate": "worse", "motion": "changed",
                                                   "subject": "same", "glitches": "same"}
    assert mixed.headline() == "2 metric(s) got worse and 1 changed beyond tolerance"
    gained = compare(record(continuity=0.8), record(continuity=0.95), rules)
    assert status(gained)["continuity"] == "better" and not gained.regressed
    assert "BETTER" in gained.table()


def test_a_point_without_clips_is_not_compared() -> None:
    """Nothing rendered (no recording, a failed render): the sweep item says why; the regression
    claims neither worse metrics nor provider drift for it."""
    empty = changed(record(), mid=record().points["mid"].model_copy(
        update={"verdict": "fail", "clips": [], "usable": 0, "metrics": {"usable_rate": 0.0}}))
    report = compare(record(), empty, Regression())
    assert report.rows == [] and report.drift == [] and not report.regressed


def test_regression_tells_provider_drift_and_counts_changed_layers() -> None:
    new = changed(record(), mid=record().points["mid"].model_copy(update={"clips": ["y"]}))
    assert compare(record(), new, Regression()).drift == ["mid"]
    new = changed(new, variables=new.variables.model_copy(update={"prompt": "b", "camera": {"move": "tilt"}}))
    report = compare(record(), new, Regression())
    assert report.changed_layers == ["prompt", "camera"] and report.multi_variable
    assert not compare(record(), new, Regression(allow_multi_variable=True)).multi_variable


def test_approved_records_round_trip_and_broken_ones_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "approved" / "p.json"
    assert load_approved(path) is None
    write_approved(path, record())
    assert load_approved(path) == record()
    assert json.loads(path.read_text())["points"]["mid"]["verdict"] == "pass"
    assert describe_changes(record(), record("pass-with-edits", subject=0.5)) == [
        "mid: verdict pass -> pass-with-edits", "mid: subject 0.8 -> 0.5"]
    assert describe_changes(None, record()) == ["first approval of p v1"]
    path.write_text("{not json")
    with pytest.raises(BrokenApproval, match=r"p.json:1:2: not valid JSON"):
        load_approved(path)


def test_metrics_of_another_analyzer_version_are_not_compared() -> None:
    old, new = record(analyzer="1"), record("pass", analyzer="2", subject=0.1)
    report = compare(old, new, Regression())
    assert report.analyzer_changed == "1 -> 2"
    assert not report.regressed and {r.metric for r in report.rows} == {"verdict"}
    new = changed(new, mid=new.points["mid"].model_copy(update={"verdict": "fail"}))
    assert [r.metric for r in compare(old, new, Regression()).regressed] == ["verdict"]
    unknown = record().model_copy(update={"analyzer": None})  # approved before records carried it
    assert compare(unknown, record(), Regression()).analyzer_changed == "? -> a1"

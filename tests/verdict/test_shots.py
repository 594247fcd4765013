"""Multi-shot verdicts: cuts against declared boundaries, judged per shot; regression per shot."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelgate.analysis.model import ClipAnalysis, Glitch
from reelgate.preset.camera import CameraIntent, parse_camera
from reelgate.preset.model import Shot
from reelgate.preset.thresholds import Regression, Rubric
from reelgate.verdict.record import PointRecord, ProviderVariable, RunRecord, Variables
from reelgate.verdict.regression import compare
from reelgate.verdict.rubric import judge_clip, table
from reelgate.verdict.shots import check_shot_cuts

DATA = Path(__file__).resolve().parents[1] / "data"
RUBRIC = Rubric(min_continuity=0.8, min_subject=0.5, warn_margin=0.05)
PAN = parse_camera("gentle pan right")
FPS = 24


def shots(*durations: int, camera: CameraIntent = PAN) -> tuple[Shot, ...]:
    out, start = [], 0.0
    for i, d in enumerate(durations, start=1):
        out.append(Shot(index=i, prompt=f"shot {i}", duration=d, start=start, camera=camera,
                        camera_text="gentle pan right"))
        start += d
    return tuple(out)


def clip(*cuts: float, glitches: tuple[Glitch, ...] = ()) -> ClipAnalysis:
    """The 4 s pan-right analysis, with the cuts (and glitches) given."""
    base = ClipAnalysis.model_validate_json((DATA / "analysis_pan_right.json").read_text())
    continuity = base.continuity.model_copy(update={
        "cuts": list(cuts), "cut_frames": [round(t * FPS) for t in cuts], "glitches": list(glitches)})
    return base.model_copy(update={"continuity": continuity})


def judge(analysis: ClipAnalysis, declared: tuple[Shot, ...], rubric: Rubric = RUBRIC):
    cuts = check_shot_cuts(declared, False, analysis, rubric.cut_tolerance_frames, PAN)
    per_shot = {w.index: clip() for w in cuts.windows}  # each shot: a clean pan right
    return cuts, judge_clip("p/mid", analysis, rubric, PAN, cuts, per_shot)


def test_cuts_at_the_boundaries_pass_and_are_not_counted_as_failures() -> None:
    flash = Glitch(time=2.0, frame=48, kind="flash", strength=1.5, start=2.0, end=2.0)
    cuts, verdict = judge(clip(2.0 + 2 / FPS, glitches=(flash,)), shots(2, 2))
    assert verdict.verdict == "pass", table(verdict)
    assert cuts.windows[1].first == 50 and verdict.metrics["cut_error_frames"] == 2.0
    assert {c.name for c in verdict.checks} >= {"shot cuts", "camera intent (shot 1)",
                                                "subject integrity (shot 2)"}
    assert verdict.metrics["glitches"] == 0  # the flash of an intended cut is the cut itself


def test_a_boundary_moved_by_a_second_names_the_shot_and_both_times() -> None:
    cuts, verdict = judge(clip(2.0), shots(3, 1))
    assert verdict.verdict == "fail"
    assert cuts.problems == ["shot 2: cut expected at 3.00 s (within 3 frames), found at "
                             "2.00 s (-1.00 s, 24 frames off)"]
    assert 3.0 in verdict.fault_times and 2.0 in verdict.fault_times


def test_a_missing_cut_and_an_extra_cut_fail() -> None:
    missing, _ = judge(clip(), shots(2, 2))
    assert missing.problems == ["shot 2: cut expected at 2.00 s (within 3 frames), found no cut"]
    extra, verdict = judge(clip(1.0, 2.0), shots(2, 2))
    assert extra.problems == ["shot 1: extra cut at 1.00 s inside the shot (0.00-2.00 s); cuts "
                              "expected at 2.00 s"]
    assert verdict.verdict == "fail"


def test_the_tolerance_is_in_frames_and_named() -> None:
    off = clip(2.0 + 4 / FPS)
    assert judge(off, shots(2, 2))[0].problems  # 4 frames off, 3 allowed
    assert judge(off, shots(2, 2), RUBRIC.model_copy(update={"cut_tolerance_frames": 4}))[0].ok


def test_camera_intent_is_judged_per_shot() -> None:
    declared = shots(2, 2)
    locked_second = (declared[0], declared[1].model_copy(update={"camera": parse_camera("locked")}))
    _, verdict = judge(clip(2.0), locked_second)
    failed = [c.name for c in verdict.checks if c.status == "fail"]
    assert failed == ["camera intent (shot 2)"]
    assert verdict.metrics["shot1.camera_match"] == 1.0 and verdict.metrics["shot2.camera_match"] == 0


def test_intelligence_accepts_the_models_cuts_up_to_six_shots() -> None:
    ok = check_shot_cuts((), True, clip(1.0, 2.5), 3, PAN)
    assert ok.ok and [w.index for w in ok.windows] == [1, 2, 3]
    crowded = check_shot_cuts((), True, clip(0.5, 1.0, 1.5, 2.0, 2.5, 3.0), 3, PAN)
    assert crowded.problems and "at most 6" in crowded.problems[0]


def test_regression_compares_shot_by_shot() -> None:
    def record(subject: float) -> RunRecord:
        point = PointRecord(motion_score=3, verdict="pass", usable=1, total=1, clips=["c"], fingerprint="f",
                            metrics={"shot1.subject": 0.9, "shot2.subject": subject})
        variables = Variables(prompt="p", reference=[None, None], motion=3, camera={}, negative=[],
                              output={}, provider=ProviderVariable(name="kling", model="kling-v3", mode="pro"))
        return RunRecord(preset="p", version=1, scenario="narrative", analyzer="a", provider="kling",
                         model="kling-v3", variables=variables, points={"mid": point})

    report = compare(record(0.9), record(0.7), Regression(default_tolerance=0.05))
    assert [(r.metric, r.worse) for r in report.rows if r.metric != "verdict"] == [
        ("shot1.subject", False), ("shot2.subject", True)]


@pytest.mark.parametrize("declared", [(2, 2), (1, 1, 2)])
def test_windows_cover_the_whole_clip(declared: tuple[int, ...]) -> None:
    cuts = check_shot_cuts(shots(*declared), False, clip(), 3, PAN)
    assert cuts.windows[0].first == 0 and cuts.windows[-1].end == 96
    assert all(a.end == b.first for a, b in zip(cuts.windows, cuts.windows[1:], strict=False))

"""Subject integrity: found, followed, and compared with its first second."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from reelgate.analysis import analyze_clip
from reelgate.analysis.cache import AnalysisCache
from reelgate.analysis.model import ClipAnalysis
from tests.analysis.synth import ON_SYNTHETIC_SCENERY, SYNTHETIC_SCENERY, Camera, Shot, Subject

WALK = {"scenery": 1, "at": (0.45, 0.5), "velocity": (0.05, 0.0)}


SHOTS = {
    "locked": Shot(scenery=0, subject=Subject(**WALK)),
    "pan": Shot(
        scenery=2, camera=Camera(pan=0.08), subject=Subject(scenery=3, velocity=(-0.05, 0.0))
    ),
    "push": Shot(scenery=1, camera=Camera(zoom=0.06), subject=Subject(scenery=0, size=0.5)),
    "sway": Shot(scenery=3, subject=Subject(scenery=1, sway=6.0, size=0.55)),
    "half-morph": Shot(scenery=0, subject=Subject(**WALK, morph=0.5)),
    "morph": Shot(scenery=0, subject=Subject(**WALK, morph=1.0)),
    "morph-pan": Shot(
        scenery=2,
        camera=Camera(pan=0.08),
        subject=Subject(scenery=3, velocity=(-0.05, 0.0), morph=1.0),
    ),
    "leaves": Shot(scenery=0, subject=Subject(scenery=1, velocity=(0.35, 0.0))),
    # A tracking shot: a small subject held in frame while the background streams past it.
    "followed": Shot(scenery=2, camera=Camera(pan=0.2), subject=Subject(scenery=0, size=0.16),
                     seconds=4.0),
}
# The dance scenario's rubric bound on subject integrity (presets/scenarios.yaml).
DANCE_MIN_SUBJECT = 0.55


@pytest.fixture(scope="session")
def subjects(
    shared_clip: Callable[[str, Callable[[], list[np.ndarray]]], Path], shared_cache: AnalysisCache
) -> Callable[[str], ClipAnalysis]:
    """Each subject clip made and analysed once per run, whichever worker asks first."""

    def analyse(name: str) -> ClipAnalysis:
        path = shared_clip(f"subject-{name}.mp4", SHOTS[name].frames)
        return analyze_clip(path, cache=shared_cache)

    return analyse


@pytest.mark.parametrize(
    "name",
    [
        "locked",
        "pan",
        pytest.param(
            "push",
            marks=pytest.mark.xfail(SYNTHETIC_SCENERY, reason=ON_SYNTHETIC_SCENERY, strict=False),
        ),
        "sway",
    ],
)
def test_a_stable_subject_scores_high(subjects: Callable[[str], ClipAnalysis], name: str) -> None:
    s = subjects(name).subject
    assert s.score >= 0.8, s
    assert s.visible == 1.0


def test_identity_drift_lowers_the_score_in_proportion(
    subjects: Callable[[str], ClipAnalysis],
) -> None:
    stable, half, full = (subjects(n).subject.score for n in ("locked", "half-morph", "morph"))
    assert stable > half + 0.1 > full + 0.2, (stable, half, full)
    assert full < 0.6 and subjects("morph-pan").subject.score < 0.6
    assert subjects("morph").subject.worst_time > 2.0  # the worst is at the end, where it drifted


def test_a_subject_that_leaves_the_frame_is_reported_not_scored_as_broken(
        subjects: Callable[[str], ClipAnalysis]) -> None:
    """Walking out of the picture is no loss of identity: the score judges the subject while it
    is in frame, and the exit is said apart for the rubric to flag. Scoring the time away as
    broken failed 7 of 31 clean real clips (a dog running off and back, cars driving through)."""
    s = subjects("leaves").subject
    assert s.visible < 0.8 and s.left_frame_at is not None
    assert s.left_frame_at == pytest.approx(s.visible * 3.0, abs=0.5)  # out once, not back
    assert s.score >= DANCE_MIN_SUBJECT, s
    assert subjects("locked").subject.left_frame_at is None


def test_the_moving_subject_is_the_one_found(subjects: Callable[[str], ClipAnalysis]) -> None:
    s = subjects("locked").subject
    assert s.found_by == "motion"
    # the subject is 0.45 of the frame high and 0.34 of its height wide (0.19 of its width),
    # centred at x = 0.45 + 0.05 t, y = 0.5 when the subject is chosen (t = 0.2 s)
    cx, cy = s.box.x + s.box.w / 2, s.box.y + s.box.h / 2
    assert cx == pytest.approx(0.46, abs=0.06) and cy == pytest.approx(0.5, abs=0.06)
    assert 0.1 < s.box.w < 0.4 and 0.3 < s.box.h < 0.7


@pytest.mark.xfail(SYNTHETIC_SCENERY, strict=False, reason=(
    "known failure on synthetic scenery (../shared/media absent): on noise texture the followed "
    "subject's box is not told from the streaming background"))
def test_a_followed_subject_is_kept_while_the_background_streams_past(
        subjects: Callable[[str], ClipAnalysis]) -> None:
    """The box moves with the pixels that move unlike the camera: with the box's median flow
    it slid off with the background and the clean clip failed a dance preset's bound."""
    followed = subjects("followed").subject
    assert followed.visible == 1.0
    assert followed.score >= DANCE_MIN_SUBJECT, followed

"""Matching a measured camera against a preset's camera intent."""

from __future__ import annotations

import numpy as np
import pytest

from reelgate.analysis.intent import SPEED_TOLERANCE, match_camera
from reelgate.analysis.model import CameraAnalysis, CameraPath, CameraSegment
from reelgate.preset.camera import parse_camera


def _camera(
    move: str,
    speed: float = 0.0,
    word: str | None = None,
    *,
    stability: str = "steady",
    pan: float = 0.0,
    jitter: float = 0.0001,
) -> CameraAnalysis:
    primary = CameraSegment(
        move=move,
        start=0.0,
        end=4.0,
        speed=speed,
        speed_word=word,
        stability=stability,
        pan=pan,
        tilt=0.0,
        zoom=0.0,
        roll=0.0,
    )
    path = CameraPath(
        pan=0.0,
        tilt=0.0,
        zoom=1.0,
        roll=0.0,
        jitter=jitter,
        speed=speed,
        direction_persistence=1.0,
        anchored=0.0,
        reliability=1.0,
    )
    from reelgate.analysis.camera import move_names
    from reelgate.analysis.settings_camera import CameraSettings

    moves = move_names([primary], CameraSettings())
    return CameraAnalysis(
        primary=move, stability=stability, moves=moves, segments=[primary], path=path
    )


@pytest.mark.parametrize(
    ("camera", "intent", "matched"),
    [
        (_camera("push-in", 0.025, "slow"), "slow push-in", True),
        (_camera("push-in", 0.025, "slow"), "slow zoom in", True),  # zoom and dolly read alike
        (_camera("push-in", 0.13, "moderate"), "slow push-in", False),
        (_camera("pull-out", 0.025, "slow"), "slow push-in", False),
        (_camera("pan-right", 0.05, "gentle"), "gentle pan right", True),
        (_camera("pan-right", 0.045, "gentle"), "slow pan right", True),  # within the tolerance
        (_camera("pan-left", 0.05, "gentle"), "pan right", False),
        (_camera("locked", stability="locked"), "locked frame", True),
        (_camera("locked", stability="locked"), "static shot", True),
        (_camera("handheld", stability="handheld", jitter=0.004), "locked frame", False),
        (_camera("handheld", stability="handheld", jitter=0.004), "handheld", True),
        (
            _camera("pan-right", 0.13, "moderate", stability="handheld", jitter=0.004),
            "handheld pan right",
            True,
        ),
        (
            _camera("pan-right", 0.13, "moderate", stability="handheld", jitter=0.004),
            "steady pan right",
            False,
        ),
        (_camera("pan-right", 0.13, "moderate"), "handheld pan right", False),
        (_camera("tracking", 0.13, "moderate", pan=0.13), "moderate tracking", True),
        (_camera("tracking", 0.13, "moderate", pan=0.13), "slow orbit left", False),
        (_camera("tracking", 0.03, "slow", pan=0.03), "slow orbit left", True),
        (_camera("tracking", 0.03, "slow", pan=-0.03), "slow orbit left", False),
        (_camera("roll", 6.0), "pan right", False),
    ],
)
def test_match(camera: CameraAnalysis, intent: str, matched: bool) -> None:
    result = match_camera(camera, intent)
    assert result.matched is matched, result
    assert bool(result.reasons) is not matched
    assert result.expected == parse_camera(intent).describe()


def test_reasons_name_what_differs() -> None:
    result = match_camera(_camera("push-in", 0.13, "moderate"), parse_camera("slow push-in"))
    assert result.measured == "moderate push-in"
    assert len(result.reasons) == 1
    assert "0.130" in result.reasons[0] and "not slow (0 to 0.04)" in result.reasons[0]
    wrong = match_camera(_camera("tilt-up", 0.05, "gentle"), "pan right")
    assert wrong.reasons == ["the camera reads as gentle tilt-up where pan-right is asked"]


def test_speed_tolerance_is_a_band_edge_margin() -> None:
    edge = 0.04 * SPEED_TOLERANCE
    assert match_camera(_camera("pan-left", edge * 0.99, "gentle"), "slow pan left").matched
    assert not match_camera(_camera("pan-left", edge * 1.01, "gentle"), "slow pan left").matched


def _combined(pan: float, tilt: float, zoom: float, *, then: str | None = None) -> CameraAnalysis:
    """One steady segment moving in several families at once (and, with ``then``, a second
    segment pan-left afterwards)."""
    from reelgate.analysis.camera import move_names, speed_word
    from reelgate.analysis.camera_speed import label
    from reelgate.analysis.settings_camera import CameraSettings

    move = label(np.array([pan, tilt, zoom, 0.0]), CameraSettings())
    speed = max(abs(pan), abs(tilt), abs(zoom))
    segments = [
        CameraSegment(move=move, start=0.0, end=4.0, speed=speed, speed_word=speed_word(speed),
                      stability="steady", pan=pan, tilt=tilt, zoom=zoom, roll=0.0)
    ]
    if then:
        segments.append(CameraSegment(move="pan-left", start=4.0, end=5.0, speed=0.1,
                                      speed_word="moderate", stability="steady", pan=-0.1,
                                      tilt=0.0, zoom=0.0, roll=0.0))
    base = _camera("locked")
    return base.model_copy(update={"primary": move, "stability": "steady", "segments": segments,
                                   "moves": move_names(segments, CameraSettings())})


@pytest.mark.parametrize(
    ("camera", "intent", "matched"),
    [
        (_combined(0.055, 0.0, 0.025), "slow push-in with a gentle pan right", True),
        (_combined(0.055, 0.0, 0.025), "gentle pan right and slow zoom in", True),
        (_combined(0.055, 0.0, 0.025), "slow push-in with a moderate pan right", False),  # speed
        (_combined(0.055, 0.0, 0.025), "slow pull-out with a gentle pan right", False),
        (_combined(0.055, 0.0, 0.0), "slow push-in with a gentle pan right", False),  # no push
        (_combined(-0.06, 0.05, 0.0), "pan left and tilt up", True),
        (_combined(-0.06, 0.05, 0.0), "pan left and tilt down", False),
        (_combined(0.0, 0.1, -0.05), "moderate tilt up with a gentle pull-out", True),
        (_combined(0.0, 0.1, -0.05), "moderate tilt up", True),  # a one-move intent: the primary
        (_combined(0.1, 0.0, 0.0, then="pan-left"), "pan right", False),  # and then back left
        (_combined(0.1, 0.0, 0.0, then="pan-left"), "locked frame", False),
    ],
)
def test_match_combined(camera: CameraAnalysis, intent: str, matched: bool) -> None:
    result = match_camera(camera, intent)
    assert result.matched is matched, result
    assert bool(result.reasons) is not matched


def test_combined_reasons_name_the_component() -> None:
    camera = _combined(0.055, 0.0, 0.025)
    assert camera.moves == ["pan-right", "push-in"]
    result = match_camera(camera, "slow push-in with a moderate pan right")
    assert result.measured == "gentle pan-right with slow push-in"
    assert result.reasons == [
        "pan-right speed 0.055 frame widths per second reads as gentle, not moderate (0.08 to 0.2)"
    ]
    missing = match_camera(_combined(0.055, 0.0, 0.0), "slow push-in with a gentle pan right")
    assert missing.reasons == [
        "no push-in measured where slow push-in with gentle pan-right is asked"
    ]
    back = match_camera(_combined(0.1, 0.0, 0.0, then="pan-left"), "pan right")
    assert back.reasons == ["the camera also reads as pan-left where pan-right is asked"]

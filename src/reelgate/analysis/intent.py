"""Does the measured camera do what a preset's camera intent asks?

Moves must be equal, except that an orbit, which this analysis tells from tracking only by the
near side of the subject moving against the background, also matches a tracking read whose
background streams the orbit's way. A speed word matches when the move's speed lies in that
word's band (reelgate.analysis.camera.SPEED_BANDS), widened by SPEED_TOLERANCE either side so a
speed on a band's edge does not flip the verdict. Lens zoom and dolly read alike (both scale
the picture) and are not told apart.
"""

from __future__ import annotations

from reelgate.analysis.camera import SPEED_BANDS, SPEED_UNITS
from reelgate.analysis.model import CameraAnalysis, CameraMatch, CameraSegment
from reelgate.preset.camera import CameraIntent, parse_camera

SPEED_TOLERANCE = 1.25


def _primary(camera: CameraAnalysis) -> CameraSegment:
    return max(camera.segments, key=lambda m: m.end - m.start)


def _unit(move: str) -> str:
    if move.startswith("tilt"):
        return SPEED_UNITS["tilt"]
    if move in ("push-in", "pull-out"):
        return SPEED_UNITS["zoom"]
    return SPEED_UNITS["roll"] if move == "roll" else SPEED_UNITS["pan"]


def describe(move: CameraSegment) -> str:
    words = [
        move.speed_word,
        "handheld" if move.stability == "handheld" and move.move != "handheld" else None,
        move.move,
    ]
    return " ".join(w for w in words if w)


def _move_matches(intent: CameraIntent, camera: CameraAnalysis, primary: CameraSegment) -> bool:
    if intent.move == "handheld":
        return camera.stability == "handheld"
    if intent.move in ("orbit-left", "orbit-right") and primary.move == "tracking":
        return (primary.pan > 0) == (intent.move == "orbit-left")
    return primary.move == intent.move


def match_camera(camera: CameraAnalysis, intent: CameraIntent | str) -> CameraMatch:
    """Compare the measured primary move, its speed and its stability with the intent."""
    if isinstance(intent, str):
        intent = parse_camera(intent)
    primary = _primary(camera)
    reasons: list[str] = []
    moved = _move_matches(intent, camera, primary)
    if not moved:
        reasons.append(f"the camera reads as {describe(primary)} where {intent.move} is asked")
    if moved and intent.speed and primary.speed_word is not None:
        low, high = SPEED_BANDS[intent.speed]
        if not low / SPEED_TOLERANCE <= primary.speed < high * SPEED_TOLERANCE:
            reasons.append(
                f"speed {primary.speed:.3f} {_unit(primary.move)} reads as {primary.speed_word}, "
                f"not {intent.speed} ({low:g} to {high:g})"
            )
    if intent.stability == "steady" and camera.stability == "handheld":
        reasons.append(
            f"handheld wobble ({camera.path.jitter:.4f} frame widths RMS) where a "
            "steady camera is asked"
        )
    if (
        intent.stability == "handheld"
        and intent.move != "handheld"
        and camera.stability != "handheld"
    ):
        reasons.append("a steady camera where handheld is asked")
    return CameraMatch(
        matched=not reasons, expected=intent.describe(), measured=describe(primary), reasons=reasons
    )

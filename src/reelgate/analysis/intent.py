"""Does the measured camera do what a preset's camera intent asks?

A one-move intent asks for that move as the clip's primary move (the longest segment's). A
combined intent ("slow push-in with a gentle pan right") asks for each of its moves in
``camera.moves`` and for the primary move to be one of them. Either way no measured move may
contradict an asked one (a pan-left where pan-right is asked; any move where a locked frame is).
An orbit, which this analysis tells from tracking only by the near side of the subject moving
against the background, also matches a tracking read whose background streams the orbit's way.
A speed word matches when that move's speed lies in the word's band
(reelgate.analysis.camera_words.SPEED_BANDS), widened by SPEED_TOLERANCE either side so a speed on
a band's edge does not flip the verdict. Lens zoom and dolly read alike (both scale the
picture) and are not told apart.
"""

from __future__ import annotations

from reelgate.analysis.camera_words import FAMILY_NAMES, FAMILY_OF, SPEED_BANDS, speed_word, unit_of
from reelgate.analysis.model import CameraAnalysis, CameraMatch, CameraSegment
from reelgate.preset.camera import CameraComponent, CameraIntent, parse_camera

SPEED_TOLERANCE = 1.25
_ORBITS = {"orbit-left": "tracking", "orbit-right": "tracking"}


def _primary(camera: CameraAnalysis) -> CameraSegment:
    return max(camera.segments, key=lambda m: m.end - m.start)


def describe(move: CameraSegment) -> str:
    words = [
        move.speed_word,
        "handheld" if move.stability == "handheld" and move.move != "handheld" else None,
        move.move,
    ]
    return " ".join(w for w in words if w)


def _measured(camera: CameraAnalysis, primary: CameraSegment) -> str:
    """The primary move in words, with the other moves of the clip and their speeds."""
    others = [m for m in camera.moves if m not in (primary.move, "handheld", "locked")]
    words = [describe(primary)]
    for move in others:
        speed = _speed_of(camera, move)
        word = speed_word(speed) if speed is not None and move != "roll" else None
        words += ["with", *(w for w in (word, move) if w)]
    return " ".join(words)


def _speed_of(camera: CameraAnalysis, move: str) -> float | None:
    """A measured move's speed: its own longest segment's, or the rate of its family in the
    longest segment moving that way (a component within another move's segment)."""
    own = [s for s in camera.segments if s.move == move]
    if own:
        return max(own, key=lambda s: s.end - s.start).speed
    family = FAMILY_OF.get(move)
    if family is None:
        return None
    sign = 1.0 if FAMILY_NAMES[family][0] == move else -1.0
    rates = [(s.end - s.start, sign * (s.pan, s.tilt, s.zoom, s.roll)[family]) for s in camera.segments]
    moving = [(length, rate) for length, rate in rates if rate > 0]
    return max(moving)[1] if moving else None


def _present(part: CameraComponent, camera: CameraAnalysis) -> bool:
    if part.move == "handheld":
        return camera.stability == "handheld"
    if part.move in _ORBITS:
        tracking = [s for s in camera.segments if s.move == "tracking"]
        return any((s.pan > 0) == (part.move == "orbit-left") for s in tracking)
    return part.move in camera.moves


def _is(part: CameraComponent, camera: CameraAnalysis, primary: CameraSegment) -> bool:
    """Whether the primary move is this asked move."""
    if part.move == "handheld":
        return camera.stability == "handheld"
    if part.move in _ORBITS and primary.move == "tracking":
        return (primary.pan > 0) == (part.move == "orbit-left")
    return primary.move == part.move


def _contradictions(intent: CameraIntent, camera: CameraAnalysis) -> list[str]:
    """Measured moves that go against an asked one: the other way in its family, or any move
    where a locked frame is asked."""
    if intent.move == "locked":
        moving = [m for m in camera.moves if m not in ("locked", "handheld")]
        return [f"the camera also moves ({', '.join(moving)}) where a locked frame is asked"] if (
            moving
        ) else []
    found = []
    for part in intent.components():
        family = FAMILY_OF.get(part.move)
        if family is None or family == 3:
            continue
        other = next(n for n in FAMILY_NAMES[family] if n != part.move)
        if other in camera.moves:
            found.append(f"the camera also reads as {other} where {part.move} is asked")
    return found


def _speed_reason(part: CameraComponent, speed: float | None) -> str | None:
    if part.speed is None or speed is None:
        return None
    low, high = SPEED_BANDS[part.speed]
    if low / SPEED_TOLERANCE <= speed < high * SPEED_TOLERANCE:
        return None
    return (
        f"speed {speed:.3f} {unit_of(part.move)} reads as "
        f"{speed_word(speed)}, not {part.speed} ({low:g} to {high:g})"
    )


def match_camera(camera: CameraAnalysis, intent: CameraIntent | str) -> CameraMatch:
    """Compare the measured moves, their speeds and the stability with the intent."""
    if isinstance(intent, str):
        intent = parse_camera(intent)
    primary = _primary(camera)
    parts = intent.components()
    reasons: list[str] = []
    if not any(_is(part, camera, primary) for part in parts):
        asked = " or ".join(part.move for part in parts)
        reasons.append(f"the camera reads as {describe(primary)} where {asked} is asked")
    elif len(parts) > 1:
        missing = [part.move for part in parts if not _present(part, camera)]
        if missing:
            reasons.append(f"no {' or '.join(missing)} measured where "
                           f"{intent.describe()} is asked")
    reasons += _contradictions(intent, camera)
    for part in parts:
        if _is(part, camera, primary):
            speed = primary.speed if primary.speed_word is not None else None
        elif len(parts) > 1 and _present(part, camera):
            speed = _speed_of(camera, _ORBITS.get(part.move, part.move))
        else:
            continue
        reason = _speed_reason(part, speed)
        if reason:
            reasons.append(reason if len(parts) == 1 else f"{part.move} {reason}")
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
        matched=not reasons,
        expected=intent.describe(),
        measured=_measured(camera, primary),
        reasons=reasons,
    )

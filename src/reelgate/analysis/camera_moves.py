"""A shot's moves: runs of one dominant motion become timed segments, each with its speed and
stability, and the clip's move names are every segment's components.

Tracking is a pan or tilt during which part of the picture (the subject) holds still on screen.
Orbits are not told apart from tracking: both hold a subject while the background streams, and
telling them apart needs the subject's depth (reelgate.analysis.intent matches an orbit intent
against a tracking read with the background streaming the orbit's way).
"""

from __future__ import annotations

import numpy as np

from reelgate.analysis.camera_shot import Shot
from reelgate.analysis.camera_speed import components, label
from reelgate.analysis.camera_wobble import robust_rms
from reelgate.analysis.camera_words import FAMILY_OF, speed_word
from reelgate.analysis.model import CameraMoveName, CameraSegment, MeasuredMove
from reelgate.analysis.settings_camera import CameraSettings
from reelgate.preset.camera import Stability


def shot_moves(shot: Shot) -> list[CameraSegment]:
    """The shot's segments, neighbours with one move and stability merged."""
    if len(shot.frames) < 2:
        return []
    labels = [label(v, shot.settings) for v in shot.velocity]
    spans = _absorb_short(_label_runs(labels), shot.times, shot.settings)
    moves: list[CameraSegment] = []
    for first, last in spans:
        move = _describe(shot, first, last)
        if moves and moves[-1].move == move.move and moves[-1].stability == move.stability:
            prev = moves.pop()
            move = _describe(shot, int(np.searchsorted(shot.times, prev.start)), last)
        moves.append(move)
    return moves


def move_names(segments: list[CameraSegment], settings: CameraSettings,
               source: tuple[float, float] | None = None) -> list[CameraMoveName]:
    """Every move in the clip by name: each segment's move, each other family moving enough
    within it (a pan with a push-in is both), and 'handheld' where wobble remains after the
    intended move is removed; 'locked' only when nothing else applies."""
    names: set[CameraMoveName] = set()
    for segment in segments:
        if segment.stability == "handheld":
            names.add("handheld")
        rates = np.array([segment.pan, segment.tilt, segment.zoom, segment.roll])
        names |= components(segment.move, rates, segment.end - segment.start, settings, source)
    return sorted(names) or ["locked"]


def _label_runs(labels: list[MeasuredMove]) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            spans.append((start, i - 1))
            start = i
    return spans


def _absorb_short(
    spans: list[tuple[int, int]], times: np.ndarray, settings: CameraSettings
) -> list[tuple[int, int]]:
    """Runs shorter than ``min_move`` (or its share of the shot) join the longer of their
    neighbours."""
    limit = min(settings.min_move, settings.min_move_share * float(times[-1] - times[0]))
    spans = list(spans)
    while len(spans) > 1:
        lengths = [times[b] - times[a] for a, b in spans]
        shortest = int(np.argmin(lengths))
        if lengths[shortest] >= limit:
            break
        a, b = spans.pop(shortest)
        left = shortest - 1 if shortest > 0 else None
        right = shortest if shortest < len(spans) else None
        if right is None or (left is not None and lengths[left] >= lengths[shortest + 1]):
            spans[left] = (spans[left][0], b)  # type: ignore[index]
        else:
            spans[right] = (a, spans[right][1])
    return spans


def _describe(shot: Shot, first: int, last: int) -> CameraSegment:
    start, end = float(shot.times[first]), float(shot.times[last])
    duration = max(end - start, 1e-6)
    travel = shot.smooth[last] - shot.smooth[first]
    mean_velocity = travel / duration
    move = label(mean_velocity, shot.settings, travel)
    shaking = robust_rms(shot.wobble[first : last + 1]) > shot.handheld
    stability: Stability = "handheld" if shaking else "steady"
    family = FAMILY_OF.get(move)
    speed = abs(float(mean_velocity[family])) if family is not None else 0.0
    if family in (0, 1) and shot.held_share(first, last) > 0:
        move = "tracking"
    if move == "locked":
        stability = "handheld" if shaking else "locked"
        if shaking:
            move = "handheld"
    word = speed_word(speed) if move not in ("locked", "handheld", "roll") else None
    pan, tilt, zoom, roll = (round(float(v), 5) for v in mean_velocity)
    return CameraSegment(
        move=move,
        start=round(start, 4),
        end=round(end, 4),
        speed=round(speed, 5),
        speed_word=word,
        stability=stability,
        pan=pan,
        tilt=tilt,
        zoom=zoom,
        roll=roll,
    )

"""Camera velocities named in the preset vocabulary (camera_words.py): the move a velocity is,
and the moves within a stretch of a segment.
"""

from __future__ import annotations

import math

import numpy as np

from reelgate.analysis.camera_words import FAMILY_NAMES
from reelgate.analysis.model import CameraMoveName, MeasuredMove
from reelgate.analysis.settings_camera import CameraSettings

ROLL_WEIGHT = math.pi / 180 / 2  # degrees/s -> frame fractions/s at the frame's edge


def family_speeds(velocity: np.ndarray) -> np.ndarray:
    """(n, 4) comparable speeds: pan, tilt, zoom as they are, roll at the frame's edge."""
    speeds = np.abs(velocity).copy()
    speeds[:, 3] *= ROLL_WEIGHT
    return speeds


def label(
    velocity: np.ndarray, settings: CameraSettings, travel: np.ndarray | None = None
) -> MeasuredMove:
    """The move named by a velocity (per second), or 'locked' when nothing moves enough."""
    speeds = family_speeds(velocity[None, :])[0]
    family = int(np.argmax(speeds))
    if speeds[family] < settings.locked_speed:
        return "locked"
    if (
        travel is not None
        and abs(travel[family]) * (ROLL_WEIGHT if family == 3 else 1) < settings.min_travel
    ):
        return "locked"
    positive, negative = FAMILY_NAMES[family]
    return positive if velocity[family] > 0 else negative


def components(
    move: MeasuredMove, rates: np.ndarray, duration: float, settings: CameraSettings
) -> set[CameraMoveName]:
    """The moves within one stretch of a segment's mean ``rates`` (per second): its own move and
    every other family moving enough (a pan with a push-in is both). A second family counts from
    ``secondary_share`` of the main one's speed (below it is the fit's cross-talk or drift)."""
    names: set[CameraMoveName] = set()
    if move not in ("locked", "handheld"):
        names.add(move)
    speeds = family_speeds(rates[None, :])[0]
    travel = speeds * max(duration, 0.0)
    floor = max(settings.locked_speed, settings.secondary_share * float(speeds.max()))
    for family, (positive, negative) in enumerate(FAMILY_NAMES):
        if move == "tracking" and family == 0:
            continue  # tracking is the pan that follows the subject
        if speeds[family] >= floor and travel[family] >= settings.min_travel:
            names.add(positive if rates[family] > 0 else negative)
    return names

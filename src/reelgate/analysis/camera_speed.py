"""Camera velocities named in the preset vocabulary (camera_words.py): the move a velocity is,
and the moves within a stretch of a segment.
"""

from __future__ import annotations

import math

import numpy as np

from reelgate.analysis.camera_words import FAMILY_NAMES, FAMILY_OF
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
    move: MeasuredMove, rates: np.ndarray, duration: float, settings: CameraSettings,
    source: tuple[float, float] | None = None,
) -> set[CameraMoveName]:
    """The moves within one stretch of a segment's mean ``rates`` (per second): its own move and
    every other family moving enough (a pan with a push-in is both). A second family counts from
    ``secondary_share`` of the main one's speed (below it is the fit's cross-talk or drift).
    With the clip's ``source`` size (width, height in pixels), every move must also carry the
    picture ``min_travel_px`` source pixels: less is within the flow's error on a small clip."""
    names: set[CameraMoveName] = set()
    speeds = family_speeds(rates[None, :])[0]
    travel = speeds * max(duration, 0.0)
    carried = _carried_px(rates, duration, source)
    moves_enough = carried is None or carried[FAMILY_OF.get(move, 0)] >= settings.min_travel_px
    if move not in ("locked", "handheld") and moves_enough:
        names.add(move)
    floor = max(settings.locked_speed, settings.secondary_share * float(speeds.max()))
    for family, (positive, negative) in enumerate(FAMILY_NAMES):
        if move == "tracking" and family == 0:
            continue  # tracking is the pan that follows the subject
        if carried is not None and carried[family] < settings.min_travel_px:
            continue
        if speeds[family] >= floor and travel[family] >= settings.min_travel:
            names.add(positive if rates[family] > 0 else negative)
    return names


def _carried_px(rates: np.ndarray, duration: float, source: tuple[float, float] | None
                ) -> np.ndarray | None:
    """How far each family carries the picture over ``duration``, in source pixels: a pan by
    the width, a tilt by the height, a zoom (ln scale) and a roll (degrees) at the side edge,
    half a width from the centre."""
    if source is None:
        return None
    width, height = source
    per_unit = np.array([width, height, width / 2, math.radians(1.0) * width / 2])
    return np.abs(rates) * max(duration, 0.0) * per_unit

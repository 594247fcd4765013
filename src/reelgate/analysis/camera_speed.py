"""Camera speeds in the preset vocabulary: units, speed bands and the move a velocity names.

Pan and tracking in frame widths per second, tilt in frame heights per second, push-in/pull-out
in ln(scale) per second (0.05 is 5 % larger each second), roll in degrees per second. The same
band edges serve every move: below 0.04 is slow, 0.04-0.08 gentle, 0.08-0.2 moderate, above 0.2
fast. A pan at 0.1 crosses the frame in ten seconds.
"""

from __future__ import annotations

import math

import numpy as np

from reelgate.analysis.model import CameraMoveName, MeasuredMove
from reelgate.analysis.settings_camera import CameraSettings
from reelgate.preset.camera import Speed

SPEED_UNITS: dict[str, str] = {
    "pan": "frame widths per second",
    "tilt": "frame heights per second",
    "zoom": "ln(scale) per second",
    "roll": "degrees per second",
}
SPEED_BANDS: dict[Speed, tuple[float, float]] = {
    "slow": (0.0, 0.04),
    "gentle": (0.04, 0.08),
    "moderate": (0.08, 0.2),
    "fast": (0.2, math.inf),
}
ROLL_WEIGHT = math.pi / 180 / 2  # degrees/s -> frame fractions/s at the frame's edge

# The four families of camera motion, in the column order of every (n, 4) array here, each with
# the move names of its positive and negative direction.
FAMILY_NAMES: tuple[tuple[MeasuredMove, MeasuredMove], ...] = (
    ("pan-right", "pan-left"),
    ("tilt-up", "tilt-down"),
    ("push-in", "pull-out"),
    ("roll", "roll"),
)
FAMILY_OF: dict[str, int] = {
    name: family for family, names in enumerate(FAMILY_NAMES) for name in names
}
FAMILY_UNITS = ("pan", "tilt", "zoom", "roll")


def speed_word(speed: float) -> Speed:
    """The speed word whose band holds a move's speed (see SPEED_BANDS)."""
    for word, (low, high) in SPEED_BANDS.items():
        if low <= speed < high:
            return word
    return "fast"


def unit_of(move: str) -> str:
    """The unit a move's speed is measured in ('tracking' and orbits are pans)."""
    return SPEED_UNITS[FAMILY_UNITS[FAMILY_OF.get(move, 0)]]


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

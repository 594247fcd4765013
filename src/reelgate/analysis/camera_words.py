"""Camera speeds in the preset vocabulary: units, speed bands and the families of moves.

Pan and tracking in frame widths per second, tilt in frame heights per second, push-in/pull-out
in ln(scale) per second (0.05 is 5 % larger each second), roll in degrees per second. The same
band edges serve every move: below 0.04 is slow, 0.04-0.08 gentle, 0.08-0.2 moderate, above 0.2
fast. A pan at 0.1 crosses the frame in ten seconds.

Plain Python, no NumPy: the verdict stage matches a stored analysis against a preset's camera
words with these alone, so a replay that decodes nothing never loads NumPy.
"""

from __future__ import annotations

import math

from reelgate.analysis.model import MeasuredMove
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

# The four families of camera motion, in the column order of every (n, 4) array of the camera
# measures, each with the move names of its positive and negative direction.
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

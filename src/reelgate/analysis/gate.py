"""The reference gate: which measures of a motion-source clip fall outside a scenario's bounds.

Pure functions over a ClipAnalysis and a ReferenceGate, so the ``reference`` pytest item can
fail with one message naming every measure out of bounds, its value and its bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from reelgate.analysis.model import ClipAnalysis
from reelgate.preset.thresholds import ReferenceGate

Side = Literal["min", "max"]

# measure name -> (value from the analysis, unit, [(gate field, side)])
_MEASURES: dict[str, tuple[Callable[[ClipAnalysis], float], str, list[tuple[str, Side]]]] = {
    "duration": (
        lambda a: a.video.duration,
        "s",
        [("min_duration", "min"), ("max_duration", "max")],
    ),
    "sharpness": (lambda a: a.quality.sharpness, "", [("min_sharpness", "min")]),
    "exposure": (
        lambda a: a.quality.exposure,
        "",
        [("min_exposure", "min"), ("max_exposure", "max")],
    ),
    "contrast": (lambda a: a.quality.contrast, "", [("min_contrast", "min")]),
    "noise": (lambda a: a.quality.noise, " levels", [("max_noise", "max")]),
    "motion_readability": (
        lambda a: a.quality.motion_readability,
        "",
        [("min_motion_readability", "min")],
    ),
    "pacing_variation": (
        lambda a: a.motion.pacing_variation,
        "",
        [("max_pacing_variation", "max")],
    ),
    "cuts": (lambda a: float(len(a.continuity.cuts)), "", [("max_cuts", "max")]),
    "subject_clarity": (lambda a: a.quality.subject_clarity, "", [("min_subject_clarity", "min")]),
}


class GateViolation(BaseModel):
    """One measure outside its bound."""

    model_config = ConfigDict(frozen=True)

    measure: str
    value: float
    bound: float
    side: Side
    unit: str = ""

    def describe(self) -> str:
        relation = "below the minimum" if self.side == "min" else "above the maximum"
        return (
            f"{self.measure} {self.value:.4g}{self.unit} is {relation} {self.bound:.4g}{self.unit}"
        )


def gate_bounds(gate: ReferenceGate) -> dict[str, str]:
    """Each measure's bounds as a reader sees them ("min 2 s, max 30 s"), for the report."""
    return {name: ", ".join(f"{side} {float(getattr(gate, field)):.4g}{unit}" for field, side in bounds)
            for name, (_, unit, bounds) in _MEASURES.items()}


def reference_gate(analysis: ClipAnalysis, gate: ReferenceGate) -> list[GateViolation]:
    """Every measure of ``analysis`` outside the bounds of ``gate``, in a fixed order."""
    violations = []
    for name, (read, unit, bounds) in _MEASURES.items():
        value = read(analysis)
        for field, side in bounds:
            bound = float(getattr(gate, field))
            if (side == "min" and value < bound) or (side == "max" and value > bound):
                violations.append(
                    GateViolation(measure=name, value=value, bound=bound, side=side, unit=unit)
                )
    return violations


def describe_violations(file: str, violations: list[GateViolation]) -> str:
    """The failure message: one line per measure out of bounds."""
    count = len(violations)
    head = f"reference {file}: {count} measure{'s' * (count != 1)} out of bounds"
    return "\n".join([head, *(f"  - {v.describe()}" for v in violations)])

"""Many renders of one sweep point: how many are usable, how sure we are, and the point's verdict.

Providers are not deterministic, so a point passes on a count (``min_usable`` of ``repeats``) or
a share, and reports the usable rate with its Wilson score interval (95%).
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from reelgate.verdict.rubric import ClipVerdict, Verdict


class PointVerdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    point: str
    motion_score: float
    clips: list[ClipVerdict]
    usable: int
    total: int
    needed: int
    rate: float
    interval: tuple[float, float]
    verdict: Verdict

    def describe(self) -> str:
        low, high = self.interval
        return (f"usable {self.usable}/{self.total} (rate {self.rate:.0%}, 95% CI {low:.0%}-{high:.0%}; "
                f"needs {self.needed})")


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    if trials == 0:
        return (0.0, 1.0)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4))


def needed_usable(min_usable: int | float, total: int) -> int:
    """A count stays a count; a share becomes the smallest count that reaches it."""
    if isinstance(min_usable, float):
        return max(1, math.ceil(min_usable * total - 1e-9))
    return min(min_usable, total)


def judge_point(point: str, motion_score: float, clips: list[ClipVerdict],
                min_usable: int | float, total: int) -> PointVerdict:
    """``total`` counts renders that produced no clip (failed renders) as unusable."""
    usable = sum(1 for c in clips if c.usable)
    clean = sum(1 for c in clips if c.verdict == "pass")
    needed = needed_usable(min_usable, total)
    verdict: Verdict = "fail" if usable < needed else "pass" if clean >= needed else "pass-with-edits"
    return PointVerdict(point=point, motion_score=motion_score, clips=clips, usable=usable, total=total,
                        needed=needed, rate=round(usable / total, 4) if total else 0.0,
                        interval=wilson_interval(usable, total), verdict=verdict)

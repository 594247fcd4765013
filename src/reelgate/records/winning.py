"""The rule that turns usable rates per motion_score into a winning range, and a sweep inside it.

Pure functions of counts, so the rule is tested on numbers alone. The rule, named in the report
as "best point, widened while indistinguishable":

1. A motion score takes part when it has at least ``MIN_POINT_RENDERS`` renders.
2. The best point is the one whose 95% Wilson lower bound is highest: what the data guarantees,
   so 2 of 2 (lower bound 34%) never beats 45 of 50 (79%).
3. The range grows from the best point to its neighbours in motion order, one at a time, while a
   neighbour's interval still overlaps the best point's (its upper bound reaches the best's lower
   bound): the data cannot tell it from the best. The first neighbour that is clearly worse stops
   that side, so the range is contiguous.
4. The range is proposed when it holds at least ``MIN_RANGE_POINTS`` points and the Wilson lower
   bound of all its renders pooled clears the required usable rate; otherwise the report says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reelgate.verdict.usable import wilson_interval

#: Renders a motion score needs before it takes part: with fewer, one render moves the rate by a
#: third or more and the 95% interval covers most of 0..1 (2 of 2 is 34%-100%), so it can tell
#: no point from another.
MIN_POINT_RENDERS = 3
#: Points a range must span to be proposed: one point is a spot, not a range, and leaves no room
#: for the three rising scores a sweep needs.
MIN_RANGE_POINTS = 2
#: Decimals of a proposed motion score; scores are written by people as 2, 3.5 or 4.25.
SCORE_DECIMALS = 2


class _Counted:
    """Usable clips out of renders (a subclass has ``renders`` and ``usable``): the share and its
    95% Wilson interval."""

    renders: int
    usable: int

    @property
    def rate(self) -> float:
        return self.usable / self.renders if self.renders else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.usable, self.renders)


@dataclass(frozen=True)
class Point(_Counted):
    """The renders at one motion score."""

    motion_score: float
    renders: int
    usable: int


@dataclass(frozen=True)
class WinningRange(_Counted):
    """The range the rule found (``points`` in motion order), and whether it is proposed."""

    points: tuple[Point, ...]
    best: Point
    required_rate: float
    reason: str | None  # why it is not proposed; None when it is

    @property
    def low(self) -> float:
        return self.points[0].motion_score

    @property
    def high(self) -> float:
        return self.points[-1].motion_score

    @property
    def renders(self) -> int:
        return sum(p.renders for p in self.points)

    @property
    def usable(self) -> int:
        return sum(p.usable for p in self.points)


    @property
    def proposed(self) -> bool:
        return self.reason is None

    def sweep(self) -> tuple[float, float, float] | None:
        """Three rising scores inside the range: its ends, and the best point between them (else
        the middle), so the next runs measure the edges and the centre of what won."""
        if not self.proposed or self.high <= self.low:
            return None
        inside = [p.motion_score for p in self.points if self.low < p.motion_score < self.high]
        if self.low < self.best.motion_score < self.high:
            mid = self.best.motion_score
        elif inside:
            centre = (self.low + self.high) / 2
            mid = min(inside, key=lambda s: (abs(s - centre), s))
        else:
            mid = round((self.low + self.high) / 2, SCORE_DECIMALS)
        if not self.low < mid < self.high:
            return None
        return (self.low, mid, self.high)


@dataclass(frozen=True)
class NotEnoughData:
    """No range can be learnt yet, and what is missing."""

    reason: str


def winning_range(points: Sequence[Point], required_rate: float) -> WinningRange | NotEnoughData:
    """Apply the rule (module docstring) to the points of one scenario or preset."""
    taking_part = sorted((p for p in points if p.renders >= MIN_POINT_RENDERS), key=lambda p: p.motion_score)
    if not taking_part:
        most = max(points, key=lambda p: p.renders, default=None)
        seen = f" (most: {most.renders} at motion {most.motion_score:g})" if most else ""
        return NotEnoughData(f"no motion score has {MIN_POINT_RENDERS} renders yet{seen}")
    if len(taking_part) < MIN_RANGE_POINTS:
        only = taking_part[0]
        return NotEnoughData(f"only motion {only.motion_score:g} has {MIN_POINT_RENDERS}+ renders; "
                             f"{MIN_RANGE_POINTS} scores are needed for a range")
    best_index = max(range(len(taking_part)),
                     key=lambda i: (taking_part[i].interval[0], taking_part[i].renders, -i))
    best = taking_part[best_index]
    floor = best.interval[0]
    first = last = best_index
    while first > 0 and taking_part[first - 1].interval[1] >= floor:
        first -= 1
    while last < len(taking_part) - 1 and taking_part[last + 1].interval[1] >= floor:
        last += 1
    chosen = tuple(taking_part[first:last + 1])
    found = WinningRange(chosen, best, required_rate, None)
    reason = None
    if len(chosen) < MIN_RANGE_POINTS:
        reason = (f"motion {best.motion_score:g} stands alone: every neighbour is clearly worse; "
                  "sweep scores closer to it")
    elif found.interval[0] < required_rate:
        reason = (f"its 95% lower bound {found.interval[0]:.0%} is under the required "
                  f"{required_rate:.0%}")
    return WinningRange(chosen, best, required_rate, reason)


def required_rate(floor: float, min_usable: int | float | None) -> float:
    """The usable rate a winning range must clear: the report's floor (the rate under which a
    preset is retired), raised to the scenario's ``min_usable`` when that is a share. A count
    (1 of 1 repeat) judges one point's few renders, not a long-run rate, so it does not raise it."""
    if isinstance(min_usable, float) and 0.0 < min_usable <= 1.0:
        return max(floor, min_usable)
    return floor

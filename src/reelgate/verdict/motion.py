"""Does motion_score move motion? Across a sweep the measured motion must rise with the score.

The motion compared is the motion the camera does not explain (``Motion.object_motion``): a
sweep holds the camera layer still, so what motion_score may move is the subject. All the
motion in the frame would be the camera's under a tracking shot or a pan, where the background
streaming past outweighs a dancer's own movement at every score.
"""

from __future__ import annotations

import itertools

from pydantic import BaseModel, ConfigDict

RESPONSE_METRIC = "object_motion"  # the rubric metric the response reads (frame widths/s)


class MotionResponse(BaseModel):
    model_config = ConfigDict(frozen=True)

    ok: bool
    points: list[tuple[str, float, float]]  # (point, motion_score, measured motion amount)
    message: str


def motion_response(points: list[tuple[str, float, float]], tolerance: float) -> MotionResponse:
    """Each step up in motion_score must not lower the measured amount by more than ``tolerance``,
    and the top point must move more than the bottom one (a flat response is a failure too)."""
    ordered = sorted(points, key=lambda p: p[1])
    values = ", ".join(f"{name} (score {score:g}): {amount:.3f}" for name, score, amount in ordered)
    if len(ordered) < 2:  # nothing to rise across: said once, never a bare "motion:" line
        message = (f"motion response not checked: motion measured at one sweep point only ({values})"
                   if ordered else "")
        return MotionResponse(ok=True, points=ordered, message=message)
    drops = [(a, b) for a, b in itertools.pairwise(ordered) if b[2] < a[2] - tolerance]
    flat = ordered[-1][2] <= ordered[0][2] + tolerance
    if drops or flat:
        what = "inverted" if drops else "flat"
        return MotionResponse(ok=False, points=ordered, message=(
            f"motion_score does not move motion ({what} response): motion the camera does not "
            f"explain, per point: {values} "
            f"(tolerance {tolerance:g} frame widths/s)"))
    return MotionResponse(ok=True, points=ordered, message=f"motion rises with motion_score: {values}")

"""What happened to a sweep point, in the words the summary, JUnit XML and the HTML report use.

"fail" alone tells a newcomer nothing: a point without a recording, one whose recording no longer
answers the preset, a render the provider refused and a clip that failed the rubric each need a
different fix. A failed point is named by its cause furthest upstream, because that one is fixed
first (a missing recording hides whatever the render would have been).
"""

from __future__ import annotations

from collections.abc import Iterable

NOT_RECORDED = "not recorded"  # replay, and no cassette for the render
STALE = "stale recording"  # the cassette answers another request: the preset changed since
BROKEN = "broken recording"  # the cassette or its media cannot be read as reelgate wrote it
RENDER_FAILED = "render failed"  # the provider, the task, the output contract or the decode failed
RUBRIC_FAILED = "rubric failed"  # clips came back and too few were usable
XFAIL = "xfail"  # failed as the preset's xfail mark expects
XPASS = "XPASS"  # marked xfail, yet passed (strict or not): the mark is stale

# The user property (a JUnit XML property too) that names a preset item's outcome.
OUTCOME = "outcome"

# Causes of a failed point, upstream first.
CAUSES = (NOT_RECORDED, STALE, BROKEN, RENDER_FAILED, RUBRIC_FAILED)


def cassette_cause(exc: Exception) -> str:
    """The outcome a recording problem stands for."""
    from reelgate.cassettes import BrokenCassette, MissingRecording, StaleRecording, UnmatchedRequest

    if isinstance(exc, MissingRecording):
        return NOT_RECORDED
    if isinstance(exc, StaleRecording | UnmatchedRequest):
        return STALE
    if isinstance(exc, BrokenCassette):
        return BROKEN
    return RENDER_FAILED


def point_outcome(verdict: str, causes: Iterable[str]) -> str:
    """A point's outcome: its verdict when it passes, else the furthest upstream of its causes."""
    if verdict != "fail":
        return verdict
    found = set(causes)
    return next((cause for cause in CAUSES if cause in found), RUBRIC_FAILED)

"""Corrupted spans: part of the picture breaks at one pair and snaps back at a later one.

A decoder that loses data conceals it: the damaged part of the picture smears or stands still
while the rest decodes on, until the next keyframe refreshes it in one step. So a corrupted span
begins with an abrupt break of part of the picture, during which that part then stands still
on screen, and ends when it snaps to the present in one pair (whose unexplained change stands
far above both neighbours). An edit away and back (A-B-A) changes the whole picture at once; a
subject that pauses eases into the pause. The span is one glitch, not a cut at its onset plus a
second event at its end. Thresholds in ``CorruptionSettings`` (settings_continuity.py).
"""

from __future__ import annotations

import cv2
import numpy as np

from reelgate.analysis.features import BLOCKS, PATCH, Features
from reelgate.analysis.series import baseline
from reelgate.analysis.settings_continuity import ContinuitySettings
from reelgate.analysis.shots import transient_span
from reelgate.analysis.warp import Event, camera_between


def corrupted_spans(
    f: Features, fps: float, breaks: list[int], stalls: set[int], s: ContinuitySettings
) -> list[Event]:
    """Corrupted spans ending at an abrupt pair: every shot change in ``breaks`` and every
    pair whose mismatch stands ``jump.ratio`` above both neighbours and the local typical,
    except in ``stalls`` (the whole picture stood still: a freeze and its exit)."""
    if f.count < 5:
        return []
    c, j = s.corruption, s.jump
    half = max(s.cut.min_window_frames, round(s.cut.window * fps))
    mismatch = np.nan_to_num(f.mismatch, nan=0.0)
    typical = np.nan_to_num(baseline(mismatch, half, s.cut.exclude_frames), nan=0.0)
    around = np.maximum(np.r_[0.0, mismatch[:-1]], np.r_[mismatch[1:], 0.0])
    isolated = (mismatch >= j.mismatch) & (mismatch >= j.ratio * np.maximum(around, typical))
    candidates = sorted({*breaks, *(int(k) for k in np.flatnonzero(isolated))})
    shortest = transient_span(fps, s) + 1
    longest = max(shortest + 1, round(c.max_seconds * fps))
    spans: list[Event] = []
    for end in candidates:
        if end < shortest + 1 or end in stalls or (spans and end <= spans[-1].until + 1):
            continue
        onset = _onset(f, end, shortest, longest, s)
        if onset is not None:
            strength = float(mismatch[end] / max(j.mismatch, 1e-6))
            spans.append(Event(onset, "corruption", strength, until=end - 1))
    return spans


def _blocks(picture: np.ndarray) -> np.ndarray:
    """Mean of each residual block of a structure-thumbnail picture."""
    rows, cols = BLOCKS[1], BLOCKS[0]
    return picture.reshape(rows, PATCH, cols, PATCH).mean(axis=(1, 3))


def _onset(f: Features, end: int, shortest: int, longest: int, s: ContinuitySettings) -> int | None:
    """The first frame of a corrupted span that the abrupt pair at ``end`` closes, if any.

    The region that snaps at ``end`` stood still on screen for at least ``shortest`` frames
    before it (concealment holds it while the rest decodes on), and most of the way back to an
    abrupt break at the onset (it may smear first); the break left part of the picture as it
    was. A subject that pauses before a jump eased into its pause: it has no such break."""
    c, ratio = s.corruption, s.jump.ratio
    patches = f.patches
    first = max(2, end - longest)
    window = patches[first - 2 : end + 1].astype(np.float32)
    snap = _blocks(np.abs(window[-1] - window[-2]))
    region = snap >= max(c.min_change, c.region_share * float(snap.max()))
    if not region.any():
        return None
    # steps[i]: the region's median block change from frame first - 3 + i to first - 2 + i
    moves = np.abs(np.diff(window, axis=0))
    moves = moves.reshape(len(moves), BLOCKS[1], PATCH, BLOCKS[0], PATCH).mean(axis=(2, 4))
    steps = np.median(moves[:, region], axis=1)
    frame = first - 1 + np.arange(len(steps))  # the frame each step arrives at
    stuck = steps < c.stuck_change
    run = end
    while run - 1 >= first and stuck[run - 1 - (first - 1)]:
        run -= 1
    if end - run < shortest:
        return None  # the region moved just before the snap: not held
    height, width = patches.shape[1:]
    for onset in range(run - 1, first, -1):
        i = onset - (first - 1)
        if steps[i] < max(c.min_change, ratio * max(steps[i - 1], steps[i - 2])):
            continue  # no abrupt break here
        if float(np.mean(stuck[i + 1 : end - (first - 1)])) < c.stuck_share:
            return None  # the region moved on its own through the span: motion, not damage
        before = patches[onset - 1].astype(np.float32)
        steady = cv2.warpAffine(
            before, camera_between(f, onset - 1, onset), (width, height),
            flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE,
        )
        broke = _blocks(np.abs(patches[onset].astype(np.float32) - steady))
        if float(np.mean(broke < c.min_change)) < c.hold_share:
            return None  # the whole picture changed: an edit away and back, not damage
        return int(frame[i])
    return None

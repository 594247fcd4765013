"""Warps: moments where some blocks, not the whole picture, cannot be interpolated from their
neighbour frames, judged as whole events (onset, peak and recession together). Thresholds in
``WarpSettings`` (settings_continuity.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from reelgate.analysis.features import BLOCKS, PATCH, Features
from reelgate.analysis.model import GlitchKind
from reelgate.analysis.series import MAD_TO_SIGMA, baseline, nanmedian, runs
from reelgate.analysis.settings_continuity import ContinuitySettings


@dataclass(frozen=True, slots=True)
class Event:
    frame: int
    kind: GlitchKind | None  # None: a cut
    strength: float
    until: int = -1  # last frame the event spans, when longer than one
    since: int = -1  # first frame the event spans, when before ``frame`` (a warp's onset)

    @property
    def first(self) -> int:
        return self.since if self.since >= 0 else self.frame

    @property
    def last(self) -> int:
        return max(self.until, self.frame)


@dataclass(frozen=True, slots=True)
class Doubt:
    """Evidence of a glitch where the detector cannot judge: reported, never failed on."""

    first: int
    last: int
    kind: GlitchKind
    strength: float
    reason: str


def find_warps(
    f: Features, fps: float, busy: set[int], settings: ContinuitySettings
) -> tuple[list[Event], list[Doubt]]:
    """Moments where some blocks, not the whole picture, cannot be interpolated from their
    neighbour frames, judged as whole events (onset, peak and recession together).

    A warp appears and recedes: the region afterwards looks as it did before (camera motion
    removed), lasts at most ``max_seconds``, and sits where the flow is otherwise reliable.
    Where the region is busy with motion the flow cannot follow (its neighbour frames do not
    predict each other either), the same evidence is only ``uncertain``, unless it is strong and
    the region returns exactly (corroborated)."""
    if f.count < 5:
        return [], []
    w = settings.warp
    residual = f.interp.reshape(f.count, -1).astype(np.float32)
    half = max(w.min_window_frames, round(w.window * fps))
    # a transient stands out against what comes before it and what comes after it: the
    # larger of the two one-sided baselines (none at the clip's ends: never hot there)
    typical = np.fmax(
        baseline(residual, half, w.exclude_frames, side="before"),
        baseline(residual, half, w.exclude_frames, side="after"),
    )
    # how much the block's error normally wanders, about its two-sided level, so an event as
    # long as a one-sided window cannot inflate it
    level = baseline(residual, half, w.exclude_frames)
    spread = MAD_TO_SIGMA * baseline(
        np.abs(residual - np.nan_to_num(level)), half, w.exclude_frames
    )
    del level
    threshold = np.maximum(w.levels, w.spreads * np.fmax(spread, w.min_spread))
    del spread
    excess = residual - typical  # NaN where a side has no baseline: never hot
    del typical
    with np.errstate(invalid="ignore"):
        hot = excess > threshold
    ratio = np.divide(excess, threshold, out=np.zeros_like(excess), where=hot)
    del excess, threshold
    hot &= np.array([i not in busy for i in range(f.count)])[:, None]
    skip = f.skip.reshape(f.count, -1).astype(np.float32)
    clip_floor = max(w.min_spread, float(nanmedian(skip)))
    busy_skip = baseline(skip, half, w.exclude_frames)
    del skip
    motion = f.interp_motion.reshape(f.count, -1)
    moving = np.fmin(
        baseline(motion, half, w.exclude_frames, side="before"),
        baseline(motion, half, w.exclude_frames, side="after"),
    )
    longest = max(1, round(w.max_seconds * fps))
    gap = max(1, round(settings.transient * fps))
    clip_floor = w.busy_skip * clip_floor
    found: list[_Piece] = []
    for block in np.flatnonzero(hot.any(axis=0)):
        for first, last in runs(_close_gaps(hot[:, block], gap)):
            if last - first + 1 <= longest:  # longer does not appear and recede: motion
                peak = first + int(np.argmax(ratio[first : last + 1, block]))
                found.append(_Piece(int(block), first, last, peak, float(ratio[peak, block])))
    events: list[Event] = []
    doubts: list[Doubt] = []
    for group in _group(found, gap):
        first, last = min(p.first for p in group), max(p.last for p in group)
        if last - first + 1 > longest:
            continue
        region = np.array(sorted({p.block for p in group}))
        back = _returns(f, first, last, region, w.min_change)
        if back > w.return_share:
            continue  # the region does not come back as it was: it changed, not warped
        top = max(group, key=lambda p: p.strength)
        evidence = _combined(group)
        if evidence < w.evidence:
            continue  # a blip of a block or two: within what chance gives a clip this size
        reason = None
        if float(np.nanmax(motion[first : last + 1][:, region])) > w.fast_flow:
            reason = "motion too fast for the flow to follow"
        elif float(nanmedian(busy_skip[first : last + 1][:, region])) > clip_floor:
            reason = "the region is busy with motion the flow cannot follow"
        elif float(np.nanmax(moving[first : last + 1][:, region])) >= w.busy_motion:
            reason = "something moves fast around the region"
        if reason is not None and evidence >= w.strong and back <= w.exact_return:
            reason = None  # strong, and the region returns exactly: corroborated
        kind: GlitchKind = "warp" if len(region) / hot.shape[1] < w.insert_share else "insert"
        if reason is None:
            events.append(Event(top.peak, kind, evidence, until=last, since=first))
        else:
            doubts.append(Doubt(first, last, kind, evidence, reason))
    return events, doubts


@dataclass(frozen=True, slots=True)
class _Piece:
    """One block's run of hot frames, short enough to be a transient."""

    block: int
    first: int
    last: int
    peak: int
    strength: float


def _combined(group: list[_Piece]) -> float:
    """The event's evidence, in threshold units: Stouffer's sum over its blocks (each block's
    strongest moment), so a morph over a region counts for more than a one-block blip."""
    best: dict[int, float] = {}
    for piece in group:
        best[piece.block] = max(best.get(piece.block, 0.0), piece.strength)
    return sum(best.values()) / math.sqrt(len(best))


def _group(pieces: list[_Piece], gap: int) -> list[list[_Piece]]:
    """Pieces that touch on the block grid (8-neighbours) and in time (within ``gap`` frames)
    are one event."""
    cols = BLOCKS[0]
    parent = list(range(len(pieces)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(pieces):
        for j in range(i):
            b = pieces[j]
            near = abs(a.block // cols - b.block // cols) <= 1 and abs(a.block % cols - b.block % cols) <= 1
            if near and a.first <= b.last + gap and b.first <= a.last + gap:
                parent[root(i)] = root(j)
    groups: dict[int, list[_Piece]] = {}
    for i, piece in enumerate(pieces):
        groups.setdefault(root(i), []).append(piece)
    return sorted(groups.values(), key=lambda g: min(p.first for p in g))


def _returns(
    f: Features, first: int, last: int, region: np.ndarray, min_change: float
) -> float:
    """How far the region, just after an event, is from how it looked just before (camera motion
    removed), as a share of how far the event took it: 0 when it returns exactly, about 1 or more
    when the change stays (a subject that moved on, content that entered)."""
    before, after = max(0, first - 1), min(f.count - 1, last + 1)
    moved = camera_between(f, before, after)
    height, width = f.patches.shape[1:]
    reference = cv2.warpAffine(
        f.patches[before].astype(np.float32), moved, (width, height),
        flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE,
    )
    rows, cols = np.divmod(region, BLOCKS[0])

    def distance(picture: np.ndarray, other: np.ndarray) -> float:
        return float(
            np.mean(
                [
                    np.abs(
                        picture[r * PATCH : (r + 1) * PATCH, c * PATCH : (c + 1) * PATCH]
                        - other[r * PATCH : (r + 1) * PATCH, c * PATCH : (c + 1) * PATCH]
                    ).mean()
                    for r, c in zip(rows, cols, strict=True)
                ]
            )
        )

    end = f.patches[after].astype(np.float32)
    stay = distance(reference, end)
    during = max(
        min(distance(f.patches[k].astype(np.float32), end), distance(f.patches[k], reference))
        for k in range(first, last + 1)
    )
    return stay / max(during, min_change)


def camera_between(f: Features, a: int, b: int) -> np.ndarray:
    """The camera similarity from frame a to frame b, in structure-thumbnail pixels."""
    width, height = f.size
    scale = f.patches.shape[2] / width
    centre = np.array([width / 2, height / 2])
    total = np.eye(3)
    for dx, dy, log_scale, angle in f.steps[a + 1 : b + 1]:
        s = math.exp(log_scale)
        rotate = s * np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        step = np.eye(3)
        step[:2, :2] = rotate
        step[:2, 2] = centre + np.array([dx, dy]) - rotate @ centre
        total = step @ total
    to_patch = np.diag([scale, scale, 1.0])
    return (to_patch @ total @ np.linalg.inv(to_patch))[:2]


def _close_gaps(mask: np.ndarray, gap: int) -> np.ndarray:
    out = mask.copy()
    for first, last in runs(~mask):
        if first > 0 and last < len(mask) - 1 and last - first + 1 <= gap:
            out[first : last + 1] = True
    return out

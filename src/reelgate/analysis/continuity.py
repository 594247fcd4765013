"""Temporal continuity: hard cuts, glitches by kind, flicker, and a 0..1 continuity score.

Principles, not fitted numbers:
* a **cut** is a change that flow and a global gain cannot explain, and that stays: the frames
  after it never look like the frames before it again;
* a change that is undone within ``TRANSIENT`` seconds is a glitch: a **flash** when the
  picture keeps its structure and only its brightness jumps, an **insert** when it does not;
* a **brightness step** is a jump of the whole picture's brightness, against the trend (fades
  ramp, they do not jump), that does not come back;
* a **freeze** is three or more identical frames while the frames around them change;
* a **warp** is a region that, for a moment, cannot be interpolated from its neighbour frames
  while the rest can: a local morph or swim (each block against its own baseline, so busy
  regions such as water or changing text do not count).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from reelgate.analysis.features import Features
from reelgate.analysis.model import Continuity, Glitch, GlitchKind
from reelgate.analysis.series import baseline, nanmedian, runs

CUT_MISMATCH = 8.0  # luma levels unexplained by flow and gain between two frames
CUT_CHROMA = 10.0  # mean chroma change of the whole picture, levels
EVENT_RATIO = 5.0  # times the local typical value
TRANSIENT = 0.2  # seconds: a change undone this fast is a glitch, not a cut
SAME_SHOT_NCC = 0.75  # thumbnails at least this correlated show the same shot
BRIGHTNESS_STEP = 6.0  # levels of whole-picture brightness jump, against the trend
FREEZE_CHANGE = 1.0  # levels: if no block changes more, two frames show the same picture
# (an encoder re-coding a repeated frame changes blocks by up to about a level; motion, even
# a small dark subject at 60 fps, changes some block by two or more)
FREEZE_MAE = 0.15  # and the whole picture's mean change stays below this (or a quarter of usual)
FREEZE_SECONDS = 0.08  # shortest stall reported (at least three identical frames)
FREEZE_MOTION = 0.4  # pixels per frame (top 5 %, motion size) on both sides: a visible stall
FREEZE_AROUND = 2.0  # levels: and some block changes this much per frame around it (median)
FADE_RATE = 1.0  # levels per frame of mean brightness change that make a pair a fade
WARP_LEVELS = 6.0  # levels a block's interpolation error must rise above its baseline
WARP_SPREADS = 5.0  # and how many of its usual deviations (noise, busy content) that is
WARP_MIN_SPREAD = 0.3  # levels: the least deviation assumed, for perfectly clean blocks
WARP_SCENE_RATIO = 1.3  # and how many times the worst block usually is around that moment
WARP_BUSY_MOTION = 4.0  # half-size pixels over two frames of steady motion around a block
WARP_MAX_MOTION = 6.0  # half-size pixels of flow over two frames beyond which DIS misses (fast
# objects, occlusions): interpolation errors there are expected, not glitches
GLITCH_PENALTY = 0.25  # continuity lost per cut or glitch: one event fails the 0.8 default


@dataclass(frozen=True, slots=True)
class _Event:
    frame: int
    kind: GlitchKind | None  # None: a cut
    strength: float
    until: int = -1  # last frame the event spans, when longer than one


def analyse_continuity(f: Features) -> Continuity:
    """Cuts, glitches, flicker and the continuity score of a clip's features."""
    fps = _fps(f.times)
    cuts, events = _shot_changes(f, fps)
    busy = _near({e.frame for e in events} | set(cuts), 2)
    brightness, flicker = _brightness_events(f, fps, busy)
    events += brightness
    freezes = _freezes(f, fps, cuts)
    events += freezes
    busy |= _near({e.frame for e in brightness}, 2) | _near(set(cuts), 3)
    busy |= {k for e in freezes for k in range(e.frame, e.until + 3)}  # the jump out of a stall
    events += _warps(f, fps, busy)
    glitches = _merge(events, f.times, fps)
    roughness = (
        float(nanmedian(nanmedian(f.interp.reshape(f.count, -1), axis=1))) if f.count > 2 else 0.0
    )
    roughness = 0.0 if math.isnan(roughness) else roughness
    penalty = GLITCH_PENALTY * (len(cuts) + len(glitches))
    penalty += min(0.2, max(0.0, flicker - 0.5) / 10) + min(0.2, max(0.0, roughness - 1.5) / 20)
    return Continuity(
        score=round(max(0.0, 1.0 - penalty), 4),
        cuts=[round(float(f.times[i]), 4) for i in cuts],
        cut_frames=cuts,
        glitches=glitches,
        flicker=round(flicker, 4),
        roughness=round(roughness, 4),
    )


def _fps(times: np.ndarray) -> float:
    if len(times) < 2:
        return 24.0
    step = float(np.median(np.diff(times)))
    return 1.0 / step if step > 0 else 24.0


def _near(frames: set[int], radius: int) -> set[int]:
    return {k for frame in frames for k in range(frame - radius, frame + radius + 1)}


def _thumb_similarity(f: Features, a: int, b: int) -> float:
    """Correlation of two frames' thumbnails; 1 when both are flat and equally bright."""
    x = f.thumbs[a].astype(np.float64)
    y = f.thumbs[b].astype(np.float64)
    sx, sy = x.std(), y.std()
    colour = float(np.abs(f.chroma[a] - f.chroma[b]).max())
    if colour > CUT_CHROMA:
        return 0.0
    if sx < 3 and sy < 3:
        return 1.0 if abs(x.mean() - y.mean()) < 2 * BRIGHTNESS_STEP else 0.0
    if sx < 3 or sy < 3:
        return 0.0
    return float(np.mean((x - x.mean()) * (y - y.mean())) / (sx * sy))


def _shot_changes(f: Features, fps: float) -> tuple[list[int], list[_Event]]:
    """Cut frames (first frame of each new shot) and transient glitches (flash, insert)."""
    if f.count < 2:
        return [], []
    half = max(6, round(0.5 * fps))
    mismatch = np.nan_to_num(f.mismatch, nan=0.0)
    chroma = np.nan_to_num(f.chroma_shift, nan=0.0)
    typical_mismatch = np.nan_to_num(baseline(mismatch, half, 1), nan=0.0)
    typical_chroma = np.nan_to_num(baseline(chroma, half, 1), nan=0.0)
    changed = (mismatch > np.maximum(CUT_MISMATCH, EVENT_RATIO * typical_mismatch)) | (
        chroma > np.maximum(CUT_CHROMA, EVENT_RATIO * typical_chroma)
    )
    changed[0] = False
    span = max(2, round(TRANSIENT * fps))
    cuts: list[int] = []
    events: list[_Event] = []
    pairs = list(np.flatnonzero(changed))
    while pairs:
        group = [pairs.pop(0)]
        while pairs and pairs[0] - group[-1] <= span:
            group.append(pairs.pop(0))
        first, last = int(group[0]), int(group[-1])
        strength = float(mismatch[first] / CUT_MISMATCH)
        back = _returns_to(f, first - 1, first, min(f.count - 1, last + span))
        if back is not None:
            events.append(_Event(first, _transient_kind(f, first, back), strength))
        elif f.count - first <= 1:
            events.append(_Event(first, "insert", strength))  # the clip ends on a stray frame
        else:
            cuts.append(first)
            if len(group) > 1 and _thumb_similarity(f, first, last) < SAME_SHOT_NCC:
                cuts.append(last)  # two different shots in quick succession
    return cuts, events


def _returns_to(f: Features, before: int, start: int, stop: int) -> int | None:
    """The first frame in (start, stop] that looks like frame ``before`` again, if any."""
    for k in range(start + 1, stop + 1):
        if _thumb_similarity(f, before, k) >= SAME_SHOT_NCC:
            return k
    return None


def _transient_kind(f: Features, first: int, last: int) -> GlitchKind:
    """Flash if the odd frames keep the picture's structure, insert if they show another."""
    similarity = min(_thumb_similarity(f, first - 1, k) for k in range(first, last))
    shift = max(abs(f.luma[k] - f.luma[first - 1]) for k in range(first, last))
    return "flash" if similarity >= SAME_SHOT_NCC and shift > BRIGHTNESS_STEP else "insert"


def _brightness_events(f: Features, fps: float, busy: set[int]) -> tuple[list[_Event], float]:
    """Flashes and persistent steps of whole-picture brightness, and the flicker figure."""
    if f.count < 3:
        return [], 0.0
    change = np.r_[
        np.nan, nanmedian((f.blocks[1:] - f.blocks[:-1]).reshape(f.count - 1, -1), axis=1)
    ]
    half = max(4, round(0.25 * fps))
    deviation = change - baseline(change, half, 1)
    calm = np.array([i not in busy for i in range(f.count)]) & ~np.isnan(deviation)
    spread = float(nanmedian(np.abs(deviation[calm]))) * 1.4826 if calm.any() else 0.0
    threshold = max(BRIGHTNESS_STEP, 6 * spread)
    steps = [
        i for i in np.flatnonzero(np.abs(np.nan_to_num(deviation)) > threshold) if i not in busy
    ]
    events: list[_Event] = []
    span = max(2, round(TRANSIENT * fps))
    used: set[int] = set()
    for i in steps:
        if i in used:
            continue
        back = [
            k
            for k in steps
            if i < k <= i + span
            and k not in used
            and np.sign(deviation[k]) != np.sign(deviation[i])
            and abs(deviation[k] + deviation[i]) < 0.5 * max(abs(deviation[k]), abs(deviation[i]))
        ]
        strength = float(abs(deviation[i]) / threshold)
        if back:
            used.update((i, back[0]))
            events.append(_Event(int(i), "flash", strength))
        else:
            used.add(i)
            events.append(_Event(int(i), "brightness-step", strength))
    calm &= np.array([i not in _near(used, half) for i in range(f.count)])
    flicker = float(np.sqrt(np.mean(deviation[calm] ** 2))) if calm.any() else 0.0
    return events, flicker


def _freezes(f: Features, fps: float, cuts: list[int]) -> list[_Event]:
    """Runs of repeated frames (no block of the picture changes) lasting FREEZE_SECONDS or
    more, with visible motion on both sides within the same shot: a fade or a still is not a
    stall, nor is an encoder holding a frame of a barely moving, soft or dark picture."""
    typical = np.nan_to_num(baseline(np.nan_to_num(f.mae, nan=0.0), max(3, round(fps)), 0))
    change = np.nan_to_num(f.still, nan=np.inf)
    still = (change < FREEZE_CHANGE) & (
        np.nan_to_num(f.mae, nan=np.inf) < np.maximum(FREEZE_MAE, 0.25 * typical)
    )
    fading = np.abs(np.r_[0.0, np.diff(f.luma)]) > FADE_RATE
    motion = np.where(fading, 0.0, np.nan_to_num(f.flow_top, nan=0.0))  # fades fool the flow
    reach = max(3, round(0.5 * fps))
    shortest = max(2, round(FREEZE_SECONDS * fps))
    events = []
    nearly = (change < 3 * FREEZE_CHANGE) & (
        np.nan_to_num(f.mae, nan=np.inf) < 0.25 * typical
    )
    for first, last in runs(still):
        if last - first + 1 < shortest:
            continue
        shot_start = max([c for c in cuts if c <= first], default=0)
        shot_end = min([c for c in cuts if c > last], default=f.count)
        while first > shot_start + 1 and nearly[first - 1]:  # encoders re-code a stall's start
            first -= 1
        window = np.r_[
            max(shot_start + 1, first - reach) : first, last + 1 : min(shot_end, last + 1 + reach)
        ]
        before, after = window[window < first], window[window > last]
        if len(before) == 0 or len(after) == 0:
            continue
        activity = min(float(np.median(motion[before])), float(np.median(motion[after])))
        visible = float(np.median(change[window]))
        if activity > FREEZE_MOTION and visible > FREEZE_AROUND:
            events.append(_Event(first, "freeze", activity / FREEZE_MOTION, until=last))
    return events


def _warps(f: Features, fps: float, busy: set[int]) -> list[_Event]:
    """Moments where some blocks, not the whole picture, cannot be interpolated."""
    if f.count < 5:
        return []
    residual = f.interp.reshape(f.count, -1).astype(np.float32)
    half = max(6, round(0.5 * fps))
    # a transient stands out against what comes before it and what comes after it: the
    # larger of the two baselines (none at the clip's ends, where there is no "before")
    typical = np.fmax(
        baseline(residual, half, 2, side="before"), baseline(residual, half, 2, side="after")
    )
    scene = baseline(np.nanmax(np.nan_to_num(residual, nan=-1.0), axis=1), half, 2)
    scene = np.where(np.isnan(scene), np.inf, scene)[:, None]
    # how much the block's error normally wanders (median absolute deviation, both sides)
    spread = 1.4826 * baseline(np.abs(residual - np.nan_to_num(typical)), half, 2)
    threshold = np.maximum(WARP_LEVELS, WARP_SPREADS * np.fmax(spread, WARP_MIN_SPREAD))
    del spread
    excess = residual - typical  # NaN where a side has no baseline: never hot
    del typical
    with np.errstate(invalid="ignore"):
        hot = (excess > threshold) & (residual > WARP_SCENE_RATIO * scene)
    motion = f.interp_motion.reshape(f.count, -1)
    hot &= np.nan_to_num(motion, nan=np.inf) < WARP_MAX_MOTION
    # where something fast keeps moving (before and after), interpolation errors are its wake
    moving = np.fmin(
        baseline(motion, half, 2, side="before"), baseline(motion, half, 2, side="after")
    )
    hot &= ~(np.nan_to_num(moving) >= WARP_BUSY_MOTION)
    share = hot.mean(axis=1)
    score = np.divide(excess, threshold, out=np.zeros_like(excess), where=hot).max(axis=1)
    flagged = (share > 0) & np.array([i not in busy for i in range(f.count)])
    events = []
    for first, last in runs(_close_gaps(flagged, 1)):
        window = list(range(first, min(first + 2, last + 1)))
        peak = max(window, key=lambda k: score[k])
        kind: GlitchKind = "warp" if share[first : last + 1].max() < 0.5 else "insert"
        events.append(_Event(peak, kind, float(score[first : last + 1].max())))
    return events


def _close_gaps(mask: np.ndarray, gap: int) -> np.ndarray:
    out = mask.copy()
    for first, last in runs(~mask):
        if first > 0 and last < len(mask) - 1 and last - first + 1 <= gap:
            out[first : last + 1] = True
    return out


_PRIORITY: dict[GlitchKind, int] = {
    "insert": 0,
    "flash": 1,
    "brightness-step": 2,
    "freeze": 3,
    "warp": 4,
}


def _merge(events: list[_Event], times: np.ndarray, fps: float) -> list[Glitch]:
    """One glitch per moment: events closer than TRANSIENT keep the most specific kind."""
    span = max(2, round(TRANSIENT * fps))
    merged: list[_Event] = []
    for event in sorted((e for e in events if e.kind), key=lambda e: e.frame):
        if merged and event.frame - merged[-1].frame <= span:
            keep = merged[-1]
            if _PRIORITY[event.kind] < _PRIORITY[keep.kind]:  # type: ignore[index]
                merged[-1] = _Event(keep.frame, event.kind, max(keep.strength, event.strength))
            continue
        merged.append(event)
    return [
        Glitch(
            time=round(float(times[e.frame]), 4),
            frame=e.frame,
            kind=e.kind,  # type: ignore[arg-type]
            strength=round(e.strength, 3),
        )
        for e in merged
    ]

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

import cv2
import numpy as np

from reelgate.analysis.features import BLOCKS, PATCH, Features
from reelgate.analysis.model import Continuity, Glitch, GlitchKind, Uncertain
from reelgate.analysis.series import baseline, nanmedian, runs

CUT_MISMATCH = 8.0  # luma levels unexplained by flow and gain between two frames
CUT_CHROMA = 10.0  # mean chroma change of the whole picture, levels
EVENT_RATIO = 5.0  # times the local typical value
TRANSIENT = 0.2  # seconds: a change undone this fast is a glitch, not a cut
SAME_SHOT_NCC = 0.75  # thumbnails at least this correlated show the same shot
CORROBORATED_RATIO = 2.5  # times the local typical mismatch that is a cut when the picture's
# structure also breaks at that pair alone (busy footage raises the typical mismatch, not the
# structure of consecutive frames of one shot)
BRIGHTNESS_STEP = 6.0  # levels of whole-picture brightness jump, against the trend
FREEZE_CHANGE = 1.0  # levels: if no block changes more, two frames show the same picture
# (an encoder re-coding a repeated frame changes blocks by up to about a level; motion, even
# a small dark subject at 60 fps, changes some block by two or more)
FREEZE_MAE = 0.15  # and the whole picture's mean change stays below this (or a quarter of usual)
FREEZE_SECONDS = 0.08  # shortest stall reported (at least three identical frames)
FREEZE_MOTION = 0.4  # pixels per frame (top 5 %, motion size) on both sides: a visible stall
FREEZE_AROUND = 2.0  # levels: and some block changes this much per frame around it (median)
FREEZE_EXIT_JUMP = 1.2  # times the median motion before the stall that the step out must carry
FADE_RATE = 1.0  # levels per frame of mean brightness change that make a pair a fade
WARP_LEVELS = 6.0  # levels a block's interpolation error must rise above its baseline
WARP_SPREADS = 5.0  # and how many of its usual deviations (noise, busy content) that is
WARP_MIN_SPREAD = 0.3  # levels: the least deviation assumed, for perfectly clean blocks
WARP_BUSY_MOTION = 4.0  # half-size pixels over two frames of steady motion around a block
FLICKER_FREE = 0.5  # levels of RMS frame-to-frame brightness wobble that cost nothing
FLICKER_SCALE = 10.0  # levels of wobble past that for each unit of score lost
ROUGHNESS_FREE = 1.5  # levels of median interpolation error that cost nothing (clean video)
ROUGHNESS_SCALE = 20.0  # levels past that for each unit of score lost
SMOOTHNESS_CAP = 0.2  # most either penalty takes: smoothness alone never fails the 0.8 bound
WARP_MAX_SECONDS = 0.5  # longest warp: onset, peak and recession of a local morph
WARP_RETURN = 0.6  # the region afterwards is at most this share of the event's change away
# from how it looked before: it came back (a subject moving on stays changed, about 1)
WARP_MIN_CHANGE = 2.0  # levels: the least change an event is taken to make on the thumbnail
WARP_BUSY_SKIP = 4.0  # times the clip's median neighbour-to-neighbour error: above, the region
# is busy with motion the flow cannot follow (occlusion, non-rigid or fast motion, grain)
WARP_EVIDENCE = 4.0  # combined evidence of an event (Stouffer over its blocks, in threshold
# units) below which it is not reported: one block just past its threshold is chance
WARP_FAST_FLOW = 12.0  # half-size pixels of flow over two frames (6 a frame) inside the region:
# past it DIS loses track (fast hands, balls, wheels) and interpolation errors are expected
WARP_STRONG = 10.0  # combined evidence that, when the region returns exactly, is a warp even
WARP_EXACT_RETURN = 0.125  # where the detector otherwise could not judge (corroborated)


@dataclass(frozen=True, slots=True)
class _Event:
    frame: int
    kind: GlitchKind | None  # None: a cut
    strength: float
    until: int = -1  # last frame the event spans, when longer than one


@dataclass(frozen=True, slots=True)
class _Doubt:
    """Evidence of a glitch where the detector cannot judge: reported, never failed on."""

    first: int
    last: int
    kind: GlitchKind
    strength: float
    reason: str


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
    warps, doubts = _warps(f, fps, busy)
    events += warps
    glitches = _merge(events, f.times, fps)
    roughness = (
        float(nanmedian(nanmedian(f.interp.reshape(f.count, -1), axis=1))) if f.count > 2 else 0.0
    )
    roughness = 0.0 if math.isnan(roughness) else roughness
    return Continuity(
        score=round(_smoothness(flicker, roughness), 4),
        cuts=[round(float(f.times[i]), 4) for i in cuts],
        cut_frames=cuts,
        glitches=glitches,
        uncertain=[
            Uncertain(
                kind=d.kind,
                time=round(float(f.times[d.first]), 4),
                end=round(float(f.times[d.last]), 4),
                frame=d.first,
                strength=round(d.strength, 3),
                reason=d.reason,
            )
            for d in doubts
        ],
        flicker=round(flicker, 4),
        roughness=round(roughness, 4),
    )


def _smoothness(flicker: float, roughness: float) -> float:
    """The continuity score: 1 minus the flicker and roughness penalties (each at most
    SMOOTHNESS_CAP). Cuts and glitches are counted by the rubric against its own bounds, once."""
    over_flicker = max(0.0, flicker - FLICKER_FREE) / FLICKER_SCALE
    over_rough = max(0.0, roughness - ROUGHNESS_FREE) / ROUGHNESS_SCALE
    return max(0.0, 1.0 - min(SMOOTHNESS_CAP, over_flicker) - min(SMOOTHNESS_CAP, over_rough))


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
    changed = (
        (mismatch > np.maximum(CUT_MISMATCH, EVENT_RATIO * typical_mismatch))
        | (chroma > np.maximum(CUT_CHROMA, EVENT_RATIO * typical_chroma))
        | _structure_breaks(f, mismatch, typical_mismatch)
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


def _structure_breaks(f: Features, mismatch: np.ndarray, typical: np.ndarray) -> np.ndarray:
    """Pairs whose mismatch stands CORROBORATED_RATIO above the local typical and whose
    thumbnails are of different pictures while the pairs either side hold their own picture."""
    breaks = np.zeros(f.count, bool)
    candidates = np.flatnonzero(mismatch > np.maximum(CUT_MISMATCH, CORROBORATED_RATIO * typical))
    for k in candidates:
        if 2 <= k < f.count - 1 and _thumb_similarity(f, k - 1, k) < SAME_SHOT_NCC:
            breaks[k] = (
                _thumb_similarity(f, k - 2, k - 1) >= SAME_SHOT_NCC
                and _thumb_similarity(f, k, k + 1) >= SAME_SHOT_NCC
            )
    return breaks


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
        # time went on while the picture stood: the step out of a stall jumps further than the
        # steps before it; a subject pausing by itself eases out of the pause instead
        exit_step = float(np.nan_to_num(f.flow_top[last + 1])) if last + 1 < f.count else 0.0
        jumps = exit_step >= FREEZE_EXIT_JUMP * float(np.median(motion[before]))
        if activity > FREEZE_MOTION and visible > FREEZE_AROUND and jumps:
            events.append(_Event(first, "freeze", activity / FREEZE_MOTION, until=last))
    return events


def _warps(f: Features, fps: float, busy: set[int]) -> tuple[list[_Event], list[_Doubt]]:
    """Moments where some blocks, not the whole picture, cannot be interpolated from their
    neighbour frames, judged as whole events (onset, peak and recession together).

    A warp appears and recedes: the region afterwards looks as it did before (camera motion
    removed), lasts at most WARP_MAX_SECONDS, and sits where the flow is otherwise reliable.
    Where the region is busy with motion the flow cannot follow (its neighbour frames do not
    predict each other either), the same evidence is only ``uncertain``, unless it is strong and
    the region returns exactly (corroborated)."""
    if f.count < 5:
        return [], []
    residual = f.interp.reshape(f.count, -1).astype(np.float32)
    half = max(6, round(0.5 * fps))
    # a transient stands out against what comes before it and what comes after it: the
    # larger of the two one-sided baselines (none at the clip's ends: never hot there)
    typical = np.fmax(
        baseline(residual, half, 2, side="before"), baseline(residual, half, 2, side="after")
    )
    # how much the block's error normally wanders, about its two-sided level, so an event as
    # long as a one-sided window cannot inflate it
    level = baseline(residual, half, 2)
    spread = 1.4826 * baseline(np.abs(residual - np.nan_to_num(level)), half, 2)
    del level
    threshold = np.maximum(WARP_LEVELS, WARP_SPREADS * np.fmax(spread, WARP_MIN_SPREAD))
    del spread
    excess = residual - typical  # NaN where a side has no baseline: never hot
    del typical
    with np.errstate(invalid="ignore"):
        hot = excess > threshold
    ratio = np.divide(excess, threshold, out=np.zeros_like(excess), where=hot)
    del excess, threshold
    hot &= np.array([i not in busy for i in range(f.count)])[:, None]
    skip = f.skip.reshape(f.count, -1).astype(np.float32)
    clip_floor = max(WARP_MIN_SPREAD, float(nanmedian(skip)))
    busy_skip = baseline(skip, half, 2)
    del skip
    motion = f.interp_motion.reshape(f.count, -1)
    moving = np.fmin(
        baseline(motion, half, 2, side="before"), baseline(motion, half, 2, side="after")
    )
    longest = max(1, round(WARP_MAX_SECONDS * fps))
    gap = max(1, round(TRANSIENT * fps))
    clip_floor = WARP_BUSY_SKIP * clip_floor
    found: list[_Piece] = []
    for block in np.flatnonzero(hot.any(axis=0)):
        for first, last in runs(_close_gaps(hot[:, block], gap)):
            if last - first + 1 <= longest:  # longer does not appear and recede: motion
                peak = first + int(np.argmax(ratio[first : last + 1, block]))
                found.append(_Piece(int(block), first, last, peak, float(ratio[peak, block])))
    events: list[_Event] = []
    doubts: list[_Doubt] = []
    for group in _group(found, gap):
        first, last = min(p.first for p in group), max(p.last for p in group)
        if last - first + 1 > longest:
            continue
        region = np.array(sorted({p.block for p in group}))
        back = _returns(f, first, last, region)
        if back > WARP_RETURN:
            continue  # the region does not come back as it was: it changed, not warped
        top = max(group, key=lambda p: p.strength)
        evidence = _combined(group)
        if evidence < WARP_EVIDENCE:
            continue  # a blip of a block or two: within what chance gives a clip this size
        reason = None
        if float(np.nanmax(motion[first : last + 1][:, region])) > WARP_FAST_FLOW:
            reason = "motion too fast for the flow to follow"
        elif float(nanmedian(busy_skip[first : last + 1][:, region])) > clip_floor:
            reason = "the region is busy with motion the flow cannot follow"
        elif float(np.nanmax(moving[first : last + 1][:, region])) >= WARP_BUSY_MOTION:
            reason = "something moves fast around the region"
        if reason is not None and evidence >= WARP_STRONG and back <= WARP_EXACT_RETURN:
            reason = None  # strong, and the region returns exactly: corroborated
        kind: GlitchKind = "warp" if len(region) / hot.shape[1] < 0.5 else "insert"
        if reason is None:
            events.append(_Event(top.peak, kind, evidence, until=last))
        else:
            doubts.append(_Doubt(first, last, kind, evidence, reason))
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


def _returns(f: Features, first: int, last: int, region: np.ndarray) -> float:
    """How far the region, just after an event, is from how it looked just before (camera motion
    removed), as a share of how far the event took it: 0 when it returns exactly, about 1 or more
    when the change stays (a subject that moved on, content that entered)."""
    before, after = max(0, first - 1), min(f.count - 1, last + 1)
    moved = _camera_between(f, before, after)
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
    return stay / max(during, WARP_MIN_CHANGE)


def _camera_between(f: Features, a: int, b: int) -> np.ndarray:
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

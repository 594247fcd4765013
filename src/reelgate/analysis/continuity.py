"""Temporal continuity: hard cuts, glitches by kind, flicker, and a 0..1 continuity score.

Principles, not fitted numbers:
* a **cut** is a change that flow and a global gain cannot explain, and that stays: the frames
  after it never look like the frames before it again;
* a change that is undone within ``transient`` seconds is a glitch: a **flash** when the
  picture keeps its structure and only its brightness jumps, an **insert** when it does not;
* a **brightness step** is a jump of the whole picture's brightness, against the trend (fades
  ramp, they do not jump), that does not come back;
* a **freeze** is three or more identical frames while the frames around them change;
* a **warp** is a region that, for a moment, cannot be interpolated from its neighbour frames
  while the rest can: a local morph or swim (each block against its own baseline, so busy
  regions such as water or changing text do not count; see warp.py).

Every threshold is a field of ``ContinuitySettings`` (settings_continuity.py), passed down.
"""

from __future__ import annotations

import math

import numpy as np

from reelgate.analysis.corruption import corrupted_spans
from reelgate.analysis.features import Features
from reelgate.analysis.model import Continuity, Glitch, GlitchKind, Uncertain
from reelgate.analysis.series import MAD_TO_SIGMA, baseline, nanmedian, runs
from reelgate.analysis.settings_continuity import ContinuityScoreSettings, ContinuitySettings
from reelgate.analysis.shots import jump_cuts, shot_changes, transient_span
from reelgate.analysis.warp import Event, find_warps

FALLBACK_FPS = 24.0  # frame rate assumed when the frame times give none (one frame or fewer)


def analyse_continuity(f: Features, settings: ContinuitySettings) -> Continuity:
    """Cuts, glitches, flicker and the continuity score of a clip's features."""
    s = settings
    fps = _fps(f.times)
    cuts, events = shot_changes(f, fps, s)
    freezes = _freezes(f, fps, cuts, s)
    exits = s.freeze_exit_guard + 1  # the jump out of a stall
    stalls = {k for e in freezes for k in range(e.frame, e.until + exits)}
    # the whole picture standing still is a freeze; part of it, a corrupted span
    spans = corrupted_spans(f, fps, [*cuts, *(e.frame for e in events)], stalls, s)
    broken = {k for e in spans for k in range(e.first, e.last + 2)}  # with its snap back
    cuts = [k for k in cuts if k not in broken]  # its break and its snap are not cuts
    events = [e for e in events if e.frame not in broken] + spans
    taken = _near({e.frame for e in events}, s.event_guard) | stalls | broken
    cuts = sorted(cuts + jump_cuts(f, fps, cuts, taken, s))
    busy = _near({e.frame for e in events} | set(cuts), s.event_guard)
    brightness, flicker = _brightness_events(f, fps, busy, s)
    events += brightness + freezes
    busy |= _near({e.frame for e in brightness}, s.event_guard) | _near(set(cuts), s.cut_guard)
    busy |= stalls | broken
    warps, doubts = find_warps(f, fps, busy, s)
    events += warps
    glitches = _merge(events, f.times, fps, s)
    roughness = (
        float(nanmedian(nanmedian(f.interp.reshape(f.count, -1), axis=1))) if f.count > 2 else 0.0
    )
    roughness = 0.0 if math.isnan(roughness) else roughness
    return Continuity(
        score=round(_smoothness(flicker, roughness, s.score), 4),
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


def _smoothness(flicker: float, roughness: float, score: ContinuityScoreSettings) -> float:
    """The continuity score: 1 minus the flicker and roughness penalties (each at most
    ``score.cap``). Cuts and glitches are counted by the rubric against its own bounds, once."""
    over_flicker = max(0.0, flicker - score.flicker_free) / score.flicker_scale
    over_rough = max(0.0, roughness - score.roughness_free) / score.roughness_scale
    return max(0.0, 1.0 - min(score.cap, over_flicker) - min(score.cap, over_rough))


def _fps(times: np.ndarray) -> float:
    if len(times) < 2:
        return FALLBACK_FPS
    step = float(np.median(np.diff(times)))
    return 1.0 / step if step > 0 else FALLBACK_FPS


def _near(frames: set[int], radius: int) -> set[int]:
    return {k for frame in frames for k in range(frame - radius, frame + radius + 1)}


def _brightness_events(
    f: Features, fps: float, busy: set[int], s: ContinuitySettings
) -> tuple[list[Event], float]:
    """Flashes and persistent steps of whole-picture brightness, and the flicker figure."""
    if f.count < 3:
        return [], 0.0
    change = np.r_[
        np.nan, nanmedian((f.blocks[1:] - f.blocks[:-1]).reshape(f.count - 1, -1), axis=1)
    ]
    bright = s.brightness
    half = max(bright.min_window_frames, round(bright.window * fps))
    deviation = change - baseline(change, half, bright.exclude_frames)
    calm = np.array([i not in busy for i in range(f.count)]) & ~np.isnan(deviation)
    spread = float(nanmedian(np.abs(deviation[calm]))) * MAD_TO_SIGMA if calm.any() else 0.0
    threshold = max(bright.step, bright.spreads * spread)
    steps = [
        i for i in np.flatnonzero(np.abs(np.nan_to_num(deviation)) > threshold) if i not in busy
    ]
    events: list[Event] = []
    span = transient_span(fps, s)
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
            and abs(deviation[k] + deviation[i])
            < bright.flash_undo * max(abs(deviation[k]), abs(deviation[i]))
        ]
        strength = float(abs(deviation[i]) / threshold)
        if back:
            used.update((i, back[0]))
            events.append(Event(int(i), "flash", strength, until=int(back[0]) - 1))
        else:
            used.add(i)
            events.append(Event(int(i), "brightness-step", strength))
    calm &= np.array([i not in _near(used, half) for i in range(f.count)])
    flicker = float(np.sqrt(np.mean(deviation[calm] ** 2))) if calm.any() else 0.0
    return events, flicker


def _freezes(f: Features, fps: float, cuts: list[int], s: ContinuitySettings) -> list[Event]:
    """Runs of repeated frames (no block of the picture changes) lasting ``freeze.seconds`` or
    more, with visible motion on both sides within the same shot: a fade or a still is not a
    stall, nor is an encoder holding a frame of a barely moving, soft or dark picture."""
    z = s.freeze
    usual = max(z.min_usual_frames, round(z.usual_window * fps))
    typical = np.nan_to_num(baseline(np.nan_to_num(f.mae, nan=0.0), usual, 0))
    change = np.nan_to_num(f.still, nan=np.inf)
    still = (change < z.change) & (
        np.nan_to_num(f.mae, nan=np.inf) < np.maximum(z.mae, z.quiet_share * typical)
    )
    fading = np.abs(np.r_[0.0, np.diff(f.luma)]) > z.fade_rate
    motion = np.where(fading, 0.0, np.nan_to_num(f.flow_top, nan=0.0))  # fades fool the flow
    reach = max(z.min_reach_frames, round(z.reach * fps))
    shortest = max(s.min_transient_frames, round(z.seconds * fps))
    events = []
    nearly = (change < z.nearly * z.change) & (
        np.nan_to_num(f.mae, nan=np.inf) < z.quiet_share * typical
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
        jumps = exit_step >= z.exit_jump * float(np.median(motion[before]))
        if activity > z.motion and visible > z.around and jumps:
            events.append(Event(first, "freeze", activity / z.motion, until=last))
    return events


_PRIORITY: dict[GlitchKind, int] = {
    "insert": 0,
    "flash": 1,
    "brightness-step": 2,
    "freeze": 3,
    "warp": 4,
    "corruption": -1,  # a corrupted span holds whatever else its broken frames set off
}


def _merge(
    events: list[Event], times: np.ndarray, fps: float, s: ContinuitySettings
) -> list[Glitch]:
    """One glitch per moment: events closer than ``transient`` keep the most specific kind and
    span the frames of both."""
    span = transient_span(fps, s)
    merged: list[Event] = []
    for event in sorted((e for e in events if e.kind), key=lambda e: e.first):
        if merged and event.first - merged[-1].last <= span:
            keep = merged[-1]
            specific = _PRIORITY[event.kind] < _PRIORITY[keep.kind]  # type: ignore[index]
            merged[-1] = Event(
                keep.frame,
                event.kind if specific else keep.kind,
                max(keep.strength, event.strength),
                until=max(keep.last, event.last),
                since=min(keep.first, event.first),
            )
            continue
        merged.append(event)
    return [
        Glitch(
            time=round(float(times[e.frame]), 4),
            frame=e.frame,
            kind=e.kind,  # type: ignore[arg-type]
            strength=round(e.strength, 3),
            start=round(float(times[e.first]), 4),
            end=round(float(times[e.last]), 4),
        )
        for e in merged
    ]

"""Shot changes: hard cuts, same-camera jump cuts, and transient changes (flash, insert).

* a **hard cut** is a change flow and a global gain cannot explain, and that stays: the frames
  after it never look like the frames before it again;
* a change undone within ``transient`` seconds is a glitch: a **flash** when the picture keeps
  its structure and only its brightness jumps, an **insert** when another picture stands in;
* a **jump cut** keeps the camera and the background, so the pictures on both sides look alike
  and a hard cut's bars are never reached: it is one pair whose unexplained change and picture
  change both stand far above both neighbouring pairs (motion, however fast, builds up and
  dies down over several pairs), that stays, judged only where the pairs around it belong to
  one shot, not at the exit of a stall (whose jump is the freeze's own) and not where the
  whole picture's brightness jumps (a flash or a step: the same camera keeps its exposure).

Thresholds in ``CutSettings`` and ``JumpSettings`` (settings_continuity.py).
"""

from __future__ import annotations

import numpy as np

from reelgate.analysis.features import Features
from reelgate.analysis.model import GlitchKind
from reelgate.analysis.series import baseline
from reelgate.analysis.settings_continuity import ContinuitySettings
from reelgate.analysis.warp import Event


def thumb_similarity(f: Features, a: int, b: int, s: ContinuitySettings) -> float:
    """Correlation of two frames' thumbnails; 1 when both are flat and equally bright."""
    x = f.thumbs[a].astype(np.float64)
    y = f.thumbs[b].astype(np.float64)
    sx, sy = x.std(), y.std()
    colour = float(np.abs(f.chroma[a] - f.chroma[b]).max())
    if colour > s.cut.chroma:
        return 0.0
    flat = s.cut.flat_std
    if sx < flat and sy < flat:
        same = abs(x.mean() - y.mean()) < s.cut.flat_match_steps * s.brightness.step
        return 1.0 if same else 0.0
    if sx < flat or sy < flat:
        return 0.0
    return float(np.mean((x - x.mean()) * (y - y.mean())) / (sx * sy))


def transient_span(fps: float, s: ContinuitySettings) -> int:
    """Frames within which a change that is undone is a glitch, not a cut."""
    return max(s.min_transient_frames, round(s.transient * fps))


def shot_changes(
    f: Features, fps: float, s: ContinuitySettings
) -> tuple[list[int], list[Event]]:
    """Cut frames (first frame of each new shot) and transient glitches (flash, insert)."""
    if f.count < 2:
        return [], []
    cut = s.cut
    half = max(cut.min_window_frames, round(cut.window * fps))
    mismatch = np.nan_to_num(f.mismatch, nan=0.0)
    chroma = np.nan_to_num(f.chroma_shift, nan=0.0)
    typical_mismatch = np.nan_to_num(baseline(mismatch, half, cut.exclude_frames), nan=0.0)
    typical_chroma = np.nan_to_num(baseline(chroma, half, cut.exclude_frames), nan=0.0)
    changed = (
        (mismatch > np.maximum(cut.mismatch, cut.event_ratio * typical_mismatch))
        | (chroma > np.maximum(cut.chroma, cut.event_ratio * typical_chroma))
        | _structure_breaks(f, mismatch, typical_mismatch, s)
    )
    changed[0] = False
    span = transient_span(fps, s)
    cuts: list[int] = []
    events: list[Event] = []
    pairs = list(np.flatnonzero(changed))
    while pairs:
        group = [pairs.pop(0)]
        while pairs and pairs[0] - group[-1] <= span:
            group.append(pairs.pop(0))
        first, last = int(group[0]), int(group[-1])
        strength = float(mismatch[first] / cut.mismatch)
        back = _returns_to(f, first - 1, first, min(f.count - 1, last + span), s)
        kind = _transient_kind(f, first, back, s) if back is not None else None
        if kind is not None and not _undone(f, first, back, kind, s):
            kind = None  # the same shot, moved on for good: a jump, not an insert
        if kind is not None:
            events.append(Event(first, kind, strength, until=back - 1))  # type: ignore[operator]
        elif f.count - first <= 1:
            events.append(Event(first, "insert", strength))  # the clip ends on a stray frame
        else:
            cuts.append(first)
            if len(group) > 1 and thumb_similarity(f, first, last, s) < cut.same_shot_ncc:
                cuts.append(last)  # two different shots in quick succession
    return cuts, events


def _structure_breaks(
    f: Features, mismatch: np.ndarray, typical: np.ndarray, s: ContinuitySettings
) -> np.ndarray:
    """Pairs whose mismatch stands ``corroborated_ratio`` above the local typical and whose
    thumbnails are of different pictures while the pairs either side hold their own picture."""
    breaks = np.zeros(f.count, bool)
    cut = s.cut
    candidates = np.flatnonzero(mismatch > np.maximum(cut.mismatch, cut.corroborated_ratio * typical))
    for k in candidates:
        if 2 <= k < f.count - 1 and thumb_similarity(f, k - 1, k, s) < cut.same_shot_ncc:
            breaks[k] = (
                thumb_similarity(f, k - 2, k - 1, s) >= cut.same_shot_ncc
                and thumb_similarity(f, k, k + 1, s) >= cut.same_shot_ncc
            )
    return breaks


def _returns_to(
    f: Features, before: int, start: int, stop: int, s: ContinuitySettings
) -> int | None:
    """The first frame in (start, stop] that looks like frame ``before`` again, if any."""
    for k in range(start + 1, stop + 1):
        if thumb_similarity(f, before, k, s) >= s.cut.same_shot_ncc:
            return k
    return None


def _undone(f: Features, first: int, back: int, kind: GlitchKind, s: ContinuitySettings) -> bool:
    """Whether frame ``back`` really undoes the change at ``first``: the picture comes back
    nearer to how it was than ``return_share`` of the way the change took it. Any frame of the
    shot undoes an inserted picture; a jump keeps the background, so its next frames look
    alike, but they do not come back. A flash keeps the structure: its return is its own."""
    odd = 1.0 - thumb_similarity(f, first - 1, first, s)
    if kind == "flash":
        return True
    return 1.0 - thumb_similarity(f, first - 1, back, s) <= s.cut.return_share * odd


def _transient_kind(f: Features, first: int, last: int, s: ContinuitySettings) -> GlitchKind:
    """Flash if the odd frames keep the picture's structure, insert if they show another."""
    similarity = min(thumb_similarity(f, first - 1, k, s) for k in range(first, last))
    shift = max(abs(f.luma[k] - f.luma[first - 1]) for k in range(first, last))
    flash = similarity >= s.cut.same_shot_ncc and shift > s.brightness.step
    return "flash" if flash else "insert"


def jump_cuts(
    f: Features, fps: float, cuts: list[int], taken: set[int], s: ContinuitySettings
) -> list[int]:
    """Same-camera jump cuts: pairs whose unexplained change (flow and gain removed) and
    picture change both stand ``jump.ratio`` above both neighbouring pairs, whose mismatch also
    stands that far above the local typical, and that no later pair as abrupt undoes. ``taken`` holds the
    frames other events explain (the exit of a stall, a flash, an insert)."""
    j = s.jump
    if f.count < 4:
        return []
    half = max(s.cut.min_window_frames, round(s.cut.window * fps))
    mismatch = np.nan_to_num(f.mismatch, nan=0.0)
    typical = np.nan_to_num(baseline(mismatch, half, s.cut.exclude_frames), nan=0.0)
    span = transient_span(fps, s)
    found: list[int] = []

    def apart(a: int, b: int) -> float:
        return 1.0 - thumb_similarity(f, a, b, s)

    for k in np.flatnonzero(mismatch >= j.mismatch):
        k = int(k)
        if not 2 <= k < f.count - 1 or k in taken:
            continue
        if any(abs(k - c) <= half for c in [*cuts, *found]):
            continue  # the pairs around it must be of one shot to judge it against them
        if abs(f.luma[k] - f.luma[k - 1]) > s.brightness.step:
            continue  # the whole picture's brightness jumps: a flash or step, not a jump cut
        if mismatch[k] < j.ratio * max(mismatch[k - 1], mismatch[k + 1], typical[k]):
            continue
        jumped = apart(k - 1, k)
        if jumped < j.ratio * max(apart(k - 2, k - 1), apart(k, k + 1), j.still_change):
            continue
        back = j.stays * jumped
        later = range(k + 1, min(f.count, k + 1 + span))
        if any(apart(k - 1, m) < back and apart(m - 1, m) >= back for m in later):
            continue  # the picture snaps back: a transient, not a cut (motion eases back)
        found.append(k)
    return found

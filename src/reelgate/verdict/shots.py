"""Multi-shot verdicts: the cuts a clip has against the shot boundaries its preset declares.

A multi-shot clip is meant to cut, so its cuts are not counted against ``max_cuts``: each
declared boundary must have a cut within ``cut_tolerance_frames`` of it, and no other cut may
appear. Where the cuts are, the clip is split into its shots (at the cuts found, or at the
declared time where one is missing), and camera intent and subject integrity are judged shot by
shot, each shot against its own camera.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from reelgate.analysis.model import ClipAnalysis
from reelgate.preset.camera import CameraIntent
from reelgate.preset.model import MAX_SHOTS, Shot

# Seconds compared as equal (floating point of frame times, not a tolerance of the check).
_EPS = 1e-6

# Frames a shot needs to be analysed on its own: the analysis follows motion between frames.
MIN_SHOT_FRAMES = 2


@dataclass(frozen=True)
class ShotWindow:
    """Where one shot lies in the clip, in frames (end excluded) and seconds."""

    index: int
    first: int
    end: int
    start_s: float
    end_s: float
    camera: CameraIntent | None


@dataclass(frozen=True)
class ShotCuts:
    """Declared boundaries against the cuts found: what matched, what is missing or extra."""

    declared: list[float]
    found: list[float]
    tolerance_frames: int
    problems: list[str] = field(default_factory=list)
    intended: list[float] = field(default_factory=list)  # found cuts that are declared ones
    error_frames: float = 0.0  # largest distance of a matched cut from its boundary
    windows: list[ShotWindow] = field(default_factory=list)
    intelligent: bool = False  # the model chose the cuts: none is declared

    @property
    def ok(self) -> bool:
        return not self.problems

    def fault_times(self) -> list[float]:
        """Seconds worth a frame on the contact sheet: every cut and boundary that failed."""
        return sorted({*self.declared, *self.found} - set(self.intended)) if self.problems else []


def check_shot_cuts(
    shots: Sequence[Shot], intelligent: bool, analysis: ClipAnalysis, tolerance_frames: int,
    default_camera: CameraIntent,
) -> ShotCuts:
    """Match the clip's cuts to the declared boundaries and split the clip into its shots."""
    fps = analysis.video.fps or 24.0
    cuts = list(analysis.continuity.cuts)
    frames = list(analysis.continuity.cut_frames)
    if intelligent:
        return _intelligent(cuts, frames, analysis, tolerance_frames, default_camera)
    declared = [shot.start for shot in shots[1:]]
    tolerance_s = tolerance_frames / fps + _EPS
    matched: dict[int, int] = {}  # boundary index -> cut index
    for b, boundary in enumerate(declared):
        free = [c for c in range(len(cuts)) if c not in matched.values()]
        near = min(free, key=lambda c: abs(cuts[c] - boundary), default=None)
        if near is not None and abs(cuts[near] - boundary) <= tolerance_s:
            matched[b] = near
    extra = [c for c in range(len(cuts)) if c not in matched.values()]
    problems = _missing(shots, declared, cuts, matched, extra, fps, tolerance_frames)
    problems += _extra(shots, cuts, extra, declared, matched)
    edges = [0] + [frames[matched[b]] if b in matched else round(t * fps)
                   for b, t in enumerate(declared)] + [analysis.video.frames]
    windows = [ShotWindow(shot.index, edges[i], edges[i + 1], edges[i] / fps, edges[i + 1] / fps,
                          shot.camera) for i, shot in enumerate(shots)]
    errors = [abs(cuts[c] - declared[b]) * fps for b, c in matched.items()]
    return ShotCuts(declared, cuts, tolerance_frames, problems,
                    sorted(cuts[c] for c in matched.values()),
                    round(max(errors, default=0.0), 2), windows)


def _missing(shots: Sequence[Shot], declared: list[float], cuts: list[float],
             matched: dict[int, int], extra: list[int], fps: float, tolerance: int) -> list[str]:
    """A boundary without its cut, with the stray cut nearest it (if one lies in its shots)."""
    out = []
    for b, boundary in enumerate(declared):
        if b in matched:
            continue
        shot = shots[b + 1]
        low, high = shots[b].start, shot.end
        stray = [cuts[c] for c in extra if low - _EPS <= cuts[c] <= high + _EPS]
        nearest = min(stray, key=lambda t: abs(t - boundary), default=None)
        found = (f"found at {nearest:.2f} s ({nearest - boundary:+.2f} s, "
                 f"{round(abs(nearest - boundary) * fps)} frames off)" if nearest is not None
                 else "found " + (_times(cuts) if cuts else "no cut"))
        out.append(f"shot {shot.index}: cut expected at {boundary:.2f} s (within {tolerance} "
                   f"frames), {found}")
    return out


def _extra(shots: Sequence[Shot], cuts: list[float], extra: list[int], declared: list[float],
           matched: dict[int, int]) -> list[str]:
    """Cuts no boundary claims (already named where they stand in for a missing one)."""
    named = set()
    for b, boundary in enumerate(declared):
        if b in matched:
            continue
        low, high = shots[b].start, shots[b + 1].end
        stray = [c for c in extra if low - _EPS <= cuts[c] <= high + _EPS]
        if stray:
            named.add(min(stray, key=lambda c: abs(cuts[c] - boundary)))
    out = []
    for c in extra:
        if c in named:
            continue
        inside = next((s for s in shots if s.start - _EPS <= cuts[c] < s.end), shots[-1])
        out.append(f"shot {inside.index}: extra cut at {cuts[c]:.2f} s inside the shot "
                   f"({inside.start:.2f}-{inside.end:.2f} s); cuts expected at "
                   f"{_times(declared) if declared else 'none'}")
    return out


def _intelligent(cuts: list[float], frames: list[int], analysis: ClipAnalysis, tolerance: int,
                 camera: CameraIntent) -> ShotCuts:
    """The model chose the cuts: any of them is intended, up to Kling's six shots."""
    problems = []
    if len(cuts) > MAX_SHOTS - 1:
        problems.append(f"{len(cuts) + 1} shots found (cuts at {_times(cuts)}); a multi-shot "
                        f"clip has at most {MAX_SHOTS}")
    fps = analysis.video.fps or 24.0
    edges = [0, *frames, analysis.video.frames]
    windows = [ShotWindow(i + 1, a, b, a / fps, b / fps, camera)
               for i, (a, b) in enumerate(itertools.pairwise(edges))]
    return ShotCuts([], cuts, tolerance, problems, list(cuts), 0.0, windows, intelligent=True)


def _times(seconds: Sequence[float]) -> str:
    return ", ".join(f"{t:.2f} s" for t in seconds)

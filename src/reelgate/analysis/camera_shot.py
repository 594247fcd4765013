"""One shot's camera path: frame steps in camera terms, corrected by the long-baseline chunk
steps, accumulated, smoothed into the intended motion, and the wobble left about it.

Steps come from a RANSAC similarity on textured flow samples only (features.py, fit.py): flat
regions (sky, asphalt, a wall) and frames with next to no picture give no sample, and a pair
without a confident estimate takes the motion of its neighbours, so they add no camera evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelgate.analysis.camera_wobble import wobble_offsets
from reelgate.analysis.features import Features
from reelgate.analysis.series import local_linear, nanmedian
from reelgate.analysis.settings_camera import CameraSettings


@dataclass(frozen=True, slots=True)
class Shot:
    frames: np.ndarray  # frame indices
    times: np.ndarray
    position: np.ndarray  # (n, 4) cumulative pan, tilt, zoom (ln), roll (degrees)
    smooth: np.ndarray  # (n, 4) fitted position
    velocity: np.ndarray  # (n, 4) fitted velocity per second
    held: np.ndarray  # (chunks, cells) share of each cell held still, per chunk in the shot
    chunk_times: np.ndarray  # (chunks, 2) start and end of each chunk
    wobble: np.ndarray  # (n, 2) the path's distance from its fitted trajectory, frame widths
    handheld: float  # robust RMS wobble, frame widths, from which the camera is handheld
    settings: CameraSettings

    def held_share(self, first: int, last: int) -> float:
        """Share of the frame's cells held still on screen through most of a stretch (measured
        over half-second chunks, where a subject's small drift and the camera's motion separate):
        a subject the camera follows. Noise holds points at random places, never persistently."""
        start, end = self.times[first], self.times[last]
        within = (self.chunk_times[:, 0] >= start - 1e-6) & (self.chunk_times[:, 1] <= end + 1e-6)
        if not within.any():
            return 0.0
        held = nanmedian(self.held[within], axis=0)
        return float(np.mean(np.nan_to_num(held) >= self.settings.held))


def camera_units(raw: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Image-space steps (pixel shift of the centre, ln scale, radians) in camera terms:
    pan (+ right), tilt (+ up), ln zoom (+ in), roll (degrees, + clockwise)."""
    width, height = size
    return np.column_stack(
        [-raw[:, 0] / width, raw[:, 1] / height, raw[:, 2], -np.degrees(raw[:, 3])]
    )


def camera_steps(raw: np.ndarray, reliable: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(n, 4) camera steps per frame pair; pairs without a confident estimate take the motion
    of their neighbours. Entry 0 (no pair) is zero."""
    steps = camera_units(raw, size)
    ok = reliable.copy()
    ok[0] = False
    if ok.sum() == 0:
        return np.zeros_like(steps)
    index = np.arange(len(steps))
    for column in range(4):
        steps[~ok, column] = np.interp(index[~ok], index[ok], steps[ok, column])
    steps[0] = 0.0
    return steps


def with_chunks(f: Features, steps: np.ndarray, cuts: list[int]) -> np.ndarray:
    """Frame steps corrected so each half-second chunk adds up to its long-baseline step: the
    frame steps keep the wobble, the chunks hold the drift (sub-pixel steps that encoders
    round away)."""
    if len(f.chunks) == 0:
        return steps
    chunk_steps = camera_units(f.chunks[:, 2:], f.size)
    corrected = steps.copy()
    for (first, last), step in zip(f.chunks[:, :2].astype(int), chunk_steps, strict=True):
        if last - first < 2 or any(first < cut <= last for cut in cuts):
            continue
        corrected[first + 1 : last + 1] += (step - steps[first + 1 : last + 1].sum(axis=0)) / (
            last - first
        )
    return corrected


def _path_of(
    steps: np.ndarray, times: np.ndarray, smoothing: float
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative position of a shot's steps and its straight-line-smoothed version."""
    inner = steps.copy()
    inner[0] = 0.0  # the step into a shot's first frame crosses the cut
    position = np.cumsum(inner, axis=0)
    columns = position.shape[1]
    smooth = np.column_stack(
        [local_linear(position[:, k], times, smoothing) for k in range(columns)]
    )
    return position, smooth


def shot(
    f: Features,
    steps: np.ndarray,
    raw: np.ndarray,
    span: tuple[int, int],
    handheld: float,
    settings: CameraSettings,
) -> Shot:
    """The shot of frames ``span`` (first, end): ``steps`` chunk-corrected for the intended
    motion, ``raw`` the frame steps alone for the wobble (chunk corrections are drift)."""
    first, end = span
    times = f.times[first:end]
    inside = (f.chunks[:, 0] >= first) & (f.chunks[:, 1] < end)
    position, smooth = _path_of(steps[first:end], times, settings.smoothing)
    velocity = np.column_stack([_slope(smooth[:, k], times) for k in range(4)])
    wobble = wobble_offsets(raw[first:end], times, f.size[1] / f.size[0], settings)
    return Shot(
        np.arange(first, end),
        times,
        position,
        smooth,
        velocity,
        f.held[inside],
        f.times[f.chunks[inside, :2].astype(int)] if inside.any() else np.zeros((0, 2)),
        wobble,
        handheld,
        settings,
    )


def _slope(values: np.ndarray, times: np.ndarray) -> np.ndarray:
    if len(values) < 2:
        return np.zeros_like(values)
    return np.gradient(values, times) if np.all(np.diff(times) > 0) else np.zeros_like(values)

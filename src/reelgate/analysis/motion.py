"""How much moves, how readable it is and how evenly paced: the figures a motion sweep compares.

Flow magnitudes are in frame widths per second (pixels per frame times fps over the motion
width), so clips of any size and frame rate compare. The dynamic degree follows VBench: the
share of 1/8-second steps whose fastest motion exceeds 6/256 of the short side. Thresholds
are fields of ``MotionSettings`` (settings_picture.py), passed down.
"""

from __future__ import annotations

import math

import numpy as np

from reelgate.analysis.features import Features
from reelgate.analysis.model import CameraAnalysis, Motion
from reelgate.analysis.settings_picture import MotionSettings


def _per_second(values: np.ndarray, f: Features) -> np.ndarray:
    """Pixels per frame (pair arrays) to frame widths per second."""
    gaps = np.r_[np.nan, np.diff(f.times)]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = values / gaps / f.size[0]
    rate[~np.isfinite(rate)] = np.nan
    return rate


def _bins(values: np.ndarray, times: np.ndarray, width: float) -> np.ndarray:
    """Mean of ``values`` in consecutive time bins of ``width`` seconds (empty bins dropped)."""
    if len(times) < 2:
        return np.array([])
    index = ((times - times[0]) / width).astype(int)
    sums = np.bincount(index, np.nan_to_num(values), minlength=index.max() + 1)
    counts = np.bincount(index, np.isfinite(values).astype(float), minlength=index.max() + 1)
    return sums[counts > 0] / counts[counts > 0]


def analyse_motion(f: Features, camera: CameraAnalysis, settings: MotionSettings) -> Motion:
    speed = _per_second(f.flow_top, f)
    objects = _per_second(f.object_flow, f)
    amount = float(np.nanmean(speed)) if np.isfinite(speed).any() else 0.0
    step = settings.dynamic_step
    steps = _bins(speed, f.times, step) * step  # widths moved per 1/8 s
    threshold = settings.dynamic_share * min(f.size) / f.size[0]
    dynamic = float(np.mean(steps > threshold)) if len(steps) else 0.0
    return Motion(
        amount=round(amount, 5),
        dynamic_degree=round(dynamic, 4),
        camera_speed=camera.path.speed,
        object_motion=round(float(np.nanmean(objects)) if np.isfinite(objects).any() else 0.0, 5),
        pacing_variation=round(pacing_variation(speed, f.times, settings.still), 4),
    )


def pacing_variation(speed: np.ndarray, times: np.ndarray, still: float) -> float:
    """Coefficient of variation of per-second motion; 0 for a still clip (mean under
    ``still`` frame widths per second)."""
    seconds = _bins(speed, times, 1.0)
    if len(seconds) < 2 or float(np.mean(seconds)) < still:
        return 0.0
    return float(np.std(seconds) / np.mean(seconds))


def motion_readability(f: Features, settings: MotionSettings) -> float:
    """0..1: motion slow enough to follow (``fast_percentile`` speed, scored 1 at the readable
    speed down to 0 at the unreadable one) times the share of frame pairs the flow explains
    (blur, chaos and smears are not followed)."""
    s = settings
    speed = _per_second(f.flow_top, f)
    finite = speed[np.isfinite(speed)]
    if len(finite) == 0:
        return 1.0
    fast = float(np.percentile(finite, s.fast_percentile))
    span = s.unreadable_speed - s.readable_speed
    pace = min(1.0, max(0.0, 1 - (fast - s.readable_speed) / span))
    mismatch = f.mismatch[np.isfinite(f.mismatch)]
    followed = float(np.mean(mismatch < s.explained)) if len(mismatch) else 1.0
    return round(pace * followed, 4) if math.isfinite(pace) else 0.0

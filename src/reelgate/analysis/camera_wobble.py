"""Handheld wobble: what is left of the camera path once the intended move is removed.

An intended move is smooth: it ramps up, holds or changes speed, and comes to rest, each over
half a second or more. A quadratic (``trajectory_degree``) fitted to the path over
``trajectory_window`` seconds either side of each frame follows all of that (a constant
acceleration exactly, a ramp's corner nearly), so the residual is the shake a hand adds, at one
to several hertz. The residual's size is taken
robustly (``robust_rms``): a ramp's corner leaves a little residual in a few frames, a hand's
wobble is there throughout.
"""

from __future__ import annotations

import math

import numpy as np

from reelgate.analysis.settings_camera import CameraSettings

# median(x^2 + y^2) of Gaussian wobble in two axes is ln 2 times its mean: dividing by it makes
# the median-based figure the RMS of such wobble, without the frames a ramp's corner disturbs
GAUSSIAN_MEDIAN_TO_MEAN = math.log(2)


def local_polynomial(
    values: np.ndarray, times: np.ndarray, half_window: float, degree: int
) -> np.ndarray:
    """Each sample replaced by a polynomial fit to its neighbours within ``half_window`` seconds
    (times ascending): the intended trajectory, ramps and speed changes included."""
    out = np.array(values, dtype=np.float64)
    low = np.searchsorted(times, times - half_window, side="left")
    high = np.searchsorted(times, times + half_window, side="right")
    for i, (a, b) in enumerate(zip(low, high, strict=True)):
        x = times[a:b] - times[i]
        if b - a <= degree + 1 or np.ptp(x) == 0:
            continue  # too few neighbours to tell a move from wobble: the sample is its own fit
        out[i] = np.polynomial.polynomial.polyfit(x, values[a:b], degree)[0]
    return out


def wobble_offsets(
    steps: np.ndarray, times: np.ndarray, aspect: float, settings: CameraSettings
) -> np.ndarray:
    """(n, 2) the path's distance from its fitted trajectory in frame widths, from one shot's
    camera steps (pan in frame widths, tilt in frame heights; the first step crosses the cut);
    ``aspect`` is height over width, which puts tilt in widths: a hand shakes both axes alike."""
    if len(steps) == 0:
        return np.zeros((0, 2))
    inner = np.array(steps[:, :2], dtype=np.float64)
    inner[0] = 0.0
    inner[:, 1] *= aspect
    position = np.cumsum(inner, axis=0)
    window, degree = settings.trajectory_window, settings.trajectory_degree
    fitted = np.column_stack(
        [local_polynomial(position[:, k], times, window, degree) for k in (0, 1)]
    )
    return position - fitted


def robust_rms(offsets: np.ndarray) -> float:
    """RMS of (n, 2) wobble offsets from their median square: a ramp's corner, a few frames
    long, does not make a steady move handheld."""
    if len(offsets) == 0:
        return 0.0
    squares = offsets[:, 0] ** 2 + offsets[:, 1] ** 2
    return float(math.sqrt(float(np.median(squares)) / GAUSSIAN_MEDIAN_TO_MEAN))

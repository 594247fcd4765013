"""Small time-series helpers: local baselines that ignore the event under test, runs, smoothing."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

_CHUNK = 96  # rows per step: a baseline over many columns keeps memory flat however long
MAD_TO_SIGMA = 1.4826  # median absolute deviation to standard deviation, for Gaussian noise


def nanmedian(values: np.ndarray, axis: int | None = None) -> np.ndarray:
    """np.nanmedian without the all-NaN warning: an empty window has no baseline (NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(values, axis=axis)


def baseline(
    values: np.ndarray,
    half: int,
    exclude: int = 0,
    side: Literal["both", "before", "after"] = "both",
) -> np.ndarray:
    """Median of each sample's neighbourhood (``half`` either side, or one ``side`` only),
    leaving out ``exclude`` samples either side of it so a short event does not raise its own
    baseline. NaN where the window holds no value.

    Works on (n,) or (n, k) arrays, column by column.
    """
    data = values.reshape(len(values), -1).astype(np.float32)
    padded = np.pad(data, ((half, half), (0, 0)), constant_values=np.nan)
    keep = np.ones(2 * half + 1, bool)
    keep[half - exclude : half + exclude + 1] = False
    if side == "before":
        keep[half:] = False
    elif side == "after":
        keep[: half + 1] = False
    out = np.empty_like(data)
    for start in range(0, len(data), _CHUNK):
        stop = min(start + _CHUNK, len(data))
        windows = sliding_window_view(padded[start : stop + 2 * half], 2 * half + 1, axis=0)
        out[start:stop] = _window_median(windows[:, :, keep])
    return out.reshape(values.shape)


def _window_median(windows: np.ndarray) -> np.ndarray:
    """np.nanmedian over the last axis, bit for bit (the mean of the two middle values, in the
    windows' dtype; NaN where a window is empty), without the masked arrays np.nanmedian uses
    for short windows, which cost more than the rest of the analysis after decoding."""
    ordered = np.sort(windows, axis=-1)  # NaN sorts last
    count = np.count_nonzero(~np.isnan(windows), axis=-1)
    high = count // 2
    low = np.where(count % 2 == 1, high, high - 1).clip(0)
    pick = np.stack([low, high.clip(max=windows.shape[-1] - 1)], axis=-1)
    pair = np.take_along_axis(ordered, pick, axis=-1)
    median = (pair[..., 0] + pair[..., 1]) / np.array(2, windows.dtype)
    median[count == 0] = np.nan
    return median


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of every run of True."""
    padded = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def local_linear(values: np.ndarray, times: np.ndarray, half_window: float) -> np.ndarray:
    """Each sample replaced by a straight-line fit to its neighbours within ``half_window``
    seconds: steady motion passes through unchanged (even at the ends), wobble is removed.

    ``times`` ascend. The fit is the closed-form least-squares line about each window's mean
    (what np.polyfit solves, to float rounding), for all samples at once, in bounded chunks."""
    values = np.asarray(values, dtype=np.float64)
    times = np.asarray(times, dtype=np.float64)
    out = values.copy()
    count = len(times)
    if count == 0:
        return out
    # the neighbours are contiguous; one sample of slack either side, then the exact test
    first = np.maximum(np.searchsorted(times, times - half_window, side="left") - 1, 0)
    last = np.minimum(np.searchsorted(times, times + half_window, side="right") + 1, count)
    width = int((last - first).max())
    rows = max(1, _CHUNK * 64 // width)
    for start in range(0, count, rows):
        stop = min(start + rows, count)
        index = first[start:stop, None] + np.arange(width)
        inside = index < count
        index = np.minimum(index, count - 1)
        x = times[index] - times[start:stop, None]
        near = inside & (np.abs(x) <= half_window)
        n = near.sum(axis=1)
        x_mean = np.where(near, x, 0.0).sum(axis=1) / np.maximum(n, 1)
        y = values[index]
        y_mean = np.where(near, y, 0.0).sum(axis=1) / np.maximum(n, 1)
        dx = np.where(near, x - x_mean[:, None], 0.0)
        spread = (dx * dx).sum(axis=1)
        span = np.where(near, x, -np.inf).max(axis=1) - np.where(near, x, np.inf).min(axis=1)
        fitted = (n >= 3) & (span > 0)
        slope = (dx * np.where(near, y - y_mean[:, None], 0.0)).sum(axis=1) / np.where(
            fitted, spread, 1.0
        )
        out[start:stop] = np.where(fitted, y_mean - slope * x_mean, values[start:stop])
    return out

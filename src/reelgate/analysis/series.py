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
        out[start:stop] = nanmedian(windows[:, :, keep], axis=2)
    return out.reshape(values.shape)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of every run of True."""
    padded = np.concatenate([[False], mask.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def local_linear(values: np.ndarray, times: np.ndarray, half_window: float) -> np.ndarray:
    """Each sample replaced by a straight-line fit to its neighbours within ``half_window``
    seconds: steady motion passes through unchanged (even at the ends), wobble is removed."""
    out = np.empty_like(values, dtype=np.float64)
    for i, t in enumerate(times):
        near = np.abs(times - t) <= half_window
        x, y = times[near] - t, values[near]
        if len(x) < 3 or np.ptp(x) == 0:
            out[i] = values[i]
            continue
        out[i] = np.polyfit(x, y, 1)[1]
    return out

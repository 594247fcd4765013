"""Picture quality on sampled frames: sharpness, exposure, contrast, noise.

Sharpness is measured at the fixed detail size, never at native size, so a threshold means the
same for a 4K and a 720p clip: the Crete et al. blur effect (0 sharp .. 1 blurred, scale-robust;
reported as 1 - blur) and, for reference, the Laplacian variance. Noise is Immerkaer's estimate
on unscaled pixels (scaling averages noise away), on the flattest half of a centre crop so
texture is not counted as noise. Levels are full-range 8-bit (limited-range video stretched).
Thresholds are fields of ``QualitySettings`` (settings_picture.py), passed down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from reelgate.analysis.planes import Frame
from reelgate.analysis.settings_picture import QualitySettings

_IMMERKAER_1D = np.array([1, -2, 1], np.float32)  # Immerkaer's 3x3 operator is its outer square
_SOBEL_GAIN = 4  # the largest |3x3 Sobel| of a picture is 4 times its largest level


def edge_maps(plane: np.ndarray, window: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per axis, |edge| and the part of it a further blur removes (Crete et al. 2007), so the
    blur effect of any rectangle is a ratio of two sums; ``window`` is the re-blur length.

    In integer units (``255 * window`` times the 0..1 maps: a box sum, not a mean): every value
    and sum is exact, so the result does not depend on SIMD paths or buffer alignment, and
    16-bit arithmetic is faster than float."""
    narrow = window * _SOBEL_GAIN * 255 <= np.iinfo(np.int16).max
    depth = cv2.CV_16S if narrow else cv2.CV_32F  # float32 is exact on these integers too
    maps = []
    for kernel, dx, dy in (((1, window), 1, 0), ((window, 1), 0, 1)):
        sharp = np.abs(cv2.Sobel(plane, depth, dx, dy)) * np.array(window, _dtype(depth))
        summed = cv2.boxFilter(plane, depth, kernel, normalize=False)
        blurred = np.abs(cv2.Sobel(summed, depth, dx, dy))
        removed = np.maximum(sharp - blurred, 0)
        maps.append((sharp, removed) if narrow else (_whole(sharp), _whole(removed)))
    return maps


def _dtype(depth: int) -> type:
    return np.int16 if depth == cv2.CV_16S else np.float32


def _whole(values: np.ndarray) -> np.ndarray:
    """Integer-valued float32 as int32, so sums over it stay exact."""
    return values.astype(np.int32)


def blur_from_sums(sums: list[tuple[float, float]]) -> float:
    """The blur effect from per-axis (edge, removed) sums: 0 sharp .. 1 blurred."""
    worst = 0.0
    for edges, removed in sums:
        if edges <= 0:
            return 1.0
        worst = max(worst, abs(edges - removed) / edges)
    return worst


def blur_effect(plane: np.ndarray, window: int) -> float:
    """Crete et al. (2007) no-reference blur of a whole picture: how little a further blur
    removes, 0..1. Scale- and content-robust, unlike edge energy."""
    inner = (slice(2, -1), slice(2, -1))
    return blur_from_sums(
        [
            (float(edges[inner].sum()), float(removed[inner].sum()))
            for edges, removed in edge_maps(plane, window)
        ]
    )


def noise_sigma(plane: np.ndarray) -> float:
    """Immerkaer (1996) noise sigma over the flattest half of the picture, 8-bit levels.

    Every intermediate is an exact integer (float32 holds these exactly) and square roots are
    float64, so the result is the same on any buffer: ``cv2.magnitude`` gave results that
    depended on the buffer's alignment."""
    if min(plane.shape) < 8:
        return 0.0
    inner = (slice(1, -1), slice(1, -1))
    response = np.abs(cv2.sepFilter2D(plane, cv2.CV_16S, _IMMERKAER_1D, _IMMERKAER_1D)[inner])
    gx, gy = cv2.Sobel(plane, cv2.CV_32F, 1, 0)[inner], cv2.Sobel(plane, cv2.CV_32F, 0, 1)[inner]
    squared = gx * gx + gy * gy  # at most 2 * 1020**2: exact in float32
    flat = squared <= _squared_bound(_median_root(squared[::4, ::4].ravel()))
    return float(math.sqrt(math.pi / 2) * int((response * flat).sum()) / flat.sum() / 6.0)


def _median_root(squares: np.ndarray) -> float:
    """np.median of the square roots (the roots keep the squares' order), rooting two values."""
    count = len(squares)
    low, high = np.partition(squares, [(count - 1) // 2, count // 2])[
        [(count - 1) // 2, count // 2]
    ]
    return (math.sqrt(low) + math.sqrt(high)) / 2


def _squared_bound(value: float) -> int:
    """The largest integer whose float64 square root is at most ``value``: comparing squares
    with it selects exactly the pixels whose gradient is at most ``value``."""
    bound = math.floor(value * value)
    while math.sqrt(bound + 1) <= value:
        bound += 1
    while bound >= 0 and math.sqrt(bound) > value:
        bound -= 1
    return bound


@dataclass
class QualityMeter:
    """Online: per sampled frame, the picture measures; ``medians`` gives clip medians."""

    settings: QualitySettings
    sharpness: list[float] = field(default_factory=list)
    laplacian: list[float] = field(default_factory=list)
    exposure: list[float] = field(default_factory=list)
    dark: list[float] = field(default_factory=list)
    bright: list[float] = field(default_factory=list)
    contrast: list[float] = field(default_factory=list)
    noise: list[float] = field(default_factory=list)
    seen: int = 0

    def push(self, frame: Frame) -> None:
        if frame.detail is None:
            return
        self.seen += 1
        s = self.settings
        if (self.seen - 1) % s.every_nth_sample:  # picture measures change slowly: few suffice
            return
        detail = frame.detail
        self.sharpness.append(1.0 - blur_effect(detail, s.blur_window))
        self.laplacian.append(float(cv2.Laplacian(detail, cv2.CV_32F).var()))
        mean, std = cv2.meanStdDev(detail)
        self.exposure.append(float(mean[0, 0]) / 255)
        self.contrast.append(float(std[0, 0]) / 255)
        self.dark.append(float(np.mean(detail <= s.dark)))
        self.bright.append(float(np.mean(detail >= s.bright)))
        if frame.native is not None:
            self.noise.append(noise_sigma(frame.native))

    def medians(self) -> dict[str, float]:
        def median(values: list[float]) -> float:
            return round(float(np.median(values)), 5) if values else 0.0

        return {
            "sharpness": median(self.sharpness),
            "laplacian": median(self.laplacian),
            "exposure": median(self.exposure),
            "clipped_dark": median(self.dark),
            "clipped_bright": median(self.bright),
            "contrast": median(self.contrast),
            "noise": median(self.noise),
        }

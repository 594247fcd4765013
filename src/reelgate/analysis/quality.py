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

_IMMERKAER = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)


def edge_maps(plane: np.ndarray, window: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per axis, |edge| and the part of it a further blur removes (Crete et al. 2007), so the
    blur effect of any rectangle is a ratio of two sums; ``window`` is the re-blur length."""
    image = plane.astype(np.float32) * (1.0 / 255.0)
    maps = []
    for kernel, dx, dy in (((1, window), 1, 0), ((window, 1), 0, 1)):
        sharp = np.abs(cv2.Sobel(image, cv2.CV_32F, dx, dy))
        blurred = np.abs(cv2.Sobel(cv2.blur(image, kernel), cv2.CV_32F, dx, dy))
        maps.append((sharp, np.maximum(sharp - blurred, 0.0)))
    return maps


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
    """Immerkaer (1996) noise sigma over the flattest half of the picture, 8-bit levels."""
    if min(plane.shape) < 8:
        return 0.0
    image = plane.astype(np.float32)
    response = np.abs(cv2.filter2D(image, cv2.CV_32F, _IMMERKAER))[1:-1, 1:-1]
    gradient = cv2.magnitude(cv2.Sobel(image, cv2.CV_32F, 1, 0), cv2.Sobel(image, cv2.CV_32F, 0, 1))
    gradient = gradient[1:-1, 1:-1]
    flat = gradient <= np.median(gradient[::4, ::4])
    return float(math.sqrt(math.pi / 2) * response[flat].mean() / 6.0)


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

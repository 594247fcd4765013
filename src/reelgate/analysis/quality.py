"""Picture quality on sampled frames: sharpness, exposure, contrast, noise.

Sharpness is measured at the fixed detail size, never at native size, so a threshold means the
same for a 4K and a 720p clip: the Crete et al. blur effect (0 sharp .. 1 blurred, scale-robust;
reported as 1 - blur) and, for reference, the Laplacian variance. Noise is Immerkaer's estimate
on unscaled pixels (scaling averages noise away), on the flattest half of a centre crop so
texture is not counted as noise. Levels are full-range 8-bit (limited-range video stretched).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from reelgate.analysis.decode import Frame

BLUR_WINDOW = 11  # the Crete re-blur filter length, pixels at the detail size
DARK, BRIGHT = 3, 252  # full-range levels at or past which a pixel is clipped
_IMMERKAER = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)


def blur_effect(plane: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Crete et al. (2007) no-reference blur: how little a further blur removes, 0..1;
    over the pixels of ``mask`` only when given. Scale- and content-robust, unlike edge energy."""
    image = plane.astype(np.float32) / 255.0
    inner = (slice(2, -1), slice(2, -1))
    keep = np.ones(image.shape, bool) if mask is None else mask
    keep = keep[inner]
    worst = 0.0
    for axis in (0, 1):
        kernel = (1, BLUR_WINDOW) if axis == 1 else (BLUR_WINDOW, 1)
        blurred = cv2.blur(image, kernel)
        dx, dy = (1, 0) if axis == 1 else (0, 1)
        sharp_edges = np.abs(cv2.Sobel(image, cv2.CV_32F, dx, dy))[inner][keep]
        blurred_edges = np.abs(cv2.Sobel(blurred, cv2.CV_32F, dx, dy))[inner][keep]
        total = float(sharp_edges.sum())
        if total <= 0:
            return 1.0
        kept = float(np.maximum(0.0, sharp_edges - blurred_edges).sum())
        worst = max(worst, abs(total - kept) / total)
    return worst


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
    """Online: per sampled frame, the picture measures; ``finish`` gives clip medians."""

    sharpness: list[float] = field(default_factory=list)
    laplacian: list[float] = field(default_factory=list)
    exposure: list[float] = field(default_factory=list)
    dark: list[float] = field(default_factory=list)
    bright: list[float] = field(default_factory=list)
    contrast: list[float] = field(default_factory=list)
    noise: list[float] = field(default_factory=list)

    def push(self, frame: Frame) -> None:
        if frame.detail is None:
            return
        detail = frame.detail
        self.sharpness.append(1.0 - blur_effect(detail))
        self.laplacian.append(float(cv2.Laplacian(detail, cv2.CV_32F).var()))
        mean, std = cv2.meanStdDev(detail)
        self.exposure.append(float(mean[0, 0]) / 255)
        self.contrast.append(float(std[0, 0]) / 255)
        self.dark.append(float(np.mean(detail <= DARK)))
        self.bright.append(float(np.mean(detail >= BRIGHT)))
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

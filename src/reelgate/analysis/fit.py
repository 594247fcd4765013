"""Global motion fitting: which flow samples to trust, and the camera similarity they imply.

Samples are spread over the frame (at most ``per_cell`` per cell, strongest texture first) so every
region gets an equal vote and a large, detailed subject cannot outvote a softer background; the
fit prefers the frame's edge cells, where the camera shows and subjects rarely sit. Thresholds
in ``FlowFitSettings`` (settings_camera.py).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from reelgate.analysis.settings_camera import FlowFitSettings


def dis_flow() -> cv2.DISOpticalFlow:
    """DIS optical flow, ultrafast preset (the constant's name differs across OpenCV builds)."""
    preset = getattr(cv2, "DISOPTICAL_FLOW_PRESET_ULTRAFAST", None)
    if preset is None:
        preset = getattr(cv2, "DISOpticalFlow_PRESET_ULTRAFAST", 0)
    return cv2.DISOpticalFlow_create(preset)


def textured_samples(
    luma: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    cells: np.ndarray,
    fit: FlowFitSettings,
    half: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Samples on corners or texture, where flow is measured rather than filled in, at most
    ``per_cell`` in each cell of the frame: every region gets an equal vote in the camera fit, so a
    large, detailed subject cannot outvote a softer background. Also the strongly textured ones,
    the only ones trusted to be truly still (flow on flat areas reads as still). ``half``: the
    luma at half size (INTER_AREA), when the caller has it already."""
    if half is None:
        size = (luma.shape[1] // 2, luma.shape[0] // 2)
        half = cv2.resize(luma, size, interpolation=cv2.INTER_AREA)
    strength = cv2.cornerMinEigenVal(half, fit.texture_window)
    values = strength[
        np.minimum(rows // 2, half.shape[0] - 1), np.minimum(cols // 2, half.shape[1] - 1)
    ]
    order = np.lexsort((-values, cells))
    first_of_cell = np.r_[0, np.flatnonzero(np.diff(cells[order])) + 1]
    rank = np.arange(len(order)) - np.repeat(
        first_of_cell, np.diff(np.r_[first_of_cell, len(order)])
    )
    chosen = np.zeros(len(values), bool)
    chosen[order[rank < fit.per_cell]] = True
    contrast = float(cv2.meanStdDev(half)[1][0, 0])
    if contrast < fit.min_contrast:  # next to no picture (black, a title fading in): no evidence
        return np.zeros(len(values), bool), np.zeros(len(values), bool)
    floor = fit.texture_floor * min(1.0, contrast / fit.floor_contrast) ** 2  # dim, flat scenes
    return chosen & (values > floor), chosen & (values > fit.strong_texture * fit.texture_floor)


def similarity(
    points: np.ndarray,
    vectors: np.ndarray,
    fit: FlowFitSettings,
    tolerance: float | None = None,
    cells: np.ndarray | None = None,
) -> np.ndarray | None:
    """RANSAC similarity (shift, scale, rotation) moving ``points`` by ``vectors``, or None
    when too few points agree on one. With each point's ``cells``, a still background wins over
    a moving fit when it shows in at least as many cells (see ``_still_rival``)."""
    if len(points) < fit.min_textured:
        return None
    # the tolerance follows the motion: sub-pixel steps (high frame rates) must still separate a
    # subject from its background, and flow errors grow with large displacements
    if tolerance is None:
        typical = float(np.median(np.linalg.norm(vectors, axis=1)))
        tolerance = max(
            fit.ransac_min_px,
            min(fit.ransac_max_share * typical, max(fit.ransac_px, fit.ransac_growth * typical)),
        )
    matrix, mask = cv2.estimateAffinePartial2D(
        points,
        points + vectors,
        method=cv2.RANSAC,
        ransacReprojThreshold=tolerance,
        maxIters=fit.ransac_iterations,
        confidence=fit.ransac_confidence,
    )
    if matrix is None or mask is None:
        return None
    inliers = mask.ravel().astype(bool)
    if inliers.sum() < fit.min_inliers or inliers.mean() < fit.min_inlier_share:
        return None
    if cells is not None and _still_rival(points, vectors, matrix, cells, tolerance, fit):
        return np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    return matrix


def _still_rival(
    points: np.ndarray,
    vectors: np.ndarray,
    matrix: np.ndarray,
    cells: np.ndarray,
    tolerance: float,
    fit: FlowFitSettings,
) -> bool:
    """Whether the picture's still part outweighs the fitted motion. RANSAC counts points, so on
    a textureless background (asphalt, sky, a wall) a large textured mover can win the fit; but
    when the camera moves, nothing but a tracked subject stays put on screen, and a subject
    covers fewer regions than its background. So the hypothesis seen in more cells is the camera."""
    predicted = points @ matrix[:, :2].T + matrix[:, 2] - points
    if float(np.median(np.linalg.norm(predicted, axis=1))) < tolerance:
        return False  # the fit already holds still
    still = np.linalg.norm(vectors, axis=1) < tolerance
    moving = ~still & (np.linalg.norm(vectors - predicted, axis=1) < tolerance)
    if still.sum() < fit.min_inliers:
        return False
    shown = _cells_shown(cells[still], fit.rival_points)
    return fit.rival_margin * shown >= _cells_shown(cells[moving], fit.rival_points)


def _cells_shown(cells: np.ndarray, points: int) -> int:
    if len(cells) == 0:
        return 0
    counts = np.bincount(cells)
    return int((counts >= points).sum())


def similarity_params(
    matrix: np.ndarray, width: int, height: int
) -> tuple[float, float, float, float]:
    """Shift of the frame centre (pixels), ln(scale) and rotation (radians, clockwise on screen)."""
    a, b = float(matrix[0, 0]), float(matrix[1, 0])
    centre = np.array([width / 2, height / 2])
    shift = matrix[:, :2] @ centre + matrix[:, 2] - centre
    return float(shift[0]), float(shift[1]), math.log(max(math.hypot(a, b), 1e-6)), math.atan2(b, a)

"""Global motion fitting: which flow samples to trust, and the camera similarity they imply.

Samples are spread over the frame (at most PER_CELL per cell, strongest texture first) so every
region gets an equal vote and a large, detailed subject cannot outvote a softer background; the
fit prefers the frame's edge cells, where the camera shows and subjects rarely sit.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

MIN_TEXTURED = 24  # flow samples needed for a camera estimate
CELLS = (6, 4)  # regions that each get an equal number of flow samples in the camera fit
PER_CELL = 12
TEXTURE_FLOOR = 1.5e-4  # structure-tensor minimum eigenvalue (OpenCV's scale) that is texture
MIN_CONTRAST = 4.0  # luma standard deviation below which a frame shows too little to track
FLOOR_CONTRAST = 50.0  # the floor holds at this luma standard deviation and scales with its square
RANSAC_PX = 0.6  # inlier tolerance of the camera similarity, pixels, for up to 4 px of motion
RANSAC_MIN_PX = 0.15  # and never below
RIVAL_POINTS = 2  # still samples a cell needs to count as showing a still background
RIVAL_MARGIN = 1.5  # a moving fit must show in this many times the cells of a still rival: the
# fit favours the frame's edge cells, where a tracked subject rarely is, so a still set there is
# the background far more often than a subject


def dis_flow() -> cv2.DISOpticalFlow:
    """DIS optical flow, ultrafast preset (the constant's name differs across OpenCV builds)."""
    preset = getattr(cv2, "DISOPTICAL_FLOW_PRESET_ULTRAFAST", None)
    if preset is None:
        preset = getattr(cv2, "DISOpticalFlow_PRESET_ULTRAFAST", 0)
    return cv2.DISOpticalFlow_create(preset)


def textured_samples(
    luma: np.ndarray, rows: np.ndarray, cols: np.ndarray, cells: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Samples on corners or texture, where flow is measured rather than filled in, at most
    PER_CELL in each cell of the frame: every region gets an equal vote in the camera fit, so a
    large, detailed subject cannot outvote a softer background. Also the strongly textured ones,
    the only ones trusted to be truly still (flow on flat areas reads as still)."""
    half = cv2.resize(luma, (luma.shape[1] // 2, luma.shape[0] // 2), interpolation=cv2.INTER_AREA)
    strength = cv2.cornerMinEigenVal(half, 5)
    values = strength[
        np.minimum(rows // 2, half.shape[0] - 1), np.minimum(cols // 2, half.shape[1] - 1)
    ]
    order = np.lexsort((-values, cells))
    first_of_cell = np.r_[0, np.flatnonzero(np.diff(cells[order])) + 1]
    rank = np.arange(len(order)) - np.repeat(
        first_of_cell, np.diff(np.r_[first_of_cell, len(order)])
    )
    chosen = np.zeros(len(values), bool)
    chosen[order[rank < PER_CELL]] = True
    contrast = float(cv2.meanStdDev(half)[1][0, 0])
    if contrast < MIN_CONTRAST:  # next to no picture (black, a title fading in): no evidence
        return np.zeros(len(values), bool), np.zeros(len(values), bool)
    floor = TEXTURE_FLOOR * min(1.0, contrast / FLOOR_CONTRAST) ** 2  # dim, flat scenes
    return chosen & (values > floor), chosen & (values > 2 * TEXTURE_FLOOR)


def similarity(
    points: np.ndarray,
    vectors: np.ndarray,
    tolerance: float | None = None,
    cells: np.ndarray | None = None,
) -> np.ndarray | None:
    """RANSAC similarity (shift, scale, rotation) moving ``points`` by ``vectors``, or None
    when too few points agree on one. With each point's ``cells``, a still background wins over
    a moving fit when it shows in at least as many cells (see ``_still_rival``)."""
    if len(points) < MIN_TEXTURED:
        return None
    # the tolerance follows the motion: sub-pixel steps (high frame rates) must still separate a
    # subject from its background, and flow errors grow with large displacements
    if tolerance is None:
        typical = float(np.median(np.linalg.norm(vectors, axis=1)))
        tolerance = max(RANSAC_MIN_PX, min(0.35 * typical, max(RANSAC_PX, 0.15 * typical)))
    matrix, mask = cv2.estimateAffinePartial2D(
        points,
        points + vectors,
        method=cv2.RANSAC,
        ransacReprojThreshold=tolerance,
        maxIters=1000,
        confidence=0.995,
    )
    if matrix is None or mask is None:
        return None
    inliers = mask.ravel().astype(bool)
    if inliers.sum() < MIN_TEXTURED // 2 or inliers.mean() < 0.25:
        return None
    if cells is not None and _still_rival(points, vectors, matrix, cells, tolerance):
        return np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    return matrix


def _still_rival(
    points: np.ndarray, vectors: np.ndarray, matrix: np.ndarray, cells: np.ndarray, tolerance: float
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
    if still.sum() < MIN_TEXTURED // 2:
        return False
    return RIVAL_MARGIN * _cells_shown(cells[still]) >= _cells_shown(cells[moving])


def _cells_shown(cells: np.ndarray) -> int:
    if len(cells) == 0:
        return 0
    counts = np.bincount(cells)
    return int((counts >= RIVAL_POINTS).sum())


def similarity_params(
    matrix: np.ndarray, width: int, height: int
) -> tuple[float, float, float, float]:
    """Shift of the frame centre (pixels), ln(scale) and rotation (radians, clockwise on screen)."""
    a, b = float(matrix[0, 0]), float(matrix[1, 0])
    centre = np.array([width / 2, height / 2])
    shift = matrix[:, :2] @ centre + matrix[:, 2] - centre
    return float(shift[0]), float(shift[1]), math.log(max(math.hypot(a, b), 1e-6)), math.atan2(b, a)

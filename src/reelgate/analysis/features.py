"""Per-frame features from one pass: flow, camera steps and temporal residuals, as small arrays.

Everything later measures (camera path, cuts, glitches, motion amount) reads these arrays, so
the frames themselves are dropped as soon as they are measured and memory stays flat.

Two DIS optical flows per frame:
* consecutive ``F_i = flow(Y[i-1] -> Y[i])``: a RANSAC similarity on textured flow samples is the
  camera step; what the similarity leaves is object motion;
* across one frame ``G = flow(Y[i-2] -> Y[i])``, at half size: interpolating frame ``i-1`` from
  its neighbours (VBench's motion-smoothness idea, with DIS instead of a learned interpolator)
  shows anything that appears for a moment and is gone: flashes, inserted frames, local warps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from reelgate.analysis.fit import dis_flow, similarity, similarity_params, textured_samples
from reelgate.analysis.planes import Frame
from reelgate.analysis.settings_camera import FeatureSettings, FlowFitSettings

# Array shapes (thresholds are in FeatureSettings and FlowFitSettings, settings_camera.py)
BLOCKS = (16, 9)  # residual grid (columns, rows) for local events
THUMB = (32, 18)  # thumbnail for shot identity
PATCH = 4  # pixels a side of each residual block's picture in the structure thumbnail


@dataclass(slots=True)
class PairStep:
    """The motion between two consecutive frames."""

    flow: np.ndarray  # (h, w, 2) float32: previous frame's pixel x moves to x + flow
    matrix: np.ndarray  # 2x3 similarity mapping previous-frame to current-frame coordinates
    reliable: bool


@dataclass
class Features:
    """Per-frame and per-pair measurements of a whole clip, as arrays."""

    size: tuple[int, int]  # motion size (width, height)
    times: np.ndarray  # (n,) seconds from the first frame
    luma: np.ndarray  # (n,) mean luma, 0..255
    blocks: np.ndarray  # (n, rows, cols) block mean luma
    thumbs: np.ndarray  # (n, th, tw) uint8
    patches: np.ndarray  # (n, rows * PATCH, cols * PATCH) uint8: each block's picture, coarsely
    chroma: np.ndarray  # (n, 2) mean U and V
    # pair arrays: entry i is the step from frame i-1 to frame i; entry 0 is zero / NaN
    steps: np.ndarray  # (n, 4): centre shift x, y (pixels), ln(scale), rotation (radians)
    chunks: np.ndarray  # (m, 6): first and last frame, then the step between them as in steps
    held: np.ndarray  # (m, cells) per chunk and cell, share of points still as the camera moves
    step_ok: np.ndarray  # (n,) bool: enough texture and inliers for a camera estimate
    inliers: np.ndarray  # (n,) fraction of textured samples the camera step explains
    mae: np.ndarray  # (n,) mean absolute luma change
    still: np.ndarray  # (n,) the largest block's mean absolute luma change: ~0 when frozen
    chroma_shift: np.ndarray  # (n,) mean absolute chroma change
    flow_top: np.ndarray  # (n,) mean of the top 5 % flow magnitudes, pixels per frame
    object_flow: np.ndarray  # (n,) 95th percentile of flow the camera does not explain
    mismatch: np.ndarray  # (n,) gain-compensated luma residual after flow compensation
    # triplet arrays: entry j compares frame j with its neighbours; first and last are NaN
    interp: np.ndarray  # (n, rows, cols) residual of frame j against its interpolation
    interp_motion: np.ndarray  # (n, rows, cols) fastest flow j-1 -> j+1 near each block, half px
    skip: np.ndarray  # (n, rows, cols) residual of frame j+1 against frame j-1 moved by that flow

    @property
    def count(self) -> int:
        return len(self.times)


class _Rows:
    """Per-frame arrays of one shape, stored in fixed blocks: no per-frame object overhead, so
    a minute of video costs a few megabytes."""

    BLOCK = 256

    def __init__(self, shape: tuple[int, ...], dtype: type = np.float32) -> None:
        self.shape, self.dtype = shape, dtype
        self.blocks: list[np.ndarray] = []
        self.count = 0

    def append(self, row: np.ndarray) -> None:
        if self.count % self.BLOCK == 0:
            self.blocks.append(np.empty((self.BLOCK, *self.shape), self.dtype))
        self.blocks[-1][self.count % self.BLOCK] = row
        self.count += 1

    def __setitem__(self, index: int, row: np.ndarray) -> None:
        index %= self.count
        self.blocks[index // self.BLOCK][index % self.BLOCK] = row

    def array(self) -> np.ndarray:
        if not self.blocks:
            return np.empty((0, *self.shape), self.dtype)
        return np.concatenate(self.blocks)[: self.count]


_GRID = BLOCKS[::-1]
_PATCHES = (BLOCKS[0] * PATCH, BLOCKS[1] * PATCH)


@dataclass
class _Log:
    times: list[float] = field(default_factory=list)
    luma: list[float] = field(default_factory=list)
    blocks: _Rows = field(default_factory=lambda: _Rows(_GRID))
    thumbs: _Rows = field(default_factory=lambda: _Rows(THUMB[::-1], np.uint8))
    patches: _Rows = field(
        default_factory=lambda: _Rows((BLOCKS[1] * PATCH, BLOCKS[0] * PATCH), np.uint8)
    )
    chroma: list[np.ndarray] = field(default_factory=list)
    steps: list[tuple[float, float, float, float]] = field(default_factory=list)
    chunks: list[tuple[float, ...]] = field(default_factory=list)
    step_ok: list[bool] = field(default_factory=list)
    inliers: list[float] = field(default_factory=list)
    held: list[np.ndarray] = field(default_factory=list)
    mae: list[float] = field(default_factory=list)
    still: list[float] = field(default_factory=list)
    chroma_shift: list[float] = field(default_factory=list)
    flow_top: list[float] = field(default_factory=list)
    object_flow: list[float] = field(default_factory=list)
    mismatch: list[float] = field(default_factory=list)
    interp: _Rows = field(default_factory=lambda: _Rows(_GRID))
    interp_motion: _Rows = field(default_factory=lambda: _Rows(_GRID))
    skip: _Rows = field(default_factory=lambda: _Rows(_GRID))


class Extractor:
    """Turns the stream of frames into Features; ``push`` returns each new camera step."""

    def __init__(
        self, size: tuple[int, int], settings: FeatureSettings, fit: FlowFitSettings
    ) -> None:
        self.size = size
        self._settings, self._fit = settings, fit
        step = settings.grid_step
        width, height = size
        self._pair_flow = dis_flow()
        self._skip_flow = dis_flow()
        # temporal residuals run at half size: a quarter of the pixels, the same events
        self._half_size = (width // 2, height // 2)
        self._grid = np.dstack(
            np.meshgrid(
                np.arange(width // 2, dtype=np.float32), np.arange(height // 2, dtype=np.float32)
            )
        )
        gy, gx = np.mgrid[step // 2 : height : step, step // 2 : width : step]
        self._samples = (gy.ravel(), gx.ravel())
        self._sample_points = np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)
        cols, rows = fit.cells if width >= height else fit.cells[::-1]
        cell_x, cell_y = gx.ravel() * cols // width, gy.ravel() * rows // height
        self._cells = cell_y * cols + cell_x
        self._cell_count = cols * rows
        self._edge = (cell_x == 0) | (cell_x == cols - 1) | (cell_y == 0) | (cell_y == rows - 1)
        self._recent: list[np.ndarray] = []  # the last frame's luma
        self._recent_half: list[np.ndarray] = []  # the last two frames' luma at half size
        self._chroma: np.ndarray | None = None
        self._anchor: tuple[int, float, np.ndarray] | None = None
        self._since_anchor = np.eye(3)  # frame steps composed since the anchor
        self._chunk_flow = dis_flow()
        self._log = _Log()
        self._nan_blocks = np.full(BLOCKS[::-1], np.nan, np.float32)

    def push(self, frame: Frame) -> PairStep | None:
        luma = frame.luma
        half = cv2.resize(luma, self._half_size, interpolation=cv2.INTER_AREA)
        log = self._log
        log.times.append(frame.time)
        log.luma.append(cv2.mean(luma)[0])
        log.blocks.append(cv2.resize(luma.astype(np.float32), BLOCKS, interpolation=cv2.INTER_AREA))
        log.thumbs.append(cv2.resize(luma, THUMB, interpolation=cv2.INTER_AREA))
        log.patches.append(cv2.resize(half, _PATCHES, interpolation=cv2.INTER_AREA))
        chroma = cv2.resize(frame.chroma.transpose(1, 2, 0), THUMB, interpolation=cv2.INTER_AREA)
        log.chroma.append(np.array(cv2.mean(chroma)[:2]))
        if self._chroma is not None:
            log.chroma_shift.append(float(np.mean(cv2.absdiff(chroma, self._chroma))))
        else:
            log.chroma_shift.append(math.nan)
        self._chroma = chroma
        log.interp.append(self._nan_blocks)
        log.interp_motion.append(self._nan_blocks)
        log.skip.append(self._nan_blocks)
        step = None
        if self._recent:
            step = self._pair(self._recent[-1], luma, half)
        else:
            self._log_pair_placeholder()
        if len(self._recent_half) == 2:
            self._triplet(*self._recent_half, half)
        self._chunk(frame, luma)
        self._recent = [luma]
        self._recent_half = [*self._recent_half[-1:], half]
        return step

    def _chunk(self, frame: Frame, luma: np.ndarray) -> None:
        """Every ``chunk`` seconds, the camera step across the whole chunk: slow moves are a
        fraction of a pixel per frame, which encoders round away; over half a second they are
        several pixels."""
        if self._anchor is None:
            self._anchor = (frame.index, frame.time, luma)
            return
        index, time, anchor = self._anchor
        if frame.time - time < self._settings.chunk:
            return
        # align the anchor by the frame steps first: DIS then measures only what they missed,
        # a few pixels, so repeating textures cannot alias a large chunk displacement
        composed = self._since_anchor
        aligned = cv2.warpAffine(
            anchor, composed[:2], self.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        flow = self._chunk_flow.calc(aligned, luma, None)
        rows, cols = self._samples
        fit = self._fit
        textured, strong = textured_samples(aligned, rows, cols, self._cells, fit)
        edge = textured & self._edge
        chosen = edge if edge.sum() >= fit.min_textured else textured
        residual = similarity(
            self._sample_points[chosen],
            flow[rows, cols][chosen],
            fit,
            fit.chunk_ransac_px,
            self._cells[chosen],
        )
        if residual is not None:
            total = np.vstack([residual, [0.0, 0.0, 1.0]]) @ composed
            self._log.chunks.append((index, frame.index, *similarity_params(total[:2], *self.size)))
            # each sample x came from anchor point p = composed^-1 x and landed on x + flow(x)
            points = self._sample_points
            origin = cv2.transform(points[:, None], cv2.invertAffineTransform(composed[:2]))[:, 0]
            on_screen = points + flow[rows, cols] - origin
            by_camera = cv2.transform(origin[:, None], total[:2])[:, 0] - origin
            self._log.held.append(self._held(on_screen, by_camera, strong))
        self._anchor = (frame.index, frame.time, luma)
        self._since_anchor = np.eye(3)

    def _held(self, on_screen: np.ndarray, by_camera: np.ndarray, strong: np.ndarray) -> np.ndarray:
        """Per cell, the share of strongly textured points that stayed put on screen while the
        camera would have moved them at least ``held_motion`` pixels: a subject it follows."""
        settings = self._settings
        camera = np.linalg.norm(by_camera, axis=1)
        speed = np.linalg.norm(on_screen, axis=1)
        held = strong & (camera > settings.held_motion) & (speed < settings.held_share * camera)
        per_cell = np.bincount(self._cells[strong], minlength=self._cell_count)
        count = np.bincount(self._cells[held], minlength=self._cell_count)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (count / per_cell).astype(np.float32)

    def _log_pair_placeholder(self) -> None:
        log = self._log
        log.steps.append((0.0, 0.0, 0.0, 0.0))
        log.step_ok.append(False)
        for series in (
            log.inliers,
            log.mae,
            log.still,
            log.flow_top,
            log.object_flow,
            log.mismatch,
        ):
            series.append(math.nan)

    def _pair(self, prev: np.ndarray, cur: np.ndarray, cur_half: np.ndarray) -> PairStep:
        log = self._log
        flow = self._pair_flow.calc(prev, cur, None)
        width, height = self.size
        rows, cols = self._samples
        vectors = flow[rows, cols]
        fit, settings = self._fit, self._settings
        textured, _ = textured_samples(prev, rows, cols, self._cells, fit, self._recent_half[-1])
        edge = textured & self._edge  # the camera shows at the frame's edges; subjects sit inside
        chosen = edge if edge.sum() >= fit.min_textured else textured
        matrix = similarity(
            self._sample_points[chosen], vectors[chosen], fit, cells=self._cells[chosen]
        )
        reliable = matrix is not None
        if matrix is None:
            matrix = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        self._since_anchor = np.vstack([matrix, [0.0, 0.0, 1.0]]) @ self._since_anchor
        predicted = self._sample_points @ matrix[:, :2].T + matrix[:, 2] - self._sample_points
        residual = np.linalg.norm(vectors - predicted, axis=1)
        speed = np.linalg.norm(vectors, axis=1)
        count = max(1, int(textured.sum()))
        log.steps.append(similarity_params(matrix, width, height))
        log.step_ok.append(reliable)
        explained = textured & (residual < settings.explained * fit.ransac_px)
        log.inliers.append(float(explained.sum()) / count if reliable else 0.0)
        change = cv2.absdiff(prev, cur)
        log.mae.append(cv2.mean(change)[0])
        log.still.append(
            float(cv2.resize(change.astype(np.float32), BLOCKS, interpolation=cv2.INTER_AREA).max())
        )
        log.flow_top.append(_top_mean(speed, settings.top_share))
        log.object_flow.append(_quantile(residual[textured], settings.object_quantile))
        half_flow = cv2.resize(flow, self._half_size, interpolation=cv2.INTER_AREA) * 0.5
        prev_half = self._recent_half[-1]
        log.mismatch.append(
            float(np.mean(self._gain_residual(prev_half, self._warp(cur_half, half_flow))))
        )
        return PairStep(flow, matrix, reliable)

    def _triplet(self, before: np.ndarray, middle: np.ndarray, after: np.ndarray) -> None:
        flow = self._skip_flow.calc(before, after, None)
        half = flow * 0.5
        predicted = cv2.addWeighted(self._warp(before, -half), 0.5, self._warp(after, half), 0.5, 0)
        residual = self._gain_residual(predicted, middle)
        self._log.interp[-2] = cv2.resize(residual, BLOCKS, interpolation=cv2.INTER_AREA)
        self._log.interp_motion[-2] = _block_max_speed(flow)
        skip = self._gain_residual(before, self._warp(after, flow))
        self._log.skip[-2] = cv2.resize(skip, BLOCKS, interpolation=cv2.INTER_AREA)

    def _gain_residual(self, reference: np.ndarray, observed: np.ndarray) -> np.ndarray:
        """|observed - (gain * reference + offset)| as float32: what a global brightness change
        cannot explain."""
        mean_r, std_r = cv2.meanStdDev(reference)
        mean_o, std_o = cv2.meanStdDev(observed)
        ratio = float(std_o[0, 0]) / max(float(std_r[0, 0]), 1.0)
        gain = min(max(ratio, self._settings.min_gain), self._settings.max_gain)
        offset = float(mean_o[0, 0]) - gain * float(mean_r[0, 0])
        return np.abs(cv2.addWeighted(reference, gain, observed, -1.0, offset, dtype=cv2.CV_32F))

    def _warp(self, image: np.ndarray, flow: np.ndarray) -> np.ndarray:
        """Sample a half-size ``image`` at x + flow(x): brings the frame the flow points to onto
        this grid."""
        return cv2.remap(
            image, self._grid + flow, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )

    def finish(self) -> Features:
        log = self._log
        count = len(log.times)
        return Features(
            size=self.size,
            times=np.array(log.times),
            luma=np.array(log.luma),
            blocks=log.blocks.array(),
            thumbs=log.thumbs.array(),
            patches=log.patches.array(),
            chroma=np.array(log.chroma).reshape(count, 2),
            steps=np.array(log.steps, dtype=np.float64).reshape(count, 4),
            chunks=np.array(log.chunks, dtype=np.float64).reshape(len(log.chunks), 6),
            step_ok=np.array(log.step_ok, dtype=bool),
            inliers=np.array(log.inliers),
            held=np.array(log.held, dtype=np.float32).reshape(len(log.held), self._cell_count),
            mae=np.array(log.mae),
            still=np.array(log.still),
            chroma_shift=np.array(log.chroma_shift),
            flow_top=np.array(log.flow_top),
            object_flow=np.array(log.object_flow),
            mismatch=np.array(log.mismatch),
            interp=log.interp.array(),
            interp_motion=log.interp_motion.array(),
            skip=log.skip.array(),
        )


def _block_max_speed(flow: np.ndarray) -> np.ndarray:
    """The fastest flow in each block and its neighbours (BLOCKS grid): where anything near a
    block moves fast, e.g. a fast object's edge, whose wake covers slower blocks around it.

    The root is taken of the largest squared speed (the same value: roots keep order) with
    NumPy's exact arithmetic: ``cv2.magnitude`` gave results that depended on the buffer's
    alignment."""
    cols, rows = BLOCKS
    height, width = flow.shape[0] // rows * rows, flow.shape[1] // cols * cols
    x, y = flow[:height, :width, 0], flow[:height, :width, 1]
    squared = x * x + y * y
    pooled = squared.reshape(rows, height // rows, cols, width // cols).max(axis=(1, 3))
    return cv2.dilate(np.sqrt(pooled, dtype=np.float32), np.ones((3, 3), np.uint8))


def _top_mean(values: np.ndarray, share: float) -> float:
    """Mean of the largest ``share`` of the values."""
    if len(values) == 0:
        return 0.0
    k = min(len(values) - 1, int(len(values) * (1 - share)))
    return float(np.partition(values, k)[k:].mean())


def _quantile(values: np.ndarray, q: float) -> float:
    if len(values) == 0:
        return 0.0
    k = min(len(values) - 1, int(len(values) * q))
    return float(np.partition(values, k)[k])

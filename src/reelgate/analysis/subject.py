"""Subject integrity: find the main subject early, follow it, compare it with its first second.

The subject is where the picture moves unlike the camera (a tracked subject holds still while
the background streams; a walking one moves over a still background), else where it is salient
(spectral residual on luma and chroma), weighted toward the centre where generators put
subjects, else the centre itself. It is followed by the median flow inside its box. Every
sampled frame compares the box with the first second twice: a centre-weighted tone/colour
histogram (appearance) and ORB features matched under a homography (retention), the latter
relative to how well the first second matches itself, so turning or non-rigid subjects are
judged against their own normal variation. Thresholds and score weights are fields of
``SubjectSettings`` (settings_picture.py), passed down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from reelgate.analysis.features import PairStep
from reelgate.analysis.model import Box, SubjectIntegrity
from reelgate.analysis.planes import Frame
from reelgate.analysis.quality import blur_from_sums, edge_maps
from reelgate.analysis.settings_picture import SubjectSettings

COARSE = (60, 34)  # grid for the motion and saliency maps


@dataclass(slots=True)
class _Sample:
    time: float
    visible: bool
    away: bool = False  # out of frame after walking out on its own (not judged)
    appearance: float = 0.0
    retention: float = 0.0
    clarity: float = 0.0


@dataclass
class _Reference:
    histograms: list[np.ndarray] = field(default_factory=list)
    keypoints: list[cv2.KeyPoint] | None = None
    descriptors: np.ndarray | None = None


class SubjectTracker:
    """Online: call ``push`` for every frame with its camera step, then ``finish``."""

    def __init__(self, size: tuple[int, int], settings: SubjectSettings, blur_window: int) -> None:
        """``blur_window``: the Crete re-blur length of the picture measures (QualitySettings),
        so the subject's sharpness is the same measure as the picture's."""
        self.size = size
        self.settings = settings
        self._blur_window = blur_window
        self._motion = np.zeros(COARSE[::-1], np.float32)
        self._pairs = 0
        self._box: np.ndarray | None = None  # x0, y0, x1, y1 in motion pixels
        self._found_by = "centre"
        self._start_box: Box | None = None
        self._start_time = 0.0
        self._reference = _Reference()
        self._samples: list[_Sample] = []
        # The box's travel: its own (unlike the camera) and the camera's at its centre, summed as
        # vectors, so that an exit is told apart from a box that slid off with the background.
        self._own_travel = np.zeros(2)
        self._camera_travel = np.zeros(2)
        self._walked_out: bool | None = None  # decided when the box first leaves the frame
        self._orb = cv2.ORB_create(
            nfeatures=settings.orb_features,
            edgeThreshold=settings.orb_patch,
            patchSize=settings.orb_patch,
        )
        self._matcher = cv2.BFMatcher(cv2.NORM_HAMMING)

    def push(self, frame: Frame, step: PairStep | None) -> None:
        if self._box is None:
            if step is not None:
                self._motion += _unexplained_motion(step, self.size)
                self._pairs += 1
            decided = step is not None and self._pairs >= self.settings.decide_pairs
            if frame.time >= self.settings.decide_after or decided:
                self._choose(frame)
            else:
                return
        elif step is not None:
            self._follow(step)
        if frame.detail is not None:
            self._sample(frame)

    def _choose(self, frame: Frame) -> None:
        s = self.settings
        width, height = self.size
        evidence = self._motion / max(1, self._pairs)
        saliency = _saliency(frame, s.saliency_sigma)
        centre = _centre_prior(s.centre_sigma)
        if evidence.max() >= s.motion_evidence:
            score, self._found_by = (
                centre**s.motion_centre_power
                * (evidence / evidence.max() + s.motion_saliency_weight * saliency),
                "motion",
            )
        elif saliency.max() > 0 and saliency.max() > s.salient_peak * float(np.median(saliency)) + 1e-6:
            score, self._found_by = centre * saliency, "saliency"
        else:
            score, self._found_by = centre, "centre"
        x0, y0, x1, y1 = _region(score, s.region_share)
        scale = np.array([width / COARSE[0], height / COARSE[1]] * 2)
        box = np.array([x0, y0, x1 + 1, y1 + 1], float) * scale
        self._box = _bounded(box, width, height, s)
        self._start_time = frame.time
        self._start_box = self._as_box()

    def _follow(self, step: PairStep) -> None:
        assert self._box is not None
        width, height = self.size
        x0, y0, x1, y1 = self._box
        cx, cy, bw, bh = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
        ix0, iy0 = int(np.clip(cx - bw / 4, 0, width - 1)), int(np.clip(cy - bh / 4, 0, height - 1))
        ix1, iy1 = (
            int(np.clip(cx + bw / 4, ix0 + 1, width)),
            int(np.clip(cy + bh / 4, iy0 + 1, height)),
        )
        grid = step.flow[iy0:iy1:4, ix0:ix1:4]
        m = step.matrix
        camera = m[:, :2] @ np.array([cx, cy]) + m[:, 2] - np.array([cx, cy])
        if grid.size:
            dx, dy = np.median(self._subject_flow(step, grid, (ix0, iy0)), axis=0)
        else:  # the box has left the picture: it drifts with the camera
            dx, dy = camera
        self._own_travel += np.array([dx, dy]) - camera
        self._camera_travel += camera
        grow = math.hypot(step.matrix[0, 0], step.matrix[1, 0]) if step.reliable else 1.0
        bw, bh = bw * grow, bh * grow
        cx, cy = cx + float(dx), cy + float(dy)
        self._box = np.array([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2])

    def _subject_flow(self, step: PairStep, grid: np.ndarray, corner: tuple[int, int]) -> np.ndarray:
        """The flow of the box's pixels (``grid``: every 4th from ``corner``) that move unlike the
        camera, when enough of them do: a followed subject holds still while the background
        streams past it, so the box's median would otherwise slide off with the background.
        Else all of the box's flow."""
        inside = grid.reshape(-1, 2)
        if not step.reliable:
            return inside
        s = self.settings
        rows, cols = grid.shape[:2]
        gx, gy = np.meshgrid(corner[0] + 4.0 * np.arange(cols), corner[1] + 4.0 * np.arange(rows))
        camera_x, camera_y = _camera_flow(step.matrix, gx, gy)
        unlike = np.hypot(grid[..., 0] - camera_x, grid[..., 1] - camera_y).ravel() >= s.motion_evidence
        return inside[unlike] if unlike.mean() >= s.follow_share else inside

    def _as_box(self) -> Box:
        assert self._box is not None
        width, height = self.size
        x0, y0, x1, y1 = self._box
        return Box(
            x=round(x0 / width, 4),
            y=round(y0 / height, 4),
            w=round((x1 - x0) / width, 4),
            h=round((y1 - y0) / height, 4),
        )

    def _sample(self, frame: Frame) -> None:
        assert self._box is not None and frame.detail is not None
        width, height = self.size
        x0, y0, x1, y1 = self._box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if not (0 <= cx < width and 0 <= cy < height):
            if self._walked_out is None:
                own, camera = np.hypot(*self._own_travel), np.hypot(*self._camera_travel)
                self._walked_out = bool(own > camera)
            self._samples.append(_Sample(frame.time, visible=False, away=self._walked_out))
            return
        fraction = (self._box / np.array([width, height, width, height])).clip(0, 1)
        histogram = _histogram(frame, fraction)
        patch = _crop(frame.detail, fraction)
        keypoints, descriptors = self._orb.detectAndCompute(patch, None)
        s = self.settings
        sample = _Sample(frame.time, visible=True, clarity=_clarity(frame, fraction, s, self._blur_window))
        reference = self._reference
        if frame.time <= self._start_time + s.reference:
            reference.histograms.append(histogram)
        enough = len(keypoints) >= s.min_reference_keypoints
        if reference.descriptors is None and descriptors is not None and enough:
            reference.keypoints, reference.descriptors = keypoints, descriptors
        mean_reference = np.mean(reference.histograms, axis=0)
        sample.appearance = float(np.sum(np.sqrt(mean_reference * histogram)))
        sample.retention = self._retention(keypoints, descriptors)
        self._samples.append(sample)

    def _retention(self, keypoints: list[cv2.KeyPoint], descriptors: np.ndarray | None) -> float:
        s = self.settings
        reference = self._reference
        if reference.descriptors is None or reference.keypoints is None:
            return 1.0  # nothing to match: a flat subject keeps no features to lose
        if descriptors is None or len(keypoints) < s.min_keypoints:
            return 0.0
        pairs = self._matcher.knnMatch(reference.descriptors, descriptors, k=2)
        good = [
            p[0] for p in pairs if len(p) == 2 and p[0].distance < s.ratio_test * p[1].distance
        ]
        if len(good) < s.min_matches:
            return len(good) / len(reference.keypoints) * s.few_matches_weight
        src = np.float32([reference.keypoints[m.queryIdx].pt for m in good])
        dst = np.float32([keypoints[m.trainIdx].pt for m in good])
        _, mask = cv2.findHomography(src, dst, cv2.RANSAC, s.homography_px)
        inliers = int(mask.sum()) if mask is not None else 0
        return inliers / len(reference.keypoints)

    def finish(self, times: np.ndarray, until: float | None) -> tuple[SubjectIntegrity, float]:
        """The subject score over samples before ``until`` (the first cut), and its clarity."""
        if self._box is None:  # a clip shorter than the decision window
            self._found_by = "centre"
            self._box = _bounded(
                np.array(self.settings.fallback_box) * np.array(self.size * 2),
                *self.size,
                self.settings,
            )
            self._start_box = self._as_box()
        assert self._start_box is not None  # set whenever the box is
        samples = [s for s in self._samples if until is None or s.time < until]
        score = _score(samples, self._start_box, self._found_by, self._start_time, self.settings)
        return score, _median([s.clarity for s in samples if s.visible])


def _score(
    samples: list[_Sample], box: Box, found_by: str, start: float, s: SubjectSettings
) -> SubjectIntegrity:
    """The composition in SubjectSettings' docstring. A subject that walks out of the picture
    (a dog running off, a car driving through: the box carried out by its own motion more than
    by the camera's) has not lost its identity: its time away is not judged, and the exit is
    reported (``visible``, ``left_frame_at``) for the rubric to flag. A box that slid out with
    the camera lost its subject: those samples score 0."""
    visible = [s for s in samples if s.visible]
    left = next((x.time for x in samples if x.away), None)
    if not visible:
        return SubjectIntegrity(
            score=0.0 if samples else 1.0,
            box=box,
            found_by=found_by,  # type: ignore[arg-type]
            appearance=0.0,
            retention=0.0,
            worst=0.0,
            worst_time=start,
            visible=0.0,
            left_frame_at=None if left is None else round(left, 4),
        )
    floor = s.appearance_floor
    early = [x for x in visible if x.time <= start + s.reference]
    base_appearance = max(_median([x.appearance for x in early]), floor + s.appearance_margin)
    base_retention = _median([x.retention for x in early[1:]]) if len(early) > 1 else 1.0
    base_retention = max(base_retention, s.retention_floor)
    per_sample = []
    for x in samples:
        if x.away:
            continue
        if not x.visible:
            per_sample.append((0.0, x.time))
            continue
        look = (x.appearance - floor) / (base_appearance - floor)
        keep = x.retention / base_retention
        value = s.appearance_weight * min(1.0, max(0.0, look)) + s.retention_weight * min(1.0, keep)
        per_sample.append((value, x.time))
    later = [v for v, t in per_sample if t > start + s.reference] or [v for v, _ in per_sample]
    worst, worst_time = _worst_moment(per_sample, s.moment_samples)
    score = s.mean_weight * float(np.mean(later)) + s.worst_weight * worst
    return SubjectIntegrity(
        score=round(min(1.0, max(0.0, score)), 4),
        box=box,
        found_by=found_by,  # type: ignore[arg-type]
        appearance=round(float(np.mean([x.appearance for x in visible])), 4),
        retention=round(
            min(1.0, float(np.mean([x.retention for x in visible])) / base_retention), 4
        ),
        worst=round(worst, 4),
        worst_time=round(worst_time, 4),
        visible=round(len(visible) / len(samples), 4),
        left_frame_at=None if left is None else round(left, 4),
    )


def _worst_moment(per_sample: list[tuple[float, float]], length: int) -> tuple[float, float]:
    """The lowest mean over ``length`` consecutive samples, and the time of its worst sample:
    one sample's feature matching can fail on a blurred frame, a broken subject stays broken."""
    if len(per_sample) <= length:
        values = [v for v, _ in per_sample]
        return float(np.mean(values)), min(per_sample)[1]
    windows = [per_sample[i:i + length] for i in range(len(per_sample) - length + 1)]
    window = min(windows, key=lambda w: sum(v for v, _ in w))
    return float(np.mean([v for v, _ in window])), min(window)[1]


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else 0.0


def _unexplained_motion(step: PairStep, size: tuple[int, int]) -> np.ndarray:
    """Per coarse cell, how far the flow differs from the camera's (pixels per frame)."""
    width, height = size
    flow = cv2.resize(step.flow, COARSE, interpolation=cv2.INTER_AREA)
    xs = (np.arange(COARSE[0]) + 0.5) * width / COARSE[0]
    ys = (np.arange(COARSE[1]) + 0.5) * height / COARSE[1]
    gx, gy = np.meshgrid(xs, ys)
    camera_x, camera_y = _camera_flow(step.matrix, gx, gy)
    return np.hypot(flow[..., 0] - camera_x, flow[..., 1] - camera_y).astype(np.float32)


def _camera_flow(m: np.ndarray, gx: np.ndarray, gy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the camera's similarity ``m`` moves the points (gx, gy): its flow, in pixels."""
    return m[0, 0] * gx + m[0, 1] * gy + m[0, 2] - gx, m[1, 0] * gx + m[1, 1] * gy + m[1, 2] - gy


def _saliency(frame: Frame, sigma: float) -> np.ndarray:
    """Spectral-residual saliency (Hou and Zhang 2007) of luma and chroma, 0..1 on COARSE."""
    total = np.zeros(COARSE[::-1], np.float64)
    planes = [frame.luma, frame.chroma[0], frame.chroma[1]]
    for plane in planes:
        small = cv2.resize(plane, COARSE, interpolation=cv2.INTER_AREA).astype(np.float64)
        spectrum = np.fft.fft2(small)
        log_amplitude = np.log(np.abs(spectrum) + 1e-9)
        residual = log_amplitude - cv2.blur(log_amplitude, (3, 3))
        energy = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2
        total += cv2.GaussianBlur(energy, (0, 0), sigma)
    peak = total.max()
    return (total / peak) if peak > 0 else total


def _centre_prior(sigma: float) -> np.ndarray:
    ys, xs = np.mgrid[0 : COARSE[1], 0 : COARSE[0]]
    nx, ny = (xs + 0.5) / COARSE[0] - 0.5, (ys + 0.5) / COARSE[1] - 0.5
    return np.exp(-(nx**2 + ny**2) / (2 * sigma**2))


def _region(score: np.ndarray, share: float) -> tuple[int, int, int, int]:
    """Bounding cells of the connected high-score region around the peak."""
    peak = np.unravel_index(int(np.argmax(score)), score.shape)
    mask = (score >= share * score.max()).astype(np.uint8)
    _, labels = cv2.connectedComponents(mask, connectivity=8)
    ys, xs = np.nonzero(labels == labels[peak])
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _bounded(box: np.ndarray, width: int, height: int, s: SubjectSettings) -> np.ndarray:
    """The box grown by a margin and held between ``min_area`` and ``max_area`` of the frame."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bw, bh = (x1 - x0) * s.box_margin, (y1 - y0) * s.box_margin
    area = bw * bh / (width * height)
    if area < s.min_area or area > s.max_area:
        factor = math.sqrt(min(max(area, s.min_area), s.max_area) / max(area, 1e-9))
        bw, bh = bw * factor, bh * factor
    bw, bh = min(bw, width), min(bh, height)
    cx, cy = min(max(cx, bw / 2), width - bw / 2), min(max(cy, bh / 2), height - bh / 2)
    return np.array([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2])


def _crop(plane: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    height, width = plane.shape[:2]
    x0, y0, x1, y1 = (fraction * np.array([width, height, width, height])).round().astype(int)
    return plane[y0 : max(y1, y0 + 2), x0 : max(x1, x0 + 2)]


def _kernel(height: int, width: int) -> np.ndarray:
    """Epanechnikov weights: the box centre counts most, its corners (background) least."""
    xs = ((np.arange(width, dtype=np.float32) + 0.5) / width * 2 - 1) ** 2
    ys = ((np.arange(height, dtype=np.float32) + 0.5) / height * 2 - 1) ** 2
    return np.clip(1 - ys[:, None] - xs[None, :], 0, None)


def _histogram(frame: Frame, fraction: np.ndarray, ring: bool = False) -> np.ndarray:
    """Luma (16 bins) and chroma (8x8 bins) histogram of a box, summing to one.

    The box's centre counts most and its corners (likely background) least; with ``ring``,
    the histogram is of the band around the box instead (twice its size, box left out)."""
    region = _grown(fraction) if ring else fraction
    luma = _crop(frame.luma, region)
    u, v = _crop(frame.chroma[0], region), _crop(frame.chroma[1], region)
    luma_weights = _ring(luma.shape, fraction, region) if ring else _kernel(*luma.shape)
    chroma_weights = _ring(u.shape, fraction, region) if ring else _kernel(*u.shape)
    tone = np.bincount((luma // 16).ravel(), luma_weights.ravel(), minlength=16)
    colour = np.bincount(((u // 32) * 8 + v // 32).ravel(), chroma_weights.ravel(), minlength=64)
    tone, colour = tone / max(tone.sum(), 1e-9), colour / max(colour.sum(), 1e-9)
    return np.concatenate([tone, colour]) / 2


def _grown(fraction: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = fraction
    w, h = x1 - x0, y1 - y0
    return np.array([x0 - w / 2, y0 - h / 2, x1 + w / 2, y1 + h / 2]).clip(0, 1)


def _inner_slices(
    shape: tuple[int, ...], inner: np.ndarray, outer: np.ndarray
) -> tuple[slice, slice] | None:
    """Where ``inner`` lies in a crop of ``outer`` (both frame fractions); None if empty or
    if it fills the crop (no surroundings to compare with)."""
    height, width = shape[:2]
    span = np.maximum(outer[2:] - outer[:2], 1e-9)
    x0, y0 = ((inner[:2] - outer[:2]) / span * np.array([width, height])).round().astype(int)
    x1, y1 = ((inner[2:] - outer[:2]) / span * np.array([width, height])).round().astype(int)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    if x1 <= x0 or y1 <= y0 or (x1 - x0) * (y1 - y0) >= height * width:
        return None
    return slice(y0, y1), slice(x0, x1)


def _ring(shape: tuple[int, ...], inner: np.ndarray, outer: np.ndarray) -> np.ndarray:
    """1 on the band of ``outer`` (frame fractions) outside ``inner``, 0 inside."""
    weights = np.ones(shape[:2], np.float32)
    slices = _inner_slices(shape, inner, outer)
    if slices is not None:
        weights[slices] = 0
    return weights


def _clarity(frame: Frame, fraction: np.ndarray, s: SubjectSettings, window: int) -> float:
    """Subject clarity 0..1: sharper than its surroundings, apart from them, big enough."""
    assert frame.detail is not None
    region = _grown(fraction)
    patch = _crop(frame.detail, region)
    inner = _inner_slices(patch.shape, fraction, region)
    if min(patch.shape) < 8 or inner is None:
        return 0.0
    # focus, not texture: the blur effect is normalised by each region's own edges
    subject_sums, ring_sums = [], []
    for edges, removed in edge_maps(patch, window):
        whole = (float(edges.sum()), float(removed.sum()))
        part = (float(edges[inner].sum()), float(removed[inner].sum()))
        subject_sums.append(part)
        ring_sums.append((whole[0] - part[0], whole[1] - part[1]))
    lead = blur_from_sums(ring_sums) - blur_from_sums(subject_sums)
    sharper = min(1.0, max(0.0, 0.5 + lead / (2 * s.clearly_sharper)))  # equal: 0.5
    subject, surroundings = _histogram(frame, fraction), _histogram(frame, fraction, ring=True)
    separated = min(1.0, (1.0 - float(np.sum(np.sqrt(subject * surroundings)))) / s.clearly_apart)
    x0, y0, x1, y1 = fraction
    big_enough = min(1.0, (x1 - x0) * (y1 - y0) / s.big_enough)
    return big_enough * (sharper + separated) / 2

"""Same subject across shots: is the character of shot 2 (3, ...) the one of shot 1?

Weight-free: each shot is summarised over its first half second by three chroma histograms
(YUV U x V, centre weighted, luma left out so a lamp-lit close-up and a dim wide shot of one
man still agree): of its subject region (the box its own analysis found, ``subject.box``), of
that box grown to take in the hair and clothes around a face, and of the frame's centre, where
generators and camera operators put the subject. A shot's distance from shot 1 is the smallest
of the three Hellinger distances (0 the same colours, 1 none in common): the tracker's box can
land on background (on the dev footage it took a dark corner of a close-up) and a small pale
subject drowns in a grown box's background (the simulator's), so no one view alone fails a
clip; only a shot whose subject, surroundings and centre all changed does. The bound
(``Rubric.max_subject_distance``) is the rubric's; the measure's constants are named here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reelgate.analysis.model import Box

if TYPE_CHECKING:  # NumPy and PyAV load when a signature is taken: a replay's rubric takes none
    import numpy as np

# The first half second of a shot: the subject box is chosen about 0.2 s in (SubjectSettings
# decide_after) and holds near its place that long; later frames would need the tracked box.
SIGNATURE_SECONDS = 0.5
# Frames read at most (a 60 fps shot's half second is 30): enough to average out noise and
# compression, few enough to cost a few milliseconds a shot.
SIGNATURE_FRAMES = 12
# Chroma bins per axis: 8 (32 levels each, as the subject tracker's appearance histogram) keeps
# skin, clothing and set colours apart without splitting one colour by compression noise.
CHROMA_BINS = 8
# The subject box is widened this many times (clipped to the frame): a tracked face alone looks
# like any other face in colour; with its hair and clothes two characters part.
BOX_GROWTH = 2.0
# The frame's centre, in frame fractions: the middle 60 % of the width and 80 % of the height.
CENTRE = Box(x=0.2, y=0.1, w=0.6, h=0.8)


@dataclass(frozen=True)
class SubjectShift:
    """One shot's subject against shot 1's: the appearance distance, 0..1."""

    index: int
    against: int  # the shot compared with: shot 1, or the first shot that could be read
    distance: float

    def finding(self, bound: float) -> str:
        return (f"shot {self.index}: subject differs from shot {self.against} (appearance "
                f"distance {self.distance:.2f} > {bound:g})")


@dataclass(frozen=True)
class Signature:
    """A shot's subject box, the box grown, and the frame centre as chroma histograms that
    each sum to one."""

    subject: np.ndarray
    surround: np.ndarray
    centre: np.ndarray

    def distance(self, other: Signature) -> float:
        return min(hellinger(self.subject, other.subject),
                   hellinger(self.surround, other.surround), hellinger(self.centre, other.centre))


def subject_signature(path: Path, box: Box) -> Signature | None:
    """The shot's signature over its first half second; None when the box or the file holds no
    pixels. Raises av.FFmpegError for an unreadable file."""
    import av
    import numpy as np

    regions = (box, grown(box, BOX_GROWTH), CENTRE)
    sums = [np.zeros(CHROMA_BINS * CHROMA_BINS) for _ in regions]
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for count, frame in enumerate(container.decode(stream)):
            if count >= SIGNATURE_FRAMES or (frame.time or 0.0) > SIGNATURE_SECONDS:
                break
            planes = frame.to_ndarray(format="yuv444p")  # 3 x H x W
            for total, region in zip(sums, regions, strict=True):
                total += _histogram(planes[1], planes[2], region)
    if any(total.sum() <= 0 for total in sums):
        return None
    subject, surround, centre = (total / total.sum() for total in sums)
    return Signature(subject, surround, centre)


def grown(box: Box, factor: float) -> Box:
    """``box`` widened about its centre, clipped to the frame."""
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    w, h = min(1.0, box.w * factor), min(1.0, box.h * factor)
    x, y = min(max(0.0, cx - w / 2), 1.0 - w), min(max(0.0, cy - h / 2), 1.0 - h)
    return Box(x=x, y=y, w=w, h=h)


def _histogram(u: np.ndarray, v: np.ndarray, box: Box) -> np.ndarray:
    import numpy as np

    height, width = u.shape
    x0, x1 = int(max(0.0, box.x) * width), int(min(1.0, box.x + box.w) * width)
    y0, y1 = int(max(0.0, box.y) * height), int(min(1.0, box.y + box.h) * height)
    if x1 <= x0 or y1 <= y0:
        return np.zeros(CHROMA_BINS * CHROMA_BINS)
    cu, cv = u[y0:y1, x0:x1], v[y0:y1, x0:x1]
    step = 256 // CHROMA_BINS
    bins = (cu // step).astype(np.int64) * CHROMA_BINS + cv // step
    return np.bincount(bins.ravel(), _kernel(*cu.shape).ravel(), minlength=CHROMA_BINS ** 2)


def _kernel(height: int, width: int) -> np.ndarray:
    """Centre weights: a box's corners are most likely background."""
    import numpy as np

    ys = 1 - np.abs(np.linspace(-1, 1, height))
    xs = 1 - np.abs(np.linspace(-1, 1, width))
    return np.outer(ys, xs) + 1e-3


def hellinger(p: np.ndarray, q: np.ndarray) -> float:
    """Distance of two histograms that sum to one: 0 equal, 1 disjoint."""
    import numpy as np

    return float(np.sqrt(max(0.0, 1.0 - float(np.sum(np.sqrt(p * q))))))


def subject_shifts(signatures: Mapping[int, Signature]) -> list[SubjectShift]:
    """Each later shot against shot 1 (the first shot with a signature), in shot order."""
    order = sorted(signatures)
    if len(order) < 2:
        return []
    first = signatures[order[0]]
    return [SubjectShift(i, order[0], round(first.distance(signatures[i]), 4))
            for i in order[1:]]


def shot_signatures(paths: Mapping[int, Path], boxes: Mapping[int, Box]
                    ) -> dict[int, Signature]:
    """The signature of every shot that has a file and a box (raises av.FFmpegError)."""
    out = {}
    for index, path in paths.items():
        box = boxes.get(index)
        signature = subject_signature(path, box) if box is not None else None
        if signature is not None:
            out[index] = signature
    return out

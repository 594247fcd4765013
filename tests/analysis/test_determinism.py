"""The analysis is a pure function of the frames' values: the cache, approved records and the
analyses stored beside media all assume the same clip always gives the same numbers.

OpenCV and NumPy pick SIMD or scalar code by where a buffer starts, so a kernel that is not
exact (``cv2.magnitude`` was one: its result moved by an ulp with the buffer's alignment) made
the same clip give different noise figures and glitch evidence from run to run. These tests
lay the same frames out at every alignment and compare every output bit for bit.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from reelgate.analysis.decode import ClipReader
from reelgate.analysis.features import Extractor
from reelgate.analysis.pipeline import analyse_frames
from reelgate.analysis.planes import Frame
from reelgate.analysis.quality import noise_sigma
from reelgate.analysis.settings import AnalysisSettings
from tests.analysis.synth import Camera, Shot, Subject, local_warp, write_clip

CACHE_LINE = 64  # bytes: every alignment a SIMD path can tell apart repeats within it


def _placed(array: np.ndarray, offset: int, pad: int = 0) -> np.ndarray:
    """A copy of ``array`` whose data starts ``offset`` bytes past a cache-line boundary; with
    ``pad``, each row is ``pad`` elements longer than the picture (a strided view)."""
    if pad:
        wider = np.zeros((*array.shape[:-1], array.shape[-1] + pad), array.dtype)
        wider[..., : array.shape[-1]] = array
        array = wider
    raw = np.empty(array.nbytes + 2 * CACHE_LINE, np.uint8)
    start = (-raw.ctypes.data) % CACHE_LINE + offset
    view = raw[start : start + array.nbytes].view(array.dtype).reshape(array.shape)
    view[...] = array
    return view[..., : array.shape[-1] - pad] if pad else view


def _frame_placed(frame: Frame, offset: int) -> Frame:
    """The frame with every plane copied ``offset`` bytes past a cache line (planes stay
    contiguous, as the decoder hands them over)."""

    def put(array: np.ndarray | None) -> np.ndarray | None:
        return None if array is None else _placed(array, offset)

    return dataclasses.replace(
        frame,
        luma=put(frame.luma),
        chroma=put(frame.chroma),
        detail=put(frame.detail),
        native=put(frame.native),
    )


@pytest.fixture(scope="module")
def decoded(clip_dir: Path) -> tuple[list[Frame], object]:
    """A clip with a camera move, a walking subject, grain and a local warp, decoded."""
    shot = Shot(
        scenery=2,
        camera=Camera(pan=0.04, zoom=0.02),
        subject=Subject(),
        seconds=2.0,
        grain=3.0,
    )
    pictures = shot.frames(24, (640, 360))
    local_warp()(pictures, 30)
    path = write_clip(clip_dir / "determinism.mp4", pictures)
    settings = AnalysisSettings()
    with ClipReader(path, settings) as reader:
        return list(reader.frames()), reader.info


def test_the_same_frames_at_any_alignment_give_the_same_analysis(
    decoded: tuple[list[Frame], object],
) -> None:
    frames, info = decoded
    settings = AnalysisSettings()

    def analyse(clip: list[Frame]) -> str:
        return analyse_frames(clip, info, "clip.mp4", "0" * 64, settings).to_json()  # type: ignore[arg-type]

    reference = analyse(frames)
    for offset in (1, 8):
        placed = [_frame_placed(f, offset) for f in frames]
        assert analyse(placed) == reference, f"frames {offset} bytes off a cache line"


def test_per_frame_features_do_not_depend_on_alignment(
    decoded: tuple[list[Frame], object],
) -> None:
    """Below the rounded report: every per-frame array bit for bit (NaN where NaN)."""
    frames, info = decoded
    settings = AnalysisSettings()

    def features(clip: list[Frame]) -> dict[str, np.ndarray]:
        extractor = Extractor(info.motion_size, settings.features, settings.flow_fit)  # type: ignore[attr-defined]
        for frame in clip:
            extractor.push(frame)
        done = extractor.finish()
        return {
            f.name: getattr(done, f.name)
            for f in dataclasses.fields(done)
            if isinstance(getattr(done, f.name), np.ndarray)
        }

    reference = features(frames)
    for offset in (4, 8, 13):
        other = features([_frame_placed(f, offset) for f in frames])
        for name, values in reference.items():
            assert np.array_equal(values, other[name], equal_nan=True), f"{name} at {offset}"


def test_noise_is_exact_at_every_alignment() -> None:
    """Noise on a grainy picture is the same number from a buffer at any of the 64 byte
    offsets and any row stride, and equals the float64 textbook computation."""
    rng = np.random.default_rng(5)
    ramp = np.linspace(40, 200, 640)[None, :] + 30 * np.sin(np.arange(360) / 9)[:, None]
    picture = np.clip(ramp + rng.normal(0, 4, (360, 640)), 0, 255).astype(np.uint8)
    expected = noise_sigma(picture)
    for offset in range(CACHE_LINE):
        assert noise_sigma(_placed(picture, offset)) == expected, f"offset {offset}"
    assert noise_sigma(_placed(picture, 3, pad=11)) == expected
    assert expected == pytest.approx(_textbook_noise(picture), rel=1e-12)
    assert 3.0 < expected < 5.0  # the grain's sigma, 4 levels


def _textbook_noise(plane: np.ndarray) -> float:
    """Immerkaer's estimate over the flattest half, all in float64 NumPy."""
    image = plane.astype(np.float64)
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float64)
    height, width = image.shape

    def at(dy: int, dx: int) -> np.ndarray:
        return image[1 + dy : height - 1 + dy, 1 + dx : width - 1 + dx]

    taps = [kernel[dy + 1, dx + 1] * at(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    response = np.abs(np.sum(taps, axis=0))
    gx = (at(-1, 1) + 2 * at(0, 1) + at(1, 1)) - (at(-1, -1) + 2 * at(0, -1) + at(1, -1))
    gy = (at(1, -1) + 2 * at(1, 0) + at(1, 1)) - (at(-1, -1) + 2 * at(-1, 0) + at(-1, 1))
    gradient = np.sqrt(gx * gx + gy * gy)
    flat = gradient <= np.median(gradient[::4, ::4])
    return float(np.sqrt(np.pi / 2) * response[flat].mean() / 6.0)

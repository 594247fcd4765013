"""Picture quality at a fixed resolution, and motion amount across a sweep."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from reelgate.analysis import analyze_clip
from reelgate.analysis.model import Quality
from tests.analysis.synth import Camera, Shot, Subject, write_clip


def _quality(clip_dir: Path, name: str, frames: list[np.ndarray]) -> Quality:
    return analyze_clip(write_clip(clip_dir / f"quality-{name}.mp4", frames, crf=16)).quality


@pytest.fixture(scope="module")
def scene() -> list[np.ndarray]:
    return Shot(scenery=1, camera=Camera(pan=0.03), seconds=1.5, grain=0).frames(24, (640, 360))


def test_blur_lowers_sharpness(clip_dir: Path, scene: list[np.ndarray]) -> None:
    sharp = _quality(clip_dir, "sharp", scene)
    soft = _quality(clip_dir, "soft", [cv2.GaussianBlur(f, (0, 0), 1.0) for f in scene])
    blurred = _quality(clip_dir, "blurred", [cv2.GaussianBlur(f, (0, 0), 2.5) for f in scene])
    assert sharp.sharpness > soft.sharpness + 0.04 > blurred.sharpness + 0.08
    assert sharp.laplacian > 3 * soft.laplacian > 3 * blurred.laplacian


def test_sharpness_is_measured_at_a_fixed_size(clip_dir: Path) -> None:
    """The same view at 1280x720 and 640x360 reads alike; at native size the Laplacian would
    differ several times over."""

    def view(size: tuple[int, int], scale: float) -> list[np.ndarray]:
        return Shot(scenery=1, camera=Camera(pan=0.03, scale=scale), seconds=1.0, grain=0).frames(
            24, size
        )

    large, small = view((1280, 720), 0.75), view((640, 360), 1.5)
    native = [
        cv2.Laplacian(cv2.cvtColor(v[5], cv2.COLOR_RGB2GRAY), cv2.CV_32F).var()
        for v in (large, small)
    ]
    assert native[1] > 4 * native[0]
    a, b = _quality(clip_dir, "large", large), _quality(clip_dir, "small", small)
    assert a.sharpness == pytest.approx(b.sharpness, rel=0.1)
    assert a.laplacian == pytest.approx(b.laplacian, rel=0.3)


def test_noise_exposure_contrast(clip_dir: Path, scene: list[np.ndarray]) -> None:
    def grain(sigma: float) -> list[np.ndarray]:
        rng = np.random.default_rng(0)
        return [np.clip(f + rng.normal(0, sigma, f.shape), 0, 255).astype(np.uint8) for f in scene]

    clean, noisy, noisier = (_quality(clip_dir, f"grain{s}", grain(s)) for s in (0, 4, 10))
    assert clean.noise < 1.0 < noisy.noise < 3.0 < noisier.noise
    dark = _quality(clip_dir, "dark", [(f * 0.3).astype(np.uint8) for f in scene])
    flat = _quality(clip_dir, "flat", [(f * 0.3 + 90).astype(np.uint8) for f in scene])
    assert dark.exposure < 0.12 < clean.exposure and dark.clipped_dark > clean.clipped_dark
    assert flat.contrast < 0.1 < clean.contrast and flat.exposure > dark.exposure + 0.3


def test_a_sharp_subject_on_a_soft_background_is_clear(clip_dir: Path) -> None:
    sharp_subject = Shot(
        scenery=0, subject=Subject(scenery=3, size=0.5, velocity=(0.04, 0.0)), grain=0
    ).frames()
    background = Shot(scenery=0, grain=0).frames()
    soft = [cv2.GaussianBlur(b, (0, 0), 2.0) for b in background]
    mask = [
        np.any(np.abs(s.astype(int) - b.astype(int)) > 0, axis=2, keepdims=True)
        for s, b in zip(sharp_subject, background, strict=True)
    ]
    clear = [np.where(m, s, b) for m, s, b in zip(mask, sharp_subject, soft, strict=True)]
    muddled = [cv2.GaussianBlur(c, (0, 0), 2.0) for c in clear]
    assert _quality(clip_dir, "clear", clear).subject_clarity > (
        _quality(clip_dir, "muddled", muddled).subject_clarity + 0.1
    )


def test_motion_amount_follows_the_subject_speed(clip_dir: Path) -> None:
    """A motion sweep: faster subject motion must read as more motion, camera unchanged."""
    figures = []
    for speed in (0.03, 0.12, 0.3):
        shot = Shot(scenery=2, subject=Subject(scenery=0, at=(0.2, 0.5), velocity=(speed, 0.0)))
        a = analyze_clip(write_clip(clip_dir / f"motion-{speed}.mp4", shot.frames()))
        figures.append(a.motion)
    amounts = [m.amount for m in figures]
    assert amounts[0] < amounts[1] < amounts[2], amounts
    assert amounts[2] == pytest.approx(0.3, rel=0.35)
    assert [m.object_motion for m in figures] == sorted(m.object_motion for m in figures)
    assert figures[0].dynamic_degree <= figures[1].dynamic_degree <= figures[2].dynamic_degree
    assert figures[2].dynamic_degree > 0.5 and all(m.camera_speed < 0.01 for m in figures)


def test_under_a_tracking_shot_only_the_motion_the_camera_does_not_explain_follows_the_subject(
        clip_dir: Path) -> None:
    """A followed subject held in frame while the background streams past: the frame's top
    motion is the camera's at every sway, so the motion response reads ``object_motion``."""
    figures = []
    for sway in (0.0, 4.0, 10.0):  # px of the subject's own non-rigid movement
        shot = Shot(scenery=2, camera=Camera(pan=0.15), subject=Subject(scenery=0, sway=sway))
        figures.append(analyze_clip(write_clip(clip_dir / f"track-{sway}.mp4", shot.frames())).motion)
    amounts = [m.amount for m in figures]
    assert max(amounts) - min(amounts) < 0.005, amounts  # flat: the background's streaming
    objects = [m.object_motion for m in figures]
    assert objects[0] < objects[1] < objects[2], objects

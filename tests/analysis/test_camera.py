"""The camera reads on rendered paths: every component of a combined move, handheld only where
wobble remains once the intended move (its ramps and speed changes too) is removed, and no
camera evidence from textureless regions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from reelgate.analysis import analyze_clip, match_camera
from reelgate.analysis.camera_speed import components
from reelgate.analysis.camera_wobble import local_polynomial, robust_rms, wobble_offsets
from reelgate.analysis.fit import textured_samples
from reelgate.analysis.model import ClipAnalysis
from reelgate.analysis.settings_camera import CameraSettings, FlowFitSettings
from tests.analysis.synth import Camera, Shot, scenery

FPS = 24
SECONDS = 3.0
Read = Callable[[str], ClipAnalysis]


def _ramped(ramp: float) -> tuple[tuple[float, float], ...]:
    """At rest, up to full speed over ``ramp`` seconds, and back to rest at the end."""
    return ((0.0, 0.0), (ramp, 1.0), (SECONDS - ramp, 1.0), (SECONDS, 0.0))


CASES: dict[str, tuple[Camera, list[str]]] = {
    # moderate moves that ramp up and down or change speed: intended, not handheld
    "pan-ramped": (Camera(pan=0.13, pace=_ramped(0.5)), ["pan-right"]),
    "pan-speed-change": (
        Camera(pan=0.11, pace=((0.0, 0.5), (1.2, 0.5), (1.8, 1.5), (SECONDS, 1.5))),
        ["pan-right"],
    ),
    "tilt-ramped": (Camera(tilt=-0.13, pace=_ramped(0.6)), ["tilt-down"]),
    "push-in-alone": (Camera(zoom=0.13), ["push-in"]),
    # a hand's wobble on a ramped pan still is handheld
    "pan-ramped-handheld": (
        Camera(pan=0.13, shake=0.003, seed=5, pace=_ramped(0.5)),
        ["handheld", "pan-right"],
    ),
    # moves made together: every component is reported
    "pan-with-push-in": (Camera(pan=0.055, zoom=0.025), ["pan-right", "push-in"]),
    "pan-with-tilt": (Camera(pan=-0.13, tilt=0.035), ["pan-left", "tilt-up"]),
    "tilt-with-pull-out": (Camera(tilt=0.1, zoom=-0.05, scale=1.3), ["pull-out", "tilt-up"]),
}


@pytest.fixture(scope="module")
def read(shared_clip: Callable[[str, Callable[[], list[np.ndarray]]], Path]) -> Read:
    def analyse(name: str) -> ClipAnalysis:
        camera, _ = CASES[name]
        shot = Shot(scenery=sorted(CASES).index(name) % 4, camera=camera, seconds=SECONDS)
        return analyze_clip(shared_clip(f"camera-{name}.mp4", lambda: shot.frames(FPS)))

    return analyse


@pytest.mark.parametrize("name", list(CASES))
def test_camera_moves_name_every_component_and_only_real_wobble(name: str, read: Read) -> None:
    camera = read(name).camera
    assert camera.moves == CASES[name][1], camera


def test_a_combined_intent_matches_a_combined_move(read: Read) -> None:
    analysis = read("pan-with-push-in")
    assert match_camera(analysis, "slow push-in with a gentle pan right").matched
    assert match_camera(analysis, "gentle pan right").matched  # the pan is the primary move
    wrong = match_camera(analysis, "slow push-in with a gentle pan left")
    assert not wrong.matched
    assert "pan-left" in " ".join(wrong.reasons) and wrong.measured.endswith("push-in")
    assert not match_camera(read("pan-ramped"), "moderate pan right with a slow tilt up").matched


def _path(velocity: np.ndarray, times: np.ndarray) -> np.ndarray:
    """(n, 2) camera steps (pan, tilt) from a pan velocity per frame."""
    steps = np.zeros((len(times), 2))
    steps[1:, 0] = velocity[1:] * np.diff(times)
    return steps


def test_the_fitted_trajectory_follows_ramps_and_leaves_shake() -> None:
    settings = CameraSettings()
    times = np.arange(72) / FPS
    accelerating = 0.3 * times**2
    fitted = local_polynomial(accelerating, times, settings.trajectory_window, 2)
    assert np.allclose(fitted, accelerating)
    ramp = np.interp(times, [0, 0.3, 2.7, 3.0], [0, 0.2, 0.2, 0])  # a fast pan, abrupt ends
    steady = robust_rms(wobble_offsets(_path(ramp, times), times, 9 / 16, settings))
    rng = np.random.default_rng(3)
    shake = _path(ramp, times)
    shake[1:, :] += rng.normal(0, 0.002, (len(times) - 1, 2))  # a hand's frame-to-frame jolts
    shaken = robust_rms(wobble_offsets(shake, times, 1.0, settings))
    assert steady < settings.handheld_jitter / 4 < settings.handheld_jitter < shaken


def test_a_drift_of_a_few_source_pixels_is_no_move_on_a_small_clip() -> None:
    """A 256-pixel AI clip panning right drifts in scale by 0.8 % a second: 2 source pixels at
    its edge in 2 s, within the flow's error. OpenCV 4.9 read it as a push-in, 5.1 did not; on
    a 1080p source the same rates carry 8 pixels, and the push-in is real."""
    settings = CameraSettings()
    rates = np.array([0.0384, 0.003, 0.0084, 0.3])  # pan, tilt (frames/s), zoom (ln/s), roll (deg/s)
    assert components("pan-right", rates, 1.95, settings) == {"pan-right", "push-in"}
    assert components("pan-right", rates, 1.95, settings, (256, 256)) == {"pan-right"}
    assert components("pan-right", rates, 1.95, settings, (1920, 1080)) == {"pan-right", "push-in"}
    drifting = np.array([0.0, 0.0, 0.0084, 0.0])
    assert components("push-in", drifting, 1.95, settings, (256, 256)) == set()


def test_flat_regions_give_no_flow_samples() -> None:
    """Asphalt, sky or a wall under sensor grain: flow there is noise, never camera evidence."""
    rng = np.random.default_rng(1)
    height, width = 216, 384
    luma = np.clip(105 + rng.normal(0, 2.0, (height, width)), 0, 255).astype(np.uint8)
    still = cv2.cvtColor(cv2.resize(scenery()[3], (width // 2, height)), cv2.COLOR_RGB2GRAY)
    luma[:, width // 2 :] = still  # the right half shows texture
    fit = FlowFitSettings()
    rows, cols = np.mgrid[6:height:12, 6:width:12]
    rows, cols = rows.ravel(), cols.ravel()
    cells = (cols * fit.cells[0] // width) + (rows * fit.cells[1] // height) * fit.cells[0]
    chosen, strong = textured_samples(luma, rows, cols, cells, fit)
    assert chosen.any() and not (chosen & (cols < width // 2 - 12)).any()
    assert not (strong & (cols < width // 2 - 12)).any()


def _car_park() -> list[np.ndarray]:
    """A locked top-down shot: flat, grainy asphalt, textured kerbs at the edges, two textured
    cars crossing the flat middle in opposite directions (12.5 fps like a fixed camera)."""
    rng = np.random.default_rng(1)
    width, height, fps = 384, 216, 12
    texture = scenery()[3]
    frames = []
    for index in range(60):
        image = np.full((height, width, 3), 105, np.float32)
        for x0, y0 in ((0, 0), (width - 70, 0), (0, height - 50), (width - 70, height - 50)):
            image[y0 : y0 + 50, x0 : x0 + 70] = cv2.resize(
                texture[50:150, 50 + x0 : 190 + x0], (70, 50)
            )
        for k, (y, speed) in enumerate(((40, 90), (130, -70))):
            x = int((40 + speed * index / fps) % (width + 80)) - 80
            car = cv2.resize(texture[200 + 100 * k : 280 + 100 * k, 300:420], (80, 40))
            left, right = max(x, 0), min(x + 80, width)
            if right > left:
                image[y : y + 40, left:right] = car[:, left - x : right - x]
        image += rng.normal(0, 2.0, image.shape)
        frames.append(np.clip(image, 0, 255).astype(np.uint8))
    return frames


def test_cars_on_flat_asphalt_leave_the_camera_locked(
    shared_clip: Callable[[str, Callable[[], list[np.ndarray]]], Path],
) -> None:
    camera = analyze_clip(shared_clip("camera-car-park.mp4", _car_park)).camera
    assert camera.moves == ["locked"] and camera.stability == "locked", camera

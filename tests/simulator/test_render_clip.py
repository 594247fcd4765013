"""Simulated clips follow the request: camera direction, subject motion, size, determinism."""

import io
import itertools

import av
import cv2
import numpy as np
import pytest

from reelgate.simulator.render import ClipSpec, frame_size, render_clip, render_frames


def spec(**overrides: object) -> ClipSpec:
    fields: dict = {"width": 192, "height": 108, "fps": 12, "duration": 2.0, "seed": 11,
                    "motion": 0.0}
    fields.update(overrides)
    return ClipSpec(**fields)


def gray(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)


def content_shift(first: np.ndarray, second: np.ndarray) -> tuple[float, float]:
    """How far the picture's content moved from ``first`` to ``second`` (+x right, +y down)."""
    (dx, dy), _ = cv2.phaseCorrelate(gray(first), gray(second))
    return dx, dy


def test_shift_helper_sign_convention() -> None:
    frame = render_frames(spec())[0]
    moved = np.roll(frame, (3, 5), axis=(0, 1))  # content 5 px right, 3 px down
    dx, dy = content_shift(frame, moved)
    assert dx == pytest.approx(5, abs=0.5) and dy == pytest.approx(3, abs=0.5)


@pytest.mark.parametrize(("move", "sign_x", "sign_y"), [
    ("pan-right", -1, 0), ("pan-left", 1, 0), ("tilt-up", 0, 1), ("tilt-down", 0, -1)])
def test_pans_and_tilts_move_content_the_documented_way(move: str, sign_x: int,
                                                        sign_y: int) -> None:
    frames = render_frames(spec(move=move))
    dx, dy = content_shift(frames[0], frames[6])
    for value, sign in ((dx, sign_x), (dy, sign_y)):
        if sign:
            assert value * sign > 3, (move, dx, dy)
        else:
            assert abs(value) < 1, (move, dx, dy)


def expansion(first: np.ndarray, second: np.ndarray) -> float:
    """Mean outward flow (px): positive when content grows from the centre."""
    a = cv2.cvtColor(first, cv2.COLOR_BGR2GRAY)
    b = cv2.cvtColor(second, cv2.COLOR_BGR2GRAY)
    flow = cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 3, 15, 3, 5, 1.2, 0)
    h, w = a.shape
    ys, xs = np.mgrid[0:h, 0:w]
    rx, ry = xs - w / 2, ys - h / 2
    norm = np.hypot(rx, ry) + 1e-6
    return float(np.mean((flow[..., 0] * rx + flow[..., 1] * ry) / norm))


def test_push_in_grows_content_and_pull_out_shrinks_it() -> None:
    push = render_frames(spec(move="push-in", speed="fast"))
    pull = render_frames(spec(move="pull-out", speed="fast"))
    assert expansion(push[0], push[-1]) > 1.0
    assert expansion(pull[0], pull[-1]) < -1.0


def test_locked_background_is_still_and_handheld_shakes_a_little() -> None:
    locked = render_frames(spec(move="locked"))
    shifts = [content_shift(locked[0], f) for f in locked[1:]]
    assert max(abs(v) for s in shifts for v in s) < 0.5
    shaky = render_frames(spec(move="handheld", duration=3.0))
    shifts = [content_shift(shaky[0], f) for f in shaky[1:]]
    biggest = max(abs(v) for s in shifts for v in s)
    assert 0.5 < biggest < 12


def frame_change(frames: list[np.ndarray]) -> float:
    return float(np.mean([np.abs(gray(a) - gray(b)).mean() for a, b in itertools.pairwise(frames)]))


def test_subject_moves_more_as_motion_rises() -> None:
    changes = [frame_change(render_frames(spec(motion=m))) for m in (1, 4, 8)]
    assert changes[0] < changes[1] < changes[2]


def test_frame_size_keeps_aspect_ratio_at_a_small_short_side() -> None:
    assert frame_size("16:9", 180) == (320, 180)
    assert frame_size("9:16", 180) == (180, 320)
    assert frame_size("21:9", 180) == (420, 180)
    assert frame_size("1:1", 72) == (72, 72)


def test_clip_is_h264_deterministic_and_tagged() -> None:
    clip_spec = spec(requested_resolution="1080p", move="pan-right", motion=6)
    data = render_clip(clip_spec)
    assert data == render_clip(clip_spec)
    assert data != render_clip(spec(requested_resolution="1080p", move="pan-right", motion=6,
                                    seed=12))
    assert data != render_clip(spec(requested_resolution="1080p", move="pan-right", motion=6,
                                    variation=1))  # the next repeat of the same request
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == (192, 108)
        assert stream.frames == 24
        assert container.metadata["comment"] == (
            "reelgate-simulator rendered=192x108 requested=1080p")


@pytest.mark.parametrize(("motion", "speed"), [(3, "slow"), (9, "moderate"), (9, "fast")])
def test_a_followed_subject_drifts_on_screen_slower_than_the_camera_moves(
        motion: int, speed: str) -> None:
    """Tracking and orbits hold the subject: its sway on screen stays a small share of the
    camera's speed, however vigorous the subject (a slow orbit of a dancer once let it dart
    about the frame faster than the background streamed, which reads as a plain pan)."""
    from reelgate.simulator.camera_path import camera_speed
    from reelgate.simulator.render import FOLLOW_SPEED_SHARE, _Pose, follow_damping

    width = 320
    pose = _Pose(motion, width, np.random.default_rng(7))
    camera = camera_speed(speed, width)
    on_screen = follow_damping(pose, camera) * pose.peak_speed()
    assert on_screen <= FOLLOW_SPEED_SHARE * camera + 1e-9
    times = np.arange(0, 5, 1 / 240)
    sway = np.array([pose.at(t)[0][0] for t in times])
    assert np.abs(np.diff(sway)).max() * 240 <= pose.peak_speed() * 1.01  # peak_speed is the peak

"""Video facts and the decode pass: timing (VFR, start offsets), rotation, sizes, pixel formats,
streaming."""

from __future__ import annotations

import threading
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from reelgate.analysis import AnalysisSettings, analyze_clip
from reelgate.analysis.decode import ClipReader
from tests.analysis.synth import Camera, Shot, write_clip


def _encode(
    path: Path,
    frames: list[np.ndarray],
    codec: str,
    pix_fmt: str,
    *,
    start: float = 0.0,
    fps: int = 24,
) -> Path:
    """Frames with their own codec and pixel format; ``start`` offsets every timestamp."""
    height, width = frames[0].shape[:2]
    base = Fraction(1, 1000)
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        stream.codec_context.time_base = base
        stream.time_base = base
        for index, image in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = round((start + index / fps) * 1000), base
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def _cut_clip(seconds: float = 2.0, fps: int = 24, size: tuple[int, int] = (320, 180)) -> list:
    first = Shot(scenery=0, camera=Camera(pan=0.05), seconds=seconds / 2).frames(fps, size)
    second = Shot(scenery=2, camera=Camera(tilt=0.05), seconds=seconds / 2).frames(fps, size)
    return first + second


def test_constant_rate_facts(clip_dir: Path) -> None:
    frames = _cut_clip()
    a = analyze_clip(write_clip(clip_dir / "cfr.mp4", frames, 24))
    v = a.video
    assert (v.width, v.height, v.frames, v.codec, v.vfr) == (320, 180, 48, "h264", False)
    assert v.fps == pytest.approx(24.0) and v.duration == pytest.approx(2.0)
    assert a.continuity.cuts == [pytest.approx(1.0, abs=1e-3)]


def test_variable_frame_rate_uses_timestamps(clip_dir: Path) -> None:
    frames = _cut_clip()
    # 24 fps for the first shot, then 12 fps (every other frame dropped): a VFR timeline
    kept = frames[:24] + frames[24::2]
    times = [i / 24 for i in range(24)] + [1.0 + i / 12 for i in range(12)]
    a = analyze_clip(write_clip(clip_dir / "vfr.mp4", kept, 24, times=times))
    v = a.video
    assert v.vfr and v.frames == 36
    assert v.min_fps == pytest.approx(12, rel=0.02) and v.max_fps == pytest.approx(24, rel=0.02)
    assert v.duration == pytest.approx(2.0, abs=0.05)
    assert v.fps == pytest.approx(36 / v.duration, rel=1e-3)
    assert a.continuity.cuts == [pytest.approx(1.0, abs=1e-3)]  # the cut's timestamp, not 24/fps


def test_non_zero_start_time_counts_from_the_first_frame(clip_dir: Path) -> None:
    frames = _cut_clip()
    path = _encode(clip_dir / "late.mkv", frames, "libx264", "yuv420p", start=2.5)
    a = analyze_clip(path)
    assert a.video.start_time == pytest.approx(2.5, abs=1e-3)
    assert a.continuity.cuts == [pytest.approx(1.0, abs=1e-3)]
    assert a.camera.segments[0].start == 0.0


def test_rotation_metadata_is_applied(clip_dir: Path) -> None:
    frames = Shot(scenery=1, camera=Camera(pan=0.05), seconds=1.5).frames(24, (320, 180))
    a = analyze_clip(write_clip(clip_dir / "rotated.mp4", frames, 24, rotation=90))
    assert (a.video.width, a.video.height, a.video.rotation) == (180, 320, 90)
    # content moving left in the coded picture moves down once turned a quarter counter-clockwise
    assert a.camera.primary == "tilt-up"


@pytest.mark.parametrize(
    ("codec", "pix_fmt", "size"),
    [
        ("libx264", "yuv444p", (321, 181)),  # odd size
        ("libx264", "yuv420p10le", (320, 180)),  # 10-bit
        ("ffv1", "gray", (322, 180)),  # no chroma
        ("ffv1", "bgr0", (241, 135)),  # RGB, converted by FFmpeg
        ("mjpeg", "yuvj420p", (320, 180)),  # full-range levels
    ],
)
def test_pixel_formats_and_odd_sizes(
    clip_dir: Path, codec: str, pix_fmt: str, size: tuple[int, int]
) -> None:
    frames = Shot(scenery=2, camera=Camera(zoom=0.1), seconds=1.0).frames(24, size)
    path = _encode(clip_dir / f"fmt-{codec}-{pix_fmt}.mkv", frames, codec, pix_fmt)
    a = analyze_clip(path)
    assert (a.video.width, a.video.height) == size
    assert a.video.pix_fmt == pix_fmt
    assert a.camera.primary == "push-in"
    assert 0.2 < a.quality.exposure < 0.8  # levels read right whatever the range


def test_levels_are_full_range_whatever_the_encoding(clip_dir: Path) -> None:
    grey = [np.full((180, 320, 3), 200, np.uint8)] * 6
    limited = analyze_clip(_encode(clip_dir / "grey-limited.mkv", grey, "libx264", "yuv420p"))
    full = analyze_clip(_encode(clip_dir / "grey-full.mkv", grey, "mjpeg", "yuvj420p"))
    assert limited.quality.exposure == pytest.approx(200 / 255, abs=0.02)
    assert full.quality.exposure == pytest.approx(200 / 255, abs=0.02)


def test_stopping_early_ends_the_decoding_thread(clip_dir: Path) -> None:
    path = write_clip(clip_dir / "stream.mp4", _cut_clip(3.0), 24)
    before = threading.active_count()
    with ClipReader(path, AnalysisSettings()) as reader:
        stream = reader.frames()
        first = next(stream)
        assert first.index == 0 and first.luma.shape == (270, 480)
        stream.close()  # the consumer walks away: the producer must not stay blocked
    assert threading.active_count() == before


def test_closing_the_clip_mid_stream_stops_the_decoder_first(clip_dir: Path) -> None:
    """An error in the caller's frame loop leaves the generator suspended while the ``with``
    block closes the clip: the decoding thread must be stopped before the container closes
    (PyAV crashes the process when a container closes under a running decode)."""
    path = write_clip(clip_dir / "stream.mp4", _cut_clip(3.0), 24)
    before = threading.active_count()
    with ClipReader(path, AnalysisSettings()) as reader:
        stream = reader.frames()
        next(stream)
        # leave ``stream`` suspended and referenced, as a traceback would
    assert threading.active_count() == before
    assert next(stream, None) is None  # the suspended generator ends cleanly after close
    stream.close()


def test_frames_arrive_at_the_analysis_size_in_order(clip_dir: Path) -> None:
    path = write_clip(clip_dir / "order.mp4", _cut_clip(), 24)
    with ClipReader(path, AnalysisSettings(motion_pixels=320 * 180)) as reader:
        frames = list(reader.frames())
    assert [f.index for f in frames] == list(range(48))
    assert all(f.luma.shape == (180, 320) and f.chroma.shape == (2, 45, 80) for f in frames)
    assert np.all(np.diff([f.time for f in frames]) > 0)
    sampled = [f for f in frames if f.detail is not None]
    assert 7 <= len(sampled) <= 9  # four a second
    assert all(f.detail.shape == (360, 640) for f in sampled)

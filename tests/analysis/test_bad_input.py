"""Unusable input gives one typed error with a one-line reason, quickly, never a hang."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np
import pytest

from reelgate.analysis import (
    AnalysisError,
    AnalysisSettings,
    ClipNotFound,
    CorruptClip,
    NotAVideo,
    PathOutsideRoot,
    UnsupportedClip,
    analyze_clip,
)

LIMIT_SECONDS = 20.0  # generous on a loaded CI machine; a hang would never end


def _encode(
    path: Path,
    width: int,
    height: int,
    frames: int,
    *,
    fps: int = 24,
    codec: str = "libx264",
    container: str | None = None,
    options: dict | None = None,
) -> Path:
    with av.open(str(path), "w", format=container, options=options or {}) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        rng = np.random.default_rng(0)
        for _ in range(frames):
            image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def _zero_frame_durations(source: Path, target: Path) -> Path:
    """An MP4 whose sample table gives every frame a duration of 0 (0 fps)."""
    data = bytearray(source.read_bytes())
    at = data.find(b"stts")
    entries = struct.unpack(">I", data[at + 8 : at + 12])[0]
    for k in range(entries):
        data[at + 16 + 8 * k : at + 20 + 8 * k] = struct.pack(">I", 0)
    target.write_bytes(bytes(data))
    return target


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bad")
    good = _encode(d / "good.mp4", 64, 64, 48, options={"movflags": "+faststart"})
    data = good.read_bytes()
    files = {
        "empty": d / "empty.mp4",
        "text": d / "notes.mp4",
        "truncated": d / "truncated.mp4",
        "truncated-index": d / "truncated-index.mp4",
        "corrupt": d / "corrupt.mp4",
    }
    files["empty"].write_bytes(b"")
    files["text"].write_text("root:x:0:0:root:/root:/bin/bash\nthis is not a video\n")
    files["truncated"].write_bytes(data[: len(data) * 6 // 10])
    slow = _encode(d / "moov-at-end.mp4", 64, 64, 48)
    files["truncated-index"].write_bytes(slow.read_bytes()[: slow.stat().st_size * 6 // 10])
    broken = bytearray(data)
    middle = len(broken) // 2
    broken[middle : middle + 3000] = (
        np.random.default_rng(1).integers(0, 256, 3000, np.uint8).tobytes()
    )
    files["corrupt"].write_bytes(bytes(broken))
    audio = d / "audio.m4a"
    with av.open(str(audio), "w") as out:
        stream = out.add_stream("aac", rate=44100)
        for k in range(20):
            frame = av.AudioFrame.from_ndarray(
                np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
            )
            frame.sample_rate, frame.pts = 44100, k * 1024
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    files["audio-only"] = audio
    files["tiny"] = _encode(d / "tiny.mp4", 8, 8, 10, codec="mpeg4")
    files["sliver"] = _encode(d / "sliver.mkv", 2048, 16, 3, codec="mjpeg")
    files["zero-fps"] = _zero_frame_durations(_encode(d / "timed.mp4", 64, 64, 24), d / "zero.mp4")
    files["raw-stream"] = _encode(d / "raw.h264", 64, 64, 24, container="h264")
    files["ten-minutes"] = _encode(d / "long.mp4", 64, 64, 600, fps=1, codec="mpeg4")
    files["one-frame"] = _encode(d / "one.mp4", 64, 64, 1)
    still = d / "still.png"
    with av.open(str(still), "w", format="image2") as out:
        stream = out.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "rgb24"
        image = np.zeros((64, 64, 3), np.uint8)
        for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    files["still-image"] = still
    return files


CASES = [
    ("empty", NotAVideo, "empty"),
    ("text", NotAVideo, "not a video"),
    ("truncated", CorruptClip, "truncated"),
    ("truncated-index", CorruptClip, "truncated"),
    ("corrupt", CorruptClip, "damaged"),
    ("audio-only", NotAVideo, "no video stream"),
    ("tiny", UnsupportedClip, "frame size 8x8"),
    ("sliver", UnsupportedClip, "2048x16"),
    ("zero-fps", UnsupportedClip, "fps"),
    ("raw-stream", UnsupportedClip, "fps"),
    ("ten-minutes", UnsupportedClip, "600.0 s long"),
    ("one-frame", UnsupportedClip, "one frame"),
    ("still-image", NotAVideo, "still image"),
]


@pytest.mark.parametrize(("name", "error", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_one_clear_error(
    bad: dict[str, Path], name: str, error: type, words: str
) -> None:
    started = time.monotonic()
    with pytest.raises(error) as caught:
        analyze_clip(bad[name])
    assert time.monotonic() - started < LIMIT_SECONDS
    message = str(caught.value)
    assert "\n" not in message and words in message, message
    assert message.startswith(str(bad[name]))


def test_the_length_limit_is_a_setting(bad: dict[str, Path]) -> None:
    with pytest.raises(UnsupportedClip, match="at most 20 s"):
        analyze_clip(bad["ten-minutes"], settings=AnalysisSettings(max_duration=20))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ClipNotFound, match="no such file"):
        analyze_clip(tmp_path / "nowhere.mp4")
    with pytest.raises(ClipNotFound, match="not a regular file"):
        analyze_clip(tmp_path)


def test_paths_must_stay_inside_the_root(tmp_path: Path, bad: dict[str, Path]) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    with pytest.raises(PathOutsideRoot, match="outside the allowed directory"):
        analyze_clip("../../etc/passwd", root=root)
    with pytest.raises(PathOutsideRoot):
        analyze_clip(bad["empty"], root=root)  # absolute, elsewhere
    (root / "link.mp4").symlink_to(bad["text"])
    with pytest.raises(PathOutsideRoot):
        analyze_clip("link.mp4", root=root)  # a symlink out of the root is followed and refused
    (root / "inside.mp4").write_bytes(b"")
    with pytest.raises(NotAVideo):  # inside the root: it gets as far as reading the file
        analyze_clip("inside.mp4", root=root)


def test_every_error_is_an_analysis_error() -> None:
    for _, error, _ in CASES:
        assert issubclass(error, AnalysisError)


@pytest.mark.parametrize("name", ["text", "corrupt", "ten-minutes"])
def test_cli_prints_one_line_and_fails(bad: dict[str, Path], name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reelgate.analysis", str(bad[name])],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("reelgate analyze: ")

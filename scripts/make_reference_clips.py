"""Make the small reference clips the example presets name (no third-party media in the repo).

Each clip is a procedurally textured scene with a bright subject, filmed by a steady camera with
clear, evenly paced motion: the kind of motion source the reference gate should accept.
Run: python scripts/make_reference_clips.py  (writes presets/references/)
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import av
import numpy as np

OUT = Path(__file__).resolve().parent.parent / "presets" / "references"


def _texture(height: int, width: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = np.zeros((height, width), np.float32)
    for octave in range(1, 6):
        small = rng.random((max(2, height >> (6 - octave)), max(2, width >> (6 - octave))))
        ys = np.linspace(0, small.shape[0] - 1, height)
        xs = np.linspace(0, small.shape[1] - 1, width)
        rows = small[np.clip(ys.astype(int), 0, small.shape[0] - 1)]
        base += rows[:, np.clip(xs.astype(int), 0, small.shape[1] - 1)] / octave
    base = (base - base.min()) / (np.ptp(base) + 1e-6)
    return base


def _clip(path: Path, *, seed: int, subject_swing: float, zoom_per_s: float, seconds: float) -> None:
    width, height, fps = 320, 180, 24
    scene = _texture(height * 2, width * 2, seed)
    tmp = path.with_suffix(".tmp.mp4")
    with av.open(str(tmp), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "28", "preset": "veryslow"}
        for i in range(int(seconds * fps)):
            t = i / fps
            scale = 1.0 + zoom_per_s * t
            crop_w, crop_h = int(width * 2 / (1.6 * scale)), int(height * 2 / (1.6 * scale))
            y0, x0 = (height * 2 - crop_h) // 2, (width * 2 - crop_w) // 2
            view = scene[y0:y0 + crop_h, x0:x0 + crop_w]
            ys = np.linspace(0, crop_h - 1, height).astype(int)
            xs = np.linspace(0, crop_w - 1, width).astype(int)
            frame = 0.25 + 0.5 * view[ys][:, xs]
            cx = width / 2 + subject_swing * math.sin(2 * math.pi * t / 2.0)
            yy, xx = np.mgrid[0:height, 0:width]
            blob = ((xx - cx) / 28.0) ** 2 + ((yy - height / 2) / 40.0) ** 2 < 1.0
            frame[blob] = 0.92 - 0.1 * view[ys][:, xs][blob]
            rgb = np.repeat((frame * 255).astype(np.uint8)[:, :, None], 3, axis=2)
            rgb[blob, 0] = 230
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    os.replace(tmp, path)


def _still(path: Path, *, seed: int, hue: tuple[int, int, int]) -> None:
    """An identity image: the subject blob on the scene texture, 480x480 (Kling needs >= 300 px)."""
    import cv2

    size = 480
    scene = (60 + 120 * _texture(size, size, seed)).astype(np.uint8)
    image = np.repeat(scene[:, :, None], 3, axis=2)
    cv2.ellipse(image, (size // 2, size // 2), (90, 150), 0, 0, 360, hue, thickness=-1)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise SystemExit(f"could not encode {path}")
    tmp = path.with_suffix(".tmp.jpg")
    tmp.write_bytes(data.tobytes())
    os.replace(tmp, path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    _still(OUT / "sneaker.jpg", seed=11, hue=(235, 235, 240))
    _still(OUT / "dancer.jpg", seed=23, hue=(40, 200, 230))
    _clip(OUT / "turntable.mp4", seed=11, subject_swing=40.0, zoom_per_s=0.04, seconds=4)
    _clip(OUT / "routine.mp4", seed=23, subject_swing=90.0, zoom_per_s=0.0, seconds=5)
    for clip in sorted([*OUT.glob("*.mp4"), *OUT.glob("*.jpg")]):
        print(f"{clip.relative_to(OUT.parent.parent)}: {clip.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

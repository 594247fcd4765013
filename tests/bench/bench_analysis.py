"""Speed and memory of the media analysis against a bare decode.

Makes an 8 s 1080p24 H.264 clip at about 8 Mbit/s (real footage when ../shared/media is there,
else a textured still, with a camera move, a walking subject and grain), then in one run:
  (a) decodes every frame with PyAV, nothing else (same threading as the analysis);
  (b) runs the full analysis (no cache);
and prints both times and their ratio (target: analysis <= 2.0 x decode). Each is timed three
times and the best kept, since other work on the machine only ever adds time.
Then the peak RSS of a fresh process analysing the 8 s clip and a 60 s clip (the same content
looped, remuxed without re-encoding): target <= 200 MB, the 60 s figure within 15 % of the 8 s.

Run: .venv/bin/python tests/bench/bench_analysis.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.analysis.synth import scenery  # noqa: E402

WIDTH, HEIGHT, FPS, SECONDS, BITRATE = 1920, 1080, 24, 8, 8_000_000
# VmHWM is this process image's own peak: ru_maxrss would carry the parent's peak across exec
RSS_SCRIPT = (
    "import resource, sys\n"
    "from reelgate.analysis import analyze_clip\n"
    "analyze_clip(sys.argv[1])\n"
    "try:\n"
    "    status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
    "    print(int(status.split()[0]))\n"
    "except OSError:\n"
    "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


def make_clip(path: Path) -> Path:
    """8 s of a slow pan and push-in over a real photograph, a subject crossing, sensor grain."""
    still = scenery()[1]
    big = cv2.resize(still, (2880, 1620), interpolation=cv2.INTER_CUBIC)
    patch = cv2.resize(scenery()[2][200:520, 400:640], (300, 400), interpolation=cv2.INTER_AREA)
    yy, xx = np.mgrid[0:400, 0:300]
    alpha = (((xx - 150) / 150) ** 2 + ((yy - 200) / 200) ** 2 < 1)[:, :, None]
    rng = np.random.default_rng(7)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.bit_rate = BITRATE
        stream.options = {"preset": "veryfast", "maxrate": str(BITRATE), "bufsize": str(BITRATE)}
        for index in range(FPS * SECONDS):
            t = index / FPS
            zoom = 1.5 * math.exp(-0.03 * t)  # scenery pixels per output pixel, pushing in
            centre = np.array([1200 + 60 * t, 800 + 15 * math.sin(t)])
            matrix = np.array([[zoom, 0, centre[0] - zoom * WIDTH / 2],
                               [0, zoom, centre[1] - zoom * HEIGHT / 2]])
            frame = cv2.warpAffine(big, matrix, (WIDTH, HEIGHT),
                                   flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
            x, y = int(300 + 110 * t), int(380 + 40 * math.sin(2 * t))
            region = frame[y : y + 400, x : x + 300]
            region[:] = np.where(alpha, patch, region)
            noise = rng.integers(-5, 6, frame.shape, dtype=np.int16)
            frame = np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def loop_clip(source: Path, target: Path, seconds: int) -> Path:
    """The source's packets repeated with shifted timestamps: a long clip without re-encoding."""
    with av.open(str(source)) as probe:
        template = probe.streams.video[0]
        with av.open(str(target), "w") as out:
            stream_out = out.add_stream_from_template(template)
            span = round(SECONDS / template.time_base)
            for loop in range(math.ceil(seconds / SECONDS)):
                with av.open(str(source)) as inp:
                    for packet in inp.demux(inp.streams.video[0]):
                        if not packet.size:
                            continue
                        if packet.pts is not None:
                            packet.pts += span * loop
                        if packet.dts is not None:
                            packet.dts += span * loop
                        packet.stream = stream_out
                        out.mux(packet)
    return target


def bare_decode(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        count = sum(1 for _ in container.decode(stream))
    return time.perf_counter() - started, count


def full_analysis(path: Path) -> float:
    from reelgate.analysis import analyze_clip

    started = time.perf_counter()
    analyze_clip(path)
    return time.perf_counter() - started


def peak_rss_mb(path: Path) -> float:
    result = subprocess.run([sys.executable, "-c", RSS_SCRIPT, str(path)], capture_output=True,
                            text=True, check=True, cwd=REPO)
    return int(result.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="write the clips here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        short = make_clip(folder / "bench-8s-1080p24.mp4")
        long = loop_clip(short, folder / "bench-60s-1080p24.mp4", 60)
        mbps = short.stat().st_size * 8 / SECONDS / 1e6
        print(f"clips: {short.name} {mbps:.1f} Mbit/s, {long.name} "
              f"({time.perf_counter() - started:.0f} s to make)")
        full_analysis(short)  # warm imports and caches once, untimed
        decode = [bare_decode(short) for _ in range(3)]
        analysis = [full_analysis(short) for _ in range(3)]
        best_decode, frames = min(decode)
        best_analysis = min(analysis)
        print(f"(a) bare decode: {best_decode:.2f} s for {frames} frames "
              f"({frames / best_decode:.0f} fps); runs {', '.join(f'{d:.2f}' for d, _ in decode)}")
        print(f"(b) full analysis: {best_analysis:.2f} s; runs "
              f"{', '.join(f'{a:.2f}' for a in analysis)}")
        print(f"ratio analysis / decode: {best_analysis / best_decode:.2f} (target <= 2.0)")
        short_rss, long_rss = peak_rss_mb(short), peak_rss_mb(long)
        print(f"peak RSS, fresh process: 8 s clip {short_rss:.0f} MB, 60 s clip {long_rss:.0f} MB "
              f"({(long_rss / short_rss - 1) * 100:+.1f} %; target <= 200 MB, within 15 %)")


if __name__ == "__main__":
    main()

"""Speed and memory of the media analysis against a bare decode, each figure against its target.

Makes an 8 s 1080p24 H.264 clip at about 8 Mbit/s (real footage when ../shared/media is there,
else a textured still, with a camera move, a walking subject and grain) and a 60 s clip (the
same content looped, remuxed without re-encoding). Then, in one run, alternating (the machine is
shared and noisy, so only ratios taken side by side mean anything):
  * in-process: a bare PyAV decode of every frame (same threading as the analysis) against the
    full analysis (no cache), wall and CPU;
  * whole process: ``reelgate analyze --json`` against a process that only decodes, wall;
  * peak RSS of a fresh analysing process on the 8 s and the 60 s clip.
Each round runs the pair in turn, the order swapped every round; a figure is the median of the
rounds' ratios. One line per figure, then the summary line against issue 14's targets.
The processes run as an installed package does, with bytecode compiled (into a scratch pycache
prefix, one untimed run of each first): a checkout run with PYTHONDONTWRITEBYTECODE would
compile every reelgate module on each start, which no user's install does.

Run: .venv/bin/python tests/bench/bench_analysis.py [--keep DIR] [--rounds N] [--quick]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.analysis.synth import scenery  # noqa: E402
from tests.bench.figures import Figure, print_summary  # noqa: E402

WIDTH, HEIGHT, FPS, SECONDS, BITRATE = 1920, 1080, 24, 8, 8_000_000
# VmHWM is this process image's own peak: ru_maxrss would carry the parent's peak across exec
_PEAK = (
    "def _peak():\n"
    "    import resource\n"
    "    try:\n"
    "        return int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"
    "    except OSError:\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
)
ANALYZE_PROCESS = (  # what a user runs: the console command, then its peak RSS on stderr
    _PEAK + "import sys\n"
    "from reelgate.cli import main\n"
    "code = main(['analyze', sys.argv[1], '--json'])\n"
    "print(_peak(), file=sys.stderr)\n"
    "sys.exit(code)\n"
)
DECODE_PROCESS = (
    _PEAK + "import sys, av\n"
    "with av.open(sys.argv[1]) as container:\n"
    "    stream = container.streams.video[0]\n"
    "    stream.thread_type = 'AUTO'\n"
    "    for _ in container.decode(stream):\n"
    "        pass\n"
    "print(_peak(), file=sys.stderr)\n"
)
IN_PROCESS_TARGET, IN_PROCESS_ISSUE_10 = 1.5, 2.0
WHOLE_PROCESS_TARGET = 2.0
RSS_TARGET_MB, RSS_GROWTH_TARGET = 150.0, 1.15


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


def bare_decode(path: Path) -> None:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _ in container.decode(stream):
            pass


def full_analysis(path: Path) -> None:
    from reelgate.analysis import analyze_clip

    analyze_clip(path)


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU (every thread of this process) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def child_env(pycache: Path) -> dict[str, str]:
    """The environment of the timed processes: bytecode cached, as in an installed package."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(pycache)}


def process(script: str, path: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a fresh interpreter running ``script`` on ``path``."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                            text=True, check=True, cwd=REPO, env=env)
    wall = time.perf_counter() - started
    return wall, int(result.stderr.strip().splitlines()[-1]) / 1024


def alternate(first: Callable[[], tuple[float, ...]], second: Callable[[], tuple[float, ...]],
              rounds: int) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    """``rounds`` pairs of measurements, the order swapped every round so drift in the
    machine's load falls on both alike."""
    pairs = []
    for index in range(rounds):
        if index % 2:
            b = second()
            a = first()
        else:
            a = first()
            b = second()
        pairs.append((a, b))
    return pairs


def median_ratio(pairs: list[tuple[tuple[float, ...], tuple[float, ...]]], item: int) -> float:
    return statistics.median(b[item] / a[item] for a, b in pairs)


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "MISSED"


def report(wall: float, whole_wall: float, short_peak: float, growth: float) -> bool:
    """The summary line of the four figures against issue 14's targets."""
    return print_summary(
        "bench_analysis",
        Figure("in-process wall", wall, IN_PROCESS_TARGET, "x"),
        Figure("whole process wall", whole_wall, WHOLE_PROCESS_TARGET, "x"),
        Figure("peak RSS 8 s", short_peak, RSS_TARGET_MB, " MB", digits=0),
        Figure("RSS 60 s / 8 s", growth, RSS_GROWTH_TARGET, "x"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="write the clips here and keep them (reused)")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds per figure")
    parser.add_argument("--quick", action="store_true", help="one round (about half the time)")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        short, long = folder / "bench-8s-1080p24.mp4", folder / "bench-60s-1080p24.mp4"
        if not short.exists():
            make_clip(short)
        if not long.exists():
            loop_clip(short, long, 60)
        mbps = short.stat().st_size * 8 / SECONDS / 1e6
        with av.open(str(short)) as probe:
            frames = probe.streams.video[0].frames
        print(f"clips: {short.name} ({frames} frames, {mbps:.1f} Mbit/s), {long.name} "
              f"({time.perf_counter() - started:.0f} s to make)")
        full_analysis(short)  # warm imports and caches once, untimed
        inside = alternate(lambda: timed(lambda: bare_decode(short)),
                           lambda: timed(lambda: full_analysis(short)), rounds)
        env = child_env(Path(scratch) / "pycache")
        for script in (DECODE_PROCESS, ANALYZE_PROCESS):  # untimed: writes the bytecode
            process(script, short, env)
        whole = alternate(lambda: process(DECODE_PROCESS, short, env),
                          lambda: process(ANALYZE_PROCESS, short, env), rounds)
        long_peak = process(ANALYZE_PROCESS, long, env)[1]
    wall, cpu = median_ratio(inside, 0), median_ratio(inside, 1)
    whole_wall = median_ratio(whole, 0)
    short_peak = statistics.median(b[1] for _, b in whole)
    decode_peak = statistics.median(a[1] for a, _ in whole)
    growth = long_peak / short_peak
    decode_s = statistics.median(a[0] for a, _ in inside)
    print(f"rounds: {rounds}; bare decode in-process {decode_s:.2f} s median "
          f"({frames / decode_s:.0f} fps; seconds move with the machine's load, ratios less)")
    print(f"analysis / bare decode, in-process wall: {wall:.2f}x (target <= "
          f"{IN_PROCESS_TARGET}x: {verdict(wall, IN_PROCESS_TARGET)}; issue 10 <= "
          f"{IN_PROCESS_ISSUE_10}x: {verdict(wall, IN_PROCESS_ISSUE_10)}); CPU {cpu:.2f}x")
    print(f"analysis / bare decode, whole process wall: {whole_wall:.2f}x (target <= "
          f"{WHOLE_PROCESS_TARGET}x: {verdict(whole_wall, WHOLE_PROCESS_TARGET)})")
    print(f"peak RSS analysing the 8 s clip: {short_peak:.0f} MB (target <= {RSS_TARGET_MB:.0f} MB: "
          f"{verdict(short_peak, RSS_TARGET_MB)}; a bare decode process: {decode_peak:.0f} MB)")
    print(f"peak RSS 60 s clip / 8 s clip: {growth:.2f}x ({long_peak:.0f} MB; target <= "
          f"{RSS_GROWTH_TARGET}x: {verdict(growth, RSS_GROWTH_TARGET)})")
    report(wall, whole_wall, short_peak, growth)


if __name__ == "__main__":
    main()

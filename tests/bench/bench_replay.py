"""Per-item overhead of replayed sweep items over plain pytest items, first and second run.

Makes 100 presets, records their 300 sweep renders once from the simulator, then times in one
run: plain pytest running 300 trivial tests, ``pytest presets -k sweep`` replaying with an empty
cache (first run), and the same again with the cache warm (second run: no clip is decoded or
analysed again). Each figure is the best of three fresh processes.
Run: python tests/bench/bench_replay.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reelgate.simulator import SimulatorConfig, running_simulator, simulator_env

PRESETS = 100
SCENARIOS = """\
scenarios:
  ad:
    motion_range: [1, 7]
    sweep: [2, 4, 6]
    provider: {name: kling, model: kling-v2-6, mode: std}
    thresholds:  # the overhead is measured, not the rubric: every rendered clip counts as usable
      rubric: {min_continuity: 0, min_subject: 0, require_camera_match: false, max_glitches: 999}
"""
PRESET = """\
version: 1
scenario: ad
prompt: {{subject: subject {i}, scene: a sunlit kitchen}}
motion: {{score: 3}}
camera: {camera}
output: {{duration: 5, aspect_ratio: "16:9", resolution: 720p}}
"""
CAMERAS = ["slow push-in", "gentle pan right", "locked frame", "moderate tilt up"]


def pytest_seconds(root: Path, *args: str, before: object = None, runs: int = 3) -> tuple[float, str]:
    best, tail = float("inf"), ""
    for _ in range(runs):
        if callable(before):
            before()
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pytest", *args, "-q", "-p", "no:cacheprovider",
                                 "-p", "no:warnings"], cwd=root, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
        tail = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-300:]
        if result.returncode != 0:
            raise SystemExit(result.stdout[-3000:] + result.stderr[-2000:])
    return best, tail


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "pytest.ini").write_text("[pytest]\n")
        (root / "presets").mkdir()
        (root / "presets" / "scenarios.yaml").write_text(SCENARIOS)
        for i in range(PRESETS):
            text = PRESET.format(i=i, camera=CAMERAS[i % len(CAMERAS)])
            (root / "presets" / f"p{i:03d}.yaml").write_text(text)
        (root / "plain").mkdir()
        for i in range(PRESETS):
            (root / "plain" / f"test_p{i:03d}.py").write_text(
                "".join(f"def test_{j}():\n    assert {j} == {j}\n\n" for j in range(3)))
        config = SimulatorConfig(job_seconds=0.1, short_side=144, fps=12)
        with running_simulator(config, in_subprocess=True) as url:
            env = {**os.environ, **simulator_env()}
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pytest", "presets", "-q", "-p", "no:warnings",
                            "--preset-record=once", "--preset-provider", "kling",
                            "--preset-provider-url", url, "-k", "sweep"],
                           cwd=root, env=env, capture_output=True)
            recorded = len(list((root / "cassettes").glob("*/*.yaml")))
            if recorded != PRESETS * 3:
                raise SystemExit(f"recorded {recorded} of {PRESETS * 3} renders")
            print(f"recorded {PRESETS * 3} renders from the simulator in {time.perf_counter() - started:.1f} s")
        items = PRESETS * 3
        plain_s, plain_tail = pytest_seconds(root, "plain")
        cache = root / ".reelgate"
        first_s, first_tail = pytest_seconds(root, "presets", "-k", "sweep",
                                             before=lambda: shutil.rmtree(cache, ignore_errors=True))
        second_s, second_tail = pytest_seconds(root, "presets", "-k", "sweep")
    print(f"plain pytest, {items} trivial tests: {plain_s:.2f} s ({plain_tail})")
    print(f"replay, first run (empty cache):    {first_s:.2f} s ({first_tail})")
    print(f"replay, second run (warm cache):    {second_s:.2f} s ({second_tail})")
    print(f"overhead per item, first run:  {(first_s - plain_s) / items * 1000:.1f} ms")
    first, second = (first_s - plain_s) / items * 1000, (second_s - plain_s) / items * 1000
    print(f"bench_replay: per item fresh clone {first:.1f} ms (target <= 10 ms) "
          f"{'OK' if first <= 10 else 'MISS'}; per item warm {second:.1f} ms (target <= 5 ms) "
          f"{'OK' if second <= 5 else 'MISS'}")


if __name__ == "__main__":
    main()

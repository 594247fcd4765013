"""Collection time of 1,000 generated presets against plain pytest collecting 1,000 trivial tests.

Both are measured in one run, in fresh subprocesses taken in turn, best of three, so the ratio is
what counts on a shared, noisy machine. The presets are collected twice per round: cold (no memo
of checks, as on a fresh clone: every file checked) and warm (the memo an earlier run or
``reelgate check`` wrote, as on a developer's machine and a CI runner that keeps .reelgate/cache);
the target is the warm one.

A third side is pytest's own floor for this shape of suite: a conftest that turns each of the same
YAML files into a ``pytest.Module`` with five ``pytest.Function`` items sharing one check, reading
nothing, as reelgate's items are built (public API only, so each item computes its own fixture
closure). What reelgate adds over pytest is presets / floor; what pytest's items cost is floor /
plain. Run: python tests/bench/bench_collection.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNT = 1000
TARGET_RATIO = 1.5  # collecting presets against as many trivial test functions, one process each
SCENARIOS = """\
scenarios:
  ad:
    motion_range: [1, 7]
    sweep: [2, 4, 6]
    provider: {name: kling, model: kling-v2-6, mode: pro}
"""
PRESET = """\
version: {i}
scenario: ad
prompt:
  subject: subject number {i}
  scene: a sunlit kitchen, variant {i}
motion: {{score: {score}}}
camera: {camera}
negative_prompt: [flicker, warped hands]
output: {{duration: 5, aspect_ratio: "16:9", resolution: 1080p, seed: {i}}}
marks: [smoke]
"""
FLOOR_CONFTEST = """\
import types

import pytest

ITEMS = ("schema", "sweep[low]", "sweep[mid]", "sweep[mid-high]", "regression")


def check(request):
    pass


class File(pytest.Module):
    def collect(self):
        for name in ITEMS:
            yield pytest.Function.from_parent(self, name=name, callobj=check)


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".yaml" and file_path.name != "scenarios.yaml":
        collector = File.from_parent(parent, path=file_path)
        module = types.ModuleType(file_path.stem)
        module.__file__ = str(file_path)
        collector.obj = module
        return collector
    return None
"""
CAMERAS = ["slow push-in", "gentle pan right", "front-left tracking", "locked frame", "fast tilt up"]


def _collect_once(directory: Path, target: str) -> tuple[float, int]:
    # .pyc files (and pytest's rewritten test modules) written and read, as on a user's machine:
    # PYTHONDONTWRITEBYTECODE, set on some machines, recompiles both sides in every run.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", target, "--co", "-q", "-p", "no:cacheprovider"],
        cwd=directory, env=env, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(result.stdout[-2000:] + result.stderr[-2000:])
    found = re.search(r"(\d+) tests? collected", result.stdout)
    if not found:
        raise SystemExit(f"no collection count: {result.stdout[-500:]}")
    return seconds, int(found.group(1))


def _forget_checks(directory: Path) -> None:
    shutil.rmtree(directory / ".reelgate", ignore_errors=True)


def _remember_checks(directory: Path) -> None:
    """The memo a real run leaves (``--co`` itself writes nothing): ``reelgate check`` writes it."""
    result = subprocess.run([sys.executable, "-m", "reelgate.cli", "check", "presets"], cwd=directory,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(result.stdout[-2000:] + result.stderr[-2000:])


def _best_alternating(directory: Path, runs: int = 3) -> dict[str, tuple[float, int]]:
    """Best of ``runs`` for each side, run in turn, so a load that comes and goes on a shared
    machine weighs on every side alike."""
    best = {side: (float("inf"), 0) for side in ("cold", "warm", "plain", "floor")}
    for _ in range(runs):
        for side in best:
            if side == "cold":
                _forget_checks(directory)
            elif side == "warm":
                _remember_checks(directory)
            target = {"cold": "presets", "warm": "presets"}.get(side, side)
            seconds, items = _collect_once(directory, target)
            best[side] = (min(best[side][0], seconds), items)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "pytest.ini").write_text("[pytest]\nmarkers =\n    smoke: quick\n")
        presets, floor = root / "presets", root / "floor"
        for folder in (presets, floor):  # the floor's folder is not a preset folder of reelgate's
            folder.mkdir()
            (folder / "scenarios.yaml").write_text(SCENARIOS)
            for i in range(COUNT):
                text = PRESET.format(i=i + 1, score=1 + i % 7, camera=CAMERAS[i % len(CAMERAS)])
                (folder / f"p{i:04d}.yaml").write_text(text)
        (floor / "conftest.py").write_text(FLOOR_CONFTEST)
        plain = root / "plain"
        plain.mkdir()
        for i in range(COUNT // 10):
            body = "".join(f"def test_{j}():\n    assert {j} == {j}\n\n" for j in range(10))
            (plain / f"test_m{i:03d}.py").write_text(body)
        best = _best_alternating(root)
    (cold_s, preset_items), (presets_s, _), (plain_s, plain_items), (floor_s, floor_items) = (
        best["cold"], best["warm"], best["plain"], best["floor"])
    if floor_items != preset_items:
        raise SystemExit(f"the floor collected {floor_items} items, the presets {preset_items}")
    print(f"collect {COUNT} presets, cold (every file checked, {preset_items} items): {cold_s:.2f} s")
    print(f"collect {COUNT} presets, warm (checks from the memo):          {presets_s:.2f} s")
    print(f"collect {plain_items} trivial test functions:                        {plain_s:.2f} s")
    print(f"pytest's floor: {floor_items} bare pytest.Function items from the same files: {floor_s:.2f} s "
          f"({floor_s / plain_s:.2f}x plain; presets {presets_s / floor_s:.2f}x the floor)")
    print(f"collection of {COUNT} presets against {plain_items} trivial functions: cold "
          f"{cold_s / plain_s:.2f}x, warm {presets_s / plain_s:.2f}x (target <= {TARGET_RATIO:g}x warm)")
    print(f"bench_collection: presets / plain {presets_s / plain_s:.2f}x (target <= {TARGET_RATIO:g}x) "
          f"{'OK' if presets_s / plain_s <= TARGET_RATIO else 'MISS'}; cold {cold_s / plain_s:.2f}x; "
          f"pytest's floor {floor_s / plain_s:.2f}x")

if __name__ == "__main__":
    main()

"""The shipped example suite passes: what a newcomer runs first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_example_presets_pass_with_warnings_as_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "presets", "-q", "-p", "no:cacheprovider", "-W", "error"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    last = result.stdout.strip().splitlines()[-1]
    assert "passed" in last and "warning" not in last, last
    # what every preset of a model shares is said once, with how many presets it concerns
    assert "reelgate note: kling kling-v2-6 takes no seed; renders are not reproducible" in result.stdout


def test_examples_cover_every_scenario() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "presets", "--co", "-q", "-p", "no:cacheprovider"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    items = [line for line in result.stdout.splitlines() if line.startswith("presets/")]
    folders = {line.split("/")[1] for line in items}
    assert {"ad", "dance", "product", "narrative"} <= folders
    assert len({line.split("::")[0] for line in items}) >= 8

"""The shipped example suite passes: what a newcomer runs first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_example_presets_pass() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "presets", "-q", "-p", "no:cacheprovider"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_examples_cover_every_scenario() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "presets", "--co", "-q", "-p", "no:cacheprovider"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    items = [line for line in result.stdout.splitlines() if line.startswith("presets/")]
    folders = {line.split("/")[1] for line in items}
    assert {"ad", "dance", "product", "narrative"} <= folders
    assert len({line.split("::")[0] for line in items}) >= 8

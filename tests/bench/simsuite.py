"""A throwaway preset suite recorded against a simulator, and what its ledger and the simulator
say afterwards: shared by the fault matrix and the kill loop benches."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.suites import LENIENT

from reelgate.providers.pricing import KLING_USD_PER_UNIT
from reelgate.records import open_ledger
from reelgate.simulator import simulator_env, simulator_state

PRESET = """\
version: 1
scenario: ad
prompt: {{subject: {subject}, scene: a sunlit kitchen}}
motion: {{score: 3}}
camera: locked frame
output: {{duration: 5, aspect_ratio: "16:9", resolution: 720p}}
"""
SUBJECTS = ("a ceramic cup", "a glass mug", "a paper boat", "a brass key")


def write_suite(root: Path, presets: int) -> None:
    (root / "presets").mkdir(parents=True, exist_ok=True)
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "presets" / "scenarios.yaml").write_text(LENIENT)
    for subject in SUBJECTS[:presets]:
        name = subject.split()[-1]
        (root / "presets" / f"{name}.yaml").write_text(PRESET.format(subject=subject))


def record_command(url: str, *more: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "presets", "-q", "-p", "no:randomly", "-p", "no:warnings",
            "-p", "no:cacheprovider", "--preset-record=all", "--preset-provider", "kling",
            "--preset-provider-url", url, *more]


def environment() -> dict[str, str]:
    return {**os.environ, **simulator_env()}


def record(root: Path, url: str, *more: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(record_command(url, *more), cwd=root, env=environment(),
                          capture_output=True, text=True, timeout=600)


def ledger_rows(root: Path) -> list[Any]:
    path = root / ".reelgate" / "ledger.sqlite"
    if not path.exists():
        return []
    with open_ledger(path, create=False) as ledger:
        return ledger.rows()


def settled_state(url: str, wait_s: float = 30.0) -> dict[str, Any]:
    """The simulator's books once no task is still running (charges are made at the end)."""
    deadline = time.monotonic() + wait_s
    while True:
        state = simulator_state(url)
        running = [t for t in state["tasks"] if t["status"] in ("submitted", "processing")]
        if not running or time.monotonic() > deadline:
            return state


def charged_usd(state: dict[str, Any]) -> float:
    return round(state["units_charged"] * KLING_USD_PER_UNIT, 4)


def outcome_of(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if " in " in line and (
        "passed" in line or "failed" in line or "error" in line)]
    if not lines:
        return "no summary"
    counts = lines[-1].strip("= ").split(" in ")[0].split(", ")
    return ", ".join(c for c in counts if "deselected" not in c)

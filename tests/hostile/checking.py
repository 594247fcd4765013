"""Helpers: check one preset text the way the suite does, and what a report shows of it."""

from __future__ import annotations

from pathlib import Path

from reelgate.preset.check import PresetResult, check_preset
from reelgate.preset.scenarios import load_scenarios


def check(root: Path, text: str, name: str = "p.yaml") -> PresetResult:
    path = root / "presets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return check_preset(path, load_scenarios(root / "presets" / "scenarios.yaml"), root)


def shown(result: PresetResult, root: Path) -> str:
    """Everything the schema item prints: headlines and source lines."""
    return result.report(root)

"""ARCHITECTURE.md shows the import layers that `lint-imports` enforces (pyproject.toml's
[tool.importlinter]); the lint step checks the code against the contract, this keeps the page
that people read the same contract."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def contract(name: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}
    return contracts[name]


def documented_layers() -> list[str]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rules = text[text.index("## Rules"):]
    block = re.search(r"```\n(.*?)```", rules, re.S)
    assert block, "ARCHITECTURE.md's Rules section has no layers block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_architecture_shows_the_enforced_layers() -> None:
    layers = contract("Stages import downstream only")
    assert layers["containers"] == ["reelgate"] and layers["exhaustive"] is True
    assert documented_layers() == layers["layers"]


def test_every_package_has_exactly_one_layer() -> None:
    """What `exhaustive` asks of lint-imports, said where a failure names the missing module."""
    placed = [name.strip() for layer in documented_layers() for name in layer.split("|")]
    package = ROOT / "src" / "reelgate"
    children = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    children |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert len(placed) == len(set(placed))
    assert set(placed) == children

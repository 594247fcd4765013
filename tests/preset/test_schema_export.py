"""The published JSON Schema is current, printed by the CLI, and validates the shipped presets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from reelgate.cli import main
from reelgate.preset.schema import editor_schema, editor_schema_text

REPO = Path(__file__).resolve().parents[2]
PUBLISHED = REPO / "presets" / "preset.schema.json"


def test_published_schema_is_up_to_date() -> None:
    assert PUBLISHED.read_text() == editor_schema_text(), (
        "presets/preset.schema.json is stale: run 'reelgate schema -o presets/preset.schema.json'"
    )


def test_reelgate_schema_prints_it(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == editor_schema()


def test_reelgate_schema_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "preset.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert target.read_text() == editor_schema_text()


def test_editor_schema_accepts_every_shipped_preset_and_is_itself_valid() -> None:
    Draft202012Validator.check_schema(editor_schema())
    validator = Draft202012Validator(editor_schema())
    presets = [p for p in (REPO / "presets").rglob("*.yaml") if p.name != "scenarios.yaml"]
    assert len(presets) >= 9
    for path in presets:
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
        assert errors == [], path


def test_editor_schema_requires_fields_unless_extending() -> None:
    validator = Draft202012Validator(editor_schema())
    assert not validator.is_valid({"version": 1})
    assert validator.is_valid({"extends": "../base/x.yaml", "version": 1})
    assert validator.is_valid({"abstract": True, "scenario": "ad"})


def test_console_script_check_command(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "reelgate.cli", "check", "presets"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "presets valid" in result.stdout

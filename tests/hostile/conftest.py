"""Fixtures of the hostile-input tests: a project root with a scenarios file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.suites import SCENARIOS


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "presets").mkdir()
    (tmp_path / "presets" / "scenarios.yaml").write_text(SCENARIOS)
    return tmp_path

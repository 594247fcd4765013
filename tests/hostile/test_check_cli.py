"""``reelgate check`` looks where ``pytest presets`` looks, and nothing to check is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelgate.cli import main
from tests.hostile.test_plan import LONG_NEGATIVE
from tests.suites import SCENARIOS, VALID


@pytest.fixture
def project(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "presets" / "ad").mkdir()
    (root / "presets" / "ad" / "cup.yaml").write_text(VALID)
    monkeypatch.chdir(root)
    return root


def test_a_missing_path_is_an_error_naming_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "presets/typo.yaml"]) == 2
    assert "no such file or directory: presets/typo.yaml" in capsys.readouterr().err


def test_a_directory_without_presets_is_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "empty").mkdir()
    assert main(["check", "empty"]) == 2
    assert "no preset files in empty" in capsys.readouterr().err


def test_one_file_is_checked_against_the_suites_scenarios(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["check", "presets/ad/cup.yaml"]) == 0
    assert "1 of 1 presets valid" in capsys.readouterr().out
    monkeypatch.chdir(project / "presets" / "ad")  # from below the root, as pytest finds it
    assert main(["check", "cup.yaml"]) == 0
    assert "1 of 1 presets valid" in capsys.readouterr().out


def test_ini_preset_scenarios_and_paths_are_honoured(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "presets" / "scenarios.yaml").unlink()
    (project / "conf").mkdir()
    (project / "conf" / "sc.yaml").write_text(SCENARIOS)
    (project / "pytest.ini").write_text("[pytest]\npreset_scenarios = conf/sc.yaml\n")
    assert main(["check", "presets/ad/cup.yaml"]) == 0
    assert main(["check"]) == 0
    assert capsys.readouterr().out.count("1 of 1 presets valid") == 2


def test_check_reports_what_the_provider_would_refuse(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "presets" / "ad" / "mug.yaml").write_text(LONG_NEGATIVE)
    assert main(["check", "presets"]) == 1
    out = capsys.readouterr().out
    assert "presets/ad/mug.yaml:8:18: negative_prompt: kling kling-v2-6 takes at most 2,500" in out
    assert "1 of 2 presets valid" in out

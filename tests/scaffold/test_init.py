"""``reelgate init``: a new team's first suite, written without overwriting anything of theirs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reelgate.cli import main
from reelgate.preset.model import Scenario
from reelgate.preset.thresholds import ReferenceGate, Regression, Rubric
from reelgate.scaffold.init import InitRefused, init_project

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = Path("presets/scenarios.yaml")


def test_init_writes_a_suite_that_checks_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "team")]) == 0
    root = tmp_path / "team"
    presets = sorted(p.relative_to(root).as_posix() for p in (root / "presets").rglob("*.yaml"))
    assert presets == ["presets/ad/first-ad.yaml", "presets/dance/first-dance.yaml",
                       "presets/narrative/first-narrative.yaml", "presets/product/first-product.yaml",
                       "presets/scenarios.yaml"]
    assert (root / "presets/references/routine.mp4").stat().st_size > 0
    assert (root / ".github/workflows/preset-gate.yml").is_file()
    assert ".reelgate/" in (root / ".gitignore").read_text().splitlines()
    assert "preset_paths = presets" in (root / "pytest.ini").read_text()
    capsys.readouterr()
    os.chdir(root)
    assert main(["check", "-w"]) == 0, capsys.readouterr()


def test_a_second_init_refuses_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    init_project(tmp_path)
    preset = tmp_path / "presets/ad/first-ad.yaml"
    preset.write_text("# the team's own edit\n")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["init", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"reelgate init: {tmp_path} already has .github/workflows/preset-gate.yml, ")
    assert error.rstrip().endswith("nothing was written; run `reelgate init --force` to overwrite them")
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    assert main(["init", "--force", str(tmp_path)]) == 0
    assert preset.read_text().startswith("# yaml-language-server")


def test_init_keeps_the_users_gitignore_and_pytest_configuration(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/")  # no final newline
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\naddopts = '-ra'\n")
    assert main(["init", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / ".gitignore").read_text().splitlines()[0] == "node_modules/"
    assert not (tmp_path / "pytest.ini").exists()
    assert "configures pytest already; add these lines" in out and "preset_paths = presets" in out
    assert (tmp_path / "pyproject.toml").read_text() == "[tool.pytest.ini_options]\naddopts = '-ra'\n"
    init_project(tmp_path, force=True)
    assert (tmp_path / ".gitignore").read_text().count(".reelgate/") == 1  # added once, not per init


def test_init_into_a_file_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    assert main(["init", str(target)]) == 2
    assert capsys.readouterr().err == (f"reelgate init: {target} is a file, not a folder: "
                                       "give init a folder to write the suite into\n")
    assert target.read_text() == "mine"
    with pytest.raises(InitRefused):
        init_project(target)


def test_the_scenarios_template_documents_every_field(tmp_path: Path) -> None:
    """A newcomer edits this file first: every field, with its default bound, is explained in it."""
    init_project(tmp_path)
    text = (tmp_path / SCENARIOS).read_text()
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    for model in (Scenario, ReferenceGate, Rubric, Regression):
        for name, field in model.model_fields.items():
            assert name in comments, f"scenarios.yaml does not explain {model.__name__}.{name}"
            default = field.default
            if isinstance(default, bool):
                assert f"[{str(default).lower()}]" in comments or f"/ {str(default).lower()}]" in comments
            elif isinstance(default, int | float):
                shown = f"{default:g}"
                assert f"[{shown}]" in comments or f"/ {shown}]" in comments or f"[{shown} /" in comments, \
                    f"scenarios.yaml does not give {model.__name__}.{name}'s default {shown}"
    assert set(yaml.safe_load(text)["scenarios"]) == {"ad", "dance", "product", "narrative"}


def test_the_repository_example_workflow_is_the_one_init_writes(tmp_path: Path) -> None:
    init_project(tmp_path)
    example = REPO / ".github/workflows/preset-gate.example.yml"
    assert (tmp_path / ".github/workflows/preset-gate.yml").read_bytes() == example.read_bytes()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("reelgate 0.")


def _pytest(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "presets", "-q", "-p", "no:cacheprovider", *args],
                          cwd=root, capture_output=True, text=True, timeout=600, check=False)


def test_the_scaffold_records_approves_and_replays_against_the_simulator(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's first hour, as commands: init, record against the simulator, approve, replay."""
    pytest.importorskip("uvicorn", reason="needs the [simulator] extra")
    from reelgate.simulator import SimulatorConfig, running_simulator, simulator_env

    init_project(tmp_path)
    for name, value in simulator_env().items():
        monkeypatch.setenv(name, value)
    with running_simulator(SimulatorConfig(job_seconds=0.05), in_subprocess=True) as url:
        recorded = _pytest(tmp_path, "--preset-record=once", "--preset-provider", "kling",
                           "--preset-provider-url", url)
    # Only the regression items fail: nothing is approved yet.
    assert "4 failed, 17 passed" in recorded.stdout, recorded.stdout[-3000:]
    assert recorded.stdout.count("is not approved yet") >= 4
    for name in simulator_env():
        monkeypatch.delenv(name)
    approved = _pytest(tmp_path, "--preset-approve")
    assert approved.returncode == 0, approved.stdout[-3000:]
    assert "reelgate: 4 approved" in approved.stdout  # one line for the run, as syrupy prints
    assert sorted(p.name for p in (tmp_path / "approved").iterdir()) == [
        "first-ad.json", "first-dance.json", "first-narrative.json", "first-product.json"]
    replayed = _pytest(tmp_path)
    assert replayed.returncode == 0, replayed.stdout[-3000:]
    assert "reelgate: 12 renders replayed from cassettes, 0 failed" in replayed.stdout
    files = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".reelgate" not in p.parts}
    again = _pytest(tmp_path, "--preset-approve")
    assert again.returncode == 0, again.stdout[-3000:]
    assert "reelgate: 4 unchanged" in again.stdout
    assert {p: p.read_bytes() for p in files} == files  # a second approve changes no file


def test_the_readme_documents_every_scenario_field_with_its_default() -> None:
    readme = (REPO / "README.md").read_text()
    table = readme.split("### `scenarios.yaml`", 1)[1].split("\n\n", 2)[1]
    rows = {line.split("|")[1].strip(): line.split("|")[3].strip() for line in table.splitlines()[2:]}
    documented: dict[str, str] = {}
    for field, default in rows.items():
        names = [part.strip().strip("`") for part in field.split("/")]
        defaults = [part.strip() for part in default.split("/")]
        prefix = names[0].rsplit(".", 1)[0] + "." if "." in names[0] else ""
        for index, name in enumerate(names):
            full = name if "." in name or not prefix else prefix + name
            documented[full] = defaults[min(index, len(defaults) - 1)]
    for section, model in (("", Scenario), ("thresholds.reference.", ReferenceGate),
                           ("thresholds.rubric.", Rubric), ("thresholds.regression.", Regression)):
        for name, field in model.model_fields.items():
            if name == "thresholds":
                continue
            key = section + name
            assert key in documented, f"README's scenarios.yaml table lacks {key}"
            if field.is_required():
                assert documented[key] == "required", key
            elif isinstance(field.default, bool):
                assert documented[key] == str(field.default).lower(), key
            elif isinstance(field.default, int | float):
                assert documented[key] == f"{field.default:g}", key
            else:
                assert documented[key] == "none", key

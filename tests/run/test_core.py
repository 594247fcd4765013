"""The run's core driven directly, without pytest items: what the plugin's items ask of it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reelgate.plan.checked import load_checked
from reelgate.run import RunConfig
from reelgate.run.session import Run

REPO = Path(__file__).resolve().parents[2]


def config_for(root: Path, **options: object) -> RunConfig:
    presets = root / "presets"
    return RunConfig(root=root, preset_paths=(presets,), scenarios=presets / "scenarios.yaml",
                     cassettes=root / "cassettes", approved=root / "approved", **options)  # type: ignore[arg-type]


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    for name in ("presets", "cassettes", "approved"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def test_a_run_nobody_asks_anything_of_leaves_nothing(examples: Path) -> None:
    before = sorted(examples.rglob("*"))
    Run(config_for(examples)).close()
    assert sorted(examples.rglob("*")) == before


def test_a_replayed_preset_is_judged_logged_and_compared_without_pytest(examples: Path) -> None:
    conf = config_for(examples)
    suite = load_checked(conf.root, list(conf.preset_paths), conf.scenarios, memo=False)
    preset = next(r.preset for r in suite.results.values() if r.preset and r.preset.id == "coffee-morning")
    run = Run(conf)
    try:
        run.start((preset, point) for point in preset.sweep)
        verdicts = {point: run.point(preset, point).verdict.verdict for point in preset.sweep}
        outcome = run.regression(preset, accepted=set())
        hub = run.started_hub()
        assert hub is not None and hub.source == "replayed"
        assert hub.summary_line() == ("reelgate: 3 renders replayed from cassettes, 0 failed; "
                                      "recorded cost $1.05, nothing spent")
    finally:
        run.close()
    assert verdicts == {"low": "pass", "mid": "pass", "mid-high": "pass"}
    assert not outcome.failed, outcome.lines
    with sqlite3.connect(examples / ".reelgate" / "ledger.sqlite") as db:
        rows = db.execute("SELECT sweep_point, replayed, verdict FROM reelgate_renders").fetchall()
    assert sorted(rows) == [("low", 1, "pass"), ("mid", 1, "pass"), ("mid-high", 1, "pass")]


def test_a_missing_recording_is_the_points_error_with_the_command_that_records_it(examples: Path) -> None:
    conf = config_for(examples)
    shutil.rmtree(examples / "cassettes" / "coffee-morning")
    suite = load_checked(conf.root, list(conf.preset_paths), conf.scenarios, memo=False)
    preset = next(r.preset for r in suite.results.values() if r.preset and r.preset.id == "coffee-morning")
    run = Run(conf)
    try:
        result = run.point(preset, "mid")
    finally:
        run.close()
    assert result.verdict.verdict == "fail" and result.verdict.total == 1 and not result.verdict.clips
    assert "record it with: pytest presets/" in result.problems[0] and "--preset-record=once" in result.problems[0]


def test_the_core_never_imports_pytest() -> None:
    code = ("import sys; import reelgate.run.session, reelgate.run.hub, reelgate.run.judging, "
            "reelgate.run.approval, reelgate.run.ledger; "
            "print(sorted(m for m in sys.modules if m == 'pytest' or m.startswith('_pytest')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_foreign_cassette_is_the_points_error_naming_the_file_and_the_fix(examples: Path) -> None:
    conf = config_for(examples)
    cassette = examples / "cassettes" / "coffee-morning" / "mid.yaml"
    cassette.write_text("interactions: []\nversion: 1\n")  # a vcrpy cassette of another tool
    suite = load_checked(conf.root, list(conf.preset_paths), conf.scenarios, memo=False)
    preset = next(r.preset for r in suite.results.values() if r.preset and r.preset.id == "coffee-morning")
    run = Run(conf)
    try:
        result = run.point(preset, "mid")
    finally:
        run.close()
    assert result.verdict.verdict == "fail" and not result.verdict.clips
    problem, hint = result.problems[0].split("\n")
    assert problem.startswith(f"{cassette}: a vcrpy cassette without reelgate's 'reelgate' block")
    assert problem.endswith("re-record it with --preset-record=rewrite") and "--preset-record=rewrite" in hint

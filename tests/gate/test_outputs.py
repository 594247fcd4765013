"""What a run leaves behind: ledger rows, JUnit properties, GitHub annotations, the HTML page.

The example suite (presets, recordings and approvals of this repository) is copied into a
pytester directory and replayed, so these tests need no simulator and no network.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def examples(pytester: pytest.Pytester) -> pytest.Pytester:
    for name in ("presets", "cassettes", "approved"):
        shutil.copytree(REPO / name, pytester.path / name)
    pytester.makeini("[pytest]\nmarkers =\n    smoke: quick presets\n")
    return pytester


def test_replay_writes_ledger_rows_as_replays(examples: pytest.Pytester) -> None:
    examples.runpytest("presets", "-p", "no:warnings", "-k", "coffee").assert_outcomes(passed=5, deselected=38)
    with sqlite3.connect(examples.path / ".reelgate" / "ledger.sqlite") as db:
        rows = db.execute("SELECT preset_id, sweep_point, replayed, verdict, cost_usd FROM reelgate_renders").fetchall()
    assert sorted(r[1] for r in rows) == ["low", "mid", "mid-high"]
    assert all(r[0] == "coffee-morning" and r[2] == 1 and r[3] == "pass" for r in rows)
    report = examples.run(sys.executable, "-m", "reelgate.cli", "report", "--ledger", str(examples.path / ".reelgate" / "ledger.sqlite"))
    report.stdout.fnmatch_lines(["*coffee-morning*"])


def test_a_bad_ledger_stops_the_run_before_any_render(examples: pytest.Pytester) -> None:
    result = examples.runpytest("presets", "-p", "no:warnings", "--preset-ledger",
                                "postgresql://gate:s3cret-pw@127.0.0.1:9/nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*reelgate:*ledger*"])
    assert "s3cret-pw" not in result.stdout.str() + result.stderr.str()
    assert "renders replayed" not in result.stdout.str()


def test_junit_xml_carries_verdicts_scores_and_cost(examples: pytest.Pytester) -> None:
    examples.runpytest("presets", "-p", "no:warnings", "-k", "city", "--junitxml=junit.xml")
    tree = ET.parse(examples.path / "junit.xml")
    case = next(c for c in tree.iter("testcase") if c.get("name") == "sweep[mid]")
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert properties["verdict"] == "pass" and float(properties["cost_usd"]) > 0
    assert 0 <= float(properties["continuity"]) <= 1 and "subject" in properties


def test_github_annotations_and_step_summary(examples: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    preset = examples.path / "presets" / "ad" / "city-runner.yaml"
    preset.write_text(preset.read_text().replace("gentle pan right", "gentle pan sideways"))
    result = examples.runpytest("presets", "-p", "no:warnings", "-k", "city or coffee")
    result.stdout.fnmatch_lines(["::error file=presets/ad/city-runner.yaml,line=1,title=city-runner schema::"
                                 "1 schema error in city-runner.yaml:"])
    text = summary.read_text()
    assert "## reelgate" in text and "| `coffee-morning` | pass | pass | pass |" in text
    assert "| `city-runner` |" in text and "failed: schema" in text


def test_html_report_of_the_run(examples: pytest.Pytester) -> None:
    result = examples.runpytest("presets", "-p", "no:warnings", "-k", "watch", "--preset-html", "out/run.html")
    result.stdout.fnmatch_lines(["reelgate: HTML report written to *run.html"])
    page = (examples.path / "out" / "run.html").read_text()
    assert "watch-macro" in page and "data:image/jpeg;base64," in page and "<script" not in page

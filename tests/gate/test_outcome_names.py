"""Each sweep outcome is named as it is, the same in the summary table, JUnit XML, the report's
data and the GitHub annotations (the whole reason, at the YAML line of the point concerned)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reelgate.simulator import Fault, set_faults
from tests.gate.conftest import PRESET, prepare
from tests.suites import LENIENT, SuiteWriter

# The sweep written as a block list: each point on its own line (9, 10, 11).
SWEPT = PRESET + "sweep:\n  - 2\n  - 4\n  - 6\n"
LINES = {"low": 9, "mid": 10, "mid-high": 11}
# The summary's run data (what the HTML report reads), dumped when the run ends.
DUMP_RUN_DATA = """\
import json
def pytest_unconfigure(config):
    summary = config.pluginmanager.get_plugin("reelgate-summary")
    if summary is not None and summary.rows:
        open("run-data.json", "w").write(json.dumps(summary.run_data(), default=str))
"""


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A GitHub Actions job's environment; the step summary's file."""
    summary = tmp_path / "step-summary.md"
    for name, value in {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
                        "GITHUB_SERVER_URL": "https://github.example", "GITHUB_REPOSITORY": "studio/presets",
                        "GITHUB_RUN_ID": "42", "REELGATE_ARTIFACT": "preset-report-replay"}.items():
        monkeypatch.setenv(name, value)
    return summary


def run(suite: SuiteWriter, *args: str) -> pytest.RunResult:
    return suite.pytester.runpytest("presets", "-p", "no:warnings", "-p", "no:cacheprovider",
                                    "--junitxml=junit.xml", *args)


def record(suite: SuiteWriter, simulator: str, *args: str) -> pytest.RunResult:
    return run(suite, "--preset-record=once", "--preset-provider", "kling", "--preset-provider-url",
               simulator, *args)


def junit(suite: SuiteWriter) -> dict[str, tuple[dict[str, str], str | None]]:
    """Each test case's properties and its failure message."""
    cases = {}
    for case in ET.parse(suite.root / "junit.xml").iter("testcase"):
        failure = case.find("failure")
        cases[case.get("name", "")] = ({p.get("name", ""): p.get("value", "") for p in case.iter("property")},
                                       failure.get("message") if failure is not None else None)
    return cases


def row(result: pytest.RunResult) -> list[str]:
    """The summary table's row of the preset, split on its column gaps."""
    line = next(text for text in result.outlines if re.match(r"cup {2,}\S", text))
    return [cell.strip() for cell in line.split("  ") if cell.strip()]


def annotations(result: pytest.RunResult) -> list[str]:
    return [text for text in result.outlines if text.startswith("::error ")]


def test_a_suite_without_recordings_reads_not_recorded(suite: SuiteWriter, monkeypatch: pytest.MonkeyPatch,
                                                       github: Path) -> None:
    prepare_offline(suite, monkeypatch)
    result = run(suite, "-k", "sweep", "--preset-html", "out/run.html")
    result.assert_outcomes(failed=3, deselected=2)
    assert row(result) == ["cup", "not recorded", "not recorded", "not recorded", "- - -", "$0.00", "-",
                           "failed: sweep[low], sweep[mid], sweep[mid-high]"]
    properties, message = junit(suite)["sweep[low]"]
    assert properties["outcome"] == "not recorded" and properties["verdict"] == "fail"
    assert message is not None and message.startswith("cup sweep[low] (motion_score 2): not recorded;")
    low = next(a for a in annotations(result) if "sweep[low]" in a)
    assert low.startswith(f"::error file=presets/cup.yaml,line={LINES['low']},title=cup sweep[low]%3A not "
                          "recorded::cup sweep[low] (motion_score 2): not recorded; usable 0/1")
    body = low.split("::", 2)[2].split("%0A")  # the whole reason, one line per %0A
    assert len(body) == 3 and body[1] == "no recording: cassettes/cup/low.yaml does not exist"
    assert body[2].startswith("record it with: pytest presets/cup.yaml --preset-record=once")
    assert "\n" not in low and len(annotations(result)) == 3
    assert [a.split(",")[1] for a in annotations(result)] == [f"line={n}" for n in LINES.values()]
    text = github.read_text()
    assert "| `cup` | not recorded | not recorded | not recorded | - - - | $0.00 | - |" in text
    assert ("HTML report (`run.html`: contact sheets, verdicts, metrics): [artifact `preset-report-replay`]"
            "(https://github.example/studio/presets/actions/runs/42#artifacts)") in text


def prepare_offline(suite: SuiteWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    (suite.root / "presets" / "scenarios.yaml").write_text(LENIENT)
    suite.preset("cup.yaml", SWEPT)
    suite.pytester.makeconftest(DUMP_RUN_DATA)


@pytest.fixture
def gate(suite: SuiteWriter, simulator: str, monkeypatch: pytest.MonkeyPatch) -> SuiteWriter:
    prepared = prepare(suite, simulator, monkeypatch, LENIENT, SWEPT)
    suite.pytester.makeconftest(DUMP_RUN_DATA)
    return prepared


def run_data(suite: SuiteWriter) -> dict[str, object]:
    presets = json.loads((suite.root / "run-data.json").read_text())["presets"]
    return next(p for p in presets if p["preset"] == "cup")


def test_each_outcome_is_named_as_it_is(gate: SuiteWriter, simulator: str, github: Path) -> None:
    set_faults(simulator, Fault(kind="task_failed", times=None))
    failed = record(gate, simulator, "-k", "sweep and low")
    failed.assert_outcomes(failed=1, deselected=4)
    assert row(failed)[1] == "render failed" and junit(gate)["sweep[low]"][0]["outcome"] == "render failed"
    set_faults(simulator)
    record(gate, simulator, "-k", "sweep").assert_outcomes(passed=3, deselected=2)
    run(gate, "--preset-approve").assert_outcomes(passed=5)

    preset = gate.root / "presets" / "cup.yaml"
    marked = SWEPT + 'marks: [{xfail: {reason: "flickers", only: ["sweep[mid-high]"]}}]\n'
    preset.write_text(marked.replace("[flicker]", "[flicker, blur]"))
    stale = run(gate, "-k", "sweep")
    stale.assert_outcomes(failed=2, xfailed=1, deselected=2)
    assert row(stale)[1:4] == ["stale recording", "stale recording", "xfail"]
    assert junit(gate)["sweep[mid-high]"][0]["outcome"] == "xfail"

    # Marked xfail, yet passing: XPASS both ways; pytest itself calls the non-strict one passed.
    preset.write_text(SWEPT + 'marks: [{xfail: {reason: "was flaky", only: ["sweep[low]"]}},\n'
                      '        {xfail: {reason: "was flaky", strict: true, only: ["sweep[mid]"]}}]\n')
    xpass = run(gate, "-k", "sweep")
    xpass.assert_outcomes(passed=1, xpassed=1, failed=1, deselected=2)
    # mid-high is usable either way: the simulator's clip at motion 6 may carry a mild defect
    usable = ("pass", "pass-with-edits")
    assert row(xpass)[1:3] == ["XPASS", "XPASS"] and row(xpass)[3] in usable, row(xpass)
    assert row(xpass)[-1] == "failed: sweep[mid]"
    cases = junit(gate)
    assert cases["sweep[low]"][0]["outcome"] == "XPASS" and cases["sweep[mid]"][0]["outcome"] == "XPASS"
    data = run_data(gate)
    outcomes = data["outcomes"]
    assert (outcomes["sweep[low]"], outcomes["sweep[mid]"]) == ("XPASS", "XPASS")
    assert outcomes["sweep[mid-high]"] in usable
    assert data["items"]["sweep[low]"] == "xpass" and data["points"]["low"]["outcome"] == "pass"

    # The rubric fails low; mid and mid-high lost their recordings.
    preset.write_text(SWEPT)
    scenarios = gate.root / "presets" / "scenarios.yaml"
    scenarios.write_text(LENIENT.replace("min_subject: 0,", "min_subject: 1,"))
    for point in ("mid", "mid-high"):
        (gate.root / "cassettes" / "cup" / f"{point}.yaml").unlink()
    harsh = run(gate)
    harsh.assert_outcomes(passed=1, failed=4)
    assert row(harsh)[1:4] == ["rubric failed", "not recorded", "not recorded"]
    assert run_data(gate)["points"]["low"]["outcome"] == "rubric failed"
    out = harsh.stdout.str()
    said_once = [text for text in harsh.outlines if text.startswith("cup v1 against approved v1")]
    assert "Captured regression call" not in out and len(said_once) == 1
    assert "motion response not checked: motion measured at one sweep point only" in out
    assert not [text for text in harsh.outlines if text.strip() == "motion:"]
    regression = [a for a in annotations(harsh) if "title=cup regression" in a]
    assert len(regression) == 1 and regression[0].startswith(
        f"::error file=presets/cup.yaml,line={LINES['low']},title=cup regression%3A low::cup v1 against approved v1")
    body = regression[0].split("::", 2)[2].split("%0A")
    assert body[1] == "2 metric(s) got worse:" and body[2].split() == [
        "point", "metric", "approved", "now", "change", "tolerance"]
    assert [line.split() for line in body[3:]] == [["low", "verdict", "pass", "fail", "worse", "no", "worse", "WORSE"],
                                                   ["low", "usable_rate", "1", "0", "-1", "0.05", "WORSE"]]
    sweep = next(a for a in annotations(harsh) if "sweep[low]" in a)
    assert f"line={LINES['low']}," in sweep and "subject integrity" in sweep and "%0A" in sweep


def test_a_reference_failure_is_annotated_at_the_reference_line(suite: SuiteWriter, monkeypatch: pytest.MonkeyPatch,
                                                               github: Path) -> None:
    prepare_offline(suite, monkeypatch)
    (suite.root / "presets" / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    (suite.root / "presets" / "still.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    suite.preset("cup.yaml", SWEPT + "reference:\n  video: broken.mp4\n  video_url: https://cdn.example.com/"
                 "x.mp4\n  image: still.png\n")  # the video (not decodable) at line 13
    result = run(suite, "-k", "reference")
    result.assert_outcomes(failed=1, deselected=5)
    (entry,) = annotations(result)
    assert entry.startswith("::error file=presets/cup.yaml,line=13,title=cup reference::reference "
                            "presets/broken.mp4: ")
    assert junit(suite)["reference"][0]["outcome"] == "failed"

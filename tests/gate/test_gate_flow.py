"""The whole gate through the simulator: record, approve, change one variable, change two,
degrade the provider, approve again."""

from __future__ import annotations

import json

import pytest

from reelgate.simulator import (
    Fault,
    reset_simulator,
    set_faults,
)
from tests.gate.conftest import PRESET, prepare
from tests.suites import SuiteWriter

SCENARIOS = """\
scenarios:
  ad:
    motion_range: [1, 7]
    sweep: [2, 3, 4]
    provider: {name: kling, model: kling-v2-6, mode: std}
    thresholds:
      rubric: {min_continuity: 0.8, min_subject: 0.4, warn_margin: 0.02}
      regression: {default_tolerance: 0.5, tolerances: {motion: 1.0}}
"""


@pytest.fixture
def gate(suite: SuiteWriter, simulator: str, monkeypatch: pytest.MonkeyPatch) -> SuiteWriter:
    return prepare(suite, simulator, monkeypatch, SCENARIOS, PRESET)


def run(suite: SuiteWriter, *args: str) -> pytest.RunResult:
    return suite.pytester.runpytest("presets", "-p", "no:warnings", "-p", "no:cacheprovider", *args)


def record(suite: SuiteWriter, simulator: str, mode: str = "once") -> pytest.RunResult:
    return run(suite, f"--preset-record={mode}", "--preset-provider", "kling", "--preset-provider-url",
               simulator, "-k", "sweep")


def test_record_approve_change_degrade_approve(gate: SuiteWriter, simulator: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    record(gate, simulator).assert_outcomes(passed=3, deselected=2)
    unapproved = run(gate)
    unapproved.assert_outcomes(passed=4, failed=1)
    unapproved.stdout.fnmatch_lines(["*cup is not approved yet; approve it with: pytest presets/cup.yaml "
                                     "--preset-approve*"])

    approve = run(gate, "--preset-approve")
    approve.assert_outcomes(passed=5)
    record_file = gate.root / "approved" / "cup.json"
    approved = json.loads(record_file.read_text())
    assert approved["version"] == 1 and set(approved["points"]) == {"low", "mid", "mid-high"}
    assert approved["approved_by"] and approved["points"]["mid"]["verdict"] == "pass"
    run(gate).assert_outcomes(passed=5)

    # One control variable (the negative prompt): stale until re-recorded, then it passes.
    preset = gate.root / "presets" / "cup.yaml"
    preset.write_text(PRESET.replace("version: 1", "version: 2").replace("[flicker]", "[flicker, blur]"))
    stale = run(gate, "-k", "sweep")
    stale.stdout.fnmatch_lines(["*stale recording*negative_prompt*"])
    record(gate, simulator, "rewrite").assert_outcomes(passed=3, deselected=2)
    one = run(gate)
    one.assert_outcomes(passed=5)
    one.stdout.no_fnmatch_line("*more than one control variable*")

    # Two control variables (prompt and camera): the regression item lists them.
    preset.write_text(PRESET.replace("version: 1", "version: 3").replace("ceramic cup", "glass mug")
                      .replace("locked frame", "slow push-in"))
    record(gate, simulator, "rewrite")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    two = run(gate, "-k", "regression")
    monkeypatch.delenv("GITHUB_ACTIONS")
    two.assert_outcomes(failed=1, deselected=4)
    two.stdout.fnmatch_lines(["*more than one control variable changed against the approved version: "
                              "prompt, camera*"])
    # Annotated at each changed field's line (prompt: 3, camera: 5), with the comparison's header.
    annotations = [line for line in two.outlines if line.startswith("::error ")]
    assert [a.split("::")[1] for a in annotations] == [
        "error file=presets/cup.yaml,line=3,title=cup regression%3A prompt changed",
        "error file=presets/cup.yaml,line=5,title=cup regression%3A camera changed"]
    assert all(a.split("::", 2)[2].startswith("cup v3 against approved v1 (") and
               "%0Amore than one control variable changed" in a for a in annotations)

    # Back to the approved preset, but the provider now answers worse for the same request.
    preset.write_text(PRESET)
    set_faults(simulator, Fault(kind="degraded_output", times=None))
    record(gate, simulator, "rewrite")
    degraded = run(gate, "-k", "regression")
    degraded.assert_outcomes(failed=1, deselected=4)
    degraded.stdout.fnmatch_lines(["*metric(s) got worse (provider drift: the request is unchanged but the "
                                   "provider answers differently at low, mid, mid-high)*",
                                   "*point*metric*approved*now*change*tolerance*",
                                   "*verdict*pass*fail*worse*WORSE*"])
    refused = run(gate, "--preset-approve", "-k", "regression")
    refused.stdout.fnmatch_lines(["*not approved: cup has failing checks: sweep[[]low[]] is fail*"])
    assert json.loads(record_file.read_text())["approved_at"] == approved["approved_at"]  # untouched

    # The provider recovers: re-record, approve again, and the gate is green.
    reset_simulator(simulator)
    record(gate, simulator, "rewrite").assert_outcomes(passed=3, deselected=2)
    run(gate, "--preset-approve").assert_outcomes(passed=5)
    run(gate).assert_outcomes(passed=5)


def test_xdist_gives_the_same_verdicts_and_approvals(gate: SuiteWriter, simulator: str) -> None:
    gate.preset("mug.yaml", PRESET.replace("ceramic cup", "stoneware mug"))
    record(gate, simulator).assert_outcomes(passed=6, deselected=4)
    run(gate, "--preset-approve").assert_outcomes(passed=10)
    serial = {p.name: json.loads(p.read_text())["points"] for p in (gate.root / "approved").glob("*.json")}
    for path in (gate.root / "approved").glob("*.json"):
        path.unlink()
    parallel = gate.pytester.runpytest_subprocess("presets", "-p", "no:warnings", "-n", "2", "--preset-approve")
    parallel.assert_outcomes(passed=10)
    again = {p.name: json.loads(p.read_text())["points"] for p in (gate.root / "approved").glob("*.json")}
    assert again == serial

"""Capability notes and gaps: what holds for every preset of a model is one summary line, what is
about one preset is a warning naming its value, and ``reelgate check`` says what the schema item says."""

from __future__ import annotations

import re

import pytest

from reelgate.cli import main
from reelgate.plan import capability_diagnostics, model_notes
from reelgate.plan.checked import load_checked
from tests.suites import VALID, SuiteWriter

SEEDLESS = "kling kling-v2-6 takes no seed; renders are not reproducible, so compare repeats statistically"
# kling-v1 controls single-axis moves only: an orbit is about this preset's camera, not the model.
ORBIT_ON_V1 = (VALID.replace("camera: slow push-in", "camera: slow orbit left")
               .replace("negative_prompt: [flicker]\n", "provider: {name: kling, model: kling-v1, mode: std}\n")
               .replace("resolution: 1080p", "resolution: 720p"))
# kling-v2-6 renders 5 or 10 s: a capability gap, not a schema error of the contract.
SEVEN_SECONDS = VALID.replace("duration: 5", "duration: 7")


def test_model_notes_are_one_summary_line_each_not_a_warning_per_preset(suite: SuiteWriter) -> None:
    for name in ("cup", "mug", "bowl"):
        suite.preset(f"{name}.yaml")
    result = suite.pytester.runpytest("presets", "-k", "schema", "-W", "error")
    result.assert_outcomes(passed=3, deselected=12)
    assert "warning" not in result.outlines[-1]
    notes = [line for line in result.outlines if line.startswith("reelgate note: ")]
    assert f"reelgate note: {SEEDLESS} (3 presets)" in notes
    assert "reelgate note: kling kling-v2-6 has no motion control; the motion score is sent as prompt " \
           "words and not enforced (3 presets)" in notes
    assert len(notes) == len(set(notes)) == 3  # camera, motion and seed


def test_a_warning_about_one_preset_stays_a_warning_at_its_line(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml", ORBIT_ON_V1)
    result = suite.pytester.runpytest("presets", "-k", "schema")
    result.assert_outcomes(passed=1, deselected=4)
    result.stdout.fnmatch_lines([
        "*presets/cup.yaml:7: PresetWarning: camera: kling kling-v1 has no camera control for 'orbit-left';"
        " it is sent as prompt words (*) and not enforced*"])
    assert "1 warning" in result.outlines[-1]
    # A process of its own, as a user's run is: in this one, sockets another test left for the
    # garbage collector would warn under -W error while the plugin's modules are being rewritten
    # (CPython 3.11.7 then raises SystemError from ast.parse).
    assert suite.pytester.runpytest_subprocess("presets", "-k", "schema", "-W", "error").ret == 1


def test_a_gap_that_differs_by_sweep_point_names_each_points_motion_score(
        suite: SuiteWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    """A provider whose note depends on the motion score: each point's value is named, not the
    preset's ``motion.score``."""
    from reelgate.providers import provider_class
    from reelgate.providers.capabilities import CapabilityIssue

    def extra(cls: type, request: object) -> list[CapabilityIssue]:
        score = request.motion_score  # type: ignore[attr-defined]
        return [CapabilityIssue("motion", "warning", "fast motion may tear")] if score > 3 else []

    # the class the registry answers with: an in-process pytester run before this test may have
    # dropped the module it was first imported from, so reelgate.providers.kling may be a new one
    monkeypatch.setattr(provider_class("kling"), "extra_issues", classmethod(extra))
    path = suite.preset("cup.yaml")
    result = load_checked(suite.root, [suite.root / "presets"], suite.root / "presets" / "scenarios.yaml",
                          memo=False).get(path).result
    assert result.preset is not None and result.located is not None
    warnings = [d.message for d in capability_diagnostics(result.preset, result.located) if d.field == "motion"]
    assert warnings == ["sweep[mid, mid-high] (motion score 4, 6): fast motion may tear"]
    assert SEEDLESS in model_notes(result.preset)


def test_check_and_the_schema_item_report_the_same_gap_at_the_same_line(
        suite: SuiteWriter, capsys: pytest.CaptureFixture[str]) -> None:
    suite.preset("cup.yaml")
    suite.preset("clip.yaml", SEVEN_SECONDS)
    assert main(["check", "presets"]) == 1
    checked = capsys.readouterr().out
    result = suite.pytester.runpytest("presets", "-k", "schema")
    result.assert_outcomes(passed=1, failed=1, deselected=4)  # the gap leaves clip.yaml nothing to render
    error = re.search(r"presets/clip\.yaml:(\d+):\d+: output\.duration: kling kling-v2-6 renders [^\n]*", checked)
    assert error and "not 7 s; set output.duration to one of them" in error[0]
    assert error[0] in result.stdout.str()
    assert error[1] == "9"  # the output line of the preset
    assert "1 of 2 presets valid (3 provider notes: -w shows them)" in checked

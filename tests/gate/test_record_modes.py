"""Recording modes mean what pytest-recording's users expect, applied to renders (one row of the
README's table each): once records what has no cassette, new_episodes also re-records what
changed, rewrite starts the selected points from scratch; a field the model never receives
changes nothing."""

from __future__ import annotations

import pytest

from tests.gate.conftest import PRESET, prepare
from tests.suites import LENIENT, SuiteWriter


@pytest.fixture
def gate(suite: SuiteWriter, simulator: str, monkeypatch: pytest.MonkeyPatch) -> SuiteWriter:
    return prepare(suite, simulator, monkeypatch, LENIENT, PRESET)


def run(suite: SuiteWriter, simulator: str, mode: str, *more: str) -> pytest.RunResult:
    return suite.pytester.runpytest("presets", "-p", "no:warnings", "-p", "no:cacheprovider", "-k",
                                    "sweep and low", f"--preset-record={mode}", "--preset-provider",
                                    "kling", "--preset-provider-url", simulator, *more)


def cassettes(suite: SuiteWriter) -> dict[str, bytes]:
    folder = suite.root / "cassettes" / "cup"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))}


def test_once_records_what_is_missing_and_refuses_what_changed(gate: SuiteWriter, simulator: str) -> None:
    run(gate, simulator, "once").assert_outcomes(passed=1)
    recorded = cassettes(gate)
    assert list(recorded) == ["low.yaml"]
    run(gate, simulator, "once").assert_outcomes(passed=1)
    assert cassettes(gate) == recorded  # replayed, untouched
    gate.preset("cup.yaml", PRESET.replace("a sunlit kitchen", "a rainy terrace"))
    stale = run(gate, simulator, "once")
    stale.assert_outcomes(failed=1)
    stale.stdout.fnmatch_lines(["*stale recording: the request changed since it was recorded (prompt:*",
                                "*--preset-record=new_episodes*"])
    assert cassettes(gate) == recorded


def test_new_episodes_re_records_a_preset_that_changed(gate: SuiteWriter, simulator: str) -> None:
    run(gate, simulator, "once").assert_outcomes(passed=1)
    recorded = cassettes(gate)
    gate.preset("cup.yaml", PRESET.replace("a sunlit kitchen", "a rainy terrace"))
    run(gate, simulator, "new_episodes").assert_outcomes(passed=1)
    assert cassettes(gate)["low.yaml"] != recorded["low.yaml"]
    assert b"rainy terrace" in cassettes(gate)["low.yaml"]
    replay = gate.pytester.runpytest("presets", "-p", "no:warnings", "-k", "sweep and low")
    replay.assert_outcomes(passed=1)


def test_a_seed_the_model_does_not_take_leaves_the_recording_fresh(gate: SuiteWriter, simulator: str) -> None:
    """Kling's v1 API has no seed: changing it sends the same request, so it replays."""
    gate.preset("cup.yaml", PRESET.replace("resolution: 720p}", "resolution: 720p, seed: 1}"))
    run(gate, simulator, "once").assert_outcomes(passed=1)
    gate.preset("cup.yaml", PRESET.replace("resolution: 720p}", "resolution: 720p, seed: 99}"))
    replay = gate.pytester.runpytest("presets", "-p", "no:warnings", "-k", "sweep and low")
    replay.assert_outcomes(passed=1)
    gate.preset("cup.yaml", PRESET.replace("resolution: 720p}", "resolution: 720p, seed: 99}")
                .replace("[flicker]", "[flicker, blur]"))
    changed = gate.pytester.runpytest("presets", "-p", "no:warnings", "-k", "sweep and low")
    changed.assert_outcomes(failed=1)  # what the model does receive still counts
    changed.stdout.fnmatch_lines(["*stale recording*negative_prompt*blur*"])


def test_rewrite_removes_the_repeats_a_preset_no_longer_renders(gate: SuiteWriter, simulator: str) -> None:
    gate.preset("cup.yaml", PRESET + "repeats: 3\nmin_usable: 1\n")
    run(gate, simulator, "once").assert_outcomes(passed=1)
    assert list(cassettes(gate)) == ["low-1.yaml", "low-2.yaml", "low.yaml"]
    (gate.root / "cassettes" / "cup" / "lowish.yaml").write_text("not ours to delete\n")
    gate.preset("cup.yaml", PRESET)
    before = cassettes(gate)
    run(gate, simulator, "rewrite").assert_outcomes(passed=1)
    after = cassettes(gate)
    assert list(after) == ["low.yaml", "lowish.yaml"]
    assert after["low.yaml"] != before["low.yaml"]

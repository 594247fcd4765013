"""Record against the simulator, replay with no keys and no network, and catch stale recordings."""

from __future__ import annotations

import pytest

from reelgate.simulator import simulator_env
from tests.cassettes.flows import TEXT, record, run
from tests.suites import SuiteWriter


def test_record_then_replay_offline(suite: SuiteWriter, simulator: str, keys: None,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    suite.preset("cup.yaml", TEXT)
    missing = run(suite, "-k", "sweep")
    missing.assert_outcomes(failed=3)
    missing.stdout.fnmatch_lines(["*no recording: cassettes/cup/low.yaml does not exist*",
                                  "*record it with: pytest presets/cup.yaml --preset-record=once*"])
    record(suite, simulator, "--preset-record=once").assert_outcomes(passed=4)
    cassette = (suite.root / "cassettes" / "cup" / "mid.yaml").read_text()
    assert "kling-v2-6" in cassette and "served_by: kling" in cassette
    for value in simulator_env().values():
        assert value not in cassette
    for name in simulator_env():
        monkeypatch.delenv(name)
    replay = run(suite)
    replay.assert_outcomes(passed=4)
    replay.stdout.fnmatch_lines(["reelgate: 3 renders replayed from cassettes, 0 failed*nothing spent"])


def test_changed_preset_is_a_stale_recording(suite: SuiteWriter, simulator: str, keys: None) -> None:
    path = suite.preset("cup.yaml", TEXT)
    record(suite, simulator, "--preset-record=once", "-k", "mid").assert_outcomes(passed=2)
    path.write_text(path.read_text().replace("a ceramic cup", "a glass mug"))
    stale = run(suite, "-k", "sweep and mid")
    stale.assert_outcomes(failed=2)
    stale.stdout.fnmatch_lines(["*stale recording: the request changed since it was recorded*prompt:*a ceramic cup*a glass mug*",
                                "*--preset-record=new_episodes*"])
    record(suite, simulator, "--preset-record=new_episodes", "-k", "mid").assert_outcomes(passed=2)
    run(suite, "-k", "mid").assert_outcomes(passed=2)


def test_replay_under_xdist(suite: SuiteWriter, simulator: str, keys: None) -> None:
    for name in ("a", "b", "c"):
        suite.preset(f"{name}.yaml", TEXT)
    record(suite, simulator, "--preset-record=once", "-n", "2").assert_outcomes(passed=12)
    result = run(suite, "-n", "2", subprocess=True)
    result.assert_outcomes(passed=12)

"""Record against the simulator, replay with no keys and no network, and catch stale recordings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reelgate.simulator import SimulatorConfig, running_simulator, simulator_env
from tests.suites import LENIENT, VALID, SuiteWriter


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    with running_simulator(SimulatorConfig(job_seconds=0.05, short_side=96, fps=12), in_subprocess=True) as url:
        yield url


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in simulator_env().items():
        monkeypatch.setenv(name, value)


def run(suite: SuiteWriter, *args: str, subprocess: bool = False, full: bool = False) -> pytest.RunResult:
    """pytest presets without the regression items (approval is tested in tests/gate), unless
    ``full``: a run of every item, as unused-recording detection needs."""
    args_list = list(args)
    if full:
        pass
    elif "-k" in args_list:
        at = args_list.index("-k") + 1
        args_list[at] = f"({args_list[at]}) and not regression"
    else:
        args_list += ["-k", "not regression"]
    runner = suite.pytester.runpytest_subprocess if subprocess else suite.pytester.runpytest
    (suite.root / "presets" / "scenarios.yaml").write_text(LENIENT)
    return runner("presets", "-p", "no:warnings", *args_list)


def record(suite: SuiteWriter, simulator: str, *args: str) -> pytest.RunResult:
    return run(suite, "--preset-provider", "kling", "--preset-provider-url", simulator, *args)


def test_record_then_replay_offline(suite: SuiteWriter, simulator: str, keys: None,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    suite.preset("cup.yaml", VALID.replace("1080p", "720p") + "provider: {name: kling, mode: std}\n")
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
    path = suite.preset("cup.yaml", VALID.replace("1080p", "720p") + "provider: {name: kling, mode: std}\n")
    record(suite, simulator, "--preset-record=once", "-k", "mid").assert_outcomes(passed=2)
    path.write_text(path.read_text().replace("a ceramic cup", "a glass mug"))
    stale = run(suite, "-k", "sweep and mid")
    stale.assert_outcomes(failed=2)
    stale.stdout.fnmatch_lines(["*stale recording: the request changed since it was recorded*prompt:*a ceramic cup*a glass mug*",
                                "*--preset-record=rewrite*"])
    record(suite, simulator, "--preset-record=rewrite", "-k", "mid").assert_outcomes(passed=2)
    run(suite, "-k", "mid").assert_outcomes(passed=2)


def test_unused_recordings_are_reported_and_pruned(suite: SuiteWriter, simulator: str, keys: None) -> None:
    text = VALID.replace("1080p", "720p") + "provider: {name: kling, mode: std}\n"
    suite.preset("cup.yaml", text)
    suite.preset("mug.yaml", text)
    record(suite, simulator, "--preset-record=once").assert_outcomes(passed=8)
    (suite.root / "presets" / "mug.yaml").unlink()
    result = run(suite, full=True)
    result.stdout.fnmatch_lines(["*3 cassettes, * media files and 0 approved records no preset needs: cassettes/mug/low.yaml*--preset-prune"])
    assert (suite.root / "cassettes" / "mug").is_dir()
    run(suite, "-k", "cup")
    assert (suite.root / "cassettes" / "mug").is_dir()  # a partial run never prunes
    run(suite, "--preset-prune", full=True)
    assert not (suite.root / "cassettes" / "mug").exists()
    assert (suite.root / "cassettes" / "cup" / "low.yaml").is_file()


def test_replay_under_xdist(suite: SuiteWriter, simulator: str, keys: None) -> None:
    text = VALID.replace("1080p", "720p") + "provider: {name: kling, mode: std}\n"
    for name in ("a", "b", "c"):
        suite.preset(f"{name}.yaml", text)
    record(suite, simulator, "--preset-record=once", "-n", "2").assert_outcomes(passed=12)
    result = run(suite, "-n", "2", subprocess=True)
    result.assert_outcomes(passed=12)

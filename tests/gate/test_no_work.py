"""The plugin does nothing until there is work: no files, requests or lines under --co or without presets."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelgate.simulator import reset_simulator, simulator_env, simulator_state
from tests.gate.conftest import PRESET
from tests.suites import LENIENT, SuiteWriter


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and modification time (what a write changes)."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


def reelgate_lines(result: pytest.RunResult) -> list[str]:
    return [line for line in result.outlines + result.errlines
            if "reelgate" in line.lower() and not line.startswith("plugins:")]


def test_collect_only_records_nothing_and_sends_nothing(suite: SuiteWriter, simulator: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in simulator_env().items():
        monkeypatch.setenv(name, value)
    (suite.root / "presets" / "scenarios.yaml").write_text(LENIENT)
    suite.preset("cup.yaml", PRESET)  # no cassette: --preset-record=once would render all three points
    suite.preset("mug.yaml", PRESET.replace("ceramic cup", "stoneware mug"))
    (suite.root / "cassettes" / "mug").mkdir(parents=True)
    (suite.root / "cassettes" / "mug" / "low.yaml").write_text("not even a cassette\n")
    reset_simulator(simulator)
    before = tree(suite.root)
    result = suite.pytester.runpytest("presets", "--co", "-q", "-p", "no:cacheprovider",
                                      "--preset-record=once", "--preset-provider", "kling",
                                      "--preset-provider-url", simulator)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["presets/cup.yaml::sweep[[]mid[]]", "10 tests collected*"])
    state = simulator_state(simulator)
    assert state["tasks_created"] == 0 and not any(state["calls"].values())
    assert tree(suite.root) == before  # no ledger, no .reelgate/, no cassette written or touched
    assert reelgate_lines(result) == []


def test_collect_only_of_the_example_suite_opens_no_ledger(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml")
    result = suite.pytester.runpytest("presets", "--co", "-q", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.OK
    assert not (suite.root / ".reelgate").exists()
    assert reelgate_lines(result) == []


def test_a_project_without_presets_sees_nothing_of_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_one():\n    assert True\n")
    (pytester.path / "cassettes" / "old").mkdir(parents=True)
    (pytester.path / "cassettes" / "old" / "low.yaml").write_text("recorded: once\n")
    before = tree(pytester.path)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert reelgate_lines(result) == []  # no "full run" check of unused recordings, no summary
    assert tree(pytester.path) == before
    assert not (pytester.path / ".reelgate").exists()


# What a run without presets must not import: the stages and their heavy libraries (the plugin's
# hooks run for every test, so an import there is paid by every project that installs reelgate).
STAGES_AND_LIBRARIES = ("reelgate.collect.items", "reelgate.preset.check", "reelgate.run.session",
                        "pydantic", "jsonschema", "av", "cv2", "vcr", "httpx")


def test_a_project_without_presets_imports_no_stage(pytester: pytest.Pytester) -> None:
    """In a fresh process (pytester's in-process runs share the test session's modules)."""
    pytester.makepyfile(test_plain="def test_one():\n    assert True\n")
    pytester.makeconftest(
        "import sys\n"
        "def pytest_unconfigure(config):\n"
        f"    loaded = [m for m in {STAGES_AND_LIBRARIES!r} if m in sys.modules]\n"
        "    open('loaded.txt', 'w').write(' '.join(loaded))\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert (pytester.path / "loaded.txt").read_text() == ""


def test_reelgate_hooks_run_only_where_there_are_presets_or_options(pytester: pytest.Pytester) -> None:
    """Without a preset directory and without a --preset-* option the plugin registers no hook
    that pytest would call per test; a presets/ directory, or an option, turns them on."""
    pytester.makepyfile(test_plain="def test_one():\n    assert True\n")
    pytester.makeconftest(
        "def pytest_unconfigure(config):\n"
        "    open('hooks.txt', 'w').write(str(config.pluginmanager.has_plugin('reelgate-hooks')))\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert (pytester.path / "hooks.txt").read_text() == "False"
    pytester.runpytest("-p", "no:cacheprovider", "--preset-strict").assert_outcomes(passed=1)
    assert (pytester.path / "hooks.txt").read_text() == "True"
    (pytester.path / "presets").mkdir()
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert (pytester.path / "hooks.txt").read_text() == "True"

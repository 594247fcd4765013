"""pytest runs of a small preset suite that records against the simulator and replays."""

from __future__ import annotations

import pytest

from tests.suites import LENIENT, VALID, SuiteWriter

# A preset the simulator renders as asked (720p, the std mode).
TEXT = VALID.replace("1080p", "720p") + "provider: {name: kling, mode: std}\n"


def run(suite: SuiteWriter, *args: str, subprocess: bool = False, full: bool = False) -> pytest.RunResult:
    """pytest presets without the regression items (approval is tested in tests/gate), unless
    ``full``: a run of every item, as unused-recording detection needs."""
    args_list = list(args)
    if not full and "-k" in args_list:
        at = args_list.index("-k") + 1
        args_list[at] = f"({args_list[at]}) and not regression"
    elif not full:
        args_list += ["-k", "not regression"]
    runner = suite.pytester.runpytest_subprocess if subprocess else suite.pytester.runpytest
    (suite.root / "presets" / "scenarios.yaml").write_text(LENIENT)
    return runner("presets", "-p", "no:warnings", *args_list)


def record(suite: SuiteWriter, simulator: str, *args: str, full: bool = False) -> pytest.RunResult:
    return run(suite, "--preset-provider", "kling", "--preset-provider-url", simulator, *args, full=full)

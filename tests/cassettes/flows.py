"""pytest runs of a small preset suite that records against the simulator and replays."""

from __future__ import annotations

import pytest

from tests.suites import VALID, SuiteWriter

# Record and replay are under test here, not the rubric: every rendered clip is usable.
LENIENT = """\
scenarios:
  ad:
    motion_range: [1, 7]
    sweep: [2, 4, 6]
    provider: {name: kling, model: kling-v2-6, mode: std}
    thresholds:
      rubric: {min_continuity: 0, min_subject: 0, require_camera_match: false, max_glitches: 999}
"""
# A preset the simulator renders as asked (720p, the std mode).
TEXT = VALID.replace("1080p", "720p") + "provider: {name: kling, mode: std}\n"


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


def record(suite: SuiteWriter, simulator: str, *args: str, full: bool = False) -> pytest.RunResult:
    return run(suite, "--preset-provider", "kling", "--preset-provider-url", simulator, *args, full=full)

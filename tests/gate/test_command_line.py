"""Every bad reelgate command-line value is one usage-error line (exit 4) before anything runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.suites import SuiteWriter


@pytest.mark.parametrize(("args", "message"), [
    (["--preset-provider", "nope"],
     "ERROR: --preset-provider nope: no such provider; installed: fal, kling, luma, replicate, runway "
     "(others register in the 'reelgate.providers' entry-point group)"),
    (["--preset-max-cost", "-1"], "ERROR: --preset-max-cost -1: a budget must be a positive number of US dollars*"),
    (["--preset-max-cost", "0"], "ERROR: --preset-max-cost 0: a budget must be a positive*"),
    (["--preset-max-cost", "nan"], "ERROR: --preset-max-cost nan: a budget must be a positive*"),
    (["--preset-concurrency", "-1"], "ERROR: --preset-concurrency -1: at least 1 render must be in flight*"),
    (["--preset-concurrency", "0"], "ERROR: --preset-concurrency 0: at least 1*"),
    (["--preset-poll-interval", "-1"], "ERROR: --preset-poll-interval -1: seconds between status polls must be above 0*"),
    (["--preset-poll-interval", "0"], "ERROR: --preset-poll-interval 0: *"),
    (["--preset-poll-interval", "86400"], "ERROR: --preset-poll-interval 86400: *at most 300*"),
    (["--preset-provider-url", "http://127.0.0.1:8765"], "ERROR: --preset-provider-url http://127.0.0.1:8765: needs --preset-provider NAME*"),
    (["--preset-provider", "kling", "--preset-provider-url", "127.0.0.1:8765"], "ERROR: --preset-provider-url 127.0.0.1:8765: not an http:// or https:// URL*"),
    (["--preset-html", "/etc/passwd/r.html"], "ERROR: --preset-html /etc/passwd/r.html: /etc/passwd is not a directory; give a file path in a writable directory"),
    (["--preset-html", "/proc/r.html"], "ERROR: --preset-html /proc/r.html: cannot write in /proc (*); give a file path*"),
    (["--preset-html", "/proc/self/environ"], "ERROR: --preset-html /proc/self/environ: cannot write in /proc/self (*)*"),
    (["--preset-html", "."], "ERROR: --preset-html .: is a directory; *"),
    # Not /dev/null itself: before this check, an atomic write replaced the device (as root).
    (["--preset-html", "fifo"], "ERROR: --preset-html fifo: is not a regular file; *"),
])
def test_bad_values_are_one_usage_error_line(suite: SuiteWriter, args: list[str], message: str) -> None:
    suite.preset("cup.yaml")
    os.mkfifo(suite.root / "fifo")
    result = suite.pytester.runpytest("presets", "-k", "schema or sweep", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert len([line for line in result.stderr.lines if line.strip()]) == 1, result.stderr.str()
    assert "Traceback" not in result.stdout.str() and "INTERNALERROR" not in result.stdout.str()
    assert "collected" not in result.stdout.str()  # refused before collection


def test_the_html_check_leaves_nothing_behind(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml")
    target = suite.root / "reports" / "nested" / "run.html"
    before = sorted(suite.root.rglob("*"))
    result = suite.pytester.runpytest("presets", "-k", "schema", "--preset-html", str(target))
    assert result.ret == 0
    assert target.is_file()
    assert not [p for p in suite.root.rglob(".reelgate-probe-*")]
    assert set(before) <= set(suite.root.rglob("*"))


def test_good_values_run(suite: SuiteWriter, tmp_path: Path) -> None:
    suite.preset("cup.yaml")
    result = suite.pytester.runpytest(
        "presets", "-k", "schema", "--preset-provider", "kling", "--preset-max-cost", "0.5",
        "--preset-concurrency", "1", "--preset-poll-interval", "0.1", "--preset-html", str(tmp_path / "r.html"))
    result.assert_outcomes(passed=1)

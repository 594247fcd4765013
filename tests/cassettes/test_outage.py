"""A recording run during a provider outage keeps the good cassettes it could not replace."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelgate.simulator import reset_simulator, set_faults
from tests.cassettes.flows import TEXT, record, run
from tests.suites import SuiteWriter


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "cassettes").rglob("*") if p.is_file()}


@pytest.mark.parametrize("mode", ["all", "rewrite"])
def test_a_recording_run_during_an_outage_keeps_the_previous_cassettes(
        suite: SuiteWriter, simulator: str, keys: None, mode: str) -> None:
    """The issue's `reelgate simulate --credits 12` run: every submit of the mug and the jar is
    refused with 429/1102, the cup renders."""
    suite.preset("cup.yaml", TEXT)
    suite.preset("mug.yaml", TEXT.replace("a ceramic cup", "a tin mug"))
    record(suite, simulator, "--preset-record=once").assert_outcomes(passed=8)
    suite.preset("jar.yaml", TEXT.replace("a ceramic cup", "a tin jar"))  # new: never recorded
    before = snapshot(suite.root)
    set_faults(simulator, {"kind": "insufficient_credits", "times": None, "match": "a tin"})
    try:
        outage = record(suite, simulator, f"--preset-record={mode}")
    finally:
        reset_simulator(simulator)
    outage.assert_outcomes(passed=6, failed=6)
    outage.stdout.fnmatch_lines([
        "*insufficient_credits*",
        "*cassettes/mug/low.yaml kept unchanged: a failed render is never recorded*",
        f"reelgate (--preset-record={mode} via http://127.0.0.1:*): renders 9/9: *6 failed*; "
        "3 recordings kept unchanged because the render failed; 3 failed renders not recorded",
    ])
    after = snapshot(suite.root)
    mug = {name for name in before if name.startswith("cassettes/mug/")}
    assert len(mug) == 3 and all(after[name] == before[name] for name in mug)
    assert not (suite.root / "cassettes" / "jar").exists()
    assert set(before) <= set(after)  # no media of the good clips went missing
    assert after["cassettes/cup/low.yaml"] != before["cassettes/cup/low.yaml"]  # cup was recorded again
    (suite.root / "presets" / "jar.yaml").unlink()
    run(suite).assert_outcomes(passed=8)  # and the next replay still passes


def test_the_count_reaches_the_summary_under_xdist(suite: SuiteWriter, simulator: str, keys: None) -> None:
    suite.preset("mug.yaml", TEXT.replace("a ceramic cup", "a tin mug"))
    record(suite, simulator, "--preset-record=once").assert_outcomes(passed=4)
    set_faults(simulator, {"kind": "task_failed", "times": None})
    try:
        outage = record(suite, simulator, "--preset-record=all", "-n", "2", "--dist", "loadfile")
    finally:
        reset_simulator(simulator)
    outage.assert_outcomes(passed=1, failed=3)
    outage.stdout.fnmatch_lines(["reelgate: 3 recordings kept unchanged because the render failed"])

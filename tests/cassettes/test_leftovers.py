"""Temporary and partial files a killed run left are removed when the next run starts."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reelgate.collect.housekeeping import LEFTOVER_AGE_S
from tests.suites import SuiteWriter

STALE = [  # what reelgate.atomic, the media store and the reference fetcher name their temp files
    "cassettes/cup/.low.yaml.k2j_9x0a.tmp",
    "cassettes/media/.3f2a.mp4.abcdefgh.tmp",
    "approved/.cup.json.q1w2e3r4.tmp",
    ".reelgate/media/.0123456789abcdef0123456789abcdef.part",
    ".reelgate/cache/.0a1b2c.json.zzzzzzzz.tmp",
    ".reelgate/cache/references/.ref.a1b2c3d4.part",
]
NOT_OURS = [
    "cassettes/cup/notes.tmp",  # no leading dot: somebody's file
    "cassettes/cup/.keep",
    ".reelgate/media/.dead.part",  # not a name the store writes
    "presets/.cup.yaml.abcdefgh.tmp",  # outside the folders reelgate writes
]


def make(root: Path, names: list[str], age_s: float) -> list[Path]:
    paths = []
    when = time.time() - age_s
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a file")
        os.utime(path, (when, when))
        paths.append(path)
    return paths


@pytest.mark.parametrize("xdist", [False, True])
def test_stale_leftovers_of_our_own_are_removed_at_the_start(suite: SuiteWriter, xdist: bool) -> None:
    suite.preset("cup.yaml")
    stale = make(suite.root, STALE, LEFTOVER_AGE_S + 60)
    fresh = make(suite.root, ["cassettes/cup/.mid.yaml.aaaabbbb.tmp",
                              ".reelgate/media/.ffffffffffffffffffffffffffffffff.part"], 5)
    others = make(suite.root, NOT_OURS, LEFTOVER_AGE_S + 60)
    args = ["-n", "2"] if xdist else []
    runner = suite.pytester.runpytest_subprocess if xdist else suite.pytester.runpytest
    result = runner("presets", "-k", "schema", *args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"reelgate: removed {len(STALE)} leftover file(s) of an interrupted run: "
                                 "cassettes/cup/.low.yaml.k2j_9x0a.tmp*"])
    assert not [p for p in stale if p.exists()]
    assert all(p.exists() for p in fresh + others)  # another run may be writing the fresh ones
    again = suite.pytester.runpytest("presets", "-k", "schema")
    assert "leftover file" not in again.stdout.str()


def test_a_killed_runs_half_written_html_report_is_removed(suite: SuiteWriter) -> None:
    """Only the report's own temporary files: its folder may be the project's root."""
    suite.preset("cup.yaml")
    [stale] = make(suite.root, ["out/.run.html.abcd1234.tmp"], LEFTOVER_AGE_S + 60)
    others = make(suite.root, ["out/.other.html.abcd1234.tmp", "out/.run.html.notes.tmp",
                               "out/deep/.run.html.abcd1234.tmp"], LEFTOVER_AGE_S + 60)
    fresh = make(suite.root, ["out/.run.html.zzzz9999.tmp"], 5)
    result = suite.pytester.runpytest("presets", "-k", "schema", "--preset-html", "out/run.html")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["reelgate: removed 1 leftover file(s) of an interrupted run: out/.run.html.abcd1234.tmp*"])
    assert not stale.exists() and all(p.exists() for p in others + fresh)

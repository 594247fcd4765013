"""``reelgate report --winners --write``: scenarios.yaml keeps its comments and order and only its
range lines change; a bad file is one message naming file:line and is left as it was."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from reelgate.records import open_ledger
from tests.records.test_cli import _run
from tests.records.test_winners import PERIOD, REPO_SCENARIOS, hump_rows

# The ad scenario of the repository's file, its sweep in block style with comments of its own.
FLOW_SWEEP = "    sweep: [2, 3, 5]\n"
BLOCK_SWEEP = ("    sweep:                # low, mid, mid-high\n"
               "      - 2\n"
               "      - 4                 # what the brand team asked for\n"
               "      - 5\n")


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    path = tmp_path / "ledger.sqlite"
    with open_ledger(path) as opened:
        opened.append(hump_rows())
    return str(path)


def _commented(tmp_path: Path) -> Path:
    text = REPO_SCENARIOS.read_text()
    assert text.count(FLOW_SWEEP) == 3  # ad, product and narrative; ad is the first
    text = text.replace(FLOW_SWEEP, BLOCK_SWEEP, 1)
    text = text.replace("    motion_range: [1, 7]\n", "    motion_range: [1, 7]   # agreed in March\n", 1)
    path = tmp_path / "scenarios.yaml"
    path.write_text(text)
    return path


def _changes(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("---", "+++"))]


def test_write_changes_only_the_range_lines(ledger: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = _commented(tmp_path)
    before = path.read_text()
    assert _run(["report", "--ledger", ledger, *PERIOD, "--winners", "--write", "--scenarios", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Propose: motion_range [2, 5], sweep [2, 3, 5] (now motion_range [1, 7], sweep [2, 4, 5])." in out
    assert out.endswith(f"{path}: ad: motion_range [2, 5], sweep [2, 3, 5]\n")
    assert _changes(before, path.read_text()) == [
        "-    motion_range: [1, 7]   # agreed in March",
        "+    motion_range: [2, 5]   # agreed in March",
        "-      - 4                 # what the brand team asked for",
        "+      - 3                 # what the brand team asked for",
    ]
    # A second write finds nothing to change and leaves the file byte for byte.
    written = path.read_bytes()
    assert _run(["report", "--ledger", ledger, *PERIOD, "--winners", "--write", "--scenarios", str(path)]) == 0
    assert capsys.readouterr().out.endswith(f"{path}: ad: unchanged\n")
    assert path.read_bytes() == written


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    motion_range: [1, 7]\n", "    motion_range: [7, 1]\n",
         ":7:19: scenarios.ad.motion_range: [7.0, 1.0] is not a range within 0..10 with min <= max"),
        ("    repeats: 1\n", "    repeats: [1\n", ":15:"),
    ],
)
def test_a_bad_scenarios_file_is_one_line_and_stays_as_it_was(
    ledger: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    path = tmp_path / "scenarios.yaml"
    path.write_text(REPO_SCENARIOS.read_text().replace(old, new, 1))
    before = path.read_bytes()
    assert _run(["report", "--ledger", ledger, *PERIOD, "--winners", "--write", "--scenarios", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"reelgate report: {path}{message}"), err
    assert err.count("\n") == 1
    assert path.read_bytes() == before


def test_write_needs_the_winners_view(ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["report", "--ledger", ledger, "--write"]) == 1
    assert capsys.readouterr().err == (
        "reelgate report: --write updates scenarios.yaml from the winners view: add --winners\n")

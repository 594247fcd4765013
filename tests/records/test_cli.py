"""``reelgate report``: options, the four formats, files written, and one-line errors."""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reelgate.records import open_ledger
from reelgate.records.cli import parse_moment, register
from tests.records.rows import known_rows

PERIOD = ["--since", "2025-03-03", "--until", "2025-03-17"]


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="reelgate")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    path = tmp_path / "ledger.sqlite"
    with open_ledger(path) as opened:
        opened.append(known_rows())
    return str(path)


def test_json_report_carries_the_figures(ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["report", "--ledger", ledger, *PERIOD, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["renders"] == 8
    assert data["totals"]["usable_rate"] == 0.625
    assert data["totals"]["cost_per_usable_usd"] == 1.75
    assert data["totals"]["previous"]["usable_rate"] == 0.5
    assert [w["week"] for w in data["weekly"]] == ["2025-W10", "2025-W10", "2025-W11"]
    assert data["period"]["previous_start"] == "2025-02-17T00:00:00+00:00"
    assert data["empty_ledger"] is False and data["message"] is None


def test_table_report_lines_up_its_columns(ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["report", "--ledger", ledger, *PERIOD]) == 0
    out = capsys.readouterr().out
    assert f"Ledger: {ledger}" in out
    assert re.search(r"^all\s+8\s+62\.5%\s+\$7\.00\s+\$1\.75\s+50\.0%\s+\+12\.5 pp\s+-12%$", out, re.M)
    assert re.search(r"^2025-W10\s+dance\s+2\s+50\.0%\s+\$2\.00\s+n/a$", out, re.M)


def test_markdown_report_is_tables(ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["report", "--ledger", ledger, *PERIOD, "--format", "markdown", "--scenario", "ad"]) == 0
    out = capsys.readouterr().out
    assert "- Selection: scenario=ad" in out
    assert "| week | scenario | renders | usable rate | live spend | cost / usable |" in out
    assert "|:---|:---|---:|---:|---:|---:|" in out
    assert "| 2025-W11 | ad | 2 | 100.0% | $2.00 | $1.00 |" in out
    assert "dance" not in out


def test_html_report_is_one_self_contained_file(ledger: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "report.html"
    assert _run(["report", "--ledger", ledger, *PERIOD, "--format", "html", "--output", str(target)]) == 0
    assert capsys.readouterr().out == f"wrote {target}\n"
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 4  # two weekly charts, providers, usable rate against motion_score
    assert "Usable rate against motion_score" in page
    assert "<?xml" not in page
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched
    assert "Usable rate by ISO week" in page and "<td>2025-W10</td>" in page
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]  # no temporary file left


def test_html_report_escapes_what_the_ledger_holds(tmp_path: Path) -> None:
    """Scenario and preset names are user input: in the page (tables and chart legends) they are
    text, never markup."""
    path = tmp_path / "ledger.sqlite"
    hostile = "<script>alert(1)</script>"
    with open_ledger(path) as opened:
        opened.append([row.model_copy(update={"scenario": hostile}) if row.scenario == "ad" else row
                       for row in known_rows()])
    target = tmp_path / "report.html"
    assert _run(["report", "--ledger", str(path), *PERIOD, "--format", "html", "-o", str(target)]) == 0
    page = target.read_text()
    assert "<script" not in page
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page


def test_html_report_is_reproducible(ledger: str, tmp_path: Path) -> None:
    pages = []
    for name in ("a.html", "b.html"):
        _run(["report", "--ledger", ledger, *PERIOD, "--format", "html", "-o", str(tmp_path / name)])
        pages.append((tmp_path / name).read_text())
    assert pages[0] == pages[1]


@pytest.mark.parametrize("output_format", ["table", "markdown", "json", "html"])
def test_an_empty_ledger_says_so_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    path = tmp_path / "ledger.sqlite"
    open_ledger(path).close()
    assert _run(["report", "--ledger", str(path), "--format", output_format]) == 0
    assert f"The ledger at {path} is empty: no renders have been recorded yet." in capsys.readouterr().out


def test_a_selection_matching_nothing_says_so(ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["report", "--ledger", ledger, *PERIOD, "--preset", "nope"]) == 0
    assert "No renders in the ledger match this period and selection." in capsys.readouterr().out


def test_the_ledger_comes_from_the_environment(
    ledger: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REELGATE_LEDGER", ledger)
    assert _run(["report", *PERIOD, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ledger"] == ledger


def test_retire_options_reach_the_report(ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "--ledger", ledger, "--since", "all", "--until", "2025-04-01", "--format", "json",
            "--floor", "0.9", "--scenario-floor", "dance=0.2", "--last-runs", "1"]
    assert _run(argv) == 0
    retire = json.loads(capsys.readouterr().out)["retire"]
    assert (retire["floor"], retire["floors"], retire["last_runs"]) == (0.9, {"dance": 0.2}, 1)
    # The last run of d1 (r6) has no usable clip; a1's last run (r11) is a pass.
    assert [(p["preset"], p["floor"], p["usable_rate"]) for p in retire["presets"]] == [("d1", 0.2, 0.0)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--since", "yesterday"], "'yesterday' is not a date (2025-01-31), an ISO time, Nd or Nw"),
        (["--since", "2025-03-17", "--until", "2025-03-03"], "--since (2025-03-17 00:00) must be before --until"),
        (["--since", "2w", "--until", "2w"], "'2w' is relative; give --until as a date or time"),
    ],
)
def test_bad_periods_are_one_line_errors(
    ledger: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert _run(["report", "--ledger", ledger, *argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith("reelgate report: ") and message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("argv", [["--floor", "1.5"], ["--scenario-floor", "dance"], ["--last-runs", "0"],
                                  ["--format", "pdf"]])
def test_bad_options_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        _run(["report", *argv])
    assert exited.value.code == 2


def test_moments_parse_as_utc() -> None:
    until = parse_moment("2025-03-17T12:00:00+02:00")
    assert until.isoformat() == "2025-03-17T10:00:00+00:00"
    assert parse_moment("2025-03-17").isoformat() == "2025-03-17T00:00:00+00:00"
    assert parse_moment("3d", until=until).isoformat() == "2025-03-14T10:00:00+00:00"
    assert parse_moment("2w", until=until).isoformat() == "2025-03-03T10:00:00+00:00"


@pytest.mark.parametrize(
    ("ledger_arg", "message"),
    [
        ("postgresql://admin:hunter2-secret@127.0.0.1:1/ledger", "cannot connect to the ledger postgresql://admin:***@127.0.0.1:1/ledger"),
        ("missing/ledger.sqlite", "no ledger at "),
    ],
)
def test_ledger_errors_are_one_line_without_traceback_or_password(
    tmp_path: Path, ledger_arg: str, message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reelgate.records", "report", "--ledger", ledger_arg],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("reelgate report: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr
    assert not (tmp_path / "missing").exists()


def test_sections_limit_what_is_computed_and_shown(ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["report", "--ledger", ledger, *PERIOD, "--format", "json", "--section", "weekly"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sections"] == ["weekly"]
    assert len(data["weekly"]) == 3
    assert data["totals"] is None and data["by_preset"] is None and data["retire"] is None
    assert _run(["report", "--ledger", ledger, *PERIOD, "--section", "retire", "--section", "providers"]) == 0
    out = capsys.readouterr().out
    assert "By provider" in out and "Retire suggestions" in out
    assert "Overall" not in out and "ISO week" not in out


def test_output_to_a_pipe_writes_into_it_instead_of_replacing_it(ledger: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    assert _run(["report", "--ledger", ledger, *PERIOD, "--format", "json", "--output", str(fifo)]) == 0
    reader.join(timeout=30)
    assert json.loads(received[0])["totals"]["renders"] == 8
    assert stat.S_ISFIFO(fifo.stat().st_mode)

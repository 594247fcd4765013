"""xdist done properly: a preset's items run on one worker, results travel in workeroutput."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reelgate.records import open_ledger
from reelgate.simulator import reset_simulator, simulator_state
from tests.gate.conftest import PRESET, prepare
from tests.suites import LENIENT, SuiteWriter

REPO = Path(__file__).resolve().parents[2]
PRESETS = ("cup", "mug", "bowl", "jug")  # four presets for four workers
WORKER_LINE = re.compile(r"^\[(gw\d+)\] .*?(PASSED|FAILED) (presets/\w+\.yaml)::")


@pytest.fixture
def gate(suite: SuiteWriter, simulator: str, monkeypatch: pytest.MonkeyPatch) -> SuiteWriter:
    suite = prepare(suite, simulator, monkeypatch, LENIENT, PRESET)
    for name in PRESETS[1:]:
        suite.preset(f"{name}.yaml", PRESET.replace("ceramic cup", f"stoneware {name}"))
    return suite


def live_run(suite: SuiteWriter, simulator: str, *more: str) -> tuple[pytest.RunResult, list[tuple], int]:
    """Record every preset against a fresh simulator; (result, ledger rows, tasks created)."""
    reset_simulator(simulator)
    shutil.rmtree(suite.root / ".reelgate", ignore_errors=True)
    shutil.rmtree(suite.root / "approved", ignore_errors=True)
    result = suite.pytester.runpytest_subprocess(
        "presets", "-p", "no:warnings", "-p", "no:cacheprovider", "--preset-record=all",
        "--preset-provider", "kling", "--preset-provider-url", simulator, "--preset-approve", *more)
    with open_ledger(suite.root / ".reelgate" / "ledger.sqlite", create=False) as ledger:
        rows = sorted((r.preset_id, r.sweep_point, r.repeat, r.verdict, r.replayed, r.charge,
                       r.cost_usd) for r in ledger.rows())
    return result, rows, simulator_state(simulator)["tasks_created"]


def test_four_workers_and_none_give_the_same_verdicts_and_rows_each_render_once(
        gate: SuiteWriter, simulator: str) -> None:
    serial, serial_rows, serial_tasks = live_run(gate, simulator, "-n", "0")
    serial.assert_outcomes(passed=20)
    parallel, parallel_rows, parallel_tasks = live_run(gate, simulator, "-n", "4", "-v")  # no --dist
    parallel.assert_outcomes(passed=20)
    assert serial_tasks == parallel_tasks == 12  # four presets of three points: each rendered once
    assert parallel_rows == serial_rows and len(serial_rows) == 12
    table = [line for line in serial.outlines if line.startswith(PRESETS)]
    assert len(table) == 4 and table == [line for line in parallel.outlines if line.startswith(PRESETS)]
    workers: dict[str, set[str]] = {}
    for line in parallel.outlines:
        if found := WORKER_LINE.match(line):
            workers.setdefault(found[3], set()).add(found[1])
    assert len(workers) == 4 and all(len(ran_on) == 1 for ran_on in workers.values()), workers


def test_preset_items_are_xdist_groups_and_other_tests_still_spread(suite: SuiteWriter) -> None:
    suite.preset("cup.yaml")
    suite.pytester.makepyfile(test_plain="""
        import os, pytest

        @pytest.mark.parametrize("n", range(6))
        def test_spread(n):
            print(os.environ["PYTEST_XDIST_WORKER"])
        """)
    suite.pytester.makeconftest("""
        def pytest_collection_finish(session):
            for item in session.items:
                marks = [m.kwargs.get("name") for m in item.iter_markers("xdist_group")]
                if marks:
                    print("GROUP", item.nodeid, marks)
        """)
    listed = suite.pytester.runpytest("presets", "--co", "-q", "-s")
    listed.stdout.fnmatch_lines(["GROUP presets/cup.yaml::schema ['presets/cup.yaml']",
                                 "GROUP presets/cup.yaml::regression ['presets/cup.yaml']"])
    assert "GROUP test_plain" not in listed.stdout.str()
    result = suite.pytester.runpytest_subprocess("presets", "test_plain.py", "-n", "2", "-v",
                                                 "-k", "schema or spread", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)  # xdist's summary does not count the deselected
    result.stdout.fnmatch_lines(["*scheduling tests via PresetGroupScheduling*"])
    spread = {line.split("]")[0] for line in result.outlines if "test_spread" in line and "PASSED" in line}
    assert spread == {"[gw0", "[gw1"}  # tests of no group load-balance over both workers


@pytest.mark.parametrize("workers", ["0", "2"])
def test_junit_xml_carries_no_reelgate_json(pytester: pytest.Pytester, workers: str) -> None:
    for name in ("presets", "cassettes", "approved"):
        shutil.copytree(REPO / name, pytester.path / name)
    result = pytester.runpytest_subprocess("presets", "-p", "no:warnings", "-k", "coffee or watch",
                                           "-n", workers, "--junitxml=junit.xml", "--preset-html", "run.html")
    result.assert_outcomes(passed=9, xfailed=1)
    properties = [(p.get("name"), p.get("value") or "") for p in ET.parse(pytester.path / "junit.xml").iter("property")]
    assert ("verdict", "pass") in properties
    assert not [n for n, v in properties if n.endswith("_json") or v.lstrip().startswith(("{", "["))]
    page = (pytester.path / "run.html").read_text()  # the details reached the report by workeroutput
    assert "watch-macro" in page and "data:image/jpeg;base64," in page  # the contact sheets


def test_a_worker_renders_only_the_sweep_points_the_user_selected(gate: SuiteWriter, simulator: str) -> None:
    """A worker given whole preset files renders a preset's points together, but never one that
    -k deselected: a live run pays only for what was asked."""
    result, rows, tasks = live_run(gate, simulator, "-n", "2", "-k", "cup and low")
    result.assert_outcomes(passed=1)  # xdist workers deselect: the controller counts none
    assert tasks == 1
    assert [(preset, point) for preset, point, *_ in rows] == [("cup", "low")]

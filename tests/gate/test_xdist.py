"""xdist done properly: a preset's items run on one worker, results travel in workeroutput."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reelgate.records import open_ledger
from reelgate.simulator import reset_simulator, simulator_state
from tests.gate.conftest import PRESET, prepare
from tests.suites import LENIENT, SuiteWriter

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def gate(suite: SuiteWriter, simulator: str, monkeypatch: pytest.MonkeyPatch) -> SuiteWriter:
    suite = prepare(suite, simulator, monkeypatch, LENIENT, PRESET)
    for name in ("mug", "bowl"):
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


def test_two_workers_and_none_give_the_same_verdicts_and_rows_each_render_once(
        gate: SuiteWriter, simulator: str) -> None:
    serial, serial_rows, serial_tasks = live_run(gate, simulator, "-n", "0")
    serial.assert_outcomes(passed=15)
    parallel, parallel_rows, parallel_tasks = live_run(gate, simulator, "-n", "2")  # the default --dist load
    parallel.assert_outcomes(passed=15)
    assert serial_tasks == parallel_tasks == 9  # three presets of three points: each rendered once
    assert parallel_rows == serial_rows and len(serial_rows) == 9
    table = [line for line in serial.outlines if line.startswith(("cup", "mug", "bowl"))]
    assert table and table == [line for line in parallel.outlines if line.startswith(("cup", "mug", "bowl"))]


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
    assert "watch-macro" in page and "data:image/png;base64," in page

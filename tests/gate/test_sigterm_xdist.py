"""CI cancels a job with SIGTERM to its process group: under xdist the controller and every
worker get it mid-render. The run must end promptly, leave no half-written file, keep every
render in flight in the ledger as interrupted, and let the next run reconcile them and pass."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reelgate.atomic import TEMPORARY_NAME
from reelgate.media import PARTIAL_NAME
from reelgate.records import LedgerError, open_ledger
from reelgate.simulator import set_faults, simulator_state
from tests.gate.conftest import PRESET, prepare
from tests.gate.test_money_flow import PRICE, args, rows
from tests.suites import LENIENT, SuiteWriter

# How long the interrupted run may take to exit before the test calls it a hang (s): its
# workers cancel their renders and write the ledger, well under this on a loaded 2-core box.
EXIT_WAIT_S = 60.0
# How long the renders have to reach the provider and the ledger before the signal (s).
START_WAIT_S = 60.0
RENDERS = 6  # two preset files, one per worker, three sweep points each


def _accepted(root: Path) -> int:
    """Ledger rows whose task the provider accepted (what a kill must not lose)."""
    try:
        return sum(row.task_id is not None for row in rows_of(root))
    except LedgerError:
        return 0  # not created yet


def rows_of(root: Path) -> list:
    with open_ledger(root / ".reelgate" / "ledger.sqlite", create=False) as ledger:
        return ledger.rows()


def _half_written(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if TEMPORARY_NAME.fullmatch(p.name)
            or PARTIAL_NAME.fullmatch(p.name)]


def test_sigterm_to_the_xdist_process_group_mid_render(
        suite: SuiteWriter, simulator: str, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = prepare(suite, simulator, monkeypatch, LENIENT, PRESET)
    gate.preset("mug.yaml", PRESET.replace("ceramic cup", "glass mug"))
    set_faults(simulator, {"kind": "latency", "on": "poll", "seconds": 30, "times": None})
    child = subprocess.Popen([sys.executable, "-m", "pytest", *args(simulator, "-n", "2")],
                             cwd=gate.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)  # its own group, as a CI job's
    try:
        deadline = time.monotonic() + START_WAIT_S
        while _accepted(gate.root) < RENDERS and child.poll() is None:
            assert time.monotonic() < deadline, "the renders never reached the ledger"
            time.sleep(0.05)
        os.killpg(child.pid, signal.SIGTERM)
        try:
            output, _ = child.communicate(timeout=EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the run did not exit within {EXIT_WAIT_S:g} s of SIGTERM")
    finally:
        if child.poll() is None:  # a hang: take the whole group down before failing
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    text = output.decode(errors="replace")
    assert child.returncode != 0, text
    assert "Traceback" not in text, text
    assert _half_written(gate.root) == []
    assert not list((gate.root / "cassettes").rglob("*.yaml")), "an unfinished render was recorded"
    interrupted = rows_of(gate.root)
    assert sorted(r.charge for r in interrupted) == ["interrupted"] * RENDERS
    assert {r.task_id for r in interrupted} == {t["task_id"] for t in
                                                simulator_state(simulator)["tasks"]}
    set_faults(simulator)
    again = gate.pytester.runpytest_subprocess(*args(simulator, "-n", "2"))
    again.assert_outcomes(passed=RENDERS)
    # gw0 reconciles for the whole run; its line reaches the controller's summary
    again.stdout.fnmatch_lines([f"*reconciled {RENDERS} render(s) of earlier runs*; 0 still*"])
    earlier = [r for r in rows(gate) if r.run_id == interrupted[0].run_id]
    assert [(r.charge, r.cost_usd) for r in earlier] == [("known", pytest.approx(PRICE))] * RENDERS

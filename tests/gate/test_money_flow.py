"""Money through the whole plugin and the simulator: replays are free, every charge is in the
ledger (a refused cassette, a lost submit answer, a run stopped mid-render), and a later run
reconciles what an interrupted run could not know."""

from __future__ import annotations

import signal
import sys
import time

import pytest

from reelgate.records import open_ledger
from reelgate.simulator import (
    set_faults,
    simulator_state,
)
from tests.gate.conftest import PRESET, prepare
from tests.suites import LENIENT, SuiteWriter

PRICE = 0.21  # kling-v2-6 std 5 s


@pytest.fixture
def gate(suite: SuiteWriter, simulator: str, monkeypatch: pytest.MonkeyPatch) -> SuiteWriter:
    return prepare(suite, simulator, monkeypatch, LENIENT, PRESET)


def as_live(simulator: str) -> str:
    """The simulator as a paid provider: 0.0.0.0 reaches it but is not a loopback name, so the
    run counts its renders as live spend (on 127.0.0.1 they are simulated and free)."""
    return simulator.replace("127.0.0.1", "0.0.0.0")


def args(simulator: str, *more: str, live: bool = True) -> list[str]:
    # A live run in CI (CI=true) refuses to start without a budget: give it one that never binds.
    budget = ["--preset-max-cost", "50"] if live and "--preset-max-cost" not in more else []
    return ["presets", "-p", "no:warnings", "-p", "no:cacheprovider", "-k", "sweep",
            "--preset-record=all", "--preset-provider", "kling", "--preset-provider-url",
            as_live(simulator) if live else simulator, *budget, *more]


def rows(suite: SuiteWriter) -> list:
    with open_ledger(suite.root / ".reelgate" / "ledger.sqlite", create=False) as ledger:
        return ledger.rows()


def test_replays_pass_under_any_budget(gate: SuiteWriter, simulator: str) -> None:
    # Issue 11 defect 4: replays held their list price; a $1 budget failed items at random.
    gate.pytester.runpytest(*args(simulator, "--preset-max-cost", "0.01", live=False)).assert_outcomes(
        passed=3)
    replay = gate.pytester.runpytest("presets", "-p", "no:warnings", "-k", "sweep",
                                     "--preset-max-cost", "0.01")
    replay.assert_outcomes(passed=3)
    replay.stdout.no_fnmatch_line("*budget_exceeded*")


def test_a_refused_cassette_keeps_its_paid_render_in_the_ledger(
        gate: SuiteWriter, simulator: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECHO_API_TOKEN", "a ceramic cup")  # the prompt "leaks" this value
    result = gate.pytester.runpytest(*args(simulator))
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(["*refusing to write*ECHO_API_TOKEN*",
                                 f"reelgate: ${3 * PRICE:.2f} spent*"])
    logged = rows(gate)
    assert len(logged) == 3 and all(r.cost_usd == pytest.approx(PRICE) for r in logged)
    assert simulator_state(simulator)["units_charged"] * 0.14 == pytest.approx(3 * PRICE)


def test_a_lost_submit_answer_is_a_charge_of_unknown_amount(gate: SuiteWriter,
                                                             simulator: str) -> None:
    set_faults(simulator, {"kind": "malformed_json", "on": "submit", "match": "ceramic"})
    result = gate.pytester.runpytest(*args(simulator, "-p", "no:randomly", "--preset-concurrency",
                                           "1"))
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([f"reelgate: ${2 * PRICE:.2f} spent, 1 render of unknown charge "
                                 f"(up to ${PRICE:.2f}; 0 with a task id*"])
    charges = sorted((r.charge, r.cost_usd) for r in rows(gate))
    assert charges == [("known", pytest.approx(PRICE))] * 2 + [("unknown", pytest.approx(PRICE))]
    assert simulator_state(simulator)["tasks_created"] == 3  # the provider made the third task


def test_sigterm_writes_renders_in_flight_and_the_next_run_reconciles_them(
        gate: SuiteWriter, simulator: str) -> None:
    set_faults(simulator, {"kind": "latency", "on": "poll", "seconds": 30, "times": None})
    child = gate.pytester.popen([sys.executable, "-m", "pytest", *args(simulator)])
    deadline = time.monotonic() + 60
    while simulator_state(simulator)["tasks_created"] < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the accepted tasks reach the ledger's writer
    child.send_signal(signal.SIGTERM)
    child.wait(timeout=60)
    interrupted = rows(gate)
    assert [r.charge for r in interrupted] == ["interrupted"] * 3
    assert {r.task_id for r in interrupted} == {t["task_id"] for t in
                                                simulator_state(simulator)["tasks"]}
    set_faults(simulator)
    again = gate.pytester.runpytest(*args(simulator))
    again.assert_outcomes(passed=3)
    again.stdout.fnmatch_lines(["*reconciled 3 render(s) of earlier runs*; 0 still*"])
    earlier = [r for r in rows(gate) if r.run_id == interrupted[0].run_id]
    assert [(r.charge, r.cost_usd) for r in earlier] == [("known", pytest.approx(PRICE))] * 3


def test_four_xdist_workers_share_one_budget(gate: SuiteWriter, simulator: str) -> None:
    for name in ("mug", "bowl", "jug"):
        gate.preset(f"{name}.yaml", PRESET.replace("ceramic cup", f"glass {name}"))
    result = gate.pytester.runpytest_subprocess(*args(simulator, "-n", "4", "--preset-max-cost", "0.9",
                                                      "--preset-concurrency", "1"))
    result.assert_outcomes(passed=4, failed=8)  # twelve renders of $0.21 on four workers, $0.90
    result.stdout.fnmatch_lines(["*budget_exceeded*would take the run past --preset-max-cost $0.90*"])
    spent = sum(r.cost_usd for r in rows(gate))
    assert spent == pytest.approx(4 * PRICE) and spent <= 0.9
    assert simulator_state(simulator)["tasks_created"] == 4


def test_each_render_is_logged_by_where_its_clip_came_from(gate: SuiteWriter, simulator: str) -> None:
    """A recording run replays what it has and renders the rest: the ledger tells them apart, and
    a simulator on this machine is never money spent (it once showed as $14.49 of live spend)."""
    once = ["presets", "-p", "no:warnings", "-p", "no:cacheprovider", "-k", "sweep",
            "--preset-record=once", "--preset-provider", "kling", "--preset-provider-url", simulator]
    gate.pytester.runpytest(*once).assert_outcomes(passed=3)
    gate.preset("mug.yaml", PRESET.replace("ceramic cup", "glass mug"))
    result = gate.pytester.runpytest(*once)
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines([f"reelgate: nothing spent; 3 renders by a simulator on this machine "
                                 f"(${3 * PRICE:.2f} at the provider's prices, not paid)"])
    second = [r for r in rows(gate) if r.run_id != rows(gate)[0].run_id]
    assert sorted((r.preset_id, r.source) for r in second) == (
        [("cup", "replayed")] * 3 + [("mug", "simulated")] * 3)
    assert sum(r.spend_usd for r in rows(gate)) == 0.0
    assert "replayed+simulated" not in result.stdout.str()  # each preset's clips came from one place

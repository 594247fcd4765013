"""Money accounted once and right: the budget counts live spend only, is one budget for every
process of a run, and a render whose charge is unknown is booked at its list price."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reelgate.providers.errors import Outcome
from reelgate.providers.timing import FAST_RETRY, FastForwardClock
from reelgate.render.budget import Budget, BudgetExceeded, SharedBudget
from reelgate.render.service import RenderOptions, RenderService
from reelgate.simulator import SimulatorConfig, running_simulator, set_faults, simulator_env
from reelgate.simulator import simulator_state as state
from tests.providers.factories import SECRETS, make_request, recorded_answers

PRICE = 0.21  # kling-v2-6 std 5 s: 1.5 units at $0.14


@pytest.fixture(scope="module")
def sim_url() -> Iterator[str]:
    with running_simulator(SimulatorConfig(job_seconds=0.2, fps=12, short_side=72)) as url:
        yield url


def sim_options(tmp_path: Path, url: str, **overrides: object) -> RenderOptions:
    settings: dict = {"media_root": tmp_path, "base_urls": {"kling": url},
                      "poll_interval": 0.02, "retry": FAST_RETRY, "env": simulator_env()}
    return RenderOptions(**{**settings, **overrides})


def run_all(options: RenderOptions, count: int, prefix: str = "r") -> list:
    requests = [make_request(sweep_point=f"{prefix}{i}") for i in range(count)]
    with RenderService(options) as service:
        service.start(requests)
        return [service.result(r.key, timeout=30) for r in requests]


def test_replays_are_not_held_against_the_budget(tmp_path: Path) -> None:
    # Issue 11 defect 4: replays held their list price, so a $1 budget refused the fifth replay.
    options = RenderOptions(media_root=tmp_path, transport=httpx.MockTransport(recorded_answers),
                            replay=True, max_cost=0.5, concurrency=8)
    results = run_all(options, 8)
    assert [r.outcome for r in results] == [Outcome.SUCCEEDED] * 8


def test_the_local_simulator_is_free(tmp_path: Path, sim_url: str) -> None:
    results = run_all(sim_options(tmp_path, sim_url, max_cost=0.3, concurrency=1), 3, "free")
    assert [r.outcome for r in results] == [Outcome.SUCCEEDED] * 3


def test_one_budget_for_two_processes(tmp_path: Path) -> None:
    first, second = SharedBudget(0.5, tmp_path), SharedBudget(0.5, tmp_path)
    held = first.reserve("a/low", PRICE)
    second.reserve("b/low", PRICE)
    with pytest.raises(BudgetExceeded, match=r"in flight \$0.42"):
        first.reserve("a/mid", PRICE)
    first.settle(held, 0.0)  # the provider failed the task: nothing spent, the hold is freed
    third = first.reserve("a/mid", PRICE)
    assert third.usd == PRICE and second.totals() == (0.0, 0.0, pytest.approx(2 * PRICE))
    first.close()
    second.close()


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from reelgate.render.budget import SharedBudget
    budget = SharedBudget(1.0, Path(sys.argv[1]))
    budget.sent(budget.reserve("sent/mid", 0.35))
    budget.reserve("queued/mid", 0.28)
    print("held", flush=True)
    time.sleep(60)
""")


def test_a_killed_process_does_not_hold_the_budget_forever(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    survivor = SharedBudget(1.0, tmp_path)
    assert survivor.totals() == (0.0, 0.0, pytest.approx(0.63))  # alive: its holds stand
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    # Dead: the hold whose submit was sent is spend of unknown charge, the other is released.
    assert survivor.totals() == (0.0, pytest.approx(0.35), 0.0)
    with pytest.raises(BudgetExceeded):
        survivor.reserve("next/mid", 0.7)
    survivor.close()


@pytest.mark.parametrize("fault", ["drop_connection", "malformed_json"])
def test_a_lost_submit_answer_is_booked_at_its_price(tmp_path: Path, sim_url: str,
                                                      fault: str) -> None:
    # Issue 11 defect 6: the simulator charged for these tasks and the ledger said $0.
    set_faults(sim_url, {"kind": fault, "on": "submit"})
    budget = Budget(1.0)
    options = sim_options(tmp_path, sim_url, live=True, max_cost=1.0, budget=budget)
    (result,) = run_all(options, 1, fault)
    assert result.outcome is Outcome.PROVIDER_FAILED and result.charge_unknown
    assert result.cost_usd == 0 and result.unknown_usd == pytest.approx(PRICE)
    assert budget.totals() == (0.0, pytest.approx(PRICE), 0.0)
    assert state(sim_url)["tasks_created"] >= 1
    set_faults(sim_url)


def test_a_poll_timeout_leaves_the_charge_unknown_with_the_task_id(tmp_path: Path,
                                                                   sim_url: str) -> None:
    set_faults(sim_url, {"kind": "latency", "on": "poll", "seconds": 1.0, "times": None})
    options = sim_options(tmp_path, sim_url, deadline_s=0.6)
    (result,) = run_all(options, 1, "slowpoll")
    assert result.outcome is Outcome.TIMEOUT and result.charge_unknown
    assert result.attempts[0].task_id == state(sim_url)["tasks"][-1]["task_id"]
    set_faults(sim_url)


def test_a_failed_task_is_known_to_be_free(tmp_path: Path, sim_url: str) -> None:
    set_faults(sim_url, {"kind": "task_failed"})
    (result,) = run_all(sim_options(tmp_path, sim_url), 1, "failed")
    assert result.outcome is Outcome.PROVIDER_FAILED and not result.charge_unknown
    set_faults(sim_url)


@pytest.mark.parametrize("kind", ["read-only", "not-a-directory"])
def test_an_unwritable_media_store_is_a_local_error_without_failover(tmp_path: Path,
                                                                     kind: str) -> None:
    # Issue 11 defect 14: "provider_failed: unexpected PermissionError ... provider-side".
    media = tmp_path / "checkout"
    if kind == "read-only":
        media.mkdir()
        media.chmod(0o500)
        if os.access(media, os.W_OK):
            pytest.skip("running as root: a read-only directory is still writable")
    else:
        media.write_text("a file where .reelgate/ should be")
    options = RenderOptions(media_root=media, transport=httpx.MockTransport(recorded_answers),
                            env=SECRETS, clock=FastForwardClock(), retry=FAST_RETRY)
    request = make_request(failover={"name": "replicate", "model": "kwaivgi/kling-v2.6"})
    with RenderService(options) as service:
        service.start([request])
        result = service.result(request.key, timeout=30)
    assert result.outcome is Outcome.LOCAL_ERROR, result.message
    assert "Error on " in result.message and "local_error" in result.message
    assert "provider-side" not in result.message and "not at the provider" in result.message
    assert [a.provider for a in result.attempts] == ["kling"]  # no failover
    assert result.charge_unknown  # the task had finished: the provider charged for it

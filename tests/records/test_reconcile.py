"""Reconciling earlier runs' unknown and interrupted rows from a provider's task list."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from reelgate.providers.base import TaskCharge
from reelgate.records import open_ledger
from reelgate.run.ledger import SUBMIT_WINDOW_S, reconcile
from tests.records.rows import make_row


def test_rows_take_their_tasks_charges_and_id_less_rows_the_unclaimed_task(tmp_path: Path) -> None:
    written = time.time() - 2 * SUBMIT_WINDOW_S  # long enough ago for every task to exist
    at = datetime.fromtimestamp(written, UTC)
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.append([
            make_row(recorded_at=at, repeat=0, charge="interrupted", task_id="t-1", cost_usd=0.35),
            make_row(recorded_at=at, repeat=1, charge="unknown", task_id=None, cost_usd=0.35),
            make_row(recorded_at=at, repeat=2, charge="interrupted", task_id=None, cost_usd=0.35),
            make_row(recorded_at=at, repeat=3, charge="interrupted", task_id="t-4", cost_usd=0.35),
            make_row(recorded_at=at, repeat=4, task_id="t-0", cost_usd=0.21),
        ])
        tasks = {"t-0": TaskCharge(0.21, written - 60), "t-1": TaskCharge(0.21, written + 1),
                 "t-2": TaskCharge(0.0, written + 2),  # failed: free
                 "t-4": TaskCharge(None, written + 3)}  # still running: left for later
        run = SimpleNamespace(ledger=ledger, run_id="a later run", failures=[])
        assert reconcile(run, lambda provider: tasks) == (3, 1)  # type: ignore[arg-type]
        by_repeat = {row.repeat: row for row in ledger.rows()}
    assert (by_repeat[0].charge, by_repeat[0].cost_usd) == ("known", 0.21)
    # The first id-less row claims the unclaimed task t-2; the second finds none: no task, $0.
    assert (by_repeat[1].task_id, by_repeat[1].charge, by_repeat[1].cost_usd) == ("t-2", "known", 0.0)
    assert (by_repeat[2].task_id, by_repeat[2].charge, by_repeat[2].cost_usd) == (None, "known", 0.0)
    assert (by_repeat[3].charge, by_repeat[3].cost_usd) == ("interrupted", 0.35)
    assert run.failures == []


def test_a_provider_without_a_task_list_leaves_rows_as_they_are(tmp_path: Path) -> None:
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.append(make_row(charge="interrupted", task_id="t-1", cost_usd=0.35))
        run = SimpleNamespace(ledger=ledger, run_id="later", failures=[])
        assert reconcile(run, lambda provider: None) == (0, 1)  # type: ignore[arg-type]
        assert ledger.rows()[0].charge == "interrupted"


def test_a_final_row_replaces_the_in_flight_one_on_both_backends(ledger_url: str) -> None:
    with open_ledger(ledger_url) as ledger:
        ledger.append(make_row(charge="interrupted", task_id=None, cost_usd=0.35), replace=True)
        ledger.append([make_row(charge="interrupted", task_id="t-9", cost_usd=0.35),
                       make_row(verdict="pass", task_id="t-9", cost_usd=0.21)], replace=True)
        assert ledger.append(make_row(verdict="fail")) == 0  # a plain append still skips it
        (row,) = ledger.rows()
        assert (row.verdict, row.charge, row.task_id, row.cost_usd) == ("pass", "known", "t-9", 0.21)
        assert ledger.unsettled() == [] and ledger.task_ids() == {"t-9"}

"""Reconciling earlier runs' unknown and interrupted rows from a provider's task list."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from reelgate.providers.base import TaskCharge, client_ref
from reelgate.records import open_ledger
from reelgate.run.ledger import SUBMIT_WINDOW_S, reconcile
from tests.records.rows import make_row


def test_rows_take_only_tasks_they_name_and_never_a_foreign_task_of_the_same_moment(
        tmp_path: Path) -> None:
    """Another client on the same key (a teammate, the production service) submits at the same
    moments as our killed run: its tasks are never claimed; ours are found by id or client ref."""
    written = time.time() - 2 * SUBMIT_WINDOW_S  # long enough ago for every task to exist
    at = datetime.fromtimestamp(written, UTC)
    ours, lost = client_ref("run-1", "sneaker-spin/mid-1", "kling"), client_ref("run-1", "x", "kling")
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.append([
            make_row(recorded_at=at, repeat=0, charge="interrupted", task_id="t-1", cost_usd=0.35),
            make_row(recorded_at=at, repeat=1, charge="interrupted", client_ref=ours, cost_usd=0.35),
            make_row(recorded_at=at, repeat=2, charge="interrupted", client_ref=lost, cost_usd=0.35),
            make_row(recorded_at=at, repeat=3, charge="unknown", cost_usd=0.35),  # an older run's
            make_row(recorded_at=at, repeat=4, charge="interrupted", task_id="t-4", cost_usd=0.35),
        ])
        tasks = {"t-0": TaskCharge(0.21, written - 60),  # before the rows: the list reaches back
                 "t-1": TaskCharge(0.21, written + 1),
                 "foreign": TaskCharge(0.70, written + 1),  # same moment, no ref of ours
                 "foreign-ref": TaskCharge(0.70, written + 1, "their-own-id"),
                 "t-3": TaskCharge(0.14, written + 2, ours),
                 "t-4": TaskCharge(None, written + 3)}  # still running: left for later
        run = SimpleNamespace(ledger=ledger, store=lambda: ledger, run_id="a later run", failures=[])
        assert reconcile(run, lambda provider: tasks) == (3, 2)  # type: ignore[arg-type]
        by_repeat = {row.repeat: row for row in ledger.rows()}
    assert (by_repeat[0].charge, by_repeat[0].cost_usd) == ("known", 0.21)
    assert (by_repeat[1].task_id, by_repeat[1].charge, by_repeat[1].cost_usd) == ("t-3", "known", 0.14)
    # Its ref is in no task of a list that goes back past it: the submit created none, $0.
    assert (by_repeat[2].task_id, by_repeat[2].charge, by_repeat[2].cost_usd) == (None, "known", 0.0)
    # Nothing names its task: it stays as it was rather than take the foreign one.
    assert (by_repeat[3].task_id, by_repeat[3].charge, by_repeat[3].cost_usd) == (None, "unknown", 0.35)
    assert (by_repeat[4].charge, by_repeat[4].cost_usd) == ("interrupted", 0.35)
    assert run.failures == []


def test_a_ref_missing_from_a_list_that_does_not_reach_back_proves_nothing(tmp_path: Path) -> None:
    written = time.time() - 2 * SUBMIT_WINDOW_S
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.append(make_row(recorded_at=datetime.fromtimestamp(written, UTC), charge="interrupted",
                               client_ref=client_ref("run-1", "k", "kling"), cost_usd=0.35))
        tasks = {"newer": TaskCharge(0.21, written + 3600)}  # the list's pages end after the row
        run = SimpleNamespace(ledger=ledger, store=lambda: ledger, run_id="later", failures=[])
        assert reconcile(run, lambda provider: tasks) == (0, 1)  # type: ignore[arg-type]
        assert ledger.rows()[0].charge == "interrupted"


def test_a_provider_without_a_task_list_leaves_rows_as_they_are(tmp_path: Path) -> None:
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.append(make_row(charge="interrupted", task_id="t-1", cost_usd=0.35))
        run = SimpleNamespace(ledger=ledger, store=lambda: ledger, run_id="later", failures=[])
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

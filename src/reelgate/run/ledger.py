"""The run's ledger connection: opened (and checked) before any render, one row per render.

The controller opens it first so a wrong or unreachable ledger stops the run before anything is
paid for; each xdist worker then opens its own connection and appends its rows, which the
ledger's natural key keeps from being lost or doubled.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import subprocess
import threading
import time
import uuid
import warnings
from typing import Any

from reelgate.run.config import RunConfig


class LedgerWarning(UserWarning):
    """Rows the ledger could not take: the verdicts stand, their record is what failed."""


class RunLedger:
    """The run's connection; raises reelgate.records.LedgerError when it cannot be opened."""

    def __init__(self, conf: RunConfig) -> None:
        from reelgate.records.lite import open_current
        from reelgate.records.urls import ledger_file

        url = ledger_url(conf)
        path = ledger_file(url, conf.root)
        # A current SQLite ledger takes the run's rows through the stdlib driver; anything else
        # (a new file, an older schema, a URL) is opened, created or migrated by open_ledger.
        self.ledger: Any = open_current(path) if path is not None else None
        if self.ledger is None:
            from reelgate.records import open_ledger

            self.ledger = open_ledger(url, root=conf.root)
        self._url, self._root = url, conf.root
        self._full: Any = None  # the SQLAlchemy ledger beside a stdlib one, once store() needs it
        self.run_id = conf.run_id or run_id()
        self.commit = git_commit(conf.root)
        self._queue: queue.SimpleQueue[list[Any] | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self.failures: list[str] = []

    def store(self) -> Any:
        """The ledger as ``reelgate.records.Ledger``, for more than appending and reading rows
        (reconciling charges): opened beside the run's connection when that is the stdlib one."""
        from reelgate.records import Ledger, open_ledger

        if isinstance(self.ledger, Ledger):
            return self.ledger
        if self._full is None:
            self._full = open_ledger(self._url, root=self._root)
        return self._full

    def presets_of_run(self) -> set[str]:
        """The presets that already have rows under this run's id (none for a new id)."""
        return {row.preset_id for row in self.ledger.rows(self.run_id)}

    def append(self, rows: list[Any]) -> None:
        """Queue rows for the writer thread: items do not wait for the ledger's disk flushes.

        A row takes the place of an earlier one with its natural key: a render's final row
        replaces the one written when its task was accepted (see ``render_row``).
        """
        if self._writer is None:
            self._writer = threading.Thread(target=self._write, name="reelgate-ledger", daemon=True)
            self._writer.start()
        self._queue.put(rows)

    def _write(self) -> None:
        from reelgate.records import LedgerError

        while True:
            rows = self._queue.get()
            if rows is None:
                return
            while not self._queue.empty():  # commit everything waiting in one transaction
                more = self._queue.get()
                if more is None:
                    self._queue.put(None)
                    break
                rows = rows + more
            flushed = [r for r in rows if isinstance(r, threading.Event)]
            rows = [r for r in rows if not isinstance(r, threading.Event)]
            try:
                if rows:
                    self.ledger.append(rows, replace=True)
            except LedgerError as exc:  # the verdicts stand; the record of them is what failed
                self.failures.append(str(exc))
            for event in flushed:
                event.set()

    def flush(self, timeout: float = 60.0) -> None:
        """Wait until every queued row is committed (before the summary reads them back)."""
        if self._writer is None:
            return
        done = threading.Event()
        self._queue.put([done])
        done.wait(timeout)

    def close(self) -> None:
        """Write what is queued, then close (at the end of the run)."""
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join(timeout=60)
        self.ledger.close()
        if self._full is not None:
            self._full.close()
        for failure in self.failures[:1]:
            warnings.warn(LedgerWarning(f"reelgate: ledger rows not written: {failure}"), stacklevel=1)


# A run id given from outside: every shard of one CI run writes its rows under it, so the
# ledger holds one run, not one per shard (the gate action sets it from the CI run and attempt).
RUN_ID_ENV = "REELGATE_RUN_ID"
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")


def given_run_id(environ: dict[str, str] | os._Environ[str] = os.environ) -> str | None:
    """``REELGATE_RUN_ID``, checked; None when unset or empty. Raises ValueError naming it."""
    value = environ.get(RUN_ID_ENV, "").strip()
    if not value:
        return None
    if not _RUN_ID.fullmatch(value):
        raise ValueError(f"{RUN_ID_ENV}={value!r}: give 1-200 letters, digits and . _ : - "
                         "(starting with a letter or digit), e.g. the CI run and attempt "
                         "(9876543210-1), or unset it for a new id per run")
    return value


def run_id() -> str:
    """The run's id: the one given (``REELGATE_RUN_ID``, shared by shards), else a new one."""
    return given_run_id() or uuid.uuid4().hex[:16]


def git_commit(root: object) -> str | None:
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=str(root), capture_output=True,
                                text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def ledger_url(conf: RunConfig) -> str:
    from reelgate.records import resolve_ledger_url

    return resolve_ledger_url(conf.ledger_option, conf.ledger_ini, conf.root)


def prompt_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def render_row(ledger: RunLedger, preset: Any, point: str, repeat: int, *, provider: str,
               model: str, source: str, verdict: str = "error",
               metrics: dict[str, float] | None = None, cost_usd: float = 0.0,
               latency_s: float = 0.0, charge: str = "known", task_id: str | None = None) -> Any:
    """One ledger row for a render of ``preset`` at ``point``: judged, or not (verdict error).

    A render that went to a provider names the client ref its submit carried, where the provider
    takes one (the render service sends ``client_ref`` of the same run id, key and provider).
    """
    from reelgate.cassettes.fingerprint import reference_id
    from reelgate.providers import provider_class
    from reelgate.providers.base import client_ref
    from reelgate.records import LedgerRow

    metrics = metrics or {}
    key = f"{preset.id}/{point}" + (f"-{repeat}" if repeat else "")
    ref = None
    if source != "replayed":
        try:
            takes_ref = provider_class(provider).client_ref_field is not None
        except LookupError:  # an unknown provider renders nothing, so its submit carried nothing
            takes_ref = False
        ref = client_ref(ledger.run_id, key, provider) if takes_ref else None
    return LedgerRow(
        run_id=ledger.run_id, git_commit=ledger.commit, preset_id=preset.id,
        preset_version=preset.version, scenario=preset.scenario,
        prompt_hash=prompt_hash(preset.prompt), reference_id=reference_id(preset.reference_video),
        motion_score=preset.sweep[point], sweep_point=point, camera_intent=preset.camera_text,
        provider=provider, model=model, seed=preset.output.seed, repeat=repeat, source=source,
        verdict=verdict, continuity=metrics.get("continuity"), subject=metrics.get("subject"),
        camera_match=metrics.get("camera_match"), cost_usd=round(cost_usd, 6),
        latency_s=round(latency_s, 3), charge=charge, task_id=task_id, client_ref=ref,
    )


# A render's row is committed just before its submit goes out; the provider's task is created
# within this many seconds after (the submit's round trip, with retries of refused submits).
SUBMIT_WINDOW_S = 120.0
# How far the provider's clock may be behind ours when it stamps a task's creation.
CLOCK_SLACK_S = 30.0


def reconcile(ledger: RunLedger, charges_of: Any) -> tuple[int, int]:
    """Settle rows of earlier runs whose charge was unknown or interrupted, from the providers'
    task lists; ``charges_of(provider)`` gives {task id: TaskCharge} or None (no list).

    A task is ours only by an id we know: the row's task id, or the client ref its submit
    carried (``TaskCharge.client_ref``). Tasks are never matched by time: another client on the
    same key (a teammate's run, a production service) submits at the same moments. A row with
    a client ref whose task is not in a list that reaches back past the row was never created,
    so nothing was charged; a row with neither id stays unsettled. Returns (settled, unsettled).
    """
    from reelgate.records import LedgerError

    try:
        pending = [(i, row) for i, row in ledger.store().unsettled()
                   if row.run_id != ledger.run_id and row.source != "replayed"]
    except LedgerError as exc:
        ledger.failures.append(str(exc))
        return 0, 0
    lists: dict[str, Any] = {}
    settled = 0
    for row_id, row in pending:
        if row.task_id is None and row.client_ref is None:
            continue  # nothing ties it to a task: guessing could take someone else's charge
        if row.provider not in lists:
            listed = charges_of(row.provider)
            lists[row.provider] = None if listed is None else (listed, _tasks_by_ref(listed))
        if lists[row.provider] is None:
            continue
        tasks, by_ref = lists[row.provider]
        task_id = row.task_id or by_ref.get(row.client_ref)
        if task_id is None:
            written = row.recorded_at.timestamp()
            if time.time() < written + SUBMIT_WINDOW_S or not _reaches_back(tasks, written):
                continue  # its task may still be on the way, or be older than the list goes
            charge: float | None = 0.0  # no task carries the ref: the submit created none
        else:
            charge = tasks[task_id].usd if task_id in tasks else None
        try:
            ledger.store().settle(row_id, charge, task_id if task_id != row.task_id else None)
        except LedgerError as exc:
            ledger.failures.append(str(exc))
            break
        settled += charge is not None
    return settled, len(pending) - settled


def _tasks_by_ref(tasks: dict[str, Any]) -> dict[str, str]:
    """{client ref: task id} of the listed tasks that carry one (a ref is unique per account)."""
    return {task.client_ref: task_id for task_id, task in tasks.items() if task.client_ref}


def _reaches_back(tasks: dict[str, Any], written_at: float) -> bool:
    """Whether the list goes back before a row was written, so a task of it would be listed."""
    return any(task.created_at is not None and task.created_at < written_at - CLOCK_SLACK_S
               for task in tasks.values())


def money_line(conf: RunConfig, ledger: RunLedger | None, run: str | None,
               presets: set[str] | None = None) -> str | None:
    """What the run spent, from its ledger rows (every xdist worker's): known spend, renders of
    unknown charge and interrupted ones with the most they may have cost. ``presets``: only
    theirs (a shard's, when its sibling shards share the run id and the ledger)."""
    from reelgate.records import LedgerError

    run = ledger.run_id if ledger is not None else run
    if run is None:
        return None
    try:
        if ledger is not None:
            ledger.flush()
            rows = ledger.ledger.rows(run)
        else:
            from reelgate.records import open_ledger

            with open_ledger(ledger_url(conf), root=conf.root, create=False) as reader:
                rows = reader.rows(run)
    except LedgerError:
        return None
    if presets is not None:
        rows = [row for row in rows if row.preset_id in presets]
    live = [row for row in rows if row.source == "live"]
    simulated = [row for row in rows if row.source == "simulated"]
    if not live:
        if not simulated:
            return None
        return (f"reelgate: nothing spent; {len(simulated)} render{'s' * (len(simulated) != 1)} by a "
                f"simulator on this machine (${sum(row.cost_usd for row in simulated):.2f} at the "
                "provider's prices, not paid)")
    spent = sum(row.cost_usd for row in live if row.charge == "known")
    text = f"reelgate: ${spent:.2f} spent"
    for charge, words in (("unknown", "of unknown charge"), ("interrupted", "interrupted")):
        pending = [row for row in live if row.charge == charge]
        if pending:
            ids = sum(1 for row in pending if row.task_id)
            text += (f", {len(pending)} render{'s' * (len(pending) != 1)} {words} (up to "
                     f"${sum(row.cost_usd for row in pending):.2f}; {ids} with a task id, "
                     "reconciled on the next run where the provider lists its tasks)")
    if simulated:
        text += f"; {len(simulated)} more by a simulator on this machine (not paid)"
    return text

"""The run's ledger connection: opened (and checked) before any render, one row per render.

The controller opens it first so a wrong or unreachable ledger stops the run before anything is
paid for; each xdist worker then opens its own connection and appends its rows, which the
ledger's natural key keeps from being lost or doubled.
"""

from __future__ import annotations

import hashlib
import queue
import subprocess
import threading
import uuid
import warnings
from typing import Any

import pytest

LEDGER_KEY = pytest.StashKey["RunLedger"]()


class RunLedger:
    def __init__(self, config: pytest.Config) -> None:
        from reelgate.records import open_ledger, resolve_ledger_url

        self.config = config
        root = config.rootpath
        url = resolve_ledger_url(config.getoption("preset_ledger"), config.getini("preset_ledger"), root)
        self.ledger = open_ledger(url, root=root)
        workerinput = getattr(config, "workerinput", {})
        self.run_id = workerinput.get("reelgate_run_id") or run_id()
        self.commit = workerinput.get("reelgate_commit") or git_commit(root)
        self._queue: queue.SimpleQueue[list[Any] | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self.failures: list[str] = []

    def append(self, rows: list[Any]) -> None:
        """Queue rows for the writer thread: items do not wait for the ledger's disk flushes."""
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
            try:
                self.ledger.append(rows)
            except LedgerError as exc:  # the verdicts stand; the record of them is what failed
                self.failures.append(str(exc))

    def close(self) -> None:
        """Write what is queued, then close (pytest_unconfigure)."""
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join(timeout=60)
        self.ledger.close()
        for failure in self.failures[:1]:
            warnings.warn(pytest.PytestWarning(f"reelgate: ledger rows not written: {failure}"), stacklevel=1)


def run_id() -> str:
    return uuid.uuid4().hex[:16]


def git_commit(root: object) -> str | None:
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=str(root), capture_output=True,
                                text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def open_run_ledger(config: pytest.Config) -> RunLedger:
    """The session's ledger; raises pytest.UsageError with the ledger's one-line reason."""
    if LEDGER_KEY not in config.stash:
        from reelgate.records import LedgerError

        try:
            config.stash[LEDGER_KEY] = RunLedger(config)
        except LedgerError as exc:
            raise pytest.UsageError(f"reelgate: {exc}") from None
    return config.stash[LEDGER_KEY]


def prompt_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

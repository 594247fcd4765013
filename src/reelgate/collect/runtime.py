"""The session's run (``reelgate.run.Run``), kept in the pytest config; the core needs no pytest."""

from __future__ import annotations

import pytest

from reelgate.collect.config import settings
from reelgate.run.ledger import RunLedger
from reelgate.run.session import Run

RUN_KEY = pytest.StashKey[Run]()


def get_run(config: pytest.Config) -> Run:
    """The session's run, made on first use; the renders' status line goes to the terminal."""
    if RUN_KEY not in config.stash:
        from reelgate.collect.progress import watch_for
        from reelgate.collect.progress_xdist import worker_watch

        config.stash[RUN_KEY] = Run(settings(config), watch=worker_watch(config) or watch_for(config))
    return config.stash[RUN_KEY]


def started_run(config: pytest.Config) -> Run | None:
    """The run if anything asked for it (None under --co or without preset items)."""
    return config.stash.get(RUN_KEY, None)


def open_run_ledger(config: pytest.Config) -> RunLedger:
    """The session's ledger; a bad one is pytest.UsageError with the ledger's one-line reason."""
    from reelgate.records import LedgerError

    try:
        return get_run(config).ledger()
    except LedgerError as exc:
        raise pytest.UsageError(f"reelgate: {exc}") from None

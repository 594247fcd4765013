"""The run's budget: live spend plus holds on renders in flight, one total for every process.

Each render holds its list price while it runs and settles it when it ends: a known charge is
added to the spend, an unknown one (submit sent, answer lost) is counted at the hold. Under
pytest-xdist every worker must see the others' holds, so ``SharedBudget`` keeps the books in a
small JSON file in the run's directory, changed under an exclusive ``flock`` and rewritten
atomically. A process holds its own liveness lock for as long as it has the budget open; when a
process dies (``kill -9``), the next reader finds the lock free and settles its holds: a hold
whose submit had been sent stays as spend (the provider may have charged it), the rest are
released, so a crashed worker never blocks the budget forever.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelgate.atomic import write_text_atomic

# A float sum of cents may land a hair above the limit; this much is still within it (USD).
BUDGET_EPSILON_USD = 1e-9
STATE_FILE = "budget.json"
LOCK_FILE = "budget.lock"


class BudgetExceeded(Exception):
    """Holding this render would take spend plus holds past the limit."""

    def __init__(self, spent: float, held: float, limit: float) -> None:
        super().__init__(f"spent ${spent:.2f}, in flight ${held:.2f}, limit ${limit:.2f}")
        self.spent, self.held, self.limit = spent, held, limit


@dataclass(frozen=True)
class Hold:
    token: str
    usd: float


def _empty() -> dict[str, Any]:
    return {"spent": 0.0, "unknown": 0.0, "holds": {}}


class Budget:
    """One process's budget: the books live in memory (no xdist, or tests)."""

    def __init__(self, limit: float | None) -> None:
        self.limit = limit
        self._state = _empty()
        self._lock = threading.RLock()
        self._owner = uuid.uuid4().hex

    @contextlib.contextmanager
    def _books(self) -> Iterator[dict[str, Any]]:
        with self._lock:
            yield self._state

    def reserve(self, key: str, usd: float) -> Hold:
        """Hold ``usd`` for render ``key``; BudgetExceeded when that would pass the limit."""
        token = uuid.uuid4().hex
        with self._books() as books:
            held = sum(h["usd"] for h in books["holds"].values())
            spent = books["spent"] + books["unknown"]
            if self.limit is not None and spent + held + usd > self.limit + BUDGET_EPSILON_USD:
                raise BudgetExceeded(spent, held, self.limit)
            books["holds"][token] = {"usd": usd, "key": key, "owner": self._owner, "sent": False}
        return Hold(token, usd)

    def sent(self, hold: Hold) -> None:
        """The submit is going out: from now on the provider may charge for this render."""
        with self._books() as books:
            if hold.token in books["holds"]:
                books["holds"][hold.token]["sent"] = True

    def settle(self, hold: Hold, charged_usd: float, *, unknown: bool = False) -> None:
        """Release the hold; add the known charge, or the hold itself when the charge is unknown."""
        with self._books() as books:
            books["holds"].pop(hold.token, None)
            books["spent"] += charged_usd
            if unknown:
                books["unknown"] += hold.usd

    def totals(self) -> tuple[float, float, float]:
        """(known spend, spend of unknown charge counted at estimate, held) of the whole run."""
        with self._books() as books:
            return (books["spent"], books["unknown"],
                    sum(h["usd"] for h in books["holds"].values()))

    def close(self) -> None:
        """Nothing to let go of for an in-memory budget."""


class SharedBudget(Budget):
    """The run's budget shared by every process of the run through ``directory``."""

    def __init__(self, limit: float | None, directory: Path) -> None:
        super().__init__(limit)
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self._alive = open(directory / f"alive-{self._owner}.lock", "w")  # noqa: SIM115
        fcntl.flock(self._alive, fcntl.LOCK_EX)

    @contextlib.contextmanager
    def _books(self) -> Iterator[dict[str, Any]]:
        with self._lock, open(self.directory / LOCK_FILE, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                books = self._read()
                self._settle_dead(books)
                yield books
                write_text_atomic(self.directory / STATE_FILE, json.dumps(books))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, Any]:
        try:
            books = json.loads((self.directory / STATE_FILE).read_text("utf-8"))
        except FileNotFoundError:
            return _empty()
        except (ValueError, OSError):  # written atomically, so only a foreign hand breaks it
            return _empty()
        return books if isinstance(books, dict) and "holds" in books else _empty()

    def _settle_dead(self, books: dict[str, Any]) -> None:
        """Holds of processes that died: sent ones become spend of unknown charge, others go."""
        owners = {h["owner"] for h in books["holds"].values()} - {self._owner}
        dead = {owner for owner in owners if not _alive(self.directory, owner)}
        for token, hold in list(books["holds"].items()):
            if hold["owner"] in dead:
                del books["holds"][token]
                if hold["sent"]:
                    books["unknown"] += hold["usd"]
        for owner in dead:
            (self.directory / f"alive-{owner}.lock").unlink(missing_ok=True)

    def close(self) -> None:
        if not self._alive.closed:
            (self.directory / f"alive-{self._owner}.lock").unlink(missing_ok=True)
            self._alive.close()


def _alive(directory: Path, owner: str) -> bool:
    """Whether the process that opened the budget as ``owner`` still holds its lock."""
    path = directory / f"alive-{owner}.lock"
    try:
        handle = open(path, "a")  # noqa: SIM115
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def run_directory(root: Path, run_id: str) -> Path:
    """Where a run's shared books live: ``.reelgate/runs/<run id>`` under the repository."""
    return root / ".reelgate" / "runs" / run_id


def remove_finished_runs(root: Path, keep: str) -> None:
    """Drop the books of earlier runs no live process has open (they are never read again)."""
    base = root / ".reelgate" / "runs"
    if not base.is_dir():
        return
    for run in base.iterdir():
        if run.name == keep or not run.is_dir():
            continue
        owners = [p.name.removeprefix("alive-").removesuffix(".lock") for p in run.glob("alive-*.lock")]
        if any(_alive(run, owner) for owner in owners):
            continue
        for path in run.iterdir():
            with contextlib.suppress(OSError):
                path.unlink()
        with contextlib.suppress(OSError):
            run.rmdir()

"""A run's rows into a SQLite ledger that is already ours and current, through the stdlib driver.

A run only appends its rows and reads them back for the summary. SQLAlchemy, which creates,
migrates and checks ledgers and serves PostgreSQL, costs a replay more than its whole ledger
work (about 140 ms to import, and its objects lengthen every garbage collection pytest asks
for): so a run opens the ledger here when the file already holds the latest schema in WAL mode,
and through ``open_ledger`` otherwise (a new file, an older schema, another application's
database, a URL). Values are stored as SQLAlchemy stores them (naive UTC times with
microseconds, ISO dates, booleans as 0/1): both write one file, and the reports read it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from reelgate.records.errors import LedgerError, first_line
from reelgate.records.vocabulary import LATEST_VERSION, MIGRATIONS, NATURAL_KEY, RENDERS

# How long a SQLite writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT = 60.0
_SQLITE_CORRUPT = ("not a database", "malformed")
_STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite DATETIME text (always microseconds)


def open_current(path: Path) -> LiteLedger | None:
    """The ledger at ``path`` if it is a reelgate ledger at the latest schema, in WAL mode; None
    for anything else, which ``open_ledger`` then creates, migrates or explains."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        columns = _current_columns(conn)
        if columns is not None:
            conn.execute("PRAGMA synchronous=FULL")
    except sqlite3.Error:
        columns = None
    if columns is None:
        conn.close()
        return None
    return LiteLedger(path, conn, columns)


def _current_columns(conn: sqlite3.Connection) -> dict[str, str] | None:
    """The renders table's columns (name -> declared type) of a current WAL ledger, else None."""
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {RENDERS, MIGRATIONS} <= tables:
        return None
    (version,) = conn.execute(f"SELECT coalesce(max(version), 0) FROM {MIGRATIONS}").fetchone()
    (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
    if version != LATEST_VERSION or str(mode).lower() != "wal":
        return None
    return {name: str(kind).upper() for _, name, kind, *_ in conn.execute(f"PRAGMA table_info({RENDERS})")}


class LiteLedger:
    """``append``, ``rows`` and ``close`` of ``reelgate.records.Ledger`` for one SQLite file; one
    connection shared by the run's threads (the ledger writer, the render loop, the items)."""

    backend = "sqlite"

    def __init__(self, path: Path, conn: sqlite3.Connection, columns: dict[str, str]) -> None:
        self.path = path
        self._conn = conn
        self._columns = columns  # name -> declared type, as the migrations made them
        self._lock = threading.Lock()
        self._statements: dict[tuple[tuple[str, ...], bool], str] = {}  # per row shape and mode

    @property
    def display(self) -> str:
        return str(self.path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def append(self, rows: Any | Iterable[Any], *, replace: bool = False) -> int:
        """As ``Ledger.append``: one transaction; a row whose natural key is there is skipped,
        or with ``replace`` takes the old row's place. Returns how many were new (or written)."""
        from reelgate.records.model import LedgerRow, stored_values

        batch = [stored_values(row) for row in ([rows] if isinstance(rows, LedgerRow) else rows)]
        if not batch:
            return 0
        with self._lock, _guard(self.display):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                before = self._conn.total_changes
                for row in batch:  # one at a time: a batch may hold a render's in-flight and final rows
                    self._conn.execute(self._statement(tuple(row), replace), _stored(row))
                added = self._conn.total_changes - before
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        return len(batch) if replace else added

    def rows(self, run_id: str | None = None) -> list[Any]:
        """Rows in the order they were recorded, all of them or one run's."""
        from reelgate.records.model import LedgerRow

        names = list(LedgerRow.model_fields)
        query = f"SELECT {', '.join(_quoted(n) for n in names)} FROM {RENDERS}"
        with self._lock, _guard(self.display):
            if run_id is None:
                found = self._conn.execute(f"{query} ORDER BY id").fetchall()
            else:
                found = self._conn.execute(f"{query} WHERE run_id = ? ORDER BY id", (run_id,)).fetchall()
        times = [i for i, name in enumerate(names) if self._columns.get(name) == "DATETIME"]
        out = []
        for values in found:
            row = dict(zip(names, values, strict=True))
            for i in times:
                if values[i] is not None:
                    row[names[i]] = datetime.fromisoformat(values[i]).replace(tzinfo=UTC)
            out.append(LedgerRow.model_validate(row))
        return out

    def _statement(self, columns: tuple[str, ...], replace: bool) -> str:
        if (columns, replace) not in self._statements:
            self._statements[columns, replace] = self._insert_sql(columns, replace)
        return self._statements[columns, replace]

    def _insert_sql(self, columns: tuple[str, ...], replace: bool) -> str:
        missing = [name for name in columns if name not in self._columns]
        if missing:
            raise LedgerError(f"{self.display} has no column {missing[0]}: it is not the schema "
                              f"version {LATEST_VERSION} it says; restore it or pass another --ledger")
        names = ", ".join(_quoted(name) for name in columns)
        values = ", ".join(f":{name}" for name in columns)
        key = ", ".join(_quoted(name) for name in NATURAL_KEY)
        if replace:
            changed = [f"{_quoted(n)} = excluded.{_quoted(n)}" for n in columns if n not in NATURAL_KEY]
            tail = f"DO UPDATE SET {', '.join(changed)}"
        else:
            tail = "DO NOTHING"
        return f"INSERT INTO {RENDERS} ({names}) VALUES ({values}) ON CONFLICT ({key}) {tail}"



def _stored(row: dict[str, Any]) -> dict[str, Any]:
    """Times (aware: LedgerRow refuses naive ones) and dates as SQLAlchemy's SQLite types store them."""
    out = dict(row)
    for name, value in row.items():
        if isinstance(value, datetime):
            out[name] = value.astimezone(UTC).strftime(_STORED_TIME)
        elif isinstance(value, date):
            out[name] = value.isoformat()
    return out


@contextmanager
def _guard(display: str) -> Iterator[None]:
    """sqlite3 errors become one LedgerError line naming the ledger."""
    try:
        yield
    except sqlite3.Error as exc:
        raise LedgerError(explain_sqlite(display, first_line(str(exc)))) from None


def explain_sqlite(display: str, detail: str) -> str:
    """What a SQLite error means for the ledger at ``display``, and what to do."""
    if any(marker in detail for marker in _SQLITE_CORRUPT):
        return (f"{display} is not a SQLite database or is corrupt ({detail}); "
                "reelgate will not replace it: move it away or pass another --ledger")
    if "locked" in detail:
        return f"{display} stayed locked by another writer for {SQLITE_BUSY_TIMEOUT:.0f}s ({detail})"
    return f"ledger {display}: {detail}"


def _quoted(name: str) -> str:
    return f'"{name}"'  # "repeat" is an SQL keyword

"""The ledger store: open (create, migrate, check), append rows idempotently, read them back.

Writers never lose or duplicate a row: each row has a natural key and is inserted with ON CONFLICT
DO NOTHING, and every ``append`` commits, so a run killed midway keeps every row it recorded.
SQLite runs in WAL mode with a busy timeout, so pytest-xdist workers and parallel CI jobs write
to one file at once; PostgreSQL serves teams.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exists, func, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from reelgate.extras import MissingExtraError, import_from_extra
from reelgate.records.errors import LedgerError, first_line, redact
from reelgate.records.lite import SQLITE_BUSY_TIMEOUT, explain_sqlite
from reelgate.records.migrations import LATEST_VERSION, check_ownership, migrate, schema_version
from reelgate.records.model import LedgerRow, stored_values
from reelgate.records.schema import WRITTEN_COLUMNS, renders
from reelgate.records.urls import LedgerLocation, parse_ledger_url
from reelgate.records.vocabulary import NATURAL_KEY

DEFAULT_CONNECT_TIMEOUT = 5.0
WAL_RETRY_S = 0.05  # seconds between tries to switch a fresh ledger to WAL while another holds it
# Rows per transaction in a bulk append: big enough for speed, small enough that a killed run
# loses at most one unfinished batch.
BATCH_ROWS = 5000


@dataclass(frozen=True)
class LedgerStatus:
    """What ``check`` found: where the ledger is (no password), its backend and schema version."""

    location: str
    backend: str
    schema_version: int


class Ledger:
    """An open, checked and migrated ledger. Use it as a context manager or call ``close``."""

    def __init__(self, location: LedgerLocation, engine: Engine) -> None:
        self.location = location
        self._engine = engine
        self._postgres_insert: str | None = None
        self._upserts: dict[tuple[str, ...], Any] = {}  # the upsert statement of each row shape

    @property
    def display(self) -> str:
        """The ledger's address for messages: a path, or the URL with its password hidden."""
        return self.location.display

    @property
    def backend(self) -> str:
        return self.location.backend

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()

    def check(self) -> LedgerStatus:
        """Connect and verify the schema is ours and current; a LedgerError says what is wrong."""
        with self.connect() as conn:
            check_ownership(conn, self.display)
            version = schema_version(conn)
        if version != LATEST_VERSION:
            raise LedgerError(
                f"{self.display} is at ledger schema version {version}, this reelgate needs "
                f"{LATEST_VERSION}; open it with open_ledger() to upgrade it"
            )
        return LedgerStatus(self.display, self.backend, version)

    def append(self, rows: LedgerRow | Iterable[LedgerRow], *, replace: bool = False) -> int:
        """Record rows, committed before this returns; returns how many were new (or written).

        A row whose natural key is already in the ledger is skipped, so retrying an append, or
        two workers recording the same render, never duplicates it. With ``replace`` it takes
        the old row's place instead: a render's final row replaces the row written while it
        was in flight.
        """
        batch: list[dict[str, Any]] = []
        added = 0
        for row in [rows] if isinstance(rows, LedgerRow) else rows:
            batch.append(stored_values(row))
            if len(batch) >= BATCH_ROWS:
                added += self._insert(batch, replace)
                batch = []
        if batch:
            added += self._insert(batch, replace)
        return added

    def rows(self, run_id: str | None = None) -> list[LedgerRow]:
        """Rows in the order they were recorded, all of them or one run's (for summaries and tests)."""
        query = select(*(renders.c[name] for name in WRITTEN_COLUMNS if name != "week_start"))
        if run_id is not None:
            query = query.where(renders.c.run_id == run_id)
        with self.connect() as conn:
            result = conn.execute(query.order_by(renders.c.id)).mappings().all()
        return [LedgerRow.model_validate(dict(row)) for row in result]

    def unsettled(self) -> list[tuple[int, LedgerRow]]:
        """Rows whose charge is not known yet (unknown or interrupted), oldest first, with ids."""
        names = [name for name in WRITTEN_COLUMNS if name != "week_start"]
        query = (select(renders.c.id, *(renders.c[name] for name in names))
                 .where(renders.c.charge != "known").order_by(renders.c.id))
        with self.connect() as conn:
            result = conn.execute(query).mappings().all()
        return [(int(row["id"]), LedgerRow.model_validate({n: row[n] for n in names}))
                for row in result]

    def settle(self, row_id: int, cost_usd: float | None, task_id: str | None = None) -> None:
        """Record what a reconciliation found: the charge (known from now on) and/or the task."""
        values: dict[str, Any] = {} if task_id is None else {"task_id": task_id}
        if cost_usd is not None:
            values.update(cost_usd=round(max(cost_usd, 0.0), 6), charge="known")
        if not values:
            return
        with self.connect(write=True) as conn, conn.begin():
            conn.execute(renders.update().where(renders.c.id == row_id).values(**values))

    def task_ids(self) -> set[str]:
        """Every provider task id the ledger knows (to tell a provider's unclaimed tasks)."""
        with self.connect() as conn:
            found = conn.execute(select(renders.c.task_id).where(renders.c.task_id.is_not(None)))
            return {str(task_id) for (task_id,) in found}

    def count(self) -> int:
        with self.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(renders)).scalar_one())

    def is_empty(self) -> bool:
        with self.connect() as conn:
            return not conn.execute(select(exists().select_from(renders))).scalar_one()

    @contextmanager
    def connect(self, write: bool = False) -> Iterator[Connection]:
        """A connection whose database errors arrive as LedgerError (for reports and the store)."""
        with guard(self.location), self._engine.connect() as conn:
            if write:
                conn.execution_options(reelgate_write=True)
            yield conn

    def _insert(self, batch: list[dict[str, Any]], replace: bool = False) -> int:
        with self.connect(write=True) as conn, conn.begin():
            if replace:
                return self._upsert(conn, batch)
            if self.backend == "sqlite":
                statement = sqlite.insert(renders).on_conflict_do_nothing(index_elements=list(NATURAL_KEY))
                return len(conn.execute(statement.returning(renders.c.id), batch).all())
            # psycopg's own executemany is pipelined and sums the rows it inserted; SQLAlchemy's
            # batched INSERT..RETURNING makes psycopg convert one huge statement per page (5x slower).
            if self._postgres_insert is None:
                self._postgres_insert = _postgres_insert_sql(conn, list(batch[0]))
            return int(conn.exec_driver_sql(self._postgres_insert, batch).rowcount)

    def _upsert(self, conn: Connection, batch: list[dict[str, Any]]) -> int:
        columns = tuple(batch[0])
        if columns not in self._upserts:
            self._upserts[columns] = self._upsert_statement(columns)
        for row in batch:  # one at a time: a batch may hold a render's in-flight and final rows
            conn.execute(self._upserts[columns], row)
        return len(batch)

    def _upsert_statement(self, columns: tuple[str, ...]) -> Any:
        """Built once per set of columns: its ``excluded`` alias costs more than the row's write."""
        if self.backend == "sqlite":
            statement = sqlite.insert(renders)
        else:  # SQLAlchemy's PostgreSQL dialect loads only for a PostgreSQL ledger
            from sqlalchemy.dialects import postgresql

            statement = postgresql.insert(renders)
        changed = {name: statement.excluded[name] for name in columns if name not in NATURAL_KEY}
        return statement.on_conflict_do_update(index_elements=list(NATURAL_KEY), set_=changed)


def _postgres_insert_sql(conn: Connection, columns: list[str]) -> str:
    """The idempotent INSERT as driver SQL. It bypasses UTCDateTime's bind step, which has nothing
    to do here: rows arrive as aware UTC datetimes, which psycopg sends as timestamptz."""
    from sqlalchemy.dialects import postgresql

    statement = postgresql.insert(renders).on_conflict_do_nothing(index_elements=list(NATURAL_KEY))
    return str(statement.compile(dialect=conn.dialect, column_keys=columns))


def open_ledger(
    url: str | Path | None = None,
    *,
    root: Path | None = None,
    create: bool = True,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
) -> Ledger:
    """Open the ledger at ``url`` (default: ``.reelgate/ledger.sqlite`` under ``root``), check that
    it is a reelgate ledger, and create or upgrade its schema.

    Fails fast with a one-line LedgerError (a bad or unreachable URL, a corrupt file, a database
    of another application), so the plugin can call it before any render is paid for. With
    ``create=False`` a missing SQLite file is an error instead of a new ledger (for reports).
    """
    location = parse_ledger_url(url, root)
    engine = _engine(location, create=create, connect_timeout=connect_timeout)
    ledger = Ledger(location, engine)
    try:
        with guard(location):
            migrate(engine, location.display)  # checks ownership and version on the way
            if location.backend == "sqlite":
                _use_wal(engine)
    except BaseException:
        ledger.close()
        raise
    return ledger


def _engine(location: LedgerLocation, *, create: bool, connect_timeout: float) -> Engine:
    if location.backend == "postgresql":
        _load_driver(location)
        seconds = max(2, round(connect_timeout))  # libpq's minimum; it counts whole seconds
        args = {} if "connect_timeout" in location.url.query else {"connect_timeout": seconds}
        return create_engine(location.url, connect_args=args, pool_pre_ping=True)
    path = location.path
    assert path is not None
    if path.is_dir():
        raise LedgerError(f"the ledger {path} is a directory; pass a file such as {path / 'ledger.sqlite'}")
    if not path.exists():
        if not create:
            raise LedgerError(f"no ledger at {path}: nothing has been recorded there (check --ledger)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LedgerError(f"cannot create the ledger's directory {path.parent}: {exc.strerror}") from None
    engine = create_engine(location.url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _load_driver(location: LedgerLocation) -> None:
    """psycopg is the [postgres] extra and needs libpq: either missing is one line, not a traceback."""
    try:
        import_from_extra("postgres", "psycopg")
    except MissingExtraError as exc:
        raise LedgerError(f"ledger {location.display}: {exc}") from None
    except ImportError as exc:  # psycopg installed, but neither the system's libpq nor psycopg-binary
        raise LedgerError(f"ledger {location.display}: psycopg cannot load libpq ({first_line(str(exc))}); "
                          "install libpq, or pip install 'psycopg[binary]'") from None


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _sqlite_begin)."""
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA synchronous=FULL")


def _sqlite_begin(conn: Connection) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE): the busy timeout then applies, and
    two writers never deadlock upgrading read locks; readers begin deferred and never block."""
    write = conn.get_execution_options().get("reelgate_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _use_wal(engine: Engine) -> None:
    """WAL lets readers and one writer work at once; the setting is stored in the file. Switching
    needs the file to itself, and SQLite answers "locked" at once rather than waiting while
    another process (an xdist worker opening the same fresh ledger) holds it: so retry, up to the
    busy timeout."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        while True:
            mode = raw.execute("PRAGMA journal_mode").fetchone()
            if mode and str(mode[0]).lower() == "wal":
                return
            try:
                raw.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(WAL_RETRY_S)


@contextmanager
def guard(location: LedgerLocation) -> Iterator[None]:
    """Database and file errors become one LedgerError line naming the ledger, never its password."""
    try:
        yield
    except LedgerError:
        raise  # composed from location.display, which never shows the password
    except DBAPIError as exc:
        raise LedgerError(_explain(location, exc)) from None
    except (SQLAlchemyError, OSError) as exc:
        message = redact(first_line(str(exc)), (location.password,))
        raise LedgerError(f"ledger {location.display}: {message}") from None


def _explain(location: LedgerLocation, exc: DBAPIError) -> str:
    detail = redact(first_line(str(exc.orig)), (location.password,))
    if location.backend == "sqlite":
        return explain_sqlite(location.display, detail)
    if exc.connection_invalidated or isinstance(exc, OperationalError):
        return f"cannot connect to the ledger {location.display}: {detail}"
    return f"ledger {location.display}: {detail}"

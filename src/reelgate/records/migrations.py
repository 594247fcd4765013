"""Versioned schema migrations: a ledger made by any older reelgate is upgraded in place.

Each migration runs once, in one transaction with the version it records, under a lock (SQLite's
write lock, a PostgreSQL advisory lock), so several processes opening one ledger at once apply it
exactly once. A migration is never edited after release; a change is a new migration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    func,
    inspect,
    select,
    text,
)

from reelgate.records.errors import LedgerError
from reelgate.records.model import utc_now
from reelgate.records.schema import (
    MIGRATIONS,
    RENDERS,
    migrations,
    render_columns,
    render_constraints,
)
from reelgate.records.schema import renders as current_renders
from reelgate.records.vocabulary import LATEST_VERSION

# pg_advisory_xact_lock key: "reelgate" in ASCII, so it is recognisable in pg_locks.
_PG_LOCK_KEY = 0x7265656C67617465


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _create_renders(conn: Connection) -> None:
    table = Table(RENDERS, MetaData(), *render_columns(), *render_constraints())
    table.create(conn)


def _week_column_and_report_indexes(conn: Connection) -> None:
    """Reports group by ISO week; a stored Monday makes that a plain indexed column on both backends."""
    week = Column("week_start", Date())
    column_type = week.type.compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE {RENDERS} ADD COLUMN week_start {column_type}"))
    if conn.dialect.name == "sqlite":
        monday = "date(recorded_at, 'weekday 0', '-6 days')"
    else:
        monday = "CAST(date_trunc('week', recorded_at AT TIME ZONE 'UTC') AS DATE)"
    conn.execute(text(f"UPDATE {RENDERS} SET week_start = {monday}"))
    c = current_renders.c
    # Weekly usable rate and cost per usable clip read only these columns: a covering index.
    Index(
        "ix_reelgate_renders_week", c.week_start, c.scenario, c.recorded_at, c.verdict, c.replayed, c.cost_usd
    ).create(conn)
    # Retire suggestions walk each preset's runs in order.
    runs = (c.preset_id, c.scenario, c.run_id, c.recorded_at, c.verdict)
    Index("ix_reelgate_renders_runs", *runs).create(conn)


def _charge_and_task_columns(conn: Connection) -> None:
    """A render's charge may be unknown (the submit's answer was lost) or interrupted (the run
    stopped mid-render); the provider's task id lets a later run reconcile it."""
    charge = String(16).compile(dialect=conn.dialect)
    task = String(200).compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE {RENDERS} ADD COLUMN charge {charge} NOT NULL DEFAULT 'known'"))
    conn.execute(text(f"ALTER TABLE {RENDERS} ADD COLUMN task_id {task}"))
    Index("ix_reelgate_renders_charge", current_renders.c.charge).create(conn)


def _source_column(conn: Connection) -> None:
    """Where each clip came from, so a simulator's renders are not counted as money spent. Older
    rows knew only replayed or not: a render that was not replayed was live as far as they knew."""
    source = String(16).compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE {RENDERS} ADD COLUMN source {source} NOT NULL DEFAULT 'live'"))
    conn.execute(text(f"UPDATE {RENDERS} SET source = 'replayed' WHERE replayed = :yes"), {"yes": True})
    Index("ix_reelgate_renders_source", current_renders.c.source).create(conn)


def _week_index_reads_source(conn: Connection) -> None:
    """Spend counts live renders by ``source`` since version 4, which the weekly covering index
    did not hold: every report row went back to the table (1.9x the bare query at 1M rows)."""
    c = current_renders.c
    conn.execute(text("DROP INDEX ix_reelgate_renders_week"))
    Index(
        "ix_reelgate_renders_week", c.week_start, c.scenario, c.recorded_at, c.verdict, c.source, c.cost_usd
    ).create(conn)


def _client_ref_column(conn: Connection) -> None:
    """The client-side id a render's submit carried; older rows sent none, so a row without a
    task id and without this stays unsettled rather than take a task that may be someone else's."""
    ref = String(64).compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE {RENDERS} ADD COLUMN client_ref {ref}"))


MIGRATION_STEPS: tuple[Migration, ...] = (
    Migration(1, "renders table", _create_renders),
    Migration(2, "week column and report indexes", _week_column_and_report_indexes),
    Migration(3, "charge and task id columns", _charge_and_task_columns),
    Migration(4, "source column", _source_column),
    Migration(5, "weekly index reads the source", _week_index_reads_source),
    Migration(6, "client ref column", _client_ref_column),
)


def schema_version(conn: Connection) -> int:
    """The version a ledger is at; 0 for a database reelgate has not written to yet."""
    if not inspect(conn).has_table(MIGRATIONS):
        return 0
    return int(conn.execute(select(func.coalesce(func.max(migrations.c.version), 0))).scalar_one())


def check_ownership(conn: Connection, display: str) -> None:
    """Refuse a database that holds someone else's data: reelgate never writes into it."""
    names = set(inspect(conn).get_table_names())
    if RENDERS in names and MIGRATIONS not in names:
        raise LedgerError(
            f"{display} has a {RENDERS} table that reelgate did not create (no {MIGRATIONS}); "
            "pass another --ledger"
        )
    if conn.dialect.name == "sqlite" and names and not names & {RENDERS, MIGRATIONS}:
        shown = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
        raise LedgerError(
            f"{display} is a SQLite database of another application (tables: {shown}); "
            "reelgate will not write into it: pass another --ledger"
        )


def _check_not_newer(version: int, display: str) -> None:
    if version > LATEST_VERSION:
        raise LedgerError(
            f"{display} is at ledger schema version {version}, newer than this reelgate knows "
            f"({LATEST_VERSION}); upgrade pytest-reelgate"
        )


def migrate(engine: Engine, display: str, target: int = LATEST_VERSION) -> int:
    """Bring the ledger to ``target`` (default: the latest version) and return the version it is at."""
    with engine.connect() as conn:
        check_ownership(conn, display)
        version = schema_version(conn)
    _check_not_newer(version, display)
    if version >= target:
        return version
    with engine.connect() as conn:
        conn.execution_options(reelgate_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
            migrations.create(conn, checkfirst=True)
            version = schema_version(conn)  # another process may have migrated meanwhile
            _check_not_newer(version, display)
            for step in MIGRATION_STEPS:
                if version < step.version <= target:
                    step.apply(conn)
                    conn.execute(
                        migrations.insert().values(version=step.version, name=step.name, applied_at=utc_now())
                    )
                    version = step.version
    return version


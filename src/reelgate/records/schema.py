"""The ledger's tables as the current code reads and writes them (the migrations build them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

from reelgate.records.vocabulary import MIGRATIONS, NATURAL_KEY, RENDERS, VERDICTS

UNIQUE_KEY = "uq_reelgate_renders_key"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends.

    SQLite has no time zones, so times are stored as naive UTC text, which also sorts and compares
    correctly as text; PostgreSQL stores ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("ledger times must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def big_id() -> BigInteger:
    """A 64-bit key on PostgreSQL; on SQLite it must be INTEGER to alias the rowid."""
    return BigInteger().with_variant(Integer(), "sqlite")  # type: ignore[return-value]


def render_columns() -> list[Column[Any]]:
    """The columns of schema version 1, the record of every render (migration 1 creates these)."""
    return [
        Column("id", big_id(), primary_key=True, autoincrement=True),
        Column("recorded_at", UTCDateTime(), nullable=False),
        Column("run_id", String(200), nullable=False),
        Column("git_commit", String(64)),
        Column("preset_id", String(200), nullable=False),
        Column("preset_version", String(64), nullable=False),
        Column("scenario", String(200), nullable=False),
        Column("prompt_hash", String(128), nullable=False),
        Column("reference_id", String(128)),
        Column("motion_score", Float(), nullable=False),
        Column("sweep_point", String(64), nullable=False),
        Column("camera_intent", Text(), nullable=False),
        Column("provider", String(100), nullable=False),
        Column("model", String(200), nullable=False),
        Column("seed", BigInteger()),
        Column("repeat", Integer(), nullable=False),
        Column("replayed", Boolean(), nullable=False),
        Column("verdict", String(16), nullable=False),
        Column("continuity", Float()),
        Column("subject", Float()),
        Column("camera_match", Float()),
        Column("cost_usd", Float(), nullable=False),
        Column("latency_s", Float(), nullable=False),
    ]


def render_constraints() -> list[Any]:
    verdicts = ", ".join(f"'{v}'" for v in VERDICTS)
    return [
        UniqueConstraint(*NATURAL_KEY, name=UNIQUE_KEY),
        CheckConstraint(f"verdict IN ({verdicts})", name="ck_reelgate_renders_verdict"),
    ]


metadata = MetaData()

renders = Table(
    RENDERS,
    metadata,
    *render_columns(),
    # Added by migration 2: the Monday of the row's ISO week (UTC), so reports group on a column.
    Column("week_start", Date()),
    # Added by migration 3: known | unknown (sent, answer lost) | interrupted; the task to ask.
    Column("charge", String(16), nullable=False, server_default="known"),
    Column("task_id", String(200)),
    # Added by migration 4: live | simulated | replayed (records.vocabulary.SOURCES).
    Column("source", String(16), nullable=False, server_default="live"),
    # Added by migration 6: the client-side id the render's submit carried (providers.base
    # client_ref), so reconciliation claims that task and never another client's.
    Column("client_ref", String(64)),
    *render_constraints(),
)

migrations = Table(
    MIGRATIONS,
    metadata,
    Column("version", Integer(), primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", UTCDateTime(), nullable=False),
)

# The columns a row is written with: everything but the surrogate key.
WRITTEN_COLUMNS: tuple[str, ...] = tuple(c.name for c in renders.columns if c.name != "id")

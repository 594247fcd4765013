"""Schema versions: a ledger written by an older reelgate is upgraded in place, rows intact."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, MetaData, String, Table, create_engine, inspect, select, text

from reelgate.records import LedgerError, open_ledger
from reelgate.records.migrations import LATEST_VERSION, migrate
from reelgate.records.model import week_start
from reelgate.records.query import ReportQuery
from reelgate.records.report import weekly_statement
from reelgate.records.schema import RENDERS, migrations, render_columns, renders
from reelgate.records.urls import parse_ledger_url
from tests.records.rows import make_row

# Times around week and year boundaries, with the Monday each belongs to.
BOUNDARIES = [
    (datetime(2025, 3, 9, 23, 59, 59, tzinfo=UTC), date(2025, 3, 3)),  # Sunday night
    (datetime(2025, 3, 10, 0, 0, 0, tzinfo=UTC), date(2025, 3, 10)),  # Monday midnight
    (datetime(2025, 3, 12, 8, 30, tzinfo=UTC), date(2025, 3, 10)),
    (datetime(2025, 1, 1, 10, 0, tzinfo=UTC), date(2024, 12, 30)),  # ISO week 2025-W01
    (datetime(2024, 2, 29, 18, 0, tzinfo=UTC), date(2024, 2, 26)),
]


def _raw_engine(url: str) -> Engine:
    return create_engine(parse_ledger_url(url).url)


def _version_1_ledger(url: str) -> None:
    """A ledger as the first schema version wrote it, with rows in it."""
    engine = _raw_engine(url)
    try:
        assert migrate(engine, "test", target=1) == 1
        version_1 = Table(RENDERS, MetaData(), *render_columns())
        rows = [make_row(run_id=f"run-{i}", recorded_at=moment).model_dump() for i, (moment, _) in
                enumerate(BOUNDARIES)]
        with engine.begin() as conn:
            conn.execute(version_1.insert(), rows)
            assert "week_start" not in {c["name"] for c in inspect(conn).get_columns(RENDERS)}
    finally:
        engine.dispose()


def test_week_start_is_the_iso_monday() -> None:
    for moment, monday in BOUNDARIES:
        assert week_start(moment) == monday
        assert monday.isocalendar()[1] == moment.isocalendar()[1]


def test_a_version_1_ledger_is_upgraded_in_place(ledger_url: str) -> None:
    _version_1_ledger(ledger_url)
    with open_ledger(ledger_url) as ledger:
        assert ledger.check().schema_version == LATEST_VERSION
        assert [r.run_id for r in ledger.rows()] == [f"run-{i}" for i in range(len(BOUNDARIES))]
        with ledger.connect() as conn:
            stored = conn.execute(select(renders.c.run_id, renders.c.week_start).order_by(renders.c.id)).all()
            history = conn.execute(select(migrations.c.version).order_by(migrations.c.version)).scalars().all()
            indexes = {i["name"] for i in inspect(conn).get_indexes(RENDERS)}
        assert [week for _, week in stored] == [monday for _, monday in BOUNDARIES]  # backfilled by SQL
        assert history == list(range(1, LATEST_VERSION + 1))
        assert {"ix_reelgate_renders_week", "ix_reelgate_renders_runs"} <= indexes
        assert ledger.append(make_row(run_id="after-upgrade")) == 1


def test_a_fresh_ledger_has_the_columns_the_code_expects(ledger_url: str) -> None:
    with open_ledger(ledger_url) as ledger, ledger.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns(RENDERS)}
    assert columns == {c.name for c in renders.columns}


def test_a_ledger_from_a_newer_reelgate_is_refused(ledger_url: str) -> None:
    with open_ledger(ledger_url) as ledger, ledger.connect(write=True) as conn, conn.begin():
        conn.execute(migrations.insert().values(version=LATEST_VERSION + 7, name="future",
                                                applied_at=datetime.now(UTC)))
    with pytest.raises(LedgerError, match=rf"schema version {LATEST_VERSION + 7}, newer than this reelgate knows \({LATEST_VERSION}\); upgrade"):
        open_ledger(ledger_url)


def test_a_renders_table_reelgate_did_not_create_is_refused(ledger_url: str) -> None:
    engine = _raw_engine(ledger_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {RENDERS} (id INTEGER PRIMARY KEY, note TEXT)"))
    engine.dispose()
    with pytest.raises(LedgerError, match=f"has a {RENDERS} table that reelgate did not create"):
        open_ledger(ledger_url)


def test_check_says_when_the_ledger_is_behind(tmp_path: pytest.TempPathFactory) -> None:
    path = str(tmp_path / "ledger.sqlite")  # type: ignore[operator]
    with open_ledger(path) as ledger:
        with ledger.connect(write=True) as conn, conn.begin():
            conn.execute(migrations.delete().where(migrations.c.version == LATEST_VERSION))
        with pytest.raises(LedgerError, match=f"is at ledger schema version {LATEST_VERSION - 1}, this reelgate needs {LATEST_VERSION}"):
            ledger.check()


def test_a_version_2_ledger_gains_charge_and_task_columns_keeping_its_rows(ledger_url: str) -> None:
    """Migration 3 on both backends: old rows are known charges; unknown ones can be settled."""
    engine = _raw_engine(ledger_url)
    try:
        assert migrate(engine, "test", target=2) == 2
        version_2 = Table(RENDERS, MetaData(), *render_columns())
        with engine.begin() as conn:
            conn.execute(version_2.insert(), [make_row().model_dump(exclude={"charge", "task_id", "source"})])
    finally:
        engine.dispose()
    with open_ledger(ledger_url) as ledger:
        assert ledger.check().schema_version == LATEST_VERSION
        (row,) = ledger.rows()
        assert (row.charge, row.task_id) == ("known", None)
        ledger.append(make_row(repeat=1, charge="unknown", task_id="t-1", cost_usd=0.35))
        ((row_id, unknown),) = ledger.unsettled()
        assert (unknown.task_id, unknown.cost_usd) == ("t-1", 0.35)
        ledger.settle(row_id, 0.21)
        assert ledger.unsettled() == [] and ledger.rows()[-1].cost_usd == 0.21


def test_a_version_3_ledger_gains_the_source_of_every_render(ledger_url: str) -> None:
    """Migration 4: older rows knew only replayed or not; what was not replayed counted as live."""
    engine = _raw_engine(ledger_url)
    try:
        assert migrate(engine, "test", target=3) == 3
        version_3 = Table(RENDERS, MetaData(), *render_columns(), Column("charge", String(16)),
                          Column("task_id", String(200)))
        rows = [make_row(repeat=0, replayed=False, cost_usd=1.0).model_dump(exclude={"source"}),
                make_row(repeat=1, replayed=True, cost_usd=1.0).model_dump(exclude={"source"})]
        with engine.begin() as conn:
            conn.execute(version_3.insert(), rows)
    finally:
        engine.dispose()
    with open_ledger(ledger_url) as ledger:
        assert ledger.check().schema_version == LATEST_VERSION
        assert [(row.source, row.spend_usd) for row in ledger.rows()] == [("live", 1.0), ("replayed", 0.0)]
        ledger.append(make_row(repeat=2, source="simulated", cost_usd=1.0))
        assert [(row.source, row.replayed, row.spend_usd) for row in ledger.rows()][-1] == ("simulated", False, 0.0)


def test_the_weekly_report_reads_only_its_covering_index(tmp_path: Path) -> None:
    """Every column the weekly aggregate reads (spend by ``source`` included) is in the week index,
    so a report over a large ledger never goes back to the table (SQLite's plan says so)."""
    with open_ledger(str(tmp_path / "ledger.sqlite")) as ledger, ledger.connect() as conn:
        statement = weekly_statement(ReportQuery(), datetime(2026, 1, 1, tzinfo=UTC))
        compiled = statement.compile(conn, compile_kwargs={"literal_binds": True})
        plan = " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    assert "USING COVERING INDEX ix_reelgate_renders_week" in plan, plan

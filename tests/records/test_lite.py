"""The run's stdlib writer for a current SQLite ledger: it stores what SQLAlchemy stores, and
leaves every other ledger to ``open_ledger``."""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from reelgate.records import Ledger, LedgerError, open_ledger
from reelgate.records.lite import LiteLedger, open_current
from reelgate.records.migrations import MIGRATION_STEPS, migrate
from reelgate.records.urls import ledger_file
from reelgate.records.vocabulary import LATEST_VERSION
from reelgate.run.config import RunConfig
from reelgate.run.ledger import RunLedger
from tests.records.rows import make_row
from tests.run.test_travel import fresh_clone

ROWS = [
    make_row(recorded_at=datetime(2025, 3, 5, 13, 30, 15, 250000, tzinfo=timezone(timedelta(hours=1)))),
    make_row(run_id="run-2", reference_id=None, seed=None, git_commit=None, continuity=None, subject=None,
             camera_match=None, verdict="error", replayed=True, camera_intent="", charge="interrupted",
             task_id="t-1", client_ref="c-1", recorded_at=datetime(2025, 3, 9, 23, 59, 59, tzinfo=UTC)),
]


def _current(path: Path) -> LiteLedger:
    open_ledger(path).close()  # created, migrated and switched to WAL as a first run does
    lite = open_current(path)
    assert lite is not None
    return lite


def _conf(root: Path) -> RunConfig:
    return RunConfig(root=root, preset_paths=(), scenarios=root / "scenarios.yaml",
                     cassettes=root / "cassettes", approved=root / "approved")


def _stored(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT * FROM reelgate_renders ORDER BY id").fetchall()


def test_the_version_it_accepts_is_the_last_migration() -> None:
    assert MIGRATION_STEPS[-1].version == LATEST_VERSION


def test_rows_are_stored_byte_for_byte_as_sqlalchemy_stores_them(tmp_path: Path) -> None:
    with open_ledger(tmp_path / "a.sqlite") as ledger:
        assert ledger.append(ROWS, replace=True) == 2
    lite = _current(tmp_path / "b.sqlite")
    assert lite.append(ROWS, replace=True) == 2
    lite.close()
    assert _stored(tmp_path / "a.sqlite") == _stored(tmp_path / "b.sqlite")
    with open_ledger(tmp_path / "b.sqlite") as reader:  # reports read what the run wrote
        assert reader.rows() == ROWS


def test_rows_read_back_as_the_ledger_reads_them(tmp_path: Path) -> None:
    with open_ledger(tmp_path / "a.sqlite") as ledger:
        ledger.append(ROWS)
    lite = open_current(tmp_path / "a.sqlite")
    assert lite is not None
    assert lite.rows() == ROWS
    assert lite.rows("run-2") == [ROWS[1]]
    assert lite.rows("run-2")[0].recorded_at.tzinfo == UTC
    lite.close()


def test_a_key_already_there_is_skipped_or_replaced(tmp_path: Path) -> None:
    lite = _current(tmp_path / "l.sqlite")
    in_flight = make_row(verdict="error", charge="interrupted", task_id="t-9", cost_usd=0.5)
    final = make_row(verdict="pass", cost_usd=0.49, task_id="t-9")
    assert lite.append(in_flight) == 1
    assert lite.append(final) == 0  # without replace: the row kept is the first
    assert lite.rows() == [in_flight]
    assert lite.append([final], replace=True) == 1
    assert lite.rows() == [final]
    assert len(_stored(tmp_path / "l.sqlite")) == 1
    lite.close()


@pytest.mark.parametrize("make", ["missing", "older schema", "not wal", "another app", "corrupt", "empty"])
def test_anything_but_a_current_reelgate_ledger_is_left_to_open_ledger(tmp_path: Path, make: str) -> None:
    path = tmp_path / "ledger.sqlite"
    if make == "older schema":
        migrate(create_engine(f"sqlite:///{path}"), "test", target=LATEST_VERSION - 1)
    elif make == "not wal":
        open_ledger(path).close()
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")
    elif make == "another app":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE invoices (id INTEGER)")
    elif make == "corrupt":
        path.write_bytes(b"this is no database" * 100)
    elif make == "empty":
        path.touch()
    assert open_current(path) is None


def test_a_run_on_an_older_ledger_migrates_it_and_the_next_run_writes_it_directly(tmp_path: Path) -> None:
    path = tmp_path / ".reelgate" / "ledger.sqlite"
    path.parent.mkdir()
    migrate(create_engine(f"sqlite:///{path}"), "test", target=LATEST_VERSION - 1)
    first = RunLedger(_conf(tmp_path))
    assert isinstance(first.ledger, Ledger)  # SQLAlchemy migrated it
    first.close()
    second = RunLedger(_conf(tmp_path))
    assert isinstance(second.ledger, LiteLedger)
    second.append([make_row(run_id=second.run_id)])
    second.flush()
    assert [row.run_id for row in second.ledger.rows()] == [second.run_id]
    assert isinstance(second.store(), Ledger)  # reconciling needs the whole store, beside it
    second.close()


def test_a_corrupt_ledger_still_gets_the_one_line_message(tmp_path: Path) -> None:
    path = tmp_path / ".reelgate" / "ledger.sqlite"
    path.parent.mkdir()
    path.write_bytes(b"this is no database" * 100)
    with pytest.raises(LedgerError, match="is not a SQLite database or is corrupt"):
        RunLedger(_conf(tmp_path))
    assert path.read_bytes() == b"this is no database" * 100  # nothing of the user's replaced


def test_a_write_the_file_refuses_is_one_ledger_error(tmp_path: Path) -> None:
    lite = _current(tmp_path / "l.sqlite")
    with sqlite3.connect(tmp_path / "l.sqlite") as conn:
        conn.execute("DROP TABLE reelgate_renders")
    with pytest.raises(LedgerError, match=r"^ledger .*l\.sqlite: no such table"):
        lite.append(make_row())
    lite.close()


def test_only_a_path_names_a_file_to_write_directly(tmp_path: Path) -> None:
    assert ledger_file(None, tmp_path) == tmp_path / ".reelgate" / "ledger.sqlite"
    assert ledger_file("runs/l.sqlite", tmp_path) == tmp_path / "runs" / "l.sqlite"
    assert ledger_file(str(tmp_path / "x.sqlite"), Path("/elsewhere")) == tmp_path / "x.sqlite"
    assert ledger_file("sqlite:///l.sqlite", tmp_path) is None
    assert ledger_file("postgresql://u@h/db", tmp_path) is None


def test_a_replay_on_a_current_ledger_logs_its_renders_without_sqlalchemy(pytester: pytest.Pytester) -> None:
    """SQLAlchemy is a third of a warm replay's imports: the second run of a checkout skips it,
    and its rows are in the ledger all the same."""
    (pytester.path / "presets").mkdir()
    fresh_clone(pytester.path)
    pytester.makeconftest(
        "import sys\n"
        "def pytest_unconfigure(config):\n"
        "    open('loaded.txt', 'a').write(str('sqlalchemy' in sys.modules) + ' ')\n")
    for _ in range(2):
        pytester.runpytest_subprocess("presets", "-p", "no:cacheprovider").assert_outcomes(passed=12)
    assert (pytester.path / "loaded.txt").read_text() == "True False "  # the first run created it
    with open_ledger(pytester.path / ".reelgate" / "ledger.sqlite") as ledger:
        runs = [row.run_id for row in ledger.rows()]
    assert len(runs) == 2 * 12 and len(set(runs)) == 2  # 12 replayed renders per run, each logged
    assert "sqlalchemy" in sys.modules  # this process did load it: the check above can fail

"""The store on both backends: round trips, idempotent appends, natural keys, SQLite settings."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from reelgate.records import LedgerRow, open_ledger
from reelgate.records.migrations import LATEST_VERSION
from tests.records.rows import make_row


def test_rows_round_trip_with_every_field(ledger_url: str) -> None:
    full = make_row()
    sparse = make_row(run_id="run-2", reference_id=None, seed=None, git_commit=None, continuity=None,
                      subject=None, camera_match=None, verdict="error", replayed=True, camera_intent="")
    with open_ledger(ledger_url) as ledger:
        assert ledger.append([full, sparse]) == 2
        assert ledger.rows() == [full, sparse]
        assert ledger.rows(run_id="run-2") == [sparse]


def test_times_are_kept_in_utc_whatever_zone_they_arrive_in(ledger_url: str) -> None:
    paris = timezone(timedelta(hours=1))
    row = make_row(recorded_at=datetime(2025, 3, 5, 13, 30, 15, 250000, tzinfo=paris))
    with open_ledger(ledger_url) as ledger:
        ledger.append(row)
        [stored] = ledger.rows()
    assert stored.recorded_at == datetime(2025, 3, 5, 12, 30, 15, 250000, tzinfo=UTC)
    assert stored.recorded_at.tzinfo == UTC


def test_appending_the_same_render_twice_keeps_one_row(ledger_url: str) -> None:
    row = make_row()
    retried = make_row(verdict="fail", cost_usd=9.0)  # same natural key, other figures
    with open_ledger(ledger_url) as ledger:
        assert ledger.append(row) == 1
        assert ledger.append(row) == 0
        assert ledger.append([retried, row]) == 0
        assert ledger.rows() == [row]


def test_duplicates_within_one_batch_are_inserted_once(ledger_url: str) -> None:
    rows = [make_row(repeat=i % 3) for i in range(9)]
    with open_ledger(ledger_url) as ledger:
        assert ledger.append(rows) == 3
        assert ledger.count() == 3


def test_every_part_of_the_natural_key_tells_renders_apart(ledger_url: str) -> None:
    base = make_row()
    others = [
        make_row(run_id="run-2"),
        make_row(preset_id="other-preset"),
        make_row(sweep_point="mid-high"),
        make_row(repeat=1),
        make_row(provider="runway", model="gen4_turbo"),  # failover: the provider that served it
    ]
    with open_ledger(ledger_url) as ledger:
        assert ledger.append([base, *others]) == 6


def test_a_large_append_in_batches_keeps_every_row_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reelgate.records import store

    monkeypatch.setattr(store, "BATCH_ROWS", 7)
    rows = [make_row(repeat=i) for i in range(30)]
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        assert ledger.append(iter(rows)) == 30
        assert [r.repeat for r in ledger.rows()] == list(range(30))


def test_default_ledger_is_created_under_the_root(tmp_path: Path) -> None:
    with open_ledger(root=tmp_path) as ledger:
        status = ledger.check()
    assert (tmp_path / ".reelgate" / "ledger.sqlite").is_file()
    assert status.backend == "sqlite"
    assert status.schema_version == LATEST_VERSION
    assert status.location == str(tmp_path / ".reelgate" / "ledger.sqlite")


def test_sqlite_ledger_uses_wal_and_waits_for_locks(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with open_ledger(path) as ledger, ledger.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] >= 30_000
    with sqlite3.connect(path) as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # stored in the file


def test_reopening_keeps_rows_and_does_not_migrate_again(ledger_url: str) -> None:
    with open_ledger(ledger_url) as ledger:
        ledger.append(make_row())
    with open_ledger(ledger_url) as ledger:
        assert ledger.count() == 1
        assert not ledger.is_empty()
        assert ledger.check().schema_version == LATEST_VERSION


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("verdict", "maybe"),
        ("motion_score", 11),
        ("cost_usd", -0.1),
        ("continuity", float("nan")),
        ("run_id", ""),
        ("recorded_at", datetime(2025, 1, 1, 12, 0)),  # naive: which zone?
        ("unknown_field", 1),
    ],
)
def test_rows_with_bad_values_are_refused_before_the_ledger(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        make_row(**{field: value})


def test_preset_version_may_be_written_as_a_number() -> None:
    assert make_row(preset_version=4).preset_version == "4"


def test_replays_spend_nothing_and_usable_means_pass_or_pass_with_edits() -> None:
    assert make_row(replayed=True, cost_usd=0.5).spend_usd == 0.0
    assert make_row(cost_usd=0.5).spend_usd == 0.5
    assert [make_row(verdict=v).usable for v in ("pass", "pass-with-edits", "fail", "error")] == [
        True, True, False, False,
    ]


def test_row_fields_are_the_columns_written() -> None:
    from reelgate.records.schema import WRITTEN_COLUMNS

    assert set(LedgerRow.model_fields) == set(WRITTEN_COLUMNS) - {"week_start"}


def test_the_public_names_all_resolve() -> None:
    import reelgate.records as records

    assert sorted(records.__all__) == sorted(records._HOMES)
    for name in records.__all__:
        assert getattr(records, name) is not None

"""Bad ledgers fail fast with one clear line, never show a password, and are never replaced."""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from reelgate.records import LedgerError, open_ledger
from reelgate.records.errors import redact
from tests.records.rows import make_row

SECRET = "s3cr3t-Pa55"


def _refused(url: str | Path, match: str, **kwargs: object) -> str:
    with pytest.raises(LedgerError, match=match) as caught:
        open_ledger(url, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    assert SECRET not in message
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    return message


@pytest.mark.parametrize(
    ("url", "match"),
    [
        (f"mysql://admin:{SECRET}@db.example/ledger", r"unsupported ledger URL scheme 'mysql' in 'mysql://admin:\*\*\*@"),
        (f"postgresql://admin:{SECRET}@db.example:port/ledger", "malformed: its port is not a number"),
        (f"postgresql://admin:{SECRET}@db.example:70000/ledger", "port 70000, outside 1-65535"),
        (f"postgresql://admin:{SECRET}@extra@db.example/ledger", "has an '@' in its user or password"),
        ("sqlite://", "a sqlite ledger URL needs a file"),
        ("   ", "the ledger URL is empty"),
    ],
)
def test_malformed_urls_are_refused_before_connecting(url: str, match: str) -> None:
    _refused(url, match)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_closed_port_fails_at_once() -> None:
    """The refusal itself is reported, not a connect timeout waited out (no timing assertion:
    the machine may be loaded)."""
    message = _refused(f"postgresql://admin:{SECRET}@127.0.0.1:{_free_port()}/ledger", "cannot connect to the ledger")
    assert "Connection refused" in message and "timeout" not in message.lower()
    assert "postgresql://admin:***@127.0.0.1" in message


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never answers, like a firewalled or hung server."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield int(server.getsockname()[1])


HANG_GUARD_S = 60  # far past the 2 s connect timeout: only a hang, never load, gets here


def test_a_server_that_never_answers_times_out_in_seconds(silent_server: int) -> None:
    """The connect timeout is honoured: the wait ends with a timeout message (the bound only
    catches a hang; a loaded machine may take longer than the timeout itself)."""
    start = time.monotonic()
    message = _refused(f"postgresql://admin:{SECRET}@127.0.0.1:{silent_server}/ledger",
                       "cannot connect to the ledger", connect_timeout=2)
    assert "timeout" in message.lower()
    assert 1.5 < time.monotonic() - start < HANG_GUARD_S


def test_a_wrong_password_is_reported_without_the_password(postgres_server: str) -> None:
    if not make_url(postgres_server).password:
        pytest.skip("the test server takes no password (trust auth), so none can be wrong")
    url = make_url(postgres_server).set(password=SECRET).render_as_string(hide_password=False)
    message = _refused(url, "password authentication failed")
    assert message.startswith("cannot connect to the ledger postgresql://")


def test_a_missing_database_is_named(postgres_server: str) -> None:
    url = make_url(postgres_server).set(database="no_such_ledger_db").render_as_string(hide_password=False)
    _refused(url, 'database "no_such_ledger_db" does not exist')


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_of_random_bytes_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(os.urandom(8192))
    before = _digest(path)
    _refused(path, r"is not a SQLite database or is corrupt \(file is not a database\); reelgate will not replace it")
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite"]


def test_a_sqlite_database_of_another_application_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        other.execute("INSERT INTO customers (name) VALUES ('Ada')")
    other.close()
    before = _digest(path)
    _refused(path, r"is a SQLite database of another application \(tables: customers\); reelgate will not write")
    assert _digest(path) == before
    with sqlite3.connect(path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    other.close()


def test_a_ledger_corrupted_after_writing_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with open_ledger(path) as ledger:
        ledger.append([make_row(repeat=i) for i in range(2000)])
    data = bytearray(path.read_bytes())
    page = 4096
    data[page: 8 * page] = os.urandom(7 * page)  # the pages after the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(LedgerError, match="is not a SQLite database or is corrupt") as caught, \
            open_ledger(path) as ledger:
        ledger.count()
        ledger.rows()
    assert "\n" not in str(caught.value)


def test_a_directory_is_not_a_ledger(tmp_path: Path) -> None:
    _refused(tmp_path, "is a directory; pass a file such as")


def test_reading_a_missing_ledger_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "ledger.sqlite"
    _refused(path, "no ledger at .*nothing has been recorded there", create=False)
    assert not path.parent.exists()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"postgresql://u:{SECRET}@h/db", "postgresql://u:***@h/db"),
        (f"postgresql://u:{SECRET}@x@h/db", "postgresql://u:***@h/db"),
        (f"host=h password={SECRET} ?password={SECRET}&sslmode=require", "?password=***&sslmode=require"),
        (f"auth failed for {SECRET}", "auth failed for ***"),
    ],
)
def test_redact_hides_passwords(text: str, shown: str) -> None:
    hidden = redact(text, (SECRET,))
    assert SECRET not in hidden
    assert shown in hidden

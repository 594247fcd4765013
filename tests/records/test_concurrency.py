"""Several processes writing one ledger at once lose and duplicate nothing; a killed writer
leaves every row it acknowledged. Real processes, on both backends."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from reelgate.records import open_ledger
from reelgate.records.migrations import LATEST_VERSION
from reelgate.records.schema import migrations
from tests.records.ledger_writer import row_for

WRITER = Path(__file__).with_name("ledger_writer.py")
WORKERS = 4
ROWS_EACH = 40
OVERLAP = ROWS_EACH // 2  # each writer repeats half of its neighbour's keys


def _spawn(url: str, first: int, count: int, start_at: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), url, str(first), str(count), str(start_at)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_parallel_writers_on_a_fresh_ledger_lose_and_duplicate_nothing(ledger_url: str) -> None:
    start_at = time.time() + 2.5  # every writer has imported and waits; they open and write together
    firsts = [w * (ROWS_EACH - OVERLAP) for w in range(WORKERS)]
    writers = [_spawn(ledger_url, first, ROWS_EACH, start_at) for first in firsts]
    outputs = [writer.communicate(timeout=120) for writer in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err[-2000:]
    keys = sorted({k for first in firsts for k in range(first, first + ROWS_EACH)})
    new_per_writer = [sum(int(line.split()[2]) for line in out.splitlines()) for out, _ in outputs]
    assert sum(new_per_writer) == len(keys)  # each row was new to exactly one writer
    with open_ledger(ledger_url) as ledger:
        assert sorted(ledger.rows(), key=lambda r: r.prompt_hash) == sorted(
            (row_for(k) for k in keys), key=lambda r: r.prompt_hash
        )
        with ledger.connect() as conn:
            history = conn.execute(migrations.select()).all()
        assert len(history) == LATEST_VERSION  # the racing first opens migrated once


def test_a_writer_killed_midway_leaves_every_acknowledged_row(ledger_url: str) -> None:
    writer = _spawn(ledger_url, 0, 100_000, 0.0)
    assert writer.stdout is not None
    acknowledged = []
    for line in writer.stdout:
        acknowledged.append(int(line.split()[1]))
        if len(acknowledged) == 25:
            break
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=30)
    with open_ledger(ledger_url) as ledger:
        stored = {row.prompt_hash for row in ledger.rows()}
        assert {row_for(k).prompt_hash for k in acknowledged} <= stored
        assert len(stored) >= 25
        assert ledger.append(row_for(10**6)) == 1  # and the ledger takes new rows
    if not ledger_url.startswith("postgresql"):
        with sqlite3.connect(ledger_url) as plain:
            assert plain.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        plain.close()

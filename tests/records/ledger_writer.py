"""A separate process writing to a ledger, for the concurrency and kill tests.

    python ledger_writer.py URL FIRST COUNT START_AT

Waits until the wall-clock time START_AT, so all writers begin together, then opens the ledger
and appends keys FIRST..FIRST+COUNT-1 one row (one commit) at a time, printing ``ok <n> <new>``
after each commit: a line printed is a row the ledger has.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta

from reelgate.records import LedgerRow, open_ledger

EPOCH = datetime(2025, 3, 3, tzinfo=UTC)


def row_for(key: int) -> LedgerRow:
    """The same key always gives the same row, whichever process writes it."""
    return LedgerRow(
        recorded_at=EPOCH + timedelta(minutes=key), run_id=f"run-{key // 6}", preset_id=f"preset-{key % 2}",
        preset_version="1", scenario="ad", prompt_hash=f"h{key}", motion_score=float(key % 10),
        sweep_point=("low", "mid", "mid-high")[key % 6 // 2], camera_intent="slow push-in",
        provider="kling", model="kling-v2-6", repeat=0, verdict="pass" if key % 3 else "fail",
        cost_usd=0.25, latency_s=1.0,
    )


def main(url: str, first: int, count: int, start_at: float) -> None:
    time.sleep(max(0.0, start_at - time.time()))
    with open_ledger(url) as ledger:
        for key in range(first, first + count):
            new = ledger.append(row_for(key))
            print(f"ok {key} {new}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))

"""Rows for the records tests: a realistic one, and a small ledger with known figures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from reelgate.records import LedgerRow


def make_row(**overrides: Any) -> LedgerRow:
    values: dict[str, Any] = {
        "recorded_at": datetime(2025, 3, 5, 12, 0, tzinfo=UTC),
        "run_id": "run-1",
        "git_commit": "0123456789abcdef0123456789abcdef01234567",
        "preset_id": "sneaker-spin",
        "preset_version": "4",
        "scenario": "product",
        "prompt_hash": "sha256:" + "a" * 64,
        "reference_id": "sha256:" + "b" * 64,
        "motion_score": 4.0,
        "sweep_point": "mid",
        "camera_intent": "slow push-in",
        "provider": "kling",
        "model": "kling-v2-6",
        "seed": 1234,
        "repeat": 0,
        "replayed": False,
        "verdict": "pass",
        "continuity": 0.91,
        "subject": 0.88,
        "camera_match": 0.75,
        "cost_usd": 0.49,
        "latency_s": 83.5,
    }
    values.update(overrides)
    return LedgerRow(**values)


# The period the known ledger is reported over (two ISO weeks), and its previous period.
SINCE = datetime(2025, 3, 3, tzinfo=UTC)
UNTIL = datetime(2025, 3, 17, tzinfo=UTC)


def _at(day: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, 12, 0, tzinfo=UTC)


def known_rows() -> list[LedgerRow]:
    """Ten renders in and before the period, two outside both; the figures are worked out in
    test_report.py by hand."""
    ad = {"scenario": "ad", "preset_id": "a1", "provider": "kling"}
    dance = {"scenario": "dance", "preset_id": "d1", "provider": "runway", "model": "gen4_turbo"}
    return [
        make_row(**ad, run_id="r1", recorded_at=_at(4), verdict="pass", cost_usd=1.0),
        make_row(**ad, run_id="r2", recorded_at=_at(4), verdict="pass-with-edits", cost_usd=1.0),
        make_row(**ad, run_id="r3", recorded_at=_at(5), verdict="fail", cost_usd=1.0),
        make_row(**ad, run_id="r4", recorded_at=_at(9), verdict="error", cost_usd=0.0),
        make_row(**dance, run_id="r5", recorded_at=_at(6), verdict="pass", cost_usd=2.0, replayed=True),
        make_row(**dance, run_id="r6", recorded_at=_at(6), verdict="fail", cost_usd=2.0),
        make_row(**ad, run_id="r7", recorded_at=_at(10), verdict="pass", cost_usd=1.0),
        make_row(**ad, run_id="r8", recorded_at=_at(16), verdict="pass", cost_usd=1.0),
        # the previous period
        make_row(**ad, run_id="r9", recorded_at=_at(24, 2), verdict="fail", cost_usd=1.0),
        make_row(**ad, run_id="r10", recorded_at=_at(25, 2), verdict="pass", cost_usd=1.0),
        # outside both periods
        make_row(**ad, run_id="r11", recorded_at=_at(20), verdict="pass", cost_usd=5.0),
        make_row(**ad, run_id="r12", recorded_at=_at(1, 1), verdict="pass", cost_usd=5.0),
    ]

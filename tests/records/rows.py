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

"""Kling's error codes and failed-task reasons as outcomes (notes 2.8), apart from the adapter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reelgate.providers.errors import Outcome, RenderFailure, mentions_moderation, outcome_for_status

# Kling error codes (notes 2.8) -> outcome, retryable.
_CODES: dict[int, tuple[Outcome, bool]] = {
    **dict.fromkeys((1000, 1001, 1002, 1003, 1004, 1100, 1103, 1304),
                    (Outcome.AUTH_FAILED, False)),
    1101: (Outcome.INSUFFICIENT_CREDITS, False),
    1102: (Outcome.INSUFFICIENT_CREDITS, False),
    **dict.fromkeys((1200, 1201, 1202, 1203), (Outcome.INVALID_PARAMETERS, False)),
    1300: (Outcome.MODERATION_INPUT, False),
    1301: (Outcome.MODERATION_INPUT, False),
    1302: (Outcome.RATE_LIMITED, True),
    1303: (Outcome.RATE_LIMITED, True),
    **dict.fromkeys((5000, 5001, 5002), (Outcome.PROVIDER_FAILED, True)),
}


def classify_code(code: Any, status: int) -> tuple[Outcome, bool]:
    if isinstance(code, int) and code in _CODES:
        return _CODES[code]
    return outcome_for_status(status)


def task_failure(data: Mapping[str, Any]) -> RenderFailure:
    reason = str(data.get("task_status_msg") or "no reason given")
    task = data.get("task_id")
    if mentions_moderation(reason):
        return RenderFailure(Outcome.MODERATION_OUTPUT, f"task {task} failed: {reason}")
    return RenderFailure(Outcome.PROVIDER_FAILED, f"task {task} failed: {reason}")

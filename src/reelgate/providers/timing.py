"""The one clock and the one retry policy every provider uses.

All waiting goes through ``Clock.sleep`` so a replay from recorded cassettes (or a test) can skip
the sleeps with ``FastForwardClock`` while deadlines and timings still add up.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def time(self) -> float:
        """Seconds since the epoch (JWT issue/expiry times)."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FastForwardClock:
    """Sleeps return at once and move virtual time forward; for replays and tests."""

    def __init__(self, start: float | None = None) -> None:
        self._offset = 0.0
        self._epoch = time.time() if start is None else start
        self._origin = time.monotonic()

    def monotonic(self) -> float:
        return time.monotonic() - self._origin + self._offset

    def time(self) -> float:
        return self._epoch + self.monotonic()

    async def sleep(self, seconds: float) -> None:
        self._offset += max(0.0, seconds)
        await asyncio.sleep(0)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: exponential backoff with jitter, honouring the provider's Retry-After.

    ``attempts`` counts every try including the first. A Retry-After longer than
    ``max_retry_after`` is not waited out: the render ends as rate limited at once.
    """

    attempts: int = 4
    backoff: float = 1.0
    max_backoff: float = 30.0
    jitter: float = 0.5
    max_retry_after: float = 120.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts counts the first try too; use 1 or more")

    def delay(self, retry: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        spread = self.jitter * rng.random()
        if retry_after is not None:
            return retry_after + self.backoff * spread
        return min(self.max_backoff, self.backoff * 2 ** (retry - 1)) * (1 + spread)


FAST_RETRY = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05, max_retry_after=2.0)
"""For tests and the simulator: same logic, millisecond waits."""

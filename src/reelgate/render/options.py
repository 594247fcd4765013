"""What a render service is asked to do (``RenderOptions``) and what it reports (``Progress``).

Apart from the service so a caller builds its options, and a status line reads progress, without
the service's loop and provider plumbing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from reelgate.providers.timing import Clock, RetryPolicy
from reelgate.render.budget import Budget
from reelgate.request import RenderRequest

STATES = ("queued", "running", "downloading", "done", "failed")


@dataclass(frozen=True)
class RenderOptions:
    media_root: Path
    # Where a provider is reached instead of its public API (e.g. kling at 'reelgate simulate');
    # which provider renders a request is the plan's decision (``--preset-provider``), not ours.
    base_urls: Mapping[str, str] = field(default_factory=dict)
    concurrency: int | None = None  # per provider; default: the provider's own
    max_cost: float | None = None  # USD for the run
    deadline_s: float = 900.0  # per render, from submit to stored clip
    poll_interval: float | None = None
    retry: RetryPolicy | None = None
    env: Mapping[str, str] | None = None  # where keys come from; default os.environ
    transport: httpx.AsyncBaseTransport | None = None
    clock: Clock | None = None
    live: bool | None = None  # reaches paid providers; default: see is_live
    replay: bool = False  # answers come from recordings: no keys needed, nothing is spent
    budget: Budget | None = None  # shared by the run's processes; default: this process only
    # Called on the render loop just before a submit goes out (task id None) and when the
    # provider gives the task id, with the list price: the run writes the render to its ledger
    # before a kill can lose the charge.
    on_task: Callable[[RenderRequest, str | None, float], None] | None = None
    # The ledger's run id: each submit carries client_ref(run_id, key, provider) where the
    # provider takes a client id, which its ledger row names too (see run.ledger.reconcile).
    run_id: str | None = None
    # Called with a render's key and each state it enters (queued, submitting, running,
    # downloading, done, failed), on the caller's thread for queued and on the render loop after:
    # a live status line counts them. It must be quick and must not raise.
    on_progress: Callable[[str, str], None] | None = None
    # (sha256, size) -> whether those bytes were stored and checked before: not decoded again.
    vouched: Callable[[str, int], bool] | None = None


@dataclass(frozen=True)
class Progress:
    total: int
    queued: int
    running: int
    downloading: int
    done: int
    failed: int
    cost_usd: float
    unknown_usd: float = 0.0  # list price of renders whose charge is unknown

    def line(self) -> str:
        unknown = f" (+ up to ${self.unknown_usd:.2f} of unknown charge)" if self.unknown_usd else ""
        return (f"renders {self.done + self.failed}/{self.total}: {self.queued} queued, "
                f"{self.running} running, {self.downloading} downloading, {self.done} done, "
                f"{self.failed} failed, ${self.cost_usd:.2f}{unknown}")

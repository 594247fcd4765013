"""Rendering many requests at once, each pytest item waiting only for its own.

``RenderService.start`` checks the whole run first (providers, models, keys, cost guard), then
submits every render to an asyncio loop on a background thread, limited per provider. Items call
``result(key, timeout)`` and block on that one render; ``progress()`` feeds a terminal line.
When a primary provider fails for capacity or server reasons after its retries, the request's
failover provider renders instead, and the result's ``served_by`` says which one did.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from types import TracebackType

from reelgate.media import MediaStore
from reelgate.providers.base import Provider, Stage, TaskCharge, client_ref
from reelgate.providers.errors import Outcome, ProviderConfigError, RenderFailure
from reelgate.providers.registry import provider_class
from reelgate.providers.result import Attempt, RenderResult, Timings
from reelgate.providers.secrets import Secret
from reelgate.providers.timing import FastForwardClock
from reelgate.render.budget import Budget, BudgetExceeded, Hold
from reelgate.render.cost import CostEstimate, estimate_cost, guard_cost
from reelgate.render.flight import InFlight, is_live, local_failure
from reelgate.render.options import STATES, Progress, RenderOptions
from reelgate.render.slots import Slot
from reelgate.request import RenderRequest


class RenderService:
    def __init__(self, options: RenderOptions) -> None:
        self.options = options
        self.store = MediaStore(options.media_root, vouched=options.vouched)
        self._env = os.environ if options.env is None else options.env
        self._lock = threading.RLock()  # RLock: a SIGTERM handler may run inside a holder
        self._requests: dict[str, RenderRequest] = {}
        self._futures: dict[str, concurrent.futures.Future[RenderResult]] = {}
        self._stages: dict[str, str] = {}
        self._spent = 0.0
        self._unknown = 0.0
        self._flights: dict[str, InFlight] = {}
        self._budget = options.budget or Budget(options.max_cost)
        urls: set[str | None] = set(options.base_urls.values()) or {None}
        self.live = options.live if options.live is not None else any(
            is_live(None, options.replay, url) for url in urls)
        self._providers: dict[str, Provider] = {}
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- caller side (any thread) ----------------------------------------------------------

    def start(self, requests: Iterable[RenderRequest]) -> CostEstimate:
        """Check the run, then begin rendering.

        Raises before any call: UnknownProviderError, UnknownModelError, MissingCredentialsError
        (all ProviderConfigError), CostLimitError, or ValueError for repeated keys.
        """
        batch = list(requests)
        keys = Counter(r.key for r in batch)
        repeated = sorted(k for k, n in keys.items() if n > 1 or k in self._requests)
        if repeated:
            raise ValueError(f"render keys must be unique; repeated: {', '.join(repeated)}")
        self._check_setup(batch)
        estimate = (guard_cost(batch, self.options.max_cost, env=self._env) if self.live
                    else estimate_cost(batch))
        loop = self._ensure_loop()
        for request in batch:
            self._set_stage(request.key, "queued")
            with self._lock:
                self._requests[request.key] = request
            self._futures[request.key] = asyncio.run_coroutine_threadsafe(
                self._render(request), loop)
        return estimate

    def _check_setup(self, batch: list[RenderRequest]) -> None:
        targets = {(r.provider, r.model) for r in batch}
        targets |= {(r.failover.name, r.failover.model) for r in batch if r.failover}
        for name, model in sorted(targets):
            provider_class(name).capabilities_for(model)
        if self.options.replay:
            return  # recordings answer: no keys are read, none can leak
        for name in sorted({name for name, _ in targets}):
            provider_class(name).read_credentials(self._env)

    def result(self, key: str, timeout: float | None = None) -> RenderResult:
        """Block until render ``key`` ends; TimeoutError if it has not after ``timeout`` s."""
        future = self._futures.get(key)
        if future is None:
            raise KeyError(f"no render {key!r} was started; started: {', '.join(self._futures)}")
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            raise TimeoutError(f"render {key} still running after {timeout} s; "
                               f"{self.progress().line()}") from None
        except concurrent.futures.CancelledError:
            return _failed(self._requests[key], RenderFailure(
                Outcome.CANCELLED, "the run was closed before this render finished"))

    def request(self, key: str) -> RenderRequest:
        return self._requests[key]

    def progress(self) -> Progress:
        with self._lock:
            counts = Counter(self._stages.values())
            spent, unknown = self._spent, self._unknown
        return Progress(total=len(self._stages), cost_usd=round(spent, 4),
                        unknown_usd=round(unknown, 4),
                        **{state: counts.get(state, 0) for state in STATES})

    def close(self) -> None:
        """Cancel unfinished renders, close provider clients and stop the loop thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        closing = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        with contextlib.suppress(concurrent.futures.TimeoutError):
            closing.result(timeout=15)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> RenderService:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                            name="reelgate-render")
            self._thread.start()
        return self._loop

    # -- loop side -------------------------------------------------------------------------

    def _set_stage(self, key: str, stage: Stage | str) -> None:
        state = {"submitting": "running"}.get(stage, stage)
        with self._lock:
            self._stages[key] = state
        if self.options.on_progress is not None:
            self.options.on_progress(key, stage)

    async def _render(self, request: RenderRequest) -> RenderResult:
        attempts: list[Attempt] = []
        try:
            result = await self._attempt(request, attempts)
        except RenderFailure as failure:
            result = None
            if failure.failover and request.failover is not None:
                try:
                    result = await self._attempt(request.retarget(request.failover), attempts)
                except RenderFailure as second:
                    failure = second
            if result is None:
                result = _failed(request, failure)
        except asyncio.CancelledError:
            self._set_stage(request.key, "failed")
            raise
        total = round(sum(a.cost_usd for a in attempts), 4)
        result = replace(result, provider=request.provider, model=request.model,
                         cost_usd=total, attempts=tuple(attempts))
        self._set_stage(request.key, "done" if result.ok else "failed")
        return result

    async def _attempt(self, request: RenderRequest, attempts: list[Attempt]) -> RenderResult:
        provider = self._provider(request.provider)
        async with Slot(self._semaphore(provider)) as slot:
            estimate = provider.list_price(request).usd
            hold = self._reserve(request, estimate)
            flight = InFlight(request, estimate)
            with self._lock:
                self._flights[request.key] = flight

            def on_stage(stage: Stage) -> None:
                if stage == "downloading":  # the task is done: it no longer counts against
                    slot.release()  # the provider's parallel-task limit, so the next may start
                if stage == "submitting":
                    flight.sent = True
                    if hold is not None:
                        self._budget.sent(hold)
                    if self.options.on_task is not None:  # before the submit: a kill keeps it
                        self.options.on_task(request, None, estimate)
                self._set_stage(request.key, stage)

            def on_task(task_id: str) -> None:
                flight.task_id = task_id
                if self.options.on_task is not None:
                    self.options.on_task(request, task_id, estimate)

            ref = (client_ref(self.options.run_id, request.key, provider.name)
                   if self.options.run_id and not self.options.replay else None)
            try:
                result = await asyncio.wait_for(
                    provider.render(request, self.store, deadline_s=self.options.deadline_s,
                                    on_stage=on_stage, on_task=on_task, client_ref=ref),
                    timeout=self.options.deadline_s + 60)
            except RenderFailure as failure:
                failure.task_id = failure.task_id or flight.task_id
                self._end(attempts, provider, flight, hold, failure)
                raise
            except TimeoutError:
                failure = RenderFailure(Outcome.TIMEOUT, "the render overran its deadline",
                                        provider=provider.name, task_id=flight.task_id,
                                        charge_unknown=flight.sent)
                self._end(attempts, provider, flight, hold, failure)
                raise failure from None
            except asyncio.CancelledError:
                raise  # the flight stays listed: close() reports it as interrupted
            except Exception as exc:  # a bug or this machine's trouble must not hang the item
                failure = local_failure(exc, provider)
                failure.task_id = flight.task_id
                failure.charge_unknown = flight.sent  # e.g. the clip could not be saved
                self._end(attempts, provider, flight, hold, failure)
                raise failure from None
            self._end(attempts, provider, flight, hold, None, result)
            return result

    def _end(self, attempts: list[Attempt], provider: Provider, flight: InFlight,
             hold: Hold | None, failure: RenderFailure | None,
             result: RenderResult | None = None) -> None:
        """Record the attempt, settle its hold and book what it cost (or may have cost)."""
        request = flight.request
        if failure is None:
            assert result is not None
            attempt = Attempt(provider.name, request.model, Outcome.SUCCEEDED, "",
                              result.task_id, result.cost_usd, False, flight.estimate)
        else:
            unknown = failure.charge_unknown and not failure.cost_usd
            attempt = Attempt(provider.name, request.model, failure.outcome, str(failure),
                              failure.task_id, failure.cost_usd, unknown, flight.estimate)
        attempts.append(attempt)
        if hold is not None:
            self._budget.settle(hold, attempt.cost_usd, unknown=attempt.charge_unknown)
        with self._lock:
            self._spent += attempt.cost_usd
            if attempt.charge_unknown:
                self._unknown += flight.estimate
            self._flights.pop(request.key, None)

    def _reserve(self, request: RenderRequest, estimate: float) -> Hold | None:
        """Hold back a live render's list price; refuse it if spend plus holds would pass the cap.

        Replays and the simulator cost nothing, so they hold nothing and are never refused.
        """
        if not self.live:
            return None
        try:
            return self._budget.reserve(request.key, estimate)
        except BudgetExceeded as exc:
            raise RenderFailure(
                Outcome.BUDGET_EXCEEDED,
                f"{request.key} (${estimate:.2f}) would take the run past --preset-max-cost "
                f"${exc.limit:.2f} (spent ${exc.spent:.2f}, in flight ${exc.held:.2f})",
                failover=False) from None

    def task_charges(self, name: str, timeout: float = 180.0) -> dict[str, TaskCharge] | None:
        """The provider's task list as charges by task id (see Provider.task_charges); None when
        it has no list or cannot be read now. Read straight from the provider, never recorded."""
        try:
            provider = provider_class(name).from_env(self._env, base_url=self.options.base_urls.get(name),
                                                     retry=self.options.retry)
        except ProviderConfigError:
            return None

        async def read() -> dict[str, TaskCharge] | None:
            try:
                return await provider.task_charges()
            except (RenderFailure, KeyError, TypeError, ValueError, AttributeError):
                return None
            finally:
                await provider.aclose()

        future = asyncio.run_coroutine_threadsafe(read(), self._ensure_loop())
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            return None

    def interrupted(self) -> list[InFlight]:
        """Renders whose submit went out and that had not ended (for the ledger at shutdown)."""
        with self._lock:
            return [flight for flight in self._flights.values() if flight.sent]

    def _provider(self, name: str) -> Provider:
        if name not in self._providers:
            cls = provider_class(name)
            options = {"base_url": self.options.base_urls.get(name), "transport": self.options.transport,
                       "clock": self.options.clock, "retry": self.options.retry,
                       "poll_interval": self.options.poll_interval}
            if self.options.replay:  # a placeholder key: replayed answers never check it
                options["clock"] = options["clock"] or FastForwardClock()
                self._providers[name] = cls((Secret("replayed-no-key"),), **options)
            else:
                self._providers[name] = cls.from_env(self._env, **options)
        return self._providers[name]

    def _semaphore(self, provider: Provider) -> asyncio.Semaphore:
        if provider.name not in self._semaphores:
            limit = self.options.concurrency or provider.default_concurrency
            self._semaphores[provider.name] = asyncio.Semaphore(limit)
        return self._semaphores[provider.name]

    async def _shutdown(self) -> None:
        """Cancel renders, let them unwind (temp files removed), then close the clients."""
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=10)
        for provider in self._providers.values():
            await provider.aclose()


def _failed(request: RenderRequest, failure: RenderFailure) -> RenderResult:
    return RenderResult(
        key=request.key,
        outcome=failure.outcome,
        provider=request.provider,
        model=request.model,
        served_by=None,
        served_model=None,
        task_id=failure.task_id,
        clip=None,
        cost_usd=0.0,
        cost_source="none",
        timings=Timings(),
        message=str(failure),
    )


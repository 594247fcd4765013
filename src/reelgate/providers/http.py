"""Provider HTTP with bounded retries, a deadline, and safe downloads.

Retried: 429 (after Retry-After), 5xx and connection failures, with exponential backoff and
jitter, while the render deadline allows. A submit (POST) is retried only when the request
provably never reached the provider (connect errors) or the provider answered with an error,
never after a connection broke mid-request: the task may exist already and a second submit could
be charged twice. Downloads stream into the media store and are retried when cut short.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from reelgate.media import ClipRejected, MediaStore, StoredClip
from reelgate.providers.errors import Outcome, RenderFailure
from reelgate.providers.timing import Clock, RetryPolicy

AMBIGUOUS_SUBMIT = (
    "not retried: the provider may already have accepted the task, and a second submit "
    "could be charged twice; check the provider's dashboard"
)


@dataclass(frozen=True)
class ApiCall:
    method: str
    path: str
    json: Mapping[str, Any] | None = None


class ErrorReader(Protocol):
    def classify_error(self, status: int, body: Any, headers: httpx.Headers) -> RenderFailure: ...

    def check_body(self, body: Any) -> RenderFailure | None: ...


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """Retry-After in seconds (``retry-after-ms`` first, as Runway sends); None if absent/odd."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is not None:
            try:
                return max(0.0, float(value) * scale)
            except ValueError:
                continue
    return None


def error_text(body: Any, *keys: str) -> str:
    """The first non-empty of ``keys`` in a JSON error body, else the whole body as text."""
    if isinstance(body, dict):
        for key in keys:
            if body.get(key):
                return str(body[key])
    return str(body)


def response_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:500]


class HttpSession:
    def __init__(
        self,
        *,
        provider: str,
        client: httpx.AsyncClient,
        owns_client: bool,
        clock: Clock,
        retry: RetryPolicy,
        rng: random.Random,
        http_timeout: float,
        redact: Callable[[str], str],
    ) -> None:
        self.provider = provider
        self.client = client
        self._owns_client = owns_client
        self.clock = clock
        self.retry = retry
        self._rng = rng
        self.http_timeout = http_timeout
        self._redact = redact

    async def call(
        self,
        call: ApiCall,
        base_url: str,
        headers: Mapping[str, str],
        deadline: float,
        errors: ErrorReader,
        *,
        idempotent: bool,
        extensions: Mapping[str, Any] | None = None,
    ) -> Any:
        """The JSON body of a successful answer; raises RenderFailure otherwise. ``extensions``
        go on every attempt's httpx request (the render's tag, see ``reelgate.request``)."""
        url = call.path if call.path.startswith(("http://", "https://")) else base_url + call.path
        where = f"{call.method} {call.path}"
        for attempt in range(1, self.retry.attempts + 1):
            timeout = self._timeout(deadline, where)
            try:
                response = await self.client.request(
                    call.method, url, json=call.json, headers=dict(headers), timeout=timeout,
                    extensions=dict(extensions or {}),
                )
            except httpx.TransportError as exc:
                failure = self._transport_failure(exc, where, deadline, idempotent=idempotent)
            else:
                failure, body = self._read(response, where, errors, idempotent=idempotent)
                if failure is None:
                    return body
            await self._before_retry(failure, attempt, deadline)
        raise AssertionError("unreachable: the last attempt raises")

    def _read(
        self, response: httpx.Response, where: str, errors: ErrorReader, *, idempotent: bool
    ) -> tuple[RenderFailure | None, Any]:
        if response.is_success:
            try:
                body = response.json()
            except ValueError:
                note = "" if idempotent else "; " + AMBIGUOUS_SUBMIT
                return RenderFailure(
                    Outcome.PROVIDER_FAILED,
                    f"malformed JSON in the answer to {where}{note}",
                    status_code=response.status_code,
                    retryable=idempotent,
                    failover=idempotent,
                    charge_unknown=not idempotent,
                ), None
            return errors.check_body(body), body
        return errors.classify_error(response.status_code, response_body(response),
                                     response.headers), None

    def _transport_failure(
        self, exc: httpx.TransportError, where: str, deadline: float, *, idempotent: bool
    ) -> RenderFailure:
        never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
        ambiguous = not never_sent and not idempotent
        if isinstance(exc, httpx.TimeoutException) and self.clock.monotonic() >= deadline - 1e-3:
            return RenderFailure(Outcome.TIMEOUT, f"no answer to {where} before the render deadline",
                                 charge_unknown=ambiguous)
        retryable = never_sent or idempotent
        what = "no answer to" if isinstance(exc, httpx.TimeoutException) else "connection failed on"
        note = "" if retryable else "; " + AMBIGUOUS_SUBMIT
        return RenderFailure(
            Outcome.PROVIDER_FAILED,
            f"{what} {where} ({type(exc).__name__}){note}",
            retryable=retryable,
            failover=retryable,
            charge_unknown=ambiguous,
        )

    def _timeout(self, deadline: float, where: str) -> float:
        remaining = deadline - self.clock.monotonic()
        if remaining <= 0:
            raise RenderFailure(Outcome.TIMEOUT, f"the render deadline passed before {where}")
        return min(self.http_timeout, remaining)

    async def _before_retry(self, failure: RenderFailure, attempt: int, deadline: float) -> None:
        """Wait before the next attempt, or raise ``failure`` when it should not be retried."""
        failure.provider = self.provider
        failure.reword(self._redact(failure.message))
        if not failure.retryable:
            raise failure
        if attempt >= self.retry.attempts:
            failure.reword(f"{failure.message} (gave up after {attempt} attempts)")
            raise failure
        wait = failure.retry_after
        if wait is not None and wait > self.retry.max_retry_after:
            failure.reword(f"{failure.message} (the provider asks to wait {wait:g} s, more "
                           f"than the {self.retry.max_retry_after:g} s allowed)")
            raise failure
        delay = self.retry.delay(attempt, wait, self._rng)
        if self.clock.monotonic() + delay >= deadline:
            failure.reword(f"{failure.message} (no time left before the render deadline to "
                           "retry)")
            raise failure
        await self.clock.sleep(delay)

    async def download(
        self, url: str, store: MediaStore, deadline: float, expected_size: int | None,
        extensions: Mapping[str, Any] | None = None,
    ) -> StoredClip:
        """Stream the clip into the store; truncated or undecodable downloads are retried."""
        for attempt in range(1, self.retry.attempts + 1):
            timeout = self._timeout(deadline, "the clip download")
            try:
                async with self.client.stream("GET", url, timeout=timeout,
                                              extensions=dict(extensions or {})) as response:
                    if response.status_code >= 400:
                        failure = self._download_refused(response)
                    else:
                        return await self._save(response, store, expected_size)
            except httpx.TransportError as exc:
                failure = RenderFailure(Outcome.PROVIDER_FAILED,
                                        f"the clip download broke off ({type(exc).__name__})",
                                        retryable=True)
            except ClipRejected as exc:
                failure = RenderFailure(Outcome.PROVIDER_FAILED,
                                        f"the downloaded clip was rejected: {exc}", retryable=True)
            await self._before_retry(failure, attempt, deadline)
        raise AssertionError("unreachable: the last attempt raises")

    def _download_refused(self, response: httpx.Response) -> RenderFailure:
        status = response.status_code
        expired = " (the result URL may have expired)" if status in (403, 404, 410) else ""
        return RenderFailure(
            Outcome.PROVIDER_FAILED,
            f"the clip download answered HTTP {status}{expired}",
            status_code=status,
            retryable=status == 429 or status >= 500,
            retry_after=retry_after_seconds(response.headers),
        )

    async def _save(
        self, response: httpx.Response, store: MediaStore, expected_size: int | None
    ) -> StoredClip:
        """Stream into the store; the size must match Content-Length and the provider's figure."""
        declared = response.headers.get("content-length")
        sizes = {expected_size} if expected_size is not None else set()
        if declared is not None and not response.headers.get("content-encoding"):
            sizes.add(int(declared))
        if len(sizes) > 1:
            raise ClipRejected(f"the provider reported {expected_size} bytes but the download "
                               f"declares {declared}")
        with store.writer() as writer:
            async for chunk in response.aiter_bytes():
                writer.write(chunk)
            return await asyncio.to_thread(writer.commit, next(iter(sizes), None))

    async def cancel(self, call: ApiCall, base_url: str, headers: Mapping[str, str],
                     extensions: Mapping[str, Any] | None = None) -> None:
        """Best effort, once: a timed-out task should not keep rendering (and charging)."""
        url = call.path if call.path.startswith(("http://", "https://")) else base_url + call.path
        try:
            await self.client.request(call.method, url, headers=dict(headers), timeout=5.0,
                                      extensions=dict(extensions or {}))
        except httpx.HTTPError:
            return

    async def aclose(self) -> None:
        if self._owns_client:
            await self.client.aclose()

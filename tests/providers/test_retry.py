"""Retry guards: what is retried, how long it waits, and what is never retried."""

import random
from pathlib import Path

import httpx
import pytest

from reelgate.providers.errors import Outcome
from reelgate.providers.timing import FastForwardClock, RetryPolicy
from tests.providers.factories import (
    Recorder,
    make_provider,
    make_request,
    render_failure,
    run_render,
)
from tests.providers.test_kling import kling_flow

POLICY = RetryPolicy(attempts=4, backoff=1.0, max_backoff=8.0, jitter=0.5, max_retry_after=30)


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    rng = random.Random(3)
    delays = [POLICY.delay(n, None, rng) for n in (1, 2, 3, 4, 5)]
    for n, delay in enumerate(delays, start=1):
        base = min(8.0, 2 ** (n - 1))
        assert base <= delay <= base * 1.5


def test_retry_after_is_a_floor_not_a_suggestion() -> None:
    rng = random.Random(3)
    assert all(12.0 <= POLICY.delay(1, 12.0, rng) <= 12.5 for _ in range(20))


def failing_then(kling_failures: list[httpx.Response | Exception]):
    """The first calls answer from ``kling_failures``; the rest follow the normal Kling flow."""
    normal = kling_flow()

    def routes(request: httpx.Request, n: int) -> httpx.Response:
        if n <= len(kling_failures):
            outcome = kling_failures[n - 1]
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        return normal.routes(request, n - len(kling_failures))

    return Recorder(routes)


def rate_limited(seconds: str) -> httpx.Response:
    return httpx.Response(429, headers={"Retry-After": seconds},
                          json={"code": 1302, "message": "rate limit"})


def test_429_waits_retry_after_then_succeeds(tmp_path: Path) -> None:
    clock = FastForwardClock()
    recorder = failing_then([rate_limited("7"), rate_limited("7")])
    result = run_render(make_provider("kling", recorder, retry=POLICY, clock=clock),
                        make_request(), tmp_path)
    assert result.ok and len(recorder.calls("POST")) == 3
    assert 14.0 <= result.timings.submit_s <= 15.1


def test_rate_limit_exhausted_after_bounded_attempts(tmp_path: Path) -> None:
    recorder = failing_then([rate_limited("1")] * 10)
    failure = render_failure(make_provider("kling", recorder, retry=POLICY), make_request(),
                             tmp_path)
    assert failure.outcome is Outcome.RATE_LIMITED and failure.failover
    assert "gave up after 4 attempts" in failure.message and len(recorder.requests) == 4


def test_retry_after_beyond_the_limit_is_not_waited_out(tmp_path: Path) -> None:
    recorder = failing_then([rate_limited("3600")])
    failure = render_failure(make_provider("kling", recorder, retry=POLICY), make_request(),
                             tmp_path)
    assert failure.outcome is Outcome.RATE_LIMITED and len(recorder.requests) == 1
    assert "asks to wait 3600 s" in failure.message


def test_connect_errors_on_submit_are_retried(tmp_path: Path) -> None:
    recorder = failing_then([httpx.ConnectError("refused"), httpx.ConnectTimeout("slow")])
    result = run_render(make_provider("kling", recorder), make_request(), tmp_path)
    assert result.ok and len(recorder.requests) >= 3


def test_a_submit_cut_mid_answer_is_not_resent(tmp_path: Path) -> None:
    recorder = failing_then([httpx.RemoteProtocolError("peer closed connection")])
    failure = render_failure(make_provider("kling", recorder), make_request(), tmp_path)
    assert failure.outcome is Outcome.PROVIDER_FAILED and not failure.failover
    assert "charged twice" in failure.message and len(recorder.requests) == 1


def test_poll_errors_are_retried(tmp_path: Path) -> None:
    def routes(request: httpx.Request, n: int) -> httpx.Response:
        if n == 2:
            raise httpx.ReadError("reset")
        if n == 3:
            return httpx.Response(200, content=b'{"code": 0, "data": {')
        return kling_flow().routes(request, n - 2 if n > 3 else n)

    recorder = Recorder(routes)
    result = run_render(make_provider("kling", recorder), make_request(), tmp_path)
    assert result.ok and len(recorder.calls("POST")) == 1


def test_deadline_ends_a_render_as_timeout(tmp_path: Path) -> None:
    recorder = Recorder(lambda request, n: httpx.Response(200, json={
        "code": 0, "data": {"task_id": "1", "task_status": "processing"}}))
    failure = render_failure(make_provider("kling", recorder), make_request(), tmp_path,
                             deadline_s=30)
    assert failure.outcome is Outcome.TIMEOUT and failure.task_id == "1"
    assert "charge" in str(failure)


def test_unexpected_response_shape_is_named(tmp_path: Path) -> None:
    recorder = Recorder(lambda request, n: httpx.Response(200, json={"code": 0, "data": {}}))
    failure = render_failure(make_provider("kling", recorder), make_request(), tmp_path)
    assert failure.outcome is Outcome.PROVIDER_FAILED
    assert "unexpected response to POST /v1/videos/text2video" in failure.message


@pytest.mark.parametrize("attempts", [0, -1])
def test_policy_needs_at_least_one_attempt(attempts: int) -> None:
    with pytest.raises(ValueError, match="first try"):
        RetryPolicy(attempts=attempts)

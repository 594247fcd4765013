"""The render service: many renders, each item waiting for its own; failover; guards."""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reelgate.providers.errors import (
    MissingCredentialsError,
    Outcome,
    UnknownModelError,
    UnknownProviderError,
)
from reelgate.providers.result import RenderResult
from reelgate.providers.timing import FAST_RETRY, FastForwardClock
from reelgate.render.cost import CostLimitError
from reelgate.render.service import RenderOptions, RenderService
from reelgate.request import ProviderChoice, RenderRequest
from reelgate.simulator import SimulatorConfig, running_simulator, set_faults, simulator_env
from reelgate.simulator import simulator_state as state
from tests.providers.factories import SECRETS, make_request, media_files, recorded_answers
from tests.providers.test_replicate import replicate_flow


@pytest.fixture(scope="module")
def sim_url() -> Iterator[str]:
    with running_simulator(SimulatorConfig(job_seconds=0.3, fps=12, short_side=72)) as url:
        yield url


def render_one(options: RenderOptions, request: RenderRequest) -> RenderResult:
    with RenderService(options) as service:
        service.start([request])
        return service.result(request.key, timeout=20)


def sim_options(tmp_path: Path, url: str, **overrides: object) -> RenderOptions:
    settings: dict = {"media_root": tmp_path, "base_urls": {"kling": url},
                      "poll_interval": 0.02, "retry": FAST_RETRY, "env": simulator_env()}
    return RenderOptions(**{**settings, **overrides})


def test_renders_concurrently_and_each_caller_waits_for_its_own(tmp_path: Path,
                                                                sim_url: str) -> None:
    requests = [make_request(sweep_point=f"p{i}", motion_score=i % 10) for i in range(8)]
    with RenderService(sim_options(tmp_path, sim_url, concurrency=8)) as service:
        estimate = service.start(requests)
        assert estimate.total_usd == pytest.approx(8 * 0.21)
        progress = service.progress()
        assert progress.total == 8 and progress.done == 0
        # Concurrency by what is in flight at once, not by wall time (a loaded machine is slow).
        in_flight = 0
        while service.progress().done < 8:
            now = service.progress()
            in_flight = max(in_flight, now.running + now.downloading)
            time.sleep(0.005)
        last = service.result("hero-shot/p7", timeout=20)
        results = [service.result(r.key, timeout=20) for r in requests]
        final = service.progress()
    assert last.ok and all(r.ok for r in results)
    assert in_flight >= 2, "renders ran one after another"
    assert (final.done, final.failed, final.queued) == (8, 0, 0)
    assert final.cost_usd == pytest.approx(8 * 0.21) and "8 done" in final.line()
    assert {(r.provider, r.served_by) for r in results} == {("kling", "kling")}
    assert service.request("hero-shot/p0").model == "kling-v2-6"
    assert len(media_files(tmp_path)) == 8


def test_concurrency_limit_is_respected(tmp_path: Path, sim_url: str) -> None:
    requests = [make_request(sweep_point=f"c{i}") for i in range(4)]
    with RenderService(sim_options(tmp_path, sim_url, concurrency=1)) as service:
        service.start(requests)
        time.sleep(0.1)
        assert service.progress().queued >= 2
        # the limit counts tasks at the provider: a finished task downloading its clip has
        # given its slot to the next submit, so at most one is ever running
        most_running = 0
        while (now := service.progress()).done + now.failed < len(requests):
            most_running = max(most_running, now.running)
            time.sleep(0.005)
        assert most_running == 1
        assert all(service.result(r.key, timeout=20).ok for r in requests)


def test_result_timeout_and_unknown_key(tmp_path: Path, sim_url: str) -> None:
    with RenderService(sim_options(tmp_path, sim_url)) as service:
        service.start([make_request(sweep_point="slow")])
        with pytest.raises(TimeoutError, match="still running"):
            service.result("hero-shot/slow", timeout=0.01)
        with pytest.raises(KeyError, match="no render 'nope/x'"):
            service.result("nope/x")
        assert service.result("hero-shot/slow", timeout=20).ok


def test_run_budget_stops_renders_that_would_pass_it(tmp_path: Path, sim_url: str) -> None:
    requests = [make_request(sweep_point=f"b{i}") for i in range(3)]
    # live=True: the simulator stands in for a paid provider here
    options = sim_options(tmp_path, sim_url, concurrency=1, max_cost=0.5, live=True)
    with RenderService(options) as service:
        for request in requests:  # started apart (as an xdist worker does): each fits alone
            service.start([request])
        outcomes = [service.result(r.key, timeout=20).outcome for r in requests]
    assert outcomes == [Outcome.SUCCEEDED, Outcome.SUCCEEDED, Outcome.BUDGET_EXCEEDED]


def test_faults_reach_the_result_with_attempts(tmp_path: Path, sim_url: str) -> None:
    set_faults(sim_url, {"kind": "moderation_output", "match": "wolf"})
    request = make_request(prompt="a grey wolf", sweep_point="mod")
    result = render_one(sim_options(tmp_path, sim_url), request)
    assert result.outcome is Outcome.MODERATION_OUTPUT and result.cost_usd == 0
    assert [a.outcome for a in result.attempts] == [Outcome.MODERATION_OUTPUT]
    assert "risk review" in result.message
    set_faults(sim_url)


def test_close_cancels_unfinished_renders_without_hanging(tmp_path: Path, sim_url: str) -> None:
    set_faults(sim_url, {"kind": "latency", "on": "poll", "seconds": 2, "times": None})
    service = RenderService(sim_options(tmp_path, sim_url))
    service.start([make_request(sweep_point="cancel")])
    time.sleep(0.2)
    started = time.monotonic()
    service.close()
    assert time.monotonic() - started < 3
    assert service.result("hero-shot/cancel").outcome is Outcome.CANCELLED
    assert all(f.suffix == ".mp4" for f in media_files(tmp_path))
    set_faults(sim_url)


def two_providers(kling_status: int, kling_code: int):
    """Kling always answers with an error; Replicate renders normally."""
    replicate = replicate_flow()
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        if request.url.host == "api-singapore.klingai.com":
            return httpx.Response(kling_status, json={"code": kling_code, "message": "busy"})
        replicate.requests.append(request)
        return replicate.routes(request, len(replicate.requests))

    return httpx.MockTransport(handler), seen


def mock_options(tmp_path: Path, transport: httpx.MockTransport, **overrides: object
                 ) -> RenderOptions:
    settings: dict = {"media_root": tmp_path, "transport": transport, "env": SECRETS,
                      "clock": FastForwardClock(), "retry": FAST_RETRY, "max_cost": 5}
    return RenderOptions(**{**settings, **overrides})


FAILOVER = ProviderChoice(name="replicate", model="kwaivgi/kling-v2.6")


def test_failover_serves_when_the_primary_is_down(tmp_path: Path) -> None:
    transport, seen = two_providers(503, 5001)
    request = make_request(failover=FAILOVER, resolution="1080p")  # replicate v2.6: 1080p only
    result = render_one(mock_options(tmp_path, transport), request)
    assert result.ok and result.served_by == "replicate"
    assert (result.provider, result.served_model) == ("kling", "kwaivgi/kling-v2.6")
    assert [a.provider for a in result.attempts] == ["kling", "replicate"]
    assert result.attempts[0].outcome is Outcome.PROVIDER_FAILED
    assert result.cost_usd == pytest.approx(0.35)
    assert seen.count("api-singapore.klingai.com") == FAST_RETRY.attempts


def test_no_failover_for_problems_another_provider_shares(tmp_path: Path) -> None:
    transport, seen = two_providers(400, 1301)
    request = make_request(failover=FAILOVER)
    result = render_one(mock_options(tmp_path, transport), request)
    assert result.outcome is Outcome.MODERATION_INPUT and result.served_by is None
    assert "api.replicate.com" not in seen


def test_setup_errors_are_raised_before_any_call(tmp_path: Path) -> None:
    transport, seen = two_providers(200, 0)
    with RenderService(mock_options(tmp_path, transport)) as service:
        with pytest.raises(UnknownProviderError):
            service.start([make_request(provider="sora")])
        with pytest.raises(UnknownModelError, match="kling-v2-6"):
            service.start([make_request(model="kling-v9")])
        with pytest.raises(ValueError, match="repeated: hero-shot/mid"):
            service.start([make_request(), make_request()])
        with pytest.raises(CostLimitError, match="above --preset-max-cost"):
            service.start([make_request(sweep_point=f"s{i}") for i in range(30)])
    with RenderService(mock_options(tmp_path, transport, env={})) as service, \
            pytest.raises(MissingCredentialsError, match="KLING_API_KEY"):
        service.start([make_request()])
    with RenderService(mock_options(tmp_path, transport, max_cost=None,
                                    env={**SECRETS, "CI": "true"})) as service, \
            pytest.raises(CostLimitError, match="without a budget"):
        service.start([make_request()])
    assert seen == []


def test_replay_needs_no_keys_and_skips_the_cost_guard(tmp_path: Path) -> None:
    options = RenderOptions(media_root=tmp_path, transport=httpx.MockTransport(recorded_answers),
                            env={"CI": "true"}, replay=True)
    result = render_one(options, make_request())
    assert result.ok and result.cost_usd == pytest.approx(0.21)
    assert result.timings.render_s >= 5  # the poll wait ran on virtual time


def test_sim_state_counts_one_task_per_render(tmp_path: Path, sim_url: str) -> None:
    before = state(sim_url)["tasks_created"]
    assert render_one(sim_options(tmp_path, sim_url), make_request(sweep_point="once")).ok
    assert state(sim_url)["tasks_created"] == before + 1

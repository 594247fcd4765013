"""The Kling adapter against the simulator over real loopback HTTP, faults included."""

import time
from pathlib import Path

import httpx
import pytest

from reelgate.preset.camera import parse_camera
from reelgate.providers.errors import Outcome
from reelgate.providers.kling import KlingProvider
from reelgate.providers.timing import FAST_RETRY, FastForwardClock
from reelgate.render.contract import probe_clip
from reelgate.simulator import reset_simulator, set_faults, simulator_env, simulator_state
from reelgate.simulator.config import TEST_API_KEY
from reelgate.simulator.defects import DEFECTS_HEADER
from tests.providers.factories import make_request, media_files, render_failure, run_render


def kling(url: str, **options: object) -> KlingProvider:
    settings = {"base_url": url, "poll_interval": 0.02, "retry": FAST_RETRY, **options}
    return KlingProvider.from_env(simulator_env(), **settings)


def test_render_end_to_end(sim: str, tmp_path: Path) -> None:
    request = make_request(camera=parse_camera("slow pan right"), motion_score=4,
                           aspect_ratio="9:16")
    result = run_render(kling(sim), request, tmp_path)
    assert result.ok and result.served_by == "kling"
    assert result.cost_source == "provider" and result.cost_usd == pytest.approx(0.21)
    assert result.timings.queued_s is not None and result.timings.render_s >= 0.15
    probe = probe_clip(result.clip.path)
    assert (probe.width, probe.height) == (72, 128) and probe.stand_in
    assert probe.duration_s == pytest.approx(5.0, abs=0.1)
    state = simulator_state(sim)
    task = state["tasks"][0]
    assert state["tasks_created"] == 1 and state["units_charged"] == 1.5
    assert (task["move"], task["motion"]) == ("pan-right", 4.0)


def test_api_key_auth_and_native_camera_control(sim: str, tmp_path: Path) -> None:
    provider = KlingProvider.from_env(simulator_env(api_key=True), base_url=sim,
                                      poll_interval=0.02)
    request = make_request(model="kling-v1", camera=parse_camera("gentle tilt up"))
    assert run_render(provider, request, tmp_path).ok
    assert simulator_state(sim)["tasks"][0]["move"] == "tilt-up"


def test_repeats_differ_as_from_a_model_without_a_seed(sim: str, tmp_path: Path) -> None:
    first = run_render(kling(sim), make_request(), tmp_path / "a")
    second = run_render(kling(sim), make_request(), tmp_path / "b")
    assert first.clip.sha256 != second.clip.sha256
    reset_simulator(sim)  # a fresh simulator gives the same first repeat again
    assert run_render(kling(sim), make_request(), tmp_path / "c").clip.sha256 == first.clip.sha256


def sim_clip(url: str, body: dict[str, object]) -> tuple[bytes, str]:
    """Submit ``body`` straight to the simulator, wait, download: (clip, defects header)."""
    auth = {"Authorization": f"Bearer {TEST_API_KEY}"}
    task = httpx.post(f"{url}/v1/videos/text2video", json=body, headers=auth).json()["data"]
    while task["task_status"] != "succeed":
        task = httpx.get(f"{url}/v1/videos/text2video/{task['task_id']}", headers=auth).json()["data"]
    download = httpx.get(task["task_result"]["videos"][0]["url"])
    return download.content, download.headers[DEFECTS_HEADER]


def test_a_seed_the_model_honours_gives_the_same_clip(sim: str) -> None:
    body = {"model_name": "kling-v2-6", "prompt": "a cat, Motion intensity 8/10", "seed": 42}
    first, second = sim_clip(sim, body), sim_clip(sim, body)
    assert first == second
    assert sim_clip(sim, {**body, "seed": 43})[0] != first[0]
    response = httpx.post(f"{sim}/v1/videos/text2video", json={**body, "seed": "x"},
                          headers={"Authorization": f"Bearer {TEST_API_KEY}"})
    assert response.json()["message"] == "seed must be a non-negative integer"


def test_expired_and_premature_tokens_are_refused(sim: str, tmp_path: Path) -> None:
    expired = kling(sim, clock=FastForwardClock(start=time.time() - 3600))
    failure = render_failure(expired, make_request(), tmp_path)
    assert failure.outcome is Outcome.AUTH_FAILED and failure.provider_code == "1004"
    early = kling(sim, clock=FastForwardClock(start=time.time() + 600))
    failure = render_failure(early, make_request(), tmp_path)
    assert failure.outcome is Outcome.AUTH_FAILED and failure.provider_code == "1003"


def test_wrong_secret_is_refused(sim: str, tmp_path: Path) -> None:
    env = {**simulator_env(), "KLING_SECRET_KEY": "not-the-simulator-secret-0123456789ab"}
    provider = KlingProvider.from_env(env, base_url=sim, poll_interval=0.02)
    failure = render_failure(provider, make_request(), tmp_path)
    assert failure.outcome is Outcome.AUTH_FAILED and failure.provider_code == "1002"
    assert simulator_state(sim)["tasks_created"] == 0


# fault, extra fault settings, expected outcome (None: the render recovers and succeeds)
FAULTS = [
    ("rate_limit", {"times": 2, "seconds": 0.05}, None),
    ("rate_limit", {"times": None, "seconds": 0.01}, Outcome.RATE_LIMITED),
    ("concurrency_limit", {"times": 1}, None),
    ("server_error", {"times": 1, "status": 503}, None),
    ("server_error", {"times": None}, Outcome.PROVIDER_FAILED),
    ("drop_connection", {"on": "poll"}, None),
    ("malformed_json", {"on": "poll"}, None),
    ("latency", {"on": "poll", "seconds": 0.2}, None),
    ("moderation_input", {}, Outcome.MODERATION_INPUT),
    ("moderation_output", {}, Outcome.MODERATION_OUTPUT),
    ("insufficient_credits", {}, Outcome.INSUFFICIENT_CREDITS),
    ("task_failed", {}, Outcome.PROVIDER_FAILED),
    ("truncated_download", {}, None),
    ("truncated_download", {"times": None, "consistent_length": True}, Outcome.PROVIDER_FAILED),
]


@pytest.mark.parametrize(("kind", "settings", "outcome"), FAULTS,
                         ids=[f"{k}-{o.value if o else 'recovers'}" for k, _, o in FAULTS])
def test_fault_gives_the_right_outcome(sim: str, tmp_path: Path, kind: str, settings: dict,
                                       outcome: Outcome | None) -> None:
    set_faults(sim, {"kind": kind, **settings})
    started = time.monotonic()
    if outcome is None:
        result = run_render(kling(sim), make_request(), tmp_path, deadline_s=20)
        assert result.ok and result.cost_usd == pytest.approx(0.21)
    else:
        failure = render_failure(kling(sim), make_request(), tmp_path, deadline_s=20)
        assert failure.outcome is outcome, str(failure)
    assert time.monotonic() - started < 10
    state = simulator_state(sim)
    assert state["tasks_created"] <= 1, "a render must never submit twice"
    finished = outcome is None or kind == "truncated_download"
    assert state["units_charged"] == (1.5 if finished else 0)
    if outcome is not None:
        assert failure.cost_usd == pytest.approx(0.21 if finished else 0)
    assert all(f.suffix == ".mp4" for f in media_files(tmp_path))
    assert len(media_files(tmp_path)) == (1 if outcome is None else 0)


@pytest.mark.parametrize("kind", ["drop_connection", "malformed_json"])
def test_garbled_submit_answer_is_not_resent(sim: str, tmp_path: Path, kind: str) -> None:
    set_faults(sim, {"kind": kind, "on": "submit"})
    failure = render_failure(kling(sim), make_request(), tmp_path)
    assert not failure.failover
    assert failure.outcome is Outcome.PROVIDER_FAILED and "charged twice" in failure.message
    state = simulator_state(sim)
    assert state["calls"]["submit"] == 1 and state["tasks_created"] == 1


def test_slow_answers_hit_the_deadline(sim: str, tmp_path: Path) -> None:
    set_faults(sim, {"kind": "latency", "on": "poll", "seconds": 3, "times": None})
    started = time.monotonic()
    failure = render_failure(kling(sim), make_request(), tmp_path, deadline_s=0.6)
    assert failure.outcome is Outcome.TIMEOUT
    assert time.monotonic() - started < 2.5


def test_fault_can_target_one_prompt(sim: str, tmp_path: Path) -> None:
    set_faults(sim, {"kind": "moderation_input", "match": "wolf", "times": None})
    assert run_render(kling(sim), make_request(), tmp_path).ok
    failure = render_failure(kling(sim), make_request(prompt="a grey wolf howls"), tmp_path)
    assert failure.outcome is Outcome.MODERATION_INPUT


def test_simulator_rejects_kling_format_mistakes(sim: str, tmp_path: Path) -> None:
    failure = render_failure(kling(sim), make_request(model="kling-v1-5"), tmp_path)
    assert failure.outcome is Outcome.INVALID_PARAMETERS  # refused before sending
    assert simulator_state(sim)["calls"].get("submit", 0) == 0

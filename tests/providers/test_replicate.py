"""Replicate adapter against the documented request and response shapes (MockTransport)."""

from pathlib import Path

import httpx
import pytest

from reelgate.providers.errors import Outcome
from tests.providers.contract.answers import answer_check
from tests.providers.contract.fakes import PREDICTION as PID
from tests.providers.contract.fakes import replicate_prediction
from tests.providers.factories import (
    Recorder,
    clip_bytes,
    json_body,
    make_provider,
    make_request,
    render_failure,
    run_render,
)

OUTPUT = "https://replicate.delivery/xezq/output.mp4"


def prediction(status: str, **extra: object) -> dict:
    return replicate_prediction(status, **extra)


def replicate_flow(final: dict | None = None, output: object = OUTPUT):
    def routes(request: httpx.Request, n: int) -> httpx.Response:
        if request.url.host == "replicate.delivery":
            return httpx.Response(200, content=clip_bytes())
        if request.method == "POST":
            return httpx.Response(201, json=prediction("starting"))
        if n == 2:
            return httpx.Response(200, json=prediction("processing"))
        return httpx.Response(200, json=final or prediction("succeeded", output=output))

    return Recorder(routes, check=answer_check("replicate"))


def test_prediction_body_and_flow(tmp_path: Path) -> None:
    recorder = replicate_flow()
    request = make_request(provider="replicate", model="kwaivgi/kling-v2.6", duration=10,
                           resolution="1080p")
    result = run_render(make_provider("replicate", recorder), request, tmp_path)
    create = recorder.calls("POST")[0]
    assert str(create.url) == "https://api.replicate.com/v1/models/kwaivgi/kling-v2.6/predictions"
    assert create.headers["authorization"] == "Bearer r8_test_token_0a1b2c3d4e"
    assert json_body(create) == {"input": {
        "prompt": "a red fox trots through fresh snow at dawn. "
        "Motion intensity 5/10, moderate movement.",
        "duration": 10,
        "negative_prompt": "blur, extra limbs",
        "aspect_ratio": "16:9",
        "generate_audio": False,
    }}
    assert {r.url.path for r in recorder.calls("GET", "/predictions/")} == {
        f"/v1/predictions/{PID}"}
    assert result.ok and result.cost_usd == pytest.approx(0.7)


def test_v21_needs_start_image_and_mode(tmp_path: Path) -> None:
    recorder = replicate_flow(output=[OUTPUT])
    request = make_request(provider="replicate", model="kwaivgi/kling-v2.1",
                           reference_image="https://example.com/first.png", resolution="1080p")
    result = run_render(make_provider("replicate", recorder), request, tmp_path)
    inputs = json_body(recorder.calls("POST")[0])["input"]
    assert inputs["start_image"] == "https://example.com/first.png" and inputs["mode"] == "pro"
    assert "aspect_ratio" not in inputs and "generate_audio" not in inputs
    assert result.ok and result.cost_source.startswith("assumed")


def test_failed_prediction_with_nsfw_error_is_moderation(tmp_path: Path) -> None:
    final = prediction("failed", error="NSFW content detected in output")
    failure = render_failure(make_provider("replicate", replicate_flow(final)),
                             make_request(provider="replicate", model="kwaivgi/kling-v2.6", resolution="1080p"),
                             tmp_path)
    assert failure.outcome is Outcome.MODERATION_OUTPUT


@pytest.mark.parametrize(("status", "detail", "outcome"), [
    (402, "You have insufficient credit to run this model", Outcome.INSUFFICIENT_CREDITS),
    (401, "Invalid token", Outcome.AUTH_FAILED),
    (422, "Invalid type. Expected: integer, given: string", Outcome.INVALID_PARAMETERS),
    (404, "The requested resource could not be found", Outcome.INVALID_PARAMETERS),
])
def test_problem_details_map_to_outcomes(tmp_path: Path, status: int, detail: str,
                                         outcome: Outcome) -> None:
    problem = {"type": "https://replicate.com/docs/errors", "title": "Error", "status": status,
               "detail": detail}
    recorder = Recorder(lambda request, n: httpx.Response(status, json=problem))
    failure = render_failure(make_provider("replicate", recorder),
                             make_request(provider="replicate", model="kwaivgi/kling-v2.6", resolution="1080p"),
                             tmp_path)
    assert failure.outcome is outcome and detail in failure.message


def test_throttle_detail_gives_the_wait(tmp_path: Path) -> None:
    def routes(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            return httpx.Response(429, json={
                "detail": "Request was throttled. Your rate limit resets in ~2s."})
        return replicate_flow().routes(request, n)

    result = run_render(make_provider("replicate", Recorder(routes)),
                        make_request(provider="replicate", model="kwaivgi/kling-v2.6", resolution="1080p"), tmp_path)
    assert result.ok and result.timings.submit_s >= 2.0


def test_kling_v2_6_renders_1080p_only() -> None:
    from reelgate.plan.capabilities import check_capabilities

    issues = check_capabilities(make_request(provider="replicate", model="kwaivgi/kling-v2.6",
                                             resolution="720p"))
    assert [i.field for i in issues if i.severity == "error"] == ["output.resolution"]


def test_kling_v2_5_turbo_pro_gets_no_generate_audio(tmp_path: Path) -> None:
    recorder = replicate_flow()
    run_render(make_provider("replicate", recorder),
               make_request(provider="replicate", model="kwaivgi/kling-v2.5-turbo-pro"), tmp_path)
    inputs = json_body(recorder.calls("POST")[0])["input"]
    assert "generate_audio" not in inputs and inputs["aspect_ratio"] == "16:9"

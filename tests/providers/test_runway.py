"""Runway adapter against the documented request and response shapes (MockTransport)."""

import base64
from pathlib import Path

import httpx
import pytest

from reelgate.preset.camera import parse_camera
from reelgate.providers.errors import MissingCredentialsError, Outcome
from reelgate.providers.runway import RunwayProvider
from tests.providers.contract.answers import answer_check
from tests.providers.contract.fakes import TASK, runway_created, runway_task
from tests.providers.factories import (
    Recorder,
    clip_bytes,
    json_body,
    make_provider,
    make_request,
    render_failure,
    run_render,
)

OUTPUT = "https://dnznrvs05pmza.cloudfront.net/output.mp4"


def runway_flow(final: dict | None = None, create_status: int = 200):
    def routes(request: httpx.Request, n: int) -> httpx.Response:
        if request.url.host == "dnznrvs05pmza.cloudfront.net":
            return httpx.Response(200, content=clip_bytes())
        if request.method == "POST":
            return httpx.Response(create_status, json=runway_created())
        if n == 2:
            return httpx.Response(200, json=runway_task("THROTTLED"))
        if n == 3:
            return httpx.Response(200, json=runway_task("RUNNING"))
        return httpx.Response(200, json=final or runway_task("SUCCEEDED", output=OUTPUT))

    return Recorder(routes, check=answer_check("runway"))


def gen4_request(tmp_path: Path, **overrides):
    image = tmp_path / "first.png"
    image.write_bytes(b"\x89PNG first frame")
    fields = {"provider": "runway", "model": "gen4_turbo", "reference_image": str(image),
              "seed": 42, "camera": parse_camera("gentle pan left")}
    return make_request(**{**fields, **overrides})


def test_image_to_video_body_and_headers(tmp_path: Path) -> None:
    recorder = runway_flow()
    request = gen4_request(tmp_path)
    result = run_render(make_provider("runway", recorder), request, tmp_path)

    create = recorder.calls("POST")[0]
    assert str(create.url) == "https://api.dev.runwayml.com/v1/image_to_video"
    assert create.headers["authorization"] == "Bearer rw-test-key-1b2c3d4e5f"
    assert create.headers["x-runway-version"] == "2024-11-06"
    image_b64 = base64.b64encode(b"\x89PNG first frame").decode()
    assert json_body(create) == {
        "model": "gen4_turbo",
        "promptText": "a red fox trots through fresh snow at dawn. Camera: gentle pan-left. "
        "Motion intensity 5/10, moderate movement.",
        "ratio": "1280:720",
        "duration": 5,
        "promptImage": f"data:image/png;base64,{image_b64}",
        "seed": 42,
    }
    assert [r.url.path for r in recorder.calls("GET", "/v1/tasks/")] == [f"/v1/tasks/{TASK}"] * 3
    # a terminal task always reports cost.credits (runwayml 5.24 SucceededCost): 25 credits
    assert result.ok and result.cost_usd == pytest.approx(0.25)
    assert result.cost_source == "provider"


def test_text_to_video_on_veo_sends_negative_prompt(tmp_path: Path) -> None:
    recorder = runway_flow()
    request = make_request(provider="runway", model="veo3.1", duration=8, aspect_ratio="9:16",
                           seed=9)
    run_render(make_provider("runway", recorder), request, tmp_path)
    create = recorder.calls("POST")[0]
    body = json_body(create)
    assert create.url.path == "/v1/text_to_video"
    assert body["ratio"] == "720:1280" and body["duration"] == 8
    assert body["negativePrompt"] == "blur, extra limbs"
    # runwayml 5.24 Veo3_1 takes a seed and an audio flag (audio costs more: sent off).
    assert body["seed"] == 9 and body["audio"] is False


def test_veo_renders_1080p_and_gen4_5_does_not() -> None:
    from reelgate.plan.capabilities import check_capabilities

    veo = make_request(provider="runway", model="veo3.1", duration=8, resolution="1080p")
    assert not [i for i in check_capabilities(veo) if i.severity == "error"]
    gen = make_request(provider="runway", model="gen4.5", duration=8, resolution="1080p")
    assert [i.field for i in check_capabilities(gen) if i.severity == "error"] == [
        "output.resolution"]


def test_act_two_maps_motion_to_expression_intensity(tmp_path: Path) -> None:
    recorder = runway_flow()
    request = make_request(provider="runway", model="act_two", motion_score=10,
                           reference_image="https://example.com/face.png",
                           reference_video="https://example.com/performance.mp4")
    run_render(make_provider("runway", recorder), request, tmp_path)
    create = recorder.calls("POST")[0]
    assert create.url.path == "/v1/character_performance"
    body = json_body(create)
    assert body["character"] == {"type": "image", "uri": "https://example.com/face.png"}
    assert body["reference"] == {"type": "video", "uri": "https://example.com/performance.mp4"}
    assert body["expressionIntensity"] == 5 and body["bodyControl"] is True
    assert "Motion intensity" not in json_body(create).get("promptText", "")


def test_aleph2_video_to_video_sends_no_ratio(tmp_path: Path) -> None:
    recorder = runway_flow()
    request = make_request(provider="runway", model="aleph2", reference_video="https://example.com/"
                           "source.mp4", reference_image="https://example.com/look.png", seed=1)
    run_render(make_provider("runway", recorder), request, tmp_path)
    body = json_body(recorder.calls("POST")[0])
    assert recorder.calls("POST")[0].url.path == "/v1/video_to_video"
    assert body["model"] == "aleph2" and body["videoUri"] == "https://example.com/source.mp4"
    # runwayml 5.24 video_to_video: aleph2's ratio is deprecated; images go in as keyframes.
    assert "ratio" not in body and "references" not in body and body["seed"] == 1
    assert body["keyframes"] == [{"at": 0.0, "uri": "https://example.com/look.png"}]


@pytest.mark.parametrize("model", ["veo3", "gen4_aleph"])
def test_models_gone_from_the_sdk_are_rejected(model: str) -> None:
    from reelgate.plan.capabilities import check_capabilities

    issues = check_capabilities(make_request(provider="runway", model=model, duration=8,
                                             reference_video="https://example.com/source.mp4"))
    assert [i.field for i in issues if i.severity == "error"] == ["provider.model"]


def test_data_uri_video_over_five_mb_is_refused(tmp_path: Path) -> None:
    video = tmp_path / "performance.mp4"
    video.write_bytes(b"\0" * (5 * 1024 * 1024 + 1))
    request = make_request(provider="runway", model="act_two", reference_video=str(video),
                           reference_image="https://example.com/face.png")
    failure = render_failure(make_provider("runway", runway_flow()), request, tmp_path)
    assert failure.outcome is Outcome.INVALID_PARAMETERS and "at most 5 MB" in failure.message


def test_terminal_task_cost_credits_are_the_recorded_cost(tmp_path: Path) -> None:
    final = runway_task("SUCCEEDED", output=OUTPUT, cost={"credits": 37})
    result = run_render(make_provider("runway", runway_flow(final)), gen4_request(tmp_path),
                        tmp_path)
    assert result.cost_source == "provider" and result.cost_usd == pytest.approx(0.37)


def test_failed_task_records_the_credits_runway_kept(tmp_path: Path) -> None:
    # runwayml 5.24 FailedCost: "tasks that later returned unused prepaid credits report what
    # remains charged"; a fully refunded one reports 0.
    final = runway_task("FAILED", failure="bad output",
                        failureCode="INTERNAL.BAD_OUTPUT.CODE01", cost={"credits": 12})
    failure = render_failure(make_provider("runway", runway_flow(final)), gen4_request(tmp_path),
                             tmp_path)
    assert failure.outcome is Outcome.PROVIDER_FAILED and failure.cost_usd == pytest.approx(0.12)


@pytest.mark.parametrize(("code", "outcome"), [
    ("SAFETY.INPUT.TEXT", Outcome.MODERATION_INPUT),
    ("SAFETY.OUTPUT.VIDEO", Outcome.MODERATION_OUTPUT),
    ("INTERNAL.BAD_OUTPUT.CODE01", Outcome.PROVIDER_FAILED),
    ("ASSET.INVALID", Outcome.INVALID_PARAMETERS),
])
def test_failure_codes(tmp_path: Path, code: str, outcome: Outcome) -> None:
    final = runway_task("FAILED", failure="it went wrong", failureCode=code)
    failure = render_failure(make_provider("runway", runway_flow(final)), gen4_request(tmp_path),
                             tmp_path)
    assert failure.outcome is outcome and failure.provider_code == code


def test_cancelled_task_is_a_provider_failure(tmp_path: Path) -> None:
    final = runway_task("CANCELLED")
    failure = render_failure(make_provider("runway", runway_flow(final)), gen4_request(tmp_path),
                             tmp_path)
    assert failure.outcome is Outcome.PROVIDER_FAILED and "cancelled" in failure.message


@pytest.mark.parametrize(("status", "body", "outcome", "tries"), [
    (400, {"error": "promptImage must be a valid URL"}, Outcome.INVALID_PARAMETERS, 1),
    (400, {"error": "You do not have enough credits"}, Outcome.INSUFFICIENT_CREDITS, 1),
    (401, {"error": "Invalid API key"}, Outcome.AUTH_FAILED, 1),
    (429, {"error": "daily limit"}, Outcome.RATE_LIMITED, 3),
    (503, {"error": "overloaded"}, Outcome.PROVIDER_FAILED, 3),
])
def test_http_errors(tmp_path: Path, status: int, body: dict, outcome: Outcome,
                     tries: int) -> None:
    recorder = Recorder(lambda request, n: httpx.Response(status, json=body))
    failure = render_failure(make_provider("runway", recorder), gen4_request(tmp_path), tmp_path)
    assert failure.outcome is outcome and body["error"] in failure.message
    assert len(recorder.requests) == tries


def test_retry_after_ms_is_honoured(tmp_path: Path) -> None:
    def routes(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            return httpx.Response(429, headers={"retry-after-ms": "1500"}, json={"error": "slow"})
        return runway_flow().routes(request, n)

    provider = make_provider("runway", Recorder(routes))
    result = run_render(provider, gen4_request(tmp_path), tmp_path)
    assert result.ok and result.timings.submit_s >= 1.5


def test_timeout_cancels_the_task(tmp_path: Path) -> None:
    recorder = Recorder(lambda request, n: httpx.Response(
        200, json=runway_created() if request.method == "POST" else runway_task("RUNNING")),
        check=answer_check("runway"))
    failure = render_failure(make_provider("runway", recorder), gen4_request(tmp_path),
                             tmp_path, deadline_s=10)
    assert failure.outcome is Outcome.TIMEOUT and TASK in failure.message
    assert [r.url.path for r in recorder.calls("DELETE")] == [f"/v1/tasks/{TASK}"]


def test_either_key_name_works() -> None:
    assert RunwayProvider.from_env({"RUNWAYML_API_SECRET": "abc-123"})
    with pytest.raises(MissingCredentialsError, match="RUNWAY_API_KEY or RUNWAYML_API_SECRET"):
        RunwayProvider.from_env({})

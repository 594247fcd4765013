"""Luma adapter against the documented request and response shapes (MockTransport)."""

from pathlib import Path

import httpx
import pytest

from reelgate.preset.camera import parse_camera
from reelgate.providers.errors import Outcome
from reelgate.providers.luma import modify_mode
from tests.providers.contract.answers import answer_check
from tests.providers.factories import (
    Recorder,
    clip_bytes,
    json_body,
    make_provider,
    make_request,
    render_failure,
    run_render,
)

GEN = "c1a3f3b2-5f1e-4a53-b56f-e4e1a8a1a9c3"
VIDEO = "https://storage.cdn-luma.com/dream_machine/c1a3/video.mp4"


def generation(state: str, **extra: object) -> dict:
    return {"id": GEN, "generation_type": "video", "state": state, "failure_reason": None,
            "assets": None, "model": "ray-2", **extra}


def luma_flow(final: dict | None = None):
    def routes(request: httpx.Request, n: int) -> httpx.Response:
        if request.url.host == "storage.cdn-luma.com":
            return httpx.Response(200, content=clip_bytes())
        if request.method == "POST":
            return httpx.Response(201, json=generation("queued"))
        if n == 2:
            return httpx.Response(200, json=generation("dreaming"))
        return httpx.Response(200, json=final or generation("completed",
                                                            assets={"video": VIDEO}))

    return Recorder(routes, check=answer_check("luma"))


def luma_request(**overrides: object):
    fields = {"provider": "luma", "model": "ray-2", "camera": parse_camera("slow orbit left"),
              "seed": 4, "aspect_ratio": "21:9", "resolution": "1080p"}
    return make_request(**{**fields, **overrides})


def test_generation_body_with_camera_concept(tmp_path: Path) -> None:
    recorder = luma_flow()
    result = run_render(make_provider("luma", recorder), luma_request(), tmp_path)
    create = recorder.calls("POST")[0]
    assert str(create.url) == "https://api.lumalabs.ai/dream-machine/v1/generations/video"
    assert create.headers["authorization"] == "Bearer luma-test-key-6a7b8c9d"
    assert json_body(create) == {
        "model": "ray-2",
        "prompt": "a red fox trots through fresh snow at dawn. "
        "Motion intensity 5/10, moderate movement.",
        "aspect_ratio": "21:9",
        "duration": "5s",
        "resolution": "1080p",
        "concepts": [{"key": "orbit_left"}],
    }
    assert [r.url.path for r in recorder.calls("GET", "/generations/")] == [
        f"/dream-machine/v1/generations/{GEN}"] * 2
    assert result.ok and result.cost_usd == pytest.approx(1.59)


def test_image_keyframe_and_tracking_in_prompt(tmp_path: Path) -> None:
    recorder = luma_flow()
    request = luma_request(camera=parse_camera("tracking"), duration=9,
                           reference_image="https://example.com/start.jpg")
    run_render(make_provider("luma", recorder), request, tmp_path)
    body = json_body(recorder.calls("POST")[0])
    assert body["keyframes"] == {"frame0": {"type": "image", "url": "https://example.com/start.jpg"}}
    assert "concepts" not in body and "Camera: tracking." in body["prompt"]
    assert body["duration"] == "9s"


def test_zoom_reads_as_zoom_concept() -> None:
    from reelgate.providers.luma import concept_for

    assert concept_for(parse_camera("zoom in")) == "zoom_in"
    assert concept_for(parse_camera("dolly in")) == "push_in"


def test_reference_video_uses_modify_with_motion_as_mode(tmp_path: Path) -> None:
    recorder = luma_flow()
    request = luma_request(reference_video="https://example.com/src.mp4", motion_score=9.5)
    run_render(make_provider("luma", recorder), request, tmp_path)
    create = recorder.calls("POST")[0]
    assert create.url.path.endswith("/generations/video/modify")
    body = json_body(create)
    assert body["generation_type"] == "modify_video"
    assert body["media"] == {"url": "https://example.com/src.mp4"}
    assert body["mode"] == "reimagine_3"
    assert "Motion intensity" not in body["prompt"]


def test_modify_modes_span_adhere_to_reimagine() -> None:
    assert [modify_mode(s) for s in (0, 3.4, 5, 10)] == ["adhere_1", "flex_1", "flex_2",
                                                         "reimagine_3"]
    assert modify_mode(None) == "flex_1"


def test_local_reference_is_refused_before_sending(tmp_path: Path) -> None:
    recorder = luma_flow()
    failure = render_failure(make_provider("luma", recorder),
                             luma_request(reference_image="/abs/start.jpg"), tmp_path)
    assert failure.outcome is Outcome.INVALID_PARAMETERS and "https URL" in failure.message
    assert recorder.requests == []


def test_moderation_failure_after_acceptance(tmp_path: Path) -> None:
    final = generation("failed", failure_reason="Advanced moderation failed")
    failure = render_failure(make_provider("luma", luma_flow(final)), luma_request(), tmp_path)
    assert failure.outcome is Outcome.MODERATION_OUTPUT


@pytest.mark.parametrize(("status", "detail", "outcome"), [
    (400, "400: prompt failed moderation", Outcome.MODERATION_INPUT),
    (400, "concepts are not supported for this model", Outcome.INVALID_PARAMETERS),
    (402, "Insufficient credits", Outcome.INSUFFICIENT_CREDITS),
    (403, "Forbidden", Outcome.AUTH_FAILED),
    (429, "Too many requests", Outcome.RATE_LIMITED),
])
def test_http_errors(tmp_path: Path, status: int, detail: str, outcome: Outcome) -> None:
    recorder = Recorder(lambda request, n: httpx.Response(status, json={"detail": detail}))
    failure = render_failure(make_provider("luma", recorder), luma_request(), tmp_path)
    assert failure.outcome is outcome and detail in failure.message


def test_the_sdk_key_name_is_read_first_and_the_old_one_still_works() -> None:
    from reelgate.providers.errors import MissingCredentialsError
    from reelgate.providers.luma import LumaProvider

    # LUMAAI_API_KEY is what the official lumaai SDK reads (lumaai 1.21.0, _client.py).
    (key,) = LumaProvider.read_credentials({"LUMAAI_API_KEY": "sdk-name-key-1234"})
    assert key.reveal() == "sdk-name-key-1234"
    (key,) = LumaProvider.read_credentials({"LUMAAI_API_KEY": "sdk-name-key-1234",
                                            "LUMA_API_KEY": "old-name-key-5678"})
    assert key.reveal() == "sdk-name-key-1234"
    (key,) = LumaProvider.read_credentials({"LUMA_API_KEY": "old-name-key-5678"})
    assert key.reveal() == "old-name-key-5678"
    with pytest.raises(MissingCredentialsError, match="LUMAAI_API_KEY or LUMA_API_KEY"):
        LumaProvider.read_credentials({})

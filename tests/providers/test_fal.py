"""fal queue adapter against the documented request and response shapes (MockTransport)."""

from pathlib import Path

import httpx
import pytest

from reelgate.providers.errors import Outcome
from tests.providers.contract.answers import answer_check
from tests.providers.contract.fakes import fal_status
from tests.providers.factories import (
    Recorder,
    clip_bytes,
    json_body,
    make_provider,
    make_request,
    media_files,
    render_failure,
    run_render,
)

APP = "fal-ai/kling-video/v2.6/pro/text-to-video"
RID = "764cabcf-b745-4b3e-ae38-1200304cf45b"
VIDEO = "https://v3b.fal.media/files/b/output.mp4"


def fal_flow(completed: dict | None = None, file_size: int | None = None):
    size = len(clip_bytes()) if file_size is None else file_size

    def routes(request: httpx.Request, n: int) -> httpx.Response:
        path = request.url.path
        if request.url.host == "v3b.fal.media":
            return httpx.Response(200, content=clip_bytes())
        if request.method == "POST":
            return httpx.Response(200, json={
                "request_id": RID,
                "status_url": f"https://queue.fal.run/fal-ai/kling-video/requests/{RID}/status",
                "response_url": f"https://queue.fal.run/fal-ai/kling-video/requests/{RID}",
                "cancel_url": f"https://queue.fal.run/fal-ai/kling-video/requests/{RID}/cancel"})
        if path.endswith("/status"):
            if n == 2:
                return httpx.Response(202, json={"status": "IN_QUEUE", "queue_position": 0})
            if n == 3:
                return httpx.Response(202, json={"status": "IN_PROGRESS", "logs": []})
            return httpx.Response(200, json=completed or {
                "status": "COMPLETED", "logs": [], "metrics": {"inference_time": 40.1},
                "error": None, "error_type": None})
        return httpx.Response(200, json={"video": {"url": VIDEO, "content_type": "video/mp4",
                                                   "file_name": "output.mp4",
                                                   "file_size": size}})

    return Recorder(routes, check=answer_check("fal"))


def test_submit_status_result_and_download(tmp_path: Path) -> None:
    recorder = fal_flow()
    request = make_request(provider="fal", model=APP, resolution="1080p", duration=10)
    result = run_render(make_provider("fal", recorder), request, tmp_path)

    create = recorder.calls("POST")[0]
    assert str(create.url) == f"https://queue.fal.run/{APP}"
    assert create.headers["authorization"] == "Key fal-id-1234:fal-secret-abcdef"
    assert json_body(create) == {
        "prompt": "a red fox trots through fresh snow at dawn. "
        "Motion intensity 5/10, moderate movement.",
        "duration": "10",
        "negative_prompt": "blur, extra limbs",
        "aspect_ratio": "16:9",
        "generate_audio": False,
    }
    status_paths = {r.url.path for r in recorder.calls("GET", "/status")}
    assert status_paths == {f"/fal-ai/kling-video/requests/{RID}/status"}
    assert [r.url.path for r in recorder.requests if r.url.path.endswith(RID)] == [
        f"/fal-ai/kling-video/requests/{RID}"]
    assert result.ok and not result.cost_source.startswith("assumed")
    assert result.cost_usd == pytest.approx(0.70)  # fal's $0.07/s with audio off, 10 s


def test_image_to_video_and_motion_control(tmp_path: Path) -> None:
    image = tmp_path / "still.jpg"
    image.write_bytes(b"\xff\xd8 jpeg bytes")
    recorder = fal_flow()
    request = make_request(provider="fal", model="fal-ai/kling-video/v2.1/master/image-to-video",
                           reference_image=str(image), resolution="1080p")
    run_render(make_provider("fal", recorder), request, tmp_path)
    body = json_body(recorder.calls("POST")[0])
    assert body["image_url"].startswith("data:image/jpeg;base64,")
    assert "aspect_ratio" not in body

    recorder = fal_flow()
    request = make_request(provider="fal", model="fal-ai/kling-video/v2.6/pro/motion-control",
                           resolution="1080p", reference_image="https://x.example/a.png",
                           reference_video="https://x.example/b.mp4")
    run_render(make_provider("fal", recorder), request, tmp_path)
    body = json_body(recorder.calls("POST")[0])
    assert body["keep_original_sound"] is False and body["character_orientation"] == "image"
    assert body["video_url"] == "https://x.example/b.mp4"


def test_veo_duration_and_seed(tmp_path: Path) -> None:
    recorder = fal_flow()
    request = make_request(provider="fal", model="fal-ai/veo3", duration=8, seed=11)
    result = run_render(make_provider("fal", recorder), request, tmp_path)
    body = json_body(recorder.calls("POST")[0])
    assert body["duration"] == "8s" and body["seed"] == 11 and body["resolution"] == "720p"
    assert recorder.calls("GET", "/fal-ai/veo3/requests/")
    assert result.cost_usd == pytest.approx(3.2)


def test_completed_with_error_is_a_failure(tmp_path: Path) -> None:
    completed = fal_status("COMPLETED", error="Output flagged by content checker",
                           error_type="content_policy_violation")
    failure = render_failure(make_provider("fal", fal_flow(completed)),
                             make_request(provider="fal", model=APP, resolution="1080p"),
                             tmp_path)
    assert failure.outcome is Outcome.MODERATION_OUTPUT


def test_wrong_file_size_is_not_stored(tmp_path: Path) -> None:
    failure = render_failure(make_provider("fal", fal_flow(file_size=10)),
                             make_request(provider="fal", model=APP, resolution="1080p"),
                             tmp_path)
    assert failure.outcome is Outcome.PROVIDER_FAILED
    assert "reported 10 bytes" in failure.message and media_files(tmp_path) == []


@pytest.mark.parametrize(("status", "body", "outcome"), [
    (422, {"detail": [{"loc": ["body", "prompt"], "msg": "flagged",
                       "type": "content_policy_violation"}]}, Outcome.MODERATION_INPUT),
    (422, {"detail": [{"loc": ["body", "duration"], "msg": "must be 5 or 10",
                       "type": "value_error"}]}, Outcome.INVALID_PARAMETERS),
    (403, {"detail": "User is locked. Reason: Exhausted balance"}, Outcome.INSUFFICIENT_CREDITS),
    (401, {"detail": "Invalid key"}, Outcome.AUTH_FAILED),
])
def test_http_errors(tmp_path: Path, status: int, body: dict, outcome: Outcome) -> None:
    recorder = Recorder(lambda request, n: httpx.Response(status, json=body))
    failure = render_failure(make_provider("fal", recorder),
                             make_request(provider="fal", model=APP, resolution="1080p"),
                             tmp_path)
    assert failure.outcome is outcome
    if status == 422:
        assert "body." in failure.message


def test_server_error_marked_not_retryable_is_not_retried(tmp_path: Path) -> None:
    recorder = Recorder(lambda request, n: httpx.Response(
        500, headers={"x-fal-retryable": "false", "x-fal-error-type": "internal_error"},
        json={"detail": "boom"}))
    failure = render_failure(make_provider("fal", recorder),
                             make_request(provider="fal", model=APP, resolution="1080p"),
                             tmp_path)
    assert failure.outcome is Outcome.PROVIDER_FAILED and len(recorder.requests) == 1
    assert failure.provider_code == "internal_error"


# The apps fal documents today (issue 13): no v2.1 standard/pro text-to-video exists.
GONE = ("fal-ai/kling-video/v2.1/standard/text-to-video", "fal-ai/kling-video/v2.1/pro/text-to-video")


def test_default_model_and_catalogue_hold_only_apps_that_exist() -> None:
    from reelgate.providers.fal import MODELS, FalProvider

    assert FalProvider.default_model in MODELS
    assert not set(GONE) & set(MODELS)
    for app in ("v2.1/master", "v2.5-turbo/pro", "v2.6/pro", "v3/standard", "v3/pro"):
        assert f"fal-ai/kling-video/{app}/text-to-video" in MODELS
    assert "fal-ai/kling-video/v3/pro/image-to-video" in MODELS


def test_example_failovers_use_catalogued_apps() -> None:
    import yaml

    from reelgate.providers.fal import MODELS

    root = Path(__file__).resolve().parents[2] / "presets"
    found: list[str] = []
    for path in [root / "scenarios.yaml", *root.glob("*/*.yaml")]:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
        blocks = list((data.get("scenarios") or {}).values()) if "scenarios" in data else [data]
        found += [b["failover"]["model"] for b in blocks
                  if isinstance(b, dict) and (b.get("failover") or {}).get("name") == "fal"]
    assert found and all(model in MODELS for model in found), sorted(set(found) - set(MODELS))


def test_v3_text_to_video_body(tmp_path: Path) -> None:
    recorder = fal_flow()
    app = "fal-ai/kling-video/v3/standard/text-to-video"
    run_render(make_provider("fal", recorder), make_request(provider="fal", model=app, duration=12),
               tmp_path)
    body = json_body(recorder.calls("POST")[0])
    # v3 takes "3".."15" as strings, and its generate_audio defaults to true: sent as false.
    assert body["duration"] == "12" and body["generate_audio"] is False
    assert body["aspect_ratio"] == "16:9" and "image_url" not in body


def test_v3_image_to_video_sends_start_image_url(tmp_path: Path) -> None:
    recorder = fal_flow()
    request = make_request(provider="fal", model="fal-ai/kling-video/v3/pro/image-to-video",
                           resolution="1080p", reference_image="https://x.example/first.png")
    run_render(make_provider("fal", recorder), request, tmp_path)
    body = json_body(recorder.calls("POST")[0])
    assert body["start_image_url"] == "https://x.example/first.png"
    assert "image_url" not in body and "aspect_ratio" not in body

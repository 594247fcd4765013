"""Kling adapter against the documented request and response shapes (MockTransport)."""

import base64
from pathlib import Path

import httpx
import jwt
import pytest

from reelgate.preset.camera import parse_camera
from reelgate.providers.errors import MissingCredentialsError, Outcome
from reelgate.providers.kling import KlingProvider
from tests.providers.contract.answers import answer_check
from tests.providers.factories import (
    SECRETS,
    Recorder,
    clip_bytes,
    json_body,
    make_provider,
    make_request,
    render_failure,
    run_render,
)

CDN = "https://cdn.klingai.example/video-001.mp4"
# Kling stamps every task with both times, in ms (API reference, task fields).
TIMES = {"created_at": 1722769557708, "updated_at": 1722769557708}


def kling_flow(final_units: str | None = "1.5", fail_msg: str | None = None):
    """Create -> submitted, then processing, then succeed/failed, then the CDN download."""

    def routes(request: httpx.Request, n: int) -> httpx.Response:
        if request.url.host == "cdn.klingai.example":
            return httpx.Response(200, content=clip_bytes())
        if request.method == "POST":
            return httpx.Response(200, json={"code": 0, "message": "success",
                                             "request_id": "req-001",
                                             "data": {"task_id": "8600", "task_status": "submitted",
                                                      **TIMES}})
        data: dict = {"task_id": "8600", "task_status": "processing", **TIMES}
        if n >= 3:  # the second poll finds it finished
            if fail_msg:
                data = {"task_id": "8600", "task_status": "failed", "task_status_msg": fail_msg,
                        **TIMES}
            else:
                data = {"task_id": "8600", "task_status": "succeed", **TIMES,
                        "task_result": {"videos": [{"id": "vid-1", "url": CDN,
                                                    "duration": "5.0"}]}}
                if final_units is not None:
                    data["final_unit_deduction"] = final_units
        return httpx.Response(200, json={"code": 0, "message": "success",
                                         "request_id": "req-002", "data": data})

    return Recorder(routes, check=answer_check("kling"))


def test_text2video_body_field_by_field(tmp_path: Path) -> None:
    recorder = kling_flow()
    request = make_request(camera=parse_camera("slow push-in"), motion_score=7, seed=3)
    result = run_render(make_provider("kling", recorder), request, tmp_path)

    (create,) = recorder.calls("POST")
    assert str(create.url) == "https://api-singapore.klingai.com/v1/videos/text2video"
    assert json_body(create) == {
        "model_name": "kling-v2-6",
        "prompt": "a red fox trots through fresh snow at dawn. Camera: slow push-in. "
        "Motion intensity 7/10, energetic movement.",
        "negative_prompt": "blur, extra limbs",
        "mode": "std",
        "duration": "5",
        "aspect_ratio": "16:9",
    }
    polls = recorder.calls("GET", "/v1/videos/text2video/8600")
    assert len(polls) == 2
    assert result.ok and result.served_by == "kling" and result.task_id == "8600"
    assert result.cost_usd == pytest.approx(1.5 * 0.14) and result.cost_source == "provider"
    assert result.clip is not None and result.clip.path.read_bytes() == clip_bytes()
    assert result.clip.path.name == f"{result.clip.sha256}.mp4"


def test_camera_control_on_kling_v1_uses_kling_axis_names(tmp_path: Path) -> None:
    recorder = kling_flow()
    request = make_request(model="kling-v1", camera=parse_camera("fast pan right"),
                           motion_score=None)
    run_render(make_provider("kling", recorder), request, tmp_path)
    body = json_body(recorder.calls("POST")[0])
    assert body["camera_control"] == {"type": "simple", "config": {
        "horizontal": 0.0, "vertical": 0.0, "pan": 0.0, "tilt": 8.0, "roll": 0.0, "zoom": 0.0}}
    assert "Camera:" not in body["prompt"]


@pytest.mark.parametrize(("camera", "axis", "value"), [
    ("tilt up", "pan", 5.0), ("gentle tilt down", "pan", -3.0), ("slow push-in", "zoom", -2.0),
    ("pull out", "zoom", 5.0), ("slow pan left", "tilt", -2.0)])
def test_camera_moves_map_to_one_kling_axis(camera: str, axis: str, value: float) -> None:
    from reelgate.providers.kling import camera_control

    config = camera_control(parse_camera(camera))["config"]
    assert {k: v for k, v in config.items() if v} == {axis: value}


def test_image2video_sends_raw_base64_and_no_aspect(tmp_path: Path) -> None:
    image = tmp_path / "fox.png"
    image.write_bytes(b"\x89PNG fake image bytes")
    recorder = kling_flow()
    request = make_request(reference_image=str(image), resolution="1080p")
    run_render(make_provider("kling", recorder), request, tmp_path)
    create = recorder.calls("POST")[0]
    body = json_body(create)
    assert create.url.path == "/v1/videos/image2video"
    assert body["image"] == base64.b64encode(image.read_bytes()).decode()
    assert not body["image"].startswith("data:")
    assert "aspect_ratio" not in body and body["mode"] == "pro"
    assert recorder.calls("GET", "/v1/videos/image2video/8600")


def test_motion_control_body(tmp_path: Path) -> None:
    recorder = kling_flow(final_units="2.5")
    request = make_request(reference_image="https://example.com/char.png",
                           reference_video="https://example.com/dance.mp4", mode="pro",
                           resolution="1080p")
    result = run_render(make_provider("kling", recorder), request, tmp_path)
    body = json_body(recorder.calls("POST")[0])
    assert recorder.calls("POST")[0].url.path == "/v1/videos/motion-control"
    assert body == {
        "model_name": "kling-v2-6",
        "image_url": "https://example.com/char.png",
        "video_url": "https://example.com/dance.mp4",
        "character_orientation": "image",
        "keep_original_sound": "no",
        "mode": "pro",
        "prompt": body["prompt"],
    }
    assert result.cost_usd == pytest.approx(0.35)


def test_jwt_is_hs256_from_access_and_secret_key(tmp_path: Path) -> None:
    recorder = kling_flow()
    run_render(make_provider("kling", recorder), make_request(), tmp_path)
    auth = recorder.requests[0].headers["authorization"]
    assert auth.startswith("Bearer ")
    token = auth.removeprefix("Bearer ")
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, SECRETS["KLING_SECRET_KEY"], algorithms=["HS256"],
                        options={"verify_exp": False, "verify_nbf": False})
    assert claims["iss"] == SECRETS["KLING_ACCESS_KEY"]
    assert claims["exp"] - claims["nbf"] == 1805
    assert "authorization" not in {k.lower() for k in recorder.calls("GET", ".mp4")[0].headers}


def test_api_key_is_sent_as_bearer(tmp_path: Path) -> None:
    recorder = kling_flow()
    provider = make_provider("kling", recorder, env={"KLING_API_KEY": "kling-api-key-77"})
    run_render(provider, make_request(), tmp_path)
    assert recorder.requests[0].headers["authorization"] == "Bearer kling-api-key-77"


def test_missing_keys_name_the_variables() -> None:
    with pytest.raises(MissingCredentialsError, match="KLING_ACCESS_KEY and KLING_SECRET_KEY"):
        KlingProvider.from_env({})
    with pytest.raises(MissingCredentialsError, match="only one of"):
        KlingProvider.from_env({"KLING_ACCESS_KEY": "x"})


def error_reply(status: int, code: int, message: str, headers: dict | None = None):
    def routes(request: httpx.Request, n: int) -> httpx.Response:
        return httpx.Response(status, headers=headers,
                              json={"code": code, "message": message, "request_id": "r-9"})

    return Recorder(routes)


@pytest.mark.parametrize(("status", "code", "outcome", "tries"), [
    (401, 1004, Outcome.AUTH_FAILED, 1),
    (429, 1102, Outcome.INSUFFICIENT_CREDITS, 1),
    (429, 1101, Outcome.INSUFFICIENT_CREDITS, 1),
    (400, 1201, Outcome.INVALID_PARAMETERS, 1),
    (404, 1203, Outcome.INVALID_PARAMETERS, 1),
    (400, 1301, Outcome.MODERATION_INPUT, 1),
    (429, 1302, Outcome.RATE_LIMITED, 3),
    (429, 1303, Outcome.RATE_LIMITED, 3),
    (500, 5000, Outcome.PROVIDER_FAILED, 3),
    (503, 5001, Outcome.PROVIDER_FAILED, 3),
])
def test_error_codes_map_to_outcomes(tmp_path: Path, status: int, code: int, outcome: Outcome,
                                     tries: int) -> None:
    recorder = error_reply(status, code, "nope")
    failure = render_failure(make_provider("kling", recorder), make_request(), tmp_path)
    assert failure.outcome is outcome
    assert failure.provider_code == str(code) and failure.status_code == status
    assert len(recorder.requests) == tries
    assert "r-9" in failure.message


def test_task_failure_reasons(tmp_path: Path) -> None:
    moderated = render_failure(make_provider("kling", kling_flow(
        fail_msg="content failed the risk control review")), make_request(), tmp_path)
    assert moderated.outcome is Outcome.MODERATION_OUTPUT and moderated.task_id == "8600"
    broken = render_failure(make_provider("kling", kling_flow(fail_msg="internal error")),
                            make_request(), tmp_path)
    assert broken.outcome is Outcome.PROVIDER_FAILED and broken.failover


def test_cost_falls_back_to_price_table(tmp_path: Path) -> None:
    result = run_render(make_provider("kling", kling_flow(final_units=None)), make_request(),
                        tmp_path)
    assert result.cost_source.startswith("Kling kling-v2-6 std")
    assert result.cost_usd == pytest.approx(0.21)


def test_error_inside_a_200_envelope_is_an_error(tmp_path: Path) -> None:
    recorder = error_reply(200, 1201, "duration invalid")
    failure = render_failure(make_provider("kling", recorder), make_request(), tmp_path)
    assert failure.outcome is Outcome.INVALID_PARAMETERS


def test_invalid_request_is_refused_before_any_call(tmp_path: Path) -> None:
    recorder = kling_flow()
    failure = render_failure(make_provider("kling", recorder), make_request(duration=7),
                             tmp_path)
    assert failure.outcome is Outcome.INVALID_PARAMETERS
    assert "5 or 10 s" in failure.message and recorder.requests == []


def test_unreadable_or_oversized_reference_is_refused(tmp_path: Path) -> None:
    recorder = kling_flow()
    failure = render_failure(make_provider("kling", recorder),
                             make_request(reference_image=str(tmp_path / "missing.png")),
                             tmp_path)
    assert failure.outcome is Outcome.INVALID_PARAMETERS and "cannot be read" in failure.message
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (10 * 1024 * 1024 + 1))
    failure = render_failure(make_provider("kling", recorder),
                             make_request(reference_image=str(big)), tmp_path)
    assert "at most 10 MB" in failure.message and recorder.requests == []


def test_result_is_json_ready(tmp_path: Path) -> None:
    import json

    result = run_render(make_provider("kling", kling_flow()), make_request(), tmp_path)
    data = json.loads(json.dumps(result.as_dict()))
    assert data["outcome"] == "succeeded" and data["clip"].endswith(".mp4")
    assert data["timings"]["total_s"] >= data["timings"]["render_s"]


@pytest.mark.parametrize(("model", "renders", "refused"), [
    ("kling-v2-master", "720p", "1080p"),
    ("kling-v2-1-master", "1080p", "720p"),
])
def test_master_models_have_one_resolution_and_no_mode(model: str, renders: str,
                                                         refused: str, tmp_path: Path) -> None:
    from reelgate.plan.capabilities import check_capabilities

    errors = [i for i in check_capabilities(make_request(model=model, resolution=refused))
              if i.severity == "error"]
    assert [i.field for i in errors] == ["output.resolution"] and renders in errors[0].message
    moded = check_capabilities(make_request(model=model, resolution=renders, mode="pro"))
    assert [i.field for i in moded if i.severity == "error"] == ["provider.mode"]

    recorder = kling_flow()
    run_render(make_provider("kling", recorder), make_request(model=model, resolution=renders),
               tmp_path)
    assert "mode" not in json_body(recorder.calls("POST")[0])


def test_sound_is_sent_off_on_kling_v3(tmp_path: Path) -> None:
    recorder = kling_flow()
    run_render(make_provider("kling", recorder), make_request(model="kling-v3", duration=8),
               tmp_path)
    # v3 documents no sound default and sound costs 50% more per second: always explicit.
    assert json_body(recorder.calls("POST")[0])["sound"] == "off"

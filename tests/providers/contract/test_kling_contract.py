"""Kling's adapter against wire models written from Kling's API documentation (``kling_wire.py``
cites the pages), since Kling publishes no Python SDK.

Every request the adapter builds validates strictly against the endpoint's model (field names,
values, which model takes which field); the JWT is what the documentation specifies; a full
render over a real socket polls the documented query path; the fake answers the tests serve and
the answers of reelgate's own Kling simulator are documented envelopes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pydantic
import pytest

from reelgate.providers.http import ApiCall
from reelgate.providers.kling import KlingProvider
from reelgate.request import RenderRequest
from tests.providers.contract import fakes
from tests.providers.contract import kling_wire as wire
from tests.providers.contract.cases import all_requests, case_id, one_per_shape
from tests.providers.contract.loopback import loopback_provider
from tests.providers.contract.strict import check_model_input
from tests.providers.contract.wire import CLIP_PATH, creates, render_through
from tests.providers.factories import SECRETS, make_provider

CASES = all_requests("kling")
# Kling's JWT: exp = now + 1800, nbf = now - 5 (notes 2.1, after the official auth page).
TOKEN_LIFETIME_S = 1800
TOKEN_EARLY_S = 5


def build(request: RenderRequest) -> ApiCall:
    return make_provider("kling", lambda r: None).build_submit(request)


def validated(call: ApiCall) -> Any:
    assert call.path in wire.ENDPOINTS, f"Kling documents no create call at {call.path}"
    return check_model_input(wire.ENDPOINTS[call.path], call.json, f"Kling {call.path}")


def test_every_kling_model_is_exercised_and_documented() -> None:
    assert {r.model for r in CASES} == set(KlingProvider.models)
    assert set(KlingProvider.models) <= {*wire.IMAGE_MODELS, *wire.OMNI_MODELS}


@pytest.mark.parametrize("request_", CASES, ids=case_id)
def test_body_is_what_kling_documents(request_: RenderRequest) -> None:
    validated(build(request_))


def test_the_jwt_is_the_documented_one() -> None:
    provider = make_provider("kling", lambda r: None)
    header = provider.auth_headers()["Authorization"]
    scheme, token = header.split(" ")
    assert scheme == "Bearer"
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, SECRETS["KLING_SECRET_KEY"], algorithms=["HS256"],
                        options={"verify_exp": False, "verify_nbf": False})
    assert claims["iss"] == SECRETS["KLING_ACCESS_KEY"]
    assert claims["exp"] - claims["nbf"] == TOKEN_LIFETIME_S + TOKEN_EARLY_S


@pytest.mark.parametrize("request_", one_per_shape(
    CASES, lambda r: (r.model, build(r).path, *sorted(build(r).json or {}))), ids=case_id)
def test_a_render_over_a_real_socket_speaks_the_documented_wire(
        request_: RenderRequest, tmp_path: Path) -> None:
    with loopback_provider(fakes.kling_script) as fake:
        result = render_through(request_, fake.url, tmp_path)
        seen = fake.take()
    assert result.ok and result.cost_source == "provider"
    create = creates(seen)[0]
    assert create.path == build(request_).path
    validated(ApiCall(create.method, create.path, create.json()))
    assert create.headers["content-type"].startswith("application/json")
    polls = {s.path for s in seen if s.method == "GET" and s.path != CLIP_PATH}
    assert polls == {f"{create.path}/{fakes.KLING_TASK}"}
    for request in seen:
        if request.path != CLIP_PATH:
            token = request.headers["authorization"].removeprefix("Bearer ")
            jwt.decode(token, SECRETS["KLING_SECRET_KEY"], algorithms=["HS256"])


@pytest.mark.parametrize("status", ["submitted", "processing", "succeed", "failed"])
def test_fake_answers_are_documented_envelopes(status: str) -> None:
    wire.TaskEnvelope.model_validate(fakes.kling_task(status))


def test_the_simulator_answers_with_documented_envelopes() -> None:
    """reelgate's Kling simulator stands in for Kling in replay and in the examples: each of its
    answers, create, query and task list, is a documented envelope."""
    from reelgate.simulator import SimulatorConfig, running_simulator
    from reelgate.simulator.config import simulator_env

    provider = KlingProvider.from_env(simulator_env())
    requests = [r for r in CASES if r.model in ("kling-v2-6", "kling-v3")
                and r.reference_image is None][:2]
    with running_simulator(SimulatorConfig(job_seconds=0.1, fps=12, short_side=72)) as url, \
            httpx.Client(base_url=url, headers=provider.auth_headers(), timeout=30) as client:
        for request in requests:
            call = provider.build_submit(request)
            created = client.post(call.path, json=call.json).json()
            task = wire.TaskEnvelope.model_validate(created).data
            status = task.task_status
            for _ in range(200):  # bounded: the job takes 0.1 s
                if status in ("succeed", "failed"):
                    break
                time.sleep(0.05)
                answer = client.get(f"{call.path}/{task.task_id}").json()
                status = wire.TaskEnvelope.model_validate(answer).data.task_status
            assert status == "succeed"
        listing = client.get("/v1/videos/text2video?pageNum=1&pageSize=500").json()
        assert len(wire.TaskListEnvelope.model_validate(listing).data) == len(requests)


# -- the validators reject what Kling would --------------------------------------------------

def _text(**changes: Any) -> dict[str, Any]:
    body = {"model_name": "kling-v2-6", "prompt": "a fox", "mode": "std", "duration": "5",
            "aspect_ratio": "16:9"}
    return {k: v for k, v in (body | changes).items() if v is not None}


def _shots(*seconds: int) -> list[dict[str, Any]]:
    return [{"index": i, "prompt": f"shot {i}", "duration": str(s)}
            for i, s in enumerate(seconds, 1)]


@pytest.mark.parametrize(("body", "why"), [
    (_text(model_name="kling-v2.6"), "model_name"),  # fal's spelling, not Kling's
    (_text(duration=5), "duration"),  # Kling's duration is a string
    (_text(duration="7"), "duration"),
    (_text(model_name="kling-v3", duration="16"), "duration"),
    (_text(cfg_scale=0.5), "cfg_scale"),
    (_text(model_name="kling-v2-master"), "no mode"),
    (_text(model_name="kling-v1-6", sound="off"), "sound"),
    (_text(sound="true"), "sound"),
    (_text(motion_score=5), "motion_score"),
    (_text(camera_control={"type": "simple", "config": {"pan": 5}}), "camera_control"),
    (_text(model_name="kling-v1", camera_control={"type": "simple",
                                                  "config": {"pan": 5, "zoom": 2}}), "one"),
    (_text(model_name="kling-v3", duration="10", multi_shot=True, shot_type="customize",
           multi_prompt=_shots(3, 4)), "sum to 7"),
    (_text(model_name="kling-v3", duration="7", multi_shot=True, shot_type="customise",
           multi_prompt=_shots(3, 4)), "shot_type"),
    (_text(multi_shot=True, shot_type="intelligence"), "kling-v3"),
    (_text(model_name="kling-v3", duration="7", multi_shot=True, shot_type="customize",
           multi_prompt=[{"index": 1, "prompt": "a", "duration": "3"},
                         {"index": 3, "prompt": "b", "duration": "4"}]), "count up"),
    (_text(model_name="kling-v3", duration="7", multi_shot=True, shot_type="intelligence",
           prompt=None), "needs prompt"),
    (_text(model_name="kling-v3", duration="9", multi_shot=True, shot_type="customize",
           multi_prompt=_shots(*[1] * 7) + _shots(2)), "multi_prompt"),
])
def test_text2video_validator_rejects(body: dict[str, Any], why: str) -> None:
    with pytest.raises(AssertionError, match=why):
        check_model_input(wire.Text2Video, body, "Kling text2video")


def test_text2video_validator_accepts_a_documented_multi_shot_body() -> None:
    body = _text(model_name="kling-v3", duration="7", multi_shot=True, shot_type="customize",
                 multi_prompt=_shots(3, 4), sound="off", prompt=None)
    check_model_input(wire.Text2Video, body, "Kling text2video")


@pytest.mark.parametrize(("body", "why"), [
    ({"model_name": "kling-v2-6", "prompt": "a fox", "image": "data:image/png;base64,AAAA"},
     "data:"),
    ({"model_name": "kling-v2-6", "prompt": "a fox"}, "image or image_tail"),
    ({"model_name": "kling-v2-6", "prompt": "a fox", "image": "https://x", "aspect_ratio":
      "16:9"}, "aspect_ratio"),  # the frame follows the image
    ({"model_name": "kling-v1-5", "prompt": "a fox", "image": "https://x", "image_tail":
      "https://y", "camera_control": {"type": "forward_up"}}, "mutually exclusive"),
])
def test_image2video_validator_rejects(body: dict[str, Any], why: str) -> None:
    with pytest.raises(AssertionError, match=why):
        check_model_input(wire.Image2Video, body, "Kling image2video")


@pytest.mark.parametrize(("changes", "why"), [
    ({"keep_original_sound": False}, "keep_original_sound"),  # fal's boolean, not Kling's
    ({"video_url": "QUJD"}, "video_url"),  # the motion video is fetched by URL only
    ({"mode": None}, "mode"),
    ({"model_name": "kling-v2-1"}, "model_name"),
])
def test_motion_control_validator_rejects(changes: dict[str, Any], why: str) -> None:
    body = {"model_name": "kling-v2-6", "image_url": "https://x/c.png",
            "video_url": "https://x/m.mp4", "character_orientation": "image", "mode": "pro",
            "keep_original_sound": "no"} | changes
    with pytest.raises(AssertionError, match=why):
        check_model_input(wire.MotionControl, {k: v for k, v in body.items() if v is not None},
                          "Kling motion-control")


def test_omni_video_validator_rejects_an_unknown_reference_type() -> None:
    body = {"model_name": "kling-video-o1", "prompt": "restyle <<<video_1>>>",
            "video_list": [{"video_url": "https://x/m.mp4", "refer_type": "style"}]}
    with pytest.raises(AssertionError, match="refer_type"):
        check_model_input(wire.OmniVideo, body, "Kling omni-video")


def test_response_validators_reject_a_wrong_status_and_a_numeric_duration() -> None:
    with pytest.raises(pydantic.ValidationError, match="task_status"):
        wire.TaskEnvelope.model_validate(fakes.kling_task("succeeded"))
    answer = fakes.kling_task("succeed")
    answer["data"]["task_result"]["videos"][0]["duration"] = 5.0
    with pytest.raises(pydantic.ValidationError, match="duration"):
        wire.TaskEnvelope.model_validate(answer)

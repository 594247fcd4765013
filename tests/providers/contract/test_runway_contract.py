"""Runway's adapter against the official ``runwayml`` SDK (5.24: Stainless, from Runway's OpenAPI).

Every request the adapter builds (examples retargeted to each model, made cases) must be a value
of the SDK's create-params type for its endpoint, strictly (wire names, no unknown field, exact
types); the same call made through the SDK against a loopback server must put the same method,
path, auth and version headers and body on the wire; poll and cancel use the SDK's task paths.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

runwayml = pytest.importorskip("runwayml", reason="the [test] extra installs runwayml")

from runwayml.types import (  # noqa: E402
    character_performance_create_params,
    character_performance_create_response,
    image_to_video_create_params,
    image_to_video_create_response,
    task_retrieve_response,
    text_to_video_create_params,
    text_to_video_create_response,
    video_to_video_create_params,
    video_to_video_create_response,
)

from reelgate.providers.http import ApiCall  # noqa: E402
from reelgate.request import RenderRequest  # noqa: E402
from tests.providers.contract import fakes  # noqa: E402
from tests.providers.contract.cases import all_requests, case_id, one_per_shape  # noqa: E402
from tests.providers.contract.strict import check_body, check_response  # noqa: E402
from tests.providers.contract.wire import assert_same_request, creates, polls, round_trip  # noqa: E402
from tests.providers.factories import SECRETS, make_provider  # noqa: E402

# endpoint -> (create params, create response, SDK resource)
ENDPOINTS: dict[str, tuple[Any, Any, str]] = {
    "/v1/text_to_video": (text_to_video_create_params.TextToVideoCreateParams,
                          text_to_video_create_response.TextToVideoCreateResponse,
                          "text_to_video"),
    "/v1/image_to_video": (image_to_video_create_params.ImageToVideoCreateParams,
                           image_to_video_create_response.ImageToVideoCreateResponse,
                           "image_to_video"),
    "/v1/video_to_video": (video_to_video_create_params.VideoToVideoCreateParams,
                           video_to_video_create_response.VideoToVideoCreateResponse,
                           "video_to_video"),
    "/v1/character_performance": (
        character_performance_create_params.CharacterPerformanceCreateParams,
        character_performance_create_response.CharacterPerformanceCreateResponse,
        "character_performance"),
}
CASES = all_requests("runway")


def build(request: RenderRequest) -> ApiCall:
    return make_provider("runway", lambda r: None).build_submit(request)


def validated(call: ApiCall) -> Any:
    assert call.path in ENDPOINTS, f"runwayml has no create call at {call.path}"
    params = ENDPOINTS[call.path][0]
    return check_body(params, call.json, f"runwayml's create params for {call.path}")


def _shape(request: RenderRequest) -> tuple[str, ...]:
    call = build(request)
    return (request.model, call.path, *sorted(call.json or {}))


def test_every_runway_model_is_exercised() -> None:
    from reelgate.providers.runway import MODELS

    assert {r.model for r in CASES} == set(MODELS)


@pytest.mark.parametrize("request_", CASES, ids=case_id)
def test_body_is_a_value_of_the_sdk_create_params(request_: RenderRequest) -> None:
    validated(build(request_))


@pytest.mark.parametrize("request_", one_per_shape(CASES, _shape), ids=case_id)
def test_sdk_sends_the_same_request_over_a_real_socket(request_: RenderRequest,
                                                       tmp_path: Path) -> None:
    call = build(request_)
    params = validated(call)
    def sdk_send(url: str) -> None:
        sdk = runwayml.RunwayML(api_key=SECRETS["RUNWAY_API_KEY"], base_url=url, max_retries=0)
        task = getattr(sdk, ENDPOINTS[call.path][2]).create(**params)
        sdk.tasks.retrieve(task.id)
        sdk.tasks.delete(task.id)

    result, ours, theirs = round_trip(request_, fakes.runway_script, tmp_path, sdk_send)
    assert result.ok and result.cost_source == "provider"
    assert_same_request(creates(ours)[0], theirs[0])
    assert polls(ours) == {(theirs[1].method, theirs[1].path)}
    cancel = make_provider("runway", lambda r: None).parse_submit(fakes.runway_created(), call)
    assert cancel.cancel is not None
    assert (cancel.cancel.method, cancel.cancel.path) == (theirs[2].method, theirs[2].path)


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_fake_create_answer_is_a_sdk_create_response(path: str) -> None:
    check_response(ENDPOINTS[path][1], fakes.runway_created())


@pytest.mark.parametrize("status", ["PENDING", "THROTTLED", "RUNNING", "SUCCEEDED", "FAILED",
                                    "CANCELLED"])
def test_fake_task_answers_are_sdk_task_responses(status: str) -> None:
    check_response(task_retrieve_response.TaskRetrieveResponse, fakes.runway_task(status))


# -- the validators reject what Runway would ------------------------------------------------

def _text_body(**changes: Any) -> dict[str, Any]:
    body = {"model": "veo3.1", "promptText": "a fox", "ratio": "1280:720", "duration": 8,
            "audio": False}
    return {k: v for k, v in (body | changes).items() if v is not None}


@pytest.mark.parametrize(("body", "why"), [
    (_text_body(model="veo3"), "veo3"),  # gone from the create params since 5.14
    (_text_body(model="gen4_aleph"), "gen4_aleph"),
    (_text_body(duration=5), "duration"),  # veo3.1 takes 4, 6 or 8
    (_text_body(duration=8.0), "duration"),  # a float is not the integer Runway reads
    (_text_body(ratio="1920:1088"), "ratio"),
    (_text_body(motionScore=5), "motionScore"),  # a field of no provider
    (_text_body(promptText=None, prompt_text="a fox"), "prompt_text"),  # the Python name
])
def test_create_params_validator_rejects(body: dict[str, Any], why: str) -> None:
    with pytest.raises(AssertionError, match="rejects the body") as caught:
        check_body(text_to_video_create_params.TextToVideoCreateParams, body, "runwayml")
    assert why in str(caught.value)


def test_response_validator_rejects_an_undeclared_key_and_a_wrong_status() -> None:
    with pytest.raises(AssertionError, match="outputUrl"):
        check_response(task_retrieve_response.TaskRetrieveResponse,
                       fakes.runway_task("SUCCEEDED", outputUrl="https://x"))
    with pytest.raises(ValueError, match="status"):
        check_response(task_retrieve_response.TaskRetrieveResponse,
                       fakes.runway_task("SUCCEEDED") | {"status": "SUCCEED"})


def test_the_loopback_comparison_sees_a_changed_body() -> None:
    """The comparison itself can fail: a body that differs by one value is reported."""
    from tests.providers.contract.loopback import Seen

    ours = Seen("POST", "/v1/text_to_video", {}, {"content-type": "application/json"},
                json.dumps(_text_body()).encode())
    theirs = Seen("POST", "/v1/text_to_video", {}, {"content-type": "application/json"},
                  json.dumps(_text_body(audio=True)).encode())
    with pytest.raises(AssertionError, match="bodies differ"):
        assert_same_request(ours, theirs)

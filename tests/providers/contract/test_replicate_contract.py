"""Replicate's adapter against the official ``replicate`` SDK (1.0.7) and the models' schemas.

The SDK types the envelope, not a model's input: the create call is checked through the SDK
itself (``client.models.predictions.create`` against a loopback server must send the same path,
bearer token and ``{"input": ...}`` body), the fake predictions are ``Prediction`` values, and
the input is checked against the model's documented schema (``model_inputs.py``) and against
the capability data reelgate plans with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

replicate = pytest.importorskip("replicate", reason="the [test] extra installs replicate")

from replicate.prediction import Prediction  # noqa: E402

from reelgate.providers.http import ApiCall  # noqa: E402
from reelgate.providers.replicate import ReplicateProvider  # noqa: E402
from reelgate.request import RenderRequest  # noqa: E402
from tests.providers.contract import fakes  # noqa: E402
from tests.providers.contract.cases import all_requests, case_id, one_per_shape  # noqa: E402
from tests.providers.contract.model_inputs import REPLICATE  # noqa: E402
from tests.providers.contract.strict import check_model_input, check_response  # noqa: E402
from tests.providers.contract.wire import assert_same_request, creates, polls, round_trip  # noqa: E402
from tests.providers.factories import SECRETS, make_provider  # noqa: E402

CASES = all_requests("replicate")


def build(request: RenderRequest) -> ApiCall:
    return make_provider("replicate", lambda r: None).build_submit(request)


def test_every_catalogue_model_has_a_documented_schema_and_a_case() -> None:
    assert set(ReplicateProvider.models) == set(REPLICATE)
    assert {r.model for r in CASES} == set(REPLICATE)


@pytest.mark.parametrize("request_", CASES, ids=case_id)
def test_input_is_what_the_model_documents(request_: RenderRequest) -> None:
    call = build(request_)
    assert call.path == f"/models/{request_.model}/predictions"
    assert call.json is not None and set(call.json) == {"input"}
    check_model_input(REPLICATE[request_.model], call.json["input"], request_.model)


@pytest.mark.parametrize("model", sorted(REPLICATE))
def test_every_duration_and_aspect_the_catalogue_allows_is_documented(model: str) -> None:
    """The capability matrix never promises a value the model's schema refuses."""
    caps = ReplicateProvider.models[model]
    fields = REPLICATE[model].model_fields
    for seconds in caps.durations:
        check_model_input(REPLICATE[model], _minimal(model) | {"duration": int(seconds)}, model)
    if caps.text_to_video:
        assert "aspect_ratio" in fields
        for aspect in caps.aspect_ratios:
            check_model_input(REPLICATE[model], _minimal(model) | {"aspect_ratio": aspect}, model)
    for mode in caps.modes:
        check_model_input(REPLICATE[model], _minimal(model) | {"mode": mode}, model)


@pytest.mark.parametrize("request_", one_per_shape(
    CASES, lambda r: (r.model, *sorted(build(r).json["input"]))), ids=case_id)
def test_sdk_sends_the_same_request_over_a_real_socket(request_: RenderRequest,
                                                       tmp_path: Path) -> None:
    call = build(request_)

    def sdk_send(url: str) -> None:
        client = replicate.Client(api_token=SECRETS["REPLICATE_API_TOKEN"], base_url=url)
        prediction = client.models.predictions.create(model=request_.model,
                                                      input=call.json["input"])
        client.predictions.get(prediction.id)
        client.predictions.cancel(prediction.id)

    result, ours, theirs = round_trip(request_, fakes.replicate_script, tmp_path, sdk_send,
                                      "/v1")
    assert result.ok
    assert_same_request(creates(ours)[0], theirs[0])
    assert polls(ours) == {(theirs[1].method, theirs[1].path)}
    submitted = make_provider("replicate", lambda r: None).parse_submit(
        fakes.replicate_prediction("starting"), call)
    assert submitted.cancel is not None
    assert (submitted.cancel.method, "/v1" + submitted.cancel.path) == (
        theirs[2].method, theirs[2].path)


@pytest.mark.parametrize("status", ["starting", "processing", "succeeded", "failed",
                                    "canceled"])
def test_fake_predictions_are_sdk_predictions(status: str) -> None:
    check_response(Prediction, fakes.replicate_prediction(status, output=None))


# -- the validators reject what Replicate would ---------------------------------------------

def _minimal(model: str) -> dict[str, Any]:
    image = {"start_image": "https://x/a.png"} if model == "kwaivgi/kling-v2.1" else {}
    return {"prompt": "a fox"} | image


@pytest.mark.parametrize(("model", "changes", "why"), [
    ("kwaivgi/kling-v2.6", {"duration": "5"}, "duration"),  # Replicate's duration is an int
    ("kwaivgi/kling-v2.6", {"duration": 7}, "duration"),
    ("kwaivgi/kling-v2.6", {"motion_score": 5}, "motion_score"),
    ("kwaivgi/kling-v2.5-turbo-pro", {"generate_audio": False}, "generate_audio"),
    ("kwaivgi/kling-v2.1", {"aspect_ratio": "16:9"}, "aspect_ratio"),
    ("kwaivgi/kling-v2.1", {"mode": "std"}, "mode"),  # Kling's own name, not Replicate's
])
def test_model_input_validator_rejects(model: str, changes: dict[str, Any], why: str) -> None:
    with pytest.raises(AssertionError, match=why):
        check_model_input(REPLICATE[model], _minimal(model) | changes, model)


def test_model_input_validator_rejects_a_missing_required_image() -> None:
    with pytest.raises(AssertionError, match="start_image"):
        check_model_input(REPLICATE["kwaivgi/kling-v2.1"], {"prompt": "a fox"}, "v2.1")


def test_response_validator_rejects_an_undeclared_key_and_an_unknown_status() -> None:
    with pytest.raises(AssertionError, match="video_url"):
        check_response(Prediction, fakes.replicate_prediction("succeeded", video_url="x"))
    with pytest.raises(ValueError, match="status"):
        check_response(Prediction, fakes.replicate_prediction("completed"))


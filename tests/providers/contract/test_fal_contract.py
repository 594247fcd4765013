"""fal's adapter against the official ``fal-client`` SDK (1.0.3) and the apps' input schemas.

``fal-client`` takes any JSON as an app's arguments, so the body is checked against the app's
documented input (``model_inputs.py``); the SDK is what decides the queue URLs and the auth
header, so the same submit made through ``SyncClient.submit`` against a loopback server must
send the same method, path, ``Key`` header and body, and its status, result and cancel calls
must use the paths reelgate polls. The SDK's queue host is fixed to https at import
(``FAL_QUEUE_RUN_HOST``); the test points its URL prefix at the loopback server instead. The
fake status answers are parsed by the SDK's own status parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

fal_client = pytest.importorskip("fal_client", reason="the [test] extra installs fal-client")

from fal_client import client as fal_sdk  # noqa: E402

from reelgate.providers.fal import FalProvider  # noqa: E402
from reelgate.providers.http import ApiCall  # noqa: E402
from reelgate.request import RenderRequest  # noqa: E402
from tests.providers.contract import fakes  # noqa: E402
from tests.providers.contract.cases import (  # noqa: E402
    all_requests,
    case_id,
    example_requests,
    one_per_shape,
)
from tests.providers.contract.model_inputs import FAL  # noqa: E402
from tests.providers.contract.strict import check_model_input  # noqa: E402
from tests.providers.contract.wire import assert_same_request, creates, round_trip  # noqa: E402
from tests.providers.factories import SECRETS, make_provider  # noqa: E402

CASES = all_requests("fal")


def build(request: RenderRequest) -> ApiCall:
    return make_provider("fal", lambda r: None).build_submit(request)


def test_every_catalogue_app_has_a_documented_schema_and_a_case() -> None:
    assert set(FalProvider.models) == set(FAL)
    assert {r.model for r in CASES} == set(FAL)


def test_example_failovers_are_catalogue_apps() -> None:
    """Six of the eight examples fail over to fal; each names an app the catalogue has."""
    assert {r.model for r in example_requests("fal")} <= set(FAL)


@pytest.mark.parametrize("request_", CASES, ids=case_id)
def test_input_is_what_the_app_documents(request_: RenderRequest) -> None:
    call = build(request_)
    assert call.path == f"/{request_.model}"
    check_model_input(FAL[request_.model], call.json, request_.model)


@pytest.mark.parametrize("app", sorted(FAL))
def test_every_duration_and_aspect_the_catalogue_allows_is_documented(app: str) -> None:
    caps = FalProvider.models[app]
    seconds = list(caps.durations)
    if caps.duration_range:
        low, high = caps.duration_range
        seconds += [float(s) for s in range(int(low), int(high) + 1)]
    unit = "s" if app == "fal-ai/veo3" else ""
    for value in seconds:
        check_model_input(FAL[app], _minimal(app) | {"duration": f"{value:g}{unit}"}, app)
    if caps.text_to_video:
        for aspect in caps.aspect_ratios:
            check_model_input(FAL[app], _minimal(app) | {"aspect_ratio": aspect}, app)


@pytest.mark.parametrize("request_", one_per_shape(
    CASES, lambda r: (r.model, *sorted(build(r).json or {}))), ids=case_id)
def test_sdk_sends_the_same_request_over_a_real_socket(
        request_: RenderRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    call = build(request_)

    def sdk_send(url: str) -> None:
        monkeypatch.setattr(fal_sdk, "QUEUE_URL_FORMAT", f"{url}/")
        client = fal_client.SyncClient(key=SECRETS["FAL_KEY"])
        handle = client.submit(request_.model, call.json)
        assert isinstance(handle.status(), fal_client.Completed)  # reelgate already polled
        client.status(request_.model, handle.request_id)
        client.result(request_.model, handle.request_id)
        client.cancel(request_.model, handle.request_id)

    result, ours, theirs = round_trip(
        request_, lambda base: fakes.fal_script(base, request_.model), tmp_path, sdk_send)
    assert result.ok
    assert_same_request(creates(ours)[0], theirs[0])
    sdk_calls = {(s.method, s.path) for s in theirs[1:]}
    ours_calls = {(s.method, s.path) for s in ours[1:] if s.path != "/media/output.mp4"}
    assert ours_calls <= sdk_calls, f"reelgate polled {ours_calls - sdk_calls}, not the SDK's"
    submitted = make_provider("fal", lambda r: None).parse_submit(
        fakes.fal_submitted(request_.model), call)
    assert submitted.cancel is not None
    assert (submitted.cancel.method, submitted.cancel.path) in sdk_calls


@pytest.mark.parametrize("status", ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"])
def test_fake_status_answers_parse_with_the_sdks_parser(status: str) -> None:
    handle = fal_sdk.SyncRequestHandle.from_request_id(None, "fal-ai/kling-video/v3/pro/"  # type: ignore[arg-type]
                                                       "text-to-video", fakes.FAL_REQUEST)
    parsed = handle._parse_status(fakes.fal_status(status))
    assert type(parsed).__name__ == {"IN_QUEUE": "Queued", "IN_PROGRESS": "InProgress",
                                     "COMPLETED": "Completed"}[status]


def test_fake_submit_answer_has_what_the_sdk_reads() -> None:
    body = fakes.fal_submitted("fal-ai/kling-video/v3/pro/text-to-video")
    assert {"request_id", "response_url", "status_url", "cancel_url"} <= set(body)


# -- the validators reject what fal would --------------------------------------------------

def _minimal(app: str) -> dict[str, Any]:
    fields = FAL[app].model_fields
    required = {name for name, field in fields.items() if field.is_required()}
    image = "https://x/a.png"
    values = {"prompt": "a fox", "image_url": image, "start_image_url": image,
              "video_url": "https://x/m.mp4", "character_orientation": "image"}
    return {name: values[name] for name in required} | (
        {"prompt": "a fox"} if "prompt" in fields else {})


@pytest.mark.parametrize(("app", "changes", "why"), [
    ("fal-ai/kling-video/v2.6/pro/text-to-video", {"duration": 5}, "duration"),  # a string
    ("fal-ai/kling-video/v3/pro/text-to-video", {"duration": "16"}, "duration"),
    ("fal-ai/kling-video/v2.6/pro/image-to-video", {"image_url": "https://x"}, "image_url"),
    ("fal-ai/kling-video/v2.1/master/image-to-video", {"start_image_url": "https://x"},
     "start_image_url"),
    ("fal-ai/kling-video/v2.6/pro/motion-control", {"keep_original_sound": "no"},
     "keep_original_sound"),  # Kling's own API says "no"; fal takes a boolean
    ("fal-ai/veo3", {"duration": "8"}, "duration"),
    ("fal-ai/kling-video/v2.5-turbo/pro/text-to-video", {"motion_strength": 0.5},
     "motion_strength"),
])
def test_app_input_validator_rejects(app: str, changes: dict[str, Any], why: str) -> None:
    with pytest.raises(AssertionError, match=why):
        check_model_input(FAL[app], _minimal(app) | changes, app)


def test_status_parser_rejects_an_unknown_status() -> None:
    handle = fal_sdk.SyncRequestHandle.from_request_id(None, "fal-ai/veo3",  # type: ignore[arg-type]
                                                       fakes.FAL_REQUEST)
    with pytest.raises(ValueError, match="Unknown status"):
        handle._parse_status({"status": "DONE"})

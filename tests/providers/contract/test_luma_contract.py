"""Luma's adapter against the official ``lumaai`` SDK (1.21: Stainless, from Luma's OpenAPI).

Generation and modify bodies must be values of ``VideoCreateParams`` / ``VideoModifyParams``
(strict); the same call through the SDK against a loopback server sends the same method, path,
bearer token and body; the fake generations the tests serve are ``Generation`` values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

lumaai = pytest.importorskip("lumaai", reason="the [test] extra installs lumaai")

from lumaai.types import generation  # noqa: E402
from lumaai.types.generations import video_create_params, video_modify_params  # noqa: E402

from reelgate.providers.http import ApiCall  # noqa: E402
from reelgate.providers.luma import LumaProvider  # noqa: E402
from reelgate.request import RenderRequest  # noqa: E402
from tests.providers.contract import fakes  # noqa: E402
from tests.providers.contract.cases import all_requests, case_id, one_per_shape  # noqa: E402
from tests.providers.contract.strict import check_body, check_response  # noqa: E402
from tests.providers.contract.wire import assert_same_request, creates, polls, round_trip  # noqa: E402
from tests.providers.factories import SECRETS, make_provider  # noqa: E402

BASE_PATH = "/dream-machine/v1"  # the API's prefix, in reelgate's base URL and the SDK's
ENDPOINTS: dict[str, tuple[Any, str]] = {
    "/generations/video": (video_create_params.VideoCreateParams, "create"),
    "/generations/video/modify": (video_modify_params.VideoModifyParams, "modify"),
}
CASES = all_requests("luma")


def build(request: RenderRequest) -> ApiCall:
    return make_provider("luma", lambda r: None).build_submit(request)


def validated(call: ApiCall) -> Any:
    assert call.path in ENDPOINTS, f"lumaai has no create call at {call.path}"
    return check_body(ENDPOINTS[call.path][0], call.json, f"lumaai's params for {call.path}")


def test_every_luma_model_and_endpoint_is_exercised() -> None:
    assert {r.model for r in CASES} == set(LumaProvider.models)
    assert {build(r).path for r in CASES} == set(ENDPOINTS)


@pytest.mark.parametrize("request_", CASES, ids=case_id)
def test_body_is_a_value_of_the_sdk_params(request_: RenderRequest) -> None:
    validated(build(request_))


@pytest.mark.parametrize("request_", one_per_shape(
    CASES, lambda r: (r.model, *sorted(build(r).json or {}))), ids=case_id)
def test_sdk_sends_the_same_request_over_a_real_socket(request_: RenderRequest,
                                                       tmp_path: Path) -> None:
    call = build(request_)
    params = validated(call)

    def sdk_send(url: str) -> None:
        sdk = lumaai.LumaAI(auth_token=SECRETS["LUMA_API_KEY"], base_url=url + BASE_PATH,
                            max_retries=0)
        created = getattr(sdk.generations.video, ENDPOINTS[call.path][1])(**params)
        assert created.id is not None
        sdk.generations.get(created.id)
        sdk.generations.delete(created.id)

    result, ours, theirs = round_trip(request_, fakes.luma_script, tmp_path, sdk_send,
                                      BASE_PATH)
    assert result.ok
    assert_same_request(creates(ours)[0], theirs[0])
    assert polls(ours) == {(theirs[1].method, theirs[1].path)}
    submitted = make_provider("luma", lambda r: None).parse_submit(
        fakes.luma_generation("queued"), call)
    assert submitted.cancel is not None
    assert (submitted.cancel.method, BASE_PATH + submitted.cancel.path) == (
        theirs[2].method, theirs[2].path)


@pytest.mark.parametrize("state", ["queued", "dreaming", "completed", "failed"])
def test_fake_generations_are_sdk_generations(state: str) -> None:
    check_response(generation.Generation, fakes.luma_generation(state))


def test_reelgate_reads_the_key_the_sdk_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """lumaai reads LUMAAI_API_KEY; reelgate takes it before its older LUMA_API_KEY."""
    monkeypatch.setenv("LUMAAI_API_KEY", "sdk-name")
    monkeypatch.setenv("LUMA_API_KEY", "old-name")
    sdk = lumaai.LumaAI(base_url="http://127.0.0.1:9", max_retries=0)
    assert LumaProvider.read_credentials({"LUMAAI_API_KEY": "sdk-name",
                                          "LUMA_API_KEY": "old-name"})[0].reveal() == sdk.auth_token


# -- the validators reject what Luma would --------------------------------------------------

def _body(**changes: Any) -> dict[str, Any]:
    body = {"model": "ray-2", "prompt": "a fox", "aspect_ratio": "16:9", "duration": "5s",
            "resolution": "720p"}
    return {k: v for k, v in (body | changes).items() if v is not None}


@pytest.mark.parametrize(("body", "why"), [
    (_body(model="ray-3"), "model"),
    (_body(aspect_ratio="2:1"), "aspect_ratio"),
    (_body(seed=4), "seed"),  # Luma has no seed
    (_body(negative_prompt="blur"), "negative_prompt"),
    (_body(keyframes={"frame0": {"type": "image", "uri": "https://x"}}), "keyframes"),
    (_body(concepts="pan_left"), "concepts"),
])
def test_create_params_validator_rejects(body: dict[str, Any], why: str) -> None:
    with pytest.raises(AssertionError, match=why):
        check_body(video_create_params.VideoCreateParams, body, "lumaai")


def test_modify_validator_rejects_an_unknown_mode() -> None:
    body = {"generation_type": "modify_video", "model": "ray-2", "media": {"url": "https://x"},
            "mode": "flex_4", "prompt": "a fox"}
    with pytest.raises(AssertionError, match="mode"):
        check_body(video_modify_params.VideoModifyParams, body, "lumaai")


def test_response_validator_rejects_an_unknown_state() -> None:
    with pytest.raises(ValueError, match="state"):
        check_response(generation.Generation, fakes.luma_generation("succeeded"))

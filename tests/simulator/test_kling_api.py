"""The simulator reads Kling requests as the real service documents them."""

import base64
import time
from collections.abc import Callable

import cv2
import httpx
import jwt
import numpy as np
import pytest

from reelgate.simulator.config import TEST_ACCESS_KEY, TEST_SECRET_KEY, SimulatorConfig
from reelgate.simulator.kling_api import KlingError, parse_create, request_digest

CONFIG = SimulatorConfig(short_side=72, blocked_terms=("gore",))


def body(**fields: object) -> dict:
    return {"model_name": "kling-v2-6", "prompt": "a fox", "duration": "5", "mode": "std",
            **fields}


@pytest.mark.parametrize(("fields", "code", "words"), [
    ({"duration": 5}, 1201, "string"),
    ({"duration": "7"}, 1201, "one of 5, 10"),
    ({"aspect_ratio": "4:3"}, 1201, "aspect_ratio"),
    ({"mode": "ultra"}, 1201, "mode"),
    ({"prompt": ""}, 1201, "prompt is required"),
    ({"prompt": "x" * 2501}, 1201, "2500"),
    ({"model_name": "kling-v9"}, 1203, "not found"),
    ({"prompt": "so much gore"}, 1301, "moderation"),
    ({"model_name": "kling-v1", "camera_control": {"type": "simple", "config": {
        "pan": 2, "zoom": 3}}}, 1201, "exactly one"),
    ({"camera_control": {"type": "simple", "config": {"zoom": -5}}}, 1201, "not supported"),
])
def test_text2video_validation(fields: dict, code: int, words: str) -> None:
    with pytest.raises(KlingError) as error:
        parse_create("text2video", body(**fields), CONFIG)
    assert error.value.code == code and words in error.value.message


@pytest.mark.parametrize(("axis", "value", "move", "speed"), [
    ("tilt", 8, "pan-right", "fast"), ("tilt", -2, "pan-left", "slow"),
    ("pan", 5, "tilt-up", "moderate"), ("zoom", -3, "push-in", "gentle"),
    ("zoom", 4, "pull-out", "gentle")])
def test_camera_control_read_with_klings_axis_names(axis: str, value: float, move: str,
                                                    speed: str) -> None:
    task = parse_create("text2video", body(model_name="kling-v1", camera_control={
        "type": "simple", "config": {axis: value}}), CONFIG)
    assert (task.spec.move, task.spec.speed) == (move, speed)


def test_camera_and_motion_from_prompt_words() -> None:
    task = parse_create("text2video", body(
        prompt="a fox. Camera: fast steady pan-left. Motion intensity 8.5/10, vigorous."), CONFIG)
    assert (task.spec.move, task.spec.speed, task.spec.motion) == ("pan-left", "fast", 8.5)
    plain = parse_create("text2video", body(prompt="slow push in on a fox"), CONFIG)
    assert (plain.spec.move, plain.spec.speed, plain.spec.motion) == ("push-in", "slow", 3.0)


def test_image2video_reads_the_image_aspect_and_refuses_data_uris() -> None:
    image = np.zeros((400, 300, 3), np.uint8)
    encoded = base64.b64encode(cv2.imencode(".png", image)[1].tobytes()).decode()
    task = parse_create("image2video", body(image=encoded), CONFIG)
    assert (task.spec.width, task.spec.height) == (72, 96)
    with pytest.raises(KlingError, match="data: prefix"):
        parse_create("image2video", body(image=f"data:image/png;base64,{encoded}"), CONFIG)
    with pytest.raises(KlingError, match="required"):
        parse_create("image2video", body(), CONFIG)


def test_motion_control_requires_its_fields_and_charges_per_second() -> None:
    fields = {"image_url": "https://x/a.png", "video_url": "https://x/b.mp4",
              "character_orientation": "video", "mode": "pro"}
    task = parse_create("motion-control", {"model_name": "kling-v2-6", **fields}, CONFIG)
    assert task.units == pytest.approx(4.0)
    for missing in fields:
        partial = {k: v for k, v in fields.items() if k != missing}
        with pytest.raises(KlingError):
            parse_create("motion-control", {"model_name": "kling-v2-6", **partial}, CONFIG)


def test_seed_follows_the_body() -> None:
    first = parse_create("text2video", body(), CONFIG).spec.seed
    assert first == parse_create("text2video", body(), CONFIG).spec.seed
    assert first != parse_create("text2video", body(prompt="a wolf"), CONFIG).spec.seed


def token(**claims: object) -> str:
    now = int(time.time())
    payload = {"iss": TEST_ACCESS_KEY, "exp": now + 1800, "nbf": now - 5, **claims}
    return jwt.encode(payload, TEST_SECRET_KEY, algorithm="HS256")


def bearer(**claims: object) -> str:
    return f"Bearer {token(**claims)}"


# Tokens are made when the test runs, not at collection: a loaded run can reach this test more
# than the 300 s of a not-yet-valid token after collecting it.
@pytest.mark.parametrize(("header", "status", "code"), [
    (lambda: None, 401, 1001),
    (lambda: "Token abc", 401, 1002),
    (lambda: bearer(iss="someone-else"), 401, 1002),
    (lambda: bearer(exp=int(time.time()) - 10), 401, 1004),
    (lambda: bearer(nbf=int(time.time()) + 300), 401, 1003),
    (lambda: bearer(), 404, 1201),
], ids=["none", "not-bearer", "other-issuer", "expired", "not-yet-valid", "valid"])
def test_auth_codes_in_the_kling_envelope(sim: str, header: Callable[[], str | None], status: int,
                                          code: int) -> None:
    value = header()
    headers = {"Authorization": value} if value else {}
    response = httpx.get(f"{sim}/v1/videos/text2video/123", headers=headers)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["request_id"]


def test_list_endpoint_pages_tasks(sim: str) -> None:
    headers = {"Authorization": f"Bearer {token()}"}
    for prompt in ("one", "two", "three"):
        httpx.post(f"{sim}/v1/videos/text2video", headers=headers,
                   json=body(prompt=prompt)).raise_for_status()
    page = httpx.get(f"{sim}/v1/videos/text2video?pageNum=2&pageSize=2", headers=headers).json()
    assert page["code"] == 0 and len(page["data"]) == 1


def test_bad_fault_plan_is_refused(sim: str) -> None:
    response = httpx.post(f"{sim}/__sim/faults", json={"faults": [{"kind": "gremlins"}]})
    assert response.status_code == 422


def test_a_client_ref_does_not_change_which_clip_a_request_gets() -> None:
    """reelgate sends a new external_task_id on every submit: were it part of the request's
    digest, no two submits would be repeats and a replayed suite would never match a recording."""
    body = {"model_name": "kling-v2-6", "prompt": "a cup", "duration": "5"}
    assert request_digest("text2video", {**body, "external_task_id": "rg-1"}) == request_digest(
        "text2video", {**body, "external_task_id": "rg-2"}) == request_digest("text2video", body)
    assert request_digest("text2video", {**body, "prompt": "a mug"}) != request_digest("text2video", body)

"""One check for every provider answer a test feeds an adapter: a 2xx JSON answer must be what
the provider's SDK (or, for Kling, its documentation) says that call returns.

The provider tests' scripted flows (``runway_flow``, ``luma_flow``... in ``tests/providers``)
pass ``answer_check(provider)`` to their ``Recorder``, so a fake with a missing, renamed or
invented field fails the test that serves it instead of teaching the adapter a wrong wire.
Error answers (4xx/5xx) and downloads are left to the tests that script them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from tests.providers.contract import kling_wire
from tests.providers.contract.strict import check_model_input, check_response

Check = Callable[[httpx.Request, httpx.Response], None]


def answer_check(provider: str) -> Check:
    checks: dict[str, Callable[[httpx.Request, Any], None]] = {
        "runway": _runway, "luma": _luma, "replicate": _replicate, "fal": _fal,
        "kling": _kling}
    check_body = checks[provider]

    def check(request: httpx.Request, response: httpx.Response) -> None:
        if not response.is_success or "json" not in response.headers.get("content-type", ""):
            return
        check_body(request, response.json())

    return check


def _runway(request: httpx.Request, body: Any) -> None:
    from runwayml.types import task_retrieve_response, text_to_video_create_response

    if request.method == "POST":  # every create call answers the same shape
        check_response(text_to_video_create_response.TextToVideoCreateResponse, body)
    elif request.method == "GET":
        check_response(task_retrieve_response.TaskRetrieveResponse, body)


def _luma(request: httpx.Request, body: Any) -> None:
    from lumaai.types.generation import Generation

    if request.method in ("POST", "GET"):
        check_response(Generation, body)


def _replicate(request: httpx.Request, body: Any) -> None:
    from replicate.prediction import Prediction

    check_response(Prediction, body)


class FalSubmitted(BaseModel):
    """What ``fal_client``'s ``submit`` reads from the queue's answer."""

    model_config = ConfigDict(extra="forbid", strict=True)

    request_id: str
    response_url: str
    status_url: str
    cancel_url: str
    queue_position: int | None = None


class FalFile(BaseModel):
    """fal's ``File`` output (``video`` of every video app)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    url: str
    content_type: str | None = None
    file_name: str | None = None
    file_size: int | None = None


class FalVideoOutput(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    video: FalFile
    seed: int | None = None


FAL_STATUS_KEYS = {"status", "queue_position", "logs", "metrics", "error", "error_type",
                   "response_url"}


def _fal(request: httpx.Request, body: Any) -> None:
    from fal_client import client as fal_sdk

    path = request.url.path
    if request.method == "POST":
        check_model_input(FalSubmitted, body, "fal's queue submit answer")
    elif path.endswith("/status"):
        handle = fal_sdk.SyncRequestHandle.from_request_id(None, "fal-ai/app", "id")  # type: ignore[arg-type]
        handle._parse_status(body)  # the SDK's own reading: KeyError/ValueError when off
        extra = set(body) - FAL_STATUS_KEYS
        assert not extra, f"fal status answer has keys the queue never sends: {sorted(extra)}"
    elif request.method == "GET":
        check_model_input(FalVideoOutput, body, "fal's video output")


def _kling(request: httpx.Request, body: Any) -> None:
    is_list = request.method == "GET" and request.url.path.rstrip("/").split("/")[-1] in (
        "text2video", "image2video", "motion-control", "omni-video")
    envelope = kling_wire.TaskListEnvelope if is_list else kling_wire.TaskEnvelope
    if isinstance(body, dict) and body.get("code", 0) != 0:
        envelope = kling_wire.ErrorEnvelope  # Kling reports some errors in a 200 body
    check_model_input(envelope, body, f"Kling's answer to {request.method} {request.url.path}")

"""The answer check the provider flows run refuses answers the providers never send."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.providers.contract import fakes
from tests.providers.contract.answers import answer_check


def _check(provider: str, method: str, url: str, body: Any, status: int = 200) -> None:
    answer_check(provider)(httpx.Request(method, url), httpx.Response(status, json=body))


GOOD: list[tuple[str, str, str, Any]] = [
    ("runway", "POST", "https://api.dev.runwayml.com/v1/image_to_video", fakes.runway_created()),
    ("runway", "GET", f"https://api.dev.runwayml.com/v1/tasks/{fakes.TASK}",
     fakes.runway_task("SUCCEEDED")),
    ("luma", "GET", "https://api.lumalabs.ai/dream-machine/v1/generations/g",
     fakes.luma_generation("completed")),
    ("replicate", "GET", "https://api.replicate.com/v1/predictions/p",
     fakes.replicate_prediction("succeeded", output="https://x/o.mp4")),
    ("fal", "POST", "https://queue.fal.run/fal-ai/veo3", fakes.fal_submitted("fal-ai/veo3")),
    ("fal", "GET", "https://queue.fal.run/fal-ai/veo3/requests/r/status",
     fakes.fal_status("IN_PROGRESS")),
    ("fal", "GET", "https://queue.fal.run/fal-ai/veo3/requests/r", fakes.fal_output()),
    ("kling", "GET", "https://api-singapore.klingai.com/v1/videos/text2video/1",
     fakes.kling_task("succeed")),
    ("kling", "GET", "https://api-singapore.klingai.com/v1/videos/text2video?pageNum=1",
     {**fakes.kling_task("succeed"), "data": [fakes.kling_task("failed")["data"]]}),
]


@pytest.mark.parametrize(("provider", "method", "url", "body"), GOOD,
                         ids=lambda v: v if isinstance(v, str) and len(v) < 12 else "")
def test_documented_answers_pass(provider: str, method: str, url: str, body: Any) -> None:
    _check(provider, method, url, body)


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


BAD: list[tuple[str, str, str, Any, str]] = [
    ("runway", "POST", "https://api.dev.runwayml.com/v1/text_to_video", {"taskId": fakes.TASK},
     "id"),
    ("runway", "GET", "https://api.dev.runwayml.com/v1/tasks/t",
     _without(fakes.runway_task("SUCCEEDED"), "createdAt"), "createdAt"),
    ("luma", "GET", "https://api.lumalabs.ai/dream-machine/v1/generations/g",
     fakes.luma_generation("completed", video_url="https://x"), "video_url"),
    ("replicate", "GET", "https://api.replicate.com/v1/predictions/p",
     _without(fakes.replicate_prediction("starting"), "version"), "version"),
    ("fal", "POST", "https://queue.fal.run/fal-ai/veo3", {"request_id": "r"}, "status_url"),
    ("fal", "GET", "https://queue.fal.run/fal-ai/veo3/requests/r/status",
     {"status": "COMPLETED", "metrics": {}}, "logs"),
    ("fal", "GET", "https://queue.fal.run/fal-ai/veo3/requests/r/status",
     fakes.fal_status("IN_QUEUE", state="queued"), "state"),
    ("fal", "GET", "https://queue.fal.run/fal-ai/veo3/requests/r",
     {"video_url": "https://x/o.mp4"}, "video"),
    ("kling", "POST", "https://api-singapore.klingai.com/v1/videos/text2video",
     fakes.kling_task("submitted", task_status="queued"), "task_status"),
    ("kling", "GET", "https://api-singapore.klingai.com/v1/videos/text2video/1",
     {"code": 1303, "message": "parallel task over resource pack limit"}, "request_id"),
]


@pytest.mark.parametrize(("provider", "method", "url", "body", "why"), BAD,
                         ids=lambda v: v if isinstance(v, str) and len(v) < 12 else "")
def test_undocumented_answers_fail(provider: str, method: str, url: str, body: Any,
                                   why: str) -> None:
    with pytest.raises((AssertionError, KeyError, ValueError), match=why):
        _check(provider, method, url, body)


def test_error_answers_are_left_to_their_tests() -> None:
    _check("runway", "POST", "https://api.dev.runwayml.com/v1/text_to_video",
           {"error": "Invalid API key"}, status=401)

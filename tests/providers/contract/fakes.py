"""Provider answers shaped as the providers send them, checked against the SDKs' response models
(each ``test_*_contract.py``), and the loopback scripts that serve them to reelgate and to the
SDKs. The provider tests' flows build their answers from these too.

Each script plays one render: create -> queued -> running -> succeeded, with the clip served
from the same server, so a render through reelgate runs end to end over a real socket.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.providers.contract.loopback import Reply, Script, Seen
from tests.providers.contract.wire import CLIP_PATH
from tests.providers.factories import clip_bytes

TASK = "17f20503-6c24-4c16-946b-35dbbce2af2f"
CREATED = "2026-11-30T09:12:44.512Z"


# -- Runway (runwayml types: *_create_response, task_retrieve_response) ----------------------

def runway_created() -> dict[str, Any]:
    return {"id": TASK, "estimatedCost": {"credits": 60}}


def runway_task(status: str, output: str = "https://dnznrvs05pmza.cloudfront.net/output.mp4",
                **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": TASK, "status": status, "createdAt": CREATED}
    if status in ("PENDING", "THROTTLED", "RUNNING"):
        base["estimatedCost"] = {"credits": 60}
    if status == "RUNNING":
        base["progress"] = 0.4
    if status == "SUCCEEDED":
        base |= {"output": [output], "cost": {"credits": 25}}  # gen4_turbo, 5 s at 5/s
    if status == "FAILED":
        base |= {"failure": "The prompt was flagged by moderation.",
                 "failureCode": "SAFETY.INPUT.TEXT", "cost": {"credits": 0}}
    if status == "CANCELLED":
        base["cost"] = {"credits": 0}
    return base | extra


# -- Luma (lumaai types: Generation) ---------------------------------------------------------

LUMA_GEN = "c1a3f3b2-5f1e-4a53-b56f-e4e1a8a1a9c3"


def luma_generation(state: str, video: str = "https://storage.cdn-luma.com/dream_machine/c1a3/"
                    "video.mp4", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": LUMA_GEN, "generation_type": "video", "state": state,
                            "failure_reason": None, "assets": None, "model": "ray-2",
                            "created_at": CREATED}
    if state == "completed":
        body["assets"] = {"video": video}
    if state == "failed":
        body["failure_reason"] = "400: prompt not allowed because advanced moderation failed"
    return body | extra


# -- Replicate (replicate.prediction.Prediction) -----------------------------------------

PREDICTION = "gm3qorzdhgbfurvjtvhg6dckhu"


def replicate_prediction(status: str, output: Any = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": PREDICTION, "model": "kwaivgi/kling-v2.6",
        "version": "hidden", "status": status, "input": {"prompt": "a fox"},
        "output": output, "logs": "", "error": None, "metrics": {}, "created_at": CREATED,
        "started_at": None, "completed_at": None,
        "urls": {"get": f"https://api.replicate.com/v1/predictions/{PREDICTION}",
                 "cancel": f"https://api.replicate.com/v1/predictions/{PREDICTION}/cancel"},
    }
    if status == "failed":
        body["error"] = "The input or output was flagged as sensitive. Please try again."
    return body | extra


# -- fal queue (fal_client: submit's handle fields, Queued/InProgress/Completed) -------------

FAL_REQUEST = "764cabcf-b745-4b3e-ae38-1200304cf45b"


def fal_submitted(app_id: str, base: str = "https://queue.fal.run") -> dict[str, Any]:
    owner, alias = app_id.split("/")[:2]
    url = f"{base}/{owner}/{alias}/requests/{FAL_REQUEST}"
    return {"request_id": FAL_REQUEST, "response_url": url, "status_url": f"{url}/status",
            "cancel_url": f"{url}/cancel", "queue_position": 0}


def fal_status(status: str, **extra: Any) -> dict[str, Any]:
    if status == "IN_QUEUE":
        return {"status": status, "queue_position": 0} | extra
    if status == "IN_PROGRESS":
        return {"status": status, "logs": []} | extra
    return {"status": status, "logs": [], "metrics": {"inference_time": 40.1}, "error": None,
            "error_type": None} | extra


def fal_output(url: str = "https://v3b.fal.media/files/b/output.mp4", size: int | None = None
               ) -> dict[str, Any]:
    return {"video": {"url": url, "content_type": "video/mp4", "file_name": "output.mp4",
                      "file_size": len(clip_bytes()) if size is None else size}}


# -- Kling (the wire models in kling_wire.py) ------------------------------------------------

KLING_TASK = "860012345678901234"


def kling_task(status: str, video: str = "https://cdn.klingai.com/bs2/upload/video-001.mp4",
               **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"task_id": KLING_TASK, "task_status": status,
                            "task_info": {}, "created_at": 1764493964512,
                            "updated_at": 1764493964512}
    if status == "succeed":
        data |= {"task_status_msg": "", "final_unit_deduction": "2.5",
                 "task_result": {"videos": [{"id": "vid-1", "url": video, "duration": "5.0"}]}}
    if status == "failed":
        data["task_status_msg"] = "Failure to pass the risk control system"
    return {"code": 0, "message": "SUCCEED", "request_id": "req-001", "data": data | extra}


# -- loopback scripts -------------------------------------------------------------------------


def _flow(created: Reply, polls: list[Any], result: Callable[[Seen], Reply] | None = None,
          is_poll: Callable[[Seen], bool] = lambda s: s.method == "GET") -> Script:
    """Create answers ``created``; each poll answers the next of ``polls`` (the last repeats);
    the clip path serves the clip; anything else (cancel, result) goes to ``result``."""
    step = iter(range(len(polls) * 10))

    def script(seen: Seen) -> Reply:
        if seen.path == CLIP_PATH:
            return Reply(200, clip_bytes())
        if seen.method == "POST" and not seen.path.endswith("/cancel"):
            return created
        if is_poll(seen):
            return Reply(200, polls[min(next(step), len(polls) - 1)])
        if result is not None:
            return result(seen)
        return Reply(204 if seen.method == "DELETE" else 200, {})

    return script


def runway_script(base: str) -> Script:
    clip = base + CLIP_PATH
    return _flow(Reply(200, runway_created()),
                 [runway_task("PENDING"), runway_task("RUNNING"),
                  runway_task("SUCCEEDED", output=clip)])


def luma_script(base: str) -> Script:
    clip = base + CLIP_PATH
    return _flow(Reply(201, luma_generation("queued")),
                 [luma_generation("dreaming"), luma_generation("completed", video=clip)])


def replicate_script(base: str) -> Script:
    clip = base + CLIP_PATH
    return _flow(Reply(201, replicate_prediction("starting")),
                 [replicate_prediction("processing"),
                  replicate_prediction("succeeded", output=clip)],
                 result=lambda seen: Reply(200, replicate_prediction("canceled")))


def fal_script(base: str, app_id: str) -> Script:
    clip = base + CLIP_PATH
    return _flow(Reply(200, fal_submitted(app_id, base)),
                 [fal_status("IN_QUEUE"), fal_status("IN_PROGRESS"), fal_status("COMPLETED")],
                 result=lambda seen: Reply(200, fal_output(clip)) if seen.method == "GET"
                 else Reply(202, {"status": "CANCELLATION_REQUESTED"}),
                 is_poll=lambda seen: seen.method == "GET" and seen.path.endswith("/status"))


def kling_script(base: str) -> Script:
    clip = base + CLIP_PATH
    return _flow(Reply(200, kling_task("submitted")),
                 [kling_task("processing"), kling_task("succeed", video=clip)])

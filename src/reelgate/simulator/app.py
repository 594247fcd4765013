"""The simulator's HTTP app: the Kling v1 API as the adapter uses it, plus admin endpoints.

Kling side: ``POST /v1/videos/{text2video|image2video|motion-control|omni-video}``,
``GET /v1/videos/{endpoint}/{task_id}``, ``GET /v1/videos/{endpoint}`` (list), with JWT (HS256)
or API-key auth, the ``{code, message, request_id, data}`` envelope and Kling's error codes.
Result URLs point at ``GET /media/{video_id}.mp4`` on the simulator itself (no auth, like a CDN);
the download names the defects the simulator injected in its ``x-reelgate-sim-defects`` header
(JSON: kind, start, end, strength), which cassettes keep, so tests can hold the analyzer to them.
Identical create bodies are counted: the n-th is repeat n and gets a clip of its own.

Admin side (not part of Kling): ``GET|POST /__sim/faults`` reads or replaces the fault plan,
``GET /__sim/state`` reports tasks, charges and call counts, ``POST /__sim/reset`` forgets all.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import jwt
from pydantic import ValidationError

from reelgate.extras import MissingExtraError

try:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
    from starlette.types import Receive, Scope, Send
except ModuleNotFoundError as exc:  # the [simulator] extra
    raise MissingExtraError("simulator", "starlette") from exc

from reelgate.simulator.config import SimulatorConfig
from reelgate.simulator.defects import DEFECTS_HEADER, to_header
from reelgate.simulator.faults import TASK_FAULTS, CallKind, Fault, FaultBook, FaultPlan
from reelgate.simulator.kling3 import shot_prompts
from reelgate.simulator.kling_api import KlingError, parse_create, request_digest
from reelgate.simulator.tasks import (
    MODERATION_OUTPUT_MESSAGE,
    TASK_FAILED_MESSAGE,
    SimTask,
    TaskBook,
)

_SERVER_ERROR_CODES = {500: 5000, 503: 5001, 504: 5002}
_AFTER_CREATE = frozenset({"drop_connection", "malformed_json"})


class SimulatedDrop(ConnectionAbortedError):
    """Raised mid-response so the server closes the connection, as a real network drop would."""


class _DropFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], SimulatedDrop))


logging.getLogger("uvicorn.error").addFilter(_DropFilter())


class _CutResponse(Response):
    """Announces ``declared`` bytes, sends ``partial`` (fewer), then drops the connection."""

    def __init__(self, partial: bytes, declared: int, media_type: str) -> None:
        super().__init__(media_type=media_type)
        self.partial, self.declared = partial, declared

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", (self.media_type or "").encode()),
                   (b"content-length", str(self.declared).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.partial, "more_body": True})
        raise SimulatedDrop("simulated connection drop")


def _envelope(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "SUCCEED", "request_id": uuid.uuid4().hex,
                         "data": data})


def _error(status: int, code: int, message: str, headers: dict[str, str] | None = None
           ) -> JSONResponse:
    body = {"code": code, "message": message, "request_id": uuid.uuid4().hex}
    return JSONResponse(body, status_code=status, headers=headers)


class Simulator:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.book = TaskBook(config)
        self.faults = FaultBook(config.faults)
        self.calls: Counter[str] = Counter()
        self.repeats: Counter[int] = Counter()  # tasks made per request digest

    # -- auth and faults -------------------------------------------------------------------

    def authenticate(self, request: Request) -> JSONResponse | None:
        header = request.headers.get("authorization", "")
        if not header:
            return _error(401, 1001, "authorization header is empty")
        if not header.startswith("Bearer "):
            return _error(401, 1002, "authorization is invalid: expected 'Bearer <token>'")
        token = header.removeprefix("Bearer ")
        api_key = self.config.api_key
        if api_key and hmac.compare_digest(token.encode(), api_key.encode()):
            return None
        try:
            claims = jwt.decode(token, self.config.secret_key, algorithms=["HS256"],
                                options={"require": ["iss", "exp", "nbf"]})
        except jwt.ImmatureSignatureError:
            return _error(401, 1003, "token is not yet valid (nbf is in the future)")
        except jwt.ExpiredSignatureError:
            return _error(401, 1004, "token has expired")
        except jwt.InvalidTokenError:
            return _error(401, 1002, "authorization is invalid")
        if not hmac.compare_digest(str(claims["iss"]).encode(), self.config.access_key.encode()):
            return _error(401, 1002, "authorization is invalid: unknown access key")
        return None

    async def take_fault(self, call: CallKind, prompt: str) -> Fault | None:
        """Apply any latency for this call, then return the fault to inject, if any."""
        delay = self.faults.take_latency(call, prompt)
        if delay is not None:
            await asyncio.sleep(delay.seconds)
        return self.faults.take(call, prompt)

    def fault_response(self, fault: Fault) -> Response | None:
        """The broken answer for ``fault``; None for faults that act on the task instead."""
        retry_after = {"Retry-After": f"{fault.seconds:g}"} if fault.seconds else None
        if fault.kind == "rate_limit":
            return _error(429, 1302, "request rate limit exceeded", retry_after)
        if fault.kind == "concurrency_limit":
            return _error(429, 1303, "parallel task over resource pack limit", retry_after)
        if fault.kind == "server_error":
            status = fault.status or 500
            return _error(status, _SERVER_ERROR_CODES.get(status, 5000), "server internal error")
        if fault.kind == "moderation_input":
            return _error(400, 1301, "the input did not pass content moderation")
        if fault.kind == "insufficient_credits":
            return _error(429, 1102, "resource pack depleted or expired")
        if fault.kind == "drop_connection":
            return _CutResponse(b'{"code":0,', 4096, "application/json")
        if fault.kind == "malformed_json":
            return Response(b'{"code":0,"message":"SUCC', media_type="application/json")
        return None

    # -- Kling endpoints -------------------------------------------------------------------

    async def create(self, request: Request) -> Response:
        self.calls["submit"] += 1
        denied = self.authenticate(request)
        if denied is not None:
            return denied
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error(400, 1200, "request body is not valid JSON")
        prompt = (f"{body.get('prompt', '')} {shot_prompts(body)}".strip()
                  if isinstance(body, dict) else "")
        fault = await self.take_fault("submit", prompt)
        if fault is not None and fault.kind not in TASK_FAULTS | _AFTER_CREATE:
            broken = self.fault_response(fault)
            if broken is not None:
                return broken
        endpoint = request.path_params["endpoint"]
        digest = request_digest(endpoint, body)
        try:
            task_request = parse_create(endpoint, body, self.config,
                                        degraded=fault is not None and fault.kind == "degraded_output",
                                        repeat=self.repeats[digest])
            fail = {"moderation_output": MODERATION_OUTPUT_MESSAGE,
                    "task_failed": TASK_FAILED_MESSAGE}.get(fault.kind if fault else "")
            task = self.book.create(task_request, fail)
            self.repeats[digest] += 1
        except KlingError as exc:
            return _error(exc.status, exc.code, exc.message)
        if fault is not None and fault.kind in _AFTER_CREATE:
            broken = self.fault_response(fault)
            assert broken is not None
            return broken
        return _envelope(self.task_data(task, request, time.monotonic()))

    async def query(self, request: Request) -> Response:
        self.calls["poll"] += 1
        denied = self.authenticate(request)
        if denied is not None:
            return denied
        task = self.book.get(request.path_params["task_id"])
        if task is None or task.request.endpoint != request.path_params["endpoint"]:
            return _error(404, 1201, "task not found")
        fault = await self.take_fault("poll", task.request.prompt)
        if fault is not None:
            broken = self.fault_response(fault)
            if broken is not None:
                return broken
        return _envelope(self.task_data(task, request, time.monotonic()))

    async def list_tasks(self, request: Request) -> Response:
        denied = self.authenticate(request)
        if denied is not None:
            return denied
        endpoint = request.path_params["endpoint"]
        page = max(1, int(request.query_params.get("pageNum", "1")))
        size = min(500, max(1, int(request.query_params.get("pageSize", "30"))))
        now = time.monotonic()
        tasks = self.book.for_endpoint(endpoint)
        chosen = tasks[(page - 1) * size: page * size]
        return _envelope([self.task_data(t, request, now) for t in chosen])

    def task_data(self, task: SimTask, request: Request, now: float) -> dict[str, Any]:
        state = task.status(now)
        data: dict[str, Any] = {
            "task_id": task.task_id,
            "task_status": state,
            "task_status_msg": task.fail_message if state == "failed" else "",
            "task_info": ({"external_task_id": task.request.external_task_id}
                          if task.request.external_task_id else {}),
            "created_at": task.created_ms,
            "updated_at": task.created_ms + int(1000 * min(now - task.created, task.job_seconds)),
        }
        if state == "succeed":
            data["final_unit_deduction"] = f"{task.request.units:g}"
            url = f"{str(request.base_url).rstrip('/')}/media/{task.video_id}.mp4"
            data["task_result"] = {"videos": [
                {"id": task.video_id, "url": url, "duration": f"{task.request.spec.duration:.1f}"}
            ]}
        return data

    async def download(self, request: Request) -> Response:
        self.calls["download"] += 1
        task = self.book.by_video(request.path_params["video_id"])
        if task is None or task.clip is None or not task.clip.done():
            return Response(b"not found", status_code=404, media_type="text/plain")
        if task.clip.exception() is not None:
            return Response(b"render failed", status_code=500, media_type="text/plain")
        data = task.clip.result()
        fault = await self.take_fault("download", task.request.prompt)
        if fault is not None and fault.kind == "truncated_download":
            if fault.consistent_length:
                return Response(data[: len(data) // 2], media_type="video/mp4")
            return _CutResponse(data[: len(data) // 2], len(data), "video/mp4")
        if fault is not None:
            broken = self.fault_response(fault)
            if broken is not None:
                return broken
        return Response(data, media_type="video/mp4",
                        headers={DEFECTS_HEADER: to_header(task.request.spec.defects)})

    # -- admin -----------------------------------------------------------------------------

    async def set_faults(self, request: Request) -> Response:
        try:
            plan = FaultPlan.model_validate(await request.json())
        except (ValidationError, json.JSONDecodeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        self.faults.replace(plan)
        return JSONResponse({"faults": self.faults.snapshot()})

    async def get_faults(self, request: Request) -> Response:
        return JSONResponse({"faults": self.faults.snapshot()})

    async def state(self, request: Request) -> Response:
        return JSONResponse({**self.book.snapshot(), "calls": dict(self.calls)})

    async def reset(self, request: Request) -> Response:
        self.book.reset()
        self.faults.replace(FaultPlan())
        self.calls.clear()
        self.repeats.clear()
        return JSONResponse({"reset": True})


def create_app(config: SimulatorConfig | None = None) -> Starlette:
    sim = Simulator(config or SimulatorConfig())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        sim.book.shutdown()

    routes = [
        Route("/v1/videos/{endpoint}", sim.create, methods=["POST"]),
        Route("/v1/videos/{endpoint}", sim.list_tasks, methods=["GET"]),
        Route("/v1/videos/{endpoint}/{task_id}", sim.query, methods=["GET"]),
        Route("/media/{video_id}.mp4", sim.download, methods=["GET"]),
        Route("/__sim/faults", sim.get_faults, methods=["GET"]),
        Route("/__sim/faults", sim.set_faults, methods=["POST"]),
        Route("/__sim/state", sim.state, methods=["GET"]),
        Route("/__sim/reset", sim.reset, methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.simulator = sim
    return app

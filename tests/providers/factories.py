"""Builders shared by the provider, simulator and render tests."""

from __future__ import annotations

import asyncio
import functools
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from reelgate.media import MediaStore
from reelgate.providers.base import Provider
from reelgate.providers.errors import RenderFailure
from reelgate.providers.registry import provider_class
from reelgate.providers.result import RenderResult
from reelgate.providers.timing import FAST_RETRY, FastForwardClock, RetryPolicy
from reelgate.request import RenderRequest
from reelgate.simulator.render import ClipSpec, render_clip

SECRETS = {
    "KLING_ACCESS_KEY": "ak-test-5f1e0c2d",
    "KLING_SECRET_KEY": "sk-test-9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
    "RUNWAY_API_KEY": "rw-test-key-1b2c3d4e5f",
    "LUMA_API_KEY": "luma-test-key-6a7b8c9d",
    "FAL_KEY": "fal-id-1234:fal-secret-abcdef",
    "REPLICATE_API_TOKEN": "r8_test_token_0a1b2c3d4e",
}

Handler = Callable[[httpx.Request], httpx.Response]


def make_request(**overrides: Any) -> RenderRequest:
    fields: dict[str, Any] = {
        "preset_id": "hero-shot",
        "preset_version": "3",
        "sweep_point": "mid",
        "prompt": "a red fox trots through fresh snow at dawn",
        "negative_prompt": ("blur", "extra limbs"),
        "motion_score": 5,
        "duration": 5,
        "aspect_ratio": "16:9",
        "resolution": "720p",
        "provider": "kling",
        "model": "kling-v2-6",
    }
    fields.update(overrides)
    return RenderRequest(**fields)


def recorded_answers(request: httpx.Request) -> httpx.Response:
    """Kling's answers to one render that succeeds at once, its clip at cdn.example."""
    if request.url.host == "cdn.example":
        return httpx.Response(200, content=clip_bytes())
    if request.method == "POST":
        return httpx.Response(200, json={"code": 0, "data": {"task_id": "9"}})
    return httpx.Response(200, json={"code": 0, "data": {
        "task_id": "9", "task_status": "succeed", "final_unit_deduction": "1.5",
        "task_result": {"videos": [{"url": "https://cdn.example/v.mp4"}]}}})


@functools.cache
def clip_bytes(width: int = 96, height: int = 54, seconds: float = 1.0) -> bytes:
    """A small valid H.264 MP4 to serve as a provider's output."""
    return render_clip(ClipSpec(width=width, height=height, fps=8, duration=seconds, seed=5))


def make_provider(
    name: str,
    handler: Handler,
    *,
    retry: RetryPolicy = FAST_RETRY,
    env: dict[str, str] | None = None,
    clock: FastForwardClock | None = None,
    **options: Any,
) -> Provider:
    """A provider whose HTTP goes to ``handler``, with instant sleeps and fast retries."""
    return provider_class(name).from_env(
        SECRETS if env is None else env,
        transport=httpx.MockTransport(handler),
        clock=clock or FastForwardClock(),
        retry=retry,
        poll_interval=1.0,
        rng=random.Random(1),
        **options,
    )


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


class Recorder:
    """A MockTransport handler that serves scripted answers and remembers every request.

    ``check`` sees each answer before the adapter does (the provider flows pass the contract's
    ``answer_check``, so a fake the real API would never send fails the test serving it)."""

    def __init__(self, routes: Callable[[httpx.Request, int], httpx.Response],
                 check: Callable[[httpx.Request, httpx.Response], None] | None = None) -> None:
        self.routes = routes
        self.check = check
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = self.routes(request, len(self.requests))
        if self.check is not None:
            self.check(request, response)
        return response

    def calls(self, method: str, path_part: str = "") -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and path_part in r.url.path]


def run_render(provider: Provider, request: RenderRequest, root: Path, **options: Any
               ) -> RenderResult:
    """Render on a fresh event loop and close the provider's client afterwards."""

    async def go() -> RenderResult:
        try:
            return await provider.render(request, MediaStore(root), **options)
        finally:
            await provider.aclose()

    return asyncio.run(go())


def render_failure(provider: Provider, request: RenderRequest, root: Path, **options: Any
                   ) -> RenderFailure:
    try:
        result = run_render(provider, request, root, **options)
    except RenderFailure as failure:
        return failure
    raise AssertionError(f"expected a failure, got {result}")


def media_files(root: Path) -> list[Path]:
    """Every file in the media store, temp files included."""
    folder = MediaStore(root).directory
    return sorted(folder.iterdir()) if folder.is_dir() else []

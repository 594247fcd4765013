"""Every HTTP request a render sends names its render in httpx's ``extensions``: that tag, not a
global, is how the transport all concurrent renders share (the cassette recorder) tells them
apart, so it must be on the submit, each poll, the result call, the download, retries and the
cancel, and on nothing that belongs to no render."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from reelgate.request import render_of
from tests.providers.factories import Recorder, make_provider, make_request, render_failure, run_render
from tests.providers.test_fal import APP, fal_flow
from tests.providers.test_kling import kling_flow
from tests.providers.test_retry import failing_then, rate_limited
from tests.providers.test_runway import TASK, gen4_request


def keys(recorder: Recorder) -> list[str | None]:
    return [render.key if (render := render_of(r.extensions)) else None for r in recorder.requests]


def test_submit_polls_and_download_carry_the_render(tmp_path: Path) -> None:
    recorder = kling_flow()
    request = make_request()
    assert run_render(make_provider("kling", recorder), request, tmp_path).ok
    assert [f"{r.method} {r.url.host}" for r in recorder.requests] == [
        "POST api-singapore.klingai.com", "GET api-singapore.klingai.com",
        "GET api-singapore.klingai.com", "GET cdn.klingai.example"]
    assert keys(recorder) == ["hero-shot/mid"] * 4
    assert all(render_of(r.extensions) == request for r in recorder.requests)


def test_retries_and_the_result_call_carry_it_too(tmp_path: Path) -> None:
    recorder = failing_then([rate_limited("1")])
    assert run_render(make_provider("kling", recorder), make_request(repeat=2), tmp_path).ok
    assert keys(recorder) == ["hero-shot/mid-2"] * len(recorder.requests)
    fal = fal_flow()
    request = make_request(provider="fal", model=APP, resolution="1080p", duration=10)
    assert run_render(make_provider("fal", fal), request, tmp_path).ok
    assert len(fal.calls("GET", "/requests/")) >= 2  # status polls and the result call
    assert set(keys(fal)) == {"hero-shot/mid"}


def test_the_cancel_of_a_timed_out_render_carries_it(tmp_path: Path) -> None:
    recorder = Recorder(lambda request, n: httpx.Response(
        200, json={"id": TASK} if request.method == "POST" else {"id": TASK, "status": "RUNNING"}))
    request = gen4_request(tmp_path)
    render_failure(make_provider("runway", recorder), request, tmp_path, deadline_s=10)
    assert [render_of(r.extensions) for r in recorder.calls("DELETE")] == [request]


def test_a_task_list_outside_any_render_is_untagged() -> None:
    recorder = Recorder(lambda request, n: httpx.Response(200, json={"code": 0, "data": []}))
    provider = make_provider("kling", recorder)

    async def charges() -> object:
        try:
            return await provider.task_charges()
        finally:
            await provider.aclose()

    assert asyncio.run(charges()) == {}
    assert recorder.requests and keys(recorder) == [None] * len(recorder.requests)

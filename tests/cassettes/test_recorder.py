"""Record modes, replay of job APIs, secrets, media and broken recordings, over a fake provider."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import httpx
import pytest
import vcr
from vcr.serializers import yamlserializer

from reelgate.cassettes.errors import (
    BrokenCassette,
    MissingRecording,
    NetworkBlocked,
    SecretInCassette,
    StaleRecording,
    UnmatchedRequest,
)
from reelgate.cassettes.recorder import Recorder
from reelgate.request import RENDER_EXTENSION, RenderRequest, render_extensions

CLIP = bytes(range(256)) * 200  # binary "video" body, 51 KB
SECRET = "sk-live-0123456789abcdef"


class FakeProvider:
    """A job API: submit, N polls, then a signed download URL; counts the calls it serves."""

    def __init__(self, polls: int = 2, clip: bytes = CLIP) -> None:
        self.polls = polls
        self.clip = clip
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(f"{request.method} {request.url.path}")
        if request.method == "POST":
            return httpx.Response(200, json={"data": {"task_id": f"t{len(self.calls)}",
                                                      "status": "submitted"}})
        if request.url.path.startswith("/tasks/"):
            polled = sum(c.startswith("GET /tasks/") for c in self.calls)
            done = polled > self.polls
            body = {"data": {"status": "succeed" if done else "processing"}}
            if done:
                body["data"]["url"] = "https://cdn.example.com/v.mp4?X-Amz-Signature=abc&Expires=9"
            return httpx.Response(200, json=body)
        return httpx.Response(200, content=self.clip, headers={"content-type": "video/mp4"})


def make_request(prompt: str = "a cup", key: str = "cup") -> RenderRequest:
    return RenderRequest(preset_id=key, preset_version="1", sweep_point="mid", prompt=prompt,
                         duration=5, aspect_ratio="16:9", resolution="720p", provider="kling",
                         model="kling-v2-6", motion_score=4)


def api_client(recorder: Recorder) -> httpx.AsyncClient:
    """One client for the run, as the render service shares one among its renders."""
    return httpx.AsyncClient(transport=recorder.transport(), base_url="https://api.example.com")


async def flow(recorder: Recorder, request: RenderRequest, headers: dict[str, str] | None = None,
               client: httpx.AsyncClient | None = None) -> bytes:
    """What an adapter does: submit, poll until done, download, each request tagged with its render."""
    tag = render_extensions(request)
    async with contextlib.AsyncExitStack() as stack:
        if client is None:
            client = await stack.enter_async_context(api_client(recorder))
        submitted = await client.post("/videos", json={"prompt": request.prompt, "api_key": SECRET},
                                      headers=headers or {"Authorization": f"Bearer {SECRET}"},
                                      extensions=tag)
        task = submitted.json()["data"]["task_id"]
        while True:
            status = (await client.get(f"/tasks/{task}", extensions=tag)).json()["data"]
            if status["status"] == "succeed":
                break
        return (await client.get(status["url"], extensions=tag)).content


def submit_once(recorder: Recorder) -> RenderRequest:
    """One render that only submits, through the recorder (its cassette is not written yet)."""
    request = make_request()
    recorder.prepare(request)

    async def submit() -> None:
        async with httpx.AsyncClient(transport=recorder.transport()) as client:
            await client.post("https://api.example.com/videos", json={"prompt": "a cup"},
                              extensions=render_extensions(request))

    asyncio.run(submit())
    return request


def run(recorder: Recorder, request: RenderRequest) -> bytes:
    recorder.prepare(request)
    clip = asyncio.run(flow(recorder, request))
    recorder.finish(request.key)
    return clip


@pytest.fixture
def env() -> dict[str, str]:
    return {"PROVIDER_API_KEY": SECRET}


def test_record_then_replay_without_network(tmp_path: Path, env: dict[str, str]) -> None:
    provider = FakeProvider()
    assert run(Recorder(tmp_path, "once", inner=httpx.MockTransport(provider), env=env),
               make_request()) == CLIP
    served = len(provider.calls)
    replay = Recorder(tmp_path, "none", inner=httpx.MockTransport(provider), env=env)
    assert run(replay, make_request()) == CLIP
    assert len(provider.calls) == served  # nothing reached the provider


def test_cassette_is_small_has_no_secret_and_media_is_content_addressed(tmp_path: Path,
                                                                       env: dict[str, str]) -> None:
    run(Recorder(tmp_path, "once", inner=httpx.MockTransport(FakeProvider()), env=env), make_request())
    cassette = tmp_path / "cup" / "mid.yaml"
    text = cassette.read_text()
    assert len(text) < 6000
    assert SECRET not in text and "X-Amz-Signature=abc" not in text
    media = list((tmp_path / "media").glob("*.mp4"))
    assert len(media) == 1 and media[0].read_bytes() == CLIP
    assert not list(tmp_path.rglob("*.tmp"))


def test_vcrpy_reads_the_cassette(tmp_path: Path, env: dict[str, str]) -> None:
    run(Recorder(tmp_path, "once", inner=httpx.MockTransport(FakeProvider()), env=env), make_request())
    path = tmp_path / "cup" / "mid.yaml"
    data = yamlserializer.deserialize(path.read_text())
    assert data["version"] == 1 and data["reelgate"]["preset"] == "cup"
    cassette = vcr.cassette.Cassette.load(path=str(path), record_mode="none")
    assert len(cassette) == 5
    assert [r.method for r in cassette.requests] == ["POST", "GET", "GET", "GET", "GET"]


def test_replay_reaches_the_final_state_with_fewer_polls(tmp_path: Path, env: dict[str, str]) -> None:
    run(Recorder(tmp_path, "once", inner=httpx.MockTransport(FakeProvider(polls=4)), env=env),
        make_request())
    recorder = Recorder(tmp_path, "none", env=env)
    request = make_request()
    recorder.prepare(request)

    async def two_polls_then_download() -> bytes:
        tag = render_extensions(request)
        async with api_client(recorder) as client:
            task = (await client.post("/videos", json={"prompt": "a cup", "api_key": "x"},
                                      extensions=tag)).json()
            for _ in range(9):  # more polls than recorded: the last (final) answer repeats
                status = (await client.get(f"/tasks/{task['data']['task_id']}",
                                           extensions=tag)).json()["data"]
            return (await client.get(status["url"], extensions=tag)).content

    assert asyncio.run(two_polls_then_download()) == CLIP


def test_none_mode_missing_recording(tmp_path: Path) -> None:
    with pytest.raises(MissingRecording, match=r"no recording: .*cup/mid.yaml does not exist"):
        Recorder(tmp_path, "none").prepare(make_request())


def test_stale_recording_says_what_changed(tmp_path: Path, env: dict[str, str]) -> None:
    run(Recorder(tmp_path, "once", inner=httpx.MockTransport(FakeProvider()), env=env), make_request())
    with pytest.raises(StaleRecording, match=r"stale recording.*prompt: \"a cup\" -> \"a mug\""):
        Recorder(tmp_path, "none", env=env).prepare(make_request(prompt="a mug"))


def test_once_keeps_existing_and_rewrite_replaces(tmp_path: Path, env: dict[str, str]) -> None:
    first = FakeProvider()
    run(Recorder(tmp_path, "once", inner=httpx.MockTransport(first), env=env), make_request())
    second = FakeProvider(clip=CLIP[::-1])
    assert run(Recorder(tmp_path, "once", inner=httpx.MockTransport(second), env=env),
               make_request()) == CLIP
    assert second.calls == []
    assert run(Recorder(tmp_path, "rewrite", inner=httpx.MockTransport(second), env=env),
               make_request()) == CLIP[::-1]
    assert run(Recorder(tmp_path, "none", env=env), make_request()) == CLIP[::-1]


def test_all_records_again_and_new_episodes_adds(tmp_path: Path, env: dict[str, str]) -> None:
    run(Recorder(tmp_path, "once", inner=httpx.MockTransport(FakeProvider()), env=env), make_request())
    again = FakeProvider(polls=1)
    run(Recorder(tmp_path, "all", inner=httpx.MockTransport(again), env=env), make_request())
    assert again.calls and again.calls[0] == "POST /videos"
    episodes = FakeProvider()
    recorder = Recorder(tmp_path, "new_episodes", inner=httpx.MockTransport(episodes), env=env)
    request = make_request()
    recorder.prepare(request)

    async def extra_call() -> int:
        async with api_client(recorder) as client:
            return (await client.get("/account", extensions=render_extensions(request))).status_code

    assert asyncio.run(extra_call()) == 200
    recorder.finish(request.key)
    assert episodes.calls == ["GET /account"]
    assert "/account" in (tmp_path / "cup" / "mid.yaml").read_text()


def test_unmatched_request_in_replay(tmp_path: Path, env: dict[str, str]) -> None:
    run(Recorder(tmp_path, "once", inner=httpx.MockTransport(FakeProvider()), env=env), make_request())
    recorder = Recorder(tmp_path, "none", env=env)
    request = make_request()
    recorder.prepare(request)

    async def other() -> None:
        async with httpx.AsyncClient(transport=recorder.transport()) as client:
            await client.delete("https://api.example.com/videos/t1", extensions=render_extensions(request))

    with pytest.raises(UnmatchedRequest, match="has no answer for DELETE /videos/t1"):
        asyncio.run(other())


def test_interleaved_renders_on_one_client_each_record_their_own(tmp_path: Path,
                                                                 env: dict[str, str]) -> None:
    """Many renders share one client on one event loop: each request's own tag picks the
    cassette, so renders whose requests interleave never write into each other's."""
    provider = FakeProvider(polls=3)

    async def interleaving(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # the other render's request goes out before this one is answered
        return provider(request)

    recorder = Recorder(tmp_path, "once", inner=httpx.MockTransport(interleaving), env=env)
    cup, mug = make_request("a cup", key="cup"), make_request("a mug", key="mug")
    for request in (cup, mug):
        recorder.prepare(request)

    async def both() -> list[bytes]:
        async with api_client(recorder) as client:
            return list(await asyncio.gather(flow(recorder, cup, client=client),
                                             flow(recorder, mug, client=client)))

    assert asyncio.run(both()) == [CLIP, CLIP]
    assert provider.calls[:2] == ["POST /videos", "POST /videos"]  # they did interleave
    assert [recorder.finish(r.key) for r in (cup, mug)] == ["written", "written"]
    cup_text, mug_text = ((tmp_path / r.key).with_suffix(".yaml").read_text() for r in (cup, mug))
    assert "a cup" in cup_text and "a mug" not in cup_text
    assert "a mug" in mug_text and "a cup" not in mug_text
    replay = Recorder(tmp_path, "none", env=env)  # no inner transport: the network is never asked
    assert [run(replay, r) for r in (cup, mug)] == [CLIP, CLIP]


def test_an_untagged_request_is_not_recorded_into_the_running_render(tmp_path: Path,
                                                                     env: dict[str, str]) -> None:
    """The tag travels with each request, not with the task: a call the render's own task makes
    without it (a provider's task list) goes to the network and stays out of the cassette."""
    provider = FakeProvider()
    recorder = Recorder(tmp_path, "once", inner=httpx.MockTransport(provider), env=env)
    request = make_request()
    recorder.prepare(request)

    async def render_then_list() -> int:
        async with api_client(recorder) as client:
            await flow(recorder, request, client=client)
            return (await client.get("/account")).status_code

    assert asyncio.run(render_then_list()) == 200
    assert recorder.finish(request.key) == "written"
    assert provider.calls[-1] == "GET /account"
    assert "/account" not in (tmp_path / "cup" / "mid.yaml").read_text()


def test_a_foreign_value_under_the_render_extension_names_no_render(tmp_path: Path) -> None:
    """Another library's value under the same key is not taken for a render: in replay it is a
    stray request, refused like any other."""
    recorder = Recorder(tmp_path, "none")

    async def stray() -> None:
        async with httpx.AsyncClient(transport=recorder.transport()) as client:
            await client.get("https://example.com/", extensions={RENDER_EXTENSION: "cup/mid"})

    with pytest.raises(NetworkBlocked, match="blocked in replay"):
        asyncio.run(stray())


def test_network_is_blocked_outside_renders_in_replay(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path, "none")

    async def stray(url: str) -> int:
        async with httpx.AsyncClient(transport=recorder.transport()) as client:
            return (await client.get(url)).status_code

    with pytest.raises(NetworkBlocked, match="blocked in replay"):
        asyncio.run(stray("https://example.com/"))
    with pytest.raises(httpx.ConnectError):  # loopback stays open: it is tried for real
        asyncio.run(stray("http://127.0.0.1:9/"))


def test_secret_echoed_by_provider_refuses_the_write(tmp_path: Path) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"task_id": "t", "note": f"key was {SECRET}"}})

    recorder = Recorder(tmp_path, "once", inner=httpx.MockTransport(echo), env={"FAL_KEY": SECRET})
    request = submit_once(recorder)
    with pytest.raises(SecretInCassette, match=r"\$FAL_KEY") as caught:
        recorder.finish(request.key)
    assert SECRET not in str(caught.value)
    assert not (tmp_path / "cup" / "mid.yaml").exists()


def test_an_interrupted_render_leaves_no_cassette(tmp_path: Path, env: dict[str, str]) -> None:
    recorder = Recorder(tmp_path, "once", inner=httpx.MockTransport(FakeProvider()), env=env)
    request = make_request()
    recorder.prepare(request)
    asyncio.run(flow(recorder, request))  # the run dies before the render is finished
    assert not (tmp_path / "cup" / "mid.yaml").exists()
    assert not list(tmp_path.rglob("*.tmp"))


def test_identical_clips_are_stored_once(tmp_path: Path, env: dict[str, str]) -> None:
    recorder = Recorder(tmp_path, "once", inner=httpx.MockTransport(FakeProvider(polls=0)), env=env)
    run(recorder, make_request(key="one"))
    run(recorder, make_request(key="two"))
    assert len(list((tmp_path / "media").iterdir())) == 1


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p, m: p.write_text("interactions: [\n"), r"mid.yaml:2:1: broken YAML"),
        (lambda p, m: p.write_text("just: text\n"), "not a cassette"),
        (lambda p, m: m.unlink(), "media file .* is missing"),
        (lambda p, m: m.write_bytes(b"tampered"), "does not match its hash"),
        (lambda p, m: p.write_bytes(b"\xff\xfe\x00"), "not UTF-8"),
    ],
)
def test_broken_recordings_fail_clearly(tmp_path: Path, env: dict[str, str], damage, message: str) -> None:  # type: ignore[no-untyped-def]
    run(Recorder(tmp_path, "once", inner=httpx.MockTransport(FakeProvider()), env=env), make_request())
    damage(tmp_path / "cup" / "mid.yaml", next((tmp_path / "media").iterdir()))
    with pytest.raises(BrokenCassette, match=message):
        Recorder(tmp_path, "none", env=env).prepare(make_request())


def test_cassette_of_another_preset_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    run(Recorder(tmp_path, "once", inner=httpx.MockTransport(FakeProvider()), env=env), make_request())
    target = tmp_path / "mug" / "mid.yaml"
    target.parent.mkdir()
    (tmp_path / "cup" / "mid.yaml").rename(target)
    with pytest.raises(BrokenCassette, match="recorded for preset 'cup', not 'mug'"):
        Recorder(tmp_path, "none", env=env).prepare(make_request(key="mug"))


def test_request_body_uploads_are_stored_by_hash(tmp_path: Path, env: dict[str, str]) -> None:
    provider = FakeProvider()
    recorder = Recorder(tmp_path, "once", inner=httpx.MockTransport(provider), env=env)
    request = make_request(prompt="x" * 5000)
    run(recorder, request)
    interactions = (tmp_path / "cup" / "mid.yaml").read_text().split("\nreelgate:")[0]
    assert "x" * 2000 not in interactions and "sha256:" in interactions
    assert run(Recorder(tmp_path, "none", env=env), request) == CLIP  # matched on the hash

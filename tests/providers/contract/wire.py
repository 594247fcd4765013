"""Running one render through reelgate against the loopback server, and comparing the requests
reelgate sent with those the official SDK sent for the same call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reelgate.providers.registry import provider_class
from reelgate.providers.result import RenderResult
from reelgate.providers.timing import FAST_RETRY, FastForwardClock
from reelgate.request import RenderRequest
from tests.providers.contract.loopback import Script, Seen, loopback_provider
from tests.providers.factories import SECRETS, run_render

# Headers both clients must agree on; the rest (user agent, SDK telemetry, retry counters) are
# each client's own business.
CLIP_PATH = "/media/output.mp4"  # where the fakes serve the clip
SHARED_HEADERS = ("authorization", "x-runway-version")


def render_through(request: RenderRequest, base_url: str, root: Path) -> RenderResult:
    """A full render by reelgate's adapter (submit, polls, download) against ``base_url``."""
    provider = provider_class(request.provider).from_env(
        SECRETS, base_url=base_url, clock=FastForwardClock(), retry=FAST_RETRY,
        poll_interval=1.0)
    return run_render(provider, request, root)


def creates(seen: list[Seen]) -> list[Seen]:
    return [s for s in seen if s.method == "POST" and not s.path.endswith("/cancel")]


def assert_same_request(ours: Seen, theirs: Seen, headers: tuple[str, ...] = SHARED_HEADERS
                        ) -> None:
    """Method, path, JSON body and the shared headers of two requests are equal."""
    assert (ours.method, ours.path) == (theirs.method, theirs.path), (
        f"reelgate sent {ours.method} {ours.path}, the SDK {theirs.method} {theirs.path}")
    assert ours.json() == theirs.json(), (
        f"bodies differ on {ours.path}:\n reelgate {ours.json()}\n SDK      {theirs.json()}")
    for name in headers:
        assert ours.headers.get(name) == theirs.headers.get(name), (
            f"header {name}: reelgate {ours.headers.get(name)!r}, SDK "
            f"{theirs.headers.get(name)!r}")
    if ours.body:
        for seen in (ours, theirs):
            assert seen.headers.get("content-type", "").startswith("application/json")


def round_trip(request: RenderRequest, make_script: Callable[[str], Script], root: Path,
               sdk_send: Callable[[str], object], base_path: str = ""
               ) -> tuple[RenderResult, list[Seen], list[Seen]]:
    """One loopback server; reelgate renders ``request`` against it, then ``sdk_send(url)``
    makes the SDK's calls. Returns the render and what each client sent."""
    with loopback_provider(make_script) as fake:
        result = render_through(request, fake.url + base_path, root)
        ours = fake.take()
        sdk_send(fake.url)
        theirs = fake.take()
    return result, ours, theirs


def polls(seen: list[Seen]) -> set[tuple[str, str]]:
    """The distinct (method, path) of the status reads among ``seen`` (not the download)."""
    return {(s.method, s.path) for s in seen if s.method == "GET" and s.path != CLIP_PATH}

"""Running one render through reelgate against the loopback server, and comparing the requests
reelgate sent with those the official SDK sent for the same call."""

from __future__ import annotations

from pathlib import Path

from reelgate.providers.registry import provider_class
from reelgate.providers.result import RenderResult
from reelgate.providers.timing import FAST_RETRY, FastForwardClock
from reelgate.render.request import RenderRequest
from tests.providers.contract.loopback import Seen
from tests.providers.factories import SECRETS, run_render

# Headers both clients must agree on; the rest (user agent, SDK telemetry, retry counters) are
# each client's own business.
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

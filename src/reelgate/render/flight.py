"""What the render service keeps about money: renders in flight, and where spending happens.

The simulator runs on this machine, so a loopback base URL is never paid for; replays re-read
recordings. Errors of this machine are named as local, so they never send a user to a provider
dashboard or start a failover.
"""

from __future__ import annotations

from dataclasses import dataclass

from reelgate.loopback import is_loopback_url
from reelgate.providers.base import Provider
from reelgate.providers.errors import Outcome, RenderFailure
from reelgate.request import RenderRequest


@dataclass
class InFlight:
    """A render between its hold and its end: whether its submit went out, and its task id."""

    request: RenderRequest
    estimate: float
    sent: bool = False
    task_id: str | None = None


def is_local_url(url: str | None) -> bool:
    """A server on this machine (the simulator): nothing sent there is paid for."""
    return is_loopback_url(url)


def is_live(live: bool | None, replay: bool, base_url: str | None) -> bool:
    """Whether renders reach a paid provider: not replays, not a server on this machine."""
    if live is not None:
        return live
    return not replay and not is_local_url(base_url)


def local_failure(exc: Exception, provider: Provider) -> RenderFailure:
    """An error of this machine or of reelgate itself, named as such: never failed over."""
    if isinstance(exc, OSError):
        where = f" on {exc.filename}" if exc.filename else ""
        fix = {13: "make it writable (a read-only checkout needs a writable .reelgate/)",
               28: "free disk space", 30: "use a writable directory"}.get(exc.errno or 0,
                                                                          "check the path")
        text = f"{type(exc).__name__}{where}: {exc.strerror or exc}; {fix}"
    else:
        text = (f"unexpected {type(exc).__name__} in reelgate: {exc} (a bug or a bad argument "
                "on this side; please report it)")
    return RenderFailure(Outcome.LOCAL_ERROR, provider.redact(text), provider=provider.name,
                         failover=False)

"""Why a recording could not be used, each worded with the command that fixes it."""

from __future__ import annotations


class CassetteError(Exception):
    """A recording problem that fails one item (never the session)."""


class MissingRecording(CassetteError):
    """No cassette for a render in replay mode."""


class StaleRecording(CassetteError):
    """The preset changed since the cassette was recorded: the request it answers is different."""


class UnmatchedRequest(CassetteError):
    """The cassette exists but does not answer a request the render made."""


class BrokenCassette(CassetteError):
    """A cassette or its media file is unreadable, hand-broken, or does not match its hash."""


class SecretInCassette(CassetteError):
    """A secret value survived scrubbing; the cassette was not written."""


class NetworkBlocked(CassetteError):
    """A connection outside loopback was attempted in replay mode."""

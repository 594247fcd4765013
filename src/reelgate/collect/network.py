"""Network blocking while preset items run in replay (``--preset-record=none``).

Renders already go through the recorder, which refuses hosts outside loopback; this also stops
anything else a preset item triggers (a fixture, a hook) from reaching the network, as
pytest-recording's ``--block-network`` does. Loopback stays open for local servers.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reelgate.loopback import is_loopback_host

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlockedError(OSError):
    """A connection outside loopback during a replayed preset item."""


def _allowed(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # a unix socket path
        return True
    host = address[0] if isinstance(address, tuple) and address else ""
    return host == "" or is_loopback_host(str(host))


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _allowed(address):
        raise NetworkBlockedError(f"network access to {address[0]} is blocked in replay "
                                  "(--preset-record=none); record with --preset-record=once")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _allowed(address):
        raise NetworkBlockedError(f"network access to {address[0]} is blocked in replay "
                                  "(--preset-record=none); record with --preset-record=once")
    return _real_connect_ex(self, address)


@contextmanager
def blocked_network() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = _real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]

"""Reference clips given as https URLs: fetched once with a cap, then served offline."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from reelgate.analysis.errors import ReferenceFetchError
from reelgate.analysis.fetch import fetch_reference

CLIP = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def serve(counter: list[int], body: bytes = CLIP, status: int = 200) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        counter.append(1)
        return httpx.Response(status, content=body)

    return httpx.MockTransport(handler)


def test_downloaded_once_then_offline(tmp_path: Path) -> None:
    calls: list[int] = []
    first = fetch_reference("https://cdn.example.com/a.mp4?sig=x", tmp_path, transport=serve(calls))
    assert first.read_bytes() == CLIP and first.name.endswith(".mp4")
    again = fetch_reference("https://cdn.example.com/a.mp4?sig=x", tmp_path, offline=True, transport=serve(calls))
    assert again == first and len(calls) == 1


def test_limits_and_failures_are_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ReferenceFetchError, match=r"(over|more than) the 100 byte cap"):
        fetch_reference("https://cdn.example.com/big.mp4", tmp_path, max_bytes=100, transport=serve([]))
    with pytest.raises(ReferenceFetchError, match="answered HTTP 404"):
        fetch_reference("https://cdn.example.com/gone.mp4", tmp_path, transport=serve([], status=404))
    with pytest.raises(ReferenceFetchError, match="network is blocked in replay"):
        fetch_reference("https://cdn.example.com/new.mp4", tmp_path, offline=True)
    with pytest.raises(ReferenceFetchError, match="only https"):
        fetch_reference("http://cdn.example.com/a.mp4", tmp_path)
    assert not [p for p in (tmp_path / ".reelgate").rglob("*.part")]


def test_sockets_outside_loopback_are_refused_while_blocked() -> None:
    import socket

    from reelgate.collect.network import NetworkBlockedError, blocked_network

    with blocked_network(), socket.socket() as sock:
        with pytest.raises(NetworkBlockedError, match="blocked in replay"):
            sock.connect(("93.184.216.34", 443))
        with pytest.raises(ConnectionRefusedError):  # loopback is tried for real
            sock.connect(("127.0.0.1", 9))
    assert socket.socket.connect.__name__ == "connect"  # restored afterwards

"""A secret a provider echoes back never reaches a cassette, however it is encoded."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reelgate.cassettes.errors import SecretInCassette
from reelgate.cassettes.recorder import Recorder
from reelgate.cassettes.scrub import find_leak
from tests.cassettes.test_recorder import CLIP, submit_once

SECRET = "sim-secret-key-for-tests-only-0123456789"
SPECIAL = "fal:ab/cd+ef==gh&ij"  # a key with characters URL-encoding changes
ENV = {"KLING_SECRET_KEY": SECRET, "FAL_KEY": SPECIAL}
ENCODINGS: dict[str, Callable[[bytes], str]] = {
    "base64": lambda b: base64.b64encode(b).decode(),
    "base64, no padding": lambda b: base64.b64encode(b).decode().rstrip("="),
    "urlsafe base64": lambda b: base64.urlsafe_b64encode(b).decode(),
    "urlsafe base64, no padding": lambda b: base64.urlsafe_b64encode(b).decode().rstrip("="),
    "MIME base64 (lines of 76)": lambda b: base64.encodebytes(b).decode(),
    "hex": lambda b: b.hex(),
    "HEX": lambda b: b.hex().upper(),
    "URL-encoded": lambda b: quote(b.decode("latin-1"), safe=""),
    "URL-encoded base64": lambda b: quote(base64.b64encode(b).decode(), safe=""),
}


@given(prefix=st.binary(max_size=7), suffix=st.binary(max_size=7), encoding=st.sampled_from(sorted(ENCODINGS)))
def test_the_scan_finds_an_encoded_secret_at_any_offset(prefix: bytes, suffix: bytes, encoding: str) -> None:
    """base64 spells a value three ways, by where it starts in its 3-byte group: all are found."""
    text = "note: " + ENCODINGS[encoding](prefix + SECRET.encode() + suffix)
    assert find_leak(text, ENV) == "KLING_SECRET_KEY"


@given(data=st.binary(max_size=200), encoding=st.sampled_from(sorted(ENCODINGS)))
def test_the_scan_does_not_cry_wolf(data: bytes, encoding: str) -> None:
    clean = data.replace(SECRET.encode(), b"").replace(SPECIAL.encode(), b"")
    assert find_leak(ENCODINGS[encoding](clean), ENV) is None


# How a provider can echo the key back: (where, what the fake provider answers a submit with).
ECHOES: dict[str, Callable[[], httpx.Response]] = {
    "plain in a message": lambda: httpx.Response(400, json={"message": f"bad key {SECRET}"}),
    "in a header": lambda: httpx.Response(200, json={"data": {}}, headers={"x-debug": SECRET}),
    "base64 in JSON": lambda: httpx.Response(200, json={"data": {"echo": base64.b64encode(
        f'{{"k":"{SECRET}"}}'.encode()).decode()}}),
    "urlsafe base64 without padding in a URL": lambda: httpx.Response(200, json={"data": {
        "url": "https://cdn.example.com/v?state=" + base64.urlsafe_b64encode(
            f"x{SECRET}".encode()).decode().rstrip("=")}}),
    "URL-encoded in a query": lambda: httpx.Response(200, json={"data": {
        "next": "https://api.example.com/t?q=" + quote(f"key={SPECIAL}&x", safe="")}}),
    "hex in a trace": lambda: httpx.Response(500, text=f"trace {(' ' + SECRET).encode().hex()}"),
    "in a binary body (stored as base64 by YAML)": lambda: httpx.Response(
        200, content=b"\xff\xfe" + SECRET.encode() + b"\x00", headers={"content-type": "application/x-raw"}),
    "in a media body": lambda: httpx.Response(
        200, content=CLIP + SECRET.encode(), headers={"content-type": "video/mp4"}),
    "folded into a long string": lambda: httpx.Response(200, json={"data": {
        "log": " ".join(["word"] * 30) + " " + SECRET + " " + " ".join(["word"] * 30)}}),
    "base64 of the key in a long MIME body": lambda: httpx.Response(200, text=base64.encodebytes(
        b"z" * 100 + SECRET.encode() + b"z" * 100).decode(), headers={"content-type": "text/plain"}),
}


@pytest.mark.parametrize("mode", sorted(ECHOES))
def test_an_echoed_secret_refuses_the_cassette(tmp_path: Path, mode: str) -> None:
    recorder = Recorder(tmp_path, "once", inner=httpx.MockTransport(lambda _: ECHOES[mode]()), env=ENV)
    request = submit_once(recorder)
    with pytest.raises(SecretInCassette, match=r"\$(KLING_SECRET_KEY|FAL_KEY)") as caught:
        recorder.finish(request.key)
    assert SECRET not in str(caught.value) and SPECIAL not in str(caught.value)
    assert not list(tmp_path.rglob("*.yaml")) and not list(tmp_path.rglob("*.mp4"))


def test_a_clean_cassette_is_written(tmp_path: Path) -> None:
    body = {"data": {"echo": base64.b64encode(b"not the key at all, just data").decode()}}
    recorder = Recorder(tmp_path, "once", inner=httpx.MockTransport(
        lambda _: httpx.Response(200, content=json.dumps(body).encode())), env=ENV)
    request = submit_once(recorder)
    assert recorder.finish(request.key) == "written"
    assert (tmp_path / "cup" / "mid.yaml").is_file()

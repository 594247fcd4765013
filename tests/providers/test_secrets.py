"""Keys never appear in errors, reprs, logs, results or files."""

import logging
import pickle
from pathlib import Path

import httpx
import pytest

from reelgate.providers.errors import MissingCredentialsError, Outcome
from reelgate.providers.registry import provider_class, provider_names
from reelgate.providers.secrets import Secret, read_secret
from tests.providers.factories import (
    SECRETS,
    Recorder,
    make_provider,
    make_request,
    render_failure,
)

REQUESTS = {
    "kling": make_request(),
    "runway": make_request(provider="runway", model="gen4.5"),
    "luma": make_request(provider="luma", model="ray-2"),
    "fal": make_request(provider="fal", model="fal-ai/veo3", duration=8),
    "replicate": make_request(provider="replicate", model="kwaivgi/kling-v2.6", resolution="1080p"),
}


def leaks(text: str) -> list[str]:
    parts = [v for value in SECRETS.values() for v in (value, *value.split(":"))]
    return [part for part in parts if part in text]


def echo_auth(request: httpx.Request, n: int) -> httpx.Response:
    """A hostile server that echoes the Authorization header into its error message."""
    echoed = request.headers.get("authorization", "")
    return httpx.Response(401, json={"code": 1002, "message": f"bad auth {echoed}",
                                     "error": f"bad auth {echoed}",
                                     "detail": f"bad auth {echoed}"})


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_echoed_keys_are_masked_in_failures(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                            name: str) -> None:
    caplog.set_level(logging.DEBUG)
    provider = make_provider(name, Recorder(echo_auth))
    failure = render_failure(provider, REQUESTS[name], tmp_path)
    assert failure.outcome is Outcome.AUTH_FAILED
    assert "***" in failure.message
    for text in (str(failure), repr(failure), failure.message, repr(provider), caplog.text):
        assert leaks(text) == [], text
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and leaks(p.read_text("latin-1"))]


def test_kling_jwt_is_masked_too(tmp_path: Path) -> None:
    recorder = Recorder(echo_auth)
    failure = render_failure(make_provider("kling", recorder), make_request(), tmp_path)
    token = recorder.requests[0].headers["authorization"].removeprefix("Bearer ")
    assert token not in str(failure)


def test_secret_hides_its_value() -> None:
    secret = Secret("super-secret-value")
    assert "super-secret-value" not in repr(secret) + str(secret) + f"{secret}"
    assert secret.reveal() == "super-secret-value"
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(secret)
    assert read_secret({"A": "  ", "B": "x-1"}, "A", "B") is not None
    assert read_secret({"A": "  "}, "A") is None


@pytest.mark.parametrize("name", ["kling", "runway", "luma", "fal", "replicate"])
def test_missing_key_errors_name_variables_not_values(name: str) -> None:
    cls = provider_class(name)
    with pytest.raises(MissingCredentialsError) as error:
        cls.from_env({"UNRELATED": SECRETS["LUMA_API_KEY"]})
    assert leaks(str(error.value)) == []
    assert any(var in str(error.value) for var in cls.credentials_help.replace(",", " ").split())


def test_every_provider_repr_is_key_free() -> None:
    for name in provider_names():
        provider = provider_class(name).from_env(SECRETS)
        assert leaks(repr(provider)) == [] and leaks(repr(vars(provider))) == []


def test_kling_token_is_held_as_a_secret(tmp_path: Path) -> None:
    provider = make_provider("kling", Recorder(echo_auth))
    render_failure(provider, make_request(), tmp_path)
    assert "Bearer" not in repr(vars(provider)) and "eyJ" not in repr(vars(provider))

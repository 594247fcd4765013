from collections.abc import Iterator
from importlib.metadata import EntryPoint
from typing import Any

import pytest

from reelgate.providers import registry
from reelgate.providers.errors import UnknownProviderError
from reelgate.providers.kling import KlingProvider
from reelgate.providers.runway import RunwayProvider
from tests.providers.factories import SECRETS


def test_the_five_providers_load_from_entry_points() -> None:
    assert registry.provider_names() == ["fal", "kling", "luma", "replicate", "runway"]
    for name in registry.provider_names():
        cls = registry.provider_class(name)
        assert cls.name == name and cls.default_model in cls.models


class AcmeProvider(RunwayProvider):
    name = "acme"


@pytest.fixture
def acme_installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    extra = [
        EntryPoint("acme", f"{__name__}:AcmeProvider", registry.GROUP),
        EntryPoint("broken", "json:dumps", registry.GROUP),
    ]
    real = registry.entry_points

    def with_acme(**kwargs: Any) -> list[EntryPoint]:
        return [*real(**kwargs), *extra]

    monkeypatch.setattr(registry, "entry_points", with_acme)
    registry.reload_providers()
    yield
    monkeypatch.undo()
    registry.reload_providers()


@pytest.mark.usefixtures("acme_installed")
def test_a_team_can_add_a_provider_by_entry_point() -> None:
    assert "acme" in registry.provider_names()
    provider = registry.create_provider("acme", env={"RUNWAY_API_KEY": "k-1234"})
    assert isinstance(provider, AcmeProvider)
    with pytest.raises(UnknownProviderError, match="not a reelgate Provider"):
        registry.provider_class("broken")


def test_unknown_name_lists_installed_and_explains_entry_points() -> None:
    with pytest.raises(UnknownProviderError) as error:
        registry.provider_class("sora")
    message = str(error.value)
    assert "installed: fal, kling, luma, replicate, runway" in message
    assert "'reelgate.providers'" in message


def test_create_provider_reads_keys_from_the_given_env() -> None:
    provider = registry.create_provider("kling", env=SECRETS, base_url="http://127.0.0.1:1")
    assert isinstance(provider, KlingProvider) and provider.base_url == "http://127.0.0.1:1"

"""The shipped examples name models that exist: each preset's primary and failover model is in
its provider's catalogue, and the request the plan stage makes for it is one the adapter sends
(every such request is then checked by the provider's contract module)."""

from __future__ import annotations

import pytest

from reelgate.plan.requests import requests_for_point
from reelgate.preset.model import Preset
from reelgate.providers.registry import provider_class
from tests.providers.contract.cases import accepted, example_presets


@pytest.mark.parametrize("preset", example_presets(), ids=lambda p: p.id)
def test_primary_and_failover_models_are_in_the_catalogue(preset: Preset) -> None:
    request = requests_for_point(preset, next(iter(preset.sweep)))[0]
    targets = [request] + ([request.retarget(request.failover)] if request.failover else [])
    for target in targets:
        catalogue = provider_class(target.provider).models
        assert target.model in catalogue, (
            f"{preset.id}: {target.provider} has no model {target.model!r}")
        assert accepted(target), f"{preset.id}: {target.provider} refuses {target.model}"


def test_a_failover_to_a_model_fal_does_not_serve_is_caught() -> None:
    """The check above fails for the kind of id the audit found (issue 13, item 1)."""
    preset = example_presets()[0]
    request = requests_for_point(preset, next(iter(preset.sweep)))[0]
    stale = request.model_copy(update={
        "provider": "fal", "model": "fal-ai/kling-video/v2.1/standard/text-to-video"})
    assert stale.model not in provider_class("fal").models
    assert not accepted(stale)

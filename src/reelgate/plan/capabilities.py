"""The plan's question to the providers: can this request be rendered as asked?

Each adapter declares what its models honour (``reelgate.providers.capabilities``); this looks
up the request's provider (and its failover target) in the registry and collects the issues.
It lives in the plan, above the providers, so the capability matrix never imports the registry
that imports the adapters that declare it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reelgate.providers.capabilities import CapabilityIssue
from reelgate.providers.errors import ProviderConfigError
from reelgate.providers.registry import provider_class
from reelgate.request import RenderRequest


def check_capabilities(request: RenderRequest) -> list[CapabilityIssue]:
    """Issues for the request's provider and model, then for its failover target."""
    issues = _target_issues(request, prefix="")
    if request.failover is not None:
        issues += _target_issues(request.retarget(request.failover), prefix="failover.")
    return issues


def _target_issues(request: RenderRequest, prefix: str) -> list[CapabilityIssue]:
    try:
        cls = provider_class(request.provider)
        cls.capabilities_for(request.model)
    except ProviderConfigError as exc:
        field = "provider.name" if isinstance(exc, LookupError) else "provider.model"
        return [CapabilityIssue(prefix + field, "error", str(exc))]
    # replace() keeps every other field of the issue (model_note among them).
    return [replace(issue, field=prefix + issue.field) for issue in cls.capability_issues(request)]


def as_received(request: dict[str, Any]) -> dict[str, Any]:
    """A normalized request (``cassettes.fingerprint.normalized``) as its model receives it: a
    seed or negative prompt the model does not take is never sent, so it changes nothing the
    provider answers, and editing it must not make a recording stale."""
    try:
        caps = provider_class(str(request.get("provider"))).capabilities_for(str(request.get("model")))
    except ProviderConfigError:
        return request
    received = dict(request)
    if not caps.seed:
        received["seed"] = None
    if not caps.negative_prompt:
        received["negative_prompt"] = []
    return received

"""The render plan: every render the selected preset items need, as provider-neutral requests.

The names below load with ``reelgate.plan.requests`` (and so the providers) on first use: a run
that collects its presets from the memo (``reelgate.plan.checked``) loads neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reelgate.plan.requests import (
        PlanError,
        ProviderOverride,
        capability_diagnostics,
        model_notes,
        requests_for_point,
        requests_for_preset,
    )

__all__ = [
    "PlanError",
    "ProviderOverride",
    "capability_diagnostics",
    "model_notes",
    "requests_for_point",
    "requests_for_preset",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from reelgate.plan import requests

        return getattr(requests, name)
    raise AttributeError(f"module 'reelgate.plan' has no attribute {name!r}")

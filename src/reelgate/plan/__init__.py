"""The render plan: every render the selected preset items need, as provider-neutral requests."""

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

"""Render execution: requests, the media store, the concurrent service, cost and contract checks.

``request`` and ``store`` load eagerly (the providers build on them); the rest loads on first
use so that importing a provider never drags in the service that uses providers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from reelgate.render.request import ProviderChoice, RenderRequest
from reelgate.render.store import MediaStore, StoredClip

if TYPE_CHECKING:
    from reelgate.render.contract import (
        ClipProbe,
        ContractReport,
        ContractTolerance,
        check_output_contract,
        probe_clip,
    )
    from reelgate.render.cost import CostEstimate, CostLimitError, estimate_cost, guard_cost
    from reelgate.render.service import Progress, RenderOptions, RenderService

_LAZY = {
    "ClipProbe": "contract",
    "ContractReport": "contract",
    "ContractTolerance": "contract",
    "check_output_contract": "contract",
    "probe_clip": "contract",
    "CostEstimate": "cost",
    "CostLimitError": "cost",
    "estimate_cost": "cost",
    "guard_cost": "cost",
    "Progress": "service",
    "RenderOptions": "service",
    "RenderService": "service",
}

__all__ = [
    "ClipProbe",
    "ContractReport",
    "ContractTolerance",
    "CostEstimate",
    "CostLimitError",
    "MediaStore",
    "Progress",
    "ProviderChoice",
    "RenderOptions",
    "RenderRequest",
    "RenderService",
    "StoredClip",
    "check_output_contract",
    "estimate_cost",
    "guard_cost",
    "probe_clip",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'reelgate.render' has no attribute {name!r}")
    return getattr(importlib.import_module(f"reelgate.render.{module}"), name)

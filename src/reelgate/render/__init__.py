"""Render execution: the concurrent service, cost and contract checks.

The request (``reelgate.request``) and the media store (``reelgate.media``) live below both this
package and ``reelgate.providers``, which build on them; they are re-exported here. The rest
loads on first use, so importing ``reelgate.render`` does not load the service.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from reelgate.media import MediaStore, StoredClip
from reelgate.request import ProviderChoice, RenderRequest

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

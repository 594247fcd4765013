"""A local Kling v1 API simulator for end-to-end tests and benchmarks, without keys or spend.

    with running_simulator(SimulatorConfig(job_seconds=0.2)) as url:
        set_faults(url, {"kind": "rate_limit", "times": 2, "seconds": 0.05})
        provider = KlingProvider.from_env(simulator_env(), base_url=url)

From a shell: ``reelgate simulate --port 8765`` (``--faults plan.json``, ``--job-seconds``...).
Clips are rendered small (short side 180 px by default) at the requested aspect ratio and say
so in their metadata; the output-contract check then skips the resolution comparison.

Names are imported on first use: the server (starlette, uvicorn: the [simulator] extra) loads only
when a server is made, so ``reelgate --help`` and the clip renderer do not pay for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reelgate.simulator.app import create_app
    from reelgate.simulator.config import SimulatorConfig, simulator_env
    from reelgate.simulator.faults import Fault, FaultPlan
    from reelgate.simulator.server import (
        reset_simulator,
        running_simulator,
        set_faults,
        simulator_state,
    )

_HOMES = {
    "Fault": "faults",
    "FaultPlan": "faults",
    "SimulatorConfig": "config",
    "create_app": "app",
    "reset_simulator": "server",
    "running_simulator": "server",
    "set_faults": "server",
    "simulator_env": "config",
    "simulator_state": "server",
}
__all__ = [
    "Fault",
    "FaultPlan",
    "SimulatorConfig",
    "create_app",
    "reset_simulator",
    "running_simulator",
    "set_faults",
    "simulator_env",
    "simulator_state",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'reelgate.simulator' has no attribute {name!r}")
    return getattr(importlib.import_module(f"reelgate.simulator.{home}"), name)

"""A local Kling v1 API simulator for end-to-end tests and benchmarks, without keys or spend.

    with running_simulator(SimulatorConfig(job_seconds=0.2)) as url:
        set_faults(url, {"kind": "rate_limit", "times": 2, "seconds": 0.05})
        provider = KlingProvider.from_env(simulator_env(), base_url=url)

From a shell: ``reelgate simulate --port 8765`` (``--faults plan.json``, ``--job-seconds``...).
Clips are rendered small (short side 180 px by default) at the requested aspect ratio and say
so in their metadata; the output-contract check then skips the resolution comparison.
"""

from reelgate.simulator.app import create_app
from reelgate.simulator.config import SimulatorConfig, simulator_env
from reelgate.simulator.faults import Fault, FaultPlan
from reelgate.simulator.server import (
    reset_simulator,
    running_simulator,
    set_faults,
    simulator_state,
)

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

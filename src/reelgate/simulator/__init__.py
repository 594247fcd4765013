"""A local Kling v1 API simulator for end-to-end tests and benchmarks, without keys or spend."""

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

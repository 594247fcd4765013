import argparse
import json
from pathlib import Path

import httpx

from reelgate.simulator import SimulatorConfig, running_simulator
from reelgate.simulator.cli import build_config, register


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reelgate")
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_simulate_subcommand_defaults() -> None:
    args = parse(["simulate"])
    assert (args.host, args.port) == ("127.0.0.1", 8765) and callable(args.func)
    assert build_config(args) == SimulatorConfig(render_workers=build_config(args).render_workers)


def test_settings_and_fault_plan_from_files(tmp_path: Path) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"faults": [{"kind": "rate_limit", "times": 2}]}))
    config_file = tmp_path / "sim.json"
    config_file.write_text(json.dumps({"fps": 12, "job_seconds": 5}))
    args = parse(["simulate", "--config", str(config_file), "--faults", str(faults),
                  "--job-seconds", "2", "--credits", "10"])
    config = build_config(args)
    assert (config.fps, config.job_seconds, config.credits_units) == (12, 2.0, 10.0)
    assert config.faults.faults[0].kind == "rate_limit"


def test_runs_as_a_subprocess() -> None:
    with running_simulator(SimulatorConfig(job_seconds=0.1), in_subprocess=True) as url:
        assert url.startswith("http://127.0.0.1:")
        state = httpx.get(f"{url}/__sim/state").json()
        assert state["tasks_created"] == 0

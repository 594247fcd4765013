"""``reelgate simulate``: serve the Kling v1 simulator in the foreground."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reelgate.extras import MissingExtraError
from reelgate.simulator.config import SimulatorConfig
from reelgate.simulator.faults import FaultPlan

DESCRIPTION = (
    "Serve a local simulator of the Kling v1 video API (JWT auth, task polling, downloadable "
    "H.264 clips whose content follows the request). Point the Kling adapter at it with a "
    "provider override and the simulator's test keys (reelgate.simulator.config.simulator_env())."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=8765,
                        help="port to bind; 0 picks a free one (default %(default)s)")
    parser.add_argument("--config", type=Path,
                        help="JSON file with simulator settings (SimulatorConfig fields)")
    parser.add_argument("--faults", type=Path,
                        help='JSON fault plan, e.g. {"faults": [{"kind": "rate_limit"}]}')
    parser.add_argument("--job-seconds", type=float, help="seconds from submit to finished")
    parser.add_argument("--fps", type=int, help="frames per second of rendered clips")
    parser.add_argument("--short-side", type=int, help="short side of rendered clips, px")
    parser.add_argument("--full-resolution", action="store_true",
                        help="render the requested resolution (720p std, 1080p pro); slow")
    parser.add_argument("--latency-scale", type=float,
                        help="scale of provider-like render times (1 = real minutes; default "
                        "$REELGATE_SIM_LATENCY_SCALE or 0)")
    parser.add_argument("--failure-rate", type=float,
                        help="share of tasks that fail like a provider's (0 to 1)")
    parser.add_argument("--max-concurrent", type=int, help="tasks in flight before 429/1303")
    parser.add_argument("--credits", type=float, help="resource pack units before 429/1102")
    parser.add_argument("--log-level", default="warning",
                        choices=["critical", "error", "warning", "info", "debug"])


def register(subparsers: Any) -> None:
    """Add the ``simulate`` subcommand to the ``reelgate`` console script."""
    parser = subparsers.add_parser("simulate", help="serve a local Kling v1 API simulator",
                                   description=DESCRIPTION)
    add_arguments(parser)
    parser.set_defaults(func=run)


def build_config(args: argparse.Namespace) -> SimulatorConfig:
    settings: dict[str, Any] = {}
    if args.config is not None:
        settings = SimulatorConfig.model_validate_json(args.config.read_text()).model_dump()
    overrides = {"job_seconds": args.job_seconds, "fps": args.fps, "short_side": args.short_side,
                 "max_concurrent_tasks": args.max_concurrent, "credits_units": args.credits,
                 "latency_scale": args.latency_scale, "failure_rate": args.failure_rate}
    settings.update({k: v for k, v in overrides.items() if v is not None})
    if args.full_resolution:
        settings["short_side"] = None
    if args.faults is not None:
        settings["faults"] = FaultPlan.model_validate_json(args.faults.read_text())
    return SimulatorConfig.model_validate(settings)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; the server stack (the [simulator] extra) is imported only here."""
    try:
        from reelgate.simulator.server import READY_PREFIX, bind_socket, serve
    except MissingExtraError as exc:
        print(f"reelgate simulate: {exc}", file=sys.stderr)
        return 2
    try:
        config = build_config(args)
        sock = bind_socket(args.host, args.port)
    except (OSError, ValueError) as exc:
        print(f"reelgate simulate: {exc}", file=sys.stderr)
        return 2
    host, port = sock.getsockname()[:2]
    print(f"{READY_PREFIX}http://{host}:{port}", flush=True)
    serve(config, sock, args.log_level)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reelgate.simulator", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(argv))

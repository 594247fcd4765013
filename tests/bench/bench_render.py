"""Render throughput against the simulator: 60 jobs of 2 s each, 10 at a time, then one by one.

Run: .venv/bin/python tests/bench/bench_render.py [--jobs 60] [--concurrency 10] [--job-seconds 2]
Prints wall time over the ideal (jobs / concurrency x job seconds); the target is <= 1.15
(issue 14). The simulator renders its clips tiny (64 px, 6 fps): the figure is the service's
scheduling, not the simulator's encoder competing for a shared machine's cores.
A script, not a test: pytest does not collect tests/bench.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from reelgate.preset.camera import parse_camera
from reelgate.providers.timing import RetryPolicy
from reelgate.render.service import RenderOptions, RenderService
from reelgate.request import RenderRequest
from reelgate.simulator import SimulatorConfig, running_simulator, simulator_env, simulator_state

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.figures import Figure, print_summary

TARGET = 1.15  # wall over ideal, issue 14
MOVES = ("slow pan right", "gentle tilt up", "push in", "locked", "handheld", "fast pan left")


def jobs(count: int) -> list[RenderRequest]:
    return [
        RenderRequest(
            preset_id="bench",
            preset_version="1",
            sweep_point=f"job{i:03d}",
            prompt=f"a paper boat number {i} drifts along a rainy street gutter",
            motion_score=i % 10,
            camera=parse_camera(MOVES[i % len(MOVES)]),
            duration=5,
            aspect_ratio="16:9",
            resolution="720p",
            provider="kling",
            model="kling-v2-6",
        )
        for i in range(count)
    ]


def run(url: str, requests: list[RenderRequest], concurrency: int) -> float:
    """Wall seconds from start to the last result; every render must succeed."""
    with tempfile.TemporaryDirectory(prefix="reelgate-bench-") as media:
        options = RenderOptions(
            media_root=Path(media),
            base_urls={"kling": url},
            concurrency=concurrency,
            poll_interval=0.1,
            retry=RetryPolicy(attempts=3, backoff=0.2),
            env=simulator_env(),
        )
        with RenderService(options) as service:
            started = time.perf_counter()
            service.start(requests)
            results = [service.result(r.key, timeout=600) for r in requests]
            wall = time.perf_counter() - started
    failed = [r for r in results if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} renders failed, first: {failed[0].message}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--job-seconds", type=float, default=2.0)
    parser.add_argument("--skip-sequential", action="store_true")
    args = parser.parse_args()

    config = SimulatorConfig(job_seconds=args.job_seconds, fps=6, short_side=64,
                             max_concurrent_tasks=max(20, args.concurrency))
    ideal = args.jobs / args.concurrency * args.job_seconds
    with running_simulator(config, in_subprocess=True) as url:
        wall = run(url, jobs(args.jobs), args.concurrency)
        print(f"concurrent: {args.jobs} jobs x {args.job_seconds:g} s at concurrency "
              f"{args.concurrency}: wall {wall:.2f} s, ideal {ideal:.2f} s, "
              f"ratio {wall / ideal:.3f}")
        charged = simulator_state(url)["tasks_created"]
        print(f"simulator: {charged} tasks created for {args.jobs} jobs")
        if not args.skip_sequential:
            sequential = run(url, jobs(args.jobs), 1)
            serial_ideal = args.jobs * args.job_seconds
            print(f"sequential: {args.jobs} jobs one after another: wall {sequential:.2f} s "
                  f"(ideal {serial_ideal:.2f} s, ratio {sequential / serial_ideal:.3f}); "
                  f"concurrency speed-up x{sequential / wall:.1f}")
    print_summary("bench_render", Figure(f"wall / ideal, {args.jobs} jobs at concurrency "
                                         f"{args.concurrency}", wall / ideal, TARGET, digits=3))


if __name__ == "__main__":
    main()

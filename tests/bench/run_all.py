"""Every benchmark of tests/bench, one after another, each in its quick mode and within a time
budget, then their summary lines together: where the project stands against its targets.

Each benchmark ends with one line ``name: figure (target X) OK|MISS[; ...]`` (tests/bench/
figures.py); this collects those lines. A benchmark that overruns its budget is stopped and
reported as TIMEOUT, one that fails as ERROR, with the tail of its output in its log
(.reelgate/bench/logs/NAME.txt). Generated clips and the accuracy bench's analysis cache are kept
in .reelgate/bench, so a second run skips making them. Benchmarks run one at a time: the
machine is shared, and two at once would load each other's figures.

Run: .venv/bin/python tests/bench/run_all.py [--full] [--only NAME ...] [--skip NAME ...]
     [--budget-factor X]
About five minutes on an idle 2-core machine (the first run longer: it makes the clips).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / ".reelgate" / "bench"
SUMMARY = re.compile(r"^\S[^:]*: .*\(target .*\) (OK|MISS)\b")


@dataclass(frozen=True)
class Bench:
    name: str
    quick: tuple[str, ...]  # arguments of the quick mode run_all uses by default
    budget_s: float  # seconds before the quick mode is stopped (x FULL_BUDGET_FACTOR for --full)
    full: tuple[str, ...] = ()


BENCHES = (
    Bench("bench_plugin_overhead", ("--quick",), 90),
    Bench("bench_collection", (), 120),
    Bench("bench_replay", (), 240),
    Bench("bench_render", ("--skip-sequential",), 90),
    Bench("bench_analysis", ("--quick", "--keep", str(WORK / "clips")), 240,
          ("--keep", str(WORK / "clips"))),
    Bench("bench_accuracy", ("--cache", str(WORK / "accuracy-cache")), 240),
    Bench("bench_ledger", ("--quick",), 120),
    Bench("fault_matrix", (), 300),  # 19 recording runs of about 9 s (720p clips analysed)
    Bench("kill_loop", ("--quick",), 120),
    Bench("fuzz_presets", ("--quick",), 120),
    Bench("bench_install", ("--quick",), 240),
)
FULL_BUDGET_FACTOR = 6  # the full modes run the default sizes: 1M ledger rows, 25 kills, ...


def run(bench: Bench, full: bool, factor: float) -> tuple[str, float]:
    """The bench's summary line (or why there is none) and its wall seconds."""
    args = bench.full if full else bench.quick
    budget = bench.budget_s * (FULL_BUDGET_FACTOR if full else 1) * factor
    log = WORK / "logs" / f"{bench.name}.txt"
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(REPO / "tests" / "bench" / f"{bench.name}.py"),
                                    *args], cwd=REPO, stdout=out, stderr=subprocess.STDOUT, text=True)
        try:
            code = process.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = None
    seconds = time.perf_counter() - started
    lines = [line for line in log.read_text(errors="replace").splitlines() if SUMMARY.match(line)]
    if lines:
        return lines[-1], seconds
    if code is None:
        return f"{bench.name}: TIMEOUT after {budget:.0f} s (budget; see {log})", seconds
    tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
    return f"{bench.name}: ERROR exit {code}: {tail[0][:160]} (see {log})", seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="each bench's full size (an hour or more)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benches")
    parser.add_argument("--skip", nargs="+", metavar="NAME", default=[], help="leave these out")
    parser.add_argument("--budget-factor", type=float, default=1.0, metavar="X",
                        help="multiply every budget (a machine busy with other work is slower)")
    args = parser.parse_args(argv)
    names = {b.name for b in BENCHES}
    unknown = sorted((set(args.only or ()) | set(args.skip)) - names)
    if unknown:
        parser.error(f"no bench {', '.join(unknown)}; the benches: {', '.join(sorted(names))}")
    chosen = [b for b in BENCHES if (not args.only or b.name in args.only) and b.name not in args.skip]
    (WORK / "logs").mkdir(parents=True, exist_ok=True)
    results = []
    for bench in chosen:
        line, seconds = run(bench, args.full, args.budget_factor)
        results.append((line, seconds))
        print(f"[{seconds:5.0f} s] {line}", flush=True)
    total = sum(seconds for _, seconds in results)
    print(f"\n{len(results)} benchmarks in {total / 60:.1f} min "
          f"({'full' if args.full else 'quick'} mode):")
    for line, _ in results:
        print(line)
    return 0 if all(line.endswith("OK") and "MISS" not in line for line, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())

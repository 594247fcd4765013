"""What the installed plugin costs a project without presets: pytest on 300 trivial tests, with the
plugin and with ``-p no:reelgate``, alternated in one run so both see the same machine load.

Each round runs both variants in fresh subprocesses (order swapped every round) and takes the
difference of their CPU times (user + system); the median of those differences is the figure. The tree has no presets, no reelgate options and no ini settings,
the case the plugin must leave alone. Run: python tests/bench/bench_plugin_overhead.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.figures import Figure, print_summary

TARGET_MS = 10.0  # "a few milliseconds" for a project without presets (issue 12)

TESTS = 300
FILES = 30  # 10 tests a file, like a small project
DEFAULT_ROUNDS = 9  # odd, so the median is one measured run
WITH, WITHOUT = "with reelgate", "-p no:reelgate"


def make_tree(root: Path) -> None:
    """300 trivial passing tests in 30 files, and an empty ini so pytest stops looking upwards."""
    (root / "pytest.ini").write_text("[pytest]\n")
    per_file = TESTS // FILES
    for f in range(FILES):
        body = "".join(f"def test_{f}_{t}():\n    assert {t} + 1 == {t + 1}\n\n" for t in range(per_file))
        (root / f"test_trivial_{f:02}.py").write_text(body)


def run_once(root: Path, extra: list[str]) -> float:
    """CPU seconds (user + system) of one ``pytest -q`` in a fresh interpreter; a failing run
    stops the bench. CPU, not wall: on a shared machine another job's load moves one run's wall
    time by more than the whole plugin costs, and leaves its CPU time nearly alone."""
    # no PYTEST_ADDOPTS, no PYTEST_DISABLE_PLUGIN_AUTOLOAD: the plugin loads as when installed
    # and .pyc files written and read, as on a user's machine: with PYTHONDONTWRITEBYTECODE (set
    # on some CI machines) every run compiles the plugin's modules again, a cost no user pays.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("REELGATE_", "PYTEST_")) and k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0 or f"{TESTS} passed" not in done.stdout:
        raise SystemExit(f"pytest {' '.join(extra)} failed in {root}:\n{done.stdout}{done.stderr}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="runs of each variant")
    parser.add_argument("--quick", action="store_true", help="5 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = 5  # 3 let one slow run of a cold machine read as 448 ms of overhead
    variants = {WITH: [], WITHOUT: ["-p", "no:reelgate"]}
    times: dict[str, list[float]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory(prefix="reelgate-overhead-") as temp:
        root = Path(temp)
        make_tree(root)
        run_once(root, [])  # warm the file cache and the .pyc files; not counted
        for index in range(args.rounds):
            order = list(variants) if index % 2 == 0 else list(reversed(variants))
            for name in order:
                times[name].append(run_once(root, variants[name]))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        runs = " ".join(f"{v * 1000:.0f}" for v in values)
        print(f"{name:16} median {medians[name] * 1000:7.1f} ms CPU  (runs, ms: {runs})")
    # each round ran both variants back to back: the median of those pairs' differences
    difference = statistics.median(w - wo for w, wo in zip(times[WITH], times[WITHOUT], strict=True))
    print(f"plugin overhead on {TESTS} trivial tests: {difference * 1000:+.1f} ms CPU "
          f"(ratio {medians[WITH] / medians[WITHOUT]:.3f}), median of {args.rounds} paired rounds")
    print_summary("bench_plugin_overhead",
                  Figure(f"overhead on {TESTS} trivial tests", difference * 1000, TARGET_MS, " ms", 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzz the preset check with hostile files and count what went wrong.

N presets (default 2,000) are drawn from the hostile strategy (``tests/hostile/strategies.py``:
/proc, /dev, FIFOs, symlink loops, paths outside the project, absolute and ``..`` paths, invalid
marks, YAML tags, huge values) into one project full of traps. Each file goes through the check
the schema item runs, in this process, under a per-file alarm; then ``reelgate check`` and
``pytest -k schema`` run once over all of them in subprocesses with a timeout. Printed: files
tried, internal errors (an exception out of our code), hangs (per-file timeout), tracebacks (in
any output), wrong passes (a file invalid by construction reported valid), leaks (the canary
secret in any output), unpositioned errors.

Run from the repository root: python tests/bench/fuzz_presets.py [N]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import traceback
from collections import Counter
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, Phase, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.figures import Figure, print_summary
from tests.hostile.strategies import CANARY, Case, check_case, hostile_presets, make_project

from reelgate.preset.scenarios import load_scenarios

DEFAULT_FILES = 2000
PER_FILE_TIMEOUT_S = 10  # a bounded check takes milliseconds; only a blocked read gets near this
RUN_TIMEOUT_S = 900  # the whole reelgate check / pytest pass over every file


class Hang(Exception):
    """The per-file alarm went off."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def fuzz(count: int, work: Path) -> Counter[str]:
    root = work / "project"
    root.mkdir()
    fuzz_dir = make_project(root)
    scenarios = load_scenarios(root / "presets" / "scenarios.yaml")
    figures: Counter[str] = Counter()
    signal.signal(signal.SIGALRM, _alarm)

    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=hostile_presets())
    def one(case: Case) -> None:
        index = figures["files tried"]
        figures["files tried"] += 1
        figures["invalid by construction"] += case.invalid
        path = fuzz_dir / f"f{index:05d}.yaml"
        path.write_text(case.text)
        signal.alarm(PER_FILE_TIMEOUT_S)
        try:
            valid, found = check_case(path, scenarios, root)
        except Hang:
            figures["hangs"] += 1
            return
        except Exception:  # counted, not raised: the bench reports every kind of failure
            figures["internal errors"] += 1
            figures["tracebacks"] += 1
            print(f"{path.name}: {traceback.format_exc(limit=3)}", file=sys.stderr)
            return
        finally:
            signal.alarm(0)
        figures["reported valid"] += valid
        if case.invalid and valid:
            figures["wrong passes"] += 1
            print(f"wrong pass: {path.name}: {case!r}"[:400], file=sys.stderr)
        for problem in found:
            figures["leaks" if problem.startswith("leak") else "unpositioned errors"] += 1
            print(f"{path.name}: {problem}"[:400], file=sys.stderr)

    one()
    for name, command in (
        ("reelgate check", [sys.executable, "-m", "reelgate.cli", "check", "presets"]),
        ("pytest -k schema", [sys.executable, "-m", "pytest", "presets", "-q", "-k", "schema",
                              "-p", "no:randomly", "-p", "no:cacheprovider"]),
    ):
        try:
            run = subprocess.run(command, cwd=root, capture_output=True, text=True,
                                 timeout=RUN_TIMEOUT_S, env={**os.environ, "REELGATE_FUZZ": CANARY})
        except subprocess.TimeoutExpired:
            figures[f"{name}: hangs"] += 1
            continue
        out = run.stdout + run.stderr
        figures[f"{name}: exit {run.returncode}"] += 1
        figures["tracebacks"] += out.count("Traceback (most recent call last)")
        figures["internal errors"] += out.count("INTERNALERROR")
        figures["leaks"] += out.count(CANARY)
        if name == "reelgate check":
            summary = [line for line in run.stdout.splitlines() if "presets valid" in line]
            figures[f"{name}: {summary[-1] if summary else 'no summary line'}"] += 1
        else:
            figures[f"{name}: {run.stdout.strip().splitlines()[-1] if run.stdout.strip() else '-'}"] += 1
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("files", nargs="?", type=int, default=DEFAULT_FILES,
                        help=f"fuzzed preset files to try (default {DEFAULT_FILES})")
    parser.add_argument("--quick", action="store_true", help="200 files")
    options = parser.parse_args()
    count = 200 if options.quick else options.files
    with tempfile.TemporaryDirectory() as work:
        figures = fuzz(count, Path(work))
    bad = ("internal errors", "hangs", "tracebacks", "wrong passes", "leaks")
    failed = any(figures.get(k) for k in bad)
    line = [Figure(f"of {figures.get('files tried', 0)} files, {k}" if k == bad[0] else k,
                   figures.get(k, 0), 0, "", 0) for k in bad]
    for key in ("files tried", "invalid by construction", "reported valid", "internal errors",
                "hangs", "tracebacks", "wrong passes", "leaks", "unpositioned errors"):
        print(f"{key:>24}: {figures.pop(key, 0)}")
    for key, value in sorted(figures.items()):
        print(f"{key}: {value}" if value != 1 else key)
    print_summary("fuzz_presets", *line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

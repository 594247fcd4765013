"""kill -9 a recording run against the simulator at random moments, K times, then let one run
finish (it reconciles what the killed runs left), and count what was lost.

Run: .venv/bin/python tests/bench/kill_loop.py [--kills 25] [--seed 11]
Prints kills, corrupt files (cassettes, approved records and the ledger that fail to parse),
simulator tasks with no ledger row (lost: a kill between the submit and the answer), and rows
still of unknown or interrupted charge after the reconciling run (unreconciled).
A script, not a test: pytest does not collect tests/bench.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.figures import Figure, print_summary
from tests.bench.simsuite import (
    charged_usd,
    environment,
    ledger_rows,
    record,
    record_command,
    settled_state,
    write_suite,
)

from reelgate.records import LedgerError
from reelgate.simulator import SimulatorConfig, running_simulator

# A kill lands anywhere from start-up to the end of the renders (0.4 s jobs, 12 renders).
KILL_WINDOW_S = (0.3, 5.0)


def corrupt_files(root: Path) -> list[str]:
    bad = []
    for path in sorted((root / "cassettes").rglob("*.yaml")):
        try:
            yaml.safe_load(path.read_text())
        except (yaml.YAMLError, UnicodeDecodeError):
            bad.append(str(path.relative_to(root)))
    for path in sorted((root / "approved").glob("*.json")):
        try:
            json.loads(path.read_text())
        except (ValueError, UnicodeDecodeError):
            bad.append(str(path.relative_to(root)))
    try:
        ledger_rows(root)
    except LedgerError:
        bad.append(".reelgate/ledger.sqlite")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=25)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="5 kills")
    options = parser.parse_args()
    if options.quick:
        options.kills = 5
    rng = random.Random(options.seed)
    corrupt: set[str] = set()
    with running_simulator(SimulatorConfig(job_seconds=0.4), in_subprocess=True) as url, \
            tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_suite(root, presets=4)
        for _ in range(options.kills):
            child = subprocess.Popen(record_command(url, "-k", "sweep"), cwd=root,
                                     env=environment(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(*KILL_WINDOW_S))
            child.send_signal(signal.SIGKILL)
            child.wait()
            corrupt.update(corrupt_files(root))
        settled_state(url)
        final = record(root, url, "-k", "sweep")
        corrupt.update(corrupt_files(root))
        state = settled_state(url)
        rows = ledger_rows(root)
    tasks = {t["task_id"] for t in state["tasks"]}
    logged = {r.task_id for r in rows if r.task_id}
    lost = sorted(tasks - logged)
    unreconciled = [r for r in rows if r.charge != "known"]
    known = sum(r.cost_usd for r in rows if r.charge == "known")
    print(f"kills: {options.kills}")
    print(f"simulator tasks: {len(tasks)}, ledger rows: {len(rows)}")
    print(f"corrupt files: {len(corrupt)} {sorted(corrupt)}")
    print(f"lost (tasks without a ledger row): {len(lost)}")
    print(f"unreconciled rows after the final run: {len(unreconciled)} "
          f"({sum(1 for r in unreconciled if r.task_id is None)} without a task id)")
    print(f"charged by the simulator ${charged_usd(state):.2f}, recorded known ${known:.2f}, "
          f"unknown up to ${sum(r.cost_usd for r in unreconciled):.2f}")
    print(f"final run: {final.stdout.strip().splitlines()[-1] if final.stdout.strip() else '?'}")
    print_summary("kill_loop", Figure(f"after {options.kills} kills, corrupt files", len(corrupt), 0, "", 0),
                  Figure("lost renders", len(lost), 0, "", 0),
                  Figure("unreconciled rows", len(unreconciled), 0, "", 0))
    return 1 if corrupt or lost else 0


if __name__ == "__main__":
    raise SystemExit(main())

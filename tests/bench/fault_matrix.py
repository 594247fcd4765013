"""Every fault of the simulator's fault plan, through a whole recording run: what the run
reported, how many tasks the simulator created, and what it charged against what the ledger
recorded (known charges, and the list price of renders whose charge is unknown).

Run: .venv/bin/python tests/bench/fault_matrix.py
A script, not a test: pytest does not collect tests/bench. "ok" means every charge is in the
ledger: recorded known + unknown (at list price) covers what the simulator charged.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.figures import Figure, print_summary
from tests.bench.simsuite import (
    charged_usd,
    ledger_rows,
    outcome_of,
    record,
    settled_state,
    write_suite,
)

from reelgate.simulator import SimulatorConfig, reset_simulator, running_simulator, set_faults

# (label, fault): each fault of faults.FaultKind, on its default call and on the others it
# means something on; "times" keeps a fault from failing every retry unless said.
FAULTS: list[tuple[str, dict[str, Any] | None]] = [
    ("none", None),
    ("latency/poll", {"kind": "latency", "on": "poll", "seconds": 0.3, "times": None}),
    ("rate_limit", {"kind": "rate_limit", "seconds": 0.1}),
    ("rate_limit always", {"kind": "rate_limit", "times": None}),
    ("concurrency_limit", {"kind": "concurrency_limit", "seconds": 0.1}),
    ("server_error 500", {"kind": "server_error", "status": 500}),
    ("server_error 503 always", {"kind": "server_error", "status": 503, "times": None}),
    ("drop_connection/submit", {"kind": "drop_connection", "on": "submit"}),
    ("drop_connection/poll", {"kind": "drop_connection", "on": "poll"}),
    ("drop_connection/poll always", {"kind": "drop_connection", "on": "poll", "times": None}),
    ("malformed_json/submit", {"kind": "malformed_json", "on": "submit"}),
    ("malformed_json/poll", {"kind": "malformed_json", "on": "poll"}),
    ("moderation_input", {"kind": "moderation_input"}),
    ("moderation_output", {"kind": "moderation_output"}),
    ("insufficient_credits", {"kind": "insufficient_credits"}),
    ("task_failed", {"kind": "task_failed"}),
    ("truncated_download", {"kind": "truncated_download"}),
    ("truncated_download always", {"kind": "truncated_download", "times": None}),
    ("degraded_output", {"kind": "degraded_output"}),
]


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None).parse_args()
    header = (f"{'fault':30} {'outcome':22} {'tasks':>5} {'charged':>8} {'recorded':>8} "
              f"{'unknown':>8} {'rows':>4}  check")
    print(header)
    bad = 0
    with running_simulator(SimulatorConfig(job_seconds=0.2), in_subprocess=True) as url:
        for label, fault in FAULTS:
            reset_simulator(url)
            if fault is not None:
                set_faults(url, fault)
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp)
                write_suite(root, presets=1)
                run = record(root, url, "-k", "sweep", "--preset-concurrency", "1")
                state = settled_state(url)
                rows = [r for r in ledger_rows(root) if not r.replayed]
            known = round(sum(r.cost_usd for r in rows if r.charge == "known"), 4)
            unknown = round(sum(r.cost_usd for r in rows if r.charge != "known"), 4)
            charged = charged_usd(state)
            ok = known <= charged + 1e-6 and charged <= known + unknown + 1e-6
            bad += not ok
            print(f"{label:30} {outcome_of(run.stdout):22} {state['tasks_created']:>5} "
                  f"{charged:>8.2f} {known:>8.2f} {unknown:>8.2f} {len(rows):>4}  "
                  f"{'ok' if ok else 'MISSING SPEND'}")
    print(f"{len(FAULTS)} faults, {bad} with spend the ledger does not account for")
    print_summary("fault_matrix", Figure(f"of {len(FAULTS)} faults, spend unaccounted", bad, 0, "", 0))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

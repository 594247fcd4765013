"""``reelgate report`` on a ledger of 1,000,000 renders against the same aggregate as one hand-written
SQL query run directly on the database, in the same run, on SQLite and PostgreSQL.

The report is timed in-process through its own code path (``reelgate report --since all
--section weekly --format json``: open and check the ledger, the report's query, JSON rendering,
output to /dev/null); the query through the bare driver (sqlite3, psycopg) on an open connection.
Best of five each, interleaved, so the ratio is what counts on a shared, noisy machine. The full
report (every section) is timed too, for information. Target: weekly report <= 1.5x the query.

PostgreSQL comes from REELGATE_TEST_POSTGRES_URL, else a throwaway cluster started with
.ci/services.sh, as the tests do. Run: python tests/bench/bench_ledger.py [--rows N] [--no-postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from reelgate.records import LedgerRow, open_ledger
from reelgate.records.cli import main as reelgate_records

SERVICES = Path(__file__).resolve().parents[2] / ".ci" / "services.sh"
sys.path.insert(0, str(SERVICES.parents[1]))
from tests.bench.figures import Figure, print_summary  # noqa: E402

RATIO_TARGET = 1.5  # weekly report over the one hand-written query
UNTIL = "2025-12-01"
START = datetime(2024, 12, 2, tzinfo=UTC)  # a Monday; 52 weeks of runs follow
SCENARIOS = ("ad", "dance", "product", "narrative")
PROVIDERS = {"kling": ("kling-v2-6", 0.49), "runway": ("gen4_turbo", 0.75), "luma": ("ray-2", 0.32)}
SWEEP = (("low", 2.0), ("mid", 4.0), ("mid-high", 6.0))
REPEATS = 2
PRESETS_PER_SCENARIO = 10
ROWS_PER_RUN = len(SCENARIOS) * PRESETS_PER_SCENARIO * len(SWEEP) * REPEATS

# The weekly aggregate exactly as the report computes it, ratios included, in one statement.
DIRECT_SQL = """
SELECT week_start, scenario, renders, usable, live_renders, live_usable, live_spend,
       CAST(usable AS FLOAT) / renders AS usable_rate,
       live_spend / NULLIF(live_usable, 0) AS cost_per_usable
FROM (
    SELECT week_start, scenario,
           COUNT(*) AS renders,
           SUM(CASE WHEN verdict IN ('pass', 'pass-with-edits') THEN 1 ELSE 0 END) AS usable,
           SUM(CASE WHEN source = 'live' THEN 1 ELSE 0 END) AS live_renders,
           SUM(CASE WHEN source = 'live' AND verdict IN ('pass', 'pass-with-edits') THEN 1 ELSE 0 END)
               AS live_usable,
           SUM(CASE WHEN source = 'live' THEN cost_usd ELSE 0 END) AS live_spend
    FROM reelgate_renders
    WHERE recorded_at < {until}
    GROUP BY week_start, scenario
) AS weekly
ORDER BY week_start, scenario
"""


def generate_rows(count: int, seed: int = 11) -> Iterator[LedgerRow]:
    """CI runs over a year: every run renders all 40 presets at three sweep points, twice; some
    runs are replays; presets differ in how often they are usable, providers in price."""
    rng = random.Random(seed)
    presets = [
        (f"{scenario}-{n:02d}", scenario, rng.choice(list(PROVIDERS)), rng.uniform(0.2, 0.92))
        for scenario in SCENARIOS
        for n in range(PRESETS_PER_SCENARIO)
    ]
    runs = math.ceil(count / ROWS_PER_RUN)
    starts = sorted(START + timedelta(seconds=rng.uniform(0, 364 * 86400)) for _ in range(runs))
    produced = 0
    for number, started in enumerate(starts):
        replayed = rng.random() < 0.3
        commit = f"{rng.getrandbits(160):040x}"
        offset = 0.0
        for preset_id, scenario, default_provider, usable_odds in presets:
            for point, score in SWEEP:
                for repeat in range(REPEATS):
                    if produced == count:
                        return
                    provider = default_provider if rng.random() < 0.9 else rng.choice(list(PROVIDERS))
                    model, price = PROVIDERS[provider]
                    roll = rng.random()
                    verdict = ("error" if roll < 0.03 else "pass" if roll < usable_odds * 0.7
                               else "pass-with-edits" if roll < usable_odds else "fail")
                    latency = rng.uniform(40, 240)
                    offset += latency / 8
                    yield LedgerRow(
                        recorded_at=started + timedelta(seconds=offset), run_id=f"ci-{number:05d}",
                        git_commit=commit, preset_id=preset_id, preset_version=str(1 + number // 900),
                        scenario=scenario, prompt_hash=f"sha256:{hash((preset_id, number // 900)) & 2**64 - 1:016x}",
                        reference_id=None if scenario == "narrative" else f"sha256:{preset_id}",
                        motion_score=score, sweep_point=point, camera_intent="slow push-in", provider=provider,
                        model=model, seed=rng.randrange(2**31), repeat=repeat, replayed=replayed,
                        verdict=verdict, continuity=rng.random(), subject=rng.random(),
                        camera_match=rng.random(), cost_usd=0.0 if verdict == "error" else price,
                        latency_s=latency,
                    )
                    produced += 1


def fill(url: str, count: int) -> float:
    start = time.perf_counter()
    with open_ledger(url) as ledger:
        added = ledger.append(generate_rows(count))
        if added != count:
            raise SystemExit(f"expected {count} new rows, the ledger took {added}")
    return time.perf_counter() - start


def run_report(url: str, sections: list[str]) -> dict[str, Any]:
    """``reelgate report`` in-process; returns its JSON (printed into a buffer, then /dev/null)."""
    argv = ["report", "--ledger", url, "--since", "all", "--until", UNTIL, "--format", "json"]
    for section in sections:
        argv += ["--section", section]
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = reelgate_records(argv)
    if code != 0:
        raise SystemExit(f"reelgate report exited {code}")
    with open(os.devnull, "w") as sink:
        sink.write(buffer.getvalue())
    return dict(json.loads(buffer.getvalue()))


def direct_query(url: str) -> tuple[Callable[[], list[tuple[Any, ...]]], Callable[[], None]]:
    """The hand-written query on a bare driver connection, and how to close that connection."""
    if url.startswith("postgresql"):
        import psycopg

        conn = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
        sql = DIRECT_SQL.format(until="%(until)s")
        params: dict[str, Any] = {"until": datetime.fromisoformat(UNTIL).replace(tzinfo=UTC)}
    else:
        import sqlite3

        conn = sqlite3.connect(url)  # type: ignore[assignment]
        sql = DIRECT_SQL.format(until=":until")
        params = {"until": f"{UNTIL} 00:00:00.000000"}

    def run() -> list[tuple[Any, ...]]:
        return list(conn.execute(sql, params).fetchall())  # type: ignore[arg-type]

    return run, conn.close


def best_of(runs: int, *timed: Callable[[], Any]) -> list[float]:
    best = [float("inf")] * len(timed)
    for _ in range(runs):
        for index, action in enumerate(timed):
            start = time.perf_counter()
            action()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def measure(label: str, url: str, count: int) -> Figure:
    print(f"{label}: filling {count:,} rows ...", flush=True)
    seconds = fill(url, count)
    print(f"{label}: filled in {seconds:.1f} s ({count / seconds:,.0f} rows/s)", flush=True)
    query, close = direct_query(url)
    try:
        weekly = run_report(url, ["weekly"])["weekly"]
        rows = query()
        if [(w["week_start"], w["scenario"], w["renders"], w["usable"], w["live_renders"],
             w["live_usable"], round(w["live_spend_usd"], 2)) for w in weekly] != [
            (str(r[0])[:10], r[1], r[2], r[3], r[4], r[5], round(r[6], 2)) for r in rows
        ]:
            raise SystemExit(f"{label}: the report and the direct query disagree")
        report_s, direct_s, full_s = best_of(
            5, lambda: run_report(url, ["weekly"]), query, lambda: run_report(url, [])
        )
    finally:
        close()
    print(f"{label}: {len(rows)} week x scenario groups over {count:,} rows")
    print(f"{label}: reelgate report (weekly, json) {report_s * 1000:8.1f} ms")
    print(f"{label}: one SQL query, bare driver     {direct_s * 1000:8.1f} ms")
    print(f"{label}: ratio {report_s / direct_s:.2f}x (target <= 1.5x)")
    print(f"{label}: full report, all six sections  {full_s * 1000:8.1f} ms ({full_s / direct_s:.2f}x the query)",
          flush=True)
    return Figure(f"{label} report / query", report_s / direct_s, RATIO_TARGET, "x")


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on REELGATE_TEST_POSTGRES_URL's server, or on a cluster started here."""
    server = os.environ.get("REELGATE_TEST_POSTGRES_URL")
    root = None
    if not server:
        root = tempfile.mkdtemp(prefix="reelgate-pg-bench-")
        started = subprocess.run(["bash", str(SERVICES)], env={**os.environ, "REELGATE_PG_ROOT": root},
                                 capture_output=True, text=True, timeout=300)
        if started.returncode != 0:
            raise SystemExit(f"{SERVICES} failed:\n{started.stderr[-2000:]}")
        server = started.stdout.strip().splitlines()[-1].split("=", 1)[1]
    name = f"reelgate_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        if root:
            subprocess.run(["bash", str(SERVICES), "stop"], env={**os.environ, "REELGATE_PG_ROOT": root},
                           capture_output=True, timeout=120)
            shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--quick", action="store_true", help="100,000 rows, SQLite only")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.no_postgres = 100_000, True
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        figures.append(measure("SQLite", str(Path(tmp) / "ledger.sqlite"), args.rows))
    if not args.no_postgres:
        with postgres_database() as url:
            figures.append(measure("PostgreSQL", url, args.rows))
    print_summary(f"bench_ledger ({args.rows:,} rows)", *figures)


if __name__ == "__main__":
    main()

""".ci/services.sh: prints one export line for eval, reuses its running cluster, stops cleanly."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.records.postgres import SERVICES, postgres_binaries_present

pytestmark = pytest.mark.skipif(not postgres_binaries_present(), reason="PostgreSQL's initdb/pg_ctl are not installed")
EXPORT = re.compile(r"^export REELGATE_TEST_POSTGRES_URL=(postgresql://reelgate:[^@\s]+@127\.0\.0\.1:\d+/reelgate_test)$")


@pytest.fixture
def cluster_root() -> Iterator[dict[str, str]]:
    root = tempfile.mkdtemp(prefix="reelgate-pg-services-")
    env = {**os.environ, "REELGATE_PG_ROOT": root}
    try:
        yield env
    finally:
        subprocess.run(["bash", str(SERVICES), "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def _services(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SERVICES), *args], env=env, capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)


def test_start_reuse_and_stop(cluster_root: dict[str, str]) -> None:
    first = _services(cluster_root)
    assert first.returncode == 0, first.stderr
    match = EXPORT.match(first.stdout.strip())
    assert match, first.stdout  # stdout is exactly the line to eval; progress went to stderr
    engine = create_engine(make_url(match[1]).set(drivername="postgresql+psycopg"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT current_database()")).scalar_one() == "reelgate_test"
    engine.dispose()

    again = _services(cluster_root)
    assert again.returncode == 0 and again.stdout == first.stdout
    assert "reusing the cluster" in again.stderr

    assert _services(cluster_root, "stop").returncode == 0
    restarted = _services(cluster_root)
    assert restarted.returncode == 0 and EXPORT.match(restarted.stdout.strip())


def test_failures_exit_non_zero_with_a_message(cluster_root: dict[str, str]) -> None:
    wrong = _services(cluster_root, "restart")
    assert wrong.returncode != 0
    assert "services.sh: error: usage: services.sh [start|stop]" in wrong.stderr
    assert wrong.stdout == ""

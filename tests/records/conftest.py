"""Ledgers for the records tests: a SQLite file, and a real PostgreSQL database per test.

PostgreSQL comes from REELGATE_TEST_POSTGRES_URL (CI: ``eval "$(bash .ci/services.sh)"``), else
from a cluster this session starts with the same script; without either the PostgreSQL tests skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.records.postgres import POSTGRES_ENV, SERVICES, postgres_binaries_present


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A URL of a PostgreSQL server whose user may create databases."""
    url = os.environ.get(POSTGRES_ENV)
    if url:
        yield url
        return
    if not postgres_binaries_present():
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} or PostgreSQL's initdb/pg_ctl (apt-get install postgresql)")
    # Under /tmp, not pytest's private basetemp: the postgres user must reach it when we are root.
    root = tempfile.mkdtemp(prefix="reelgate-pg-")
    env = {**os.environ, "REELGATE_PG_ROOT": root}
    started = subprocess.run(["bash", str(SERVICES)], env=env, capture_output=True, text=True, timeout=180)
    if started.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"{SERVICES} failed:\n{started.stderr[-3000:]}")
    line = started.stdout.strip().splitlines()[-1]
    try:
        yield line.split("=", 1)[1]
    finally:
        subprocess.run(["bash", str(SERVICES), "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh database for one test, so tests and xdist workers never share tables."""
    name = f"reelgate_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(postgres_server).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes this runs once on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite")
    return str(request.getfixturevalue("postgres_url"))

"""Where the PostgreSQL for the tests comes from: .ci/services.sh, or the variable it exports."""

from __future__ import annotations

import shutil
from glob import glob
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / ".ci" / "services.sh"
POSTGRES_ENV = "REELGATE_TEST_POSTGRES_URL"


def postgres_binaries_present() -> bool:
    """What services.sh needs when it may not install anything: initdb and pg_ctl somewhere."""
    return bool(shutil.which("pg_ctl") and shutil.which("initdb")) or bool(glob("/usr/lib/postgresql/*/bin/pg_ctl"))

from __future__ import annotations

# Compiled libraries the plugin loads inside pytester's in-process runs. pytester drops modules a
# run imported when it ends; importing these here keeps one copy alive for every run (SQLAlchemy's
# compiled parts fail when imported a second time into the same process). httpx maps httpcore's
# errors by class: a second httpcore, imported after a run dropped the first, raises classes the
# first httpx does not know, and a dropped connection escapes as a raw httpcore error; psycopg's
# errors likewise stop matching the ledger's except clauses.
import contextlib

import av  # noqa: F401
import cv2  # noqa: F401
import httpcore  # noqa: F401
import httpx  # noqa: F401
import numpy  # noqa: F401
import pytest
import sqlalchemy.dialects.postgresql  # noqa: F401  (a second import re-registers its SQL functions)
import yaml  # noqa: F401  (its C parser builds nodes of the first yaml.nodes it saw)

# reelgate's own pytest glue, which the plugin imports only once a run has presets: one copy for
# every in-process run, so the report's stash keys (collect/details.py) are the same objects in the
# modules that record a run's details and the ones that print them.
import reelgate.collect.details
import reelgate.collect.hooks  # noqa: F401

with contextlib.suppress(ImportError):  # the [postgres] extra
    import psycopg  # noqa: F401

# matplotlib's compiled parts keep the classes of its first import: after a run dropped it, a second
# matplotlib fails in Axes() with "Invalid arguments to set_clip_path, of type Rectangle".
with contextlib.suppress(ImportError):  # the [report] extra
    import matplotlib.backends.backend_agg
    import matplotlib.dates
    import matplotlib.figure
    import matplotlib.ticker  # noqa: F401

from tests.suites import SuiteWriter

pytest_plugins = ["pytester"]


@pytest.fixture
def suite(pytester: pytest.Pytester) -> SuiteWriter:
    return SuiteWriter(pytester)

from __future__ import annotations

# Compiled libraries the plugin loads inside pytester's in-process runs. pytester drops modules a
# run imported when it ends; importing these here keeps one copy alive for every run (SQLAlchemy's
# compiled parts fail when imported a second time into the same process).
import av  # noqa: F401
import cv2  # noqa: F401
import numpy  # noqa: F401
import pytest
import sqlalchemy  # noqa: F401

from tests.suites import SuiteWriter

pytest_plugins = ["pytester"]


@pytest.fixture
def suite(pytester: pytest.Pytester) -> SuiteWriter:
    return SuiteWriter(pytester)

from __future__ import annotations

import pytest

from tests.suites import SuiteWriter

pytest_plugins = ["pytester"]


@pytest.fixture
def suite(pytester: pytest.Pytester) -> SuiteWriter:
    return SuiteWriter(pytester)

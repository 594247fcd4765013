"""Hostile presets through the real check: never an exception, a hang, a leak or a wrong pass."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reelgate.plan.checked import load_checked
from reelgate.preset.scenarios import ScenarioSet, load_scenarios
from tests.hostile.strategies import CANARY, Case, check_case, hostile_presets, make_project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ScenarioSet]]:
    root = tmp_path_factory.mktemp("hostile") / "project"
    root.mkdir()
    make_project(root)
    os.environ["REELGATE_HOSTILE_CANARY"] = CANARY
    yield root, load_scenarios(root / "presets" / "scenarios.yaml")
    del os.environ["REELGATE_HOSTILE_CANARY"]


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=hostile_presets())
def test_hostile_presets_are_clean_schema_errors(project: tuple[Path, ScenarioSet], case: Case) -> None:
    root, scenarios = project
    path = root / "presets" / "fuzz" / "case.yaml"
    path.write_text(case.text)
    valid, found = check_case(path, scenarios, root)
    assert found == [], case
    assert not (case.invalid and valid), f"wrong pass: {case}"


def test_a_symlink_out_of_the_presets_is_not_a_preset(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    make_project(root)
    os.symlink(root.parent / "outside.yaml", root / "presets" / "sneaky.yaml")
    suite = load_checked(root, [root / "presets"], root / "presets" / "scenarios.yaml", memo=False)
    assert suite.results == {}


@settings(max_examples=3, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(cases=st.lists(hostile_presets(), min_size=8, max_size=8))
def test_a_run_over_hostile_presets_has_no_traceback_or_leak(
    pytester: pytest.Pytester, cases: list[Case]
) -> None:
    fuzz = make_project(pytester.path)
    for old in fuzz.iterdir():
        old.unlink()
    for i, case in enumerate(cases):
        (fuzz / f"case{i:02d}.yaml").write_text(case.text)
    result = pytester.runpytest("presets", "-p", "no:randomly", "-k", "schema")
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out and "INTERNALERROR" not in out and CANARY not in out
    assert result.ret in (0, 1)
    assert result.parseoutcomes().get("failed", 0) >= sum(c.invalid for c in cases)

"""Preset files as pytest collectors and their checks as items.

A preset file is collected as a ``pytest.Module`` (pytest scopes module fixtures by the nearest
Module) whose ``obj`` is set, through its public setter, to an empty module named after the file:
pytest never imports the YAML, and module-scoped fixtures, ``request.module`` and
``request.path`` work on preset items. The items are ``pytest.Function`` s so fixtures, marks,
``-k``, xdist and JUnit behave as for test functions, located at the preset's YAML line
(``reportinfo``). Each item only asks its stage for a result and reports it
(``reelgate.collect.checks``).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reelgate.collect import details
from reelgate.collect.checks import (
    PresetCheckFailed,
    plan_report,
    reference_check,
    regression_check,
    schema_check,
    sweep_check,
)
from reelgate.collect.marks import marks_for, register_marks
from reelgate.collect.suite import get_suite
from reelgate.preset.check import PresetResult
from reelgate.preset.model import Preset
from reelgate.run.outcomes import OUTCOME, XFAIL, XPASS


class PresetFile(pytest.Module):
    """One preset YAML file."""

    @classmethod
    def for_path(cls, parent: pytest.Collector, path: Path) -> PresetFile:
        """The file's collector, with its module object given up front, so pytest never tries
        to import the YAML as Python."""
        collector: PresetFile = cls.from_parent(parent, path=path)
        module = types.ModuleType(f"reelgate_preset_{path.stem}")
        module.__file__ = str(path)
        collector.obj = module
        return collector

    def collect(self) -> Iterator[PresetItem]:
        result = get_suite(self.config).get(self.path)
        register_marks(self.config, result.marks)  # once per file, before marks_for names them
        report = plan_report(result, self.config)
        yield PresetItem.for_check(self, "schema", result, schema_check(result, self.config, report))
        preset = result.preset
        if preset is None or report.of("error"):
            return  # an invalid preset, or one its provider would refuse, has nothing else to run
        if preset.reference_video is not None:
            yield PresetItem.for_check(self, "reference", result, reference_check(preset, self.config))
        for point in preset.sweep:
            item = SweepItem.for_check(self, f"sweep[{point}]", result,
                                       sweep_check(preset, point, self.config))
            item.point = point
            yield item
        yield PresetItem.for_check(self, "regression", result, regression_check(preset, self.config))


class PresetItem(pytest.Function):
    """One check of one preset; its location is the preset's YAML line."""

    preset_result: PresetResult

    @classmethod
    def for_check(
        cls, parent: PresetFile, name: str, result: PresetResult, check: Callable[[], None]
    ) -> Any:
        item = cls.from_parent(parent, name=name, callobj=check)
        item.preset_result = result
        item.add_marker(pytest.mark.preset)  # so `-m preset` selects every preset item
        if parent.config.pluginmanager.hasplugin("xdist"):  # one worker renders the whole preset
            item.add_marker(pytest.mark.xdist_group(name=parent.nodeid))
        for mark in marks_for(result.marks, name):
            item.add_marker(mark)
        return item

    @property
    def preset(self) -> Preset:
        assert self.preset_result.preset is not None
        return self.preset_result.preset

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.preset_result.line - 1, f"{self.preset_result.preset_id}::{self.name}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, PresetCheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class SweepItem(PresetItem):
    """The renders of one sweep point: they succeeded and honour the output contract."""

    point: str


def name_outcome(item: PresetItem, report: pytest.TestReport) -> None:
    """Name the item's outcome once pytest has decided it (xfail marks included), in the item's
    user properties (JUnit XML reads them from the teardown report) and in the report.

    pytest says "passed" for an xfail-marked item that passes unless the mark is strict, and
    JUnit XML files it as a pass: named XPASS here, a stale mark is seen in every output."""
    if report.when != "call" and report.passed:
        return
    given = dict(item.user_properties).get(OUTCOME)  # a sweep point's own, set by its check
    if hasattr(report, "wasxfail"):
        name = XPASS if report.passed else XFAIL
    elif report.failed and str(report.longrepr).startswith("[XPASS(strict)]"):
        name = XPASS
    elif report.skipped:
        name = "skipped"
    else:
        name = str(given) if given and report.when == "call" else report.outcome
    for properties in (item.user_properties, report.user_properties):
        properties[:] = [(key, value) for key, value in properties if key != OUTCOME]
        properties.append((OUTCOME, name))
    details.record(item.config, item.nodeid, "outcomes", name, item.name)

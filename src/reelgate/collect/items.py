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
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from reelgate.collect import details
from reelgate.collect.checks import CHECKS, PresetCheckFailed
from reelgate.collect.marks import mark_named, marks_for, register_marks
from reelgate.collect.suite import get_suite
from reelgate.run.outcomes import OUTCOME, XFAIL, XPASS

if TYPE_CHECKING:
    from reelgate.plan.checked import CheckedFile
    from reelgate.preset.check import PresetResult
    from reelgate.preset.model import Preset


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
        # On the file, so every item of it has them (pytest and xdist read marks up the chain).
        collector.add_marker(mark_named(parent.config, "preset"))  # `-m preset`: every preset item
        if parent.config.pluginmanager.hasplugin("xdist"):  # one worker renders the whole preset
            collector.add_marker(pytest.mark.xdist_group(name=collector.nodeid))
        return collector

    def collect(self) -> Iterator[PresetItem]:
        """The file's items, from its outline: the check itself is loaded when an item runs."""
        checked = get_suite(self.config).get(self.path)
        register_marks(self.config, checked.outline.marks)  # once per file, before marks_for names them
        marks = checked.outline.marks
        for mark in marks_for(marks, None, self.config):  # the plain ones: every item of the file
            self.add_marker(mark)
        per_item = any(mark.kind != "plain" for mark in marks)  # xfail and skip may name items
        for name in checked.outline.items:
            item = _item(self, name, checked)
            for mark in marks_for(marks, name) if per_item else ():
                item.add_marker(mark)
            yield item


def _item(parent: PresetFile, name: str, checked: CheckedFile) -> PresetItem:
    if name.startswith("sweep["):
        item = SweepItem.from_parent(parent, name=name, callobj=CHECKS["sweep"])
        item.point = name.removeprefix("sweep[").removesuffix("]")
    else:
        item = PresetItem.from_parent(parent, name=name, callobj=CHECKS[name])
    item.checked = checked
    return item


class PresetItem(pytest.Function):
    """One check of one preset; its location is the preset's YAML line."""

    checked: CheckedFile  # the file's check, which the item's check reads when it runs

    @property
    def preset_result(self) -> PresetResult:
        return self.checked.result

    @property
    def preset_id(self) -> str:
        return self.checked.outline.preset_id

    @property
    def preset(self) -> Preset:
        preset = self.checked.result.preset
        assert preset is not None
        return preset

    def reportinfo(self) -> tuple[Path, int, str]:
        outline = self.checked.outline
        return self.path, outline.line - 1, f"{outline.preset_id}::{self.name}"

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

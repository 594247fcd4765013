"""Preset files as pytest collectors and their checks as items.

A preset file is collected as a ``pytest.Module`` whose object is a synthetic module, so that
module-scoped fixtures, ``request.module`` and ``request.path`` work on preset items; the items
are ``pytest.Function`` s so fixtures, marks, ``-k``, xdist and JUnit behave as for test functions.
Each item only asks its stage for a result and reports it.
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reelgate.collect.config import settings
from reelgate.collect.marks import marks_for
from reelgate.preset.check import PresetResult
from reelgate.preset.suite import Suite, load_suite

SUITE_KEY = pytest.StashKey[Suite]()


class PresetCheckFailed(Exception):
    """A preset check failed; its text is the whole report, shown without a traceback."""


class PresetWarning(UserWarning):
    """Something in a preset works but probably not as meant (for example a dropped layer)."""


def get_suite(config: pytest.Config) -> Suite:
    """The checked suite, loaded once per session (per worker under xdist)."""
    if SUITE_KEY not in config.stash:
        conf = settings(config)
        config.stash[SUITE_KEY] = load_suite(conf.root, list(conf.preset_paths), conf.scenarios)
    return config.stash[SUITE_KEY]


class PresetFile(pytest.Module):
    """One preset YAML file."""

    def _getobj(self) -> types.ModuleType:
        # pytest imports Python modules here; a preset gets an empty module named after its file.
        module = types.ModuleType(f"reelgate_preset_{self.path.stem}")
        module.__file__ = str(self.path)
        return module

    def collect(self) -> Iterator[PresetItem]:
        result = get_suite(self.config).get(self.path)
        yield PresetItem.for_check(self, "schema", result, _schema_check(result, self.config))


class PresetItem(pytest.Function):
    """One check of one preset; its location is the preset's YAML line."""

    preset_result: PresetResult

    @classmethod
    def for_check(
        cls, parent: PresetFile, name: str, result: PresetResult, check: Callable[[], None]
    ) -> PresetItem:
        item = cls.from_parent(parent, name=name, callobj=check)
        item.preset_result = result
        for mark in marks_for(result.marks, name):
            item.add_marker(mark)
        return item

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.preset_result.line - 1, f"{self.preset_result.preset_id}::{self.name}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, PresetCheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)


def _schema_check(result: PresetResult, config: pytest.Config) -> Callable[[], None]:
    root = config.rootpath

    def schema() -> None:
        """The preset is a valid contract for its scenario and provider."""
        for warning in result.warnings:
            warnings.warn(PresetWarning(warning.render(result.sources.get(warning.where.path), root)),
                          stacklevel=1)
        if result.errors:
            count = len(result.errors)
            raise PresetCheckFailed(
                f"{count} schema error{'s' * (count != 1)} in {result.path.name}:\n"
                + result.report(root)
            )

    return schema

"""What the end-of-run report shows of each preset beyond pass or fail, kept out of the user's
JUnit XML: items record it here; an xdist worker sends its share in ``workeroutput`` (as
syrupy does) and the controller merges it when the worker goes down."""

from __future__ import annotations

import json
from typing import Any

import pytest

# {preset file: {"points": {point: data}, "regression": data, "reference": data,
#                "outcomes": {item name: outcome name}, "annotations": {item name: [annotation]}}}
DETAILS_KEY = pytest.StashKey[dict[str, dict[str, Any]]]()
# Failed renders of a recording run: cassettes kept unchanged, and ones never written.
UNSAVED_KEY = pytest.StashKey[dict[str, int]]()
# Renders of earlier runs settled from the provider's task list, and those still unknown.
RECONCILED_KEY = pytest.StashKey[tuple[int, int]]()
# Kinds recorded per point or item: a preset's items may run on different workers.
KEYED = ("points", "outcomes", "annotations")
WORKEROUTPUT_KEY = "reelgate"
# The controller's run id, which every xdist worker writes its ledger rows under.
RUN_ID_KEY = pytest.StashKey[str]()


def record(config: pytest.Config, nodeid: str, kind: str, data: Any, point: str | None = None) -> None:
    entry = config.stash.setdefault(DETAILS_KEY, {}).setdefault(nodeid.split("::")[0], {})
    if point is None:
        entry[kind] = data
    else:
        entry.setdefault(kind, {})[point] = data


def count_unsaved(config: pytest.Config, kept: int, not_recorded: int) -> None:
    counts = unsaved(config)
    counts["kept"] += kept
    counts["not_recorded"] += not_recorded


def count_reconciled(config: pytest.Config, settled: int, left: int) -> None:
    before = config.stash.get(RECONCILED_KEY, (0, 0))
    config.stash[RECONCILED_KEY] = (before[0] + settled, before[1] + left)


def reconciled(config: pytest.Config) -> tuple[int, int]:
    return config.stash.get(RECONCILED_KEY, (0, 0))


def unsaved(config: pytest.Config) -> dict[str, int]:
    return config.stash.setdefault(UNSAVED_KEY, {"kept": 0, "not_recorded": 0})


def details(config: pytest.Config) -> dict[str, dict[str, Any]]:
    return config.stash.get(DETAILS_KEY, {})


def export(config: pytest.Config) -> str | None:
    """This worker's share as JSON, or None when its items recorded nothing."""
    if not any(key in config.stash for key in (DETAILS_KEY, UNSAVED_KEY, RECONCILED_KEY)):
        return None
    return json.dumps({"details": details(config), "unsaved": unsaved(config),
                       "reconciled": reconciled(config)})


def merge(config: pytest.Config, text: str) -> None:
    """A worker's share (``export``) into this process's: files are distinct per worker, but a
    preset's items may still be split (``--dist`` other than the plugin's grouping)."""
    data = json.loads(text)
    for path, entry in data.get("details", {}).items():
        for kind, value in entry.items():
            if kind in KEYED:
                for point, point_data in value.items():
                    record(config, path, kind, point_data, point)
            else:
                record(config, path, kind, value)
    counts = data.get("unsaved", {})
    count_unsaved(config, int(counts.get("kept", 0)), int(counts.get("not_recorded", 0)))
    settled, left = data.get("reconciled", (0, 0))
    if settled or left:
        count_reconciled(config, int(settled), int(left))

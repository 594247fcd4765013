"""xdist scheduling of preset items: a preset file is one ``xdist_group``, other tests load-balance.

Each preset item carries ``pytest.mark.xdist_group(name=<its file's node id>)`` and the plugin
makes ``--dist loadgroup`` the mode when xdist is on. xdist's own ``loadgroup`` learns a test's
group from a ``@group`` suffix its workers add to node ids, which pytest 9 no longer lets them do;
the controller sees node ids only (never marks). So this scheduler, through xdist's public
``Scheduling`` protocol, hands xdist's ``LoadGroupScheduling`` the preset items' node ids with that
suffix (the same name as the mark), and takes it off again wherever a node id comes back out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from xdist.scheduler import LoadGroupScheduling

from reelgate.collect.config import settings

GROUP_SEPARATOR = "@"  # LoadGroupScheduling's: a node id's group follows the last "@"


def group_presets(config: pytest.Config) -> None:
    """xdist's ``--dist load`` (its default under ``-n``) becomes ``loadgroup``, so one worker
    renders a preset's points together, once. A project without preset folders keeps its mode:
    it sees nothing of the plugin."""
    if _has_preset_folders(config):
        config.option.dist = "loadgroup"


def preset_scheduler(config: pytest.Config, log: Any) -> PresetGroupScheduling | None:
    """The scheduler for ``--dist loadgroup`` in a project with presets (else xdist's own)."""
    if not _has_preset_folders(config):
        return None
    owns, root = settings(config).owns, config.rootpath
    return PresetGroupScheduling(config, log, lambda path: owns(root / path))


def _has_preset_folders(config: pytest.Config) -> bool:
    return any(path.exists() for path in settings(config).preset_paths)


def preset_group(nodeid: str, is_preset: Callable[[str], bool]) -> str | None:
    """The xdist group of a preset item (its file's node id), None for any other test."""
    path = nodeid.split("::", 1)[0]
    return path if "::" in nodeid and is_preset(path) else None


class PresetGroupScheduling:
    """``--dist loadgroup`` where every preset file is one group: its points render together,
    once, on one worker; tests of other groups, and tests of none, load-balance as usual."""

    def __init__(self, config: pytest.Config, log: Any, is_preset: Callable[[str], bool]) -> None:
        self._inner = LoadGroupScheduling(config, log)
        self._is_preset = is_preset
        self._shown: dict[str, str] = {}  # grouped node id -> the node id pytest reports

    def _grouped(self, nodeid: str) -> str:
        group = preset_group(nodeid, self._is_preset)
        if group is None:
            return nodeid
        grouped = f"{nodeid}{GROUP_SEPARATOR}{group}"
        self._shown[grouped] = nodeid
        return grouped

    @property
    def nodes(self) -> list[Any]:
        return self._inner.nodes

    @property
    def collection_is_completed(self) -> bool:
        return self._inner.collection_is_completed

    @property
    def tests_finished(self) -> bool:
        return self._inner.tests_finished

    @property
    def has_pending(self) -> bool:
        return self._inner.has_pending

    def add_node(self, node: Any) -> None:
        self._inner.add_node(node)

    def add_node_collection(self, node: Any, collection: Sequence[str]) -> None:
        self._inner.add_node_collection(node, [self._grouped(nodeid) for nodeid in collection])

    def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
        self._inner.mark_test_complete(node, item_index, duration)

    def mark_test_pending(self, item: str) -> None:
        self._inner.mark_test_pending(self._grouped(item))

    def remove_pending_tests_from_node(self, node: Any, indices: Sequence[int]) -> None:
        self._inner.remove_pending_tests_from_node(node, indices)

    def remove_node(self, node: Any) -> str | None:
        """The item a crashed worker was running, as pytest names it (for its failure report)."""
        crashed = self._inner.remove_node(node)
        return self._shown.get(crashed, crashed) if crashed is not None else None

    def schedule(self) -> None:
        self._inner.schedule()

"""The checked suite of the session: every preset file, checked once (per xdist worker), from
the memo of earlier runs where nothing a file's check read has changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from reelgate.collect.config import settings

if TYPE_CHECKING:
    from reelgate.plan.checked import CheckedSuite

SUITE_KEY = pytest.StashKey["CheckedSuite"]()


def get_suite(config: pytest.Config) -> CheckedSuite:
    """The checked suite, loaded once per session (per worker under xdist)."""
    if SUITE_KEY not in config.stash:
        from reelgate.plan.checked import load_checked

        conf = settings(config)
        config.stash[SUITE_KEY] = load_checked(conf.root, list(conf.preset_paths), conf.scenarios,
                                               (conf.provider, conf.provider_url))
    return config.stash[SUITE_KEY]


def save_suite(config: pytest.Config) -> None:
    """Keep this session's checks for the next run (when the session loaded the suite)."""
    suite = config.stash.get(SUITE_KEY, None)
    if suite is not None:
        suite.save()

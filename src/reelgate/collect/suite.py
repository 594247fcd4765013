"""The checked suite of the session: every preset file, checked once (per xdist worker)."""

from __future__ import annotations

import pytest

from reelgate.collect.config import settings
from reelgate.preset.suite import Suite, load_suite

SUITE_KEY = pytest.StashKey[Suite]()


def get_suite(config: pytest.Config) -> Suite:
    """The checked suite, loaded once per session (per worker under xdist)."""
    if SUITE_KEY not in config.stash:
        conf = settings(config)
        config.stash[SUITE_KEY] = load_suite(conf.root, list(conf.preset_paths), conf.scenarios)
    return config.stash[SUITE_KEY]

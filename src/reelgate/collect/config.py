"""The run's config (``reelgate.run.RunConfig``), read once from options and ini in pytest_configure."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from reelgate.run.config import RunConfig

if TYPE_CHECKING:
    from reelgate.plan import ProviderOverride

SETTINGS_KEY = pytest.StashKey[RunConfig]()
Settings = RunConfig  # the suite's paths and the run's options, one frozen object


def run_config(config: pytest.Config) -> RunConfig:
    """Every option and ini value reelgate reads, with paths resolved against the rootdir."""
    root = config.rootpath.resolve()
    paths = tuple((root / p).resolve() for p in (config.getini("preset_paths") or ["presets"]))
    option = config.getini("preset_scenarios")
    scenarios = (root / option).resolve() if option else paths[0] / "scenarios.yaml"
    workerinput = getattr(config, "workerinput", None)
    return RunConfig(
        root=root, preset_paths=paths, scenarios=scenarios,
        cassettes=(root / (config.getini("preset_cassettes") or "cassettes")).resolve(),
        approved=(root / (config.getini("preset_approved") or "approved")).resolve(),
        record=config.getoption("preset_record", "none") or "none",
        provider=config.getoption("preset_provider", None),
        provider_url=config.getoption("preset_provider_url", None),
        concurrency=config.getoption("preset_concurrency", None),
        max_cost=config.getoption("preset_max_cost", None),
        poll_interval=config.getoption("preset_poll_interval", None),
        approve=bool(config.getoption("preset_approve", False)),
        strict=bool(config.getoption("preset_strict", False)),
        reanalyze=bool(config.getoption("preset_reanalyze", False)),
        ledger_option=config.getoption("preset_ledger", None),
        ledger_ini=config.getini("preset_ledger") or "",
        html=config.getoption("preset_html", None),
        results=config.getoption("preset_results", None),
        prune=config.getoption("preset_prune", None),
        run_id=workerinput.get("reelgate_run_id") if workerinput else None,
        worker=workerinput.get("workerid") if workerinput else None,
        whole_presets=bool(workerinput and workerinput.get("reelgate_whole_presets")),
    )


def settings(config: pytest.Config) -> RunConfig:
    """The run's config (built in pytest_configure; built here if a hook needs it earlier)."""
    if SETTINGS_KEY not in config.stash:
        config.stash[SETTINGS_KEY] = run_config(config)
    return config.stash[SETTINGS_KEY]


def provider_override(config: pytest.Config) -> ProviderOverride | None:
    """``--preset-provider NAME [--preset-provider-url URL]`` for every preset of the run."""
    return settings(config).override()

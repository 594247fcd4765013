"""reelgate's options, and the one hook that decides whether a run has work for it: only then are
its hooks (``collect/hooks.py``) registered and anything of reelgate imported."""

from __future__ import annotations

import pytest

# True when the run has no presets to collect and no reelgate option: every hook returns at once.
IDLE_KEY = pytest.StashKey[bool]()
OPTION_DEFAULTS: dict[str, object] = {"preset_record": "none"}  # the rest default to None or False


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("reelgate", "reelgate: video-generation presets as tests")
    group.addoption("--preset-provider", metavar="NAME", default=None,
                    help="render every preset with this provider (e.g. kling), whatever it names")
    group.addoption("--preset-provider-url", metavar="URL", default=None,
                    help="base URL for --preset-provider, e.g. a 'reelgate simulate' server")
    group.addoption("--preset-record", default="none",
                    choices=["none", "once", "new_episodes", "all", "rewrite"],
                    help="cassette record mode, as pytest-recording's --record-mode: 'none' "
                    "(default) replays only, with the network blocked; 'once' records what has no "
                    "cassette; 'new_episodes' adds what is missing; 'all' records everything again; "
                    "'rewrite' deletes cassettes first")
    group.addoption("--preset-concurrency", type=int, default=None, metavar="N",
                    help="renders in flight per provider (default: the provider's own limit)")
    group.addoption("--preset-max-cost", type=float, default=None, metavar="USD",
                    help="refuse to start live renders estimated above this; required in CI")
    group.addoption("--preset-poll-interval", type=float, default=None, metavar="SECONDS",
                    help="seconds between status polls (default: the provider's; 0.1 for a local simulator)")
    group.addoption("--preset-prune", nargs="?", const="auto", default=None, metavar="yes|dry-run",
                    help="after a full, passing run with every preset valid, list and delete the "
                    "recordings and approvals no preset needs; in CI (CI=true) a bare --preset-prune "
                    "only lists them (a dry run) unless given as --preset-prune=yes")
    group.addoption("--preset-approve", action="store_true", default=False,
                    help="write approved records for the selected presets whose checks all pass")
    group.addoption("--preset-reanalyze", action="store_true", default=False,
                    help="analyse every clip again instead of reading stored analyses, and rewrite "
                    "the ones committed beside the media (cassettes/media/*.analysis.json)")
    group.addoption("--preset-strict", action="store_true", default=False,
                    help="a sweep point that is only 'pass with edits' fails")
    group.addoption("--preset-ledger", default=None, metavar="URL",
                    help="run ledger: a SQLite file or postgresql://... (default .reelgate/ledger.sqlite; "
                    "env REELGATE_LEDGER)")
    group.addoption("--preset-html", default=None, metavar="PATH",
                    help="write a self-contained HTML report of the run (checks, verdicts, contact sheets)")
    group.addoption("--preset-shard", default=None, metavar="K/N",
                    help="run the K-th of N shares of the suite (preset files kept whole, balanced "
                    "by item count), e.g. one job of a CI matrix; merge with 'reelgate report --merge'")
    group.addoption("--preset-results", default=None, metavar="DIR",
                    help="write this run's (or shard's) results and contact sheets to DIR, for "
                    "'reelgate report --merge DIR...'")
    parser.addini("preset_ledger", "run ledger URL or SQLite file", default="")
    parser.addini("preset_approved", "directory of approved baselines", default="approved")
    parser.addini("preset_cassettes", "directory of recorded provider responses", default="cassettes")
    parser.addini("preset_paths", "directories (or files) holding preset YAML files",
                  type="linelist", default=["presets"])
    parser.addini("preset_scenarios",
                  "the scenarios file (default: <first preset path>/scenarios.yaml)", default="")


def _idle(config: pytest.Config) -> bool:
    """No preset directory (``preset_paths``, default ``presets``) exists under the rootdir and no
    ``--preset-*`` option was given: a project without presets, which the plugin leaves alone
    (nothing of reelgate beyond this module is imported)."""
    idle = config.stash.get(IDLE_KEY, None)
    if idle is None:
        given = any(name.startswith("preset_") and value not in (None, False, OPTION_DEFAULTS.get(name))
                    for name, value in vars(config.option).items())
        paths = config.getini("preset_paths") or ["presets"]
        idle = not given and not any((config.rootpath / p).exists() for p in paths)
        config.stash[IDLE_KEY] = idle
    return idle


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "preset: items collected from a reelgate preset file")
    if _idle(config):
        return  # no hook of reelgate's runs: not one call per test
    from reelgate.collect import hooks

    config.pluginmanager.register(hooks, "reelgate-hooks")
    from reelgate.collect.config import settings

    settings(config)  # the run's one frozen config (reelgate.run.RunConfig), read once
    if config.getoption("preset_shard", None) or config.getoption("preset_results", None):
        from reelgate.collect.shards import register_shards

        register_shards(config)  # on xdist workers too: they collect, so they deselect
    if not hasattr(config, "workerinput"):  # the summary is the controller's (or the only process's)
        from reelgate.collect.housekeeping import remove_leftovers
        from reelgate.collect.options import check_options
        from reelgate.collect.summary import RunSummary

        check_options(config)  # a bad value stops here, before collection or any render
        if config.getoption("dist", "no") == "load":  # xdist's default under -n
            from reelgate.collect.scheduling import group_presets

            group_presets(config)  # each preset file one xdist_group, run as --dist loadgroup
        if not config.option.collectonly:  # --co only lists: it deletes nothing either
            remove_leftovers(config)  # before xdist starts workers that could be writing
        config.pluginmanager.register(RunSummary(config), "reelgate-summary")

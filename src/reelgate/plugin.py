"""pytest hooks and options of reelgate; everything heavy is imported only when needed."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from reelgate.collect.details import (
    RUN_ID_KEY,
    UNSAVED_KEY,
    WORKEROUTPUT_KEY,
    count_reconciled,
    export,
    merge,
    unsaved,
)

if TYPE_CHECKING:
    from reelgate.collect.items import PresetFile

# The sweep points this process renders, kept from collection until the first sweep item runs.
PLANNED_KEY = pytest.StashKey[list[Any]]()


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


def _if_loaded(module: str) -> Any:
    """A reelgate module only if something already imported it. A preset item or a started run
    implies its module is loaded, so hooks that run for every test ask this instead of importing:
    a project without presets imports none of the stages."""
    return sys.modules.get(module)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "preset: items collected from a reelgate preset file")
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


def pytest_report_header(config: pytest.Config) -> list[str]:
    from reelgate.collect.housekeeping import leftovers_line

    line = leftovers_line(config)
    return [line] if line else []


def pytest_collection_finish(session: pytest.Session) -> None:
    """Open the ledger before any item runs (a bad one stops the run here) and plan the renders;
    nothing starts until a sweep item runs, so ``--co`` opens, renders and writes nothing."""
    items = _if_loaded("reelgate.collect.items")
    if session.config.option.collectonly or not session.items or items is None:
        return
    wanted = [item for item in session.items
              if isinstance(item, items.SweepItem) and item.get_closest_marker("skip") is None]
    if not wanted:
        return
    from reelgate.collect.runtime import open_run_ledger

    open_run_ledger(session.config)  # a bad ledger stops the run here, before any render is paid for
    if hasattr(session.config, "workerinput"):  # a worker cannot know its items yet, only the selection
        from reelgate.collect.runtime import get_run

        get_run(session.config).hub.selected = frozenset((item.preset.id, item.point) for item in wanted)
    else:
        session.config.stash[PLANNED_KEY] = [(item.preset, item.point) for item in wanted]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """The first sweep item to run starts every planned render at once (they render concurrently)."""
    planned = item.config.stash.get(PLANNED_KEY, None)
    if not planned:
        return
    from reelgate.collect.items import SweepItem

    if isinstance(item, SweepItem):
        from reelgate.collect.runtime import get_run

        del item.config.stash[PLANNED_KEY]
        get_run(item.config).start(planned)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    config = terminalreporter.config
    if hasattr(config, "workerinput"):
        return
    runtime = _if_loaded("reelgate.collect.runtime")
    run = runtime.started_run(config) if runtime is not None else None
    hub = run.started_hub() if run is not None else None
    line = hub.summary_line() if hub is not None else None
    counts = unsaved(config) if UNSAVED_KEY in config.stash else {}
    if line is None and any(counts.values()):  # under xdist the workers rendered: their counts
        from reelgate.run.hub import unsaved_note

        note = unsaved_note(counts["kept"], counts["not_recorded"])
        line = f"reelgate: {note.removeprefix('; ')}"
    if line:
        terminalreporter.write_line(line)
    if not getattr(config.pluginmanager.get_plugin("reelgate-summary"), "rows", None):
        return  # no preset item ran: nothing to call unused
    from reelgate.collect.housekeeping import report_unused

    report_unused(terminalreporter, exitstatus)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> object:
    """Replayed preset items run with the network blocked outside loopback."""
    items = _if_loaded("reelgate.collect.items")
    if (items is None or not isinstance(item, items.PresetItem)
            or item.config.getoption("preset_record") != "none"):
        return (yield)
    from reelgate.collect.network import blocked_network

    with blocked_network():
        return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Outermost, so it sees the report as pytest's xfail handling leaves it: a preset item's
    outcome is named there (``collect/items.name_outcome``: xfail, XPASS, not recorded, ...)."""
    report = yield
    items = _if_loaded("reelgate.collect.items")
    if items is not None and isinstance(item, items.PresetItem):
        items.name_outcome(item, report)
    return report


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: object) -> None:
    """xdist: every worker writes its ledger rows under the controller's run id (each worker
    reads the commit itself, when it first writes a row)."""
    config = node.config  # type: ignore[attr-defined]
    if RUN_ID_KEY not in config.stash:
        config.stash[RUN_ID_KEY] = uuid.uuid4().hex[:16]
    node.workerinput["reelgate_run_id"] = config.stash[RUN_ID_KEY]  # type: ignore[attr-defined]
    # Modes that send a preset file's items to one worker: it renders each preset whole.
    whole = config.getoption("dist") in ("loadgroup", "loadfile", "loadscope")
    node.workerinput["reelgate_whole_presets"] = whole  # type: ignore[attr-defined]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadgroup`` with every preset file one group (xdist's own cannot read the groups
    on pytest 9: see ``collect/scheduling.py``)."""
    if config.getoption("dist") != "loadgroup":
        return None
    from reelgate.collect.scheduling import preset_scheduler

    return preset_scheduler(config, log)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker sends what its preset items recorded for the report (not in JUnit XML)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is None:
        return
    runtime = _if_loaded("reelgate.collect.runtime")
    run = runtime.started_run(session.config) if runtime is not None else None
    hub = run.started_hub() if run is not None else None
    if hub is not None and hub.reconciled and any(hub.reconciled):  # gw0 reconciles for the run
        count_reconciled(session.config, *hub.reconciled)
    text = export(session.config)
    if text is not None:
        workeroutput[WORKEROUTPUT_KEY] = text


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist controller: merge a worker's share of the report."""
    text = getattr(node, "workeroutput", {}).get(WORKEROUTPUT_KEY)
    if text:
        merge(node.config, text)


def pytest_unconfigure(config: pytest.Config) -> None:
    runtime = _if_loaded("reelgate.collect.runtime")
    run = runtime.started_run(config) if runtime is not None else None
    if run is not None:
        run.close()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> PresetFile | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    from reelgate.collect.config import settings

    if not settings(parent.config).owns(file_path):
        return None
    from reelgate.collect.items import PresetFile

    return PresetFile.for_path(parent, file_path)

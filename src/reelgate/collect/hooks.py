"""reelgate's pytest hooks, registered by ``plugin.pytest_configure`` only when the run has
presets or reelgate options: a project without presets pays no call per test."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from reelgate.collect.items import PresetFile

# The sweep points this process renders, kept from collection until the first sweep item runs.
PLANNED_KEY = pytest.StashKey[list[Any]]()


def _if_loaded(module: str) -> Any:
    """A reelgate module only if something already imported it. A preset item or a started run
    implies its module is loaded, so hooks that run for every test ask this instead of importing:
    a suite whose tests are not presets imports none of the stages."""
    return sys.modules.get(module)


def pytest_report_header(config: pytest.Config) -> list[str]:
    from reelgate.collect.housekeeping import leftovers_line

    line = leftovers_line(config)
    return [line] if line else []


def pytest_collection_finish(session: pytest.Session) -> None:
    """Open the ledger before any item runs (a bad one stops the run here) and plan the renders;
    nothing starts until a sweep item runs, so ``--co`` opens, renders and writes nothing."""
    items = _if_loaded("reelgate.collect.items")
    if items is None:
        return
    if session.config.option.collectonly:  # --co reads the memo of checks but writes nothing
        return
    from reelgate.collect.suite import save_suite

    save_suite(session.config)  # the next run collects the unchanged files from the memo
    if not session.items:
        return
    wanted = [item for item in session.items
              if isinstance(item, items.SweepItem) and item.get_closest_marker("skip") is None]
    if not wanted:
        return
    from reelgate.collect.runtime import open_run_ledger

    ledger = open_run_ledger(session.config)  # a bad ledger stops the run here, before any render is paid for
    if not hasattr(session.config, "workerinput"):  # a worker would see its siblings' first rows
        _refuse_a_reused_run_id(ledger, {item.preset_id for item in wanted})
    if hasattr(session.config, "workerinput"):  # a worker cannot know its items yet, only the selection
        from reelgate.collect.runtime import get_run

        get_run(session.config).hub.selected = frozenset((item.preset_id, item.point) for item in wanted)
    else:
        session.config.stash[PLANNED_KEY] = [(item.preset, item.point) for item in wanted]


def _refuse_a_reused_run_id(ledger: Any, presets: set[str]) -> None:
    """A run id given from outside (REELGATE_RUN_ID) that already holds rows of these presets
    names an earlier run: its rows would be replaced, so nothing is rendered."""
    from reelgate.run.ledger import RUN_ID_ENV, given_run_id

    if given_run_id() is None:
        return
    if clash := sorted(ledger.presets_of_run() & presets):
        raise pytest.UsageError(
            f"{RUN_ID_ENV}={ledger.run_id} already names a run in the ledger with rows of "
            f"{', '.join(clash[:3])}{' and more' if len(clash) > 3 else ''}: this run would "
            "replace them; give each run its own id (the CI run and attempt), or unset it")


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
    from reelgate.collect.details import UNSAVED_KEY, unsaved

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
    from reelgate.collect.details import RUN_ID_KEY

    if RUN_ID_KEY not in config.stash:
        from reelgate.run.ledger import run_id

        config.stash[RUN_ID_KEY] = run_id()
    node.workerinput["reelgate_run_id"] = config.stash[RUN_ID_KEY]  # type: ignore[attr-defined]
    from reelgate.collect.progress_xdist import start_controller_line

    start_controller_line(config, config.stash[RUN_ID_KEY])
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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> Any:
    """xdist controller: pytest writes a test's outcome with the renders' status line off."""
    with _controller_writes():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_logfinish(nodeid: str, location: object) -> Any:
    """And its progress figure ("[ 50%]"), likewise."""
    with _controller_writes():
        yield


def _controller_writes() -> Any:
    progress = _if_loaded("reelgate.collect.progress_xdist")
    line = progress.running_line() if progress is not None else None
    return line.pytest_writes() if line is not None else contextlib.nullcontext()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker sends what its preset items recorded for the report (not in JUnit XML);
    the controller stops the renders' status line before the summary."""
    progress = _if_loaded("reelgate.collect.progress_xdist")
    if progress is not None:
        progress.stop_controller_line()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is None:
        return
    from reelgate.collect.details import WORKEROUTPUT_KEY, count_reconciled, export

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
    from reelgate.collect.details import WORKEROUTPUT_KEY, merge

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

"""``--preset-shard K/N``: this job runs the K-th of N shares of the suite, each preset file whole.

A preset's items share its renders and its regression needs every point, so a file is never
split: files (and other test modules) are dealt to shards largest first, each to the shard with
the fewest items so far, ties by path. Every shard computes the same deal from the same
collection, so the shards of one run together select each item exactly once.

``--preset-results DIR`` writes what the controller's summary knows (the HTML page's input and
the table's rows) to ``DIR/reelgate-results[-K-of-N].json``, with copies of the contact sheets in
``DIR/sheets/``; ``reelgate report --merge DIR...`` assembles the whole run from them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

_SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` as (K, N); ValueError with the fix when it is not 1 <= K <= N."""
    found = _SHARD.match(text.strip())
    if not found or not 1 <= int(found[1]) <= int(found[2]):
        raise ValueError(f"--preset-shard {text}: give K/N with 1 <= K <= N, e.g. --preset-shard 2/4 "
                         "for the second of four shards")
    return int(found[1]), int(found[2])


def deal(groups: dict[str, int], shards: int) -> dict[str, int]:
    """Each group (a file and its item count) to a shard 1..N: largest first to the least loaded."""
    load = [0] * shards
    out = {}
    for name, count in sorted(groups.items(), key=lambda g: (-g[1], g[0])):
        shard = min(range(shards), key=lambda s: (load[s], s))
        load[shard] += count
        out[name] = shard + 1
    return out


class ShardSelection:
    """A pytest plugin object: deselects the items of other shards, after -k and -m have."""

    def __init__(self, shard: tuple[int, int]) -> None:
        self.shard = shard

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        groups: dict[str, int] = {}
        for item in items:
            groups[_group(item)] = groups.get(_group(item), 0) + 1
        dealt = deal(groups, self.shard[1])
        kept = [item for item in items if dealt[_group(item)] == self.shard[0]]
        others = [item for item in items if dealt[_group(item)] != self.shard[0]]
        if others:
            config.hook.pytest_deselected(items=others)
            items[:] = kept

    def pytest_report_header(self) -> str:
        return f"reelgate: shard {self.shard[0]}/{self.shard[1]} (--preset-shard), preset files whole"


def register_shards(config: pytest.Config) -> None:
    """The shard's selection (every process that collects) and its results file (the
    controller); the values were checked by ``check_options``, or are checked here first."""
    text = config.getoption("preset_shard", None)
    shard = None
    if text:
        try:
            shard = parse_shard(text)
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
        config.pluginmanager.register(ShardSelection(shard), "reelgate-shard")
    folder = config.getoption("preset_results", None)
    if folder and not hasattr(config, "workerinput"):
        config.pluginmanager.register(ResultsWriter(config, Path(folder).resolve(), shard),
                                      "reelgate-results")


def _group(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0]


class ResultsWriter:
    """A pytest plugin object on the controller: after the summary, the shard's results file."""

    def __init__(self, config: pytest.Config, folder: Path, shard: tuple[int, int] | None) -> None:
        self.config = config
        self.folder = folder
        self.shard = shard

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
        summary = self.config.pluginmanager.get_plugin("reelgate-summary")
        if summary is None:
            return
        from reelgate.records.merge import results_name

        target = self.folder / results_name(self.shard)
        if exitstatus in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR):
            # stopped before its items ran: an earlier run's results (a re-run job) stay as they were
            terminalreporter.write_line(f"reelgate: results not written to {target}: the run stopped "
                                        "before its items ran")
            return
        try:
            write_results(target, summary, self.shard, int(exitstatus))
        except OSError as exc:
            terminalreporter.write_line(f"reelgate: results not written: cannot write {target} "
                                        f"({exc.strerror or type(exc).__name__})", red=True)
            return
        terminalreporter.write_line(f"reelgate: results written to {target} "
                                    f"(merge the shards with: reelgate report --merge {self.folder})")


def write_results(target: Path, summary: Any, shard: tuple[int, int] | None, exitstatus: int) -> None:
    """The summary's run data and table rows as one file, its contact sheets copied beside it."""
    from reelgate.atomic import write_bytes_atomic, write_text_atomic
    from reelgate.records.merge import (
        CLIPS_DIR,
        RESULTS_FORMAT,
        RESULTS_VERSION,
        SHEETS_DIR,
        pair_sides,
        sheet_holders,
    )

    run = json.loads(json.dumps(summary.run_data(), default=str))  # a copy: sheets are renamed
    root = Path(run["root"])
    for holder in sheet_holders(run["presets"]):  # clips' sheets, and the regression's pairs'
        source = Path(holder["sheet"])
        source = source if source.is_absolute() else root / source
        if source.is_file():
            name = f"{SHEETS_DIR}/{source.name}"
            write_bytes_atomic(target.parent / name, source.read_bytes())
            holder["sheet"] = name
    for side in pair_sides(run["presets"]):  # the clips a moved regression plays side by side
        source = Path(side["path"])
        source = source if source.is_absolute() else root / source
        if source.is_file() and re.fullmatch(r"[0-9a-f]{64}", str(side.get("sha", ""))):
            name = f"{CLIPS_DIR}/{side['sha']}.mp4"
            if not (target.parent / name).is_file():
                write_bytes_atomic(target.parent / name, source.read_bytes())
            side["path"] = name
    header, rows = summary.table_cells()
    write_text_atomic(target, json.dumps({
        "format": RESULTS_FORMAT, "version": RESULTS_VERSION,
        "shard": list(shard) if shard else None, "exitstatus": exitstatus,
        "run": run, "header": list(header), "rows": [[path, list(cells)] for path, cells in rows],
    }, indent=1, sort_keys=True, default=str) + "\n")

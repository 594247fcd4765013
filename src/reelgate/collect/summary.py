"""What the gate decided, at the end of a run: a table per preset, GitHub annotations and summary.

Built from test reports (which xdist sends from the workers), so it works the same with ``-n``.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reelgate.run.outcomes import OUTCOME, XFAIL, XPASS

POINTS = ("low", "mid", "mid-high")


@dataclass
class PresetRow:
    preset: str
    path: str
    line: int
    points: dict[str, str] = field(default_factory=dict)
    usable: dict[str, str] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)  # point/regression/reference data
    outcomes: dict[str, str] = field(default_factory=dict)  # item -> outcome name (run/outcomes.py)
    failed: list[str] = field(default_factory=list)  # items that failed the run (a strict XPASS too)
    cost: float = 0.0
    sources: set[str] = field(default_factory=set)

    @property
    def source(self) -> str:
        """Where the preset's clips came from, e.g. ``replayed+simulated``; empty when none rendered."""
        return "+".join(sorted({part for s in self.sources for part in s.split("+") if part}))

    def cells(self) -> list[str]:
        """The row as the table shows it: each point's outcome, usable clips of the points that
        rendered, cost, source and the failed items."""
        verdicts = [self.points.get(p, "-") for p in POINTS]
        usable = " ".join(self.usable.get(p) or "-" for p in POINTS if p in self.usable)
        checks = "ok" if not self.failed else "failed: " + ", ".join(self.failed)
        return [*verdicts, usable or "-", f"${self.cost:.2f}", self.source or "-", checks]


class RunSummary:
    """A pytest plugin object: collects preset item reports, prints and publishes the summary."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.rows: dict[str, PresetRow] = {}
        self.failures: list[tuple[str, str, int, str, str]] = []  # file, item, line, title, message

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if "::" not in report.nodeid or not report.nodeid.split("::")[0].endswith((".yaml", ".yml")):
            return
        if report.when != "call" and not (report.skipped or report.failed):
            return
        path, name = report.nodeid.split("::", 1)
        props = dict(report.user_properties)
        line = (report.location[1] or 0) + 1 if report.location else 1
        preset = str(props.get("reelgate_preset") or Path(path).stem)
        row = self.rows.setdefault(path, PresetRow(preset, path, line))
        named = str(props.get(OUTCOME, report.outcome))  # named where the item ran (collect/items.py)
        # An xfail-marked item that passed (strict or not) is XPASS (its mark is stale), not xfail.
        outcome = "xpass" if named == XPASS else XFAIL if hasattr(report, "wasxfail") else report.outcome
        row.items[name] = outcome
        row.outcomes[name] = named
        if report.failed or report.skipped:
            row.messages[name] = _longrepr_text(report)
        if "reelgate_point" in props:
            point = str(props["reelgate_point"])
            row.points[point] = named
            source = str(props.get("source", ""))
            row.usable[point] = str(props.get("usable", "")) if source else ""  # nothing rendered
            row.cost += float(props.get("cost_usd", 0.0))
            row.sources.add(source)
        if report.failed and name not in row.failed:
            row.failed.append(name)
        if report.failed and not hasattr(report, "wasxfail"):
            title = f"{row.preset} {name}" + ("" if named == "failed" else f": {named}")
            self.failures.append((path, name, line, title, _longrepr_text(report)))

    def run_data(self) -> dict[str, Any]:
        """Everything the run decided, per preset, as plain data (the HTML report's input)."""
        from reelgate.collect.details import details

        for path, entry in details(self.config).items():  # the items' own, and xdist workers'
            if path in self.rows:
                self.rows[path].details.update(entry)
        return {
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "root": str(self.config.rootpath),
            "presets": [
                {"preset": r.preset, "path": r.path, "line": r.line, "items": r.items,
                 "messages": r.messages, "cost_usd": round(r.cost, 4), "source": r.source, **r.details,
                 "outcomes": r.outcomes}
                for r in sorted(self.rows.values(), key=lambda r: r.path)
            ],
        }

    def table(self) -> list[str]:
        """The per-preset table; none when no preset has anything to show (only schema items ran)."""
        from reelgate.records.merge import format_table

        header, rows = self.table_cells()
        return format_table(header, (cells for _, cells in rows))

    def table_cells(self) -> tuple[tuple[str, ...], list[tuple[str, tuple[str, ...]]]]:
        """The table's header and its rows' cells by preset file (shards' results carry them)."""
        header = ("preset", *POINTS, "usable", "cost", "source", "checks")
        body = [(row.path, (row.preset, *row.cells())) for row in self._shown_rows()]
        return header, body

    def note_lines(self) -> list[str]:
        """The providers' notes that hold for every preset of a model, once each, with how many of
        the run's presets they concern (the schema items recorded them, on xdist workers too)."""
        from reelgate.collect.details import details
        from reelgate.plan.schema import note_lines

        return note_lines(entry["notes"] for entry in details(self.config).values() if "notes" in entry)

    def _shown_rows(self) -> list[PresetRow]:
        """Presets with something to show: an abstract base whose schema passed is left out."""
        return [row for row in sorted(self.rows.values(), key=lambda r: r.path)
                if row.points or row.items != {"schema": "passed"}]

    def approval_line(self) -> str | None:
        """What --preset-approve did, counted like syrupy's snapshot summary:
        "reelgate: 3 approved, 1 updated, 4 unchanged" (the unchanged files were not rewritten)."""
        from reelgate.collect.details import details

        done = Counter(str(entry["regression"]["approval"]) for entry in details(self.config).values()
                       if isinstance(entry.get("regression"), dict) and entry["regression"].get("approval"))
        if not done:
            return None
        words = ("approved", "updated", "unchanged")
        return "reelgate: " + ", ".join(f"{done[w]} {w}" for w in words if done[w])

    def pair_lines(self) -> list[str]:
        """The approved and new contact sheets of every point that moved or fails, at the same times."""
        from reelgate.collect.details import details
        from reelgate.run.review import pair_lines

        lines = []
        for entry in details(self.config).values():
            regression = entry.get("regression")
            if not isinstance(regression, dict):
                continue
            # A point approved failing (xfail) with the very same clip shows nothing new: report only.
            moved = [p for p in regression.get("pairs") or []
                     if p["approved"].get("sha") != p["now"].get("sha") or p.get("problems")]
            lines += pair_lines(moved, self.config.rootpath, str(regression.get("preset", "")))
        return ["reelgate: approved against now, side by side (contact sheets at the same times):", *lines] \
            if lines else []

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.rows:
            return
        from reelgate.collect.config import settings
        from reelgate.collect.details import RUN_ID_KEY, reconciled
        from reelgate.collect.runtime import started_run
        from reelgate.run.ledger import money_line

        terminalreporter.section("reelgate")
        for line in self.table():
            terminalreporter.write_line(line)
        for line in self.note_lines():
            terminalreporter.write_line(f"reelgate note: {line}")
        approvals = self.approval_line()
        if approvals:
            terminalreporter.write_line(approvals)
        for line in self.pair_lines():
            terminalreporter.write_line(line)
        run = started_run(self.config)
        money = money_line(settings(self.config), run.open_ledger() if run else None,
                           self.config.stash.get(RUN_ID_KEY, None),
                           presets={row.preset for row in self.rows.values()})
        if money:
            terminalreporter.write_line(money)
        hub = run.started_hub() if run else None
        settled, left = (hub.reconciled if hub is not None and hub.reconciled
                         else reconciled(self.config))  # under xdist: gw0's, merged
        if settled or left:
            terminalreporter.write_line(
                f"reelgate: reconciled {settled} render(s) of earlier runs from the provider's task "
                f"list; {left} still of unknown charge (no task id, or the provider lists no tasks)")
        if os.environ.get("GITHUB_ACTIONS") == "true":
            self.publish_github(terminalreporter)
        target = self.config.getoption("preset_html")
        if target:
            from reelgate.records.run_html import write_run_html

            try:  # checked writable before the run; a disk that filled up since is one line, not a traceback
                path = write_run_html(self.run_data(), Path(target))
            except OSError as exc:
                terminalreporter.write_line(f"reelgate: HTML report not written: cannot write {target} "
                                            f"({exc.strerror or type(exc).__name__})", red=True)
                return
            terminalreporter.write_line(f"reelgate: HTML report written to {path}")

    def publish_github(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Annotations with the whole reason at the YAML line concerned, and a Markdown table (with
        a link to the HTML report's artifact) in the step summary."""
        from reelgate.collect.annotations import annotation, command
        from reelgate.collect.details import details

        recorded = details(self.config)
        for path, name, line, title, message in self.failures:
            entries = recorded.get(path, {}).get("annotations", {}).get(name) or [
                annotation(path, line, title, message.strip() or title)]  # schema, reference, XPASS(strict)
            for entry in entries:
                terminalreporter.write_line(command(entry))
        target = os.environ.get("GITHUB_STEP_SUMMARY")
        lines = self.table()
        if target and lines:
            header = ("preset", *POINTS, "usable", "cost", "source", "checks")
            markdown = ["## reelgate", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            markdown += ["| " + " | ".join([f"`{row.preset}`", *row.cells()]) + " |"
                         for row in self._shown_rows()]
            link = self._report_link()
            with open(target, "a", encoding="utf-8") as handle:
                handle.write("\n".join(markdown + ([
                    "", link] if link else [])) + "\n")

    def _report_link(self) -> str | None:
        """The step summary's line to the HTML report: the run's artifacts page, where the gate
        (``action.yml``, ``.github/reelgate-gate.sh``) uploads it as ``$REELGATE_ARTIFACT``."""
        target = self.config.getoption("preset_html")
        parts = [os.environ.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")]
        if not target or not all(parts):
            return None
        server, repository, run_id = parts
        url = f"{server.rstrip('/')}/{repository}/actions/runs/{run_id}#artifacts"
        artifact = os.environ.get("REELGATE_ARTIFACT", "")
        what = f"artifact `{artifact}`" if artifact else "this run's artifacts, when the workflow uploads it"
        return f"HTML report (`{Path(target).name}`: contact sheets, verdicts, metrics): [{what}]({url})"


def _longrepr_text(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    return str(report.longrepr or "")

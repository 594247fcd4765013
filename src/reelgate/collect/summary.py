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
    cost: float = 0.0
    source: str = ""


class RunSummary:
    """A pytest plugin object: collects preset item reports, prints and publishes the summary."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.rows: dict[str, PresetRow] = {}
        self.failures: list[tuple[str, int, str, str]] = []  # file, line, title, message

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
        # An xfail-marked item that passed is XPASS (its mark is stale), not xfail.
        outcome = ("xpass" if report.passed else "xfail") if hasattr(report, "wasxfail") else report.outcome
        row.items[name] = outcome
        if report.failed or report.skipped:
            row.messages[name] = _longrepr_text(report)
        if "reelgate_point" in props:
            point = str(props["reelgate_point"])
            row.points[point] = str(props.get("verdict", outcome))
            row.usable[point] = str(props.get("usable", ""))
            row.cost += float(props.get("cost_usd", 0.0))
            row.source = str(props.get("source", row.source))
        if report.failed and not hasattr(report, "wasxfail"):
            text = str(report.longrepr)
            self.failures.append((path, line, f"{row.preset} {name}", text))

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
                 "messages": r.messages, "cost_usd": round(r.cost, 4), "source": r.source, **r.details}
                for r in sorted(self.rows.values(), key=lambda r: r.path)
            ],
        }

    def table(self) -> list[str]:
        """The per-preset table; none when no preset has anything to show (only schema items ran)."""
        header = ("preset", *POINTS, "usable", "cost", "source", "checks")
        body: list[tuple[str, ...]] = []
        for row in self._shown_rows():
            verdicts = [row.points.get(p, "-") for p in POINTS]
            usable = " ".join(row.usable.get(p, "") for p in POINTS if row.usable.get(p)) or "-"
            failed = [n for n, o in row.items.items() if o == "failed"]
            checks = "ok" if not failed else "failed: " + ", ".join(failed)
            body.append((row.preset, *verdicts, usable, f"${row.cost:.2f}", row.source or "-", checks))
        if not body:
            return []
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        return ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in [header, *body]]

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
        from reelgate.collect.details import RUN_ID_KEY
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
                           self.config.stash.get(RUN_ID_KEY, None))
        if money:
            terminalreporter.write_line(money)
        hub = run.started_hub() if run else None
        if hub is not None and hub.reconciled and any(hub.reconciled):
            settled, left = hub.reconciled
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
        """Annotations on the preset's YAML line, and a Markdown table in the step summary."""
        for path, line, title, message in self.failures:
            first = message.strip().splitlines()[0] if message.strip() else title
            terminalreporter.write_line(
                f"::error file={_escape_property(path)},line={line},title={_escape_property(title)}::"
                f"{_escape_data(first)}")
        target = os.environ.get("GITHUB_STEP_SUMMARY")
        lines = self.table()
        if target and lines:
            markdown = ["## reelgate", "", "| " + " | ".join(lines[0].split()) + " |",
                        "|" + "---|" * len(lines[0].split())]
            for row in self._shown_rows():
                verdicts = [row.points.get(p, "-") for p in POINTS]
                failed = [n for n, o in row.items.items() if o == "failed"]
                usable = " ".join(row.usable.get(p, "") for p in POINTS if row.usable.get(p)) or "-"
                markdown.append("| " + " | ".join([
                    f"`{row.preset}`", *verdicts, usable, f"${row.cost:.2f}", row.source or "-",
                    "ok" if not failed else "failed: " + ", ".join(failed)]) + " |")
            with open(target, "a", encoding="utf-8") as handle:
                handle.write("\n".join(markdown) + "\n")


def _longrepr_text(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    return str(report.longrepr or "")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")

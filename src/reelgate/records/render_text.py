"""A report as a terminal table, Markdown or JSON. The sections are built once (``sections``) and
laid out by each format, so the formats never disagree; the HTML page reuses them too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reelgate.records.query import Tally
from reelgate.records.report import GroupTally, Report
from reelgate.records.retire import RetireSuggestion
from reelgate.records.vocabulary import SECTIONS


@dataclass(frozen=True)
class Section:
    """A titled table; its first ``labels`` columns are names (left-aligned), the rest figures."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    labels: int = 1
    note: str = ""


def percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


def usd(amount: float | None) -> str:
    return "n/a" if amount is None else f"${amount:,.2f}"


def points(change: float | None) -> str:
    return "n/a" if change is None else f"{change * 100:+.1f} pp"


def relative(change: float | None) -> str:
    return "n/a" if change is None else f"{change * 100:+.0f}%"


def short_id(key: str | None) -> str:
    """A reference id (a content hash or a URL) short enough for a table cell."""
    if key is None:
        return "no reference"
    return key if len(key) <= 24 else f"{key[:19]}...{key[-4:]}"


def span(bounds: tuple[float, float]) -> str:
    """A 95% interval of a rate, as percent."""
    return f"{bounds[0] * 100:.0f}-{bounds[1] * 100:.0f}%"


def combination(suggestion: RetireSuggestion) -> str:
    """What the preset renders: camera, reference and motion range of each combination seen."""
    parts = []
    for combo in suggestion.combinations:
        motion = (f"{combo.motion_low:g}" if combo.motion_low == combo.motion_high
                  else f"{combo.motion_low:g}-{combo.motion_high:g}")
        parts.append(f"{combo.camera or 'no camera'} / {short_id(combo.reference_id)} / motion {motion}")
    return "; ".join(parts) or "n/a"


def live_cost(cost: float | None, live_renders: int) -> str:
    """A cost per usable clip, or why there is none: no live render spends (simulated, replayed)."""
    if cost is not None:
        return usd(cost)
    return "no live spend" if live_renders == 0 else "no usable live clip"


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def headline(report: Report) -> list[str]:
    """Lines that say what the report covers: the ledger, the period, the selection."""
    query = report.query
    if report.period_start is None:
        period = f"everything up to {_day(report.period_end)}"
    else:
        period = f"{_day(report.period_start)} to {_day(report.period_end)}"
        assert report.previous_start is not None
        period += f" (trend against {_day(report.previous_start)} to {_day(report.period_start)})"
    lines = [f"Ledger: {report.ledger}", f"Period: {period}"]
    chosen = (("scenario", query.scenarios), ("preset", query.presets), ("provider", query.providers))
    selection = [f"{name}={','.join(values)}" for name, values in chosen if values]
    if query.live_only:
        selection.append("live renders only")
    if selection:
        lines.append("Selection: " + "; ".join(selection))
    return lines


def emptiness(report: Report) -> str | None:
    """What to say instead of tables when there is nothing to report."""
    if report.empty_ledger:
        return f"The ledger at {report.ledger} is empty: no renders have been recorded yet."
    if not report.has_rows:
        return "No renders in the ledger match this period and selection."
    return None


def _figures(tally: Tally) -> tuple[str, ...]:
    return (
        str(tally.renders),
        percent(tally.usable_rate),
        usd(tally.live_spend_usd),
        usd(tally.cost_per_usable_usd),
    )


def _trend(group: GroupTally, has_previous: bool) -> tuple[str, ...]:
    if not has_previous:
        return ()
    return (percent(group.previous.usable_rate if group.previous else None), points(group.rate_change),
            relative(group.cost_change))


_FIGURES = ("renders", "usable rate", "live spend", "cost / usable")
_TREND = ("prev. usable", "rate change", "cost change")


def _group_section(
    title: str, names: tuple[str, ...], groups: list[GroupTally], has_previous: bool
) -> Section:
    headers = names + _FIGURES + (_TREND if has_previous else ())
    rows = []
    for group in groups:
        label = (group.scenario or "", group.name) if len(names) == 2 else (group.name,)
        rows.append(label + _figures(group.current) + _trend(group, has_previous))
    return Section(title, headers, rows, labels=len(names))


def sections(report: Report) -> list[Section]:
    has_previous = report.period_start is not None
    weekly = Section(
        "Usable rate and cost per usable clip by ISO week",
        ("week", "scenario", *_FIGURES),
        [(w.week, w.scenario, *_figures(w.tally)) for w in report.weekly],
        labels=2,
    )
    query = report.query
    floors = ", ".join(f"{name} {percent(value)}" for name, value in sorted(query.floors.items()))
    retire = Section(
        "Retire suggestions",
        ("scenario", "preset", "camera / reference / motion", "runs", "usable rate", "95% CI", "best run",
         "floor", "cost / usable", "scenario's", "last run"),
        [
            (s.scenario, s.preset_id, combination(s), str(s.runs), percent(s.usable_rate), span(s.interval),
             percent(s.best_run_rate), percent(s.floor), live_cost(s.cost_per_usable_usd, s.live_renders),
             live_cost(s.scenario_cost_per_usable_usd, s.scenario_live_renders),
             s.last_run_at.strftime("%Y-%m-%d"))
            for s in report.retire
        ],
        labels=3,
        note=(
            f"Presets whose each of the last {query.last_runs} runs stayed below the scenario's floor "
            f"(default {percent(query.floor)}{'; ' + floors if floors else ''}); cost / usable is live "
            "spend over usable live clips of those runs, against the scenario's over the period."
            + ("" if report.retire else " None.")
        ),
    )
    built = {
        "overall": _group_section("Overall", ("selection",), [report.totals] if report.totals else [],
                                  has_previous),
        "weekly": weekly,
        "scenarios": _group_section("By scenario", ("scenario",), report.by_scenario, has_previous),
        "presets": _group_section("By preset", ("scenario", "preset"), report.by_preset, has_previous),
        "providers": _group_section("By provider", ("provider",), report.by_provider, has_previous),
        "retire": retire,
    }
    return [built[name] for name in SECTIONS if name in query.sections]


def render_table(report: Report) -> str:
    lines = headline(report)
    empty = emptiness(report)
    if empty:
        return "\n".join([*lines, "", empty]) + "\n"
    return layout_table(lines, sections(report))


def layout_table(lines: list[str], laid: list[Section]) -> str:
    """Sections as aligned terminal tables under ``lines`` (the winners view shares it)."""
    lines = list(lines)
    for section in laid:
        lines += ["", section.title, "-" * len(section.title)]
        if section.rows:
            columns = zip(section.headers, *section.rows, strict=True)
            widths = [max(len(cell) for cell in column) for column in columns]
            for cells in (section.headers, *section.rows):
                padded = [
                    cell.ljust(width) if i < section.labels else cell.rjust(width)
                    for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
                ]
                lines.append("  ".join(padded).rstrip())
        if section.note:
            lines.append(section.note)
    return "\n".join(lines) + "\n"


def _markdown_cell(cell: str) -> str:
    return cell.replace("|", "\\|")


def render_markdown(report: Report) -> str:
    lines = ["# reelgate report", ""] + [f"- {line}" for line in headline(report)]
    empty = emptiness(report)
    if empty:
        return "\n".join([*lines, "", empty]) + "\n"
    return layout_markdown(lines, sections(report))


def layout_markdown(lines: list[str], laid: list[Section]) -> str:
    """Sections as Markdown tables under ``lines``."""
    lines = list(lines)
    for section in laid:
        lines += ["", f"## {section.title}", ""]
        if section.rows:
            lines.append("| " + " | ".join(section.headers) + " |")
            lines.append("|" + "|".join(":---" if i < section.labels else "---:"
                                        for i in range(len(section.headers))) + "|")
            lines += ["| " + " | ".join(_markdown_cell(cell) for cell in row) + " |" for row in section.rows]
        if section.note:
            lines += ["", section.note] if section.rows else [section.note]
    return "\n".join(lines) + "\n"


def _group_dict(group: GroupTally) -> dict[str, Any]:
    return {
        "name": group.name,
        "scenario": group.scenario,
        **group.current.as_dict(),
        "previous": group.previous.as_dict() if group.previous else None,
        "usable_rate_change": group.rate_change,
        "cost_per_usable_change": group.cost_change,
    }


def report_dict(report: Report) -> dict[str, Any]:
    """The whole report as plain JSON values (times in ISO 8601 UTC, rates as fractions)."""
    query = report.query
    asked = set(query.sections)

    def groups(section: str, found: list[GroupTally]) -> list[dict[str, Any]] | None:
        return [_group_dict(g) for g in found] if section in asked else None

    return {
        "ledger": report.ledger,
        "generated_at": report.generated_at.isoformat(),
        "period": {
            "start": report.period_start.isoformat() if report.period_start else None,
            "end": report.period_end.isoformat(),
            "previous_start": report.previous_start.isoformat() if report.previous_start else None,
        },
        "selection": {
            "scenarios": list(query.scenarios),
            "presets": list(query.presets),
            "providers": list(query.providers),
            "live_only": query.live_only,
        },
        "empty_ledger": report.empty_ledger,
        "message": emptiness(report),
        "sections": [name for name in SECTIONS if name in asked],
        "totals": _group_dict(report.totals) if report.totals else None,
        "weekly": [
            {"week": w.week, "week_start": w.week_start.isoformat(), "scenario": w.scenario,
             **w.tally.as_dict()}
            for w in report.weekly
        ] if "weekly" in asked else None,
        "by_scenario": groups("scenarios", report.by_scenario),
        "by_preset": groups("presets", report.by_preset),
        "by_provider": groups("providers", report.by_provider),
        "retire": None if "retire" not in asked else {
            "floor": query.floor,
            "floors": dict(query.floors),
            "last_runs": query.last_runs,
            "presets": [
                {
                    "preset": s.preset_id, "scenario": s.scenario, "runs": s.runs, "renders": s.renders,
                    "usable": s.usable, "usable_rate": s.usable_rate, "interval": list(s.interval),
                    "best_run_rate": s.best_run_rate, "floor": s.floor,
                    "last_run_at": s.last_run_at.isoformat(),
                    "combinations": [
                        {"camera": c.camera, "reference_id": c.reference_id, "motion_range": [c.motion_low,
                         c.motion_high], "renders": c.tally.renders, "usable": c.tally.usable}
                        for c in s.combinations
                    ],
                    "cost_per_usable_usd": s.cost_per_usable_usd,
                    "scenario_cost_per_usable_usd": s.scenario_cost_per_usable_usd,
                }
                for s in report.retire
            ],
        },
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"

"""A report as one self-contained HTML page: the tables, and charts drawn by matplotlib as inline
SVG, so the page needs no network, no JavaScript and no files beside it (a CI artifact)."""

from __future__ import annotations

import html
import io
from collections import defaultdict
from collections.abc import Callable
from datetime import date

from reelgate.extras import MissingExtraError

try:
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, PercentFormatter
except ModuleNotFoundError as exc:  # the [report] extra
    raise MissingExtraError("report", "matplotlib") from exc

from reelgate.records.render_text import Section, emptiness, headline, sections
from reelgate.records.report import Report, Tally

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; }
th { text-align: left; background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #555; margin: 0.1rem 0; } .note { color: #555; font-size: 0.9rem; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
"""
# Fixed ids and no date in the SVG: the same report renders to the same bytes.
_SVG_SETTINGS = {"svg.hashsalt": "reelgate", "svg.fonttype": "none"}


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(_SVG_SETTINGS):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # inline SVG takes no XML prolog


def _weekly_chart(report: Report, title: str, value: Callable[[Tally], float | None], percent: bool) -> str:
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for week in report.weekly:
        figure_value = value(week.tally)
        if figure_value is not None:
            series[week.scenario].append((week.week_start, figure_value))
    figure = Figure(figsize=(9, 3.4))
    axes = figure.add_subplot()
    for scenario, points in sorted(series.items()):
        axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, label=scenario)
    axes.set_title(title, loc="left", fontsize=11)
    axes.grid(True, alpha=0.3)
    if percent:
        axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        axes.set_ylim(0, 1.02)
    else:
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"${v:,.2f}"))
        axes.set_ylim(bottom=0)
    if series:
        axes.legend(fontsize=8, loc="best")
    figure.autofmt_xdate()
    return _svg(figure)


def _provider_chart(report: Report) -> str:
    groups = report.by_provider
    figure = Figure(figsize=(9, 0.6 + 0.45 * max(1, len(groups))))
    axes = figure.add_subplot()
    names = [g.name for g in groups]
    rates = [g.current.usable_rate or 0.0 for g in groups]
    bars = axes.barh(names, rates, color="#4c72b0", label="this period")
    if report.period_start is not None:
        before = [(g.previous.usable_rate, g.name) for g in groups if g.previous and g.previous.renders]
        if before:
            axes.scatter([b[0] for b in before], [b[1] for b in before], color="#dd8452", zorder=3,
                         label="previous period")
            axes.legend(fontsize=8, loc="lower right")
    axes.bar_label(bars, labels=[f"{r * 100:.0f}%" for r in rates], padding=3, fontsize=8)
    axes.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    axes.set_xlim(0, 1.1)
    axes.invert_yaxis()
    axes.set_title("Usable rate by provider", loc="left", fontsize=11)
    return _svg(figure)


def _cell(section: Section, index: int, cell: str) -> str:
    kind = "" if index < section.labels else ' class="num"'
    return f"<td{kind}>{html.escape(cell)}</td>"


def _table(section: Section) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in section.headers)
    body = "".join(
        "<tr>" + "".join(_cell(section, i, cell) for i, cell in enumerate(row)) + "</tr>"
        for row in section.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: Report) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>reelgate report</title><style>{_STYLE}</style></head><body>",
        "<h1>reelgate report</h1>",
        *(f'<p class="meta">{html.escape(line)}</p>' for line in headline(report)),
    ]
    empty = emptiness(report)
    if empty:
        parts.append(f"<p><strong>{html.escape(empty)}</strong></p>")
    else:
        asked = set(report.query.sections)
        charts = []
        if "weekly" in asked:
            charts += [
                _weekly_chart(report, "Usable rate by ISO week", lambda t: t.usable_rate, percent=True),
                _weekly_chart(report, "Cost per usable clip by ISO week (live spend)",
                              lambda t: t.cost_per_usable_usd, percent=False),
            ]
        if "providers" in asked:
            charts.append(_provider_chart(report))
        parts += [f"<figure>{svg}</figure>" for svg in charts]
        for section in sections(report):
            parts.append(f"<h2>{html.escape(section.title)}</h2>")
            if section.rows:
                parts.append(_table(section))
            if section.note:
                parts.append(f'<p class="note">{html.escape(section.note)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"

"""A report as one self-contained HTML page: the tables, and charts drawn by matplotlib as inline
SVG, so the page needs no network, no JavaScript and no files beside it (a CI artifact)."""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from reelgate.extras import MissingExtraError

try:
    import matplotlib
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedLocator, FuncFormatter, PercentFormatter
except ModuleNotFoundError as exc:  # the [report] extra
    raise MissingExtraError("report", "matplotlib") from exc
try:
    from jinja2 import Environment, StrictUndefined
    from markupsafe import Markup
except ModuleNotFoundError as exc:
    raise MissingExtraError("report", "jinja2") from exc

from reelgate.records.render_text import emptiness, headline, sections
from reelgate.records.report import Report, Tally, WeekTally
from reelgate.records.winners import Winners
from reelgate.records.winners_text import winners_sections
from reelgate.records.winning import WinningRange

#: Most week labels on the time axis; more weeks are labelled every second, third... week.
_MAX_WEEK_TICKS = 12
#: Room left and right of the data on the time axis, days: half a week, so a point of the first
#: or last week is not drawn on the frame.
_WEEK_MARGIN_DAYS = 3.5
#: Room left and right of the motion scores drawn, motion_score units.
_MOTION_MARGIN = 0.5
#: How far the winning range's band reaches past its end points, motion_score units: enough to
#: show a one-point band, less than the 0.5 a sweep step usually is.
_RANGE_PAD = 0.15

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
#: Template names are not needed: the page is one string, and autoescape is on for all of it.
_ENVIRONMENT = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                           keep_trailing_newline=True, undefined=StrictUndefined)
_PAGE = _ENVIRONMENT.from_string("""\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reelgate report</title><style>{{ style }}</style></head><body>
<h1>reelgate report</h1>
{% for line in headline %}
<p class="meta">{{ line }}</p>
{% endfor %}
{% if empty %}
<p><strong>{{ empty }}</strong></p>
{% endif %}
{% for svg in charts %}
<figure>{{ svg }}</figure>
{% endfor %}
{% for section in sections %}
<h2>{{ section.title }}</h2>
{% if section.rows %}
<table><thead><tr>{% for h in section.headers %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{%- for row in section.rows %}<tr>{% for cell in row %}<td{% if loop.index0 >= section.labels %} class="num"
{%- endif %}>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% endif %}
{% if section.note %}
<p class="note">{{ section.note }}</p>
{% endif %}
{% endfor %}
</body></html>
""")


def _svg(figure: Figure) -> Markup:
    """The figure as inline SVG; matplotlib escapes the text it writes, so the markup is safe."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_SVG_SETTINGS):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return Markup(text[text.index("<svg"):])  # inline SVG takes no XML prolog


def _weekly_chart(
    report: Report, title: str, value: Callable[[Tally], float | None], percent: bool
) -> Markup:
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for week in report.weekly:
        figure_value = value(week.tally)
        if figure_value is not None:
            series[week.scenario].append((week.week_start, figure_value))
    figure = Figure(figsize=(9, 3.4))
    axes = figure.add_subplot()
    for scenario, points in sorted(series.items()):
        axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, label=scenario)
    _week_axis(axes, report.weekly)
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


def _week_axis(axes: Any, weeks: list[WeekTally]) -> None:
    """The time axis spans the weeks reported (matplotlib pads a lone date by years: one week of
    data drew 2025 to 2029), each tick an ISO week as the tables name it."""
    starts = sorted({w.week_start for w in weeks})
    if not starts:
        return
    margin = timedelta(days=_WEEK_MARGIN_DAYS)
    axes.set_xlim(date2num(starts[0] - margin), date2num(starts[-1] + margin))
    shown = starts[::math.ceil(len(starts) / _MAX_WEEK_TICKS)]
    axes.xaxis.set_major_locator(FixedLocator([date2num(day) for day in shown]))
    labels = {w.week_start: w.week for w in weeks}
    axes.set_xticklabels([labels[day] for day in shown])


def _motion_chart(winners: Winners) -> Markup:
    """Usable rate against motion_score per scenario, with 95% Wilson intervals, the required
    rate, and the winning range shaded where one is proposed."""
    count = len(winners.scenarios)
    columns = min(2, count)
    rows = math.ceil(count / columns)
    figure = Figure(figsize=(9, 2.9 * rows))
    for index, item in enumerate(winners.scenarios):
        axes = figure.add_subplot(rows, columns, index + 1)
        scores = [g.key for g in item.points]
        rates = [g.figures.tally.usable_rate or 0.0 for g in item.points]
        below = [r - g.figures.interval[0] for r, g in zip(rates, item.points, strict=True)]
        above = [g.figures.interval[1] - r for r, g in zip(rates, item.points, strict=True)]
        found = item.found
        if isinstance(found, WinningRange) and found.proposed:
            axes.axvspan(found.low - _RANGE_PAD, found.high + _RANGE_PAD, color="#55a868", alpha=0.18,
                         label="winning range")
        axes.errorbar(scores, rates, yerr=[below, above], fmt="o-", capsize=3, markersize=4,
                      color="#4c72b0", label="usable rate, 95% CI")
        axes.axhline(item.required_rate, color="#c44e52", linestyle="--", linewidth=1, label="required")
        axes.set_xlim(min(scores) - _MOTION_MARGIN, max(scores) + _MOTION_MARGIN)
        axes.set_ylim(0, 1.02)
        axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        axes.set_xlabel("motion_score", fontsize=8)
        axes.set_title(item.scenario, loc="left", fontsize=10)
        axes.grid(True, alpha=0.3)
        axes.tick_params(labelsize=8)
        if index == 0:
            axes.legend(fontsize=7, loc="lower left")
    figure.suptitle("Usable rate against motion_score", x=0.01, y=1.0, ha="left", va="bottom", fontsize=11)
    figure.subplots_adjust(hspace=0.7, wspace=0.25)  # fixed: tight_layout draws the figure twice
    return _svg(figure)


def _provider_chart(report: Report) -> Markup:
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


def render_html(report: Report, winners: Winners | None = None) -> str:
    """The page; every text from the ledger is escaped by the template (autoescape), not by hand.
    With ``winners``, usable rate against motion_score per scenario and the winners' tables."""
    empty = emptiness(report)
    charts: list[Markup] = []
    if not empty:
        asked = set(report.query.sections)
        if "weekly" in asked:
            charts += [
                _weekly_chart(report, "Usable rate by ISO week", lambda t: t.usable_rate, percent=True),
                _weekly_chart(report, "Cost per usable clip by ISO week (live spend)",
                              lambda t: t.cost_per_usable_usd, percent=False),
            ]
        if "providers" in asked:
            charts.append(_provider_chart(report))
        if winners is not None and winners.scenarios:
            charts.append(_motion_chart(winners))
    laid = [] if empty else sections(report)
    if winners is not None and not empty:
        laid += winners_sections(winners)
    return _PAGE.render(style=Markup(_STYLE), headline=headline(report), empty=empty, charts=charts,
                        sections=laid)

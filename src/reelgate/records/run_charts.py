"""The run page's per-preset chart: measured motion against motion_score, and each sweep point's
usable rate with its interval, drawn by matplotlib (Agg) as inline SVG with fixed ids, so the same
run renders to the same bytes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reelgate.extras import MissingExtraError

try:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter
except ModuleNotFoundError as exc:  # the [report] extra
    raise MissingExtraError("report", "matplotlib") from exc

from reelgate.records.render_html import _svg

_OK = "#2b7a3d"
_BAD = "#b3261e"
Panel = Callable[[Axes], None]


def preset_chart(motion: dict[str, Any] | None, points: dict[str, Any] | None) -> str:
    """One figure, up to two panels; an empty string when there is nothing to draw."""
    panels = [p for p in (_motion_panel(motion), _rate_panel(points)) if p]
    if not panels:
        return ""
    figure = Figure(figsize=(3.6 * len(panels), 2.6))
    FigureCanvasAgg(figure)
    for index, draw in enumerate(panels, start=1):
        draw(figure.add_subplot(1, len(panels), index))
    figure.tight_layout()
    return _svg(figure)


def _motion_panel(motion: dict[str, Any] | None) -> Panel | None:
    rows = [(str(p[0]), float(p[1]), float(p[2])) for p in (motion or {}).get("points") or []]
    if not rows:
        return None
    rows.sort(key=lambda r: r[1])
    colour = _OK if motion and motion.get("ok") else _BAD

    def draw(axes: Axes) -> None:
        axes.plot([r[1] for r in rows], [r[2] for r in rows], marker="o", color=colour)
        for name, score, amount in rows:
            axes.annotate(name, (score, amount), textcoords="offset points", xytext=(4, 4), fontsize=7)
        verdict = "rises" if motion and motion.get("ok") else "does not rise"
        axes.set_title(f"motion {verdict} with motion_score", loc="left", fontsize=9)
        axes.set_xlabel("motion_score", fontsize=8)
        axes.set_ylabel("motion (frame widths/s)", fontsize=8)
        axes.set_ylim(bottom=0)
        axes.tick_params(labelsize=7)
        axes.grid(True, alpha=0.3)

    return draw


def _rate_panel(points: dict[str, Any] | None) -> Panel | None:
    rows = [(name, float(p.get("rate", 0.0)), [float(v) for v in p.get("interval") or (0.0, 0.0)])
            for name, p in (points or {}).items()]
    if not rows:
        return None

    def draw(axes: Axes) -> None:
        xs = range(len(rows))
        rates = [r[1] for r in rows]
        below = [max(0.0, r[1] - r[2][0]) for r in rows]
        above = [max(0.0, r[2][1] - r[1]) for r in rows]
        axes.errorbar(xs, rates, yerr=[below, above], fmt="o", color="#4c72b0", capsize=4)
        axes.set_xticks(list(xs), [r[0] for r in rows], fontsize=7)
        axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        axes.set_ylim(-0.02, 1.05)
        axes.set_xlim(-0.5, len(rows) - 0.5)
        axes.set_title("usable rate, 95% interval", loc="left", fontsize=9)
        axes.tick_params(labelsize=7)
        axes.grid(True, axis="y", alpha=0.3)

    return draw

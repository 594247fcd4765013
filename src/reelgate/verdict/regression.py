"""Compare a preset's run with its last approved version, metric by metric and layer by layer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from reelgate.preset.thresholds import Regression
from reelgate.verdict.record import LAYERS, RunRecord, Variables
from reelgate.verdict.rubric import VERDICT_RANK

# Metrics where a larger value is better; the rest (glitches, cuts, flicker) are better smaller.
# A multi-shot clip's per-shot metrics (``shot2.subject``) follow their base name, shot by shot.
HIGHER_IS_BETTER = {"continuity", "subject", "camera_match", "usable_rate"}
# Motion is compared both ways: a change of motion is a change of the preset's look.
TWO_SIDED = {"motion", "object_motion"}


# What a row says of its metric: "worse" and "better" only where a metric has a good direction
# (one-sided: usable rate or continuity down is worse); a two-sided metric (motion: more or less
# motion are both a new look) that moves beyond its tolerance has "changed".
Status = Literal["same", "within", "worse", "better", "changed", "new"]
# Statuses that fail the regression item.
FAILING: frozenset[str] = frozenset({"worse", "changed"})


class Row(BaseModel):
    model_config = ConfigDict(frozen=True)

    point: str
    metric: str
    approved: str
    now: str
    change: str
    tolerance: str
    worse: bool  # kept beside ``status`` for readers of older run data (the HTML report)
    status: Status = "same"

    @property
    def failing(self) -> bool:
        return self.status in FAILING

    @property
    def flag(self) -> str:
        """The row's last column: WORSE, CHANGED or BETTER beyond tolerance, else nothing."""
        return self.status.upper() if self.status in ("worse", "better", "changed") else ""


class RegressionReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    rows: list[Row]
    changed_layers: list[str]
    multi_variable: bool
    drift: list[str]  # points where the request is unchanged but the provider answered differently
    analyzer_changed: str | None = None  # approved with another analyzer: metrics not compared

    @property
    def regressed(self) -> list[Row]:
        """The rows that fail the item: worse, or changed beyond tolerance."""
        return [row for row in self.rows if row.failing]

    def headline(self) -> str | None:
        """How many metrics got worse and how many changed, or None when none did."""
        return headline(self.rows)

    def table(self) -> str:
        """The rows that moved (flagged when beyond tolerance), and how many did not."""
        moved = [r for r in self.rows if r.status not in ("same", "within") or r.approved != r.now]
        lines = table_lines(moved) if moved else ["  no metric moved"]
        unchanged = len(self.rows) - len(moved)
        return "\n".join([*lines, f"  ({unchanged} unchanged)"] if unchanged else lines)


def headline(rows: list[Row]) -> str | None:
    """"2 metric(s) got worse and 1 changed beyond tolerance", or None when none did."""
    worse = sum(row.status == "worse" for row in rows)
    changed = sum(row.status == "changed" for row in rows)
    parts = ([f"{worse} metric(s) got worse"] if worse else []) + (
        [f"{changed} {'metric(s) ' if not worse else ''}changed beyond tolerance"] if changed else [])
    return " and ".join(parts) or None


def table_lines(rows: list[Row]) -> list[str]:
    """Rows as an aligned table under its header (the item's failure and its annotations)."""
    header = ("point", "metric", "approved", "now", "change", "tolerance")
    body = [(r.point, r.metric, r.approved, r.now, r.change, r.tolerance + (f"  {r.flag}" if r.flag else ""))
            for r in rows]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(6)]
    return ["  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
            for row in [header, *body]]


def changed_layers(approved: Variables, current: Variables) -> list[str]:
    """The control variables (the five layers, output, provider) that differ from the approved ones."""
    return [layer for layer in LAYERS if getattr(approved, layer) != getattr(current, layer)]


def compare(approved: RunRecord, current: RunRecord, rules: Regression) -> RegressionReport:
    """This run against the approved record, point by point.

    Metrics measured by another analyzer version are not comparable: then only verdicts are. A
    point without a clip (not recorded, the render failed) is not compared: its sweep item fails
    and says why, and comparing it would report every metric as worse and the provider as drifting.
    """
    same_analyzer = approved.analyzer is not None and approved.analyzer == current.analyzer
    rows: list[Row] = []
    drift: list[str] = []
    for point, now in current.points.items():
        if not now.clips:  # nothing rendered: the sweep item says why; no verdict, metric or drift
            continue
        before = approved.points.get(point)
        if before is None:
            rows.append(Row(point=point, metric="verdict", approved="(none)", now=now.verdict,
                            change="new point", tolerance="-", worse=False, status="new"))
            continue
        change = _verdict_change(before.verdict, now.verdict)
        rows.append(Row(point=point, metric="verdict", approved=before.verdict, now=now.verdict,
                        change=change, tolerance="no worse", worse=change == "worse", status=change))
        for metric in sorted(set(before.metrics) & set(now.metrics)) if same_analyzer else ():
            rows.append(_metric_row(point, metric, before.metrics[metric], now.metrics[metric], rules))
        if before.fingerprint == now.fingerprint and before.clips != now.clips:
            drift.append(point)
    layers = changed_layers(approved.variables, current.variables)
    return RegressionReport(rows=rows, changed_layers=layers,
                            multi_variable=len(layers) > 1 and not rules.allow_multi_variable, drift=drift,
                            analyzer_changed=None if same_analyzer else
                            f"{approved.analyzer or '?'} -> {current.analyzer or '?'}")


def _verdict_change(before: str, now: str) -> Literal["same", "worse", "better"]:
    if before == now:
        return "same"
    return "worse" if VERDICT_RANK[now] > VERDICT_RANK[before] else "better"


def _metric_row(point: str, metric: str, before: float, now: float, rules: Regression) -> Row:
    base = metric.rsplit(".", 1)[-1]
    tolerance = rules.tolerances.get(metric, rules.tolerances.get(base, rules.default_tolerance))
    delta = now - before
    status: Status
    if delta == 0:
        status = "same"
    elif abs(delta) <= tolerance:
        status = "within"
    elif base in TWO_SIDED:
        status = "changed"
    else:
        up_is_better = base in HIGHER_IS_BETTER
        status = "better" if (delta > 0) == up_is_better else "worse"
    return Row(point=point, metric=metric, approved=f"{before:.4g}", now=f"{now:.4g}", change=f"{delta:+.4g}",
               tolerance=f"±{tolerance:g}" if base in TWO_SIDED else f"{tolerance:g}",
               worse=status == "worse", status=status)

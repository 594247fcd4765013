"""Compare a preset's run with its last approved version, metric by metric and layer by layer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from reelgate.preset.thresholds import Regression
from reelgate.verdict.record import LAYERS, RunRecord, Variables
from reelgate.verdict.rubric import VERDICT_RANK

# Metrics where a larger value is better; the rest (glitches, cuts, flicker) are better smaller.
# A multi-shot clip's per-shot metrics (``shot2.subject``) follow their base name, shot by shot.
HIGHER_IS_BETTER = {"continuity", "subject", "camera_match", "usable_rate"}
# Motion is compared both ways: a change of motion is a change of the preset's look.
TWO_SIDED = {"motion"}


class Row(BaseModel):
    model_config = ConfigDict(frozen=True)

    point: str
    metric: str
    approved: str
    now: str
    change: str
    tolerance: str
    worse: bool


class RegressionReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    rows: list[Row]
    changed_layers: list[str]
    multi_variable: bool
    drift: list[str]  # points where the request is unchanged but the provider answered differently
    analyzer_changed: str | None = None  # approved with another analyzer: metrics not compared

    @property
    def regressed(self) -> list[Row]:
        return [row for row in self.rows if row.worse]

    def table(self) -> str:
        """The rows that moved (worse ones flagged), and how many did not."""
        header = ("point", "metric", "approved", "now", "change", "tolerance")
        moved = [r for r in self.rows if r.worse or r.approved != r.now]
        body = [(r.point, r.metric, r.approved, r.now, r.change, r.tolerance + ("  WORSE" if r.worse else ""))
                for r in moved]
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(6)]
        lines = ["  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
                 for row in [header, *body]] if body else ["  no metric moved"]
        unchanged = len(self.rows) - len(moved)
        return "\n".join([*lines, f"  ({unchanged} unchanged)"] if unchanged else lines)


def changed_layers(approved: Variables, current: Variables) -> list[str]:
    """The control variables (the five layers, output, provider) that differ from the approved ones."""
    return [layer for layer in LAYERS if getattr(approved, layer) != getattr(current, layer)]


def compare(approved: RunRecord, current: RunRecord, rules: Regression) -> RegressionReport:
    """This run against the approved record, point by point.

    Metrics measured by another analyzer version are not comparable: then only verdicts are.
    """
    same_analyzer = approved.analyzer is not None and approved.analyzer == current.analyzer
    rows: list[Row] = []
    drift: list[str] = []
    for point, now in current.points.items():
        before = approved.points.get(point)
        if before is None:
            rows.append(Row(point=point, metric="verdict", approved="(none)", now=now.verdict,
                            change="new point", tolerance="-", worse=False))
            continue
        worse = VERDICT_RANK[now.verdict] > VERDICT_RANK[before.verdict]
        rows.append(Row(point=point, metric="verdict", approved=before.verdict, now=now.verdict,
                        change=_verdict_change(before.verdict, now.verdict),
                        tolerance="no worse", worse=worse))
        for metric in sorted(set(before.metrics) & set(now.metrics)) if same_analyzer else ():
            rows.append(_metric_row(point, metric, before.metrics[metric], now.metrics[metric], rules))
        if before.fingerprint == now.fingerprint and before.clips != now.clips:
            drift.append(point)
    layers = changed_layers(approved.variables, current.variables)
    return RegressionReport(rows=rows, changed_layers=layers,
                            multi_variable=len(layers) > 1 and not rules.allow_multi_variable, drift=drift,
                            analyzer_changed=None if same_analyzer else
                            f"{approved.analyzer or '?'} -> {current.analyzer or '?'}")


def _verdict_change(before: str, now: str) -> str:
    if before == now:
        return "same"
    return "worse" if VERDICT_RANK[now] > VERDICT_RANK[before] else "better"


def _metric_row(point: str, metric: str, before: float, now: float, rules: Regression) -> Row:
    base = metric.rsplit(".", 1)[-1]
    tolerance = rules.tolerances.get(metric, rules.tolerances.get(base, rules.default_tolerance))
    delta = now - before
    if base in TWO_SIDED:
        worse = abs(delta) > tolerance
    elif base in HIGHER_IS_BETTER:
        worse = delta < -tolerance
    else:
        worse = delta > tolerance
    return Row(point=point, metric=metric, approved=f"{before:.4g}", now=f"{now:.4g}", change=f"{delta:+.4g}",
               tolerance=f"±{tolerance:g}" if base in TWO_SIDED else f"{tolerance:g}", worse=worse)

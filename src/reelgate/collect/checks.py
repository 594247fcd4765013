"""What each preset item checks, as a callable that asks its stage and reports the answer."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from reelgate.collect import details
from reelgate.collect.config import provider_override
from reelgate.preset.check import PresetResult
from reelgate.preset.model import Preset

if TYPE_CHECKING:
    from reelgate.plan.schema import SchemaReport


class PresetCheckFailed(Exception):
    """A preset check failed; its text is the whole report, shown without a traceback."""


class PresetWarning(UserWarning):
    """Something in a preset works but probably not as meant (for example a dropped layer)."""


def plan_report(result: PresetResult, config: pytest.Config) -> SchemaReport:
    """What the schema item reports of a file: the contract's findings and what the run's
    provider (and failover) would refuse, at its lines; the same as ``reelgate check``."""
    from reelgate.plan.schema import schema_report

    return schema_report(result, provider_override(config))


def schema_check(result: PresetResult, config: pytest.Config, report: SchemaReport) -> Callable[[], None]:
    root = config.rootpath

    def schema(request: pytest.FixtureRequest) -> None:
        """The preset is a valid contract for its scenario and provider."""
        # The provider's notes that hold for every preset of a model: one summary line per run.
        details.record(config, request.node.nodeid, "notes", report.notes)
        if result.abstract:  # a base other presets extend: the report does not list it as a preset
            details.record(config, request.node.nodeid, "abstract", True)
        for warning in report.of("warning"):
            # Attributed to the preset's own line, so the summary points there, not at reelgate.
            text = f"{warning.field}: {warning.message}" if warning.field else warning.message
            warnings.warn_explicit(PresetWarning(text), PresetWarning, str(warning.where.path),
                                   warning.where.line)
        errors = report.of("error")
        if errors:
            count = len(errors)
            raise PresetCheckFailed(
                f"{count} schema error{'s' * (count != 1)} in {result.path.name}:\n"
                + result.report(root, diagnostics=errors)
            )

    return schema


def sweep_check(preset: Preset, point: str, config: pytest.Config) -> Callable[[], None]:
    def sweep(request: pytest.FixtureRequest) -> None:
        """This sweep point's renders are usable clips: rendered, as asked, and scored on the rubric."""
        from reelgate.collect.runtime import get_run
        from reelgate.verdict.rubric import table

        item = request.node
        run = get_run(config)
        result = run.point(preset, point)
        verdict = result.verdict
        hub = run.hub
        for report in result.renders:
            item.add_report_section("call", "render", report.summary())
        item.user_properties.extend([
            ("reelgate_preset", preset.id), ("reelgate_point", point), ("verdict", verdict.verdict),
            ("usable_rate", verdict.rate), ("usable", f"{verdict.usable}/{verdict.total}"),
            ("cost_usd", result.cost_usd), ("source", hub.sources_of(r.key for r in result.renders)),
            *((name, value) for clip in verdict.clips[:1] for name, value in clip.metrics.items()),
        ])
        details.record(config, item.nodeid, "points", _point_data(preset, point, result, config), point)
        details.count_unsaved(config, hub.unsaved_count(preset, point),  # failed renders: cassettes untouched
                              hub.unsaved_count(preset, point, "not_recorded"))
        head = (f"{preset.id} sweep[{point}] (motion_score {preset.sweep[point]:g}): {verdict.verdict}; "
                f"{verdict.describe()}")
        if verdict.verdict == "fail":
            raise PresetCheckFailed("\n".join([head, *result.problems, *_clip_tables(result, config, table)]))
        if verdict.verdict == "pass-with-edits" and run.conf.strict:
            raise PresetCheckFailed("\n".join([head + " (fails under --preset-strict)",
                                                *_clip_tables(result, config, table)]))

    return sweep


def _point_data(preset: Preset, point: str, result: Any, config: pytest.Config) -> dict[str, Any]:
    """The sweep point as the HTML report shows it (an xdist worker sends it in workeroutput)."""
    verdict = result.verdict
    clip_paths = {r.key: r.clip_path for r in result.renders}
    return {
        "preset": preset.id, "point": point, "motion_score": preset.sweep[point], "verdict": verdict.verdict,
        "usable": verdict.usable, "total": verdict.total, "needed": verdict.needed, "rate": verdict.rate,
        "interval": list(verdict.interval), "cost_usd": result.cost_usd, "problems": result.problems,
        "clips": [{
            "key": clip.key, "verdict": clip.verdict, "metrics": clip.metrics,
            "checks": [check.model_dump() for check in clip.checks],
            "sheet": result.sheets.get(clip.key), "clip": clip_paths.get(clip.key),
        } for clip in verdict.clips],
    }


def _clip_tables(result: object, config: pytest.Config, table: Callable[..., str]) -> list[str]:
    lines = []
    for clip in result.verdict.clips:  # type: ignore[attr-defined]
        lines.append(f"{clip.key}: {clip.verdict}")
        lines.append(table(clip))
        sheet = result.sheets.get(clip.key)  # type: ignore[attr-defined]
        if sheet:
            lines.append(f"  contact sheet: {_shown(sheet, config)}")
    return lines


def regression_check(preset: Preset, config: pytest.Config) -> Callable[[], None]:
    def regression(request: pytest.FixtureRequest) -> None:
        """No worse than the last approved version; motion_score still moves motion."""
        from reelgate.collect.runtime import get_run

        outcome = get_run(config).regression(preset, _xfailed_points(preset, config))
        request.node.add_report_section("call", "regression", "\n".join(outcome.lines))
        details.record(config, request.node.nodeid, "regression", outcome.data)
        if outcome.failed:
            raise PresetCheckFailed("\n".join(outcome.lines))

    return regression


def _xfailed_points(preset: Preset, config: pytest.Config) -> set[str]:
    """Sweep points the preset marks as known failures (xfail): approved as they are."""
    from reelgate.collect.marks import marks_for
    from reelgate.collect.suite import get_suite

    marks = get_suite(config).get(preset.source).marks
    return {point for point in preset.sweep
            if any(m.name == "xfail" for m in marks_for(marks, f"sweep[{point}]"))}


def reference_check(preset: Preset, config: pytest.Config) -> Callable[[], None]:
    def reference(request: pytest.FixtureRequest) -> None:
        """The reference clip is fit to drive motion: every gate measure within its bounds."""
        from reelgate.analysis import AnalysisError
        from reelgate.analysis.gate import describe_violations, gate_bounds, reference_gate
        from reelgate.collect.runtime import get_run

        assert preset.reference_video is not None
        shown = _shown(preset.reference_video, config)
        try:
            analysis = get_run(config).analyzer.analyze(preset.reference_video)
        except AnalysisError as exc:
            raise PresetCheckFailed(f"reference {shown}: {exc}") from None
        violations = reference_gate(analysis, preset.thresholds.reference)
        details.record(config, request.node.nodeid, "reference", ({
            "file": shown, "violations": [v.model_dump() for v in violations],
            "quality": analysis.quality.model_dump(), "duration": analysis.video.duration,
            "cuts": analysis.continuity.cuts, "pacing_variation": analysis.motion.pacing_variation,
            "bounds": gate_bounds(preset.thresholds.reference), "measures": {
                "duration": analysis.video.duration, "pacing_variation": analysis.motion.pacing_variation,
                "cuts": len(analysis.continuity.cuts)},
        }))
        if violations:
            raise PresetCheckFailed(describe_violations(shown, violations) + "\n(bounds from scenario "
                                    f"{preset.scenario!r}; override them under thresholds.reference)")

    return reference


def _shown(path: str, config: pytest.Config) -> str:
    if path.startswith("https://"):
        return path
    try:
        return str(Path(path).relative_to(config.rootpath))
    except ValueError:
        return path

"""What each preset item checks, as a callable that asks its stage and reports the answer."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from reelgate.collect import details
from reelgate.collect.annotations import (
    annotation,
    regression_annotations,
    schema_annotations,
    sweep_annotation,
    where,
)
from reelgate.run.outcomes import OUTCOME

if TYPE_CHECKING:
    from reelgate.plan.checked import CheckedFile
    from reelgate.preset.model import Preset


def _asks_for_request(check: Callable[..., None]) -> Callable[..., None]:
    """The check, with its signature given (Python's ``__signature__``): pytest reads each item's
    to find its fixtures, and a thousand presets make five thousand items of the same four."""
    check.__signature__ = inspect.signature(check)  # type: ignore[attr-defined]
    return check


class PresetCheckFailed(Exception):
    """A preset check failed; its text is the whole report, shown without a traceback."""


class PresetWarning(UserWarning):
    """Something in a preset works but probably not as meant (for example a dropped layer)."""


def _checked(request: pytest.FixtureRequest) -> tuple[Any, CheckedFile, pytest.Config]:
    """The item a check runs for, its file's check (loaded now: collection knew the file's
    outline only) and the config. One function per kind of check, shared by every item of that
    kind: five thousand items cost no closures."""
    item = request.node
    return item, item.checked, item.config


@_asks_for_request
def schema(request: pytest.FixtureRequest) -> None:
    """The preset is a valid contract for its scenario and provider."""
    _, checked, config = _checked(request)
    result, report = checked.result, checked.report
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
        details.record(config, request.node.nodeid, "annotations",
                       schema_annotations(result, errors, config), request.node.name)
        count = len(errors)
        raise PresetCheckFailed(
            f"{count} schema error{'s' * (count != 1)} in {result.path.name}:\n"
            + result.report(config.rootpath, diagnostics=errors)
        )


@_asks_for_request
def sweep(request: pytest.FixtureRequest) -> None:
    """This sweep point's renders are usable clips: rendered, as asked, and scored on the rubric."""
    from reelgate.collect.runtime import get_run
    from reelgate.verdict.rubric import table

    item, checked, config = _checked(request)
    point = item.point
    preset = _preset(checked)
    run = get_run(config)
    result = run.point(preset, point)
    verdict = result.verdict
    hub = run.hub
    for report in result.renders:
        item.add_report_section("call", "render", report.summary())
    outcome = result.outcome
    item.user_properties.extend([
        ("reelgate_preset", preset.id), ("reelgate_point", point), ("verdict", verdict.verdict),
        (OUTCOME, outcome), ("usable_rate", verdict.rate),
        ("usable", f"{verdict.usable}/{verdict.total}"),
        ("cost_usd", result.cost_usd),  # where the clips came from; none when nothing rendered
        ("source", hub.sources_of(r.key for r in result.renders) if result.renders else ""),
        *((name, value) for clip in verdict.clips[:1] for name, value in clip.metrics.items()),
    ])
    details.record(config, item.nodeid, "points", _point_data(preset, point, result, config), point)
    details.count_unsaved(config, hub.unsaved_count(preset, point),  # failed renders: cassettes untouched
                          hub.unsaved_count(preset, point, "not_recorded"))
    head = (f"{preset.id} sweep[{point}] (motion_score {preset.sweep[point]:g}): {outcome}; "
            f"{verdict.describe()}")
    failure = None
    if verdict.verdict == "fail":
        failure = "\n".join([head, *result.problems, *_clip_tables(result, config, table)])
    elif verdict.verdict == "pass-with-edits" and run.conf.strict:
        failure = "\n".join([head + " (fails under --preset-strict)",
                              *_clip_tables(result, config, table)])
    if failure is not None:
        title = f"{preset.id} {item.name}: {outcome}"
        details.record(config, item.nodeid, "annotations",
                       [sweep_annotation(preset, point, title, failure, config)], item.name)
        raise PresetCheckFailed(failure)


def _point_data(preset: Preset, point: str, result: Any, config: pytest.Config) -> dict[str, Any]:
    """The sweep point as the HTML report shows it (an xdist worker sends it in workeroutput)."""
    verdict = result.verdict
    clip_paths = {r.key: r.clip_path for r in result.renders}
    return {
        "preset": preset.id, "point": point, "motion_score": preset.sweep[point], "verdict": verdict.verdict,
        "outcome": result.outcome,  # the item's own outcome (xfail, XPASS) is under "outcomes"
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


@_asks_for_request
def regression(request: pytest.FixtureRequest) -> None:
    """No worse than the last approved version; motion_score still moves motion."""
    from reelgate.collect.runtime import get_run

    _, checked, config = _checked(request)
    preset = _preset(checked)
    outcome = get_run(config).regression(preset, _xfailed_points(preset, config))
    details.record(config, request.node.nodeid, "regression", outcome.data)
    if outcome.failed:  # the failure says it: no section repeating it under "Captured"
        details.record(config, request.node.nodeid, "annotations",
                       regression_annotations(preset, outcome, config), request.node.name)
        raise PresetCheckFailed("\n".join(outcome.lines))
    request.node.add_report_section("call", "regression", "\n".join(outcome.lines))  # for -rA


def _xfailed_points(preset: Preset, config: pytest.Config) -> set[str]:
    """Sweep points the preset marks as known failures (xfail): approved as they are."""
    from reelgate.collect.marks import marks_for
    from reelgate.collect.suite import get_suite

    marks = get_suite(config).get(preset.source).outline.marks
    return {point for point in preset.sweep
            if any(m.name == "xfail" for m in marks_for(marks, f"sweep[{point}]"))}


@_asks_for_request
def reference(request: pytest.FixtureRequest) -> None:
    """The reference clip is fit to drive motion: every gate measure within its bounds."""
    from reelgate.analysis import AnalysisError
    from reelgate.analysis.gate import describe_violations, gate_bounds, reference_gate
    from reelgate.collect.runtime import get_run

    _, checked, config = _checked(request)
    preset = _preset(checked)
    assert preset.reference_video is not None
    shown = _shown(preset.reference_video, config)

    def failed(message: str) -> PresetCheckFailed:
        """The failure, annotated at the preset's reference video line."""
        at = where(preset, config, ("reference", "video"), ("reference", "video_url"), ("reference",))
        details.record(config, request.node.nodeid, "annotations",
                       [annotation(*at, f"{preset.id} reference", message)], request.node.name)
        return PresetCheckFailed(message)

    try:
        analysis = get_run(config).analyzer.analyze(preset.reference_video)
    except AnalysisError as exc:
        raise failed(f"reference {shown}: {exc}") from None
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
        raise failed(describe_violations(shown, violations) + "\n(bounds from scenario "
                     f"{preset.scenario!r}; override them under thresholds.reference)")


def _preset(checked: CheckedFile) -> Preset:
    preset = checked.result.preset
    assert preset is not None, "only a valid preset has items beyond schema"
    return preset


def _shown(path: str, config: pytest.Config) -> str:
    if path.startswith("https://"):
        return path
    try:
        return str(Path(path).relative_to(config.rootpath))
    except ValueError:
        return path


# The check of each kind of item; a sweep item's point is its ``point``.
CHECKS: dict[str, Callable[..., None]] = {
    "schema": schema, "reference": reference, "sweep": sweep, "regression": regression}

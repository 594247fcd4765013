"""What each preset item checks, as a callable that asks its stage and reports the answer."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest

from reelgate.collect.config import provider_override
from reelgate.preset.check import PresetResult
from reelgate.preset.model import Preset


class PresetCheckFailed(Exception):
    """A preset check failed; its text is the whole report, shown without a traceback."""


class PresetWarning(UserWarning):
    """Something in a preset works but probably not as meant (for example a dropped layer)."""


def schema_check(result: PresetResult, config: pytest.Config) -> Callable[[], None]:
    root = config.rootpath

    def schema() -> None:
        """The preset is a valid contract for its scenario and provider."""
        diagnostics = list(result.diagnostics)
        if result.preset is not None and result.located is not None:
            from reelgate.plan import capability_diagnostics

            diagnostics += capability_diagnostics(result.preset, result.located, provider_override(config))
        for warning in (d for d in diagnostics if d.severity == "warning"):
            # Attributed to the preset's own line, so the summary points there, not at reelgate.
            text = f"{warning.field}: {warning.message}" if warning.field else warning.message
            warnings.warn_explicit(PresetWarning(text), PresetWarning, str(warning.where.path),
                                   warning.where.line)
        errors = [d for d in diagnostics if d.severity == "error"]
        if errors:
            count = len(errors)
            raise PresetCheckFailed(
                f"{count} schema error{'s' * (count != 1)} in {result.path.name}:\n"
                + result.report(root, diagnostics=errors)
            )

    return schema


def sweep_check(preset: Preset, point: str, config: pytest.Config) -> Callable[[], None]:
    def sweep(request: pytest.FixtureRequest) -> None:
        """Every render of this sweep point succeeded and is the clip that was asked for."""
        from reelgate.collect.runtime import get_hub

        item = request.node
        rendered = get_hub(config).results(preset, point)
        problems = []
        for render in rendered:
            if render.error is not None:
                problems.append(render.error)
                continue
            report = render.report
            item.user_properties.extend([
                ("clip", report.clip_path), ("provider", report.served_by or report.provider),
                ("model", report.served_model or report.model), ("cost_usd", report.cost_usd),
                ("render_s", round(report.timings.total_s, 3)),
            ])
            item.add_report_section("call", "render", report.summary())
            if not report.passed:
                problems.append("; ".join(report.problems))
        if problems:
            raise PresetCheckFailed(
                f"{preset.id} sweep[{point}] (motion_score {preset.sweep[point]:g}):\n"
                + "\n".join(problems)
            )

    return sweep

"""What a preset's ``schema`` item reports, computed once for pytest and ``reelgate check`` alike,
so the two can never disagree: the contract's diagnostics, the provider's capability gaps at the
preset's lines, and the model notes the run prints once for all presets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reelgate.preset.check import PresetResult
from reelgate.preset.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from reelgate.plan.requests import ProviderOverride


@dataclass(frozen=True)
class SchemaReport:
    diagnostics: list[Diagnostic]  # errors fail the item; warnings are pytest warnings
    notes: list[str] = field(default_factory=list)  # said once per run, not per preset

    def of(self, severity: Severity) -> list[Diagnostic]:
        """The errors (which fail the item) or the warnings (which it warns of)."""
        return [d for d in self.diagnostics if d.severity == severity]


def schema_report(result: PresetResult, override: ProviderOverride | None = None) -> SchemaReport:
    """The schema item's findings for one checked file (``override``: ``--preset-provider``)."""
    from reelgate.plan.requests import (  # loads the providers
        PlanError,
        capability_diagnostics,
        model_notes,
        point_issues,
    )

    if result.preset is None or result.located is None:
        return SchemaReport(list(result.diagnostics))
    try:  # once for both: each point's request built and checked against the provider
        issues = point_issues(result.preset, override)
    except PlanError:  # an unknown provider: capability_diagnostics words it at its line
        issues = None
    gaps = capability_diagnostics(result.preset, result.located, override, issues)
    notes = model_notes(result.preset, override, issues) if issues is not None else []
    return SchemaReport([*result.diagnostics, *gaps], notes)


def note_lines(notes_per_preset: Iterable[list[str]]) -> list[str]:
    """One line per model note, with how many presets it concerns."""
    counts = Counter(note for notes in notes_per_preset for note in dict.fromkeys(notes))
    ordered = sorted(counts.items())  # by text: one provider and model's notes together
    return [f"{note} ({count} preset{'s' * (count != 1)})" for note, count in ordered]

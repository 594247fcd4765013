"""A run of a preset as the regression compares it: typed, built from the verdicts by pure functions.

``RunRecord`` is what this run produced (per sweep point: verdict, mean metrics, clips, the
fingerprint of the request); ``ApprovedRecord`` is the same plus who approved it, when, and the
file format version; it is what ``approved/<preset>.json`` holds (see ``verdict.approved``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from reelgate.preset.model import Preset
from reelgate.verdict.rubric import Verdict
from reelgate.verdict.usable import PointVerdict

# Mean metrics are stored to 4 decimals: finer digits are decoder noise and only make diffs.
METRIC_DECIMALS = 4
# A metric that moved less than this (in its own unit) is the same value printed twice.
_SAME_METRIC = 1e-9
# The control variables a regression compares, in the order a reviewer reads them.
LAYERS = ("prompt", "reference", "motion", "camera", "negative", "output", "provider")


class _Record(BaseModel):
    # Unknown keys are refused: a typo or another tool's file is reported, never half-read.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class PointRecord(_Record):
    """One sweep point: its verdict, the metrics averaged over its usable clips, and its clips."""

    motion_score: float
    verdict: Verdict
    usable: int = Field(ge=0)
    total: int = Field(ge=0)
    metrics: dict[str, float]
    clips: list[str]  # content hashes of the clips, in render order
    fingerprint: str  # of the normalized request: same request, other clips means provider drift


class ProviderVariable(_Record):
    name: str
    model: str | None
    mode: str | None


class Variables(_Record):
    """The control variables, one per layer; the regression counts the layers that changed."""

    # the layered prompt when the preset has layers; with its shots when it is multi-shot
    prompt: str | dict[str, JsonValue]
    reference: list[str | None] = Field(min_length=2, max_length=2)  # video, image (content ids)
    motion: float
    camera: dict[str, JsonValue]
    negative: list[str]
    output: dict[str, JsonValue]
    provider: ProviderVariable


class RunRecord(_Record):
    preset: str
    version: int
    scenario: str
    # Records approved before the analyzer identity was stored have none: metrics are then
    # treated as measured by another analyzer (verdicts compared, metrics not).
    analyzer: str | None = None
    provider: str
    model: str | None
    variables: Variables
    points: dict[str, PointRecord]


class ApprovedRecord(RunRecord):
    format: int
    approved_by: str
    approved_at: str  # UTC, ISO 8601 to the second


def point_record(verdict: PointVerdict, fingerprint: str) -> PointRecord:
    """A point's verdict in the record: metrics are the mean over its clips, plus the usable rate."""
    sums: dict[str, float] = {}
    for clip in verdict.clips:
        for name, value in clip.metrics.items():
            sums[name] = sums.get(name, 0.0) + value / len(verdict.clips)
    metrics = {name: round(value, METRIC_DECIMALS) for name, value in sums.items()}
    metrics["usable_rate"] = verdict.rate
    return PointRecord(motion_score=verdict.motion_score, verdict=verdict.verdict, usable=verdict.usable,
                       total=verdict.total, metrics=metrics, clips=[c.clip for c in verdict.clips],
                       fingerprint=fingerprint)


def run_record(preset: Preset, points: dict[str, PointRecord], references: tuple[str | None, str | None],
               analyzer: str) -> RunRecord:
    """This run of ``preset``; ``references`` are its reference video and image as content ids
    (so moving the repository changes no layer)."""
    spec = preset.provider
    prompt = preset.prompt_value()
    variables = Variables(
        prompt=prompt if isinstance(prompt, str) else dict(prompt),
        reference=list(references), motion=preset.motion_score,
        camera=preset.camera.model_dump(mode="json"), negative=list(preset.negative_prompt),
        output=preset.output_value(preset.output.model_dump(mode="json")),
        provider=ProviderVariable(name=spec.name, model=spec.model, mode=spec.mode))
    return RunRecord(preset=preset.id, version=preset.version, scenario=preset.scenario, analyzer=analyzer,
                     provider=spec.name, model=spec.model, variables=variables, points=points)


def describe_changes(old: ApprovedRecord | None, new: RunRecord) -> list[str]:
    """What an approval changes, in lines a reviewer reads."""
    if old is None:
        return [f"first approval of {new.preset} v{new.version}"]
    lines = []
    if old.version != new.version:
        lines.append(f"version {old.version} -> {new.version}")
    lines += [f"{layer} changed" for layer in LAYERS
              if getattr(old.variables, layer) != getattr(new.variables, layer)]
    for point, now in new.points.items():
        before = old.points.get(point)
        if before is None or before.verdict != now.verdict:
            lines.append(f"{point}: verdict {before.verdict if before else None} -> {now.verdict}")
        for metric, value in sorted(now.metrics.items()):
            was = before.metrics.get(metric) if before else None
            if was is not None and abs(was - value) > _SAME_METRIC:
                lines.append(f"{point}: {metric} {was:.4g} -> {value:.4g}")
    return lines or ["no change"]

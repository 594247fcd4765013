"""``scenarios.yaml``: the use cases a team agreed on, each with its ranges, cameras and bounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from reelgate.preset.camera import CameraIntent, CameraParseError, parse_camera
from reelgate.preset.diagnostics import Diagnostic, PresetLoadError, Where
from reelgate.preset.model import Scenario, ScenarioFile
from reelgate.preset.schema_errors import pydantic_diagnostics
from reelgate.preset.yamlload import Located, dotted, load_located


@dataclass
class ScenarioSet:
    """The loaded scenarios file, or the problems that make it unusable."""

    path: Path
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    cameras: dict[str, dict[str, CameraIntent]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def load_scenarios(path: Path) -> ScenarioSet:
    """Load and check the scenarios file; problems are returned, never raised."""
    result = ScenarioSet(path)
    if not path.is_file():
        result.diagnostics.append(Diagnostic(
            Where(path, 1, 1), "", "scenarios file not found: create it, or point the ini option "
            "'preset_scenarios' at yours",
        ))
        return result
    try:
        located = load_located(path)
    except PresetLoadError as exc:
        result.diagnostics.append(exc.diagnostic)
        result.lines = exc.lines
        return result
    result.lines = located.lines
    try:
        parsed = ScenarioFile.model_validate(located.data)
    except ValidationError as exc:
        result.diagnostics.extend(pydantic_diagnostics(exc, located))
        return result
    for name, scenario in parsed.scenarios.items():
        result.diagnostics.extend(_check(name, scenario, located))
        result.cameras[name] = _cameras(name, scenario, located, result.diagnostics)
    result.scenarios = dict(parsed.scenarios)
    return result


def _check(name: str, scenario: Scenario, located: Located) -> list[Diagnostic]:
    out = []
    low, high = scenario.motion_range
    base = ("scenarios", name)
    if low > high or low < 0 or high > 10:
        out.append(Diagnostic(located.where((*base, "motion_range")), dotted((*base, "motion_range")),
                              f"[{low}, {high}] is not a range within 0..10 with min <= max"))
    for i, score in enumerate(scenario.sweep):
        fpath = (*base, "sweep", i)
        if not low <= score <= high:
            out.append(Diagnostic(located.where(fpath), dotted(fpath),
                                  f"sweep score {score} is outside the motion range [{low}, {high}]"))
    if list(scenario.sweep) != sorted(set(scenario.sweep)):
        fpath = (*base, "sweep")
        out.append(Diagnostic(located.where(fpath), dotted(fpath),
                              "sweep scores must rise strictly: low < mid < mid-high"))
    return out


def _cameras(
    name: str, scenario: Scenario, located: Located, diagnostics: list[Diagnostic]
) -> dict[str, CameraIntent]:
    cameras: dict[str, CameraIntent] = {}
    for template, spec in scenario.camera_templates.items():
        if isinstance(spec, CameraIntent):
            cameras[template] = spec
            continue
        try:
            cameras[template] = parse_camera(spec)
        except CameraParseError as exc:
            fpath = ("scenarios", name, "camera_templates", template)
            diagnostics.append(Diagnostic(located.where(fpath), dotted(fpath), str(exc)))
    return cameras

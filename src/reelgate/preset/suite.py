"""The whole preset suite: which files are presets, each file's check, and cross-file checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reelgate.preset.check import PRESET_SUFFIXES, PresetResult, check_preset
from reelgate.preset.diagnostics import Diagnostic, Where
from reelgate.preset.scenarios import ScenarioSet, load_scenarios


def is_preset_file(path: Path, scenarios_name: str = "scenarios.yaml") -> bool:
    """Preset files are YAML files other than the scenarios file and anything under references/."""
    return (
        path.suffix in PRESET_SUFFIXES
        and path.name != scenarios_name
        and "references" not in path.parts[:-1]
    )


def discover(paths: Iterable[Path], scenarios_name: str = "scenarios.yaml") -> list[Path]:
    """Every preset file below the given paths, sorted so that every xdist worker agrees."""
    found: set[Path] = set()
    for base in paths:
        if base.is_file():
            candidates: Iterable[Path] = [base]
        elif base.is_dir():
            candidates = (p for p in base.rglob("*") if p.is_file())
        else:
            continue
        inside = base.resolve()
        for p in candidates:
            resolved = p.resolve()
            if base.is_dir() and not resolved.is_relative_to(inside):
                continue  # a symlink out of the preset directory is not a preset of the suite
            if is_preset_file(p.relative_to(base) if base.is_dir() else p, scenarios_name):
                found.add(resolved)
    return sorted(found)


@dataclass
class Suite:
    """Checked presets by file, computed once per session."""

    root: Path
    scenarios: ScenarioSet
    results: dict[Path, PresetResult] = field(default_factory=dict)

    def get(self, path: Path) -> PresetResult:
        """The result of one file; files outside the configured paths are checked on demand."""
        resolved = path.resolve()
        if resolved not in self.results:
            self.results[resolved] = check_preset(resolved, self.scenarios, self.root)
        return self.results[resolved]


def load_suite(root: Path, preset_paths: list[Path], scenarios_path: Path) -> Suite:
    """Check every preset file and the ids across them."""
    suite = Suite(root=root, scenarios=load_scenarios(scenarios_path))
    for path in discover(preset_paths, scenarios_path.name):
        suite.results[path] = check_preset(path, suite.scenarios, root)
    _flag_duplicate_ids(suite.results.values(), root)
    return suite


def _flag_duplicate_ids(results: Iterable[PresetResult], root: Path) -> None:
    by_id: dict[str, list[PresetResult]] = {}
    for result in results:
        if not result.abstract and not (result.errors and not result.preset_id):
            by_id.setdefault(result.preset_id, []).append(result)
    for preset_id, owners in by_id.items():
        if len(owners) < 2:
            continue
        for result in owners:
            others = ", ".join(
                Where(o.path, o.line, 1).display(root) for o in owners if o is not result
            )
            result.diagnostics.append(Diagnostic(
                Where(result.path, result.line, 1), "id",
                f"duplicate preset id {preset_id!r}, also used by {others}; ids must be unique "
                "across the suite (set 'id:' or rename the file)",
            ))
            result.preset = None

"""The whole preset suite: which files are presets, each file's check, and cross-file checks."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reelgate.preset.diagnostics import PRESET_SUFFIXES, Diagnostic, Where

if TYPE_CHECKING:  # the check and its model load only when a file is checked (not from the memo)
    from reelgate.preset.check import PresetResult
    from reelgate.preset.scenarios import ScenarioSet


REFERENCES_DIR = "references"  # a folder of reference clips and their sidecars: never presets


def is_preset_file(path: Path, scenarios_name: str = "scenarios.yaml") -> bool:
    """Preset files are YAML files other than the scenarios file and anything under references/."""
    return (
        path.suffix in PRESET_SUFFIXES
        and path.name != scenarios_name
        and REFERENCES_DIR not in path.parts[:-1]
    )


def discover(paths: Iterable[Path], scenarios_name: str = "scenarios.yaml") -> list[Path]:
    """Every preset file below the given paths, sorted so that every xdist worker agrees."""
    found: set[Path] = set()
    for base in paths:
        if base.is_file():
            if is_preset_file(base, scenarios_name):
                found.add(base.resolve())
        elif base.is_dir():
            found.update(_presets_below(base, scenarios_name))
    return sorted(found)


def _presets_below(base: Path, scenarios_name: str) -> Iterator[Path]:
    """The preset files below a folder, as ``is_preset_file`` names them, resolved. Symlinked
    folders are not entered, and a file that resolves outside the folder is not a preset of the
    suite. One scan per folder (its entries' types come with it) and one realpath per folder:
    a thousand presets cost no more than listing them."""
    inside = os.path.realpath(base)
    pending = [(str(base), inside)]
    while pending:
        directory, real_directory = pending.pop()
        try:
            with os.scandir(directory) as scan:
                entries = list(scan)
        except OSError:  # unreadable, or gone since it was listed
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != REFERENCES_DIR:
                    pending.append((entry.path, os.path.join(real_directory, entry.name)))
                continue
            if os.path.splitext(entry.name)[1] not in PRESET_SUFFIXES or entry.name == scenarios_name:
                continue
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                if not (real.startswith(inside + os.sep) and os.path.isfile(real)):
                    continue  # a link out of the preset folder (or to nothing) is not a preset
            elif entry.is_file():
                real = os.path.join(real_directory, entry.name)
            else:
                continue
            yield Path(real)


@dataclass
class Suite:
    """Checked presets by file, computed once per session."""

    root: Path
    scenarios: ScenarioSet
    results: dict[Path, PresetResult] = field(default_factory=dict)

    def get(self, path: Path) -> PresetResult:
        """The result of one file; files outside the configured paths are checked on demand."""
        from reelgate.preset.check import check_preset

        resolved = path.resolve()
        if resolved not in self.results:
            self.results[resolved] = check_preset(resolved, self.scenarios, self.root)
        return self.results[resolved]


def load_suite(root: Path, preset_paths: list[Path], scenarios_path: Path) -> Suite:
    """Check every preset file and the ids across them."""
    from reelgate.preset.check import check_preset
    from reelgate.preset.scenarios import load_scenarios

    suite = Suite(root=root, scenarios=load_scenarios(scenarios_path))
    for path in discover(preset_paths, scenarios_path.name):
        suite.results[path] = check_preset(path, suite.scenarios, root)
    _flag_duplicate_ids(suite.results.values(), root)
    return suite


def _flag_duplicate_ids(results: Iterable[PresetResult], root: Path) -> None:
    by_path = {result.path: result for result in results}
    owners = [(r.path, r.preset_id, r.line) for r in by_path.values()
              if not r.abstract and not (r.errors and not r.preset_id)]
    for path, diagnostic in duplicate_id_diagnostics(owners, root).items():
        by_path[path].diagnostics.append(diagnostic)
        by_path[path].preset = None


def duplicate_id_diagnostics(owners: Iterable[tuple[Path, str, int]], root: Path) -> dict[Path, Diagnostic]:
    """For each file (path, preset id, line of its id) whose id another file uses too, the
    error that says so, naming the others."""
    by_id: dict[str, list[tuple[Path, int]]] = {}
    for path, preset_id, line in owners:
        by_id.setdefault(preset_id, []).append((path, line))
    found = {}
    for preset_id, files in by_id.items():
        if len(files) < 2:
            continue
        for path, line in files:
            others = ", ".join(Where(p, n, 1).display(root) for p, n in files if p != path)
            found[path] = Diagnostic(
                Where(path, line, 1), "id",
                f"duplicate preset id {preset_id!r}, also used by {others}; ids must be unique "
                "across the suite (set 'id:' or rename the file)",
            )
    return found

"""The whole preset suite: which files are presets, and the check across files (unique ids).
Each file's check, kept across runs, is ``reelgate.plan.checked``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reelgate.preset.diagnostics import PRESET_SUFFIXES, Diagnostic, Where

if TYPE_CHECKING:  # the check and its model load only when a file is checked (not from the memo)
    pass


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

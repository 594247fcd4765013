"""GitHub annotations of failed preset items: the whole reason, at the YAML line it concerns.

A schema error sits at its own line; a sweep point's failure (its rubric rows, or why nothing
rendered) at the point's ``sweep:`` entry, else at the preset's ``motion`` line; a regression row
at its point's ``sweep:`` entry, a control variable that changed at its field; anything else at
the preset's first line. Built
where the item ran (an xdist worker has the preset's positions), sent with the items' details
(``collect/details.py``) and written by the controller's summary as workflow commands.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from reelgate.preset.check import PresetResult
    from reelgate.preset.diagnostics import Diagnostic
    from reelgate.preset.model import Preset
    from reelgate.run.approval import Outcome

Annotation = dict[str, Any]  # {"file": str, "line": int, "title": str, "message": str}
FieldPath = tuple[str | int, ...]

# The preset field each control variable of an approved record is written as.
LAYER_FIELDS: dict[str, FieldPath] = {
    "prompt": ("prompt",), "reference": ("reference",), "motion": ("motion",), "camera": ("camera",),
    "negative": ("negative_prompt",), "output": ("output",), "provider": ("provider",),
}


def annotation(file: str, line: int, title: str, message: str) -> Annotation:
    return {"file": file, "line": line, "title": title, "message": message}


def command(entry: Annotation) -> str:
    """One ``::error`` workflow command; newlines of the message escaped as GitHub's format asks."""
    return (f"::error file={_escape_property(str(entry['file']))},line={int(entry['line'])},"
            f"title={_escape_property(str(entry['title']))}::{_escape_data(str(entry['message']))}")


def where(preset: Preset, config: pytest.Config, *fields: FieldPath) -> tuple[str, int]:
    """The file and line of the first of ``fields`` the preset (or a file it extends) writes,
    else the preset's first line."""
    from reelgate.collect.suite import get_suite

    result = get_suite(config).get(preset.source).result
    located = result.located
    for fpath in fields if located is not None else ():
        found = located.key_positions.get(fpath) or located.positions.get(fpath)
        if found is not None:
            return shown(found.path, config), found.line
    return shown(preset.source, config), result.line


def point_fields(preset: Preset, point: str) -> tuple[FieldPath, ...]:
    """Where a sweep point is written: its ``sweep:`` entry, else the preset's motion score."""
    return (("sweep", list(preset.sweep).index(point)), ("motion", "score"), ("motion",))


def schema_annotations(result: PresetResult, errors: list[Diagnostic], config: pytest.Config
                       ) -> list[Annotation]:
    """One per schema error, at its own file and line, with its source line and caret."""
    return [annotation(shown(error.where.path, config), error.where.line, f"{result.preset_id} schema",
                       result.report(config.rootpath, diagnostics=[error])) for error in errors]


def sweep_annotation(preset: Preset, point: str, title: str, message: str,
                     config: pytest.Config) -> Annotation:
    return annotation(*where(preset, config, *point_fields(preset, point)), title, message)


def regression_annotations(preset: Preset, outcome: Outcome, config: pytest.Config) -> list[Annotation]:
    """A failed regression item's annotations: the failing rows grouped by the line they concern,
    each with the comparison's header; a changed control variable at its field."""
    from reelgate.verdict.regression import Row, headline, table_lines

    data, lines = outcome.data, outcome.lines
    header, title = lines[0], f"{preset.id} regression"
    groups: dict[tuple[str, int], list[Row]] = {}
    for row in (Row.model_validate(r) for r in data.get("rows", [])):
        if row.failing:
            groups.setdefault(where(preset, config, *point_fields(preset, row.point)), []).append(row)
    out = []
    for (file, line), rows in groups.items():
        points = list(dict.fromkeys(r.point for r in rows))
        drift = [p for p in points if p in data.get("drift", [])]
        cause = (f" (provider drift at {', '.join(drift)}: the request is unchanged but the provider "
                 "answers differently)") if drift else ""
        out.append(annotation(file, line, f"{title}: {', '.join(points)}",
                              "\n".join([header, f"{headline(rows)}{cause}:", *table_lines(rows)])))
    layers = data.get("changed_layers", [])
    if data.get("multi_variable"):
        said = next(text for text in lines if text.startswith("more than one control variable"))
        for layer in layers:
            file, line = where(preset, config, LAYER_FIELDS.get(layer, (layer,)))
            out.append(annotation(file, line, f"{title}: {layer} changed", f"{header}\n{said}"))
    motion = data.get("motion") or {}
    if motion and not motion.get("ok", True):
        file, line = where(preset, config, ("sweep",), ("motion", "score"), ("motion",))
        out.append(annotation(file, line, f"{title}: motion response", f"{header}\n{motion['message']}"))
    if not out:  # not approved yet, an unreadable approval, approval refused: the whole message
        file, line = where(preset, config)
        out.append(annotation(file, line, title, "\n".join(lines)))
    return out


def shown(path: str | Path, config: pytest.Config) -> str:
    """A path as GitHub wants it: relative to the repository (the run's root)."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), config.rootpath.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return str(path)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")

"""Check one preset file: read it, merge what it extends, validate it, resolve it into a Preset."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from reelgate.bounded import YAML_CAP_BYTES, BoundedReadError, check_regular_file, resolve_inside
from reelgate.preset.diagnostics import PRESET_SUFFIXES, Diagnostic, PresetLoadError, Where
from reelgate.preset.model import MarkSpec, Preset, PresetDocument
from reelgate.preset.resolve import early_checks, resolve_preset
from reelgate.preset.scenarios import ScenarioSet
from reelgate.preset.schema import check_schema, partial_schema
from reelgate.preset.schema_errors import kind_of, pydantic_diagnostics, schema_diagnostics
from reelgate.preset.yamlload import Located, load_located

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

MAX_EXTENDS_DEPTH = 16


@dataclass
class PresetResult:
    """Everything the ``schema`` item reports about one preset file, and the Preset when valid."""

    path: Path
    preset: Preset | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[Path, list[str]] = field(default_factory=dict)
    marks: list[MarkSpec] = field(default_factory=list)  # only when every entry is valid
    abstract: bool = False
    preset_id: str = ""
    line: int = 1
    located: Located | None = None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def report(
        self, root: Path | None = None, *, severity: str = "error",
        diagnostics: list[Diagnostic] | None = None,
    ) -> str:
        """All diagnostics of one severity, each with its source line."""
        chosen = [d for d in (diagnostics or self.diagnostics) if d.severity == severity]
        return "\n".join(d.render(self.sources.get(d.where.path), root) for d in chosen)


@cache
def schema_validator(partial: bool = False) -> Draft202012Validator:
    """The validator of the check: the contract's JSON Schema, with YAML's types read strictly
    (YAML's 1.0 is a float; the typed model, strict, refuses it where a whole number is asked)."""
    from jsonschema import Draft202012Validator, validators

    strict = validators.extend(
        Draft202012Validator,
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
            "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
        ),
    )
    return strict(partial_schema() if partial else check_schema())


def check_preset(path: Path, scenarios: ScenarioSet, root: Path) -> PresetResult:
    """Check a preset file completely; problems are collected, never raised.

    The typed model validates a complete document first: the JSON Schema is generated from it
    and accepts exactly what it accepts (``tests/preset/test_properties.py`` holds them to that),
    so a valid file is validated once, and jsonschema runs only to position and word the errors
    of a file that is not valid (or to check an abstract base, which the model cannot)."""
    result = PresetResult(path, preset_id=path.stem)
    try:
        located = _load_merged(path, result, [path.resolve()], root)
    except PresetLoadError as exc:
        result.diagnostics.append(exc.diagnostic)
        result.sources.setdefault(exc.diagnostic.where.path, exc.lines)
        return result
    result.located = located
    data = located.data
    result.abstract = data.get("abstract") is True
    result.marks = valid_marks(data.get("marks"))
    if isinstance(data.get("id"), str):
        result.preset_id = data["id"]
        result.line = located.where(("id",)).line
    document, refused = _model(data) if not result.abstract else (None, None)
    if document is None:
        result.diagnostics.extend(schema_diagnostics(schema_validator(result.abstract), located))
        if result.errors or result.abstract:
            if scenarios.ok and not result.abstract:
                result.diagnostics.extend(early_checks(located, scenarios, root))
                result.diagnostics.sort(key=lambda d: (str(d.where.path), d.where.line, d.where.col))
            return result
        if refused is not None:  # the schema and the model disagree: report the model's view
            result.diagnostics.extend(pydantic_diagnostics(refused, located))
        return result
    if not scenarios.ok:
        result.diagnostics.extend(scenarios.diagnostics)
        result.sources.setdefault(scenarios.path, scenarios.lines)
        return result
    preset, diagnostics = resolve_preset(document, located, scenarios, root, result.preset_id)
    result.diagnostics.extend(diagnostics)
    if not result.errors:
        result.preset = preset
    return result


def _model(data: dict[str, Any]) -> tuple[PresetDocument | None, ValidationError | None]:
    try:
        return PresetDocument.model_validate(data), None
    except ValidationError as exc:
        return None, exc


_MARKS = TypeAdapter(list[MarkSpec])


def valid_marks(raw: Any) -> list[MarkSpec]:
    """The file's marks, typed, when every entry is exactly valid; else none at all.

    An invalid entry is a schema error; applying the rest (an ``xfail`` next to it) could hide
    that very error, so a marks list with any error applies no mark.
    """
    if raw is None:
        return []
    try:
        return _MARKS.validate_python(raw, strict=True)
    except ValidationError:
        return []


def _load_merged(path: Path, result: PresetResult, chain: list[Path], root: Path) -> Located:
    """Load a file and, depth first, the files it extends; the child's values win."""
    located = load_located(path)
    result.sources[path] = located.lines
    if not isinstance(located.data, dict):
        raise PresetLoadError(Diagnostic(
            Where(path, 1, 1), "", f"a preset is a YAML mapping of fields, but this file holds "
            f"{kind_of(located.data)}",
        ), located.lines)
    parent = located.data.pop("extends", None)
    if parent is None:
        return located
    where = located.where(("extends",))
    if not isinstance(parent, str) or not parent.strip():
        raise PresetLoadError(Diagnostic(
            where, "extends", f"expected a path to another preset file, got {kind_of(parent)}"
        ), located.lines)
    base_path = _extends_target(path, parent, root, where, located.lines)
    if base_path in chain:
        cycle = " -> ".join(p.name for p in [*chain, base_path])
        raise PresetLoadError(Diagnostic(where, "extends", f"extends cycle: {cycle}; break it"),
                              located.lines)
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise PresetLoadError(Diagnostic(where, "extends", "extends chain is deeper than "
                                         f"{MAX_EXTENDS_DEPTH} files"), located.lines)
    base = _load_merged(base_path, result, [*chain, base_path], root)
    base.data.pop("abstract", None)
    base.data.pop("id", None)
    return _merge(base, located)


def _extends_target(path: Path, parent: str, root: Path, where: Where, lines: list[str]) -> Path:
    """The file ``extends`` names, by the rule every preset path follows (inside the project),
    and only a visible YAML file: the content of anything else is never read into a report."""
    try:
        target = resolve_inside(path.parent, parent, root)
        check_regular_file(target, YAML_CAP_BYTES)
    except BoundedReadError as exc:
        raise PresetLoadError(Diagnostic(where, "extends", str(exc)), lines) from None
    hidden = any(part.startswith(".") for part in target.relative_to(root.resolve()).parts)
    if target.suffix not in PRESET_SUFFIXES or hidden:
        raise PresetLoadError(Diagnostic(
            where, "extends", f"{parent!r} is not a preset file: extends names a .yaml or .yml "
            "preset that is not hidden",
        ), lines)
    return target


def _merge(base: Located, child: Located) -> Located:
    """Deep-merge two documents: mappings merge key by key, anything else is replaced."""

    def merge(a: Any, b: Any) -> Any:
        if isinstance(a, dict) and isinstance(b, dict):
            out = dict(a)
            for key, value in b.items():
                out[key] = merge(a[key], value) if key in a else value
            return out
        return b

    merged = Located(child.path, merge(base.data, child.data), lines=child.lines)
    merged.positions = {**base.positions, **child.positions}
    merged.key_positions = {**base.key_positions, **child.key_positions}
    merged.positions[()] = child.positions.get((), Where(child.path, 1, 1))
    return merged

"""The checked suite as collection and ``reelgate check`` see it: each preset file's check and
schema report, computed once and kept in the memo (``reelgate.preset.memo``) for later runs.

A file whose inputs are unchanged is collected from its outline alone: neither the preset's
model, the providers nor the schema are loaded until an item runs and asks for the check.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reelgate.identity import code_digest
from reelgate.preset.memo import MEMO_DIR, CheckMemo, Outline, PlainMark, from_blob
from reelgate.preset.suite import discover, duplicate_id_diagnostics

if TYPE_CHECKING:
    from reelgate.plan.requests import ProviderOverride
    from reelgate.plan.schema import SchemaReport
    from reelgate.preset.check import PresetResult
    from reelgate.preset.model import MarkSpec
    from reelgate.preset.scenarios import ScenarioSet

# The code a check and its schema report run: a change to any of it may change a result.
_CHECKING_CODE = ("preset", "plan", "providers", "request.py", "bounded.py", "atomic.py")
_CHECKING_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "jsonschema")


def checking_identity(root: Path, scenarios: Path, override: tuple[str | None, str | None]) -> str:
    """A hash of everything that decides every file's check alike: the checking code (line
    endings normalised), the libraries it validates with, the installed providers, the scenarios
    file, the project root (results hold absolute paths) and ``--preset-provider``."""
    digest = code_digest(_CHECKING_CODE, _CHECKING_LIBRARIES)
    digest.update(f"{root}\0{scenarios}\0{override}\0".encode())
    try:
        digest.update(scenarios.read_bytes())
    except OSError:
        digest.update(b"\0no scenarios file")
    return digest.hexdigest()[:16]


@dataclass(slots=True)  # one per preset file, alive all session: no __dict__ each
class CheckedFile:
    """One file's outline, with its check and schema report loaded on first use."""

    path: Path
    outline: Outline
    _blob: Any = None  # the memo's pickle of (check, report), or the pair itself
    _loaded: tuple[PresetResult, SchemaReport] | None = None

    def _both(self) -> tuple[PresetResult, SchemaReport]:
        if self._loaded is None:
            assert self._blob is not None
            self._loaded = from_blob(self._blob) if isinstance(self._blob, bytes) else self._blob
            self._blob = None
        return self._loaded

    @property
    def result(self) -> PresetResult:
        return self._both()[0]

    @property
    def report(self) -> SchemaReport:
        return self._both()[1]


@dataclass
class CheckedSuite:
    """Every preset file of the suite, checked, and the ids checked across them."""

    root: Path
    scenarios_path: Path
    override: tuple[str | None, str | None]  # --preset-provider NAME, --preset-provider-url URL
    memo: CheckMemo | None
    files: dict[Path, CheckedFile] = field(default_factory=dict)
    _scenarios: ScenarioSet | None = None

    @property
    def scenarios(self) -> ScenarioSet:
        """The scenarios file, loaded only when a file has to be checked."""
        if self._scenarios is None:
            from reelgate.preset.scenarios import load_scenarios

            self._scenarios = load_scenarios(self.scenarios_path)
        return self._scenarios

    @property
    def results(self) -> dict[Path, PresetResult]:
        return {path: checked.result for path, checked in self.files.items()}

    def get(self, path: Path) -> CheckedFile:
        """One file's check; a file outside the suite's paths is checked on demand."""
        if path in self.files:  # pytest's path is the resolved one unless a folder is a link
            return self.files[path]
        resolved = path.resolve()
        if resolved not in self.files:
            self.files[resolved] = self._check(resolved)
        return self.files[resolved]

    def _check(self, path: Path) -> CheckedFile:
        found = self.memo.lookup(path) if self.memo is not None else None
        if found is not None:
            return CheckedFile(path, found[0], _blob=found[1])
        from reelgate.preset.check import check_preset

        result = check_preset(path, self.scenarios, self.root)
        report = self._report(result)
        checked = CheckedFile(path, outline_of(result, report), _loaded=(result, report))
        if self.memo is not None and not result.errors:  # errors may depend on unreadable files
            media = [Path(p) for p in _local_media(result)]
            self.memo.keep(path, self.memo.inputs(list(result.sources), media), checked.outline,
                           (result, report))
        return checked

    def _report(self, result: PresetResult) -> SchemaReport:
        from reelgate.plan.schema import schema_report

        return schema_report(result, _override(self.override))

    def flag_duplicate_ids(self) -> None:
        """A preset id two files use makes both invalid: said at each, naming the other."""
        owners = [(checked.path, checked.outline.preset_id, checked.outline.line)
                  for checked in self.files.values()
                  if not checked.outline.abstract and checked.outline.preset_id]
        for path, diagnostic in duplicate_id_diagnostics(owners, self.root).items():
            # A copy: the memo keeps the file's own check, which an edit of the other file undoes.
            result = copy.copy(self.files[path].result)
            result.diagnostics = [*result.diagnostics, diagnostic]
            result.preset = None
            report = self._report(result)
            self.files[path] = CheckedFile(path, outline_of(result, report), _loaded=(result, report))

    def save(self) -> None:
        if self.memo is not None:
            self.memo.save(set(self.files))


def load_checked(
    root: Path, preset_paths: list[Path], scenarios: Path,
    override: tuple[str | None, str | None] = (None, None), *, memo: bool = True,
) -> CheckedSuite:
    """Check every preset file below ``preset_paths`` (from the memo where it can)."""
    kept = CheckMemo(root / MEMO_DIR, checking_identity(root, scenarios, override)) if memo else None
    suite = CheckedSuite(root, scenarios, override, kept)
    for path in discover(preset_paths, scenarios.name):
        suite.files[path] = suite._check(path)
    suite.flag_duplicate_ids()
    return suite


def outline_of(result: PresetResult, report: SchemaReport) -> Outline:
    """The items of a checked file: ``schema``, and when it is valid its reference, sweep points
    and regression."""
    items = ["schema"]
    preset = result.preset
    if preset is not None and not report.of("error"):
        if preset.reference_video is not None:
            items.append("reference")
        items += [f"sweep[{point}]" for point in preset.sweep]
        items.append("regression")
    return Outline(result.preset_id, result.line, result.abstract, preset is not None, tuple(items),
                   tuple(_plain(mark) for mark in result.marks))


def _plain(mark: MarkSpec) -> PlainMark:
    from reelgate.preset.model import XfailMark

    if isinstance(mark, str):
        return PlainMark("plain", mark)
    kind = "xfail" if isinstance(mark, XfailMark) else "skip"
    spec = mark.xfail if isinstance(mark, XfailMark) else mark.skip
    if isinstance(spec, str):
        return PlainMark(kind, kind, spec)
    only = tuple(spec.only) if spec.only is not None else None
    return PlainMark(kind, kind, spec.reason, bool(getattr(spec, "strict", False)), only)


def _local_media(result: PresetResult) -> list[str]:
    preset = result.preset
    if preset is None:
        return []
    named = (preset.reference_video, preset.reference_image, preset.reference_end_image)
    return [value for value in named if value and not value.startswith("https://")]


def _override(override: tuple[str | None, str | None]) -> ProviderOverride | None:
    name, url = override
    if not name:
        return None
    from reelgate.plan.requests import ProviderOverride

    return ProviderOverride(name=name, base_url=url)

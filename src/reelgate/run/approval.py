"""The regression item's work: compare with the approved record, or write it with --preset-approve."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelgate.preset.model import Preset
from reelgate.run.judging import Judge


@dataclass
class Outcome:
    """What the regression item reports, whether it fails, and the data the HTML report shows."""

    lines: list[str]
    failed: bool
    data: dict[str, Any] = field(default_factory=dict)


def approve_or_compare(preset: Preset, judge: Judge, accepted: set[str]) -> Outcome:
    """Compare this run with the approved record, or approve it under --preset-approve;
    ``accepted`` are the sweep points the preset marks as known failures (xfail)."""
    lines, failed, data = _approve_or_compare(preset, judge, accepted)
    return Outcome(lines, failed, {"preset": preset.id, "lines": lines, **data})


def _approve_or_compare(preset: Preset, judge: Judge,
                        accepted: set[str]) -> tuple[list[str], bool, dict[str, Any]]:
    from reelgate.verdict.approved import (
        BrokenApproval,
        approve,
        approved_path,
        load_approved,
        write_approved,
    )
    from reelgate.verdict.motion import RESPONSE_METRIC, motion_response
    from reelgate.verdict.record import describe_changes
    from reelgate.verdict.regression import compare

    conf = judge.conf
    path = approved_path(conf.approved, preset.id)
    shown = os.path.relpath(path, conf.root)
    where = os.path.relpath(preset.source, conf.root)
    current = judge.record(preset)
    response = motion_response(
        [(p, v.motion_score, v.metrics[RESPONSE_METRIC]) for p, v in current.points.items()
         if RESPONSE_METRIC in v.metrics], preset.thresholds.regression.motion_monotonic_tolerance)
    motion = response.model_dump()
    unreadable = None
    try:
        approved = load_approved(path, f"re-approve with: pytest {where} --preset-approve", name=shown)
    except BrokenApproval as exc:
        if not conf.approve:
            return [str(exc)], True, {"motion": motion}
        approved, unreadable = None, str(exc)  # approving is the fix: the new record replaces it
    if conf.approve:
        blockers = [f"sweep[{p}] is {v.verdict}" for p, v in current.points.items()
                    if v.verdict == "fail" and p not in accepted]
        blockers += [] if response.ok else [response.message]
        blockers += _reference_blockers(preset, judge)
        if blockers:
            return [f"not approved: {preset.id} has failing checks: " + "; ".join(blockers)], True, \
                {"motion": motion}
        if approved is not None and _same_run(approved, current):
            # Like syrupy's --snapshot-update: an unchanged preset's file is left byte for byte,
            # so approving a whole suite shows only the presets that really changed in the diff.
            lines = [f"unchanged {preset.id} v{preset.version}: {shown} already approves this run"]
            return lines, False, {"motion": motion, "approved": True, "approval": "unchanged", "changes": []}
        record = approve(current, approver(conf.root), time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        write_approved(path, record)
        changes = describe_changes(approved, record)
        if unreadable is not None:
            changes = [f"replaces a record that could not be read ({unreadable.split('; ')[0]})"]
        status = "approved" if approved is None and unreadable is None else "updated"
        lines = [f"{status} {preset.id} v{preset.version} -> {shown}", *(f"  {c}" for c in changes)]
        return lines, False, {"motion": motion, "approved": True, "approval": status, "changes": changes}
    if approved is None:
        return [f"{preset.id} is not approved yet; approve it with: pytest {where} --preset-approve "
                f"(writes {shown})"], True, {"motion": motion, "unapproved": True}
    report = compare(approved, current, preset.thresholds.regression)
    lines = [f"{preset.id} v{preset.version} against approved v{approved.version} "
             f"({approved.approved_by}, {approved.approved_at}):"]
    unrendered = [p for p, v in current.points.items() if not v.clips]
    if unrendered:
        lines.append("no clip to compare at " + ", ".join(unrendered) + ": see those sweep items for why")
    if len(unrendered) == len(current.points):  # nothing compared is no proof of no regression
        return lines, True, {"motion": motion, "rows": [], "changed_layers": report.changed_layers,
                             "drift": [], "multi_variable": False, "approved_version": approved.version}
    failed = False
    if report.analyzer_changed:
        lines.append(f"the analyzer changed since approval ({report.analyzer_changed}): verdicts are "
                     "compared, metrics are not; re-approve to refresh them: "
                     f"pytest {where} --preset-approve")
    if report.multi_variable:
        failed = True
        lines.append("more than one control variable changed against the approved version: "
                     + ", ".join(report.changed_layers) + "; change one at a time (or set "
                     "thresholds.regression.allow_multi_variable in the scenario)")
    elif report.changed_layers:
        lines.append("changed: " + ", ".join(report.changed_layers))
    headline = report.headline()
    if headline:
        failed = True
        cause = (" (provider drift: the request is unchanged but the provider answers differently at "
                 + ", ".join(report.drift) + ")") if report.drift else ""
        lines.append(f"{headline}{cause}:")
    elif report.drift:
        lines.append(f"provider drift at {', '.join(report.drift)}: new clips, no metric beyond tolerance")
    lines.append(report.table())
    if not response.ok:
        failed = True
    if response.message:
        lines.append(response.message)
    rows = [r.model_dump() for r in report.rows]
    pairs = side_by_side(preset, judge, approved, rows)  # their sheet paths: in the run's summary
    return lines, failed, {"motion": motion, "rows": rows, "changed_layers": report.changed_layers,
                           "drift": report.drift, "multi_variable": report.multi_variable,
                           "approved_version": approved.version, "pairs": pairs}


def side_by_side(preset: Preset, judge: Judge, approved: Any,
                 rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Approved and new clips of every point that moved or fails, with sheets at the same times."""
    from reelgate.run.review import clip_data, moved_points, point_pairs

    verdicts = {point: judge.point(preset, point).verdict.verdict for point in preset.sweep}

    def faults_of(path: str) -> list[tuple[float, str]] | None:
        verdict = judge.judge_file(preset, "approved", path, [])
        return verdict.faults() if verdict else None

    pairs = []
    for point in moved_points(rows, verdicts):
        result = judge.point(preset, point)
        paths = {r.key: r.clip_path for r in result.renders}
        clips = [clip_data(clip, paths.get(clip.key)) for clip in result.verdict.clips]
        pairs += point_pairs(judge.root, judge.conf.cassettes, preset.id, point, approved, clips, faults_of)
    return pairs


def _same_run(approved: Any, current: Any) -> bool:
    """Whether the approved file already says what this run says (who and when aside)."""
    return type(current).model_validate(
        approved.model_dump(exclude={"format", "approved_by", "approved_at"})) == current


def approver(root: Path) -> str:
    """Who approves: the git user of the repository, else the login name."""
    parts = []
    for key in ("user.name", "user.email"):
        try:
            value = subprocess.run(["git", "config", key], cwd=root, capture_output=True, text=True,
                                   timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            value = ""
        if value:
            parts.append(f"<{value}>" if key == "user.email" else value)
    if parts:
        return " ".join(parts)
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _reference_blockers(preset: Preset, judge: Judge) -> list[str]:
    if preset.reference_video is None:
        return []
    from reelgate.analysis import AnalysisError
    from reelgate.analysis.gate import reference_gate
    try:
        violations = reference_gate(judge.analyzer.analyze(preset.reference_video),
                                    preset.thresholds.reference)
    except AnalysisError as exc:
        return [f"reference unusable: {exc}"]
    return [f"reference: {v.describe()}" for v in violations]

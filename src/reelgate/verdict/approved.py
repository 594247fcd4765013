"""Approved baselines: one reviewable JSON file per preset under ``approved/``, with a format version.

A pull request shows exactly what an approval changed: keys are sorted and indented, one value
a line. ``parse_approved`` and ``dump_approved`` are pure; ``load_approved`` and
``write_approved`` add the file (written atomically). A file that is not a record this reelgate
reads (broken JSON, another tool's file, another format version, a wrong type) is one
``BrokenApproval`` naming the file and the fix; it is reported, never silently replaced.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from reelgate.atomic import write_text_atomic
from reelgate.fileformat import first_error, version_problem
from reelgate.verdict.record import ApprovedRecord, RunRecord

# Bump on any change a reader of the previous version would misread (a field renamed, removed,
# retyped or given a new meaning), and read the older versions here or tell users to re-approve.
APPROVED_FORMAT = 1
REAPPROVE = "re-approve with --preset-approve"


class BrokenApproval(ValueError):
    """An approved record this reelgate cannot read: one line naming the file and the fix."""


def approved_path(directory: Path, preset_id: str) -> Path:
    return directory / f"{preset_id}.json"


def approve(record: RunRecord, who: str, when: str) -> ApprovedRecord:
    """The run's record as approved by ``who`` at ``when`` (UTC, ISO 8601)."""
    return ApprovedRecord(**dict(record), format=APPROVED_FORMAT, approved_by=who, approved_at=when)


def dump_approved(record: ApprovedRecord) -> str:
    """The file's text: sorted keys, so an approval's diff shows only what changed."""
    return json.dumps(record.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"


def parse_approved(text: str, name: str, fix: str = REAPPROVE) -> ApprovedRecord:
    """The record in ``text`` (read from ``name``), or BrokenApproval; ``fix`` says how to
    re-approve this preset."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BrokenApproval(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); restore it "
                             f"from version control or {fix}") from None
    if not isinstance(data, dict) or "format" not in data:
        what = f"a JSON {type(data).__name__}" if not isinstance(data, dict) else "it has no 'format' key"
        raise BrokenApproval(f"{name}: not a reelgate approved record ({what}); the approved folder "
                             f"holds only reelgate's records: move the file elsewhere, or {fix}")
    problem = version_problem(data["format"], APPROVED_FORMAT, "approved record")
    if problem:
        raise BrokenApproval(f"{name}: {problem}; {fix}")
    try:
        return ApprovedRecord.model_validate(data)
    except ValidationError as exc:
        raise BrokenApproval(f"{name}: {first_error(exc)}; restore it from version control or {fix}") \
            from None


def load_approved(path: Path, fix: str = REAPPROVE, *, name: str | None = None) -> ApprovedRecord | None:
    """The record, None when there is none, BrokenApproval when it cannot be read; messages
    call the file ``name`` (the path as the user knows it), else its path."""
    shown = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else f"not UTF-8 text: {exc.reason}"
        raise BrokenApproval(f"{shown}: unreadable ({reason}); restore it from version control or {fix}") \
            from None
    return parse_approved(text, shown, fix)


def write_approved(path: Path, record: ApprovedRecord) -> None:
    write_text_atomic(path, dump_approved(record))


"""The approved record as a file users commit: typed, versioned, stable on disk, clear when foreign."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelgate.analysis.model import ClipAnalysis
from reelgate.preset.camera import parse_camera
from reelgate.preset.thresholds import Rubric
from reelgate.verdict.approved import (
    APPROVED_FORMAT,
    BrokenApproval,
    dump_approved,
    load_approved,
    parse_approved,
)
from reelgate.verdict.record import point_record
from reelgate.verdict.rubric import judge_clip
from reelgate.verdict.usable import judge_point

REPO = Path(__file__).resolve().parents[2]
COMMITTED = sorted((REPO / "approved").glob("*.json"))
FIX = "re-approve with: pytest presets/ad/city-runner.yaml --preset-approve"


def test_the_committed_records_read_and_write_back_byte_for_byte() -> None:
    assert COMMITTED, "the example suite's approved records are missing"
    for path in COMMITTED:
        text = path.read_text(encoding="utf-8")
        record = parse_approved(text, path.name)
        assert record.format == APPROVED_FORMAT and record.preset == path.stem
        assert dump_approved(record) == text, f"{path.name} would change on re-approval"


def test_a_point_record_averages_the_clips_metrics_and_adds_the_usable_rate() -> None:
    analysis = ClipAnalysis.model_validate_json((REPO / "tests" / "data" / "analysis_pan_right.json").read_text())
    rubric = Rubric(min_continuity=0.8, min_subject=0.5, warn_margin=0.05, max_glitches=0)
    good = judge_clip("p/mid-0", analysis, rubric, parse_camera("gentle pan right"))
    worse = good.model_copy(update={"clip": "other", "metrics": {**good.metrics, "subject": 0.0}})
    point = point_record(judge_point("mid", 4, [good, worse], 1, 3), "fp")
    assert point.metrics["subject"] == round(good.metrics["subject"] / 2, 4)
    assert point.metrics["usable_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert (point.usable, point.total, point.clips, point.fingerprint) == (2, 3, [good.clip, "other"], "fp")


def _committed() -> dict:
    return json.loads((REPO / "approved" / "city-runner.json").read_text())


def _with(**changes: object) -> str:
    data = _committed()
    data.update(changes)
    return json.dumps(data)


def _point_with(**changes: object) -> str:
    data = _committed()
    data["points"]["mid"].update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(("text", "message"), [
    ('{"format": 1,\n  "points": }', r"^approved/city-runner.json:2:13: not valid JSON \(Expecting value\); "
                                     r"restore it from version control or re-approve with: pytest "),
    ("[1, 2]", r"not a reelgate approved record \(a JSON list\); the approved folder holds only "
               r"reelgate's records: move the file elsewhere, or re-approve"),
    ('{"name": "city-runner", "version": "1.0.0", "dependencies": {}}',
     r"not a reelgate approved record \(it has no 'format' key\)"),
    (_with(format=0), r"approved record format 0 is older than this reelgate reads \(1\); re-approve with"),
    (_with(format=2), r"approved record format 2 is newer than this reelgate reads \(1\); upgrade "
                      r"pytest-reelgate; re-approve with"),
    (_with(format="1"), r"format '1' is not a format version; re-approve"),
    (_point_with(usable="one"), r"points.mid.usable: input should be a valid integer, got \"one\"; restore it"),
    (_point_with(verdict="ok"), r"points.mid.verdict: input should be 'pass', 'pass-with-edits' or 'fail', "
                                r"got \"ok\""),
    (_point_with(metrics={"subject": "high"}), r"points.mid.metrics.subject: input should be a valid number"),
    (_point_with(colour="red"), r"points.mid.colour: extra inputs are not permitted, got \"red\""),
    (_with(variables=None), r"variables: input should be a valid dictionary or instance of Variables, got null"),
    (json.dumps({k: v for k, v in _committed().items() if k != "points"}), r": points: field required;"),
])
def test_a_file_this_reelgate_cannot_read_is_one_line_naming_it_and_the_fix(text: str, message: str) -> None:
    with pytest.raises(BrokenApproval, match=message) as caught:
        parse_approved(text, "approved/city-runner.json", FIX)
    shown = str(caught.value)
    assert "\n" not in shown and shown.startswith("approved/city-runner.json") and shown.endswith(FIX)


def test_unreadable_files_name_the_file_and_a_missing_one_is_no_record(tmp_path: Path) -> None:
    assert load_approved(tmp_path / "none.json") is None
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe{}")
    with pytest.raises(BrokenApproval, match=r"binary.json: unreadable \(not UTF-8 text: invalid start byte\)"):
        load_approved(binary, name="approved/binary.json")
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(BrokenApproval, match=r"^approved/folder.json: unreadable \(Is a directory\); restore"):
        load_approved(tmp_path / "folder.json", name="approved/folder.json")

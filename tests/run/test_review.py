"""``reelgate review`` on what a run kept: each way there is nothing to compare is one line saying
what to run; a clip pruned since approval is said on the page, which is still written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelgate.run.cli import ReviewError, write_review
from reelgate.run.review import LATEST_FORMAT, latest_path, moved_points

NOW = "b" * 64


def _kept(root: Path, point: str = "mid", **extra: object) -> Path:
    path = latest_path(root, "cup", point)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": LATEST_FORMAT, "preset": "cup", "point": point, "verdict": "fail",
            "source": str(root / "presets" / "cup.yaml"), "approved": str(root / "approved"),
            "cassettes": str(root / "cassettes"),
            "clips": [{"key": f"cup/{point}", "sha": NOW, "path": str(root / "now.mp4"), "verdict": "fail",
                       "faults": [[1.0, "flash"]]}], **extra}
    path.write_text(json.dumps(data))
    return path


def _approve(root: Path, clip: str) -> None:
    from reelgate.verdict.approved import write_approved
    from tests.verdict.test_verdict import record

    approved = record()
    approved = approved.model_copy(update={"preset": "cup", "points": {
        name: point.model_copy(update={"clips": [clip]}) for name, point in approved.points.items()}})
    (root / "approved").mkdir(exist_ok=True)
    write_approved(root / "approved" / "cup.json", approved)


@pytest.mark.parametrize(("setup", "message"), [
    (lambda root: None, "no run of 'cup' kept in"),
    (lambda root: _kept(root), "cup is not approved yet"),
    (lambda root: _kept(root).write_text("{oops"), "unreadable"),
    (lambda root: _kept(root, format=99), "not a run kept by this reelgate; run the preset again"),
])
def test_nothing_to_compare_is_one_line(tmp_path: Path, setup: object, message: str) -> None:
    setup(tmp_path)  # type: ignore[operator]
    with pytest.raises(ReviewError, match=message):
        write_review(tmp_path, "cup", None, None)


def test_an_unknown_point_names_the_ones_kept(tmp_path: Path) -> None:
    _kept(tmp_path, "low"), _kept(tmp_path, "mid")
    with pytest.raises(ReviewError, match=r"cup has no point 'high' in the latest run \(it kept: low, mid\)"):
        write_review(tmp_path, "cup", "high", None)


def test_an_approved_clip_pruned_since_is_said_on_the_page(tmp_path: Path) -> None:
    _kept(tmp_path)
    _approve(tmp_path, "a" * 64)
    page, lines = write_review(tmp_path, "cup", "mid", None)
    assert page == tmp_path / ".reelgate" / "review" / "cup.html"
    assert lines == [f"  mid: approved clip {'a' * 12} is in neither {tmp_path / 'cassettes' / 'media'} nor "
                     ".reelgate/media (pruned since approval?): showing the new clip only"]
    text = page.read_text()
    assert "pruned since approval?" in text and "reelgate review: cup" in text


def test_points_shown_side_by_side() -> None:
    rows = [{"point": "low", "approved": "0.1", "now": "0.1", "worse": False},
            {"point": "mid", "approved": "0.1", "now": "0.2", "worse": False}]
    assert moved_points(rows, {"low": "pass", "mid": "pass", "high": "fail"}) == ["mid", "high"]


def test_an_approved_clip_that_does_not_decode_is_a_note_not_a_traceback(tmp_path: Path) -> None:
    _kept(tmp_path)
    _approve(tmp_path, "a" * 64)
    media = tmp_path / "cassettes" / "media"
    media.mkdir(parents=True)
    (media / f"{'a' * 64}.mp4").write_bytes(b"not a video")
    (tmp_path / "now.mp4").write_bytes(b"not a video either")
    page, lines = write_review(tmp_path, "cup", "mid", tmp_path / "out" / "page.html")
    assert [line.split(" (")[0] for line in lines] == [
        f"  mid: approved clip {'a' * 12} could not be judged: no frames framed", "  mid: no side-by-side sheets"]
    assert "no side-by-side sheets" in page.read_text()

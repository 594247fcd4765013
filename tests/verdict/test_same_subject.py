"""Same subject across shots: a later shot whose subject (and world) changed colour is a finding
for that shot; the same character on a new background is not."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from reelgate.analysis.model import Box
from reelgate.preset.thresholds import Rubric
from reelgate.verdict.rubric import judge_clip, table
from reelgate.verdict.same_subject import (
    SubjectShift,
    grown,
    shot_signatures,
    subject_shifts,
)
from reelgate.verdict.shots import check_shot_cuts
from tests.verdict.test_shots import PAN, RUBRIC, clip, shots

BOX = Box(x=0.35, y=0.25, w=0.3, h=0.5)
RNG_SEED = 3


def write_shot(path: Path, background: tuple[int, int, int], subject: tuple[int, int, int]
               ) -> Path:
    """Six 64x48 frames: a noisy coloured world with a subject block where BOX says."""
    rng = np.random.default_rng(RNG_SEED)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=12)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(6):
            frame = np.empty((48, 64, 3), np.uint8)
            frame[:] = background
            frame = np.clip(frame + rng.normal(0, 6, frame.shape), 0, 255).astype(np.uint8)
            frame[14:38, 24:42] = subject
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode(None))
    return path


def test_the_same_subject_on_a_new_background_is_near_and_another_one_is_far(
        tmp_path: Path) -> None:
    red_coat = (200, 40, 40)
    paths = {1: write_shot(tmp_path / "1.mp4", (40, 90, 160), red_coat),    # blue street
             2: write_shot(tmp_path / "2.mp4", (60, 150, 60), red_coat),    # green park
             3: write_shot(tmp_path / "3.mp4", (230, 210, 40), (40, 200, 220))}  # all changed
    shifts = subject_shifts(shot_signatures(paths, dict.fromkeys(paths, BOX)))
    near, far = shifts
    bound = Rubric().max_subject_distance
    assert (near.index, near.against, far.index) == (2, 1, 3)
    assert near.distance < bound < far.distance, shifts


def test_a_shot_whose_subject_differs_is_a_finding_for_that_shot() -> None:
    declared = shots(2, 2)
    analysis = clip(2.0)
    cuts = check_shot_cuts(declared, False, analysis, RUBRIC.cut_tolerance_frames, PAN)
    per_shot = {w.index: clip() for w in cuts.windows}
    verdict = judge_clip("p/mid", analysis, RUBRIC, PAN, cuts, per_shot,
                         [SubjectShift(2, 1, 0.41)])
    assert verdict.verdict == "fail", table(verdict)
    check = next(c for c in verdict.checks if c.name == "same subject (shot 2)")
    assert check.detail == "shot 2: subject differs from shot 1 (appearance distance 0.41 > 0.4)"
    assert verdict.metrics["shot2.subject_distance"] == 0.41
    assert (2.0, "other subject") in verdict.faults()  # the contact sheet names it
    same = judge_clip("p/mid", analysis, RUBRIC, PAN, cuts, per_shot, [SubjectShift(2, 1, 0.2)])
    assert same.verdict == "pass", table(same)
    off = judge_clip("p/mid", analysis, RUBRIC.model_copy(update={"max_subject_distance": 1.0}),
                     PAN, cuts, per_shot, [SubjectShift(2, 1, 0.9)])
    assert off.verdict == "pass" and not any(c.name.startswith("same subject")
                                             for c in off.checks)


@pytest.mark.parametrize(("box", "expected"), [
    (Box(x=0.4, y=0.4, w=0.2, h=0.2), Box(x=0.3, y=0.3, w=0.4, h=0.4)),
    (Box(x=0.9, y=0.0, w=0.2, h=0.6), Box(x=0.6, y=0.0, w=0.4, h=1.0)),  # kept in the frame
])
def test_a_grown_box_stays_inside_the_frame(box: Box, expected: Box) -> None:
    assert grown(box, 2.0).model_dump() == pytest.approx(expected.model_dump())


def test_an_unreadable_shot_raises_the_decoder_error_the_run_reports(tmp_path: Path) -> None:
    broken = tmp_path / "shot.mp4"
    broken.write_bytes(b"not a video")
    with pytest.raises(av.FFmpegError):
        shot_signatures({1: broken}, {1: BOX})

"""The real clips in shared/media: cuts versus fades, timing from the first frame."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reelgate.analysis.model import ClipAnalysis

# testvideo.mp4: black title to the leaf at frame 30 and leaf to black at 180 are instant
# changes; 211-240, 331-360, 394-423 and 664-693 are fades and 529-558 a dissolve, none a cut.
# PySceneDetect's fade detector puts its boundaries inside the black stretches (15, 198, 377).
HARD_CUTS = [30, 180]
GRADUAL = [(211, 240), (331, 360), (394, 423), (529, 558), (664, 693)]


def test_real_clip_facts(real_clip: Callable[[str], ClipAnalysis]) -> None:
    t = real_clip("testvideo.mp4").video
    assert (t.width, t.height, t.frames, t.codec, t.vfr) == (1280, 720, 720, "h264", False)
    assert t.fps == pytest.approx(30000 / 1001, rel=1e-4)
    assert t.duration == pytest.approx(720 * 1001 / 30000, rel=1e-4)
    c = real_clip("counter.mp4").video
    assert (c.width, c.height, c.frames, c.fps, c.duration) == (1920, 1080, 30, 10.0, 3.0)
    f = real_clip("fades.mp4").video
    assert (f.width, f.height, f.frames, f.codec, f.fps) == (480, 320, 250, "mpeg4", 25.0)
    d = real_clip("delayed_start.mp4").video
    assert d.start_time == pytest.approx(1.075) and d.frames == 24
    assert d.duration == pytest.approx(0.96)


def test_testvideo_fades_are_not_cuts(real_clip: Callable[[str], ClipAnalysis]) -> None:
    a = real_clip("testvideo.mp4")
    assert a.continuity.cut_frames == HARD_CUTS
    assert a.continuity.cuts == [pytest.approx(f * 1001 / 30000, abs=1e-3) for f in HARD_CUTS]
    for first, last in GRADUAL:
        assert not any(first <= c <= last for c in a.continuity.cut_frames)
    assert a.continuity.glitches == []
    assert a.camera.moves == ["locked"]  # still photographs


def test_fields_fading_in_and_out_report_nothing(real_clip: Callable[[str], ClipAnalysis]) -> None:
    a = real_clip("fades.mp4")
    assert a.continuity.cuts == [] and a.continuity.glitches == []
    assert a.camera.primary == "locked"


def test_counter_background_changes_are_cuts(real_clip: Callable[[str], ClipAnalysis]) -> None:
    """The card's colour changes at once every second: each is a new shot."""
    a = real_clip("counter.mp4")
    assert a.continuity.cuts == [pytest.approx(1.0), pytest.approx(2.0)]


def test_delayed_start_times_count_from_the_first_frame(
    real_clip: Callable[[str], ClipAnalysis],
) -> None:
    a = real_clip("delayed_start.mp4")
    assert a.video.start_time == pytest.approx(1.075)
    assert a.camera.segments[0].start == 0.0
    assert a.camera.segments[-1].end == pytest.approx(23 / 25)
    assert a.continuity.glitches == [] and a.continuity.cuts == []

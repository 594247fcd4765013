"""Cuts from more than one cue, and corrupted spans as one glitch, on real footage.

Clips are edited from the labelled dev footage (../shared/media/dev, skipped with the reason
when absent): a same-camera jump cut drops a stretch of one locked shot; a corrupted span
conceals part of the picture as a decoder does (the damaged part stands still, smeared, while
the rest decodes on) until a keyframe refreshes it; an edit cuts away to another shot and back.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from reelgate.analysis import analyze_clip
from reelgate.analysis.cache import AnalysisCache
from reelgate.analysis.model import ClipAnalysis
from tests.analysis.corpus import DEV
from tests.analysis.synth import write_clip

DEV_REASON = f"development footage not found at {DEV} (../shared/media/dev; present in CI)"
MACROBLOCK = 16  # pixels: concealment works in the codec's macroblocks


def _dev_frames(name: str) -> tuple[list[np.ndarray], Fraction]:
    if not (DEV / name).is_file():
        pytest.skip(DEV_REASON)
    with av.open(str(DEV / name)) as container:
        rate = Fraction(container.streams.video[0].average_rate)
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)], rate


def _analyse(path: Path, frames: list[np.ndarray], rate: Fraction, cache: AnalysisCache) -> ClipAnalysis:
    write_clip(path, frames, fps=rate, crf=19)
    return analyze_clip(path, cache=cache)


@pytest.mark.parametrize(
    ("name", "keep", "drop"),
    [
        ("cam_01_locked_dog_and_owner.mp4", 75, 1.5),  # a dog and its owner running (SAM 2)
        ("cam_03_locked_juggler.mp4", 60, 1.0),  # a ball juggled with the feet (SAM 2)
        ("cam_08_locked_surveillance_pets.mp4", 25, 1.5),  # 10 fps pedestrians (OpenCV sample)
        ("cam_10_locked_bottles_hand.mp4", 60, 1.5),  # an arm reaching in (Intel samples)
    ],
)
def test_a_jump_cut_on_one_camera_is_one_cut(
    name: str, keep: int, drop: float, tmp_path: Path, shared_cache: AnalysisCache
) -> None:
    """Dropping a stretch of a locked shot keeps the background: no hard cut's bar is reached,
    but the jump is one cut at the first frame after it, and not an insert."""
    frames, rate = _dev_frames(name)
    skip = round(drop * float(rate))
    edited = frames[:keep] + frames[keep + skip :]
    analysis = _analyse(tmp_path / f"jump-{name}", edited, rate, shared_cache)
    at = keep / float(rate)
    assert [abs(t - at) <= 1 / float(rate) + 0.001 for t in analysis.continuity.cuts] == [True], (
        analysis.continuity.cuts, at)
    assert analysis.continuity.glitches == []


def test_the_jump_out_of_a_freeze_is_the_freeze_not_a_cut(shared_cache: AnalysisCache) -> None:
    """A stall's exit jumps ahead like a jump cut: it belongs to the freeze."""
    if not (DEV / "glt_01_freeze_juggler.mp4").is_file():
        pytest.skip(DEV_REASON)
    continuity = analyze_clip(DEV / "glt_01_freeze_juggler.mp4", cache=shared_cache).continuity
    assert continuity.cuts == []
    assert [g.kind for g in continuity.glitches] == ["freeze"]


def _conceal(frames: list[np.ndarray], at: int, count: int, top: float) -> None:
    """From frame ``at`` for ``count`` frames, the picture below ``top`` (a share of its height)
    is the frame before ``at``, each macroblock column moved by a wrong motion vector and held
    there, while the picture above it decodes on: a decoder concealing a lost slice."""
    rng = np.random.default_rng(3)
    height, width = frames[0].shape[:2]
    y0 = int(height * top) // MACROBLOCK * MACROBLOCK
    held = frames[at - 1].copy()
    for x in range(0, width, MACROBLOCK):
        dy, dx = rng.integers(-12, 13, 2)
        moved = np.roll(frames[at - 1][y0:], (int(dy), int(dx)), axis=(0, 1))
        held[y0:, x : x + MACROBLOCK] = moved[:, x : x + MACROBLOCK]
    for k in range(at, at + count):
        frames[k] = np.concatenate([frames[k][:y0], held[y0:]])


@pytest.mark.parametrize(
    "name", ["glt_10_clean_talking_head.mp4", "glt_12_clean_bottles_hand.mp4"]
)
def test_a_corrupted_span_is_one_corruption_glitch_with_its_span(
    name: str, tmp_path: Path, shared_cache: AnalysisCache
) -> None:
    """39 concealed frames are one glitch from their first to their last frame: not a cut at
    the onset and another at the keyframe that ends them."""
    frames, rate = _dev_frames(name)
    at, count = 60, 39
    _conceal(frames, at, count, top=0.55)
    continuity = _analyse(tmp_path / f"corrupt-{name}", frames, rate, shared_cache).continuity
    assert continuity.cuts == []
    assert [g.kind for g in continuity.glitches] == ["corruption"]
    span = continuity.glitches[0]
    frame = 1 / float(rate) + 0.001
    assert abs(span.start - at / float(rate)) <= frame
    assert abs(span.end - (at + count - 1) / float(rate)) <= frame


def test_an_edit_away_and_back_is_two_cuts_not_a_corruption(
    tmp_path: Path, shared_cache: AnalysisCache
) -> None:
    """A-B-A: the whole picture changes at both cuts, so it is an edit, not a damaged span."""
    dog, rate = _dev_frames("glt_07_clean_dog.mp4")
    cups, _ = _dev_frames("cam_04_locked_cups_shuffle.mp4")
    edited = dog[:60] + cups[60:105] + dog[105:]
    continuity = _analyse(tmp_path / "aba.mp4", edited, rate, shared_cache).continuity
    want = [60 / float(rate), 105 / float(rate)]
    assert len(continuity.cuts) == 2
    assert all(abs(t - w) <= 1 / float(rate) + 0.001 for t, w in zip(continuity.cuts, want, strict=True))
    assert continuity.glitches == []

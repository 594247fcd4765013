"""Accuracy on labelled real footage (../shared/media and dev/): what a gate on real clips
relies on. The labels come from dev/labels.json; scoring follows dev/README.md (see corpus.py).

Each figure is asserted on all clips and with each source left out in turn, so no single
source carries it. tests/bench/bench_accuracy.py prints the same figures clip by clip.
"""

from __future__ import annotations

import pytest

from reelgate.analysis import analyze_clip
from reelgate.analysis.cache import AnalysisCache
from tests.analysis.corpus import DEV, Figures, Score, labelled_clips, leave_one_source_out, score

CLEAN_FLAGGED_MAX = 0.05  # share of clean real clips with any cut or glitch (the target)
CLEAN_UNCERTAIN_MAX = 0.15  # share of clean real clips with uncertain evidence
GLITCH_RECALL_MIN = 0.9
CAMERA_MIN = 0.95  # the target; 18/18 today, and in every leave-one-source-out fold
CUT_RECALL_MIN = 1.0  # every cut, the same-camera jump cut of cut_04 included, in every fold


@pytest.fixture(scope="module")
def scores(shared_cache: AnalysisCache) -> list[Score]:
    if not (DEV / "labels.json").is_file():
        pytest.skip(f"labelled footage not found at {DEV} (../shared/media/dev; present in CI)")
    return [score(c, analyze_clip(c.path, cache=shared_cache)) for c in labelled_clips()]


def _check(figures: Figures, where: str) -> list[str]:
    problems = []
    right, total = figures.camera
    if right < CAMERA_MIN * total:
        problems.append(f"{where}: camera {right}/{total}")
    found, labelled, false = figures.cuts
    if found < CUT_RECALL_MIN * labelled or false:
        problems.append(f"{where}: cuts {found}/{labelled}, {false} false")
    found, labelled, _ = figures.glitches
    if found < GLITCH_RECALL_MIN * labelled:
        problems.append(f"{where}: glitches {found}/{labelled}")
    flagged, uncertain, clean = figures.clean
    if flagged > CLEAN_FLAGGED_MAX * clean or uncertain > CLEAN_UNCERTAIN_MAX * clean:
        problems.append(f"{where}: clean clips flagged {flagged}, uncertain {uncertain} of {clean}")
    return problems


def test_accuracy_on_real_footage_holds_with_each_source_left_out(scores: list[Score]) -> None:
    total = Figures.of(scores)
    problems = _check(total, "all clips")
    for source, figures in leave_one_source_out(scores).items():
        problems += _check(figures, f"without {source}")
    print(f"\nall clips: {total.line()}")
    assert not problems, "\n".join(problems)


def test_faulty_real_clips_report_no_false_glitch(scores: list[Score]) -> None:
    """A clip with one real fault reports that fault, not false warps around it as well."""
    extra = [f"{s.clip.name}: {' '.join(s.notes)}" for s in scores if s.glitches_false]
    assert not extra, "\n".join(extra)


def test_single_shots_with_fast_motion_report_no_cut(scores: list[Score]) -> None:
    """The camera clips are single shots, many with large fast subjects (a running dog, hands,
    a juggled ball, a kettle swung through the frame): motion inside a shot is never a cut."""
    cuts = [f"{s.clip.name}: {' '.join(s.notes)}" for s in scores
            if s.clip.moves is not None and s.clip.cuts is None and any(n.startswith("cut@") for n in s.notes)]
    assert not cuts, "\n".join(cuts)

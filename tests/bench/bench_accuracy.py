"""Accuracy of the media analysis on the labelled real footage (../shared/media and its dev/).

Analyses every labelled clip (two processes, no cache unless --cache), scores it against its
labels as dev/README.md says (camera move sets exactly, cuts within one frame, glitches within
0.25 s, any cut or glitch on a clean clip a false alarm), and prints one line per clip, the
figures over all clips, and the figures with each source left out in turn
(leave-one-source-out), then the worst of those folds, against the targets: camera >= 95 %,
every cut and no false cut, glitches >= 90 %, clean clips flagged <= 5 %, uncertain <= 15 %,
and real footage with no injected fault (its subject intact) scored under the lowest shipped
subject bound (0.55) <= 5 %.

Run: .venv/bin/python tests/bench/bench_accuracy.py [--cache DIR] [--only SUBSTRING]
Exits 1 when the footage is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.analysis.corpus import (  # noqa: E402
    DEV,
    SUBJECT_BOUND,
    Figures,
    LabelledClip,
    Score,
    labelled_clips,
    leave_one_source_out,
    score,
)
from tests.bench.figures import Figure, print_summary  # noqa: E402


def _analyse(job: tuple[LabelledClip, str | None]) -> Score:
    from reelgate.analysis import AnalysisCache, analyze_clip

    clip, cache = job
    analysis = analyze_clip(clip.path, cache=AnalysisCache(".", cache) if cache else None)
    return score(clip, analysis)


def _row(s: Score) -> str:
    parts = []
    c = s.clip
    if c.moves is not None:
        want = ",".join(sorted(c.moves))
        got = ",".join(sorted(s.moves))
        parts.append(f"camera {'ok' if s.camera_right else 'BAD'} want {want} got {got}")
    if c.cuts is not None and c.cuts:
        parts.append(f"cuts {s.cuts_found}/{len(c.cuts)} false {s.cuts_false}")
    if c.glitches:
        parts.append(f"glitches {s.glitches_found}/{len(c.glitches)} false {s.glitches_false}")
    if s.subject is not None:
        parts.append(f"subject {s.subject:.2f}" + (" LOW" if s.subject < SUBJECT_BOUND else ""))
    if c.clean:
        parts.append("clean " + ("FLAGGED" if s.flagged else "ok") + (" uncertain" if s.uncertain else ""))
    return f"{c.name:38s} {c.source:22s} {'; '.join(parts)}  [{' '.join(s.notes)}]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", help="analysis cache directory (reuse results across runs)")
    parser.add_argument("--only", help="score only clips whose name contains this")
    args = parser.parse_args()
    clips = [c for c in labelled_clips() if not args.only or args.only in c.name]
    if not (DEV / "labels.json").is_file():
        print(f"labelled footage not found at {DEV}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        scores = list(pool.map(_analyse, [(c, args.cache) for c in clips]))
    print(f"{len(scores)} clips analysed in {time.perf_counter() - started:.1f} s\n")
    for s in scores:
        print(_row(s))
    total = Figures.of(scores)
    print(f"\nall clips: {total.line()}")
    folds = leave_one_source_out(scores)
    print("\nleave one source out:")
    for source, figures in folds.items():
        print(f"  without {source:22s} {figures.line()}")
    short = {source: f.meets_targets() for source, f in folds.items()}
    print(f"\ntargets, all clips: {'met' if not total.meets_targets() else '; '.join(total.meets_targets())}")
    missed = {s: m for s, m in short.items() if m}
    print(
        "targets, every fold: "
        + ("met" if not missed else "; ".join(f"without {s}: {', '.join(m)}" for s, m in missed.items()))
    )
    summarise(total)
    return 0


def summarise(total: Figures) -> bool:
    """The summary line: the all-clips figures against the targets (the same as meets_targets)."""
    def share(part: int, whole: int) -> float:
        return 100 * part / whole if whole else 100.0

    found, labelled, false = total.cuts
    glitches, labelled_glitches, _ = total.glitches
    flagged, uncertain, clean = total.clean
    return print_summary(
        "bench_accuracy",
        Figure("camera", share(*total.camera), 95, "%", 0, at_most=False),
        Figure("cuts found", share(found, labelled), 100, "%", 0, at_most=False),
        Figure("false cuts", false, 0, "", 0),
        Figure("glitches", share(glitches, labelled_glitches), 90, "%", 0, at_most=False),
        Figure("clean flagged", 100 - share(clean - flagged, clean), 5, "%", 0),
        Figure("clean uncertain", 100 - share(clean - uncertain, clean), 15, "%", 0),
        Figure(f"intact subjects under {SUBJECT_BOUND}", share(*total.subject), 5, "%", 0),
    )


if __name__ == "__main__":
    sys.exit(main())

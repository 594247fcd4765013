"""The analyzer against the simulator's truth: what it finds of the defects the simulator injected.

Renders N clips per motion score through the simulator's own request reading (Kling v2.6
text2video bodies as the adapter sends them; several prompts and camera moves, no negative
prompt), analyses each, and prints, per defect kind, how many injected defects the analyzer found
(evidence of that kind overlapping the defect's span, give or take ``SLACK_S``; and how many
more it noticed as another kind of glitch or a cut) and how many it
reported in clips that had no defect of that kind; then the Spearman rank correlation of
measured motion (``motion.object_motion``, the motion the camera does not explain) with the
motion score within each prompt (a sweep), their mean against the target (>= 0.9), and the
pooled figure. One line per figure.

Run: .venv/bin/python tests/bench/bench_simulator.py [--per-score 5] [--scores 1,3,5,7,9]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

SLACK_S = 0.25  # seconds either side of a defect's span where evidence still counts
WORST_LIMIT = 0.6  # subject.worst below this, at a time inside a morph: the morph was seen
APPEARANCE_LIMIT = 0.8  # subject.appearance below this: the subject's identity drifted
FLICKER_LIMIT = 3.0  # continuity.flicker (8-bit levels RMS) above this: flicker seen
SPEARMAN_TARGET = 0.9
PROMPTS = (("a young woman in a red running jacket on a footbridge at dawn", "tracking"),
           ("a white running sneaker on a turntable in a studio", "slow orbit left"),
           ("a cat sitting on a brick wall", "locked"),
           ("a barista in a cafe", "gentle pan right"),
           ("a dancer in a street at night", "handheld"))


def _body(prompt: str, camera: str, motion: int) -> dict[str, object]:
    return {"model_name": "kling-v2-6", "mode": "std", "duration": "5", "aspect_ratio": "16:9",
            "prompt": f"{prompt}. Camera: {camera}. Motion intensity {motion}/10."}


Found = tuple[str, bool, bool]  # kind, found as that kind, seen as some other glitch or cut


def _one(job: tuple[int, int, int]) -> tuple[int, list[Found], dict[str, bool], float, int]:
    """Render and analyse one clip: (score, [found], {kind: reported}, measured motion, prompt)."""
    from reelgate.analysis import analyze_clip
    from reelgate.simulator.config import SimulatorConfig
    from reelgate.simulator.kling_api import parse_create
    from reelgate.simulator.render import render_clip

    motion, n, _ = job
    prompt, camera = PROMPTS[n % len(PROMPTS)]  # the n-th repeat of a score: prompt n
    task = parse_create("text2video", _body(prompt, camera, motion), SimulatorConfig(), repeat=n)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        path.write_bytes(render_clip(task.spec))
        analysis = analyze_clip(path)
    spec = task.spec
    found = [(d.kind, _seen(d.kind, d.start, d.end, analysis, spec.move),
              _other(d.start, d.end, analysis)) for d in spec.defects]
    reported = {kind: _seen(kind, 0.0, spec.duration, analysis, spec.move)
                for kind in ("morph", "identity_drift", "flicker", "stall", "camera_jump",
                             "wrong_move")}
    return motion, found, reported, analysis.motion.object_motion, n % len(PROMPTS)


def _seen(kind: str, start: float, end: float, analysis: object, move: str) -> bool:
    """Whether the analysis shows evidence of ``kind`` between ``start`` and ``end``."""
    a = analysis  # a ClipAnalysis
    lo, hi = start - SLACK_S, end + SLACK_S
    glitches = [g for g in a.continuity.glitches if g.end >= lo and g.start <= hi]  # type: ignore[attr-defined]
    kinds = {g.kind for g in glitches}
    subject_dip = (a.subject.worst < WORST_LIMIT  # type: ignore[attr-defined]
                   and a.subject.worst_time is not None  # type: ignore[attr-defined]
                   and lo <= a.subject.worst_time <= hi)  # type: ignore[attr-defined]
    if kind == "morph":
        return "warp" in kinds or subject_dip
    if kind == "identity_drift":
        return a.subject.appearance < APPEARANCE_LIMIT or subject_dip  # type: ignore[attr-defined]
    if kind == "flicker":
        return bool(kinds & {"flash", "brightness-step"}) or (
            a.continuity.flicker > FLICKER_LIMIT and end - start > 0.5)  # type: ignore[attr-defined]
    if kind == "stall":
        return "freeze" in kinds
    if kind == "camera_jump":
        return (any(lo <= c <= hi for c in a.continuity.cuts)  # type: ignore[attr-defined]
                or bool(kinds & {"insert", "corruption"}))
    from reelgate.analysis import match_camera

    return not match_camera(a, move.replace("-", " ")).matched  # type: ignore[arg-type]


def _other(start: float, end: float, analysis: object) -> bool:
    """Any glitch or cut overlapping the span (the defect was noticed, under another name)."""
    a = analysis
    lo, hi = start - SLACK_S, end + SLACK_S
    return (any(g.end >= lo and g.start <= hi for g in a.continuity.glitches)  # type: ignore[attr-defined]
            or any(lo <= c <= hi for c in a.continuity.cuts))  # type: ignore[attr-defined]


def spearman(x: list[float], y: list[float]) -> float:
    """Rank correlation (average ranks for ties), numpy only."""
    def ranks(values: list[float]) -> np.ndarray:
        order = np.argsort(values, kind="stable")
        r = np.empty(len(values))
        r[order] = np.arange(len(values), dtype=float)
        for value in set(values):  # ties share their mean rank
            tied = np.array(values) == value
            r[tied] = r[tied].mean()
        return r
    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-score", type=int, default=len(PROMPTS),
                        help="renders per motion score, one per prompt in turn")
    parser.add_argument("--scores", default="1,3,5,7,9")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scores = [int(s) for s in args.scores.split(",")]
    jobs = [(m, n, 0) for m in scores for n in range(args.per_score)]
    injected, found, false, other = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    clean = Counter[str]()
    motion_scores, measured, prompts = [], [], []
    with ProcessPoolExecutor(args.workers) as pool:
        for motion, defects, reported, moved, prompt in pool.map(_one, jobs):
            motion_scores.append(float(motion))
            measured.append(moved)
            prompts.append(prompt)
            kinds = {kind for kind, _, _ in defects}
            for kind, seen, elsewise in defects:
                injected[kind] += 1
                found[kind] += seen
                other[kind] += elsewise and not seen
            for kind, said in reported.items():
                if kind not in kinds:
                    clean[kind] += 1
                    false[kind] += said
    print(f"renders: {len(jobs)} ({args.per_score} per motion score {scores})")
    for kind in ("morph", "identity_drift", "flicker", "stall", "camera_jump", "wrong_move"):
        print(f"{kind:15s} found {found[kind]}/{injected[kind]} injected "
              f"(+{other[kind]} seen as another glitch or cut); "
              f"false reports {false[kind]}/{clean[kind]} clips without it")
    # A sweep varies the motion score with the rest of the preset fixed: the correlation that
    # counts is within one prompt and camera; pooled over prompts it mixes moves that show
    # the subject's motion differently (a followed subject holds its place on screen).
    sweeps = [spearman([m for m, p in zip(motion_scores, prompts, strict=True) if p == k],
                       [v for v, p in zip(measured, prompts, strict=True) if p == k])
              for k in sorted(set(prompts))]
    rho = float(np.mean(sweeps))
    verdict = "meets" if rho >= SPEARMAN_TARGET else "below"
    print(f"spearman(measured motion, motion_score) within a prompt = {rho:.3f} (mean of "
          f"{len(sweeps)}: {', '.join(f'{r:.2f}' for r in sweeps)}; {verdict} target >= "
          f"{SPEARMAN_TARGET})")
    print(f"spearman pooled over all prompts and cameras = {spearman(motion_scores, measured):.3f}"
          " (no target: it mixes camera moves)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

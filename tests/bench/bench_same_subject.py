"""Same-subject distances on real cuts: what ``Rubric.max_subject_distance`` is set against.

Splits each labelled cut clip of ../shared/media/dev at its labelled cut frames, analyses every
shot alone (as a multi-shot render is), and prints the distance (``verdict.same_subject``) of
every pair of shots, marked by whether the two come from one source file (one scene; dev
labels' ``segments``). Then the example multi-shot preset's approved clips, shot 2 against
shot 1. Look at the clips to tell same subject from same scene: the labels say only the source.

Run: .venv/bin/python tests/bench/bench_same_subject.py   (about a minute and a half)
Exits 1 when the footage is absent.
"""

from __future__ import annotations

import itertools
import json
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEV = REPO.parent / "shared" / "media" / "dev"


def main() -> int:
    from reelgate.analysis import analyze_clip
    from reelgate.preset.thresholds import Rubric
    from reelgate.verdict.same_subject import shot_signatures, subject_shifts
    from reelgate.verdict.shots import ShotWindow
    from reelgate.verdict.split import split_shots

    if not (DEV / "labels.json").is_file():
        print(f"no development footage at {DEV}")
        return 1
    bound = Rubric().max_subject_distance
    root = Path(tempfile.mkdtemp(prefix="same-subject-"))

    def shots_of(clip: Path, name: str, cut_frames: list[int], frames: int, fps: float) -> dict:
        edges = [0, *cut_frames, frames]
        windows = [ShotWindow(i + 1, a, b, a / fps, b / fps, None)
                   for i, (a, b) in enumerate(itertools.pairwise(edges))]
        paths = split_shots(clip, name, windows, root)
        boxes = {i: analyze_clip(str(p), root=root).subject.box for i, p in paths.items()}
        return shot_signatures(paths, boxes)

    try:
        doc = json.loads((DEV / "labels.json").read_text())
        for entry in (c for c in doc["clips"] if c["category"] == "cuts"):
            local = root / entry["file"]
            shutil.copyfile(DEV / entry["file"], local)
            signatures = shots_of(local, entry["file"], entry["cut_frames"], entry["frames"],
                                  entry["fps"])
            sources = [s["path"] for s in entry["segments"]]
            print(entry["file"])
            for i, j in itertools.combinations(sorted(signatures), 2):
                same = len(sources) == 1 or sources[i - 1] == sources[j - 1]
                distance = signatures[i].distance(signatures[j])
                print(f"  shot {i} vs {j}: {distance:.2f} {'same source' if same else 'other source'}"
                      f"{'  > bound' if distance > bound else ''}")
        record = json.loads((REPO / "approved" / "kitchen-confession.json").read_text())
        print("kitchen-confession (approved clips, shot 2 against shot 1)")
        for point, data in record["points"].items():
            for sha in data["clips"]:
                local = root / f"{sha}.mp4"
                shutil.copyfile(REPO / "cassettes" / "media" / f"{sha}.mp4", local)
                analysis = analyze_clip(str(local), root=root)
                shifts = subject_shifts(shots_of(local, sha, analysis.continuity.cut_frames,
                                                 analysis.video.frames, analysis.video.fps))
                print(f"  {point}: " + ", ".join(f"shot {s.index}: {s.distance:.2f}"
                                                 for s in shifts))
        print(f"bound (Rubric.max_subject_distance): {bound}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())

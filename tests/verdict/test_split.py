"""A multi-shot clip split into its shots: every frame in exactly one shot, same bytes each time."""

from __future__ import annotations

from pathlib import Path

import av

from reelgate.analysis import analyze_clip
from reelgate.simulator.render import ClipSpec, ShotPart, render_clip
from reelgate.verdict.shots import ShotWindow
from reelgate.verdict.split import split_shots


def frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_shots_are_cut_where_the_windows_say(tmp_path: Path) -> None:
    spec = ClipSpec(width=96, height=54, fps=12, duration=3, seed=4,
                    shots=(ShotPart(1, 5), ShotPart(2, 6, move="pan-right")))
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(render_clip(spec))
    windows = [ShotWindow(1, 0, 12, 0.0, 1.0, None), ShotWindow(2, 12, 36, 1.0, 3.0, None),
               ShotWindow(3, 36, 37, 3.0, 3.1, None)]  # one frame: too short to analyse
    paths = split_shots(clip, "abc", windows, tmp_path)
    assert sorted(paths) == [1, 2]
    assert [frames(paths[1]), frames(paths[2])] == [12, 24]
    shot = analyze_clip(paths[2])  # each shot is a clip the analysis reads on its own
    assert shot.video.fps == 12 and shot.video.duration == 2.0 and shot.camera.primary == "pan-right"
    first = paths[2].read_bytes()
    paths[2].unlink()
    assert split_shots(clip, "abc", windows, tmp_path)[2].read_bytes() == first

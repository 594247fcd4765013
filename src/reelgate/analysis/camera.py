"""The global camera path and its moves, in the preset vocabulary.

Each frame pair's camera step is a similarity (shift, scale, rotation) fitted with RANSAC to
DIS flow on textured points (see features.py), so a moving subject, which covers less of the
picture than its surroundings, does not read as camera motion. Steps add up to a path per shot
(camera_shot.py); a straight-line fit over a one-second window gives the intended motion, runs
of one dominant motion become moves (camera_moves.py), and the wobble left about a fitted smooth
trajectory, ramps and speed changes included, tells a handheld camera (camera_wobble.py).

Speeds and their bands are the preset vocabulary's (camera_words.py: ``SPEED_UNITS``,
``SPEED_BANDS``); every threshold of the detector is a field of ``CameraSettings``
(settings_camera.py), passed down.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from reelgate.analysis.camera_moves import move_names, shot_moves
from reelgate.analysis.camera_shot import Shot, camera_steps, shot, with_chunks
from reelgate.analysis.camera_speed import family_speeds
from reelgate.analysis.camera_wobble import robust_rms
from reelgate.analysis.camera_words import FAMILY_OF, SPEED_BANDS, SPEED_UNITS, speed_word
from reelgate.analysis.features import Features
from reelgate.analysis.model import CameraAnalysis, CameraPath, CameraSegment
from reelgate.analysis.settings_camera import CameraSettings

__all__ = ["SPEED_BANDS", "SPEED_UNITS", "analyse_camera", "move_names", "speed_word"]


def analyse_camera(
    f: Features, cuts: list[int], source_width: int, settings: CameraSettings
) -> CameraAnalysis:
    """The camera path and moves of a clip, shot by shot (no move spans a cut);
    ``source_width`` is the clip's own width in pixels (it bounds what wobble is measurable)."""
    raw = camera_steps(f.steps, f.step_ok, f.size)
    steps = with_chunks(f, raw, cuts)
    bounds = [0, *cuts, f.count]
    handheld = max(settings.handheld_jitter, settings.handheld_noise_px / max(source_width, 1))
    shots = [
        shot(f, steps, raw, (a, b), handheld, settings)
        for a, b in itertools.pairwise(bounds)
        if b > a
    ]
    moves: list[CameraSegment] = []
    for one in shots:
        moves.extend(shot_moves(one))
    if not moves:
        end = float(f.times[-1]) if f.count else 0.0
        moves = [
            CameraSegment(
                move="locked",
                start=0.0,
                end=end,
                speed=0.0,
                speed_word=None,
                stability="locked",
                pan=0.0,
                tilt=0.0,
                zoom=0.0,
                roll=0.0,
            )
        ]
    primary = max(moves, key=lambda m: m.end - m.start)
    return CameraAnalysis(
        primary=primary.move,
        stability=primary.stability,
        moves=move_names(moves, settings, (source_width, source_width * f.size[1] / f.size[0])),
        segments=moves,
        path=_path(f, steps, shots, primary),
    )


def _jitter(shots: list[Shot]) -> float:
    """The clip's robust RMS wobble about its fitted trajectory, shots pooled (cuts excluded)."""
    offsets = [s.wobble for s in shots if len(s.frames) > 2]
    return robust_rms(np.concatenate(offsets)) if offsets else 0.0


def _path(f: Features, steps: np.ndarray, shots: list[Shot], primary: CameraSegment) -> CameraPath:
    inner = steps.copy()
    for one in shots:
        inner[one.frames[0]] = 0.0
    total = inner.sum(axis=0)
    speeds = [family_speeds(s.velocity).max(axis=1) for s in shots if len(s.frames) > 1]
    mean_speed = float(np.mean(np.concatenate(speeds))) if speeds else 0.0
    held = [s.held_share(0, len(s.frames) - 1) for s in shots if len(s.frames) > 1]
    return CameraPath(
        pan=round(float(total[0]), 5),
        tilt=round(float(total[1]), 5),
        zoom=round(float(math.exp(total[2])), 5),
        roll=round(float(total[3]), 4),
        jitter=round(_jitter(shots), 6),
        speed=round(mean_speed, 5),
        direction_persistence=round(_persistence(f, steps, primary), 4),
        anchored=round(max(held, default=0.0), 4),
        reliability=round(float(f.step_ok[1:].mean()) if f.count > 1 else 0.0, 4),
    )


def _persistence(f: Features, steps: np.ndarray, primary: CameraSegment) -> float:
    """Share of the primary move's frame steps that go its way (tracking and orbits pan)."""
    family = FAMILY_OF.get(primary.move, 0 if primary.move == "tracking" else None)
    if family is None:
        return 1.0
    inside = (f.times >= primary.start) & (f.times <= primary.end)
    inside[0] = False
    values = steps[inside, family]
    values = values[np.abs(values) > 0]
    if len(values) == 0:
        return 1.0
    main = np.sign(values.sum())
    return float(np.mean(np.sign(values) == main))

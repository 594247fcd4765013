"""The global camera path and its moves, in the preset vocabulary.

Each frame pair's camera step is a similarity (shift, scale, rotation) fitted with RANSAC to
DIS flow on textured points (see features.py), so a moving subject, which covers less of the
picture than its surroundings, does not read as camera motion. Steps add up to a path per shot;
a straight-line fit over a one-second window separates intended motion (slow) from wobble
(fast); runs of one dominant motion become moves.

Tracking is a pan or tilt during which part of the picture (the subject) holds still on screen.
Orbits are not told apart from tracking: both hold a subject while the background streams, and
telling them apart needs the subject's depth (reelgate.analysis.intent matches an orbit intent
against a tracking read with the background streaming the orbit's way).

Speeds, in one place (``SPEED_UNITS`` and ``SPEED_BANDS``): pan, tracking and orbit in frame
widths per second, tilt in frame heights per second, push-in/pull-out in ln(scale) per second
(0.05 is 5 % larger each second), roll in degrees per second. The same band edges serve every
move: below 0.04 is slow, 0.04-0.08 gentle, 0.08-0.2 moderate, above 0.2 fast. A pan at 0.1
crosses the frame in ten seconds. The bands are the preset vocabulary's; every threshold of
the detector is a field of ``CameraSettings`` (settings_camera.py), passed down.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from reelgate.analysis.features import Features
from reelgate.analysis.model import CameraAnalysis, CameraMoveName, CameraPath, CameraSegment, MeasuredMove
from reelgate.analysis.series import local_linear, nanmedian
from reelgate.analysis.settings_camera import CameraSettings
from reelgate.preset.camera import Speed, Stability

SPEED_UNITS: dict[str, str] = {
    "pan": "frame widths per second",
    "tilt": "frame heights per second",
    "zoom": "ln(scale) per second",
    "roll": "degrees per second",
}
SPEED_BANDS: dict[Speed, tuple[float, float]] = {
    "slow": (0.0, 0.04),
    "gentle": (0.04, 0.08),
    "moderate": (0.08, 0.2),
    "fast": (0.2, math.inf),
}
ROLL_WEIGHT = math.pi / 180 / 2  # degrees/s -> frame fractions/s at the frame's edge


@dataclass(frozen=True, slots=True)
class _Shot:
    frames: np.ndarray  # frame indices
    times: np.ndarray
    position: np.ndarray  # (n, 4) cumulative pan, tilt, zoom (ln), roll (degrees)
    smooth: np.ndarray  # (n, 4) fitted position
    velocity: np.ndarray  # (n, 4) fitted velocity per second
    held: np.ndarray  # (chunks, cells) share of each cell held still, per chunk in the shot
    chunk_times: np.ndarray  # (chunks, 2) start and end of each chunk
    wobble: np.ndarray  # (n, 2) frame steps' distance from their fitted line, frame widths
    handheld: float  # RMS wobble, frame widths, from which the camera is handheld
    settings: CameraSettings


def analyse_camera(
    f: Features, cuts: list[int], source_width: int, settings: CameraSettings
) -> CameraAnalysis:
    """The camera path and moves of a clip, shot by shot (no move spans a cut);
    ``source_width`` is the clip's own width in pixels (it bounds what wobble is measurable)."""
    raw = _camera_steps(f.steps, f.step_ok, f.size)
    steps = _with_chunks(f, raw, cuts)
    bounds = [0, *cuts, f.count]
    handheld = max(settings.handheld_jitter, settings.handheld_noise_px / max(source_width, 1))
    shots = [
        _shot(f, steps, raw, a, b, handheld, settings)
        for a, b in itertools.pairwise(bounds)
        if b > a
    ]
    moves: list[CameraSegment] = []
    for shot in shots:
        moves.extend(_moves(shot))
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
    jitter = _jitter(shots)
    return CameraAnalysis(
        primary=primary.move,
        stability=primary.stability,
        moves=move_names(moves, settings),
        segments=moves,
        path=_path(f, steps, shots, primary, jitter),
    )


_FAMILY_NAMES: tuple[tuple[MeasuredMove, MeasuredMove], ...] = (
    ("pan-right", "pan-left"),
    ("tilt-up", "tilt-down"),
    ("push-in", "pull-out"),
    ("roll", "roll"),
)


def move_names(segments: list[CameraSegment], settings: CameraSettings) -> list[CameraMoveName]:
    """Every move in the clip by name: each segment's move, each other family moving enough
    within it (a pan with a push-in is both), and 'handheld' where wobble remains; 'locked' only
    when nothing else applies."""
    names: set[CameraMoveName] = set()
    for segment in segments:
        if segment.stability == "handheld":
            names.add("handheld")
        if segment.move not in ("locked", "handheld"):
            names.add(segment.move)
        rates = np.array([segment.pan, segment.tilt, segment.zoom, segment.roll])
        speeds = _family_speeds(rates[None, :])[0]
        travel = speeds * max(segment.end - segment.start, 0.0)
        floor = max(settings.locked_speed, settings.secondary_share * float(speeds.max()))
        for family, (positive, negative) in enumerate(_FAMILY_NAMES):
            if segment.move == "tracking" and family == 0:
                continue  # tracking is the pan that follows the subject
            if speeds[family] >= floor and travel[family] >= settings.min_travel:
                names.add(positive if rates[family] > 0 else negative)
    return sorted(names) or ["locked"]


def _camera_units(raw: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Image-space steps (pixel shift of the centre, ln scale, radians) in camera terms:
    pan (+ right), tilt (+ up), ln zoom (+ in), roll (degrees, + clockwise)."""
    width, height = size
    return np.column_stack(
        [-raw[:, 0] / width, raw[:, 1] / height, raw[:, 2], -np.degrees(raw[:, 3])]
    )


def _camera_steps(raw: np.ndarray, reliable: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(n, 4) camera steps per frame pair; pairs without a confident estimate take the motion
    of their neighbours. Entry 0 (no pair) is zero."""
    steps = _camera_units(raw, size)
    ok = reliable.copy()
    ok[0] = False
    if ok.sum() == 0:
        return np.zeros_like(steps)
    index = np.arange(len(steps))
    for column in range(4):
        steps[~ok, column] = np.interp(index[~ok], index[ok], steps[ok, column])
    steps[0] = 0.0
    return steps


def _with_chunks(f: Features, steps: np.ndarray, cuts: list[int]) -> np.ndarray:
    """Frame steps corrected so each half-second chunk adds up to its long-baseline step: the
    frame steps keep the wobble, the chunks hold the drift (sub-pixel steps that encoders
    round away)."""
    if len(f.chunks) == 0:
        return steps
    chunk_steps = _camera_units(f.chunks[:, 2:], f.size)
    corrected = steps.copy()
    for (first, last), step in zip(f.chunks[:, :2].astype(int), chunk_steps, strict=True):
        if last - first < 2 or any(first < cut <= last for cut in cuts):
            continue
        corrected[first + 1 : last + 1] += (step - steps[first + 1 : last + 1].sum(axis=0)) / (
            last - first
        )
    return corrected


def _path_of(
    steps: np.ndarray, times: np.ndarray, smoothing: float
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative position of a shot's steps and its straight-line-smoothed version."""
    inner = steps.copy()
    inner[0] = 0.0  # the step into a shot's first frame crosses the cut
    position = np.cumsum(inner, axis=0)
    columns = position.shape[1]
    smooth = np.column_stack(
        [local_linear(position[:, k], times, smoothing) for k in range(columns)]
    )
    return position, smooth


def _shot(
    f: Features,
    steps: np.ndarray,
    raw: np.ndarray,
    first: int,
    end: int,
    handheld: float,
    settings: CameraSettings,
) -> _Shot:
    times = f.times[first:end]
    inside = (f.chunks[:, 0] >= first) & (f.chunks[:, 1] < end)
    position, smooth = _path_of(steps[first:end], times, settings.smoothing)
    velocity = np.column_stack([_slope(smooth[:, k], times) for k in range(4)])
    raw_position, raw_smooth = (
        _path_of(raw[first:end, :2], times, settings.smoothing)
        if end - first
        else (np.zeros((0, 2)), np.zeros((0, 2)))
    )
    wobble = raw_position - raw_smooth  # from the frame steps alone: chunk corrections are drift
    wobble[:, 1] *= f.size[1] / f.size[0]  # tilt in frame widths
    return _Shot(
        np.arange(first, end),
        times,
        position,
        smooth,
        velocity,
        f.held[inside],
        f.times[f.chunks[inside, :2].astype(int)] if inside.any() else np.zeros((0, 2)),
        wobble,
        handheld,
        settings,
    )


def _slope(values: np.ndarray, times: np.ndarray) -> np.ndarray:
    if len(values) < 2:
        return np.zeros_like(values)
    return np.gradient(values, times) if np.all(np.diff(times) > 0) else np.zeros_like(values)


def _family_speeds(velocity: np.ndarray) -> np.ndarray:
    """(n, 4) comparable speeds: pan, tilt, zoom as they are, roll at the frame's edge."""
    speeds = np.abs(velocity).copy()
    speeds[:, 3] *= ROLL_WEIGHT
    return speeds


def _label(
    velocity: np.ndarray, settings: CameraSettings, travel: np.ndarray | None = None
) -> MeasuredMove:
    """The move named by a velocity (per second), or 'locked' when nothing moves enough."""
    speeds = _family_speeds(velocity[None, :])[0]
    family = int(np.argmax(speeds))
    if speeds[family] < settings.locked_speed:
        return "locked"
    if (
        travel is not None
        and abs(travel[family]) * (ROLL_WEIGHT if family == 3 else 1) < settings.min_travel
    ):
        return "locked"
    sign = velocity[family] > 0
    return (
        ("pan-right" if sign else "pan-left"),
        ("tilt-up" if sign else "tilt-down"),
        ("push-in" if sign else "pull-out"),
        "roll",
    )[family]  # type: ignore[return-value]


def _moves(shot: _Shot) -> list[CameraSegment]:
    if len(shot.frames) < 2:
        return []
    labels = [_label(v, shot.settings) for v in shot.velocity]
    spans = _absorb_short([(a, b) for a, b in _label_runs(labels)], shot.times, shot.settings)
    moves: list[CameraSegment] = []
    for first, last in spans:
        move = _describe(shot, first, last)
        if moves and moves[-1].move == move.move and moves[-1].stability == move.stability:
            prev = moves.pop()
            move = _describe(shot, int(np.searchsorted(shot.times, prev.start)), last)
        moves.append(move)
    return moves


def _label_runs(labels: list[MeasuredMove]) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            spans.append((start, i - 1))
            start = i
    return spans


def _absorb_short(
    spans: list[tuple[int, int]], times: np.ndarray, settings: CameraSettings
) -> list[tuple[int, int]]:
    """Runs shorter than ``min_move`` (or its share of the shot) join the longer of their
    neighbours."""
    limit = min(settings.min_move, settings.min_move_share * float(times[-1] - times[0]))
    spans = list(spans)
    while len(spans) > 1:
        lengths = [times[b] - times[a] for a, b in spans]
        shortest = int(np.argmin(lengths))
        if lengths[shortest] >= limit:
            break
        a, b = spans.pop(shortest)
        left = shortest - 1 if shortest > 0 else None
        right = shortest if shortest < len(spans) else None
        if right is None or (left is not None and lengths[left] >= lengths[shortest + 1]):
            spans[left] = (spans[left][0], b)  # type: ignore[index]
        else:
            spans[right] = (a, spans[right][1])
    return spans


def _describe(shot: _Shot, first: int, last: int) -> CameraSegment:
    start, end = float(shot.times[first]), float(shot.times[last])
    duration = max(end - start, 1e-6)
    travel = shot.smooth[last] - shot.smooth[first]
    mean_velocity = travel / duration
    move = _label(mean_velocity, shot.settings, travel)
    wobble = _wobble(shot, first, last)
    stability: Stability = "handheld" if wobble > shot.handheld else "steady"
    speed = 0.0
    if move in ("pan-left", "pan-right", "tilt-up", "tilt-down"):
        family = 0 if move.startswith("pan") else 1
        speed = abs(float(mean_velocity[family]))
        if _held_share(shot, first, last) > 0:
            move = "tracking"
    elif move in ("push-in", "pull-out"):
        speed = abs(float(mean_velocity[2]))
    elif move == "roll":
        speed = abs(float(mean_velocity[3]))
    if move == "locked":
        stability = "handheld" if wobble > shot.handheld else "locked"
        if stability == "handheld":
            move = "handheld"
    word = speed_word(speed) if move not in ("locked", "handheld", "roll") else None
    pan, tilt, zoom, roll = (round(float(v), 5) for v in mean_velocity)
    return CameraSegment(
        move=move,
        start=round(start, 4),
        end=round(end, 4),
        speed=round(speed, 5),
        speed_word=word,
        stability=stability,
        pan=pan,
        tilt=tilt,
        zoom=zoom,
        roll=roll,
    )


def _held_share(shot: _Shot, first: int, last: int) -> float:
    """Share of the frame's cells held still on screen through most of a stretch (measured
    over half-second chunks, where a subject's small drift and the camera's motion separate):
    a subject the camera follows. Noise holds points at random places, never persistently."""
    start, end = shot.times[first], shot.times[last]
    within = (shot.chunk_times[:, 0] >= start - 1e-6) & (shot.chunk_times[:, 1] <= end + 1e-6)
    if not within.any():
        return 0.0
    held = nanmedian(shot.held[within], axis=0)
    return float(np.mean(np.nan_to_num(held) >= shot.settings.held))


def speed_word(speed: float) -> Speed:
    """The speed word whose band holds a move's speed (see SPEED_BANDS)."""
    for word, (low, high) in SPEED_BANDS.items():
        if low <= speed < high:
            return word
    return "fast"


def _wobble(shot: _Shot, first: int, last: int) -> float:
    """RMS distance of the path from its fitted line, frame widths (tilt scaled to widths)."""
    off = shot.wobble[first : last + 1]
    return float(np.sqrt(np.mean(off[:, 0] ** 2 + off[:, 1] ** 2))) if off.size else 0.0


def _jitter(shots: list[_Shot]) -> float:
    values = [(_wobble(s, 0, len(s.frames) - 1), len(s.frames)) for s in shots if len(s.frames) > 2]
    total = sum(n for _, n in values)
    return float(np.sqrt(sum(w * w * n for w, n in values) / total)) if total else 0.0


def _path(
    f: Features, steps: np.ndarray, shots: list[_Shot], primary: CameraSegment, jitter: float
) -> CameraPath:
    inner = steps.copy()
    for shot in shots:
        inner[shot.frames[0]] = 0.0
    total = inner.sum(axis=0)
    speeds = [_family_speeds(s.velocity).max(axis=1) for s in shots if len(s.frames) > 1]
    mean_speed = float(np.mean(np.concatenate(speeds))) if speeds else 0.0
    held = [_held_share(s, 0, len(s.frames) - 1) for s in shots if len(s.frames) > 1]
    return CameraPath(
        pan=round(float(total[0]), 5),
        tilt=round(float(total[1]), 5),
        zoom=round(float(math.exp(total[2])), 5),
        roll=round(float(total[3]), 4),
        jitter=round(jitter, 6),
        speed=round(mean_speed, 5),
        direction_persistence=round(_persistence(f, steps, primary), 4),
        anchored=round(max(held, default=0.0), 4),
        reliability=round(float(f.step_ok[1:].mean()) if f.count > 1 else 0.0, 4),
    )


def _persistence(f: Features, steps: np.ndarray, primary: CameraSegment) -> float:
    """Share of the primary move's frame steps that go its way."""
    family = {"pan": 0, "tra": 0, "orb": 0, "til": 1, "pus": 2, "pul": 2, "rol": 3}.get(
        primary.move[:3]
    )
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

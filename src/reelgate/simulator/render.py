"""Simulated clips composed from real photographs, filmed as the request asks.

Each clip lays a subject cut-out (a person, a cat, a cup: ``imagery``) over a background plate,
both chosen by the prompt's words, and films them with a virtual camera (``camera_path``: eased
moves, speed words, handheld wobble, parallax). The subject sways, bobs and turns more as the
motion score rises. Defects planned for the render (``defects``) are applied as a model makes
them: a local morph of the subject, its identity drifting, flicker, a stall, a camera jump, the
wrong camera move. Sensor noise goes on last, then H.264 (``encode``).

A multi-shot request is rendered shot by shot: each shot has its own plate and camera move (a
real cut at the declared time) and the same subject. Clips are rendered at ``width`` x
``height`` (the simulator's config: small by default, or the requested resolution) and say so
in their metadata (``comment``), which the output-contract check reads.

Everything is drawn from one generator seeded by ``(seed, variation)``: the request's hash and
which repeat this is (or the seed the request carries), so a repeat differs and the same
request at the same repeat gives the same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

import cv2
import numpy as np

from reelgate.render.contract import STAND_IN_TAG as SIMULATOR_TAG
from reelgate.simulator import imagery
from reelgate.simulator.camera_path import (
    FOLLOWING,
    WRONG_MOVE,
    CameraTrack,
    camera_speed,
    camera_track,
    jumped,
)
from reelgate.simulator.defects import Defect
from reelgate.simulator.encode import encode_clip

__all__ = ["SIMULATOR_TAG", "ClipSpec", "ShotPart", "frame_size", "metadata_comment",
           "render_clip", "render_frames"]

SUBJECT_HEIGHT = {"person": 0.62, "cat": 0.6, "cup": 0.5}  # of the frame height
SAME_PHOTO = frozenset({("table", "cup")})  # (plate, subject) cut from one photograph
FOLLOW_DAMPING = 0.15  # share of the subject's sway left on screen when the camera follows it
# And its on-screen speed never passes this share of the camera's mean speed: an operator who
# follows a subject keeps it framed, so its drift on screen is small beside the background's
# streaming past (else a fast-moving subject under a slow orbit darts about the frame faster
# than the camera moves, which is no longer a followed subject).
FOLLOW_SPEED_SHARE = 0.15
SHOT_FRAMINGS = (0.6, 1.45)  # a later shot's subject size against the first's (wide, close-up)
SHOT_SHIFT = 0.18  # and its sideways placement, as a share of the width
PLATE_MARGIN = 1.12  # the plate covers the frame and its travel with this much to spare (roll)
PLATE_MAX_REACH = 0.3  # of the frame: travel past this shows the plate mirrored, not enlarged
SUBJECT_DROP = 0.04  # the subject stands this share of the height below the frame's centre
NOISE_LEVELS = 2.2  # sensor noise, standard deviation in 8-bit levels
CHROMA_NOISE = 0.6  # of NOISE_LEVELS, per colour channel on top of the shared luma noise
FLICKER_GAIN = 0.28  # brightness swing of a full-strength flicker, as a gain
JUMP_WIDTHS = 0.12  # a full-strength camera jump, as a share of the width
MORPH_REACH = 0.35  # a full-strength morph displaces the subject's pixels this share of its size
DRIFT_HUE_DEG = 60.0  # a full identity drift turns the subject's hue this far
DRIFT_STRETCH = 0.3  # and stretches it this much wider


@dataclass(frozen=True)
class ShotPart:
    """One shot of a multi-shot clip: how long, the seed of its world, its camera."""

    duration: float
    seed: int
    move: str = "locked"
    speed: str | None = None
    shake: bool = False


@dataclass(frozen=True)
class ClipSpec:
    width: int
    height: int
    fps: int
    duration: float
    seed: int
    move: str = "locked"
    speed: str | None = None
    shake: bool = False
    motion: float = 3.0
    requested_resolution: str = ""
    defects: tuple[Defect, ...] = ()
    shots: tuple[ShotPart, ...] = ()
    sound: bool = False
    prompt: str = ""
    variation: int = 0  # which repeat (or the request's own seed): repeats differ by it

    @property
    def frames(self) -> int:
        if self.shots:
            return sum(max(1, round(part.duration * self.fps)) for part in self.shots)
        return max(1, round(self.duration * self.fps))


def frame_size(aspect_ratio: str, short_side: int) -> tuple[int, int]:
    """(width, height) with the requested aspect ratio, short side ``short_side``, even sides."""
    w, h = (int(part) for part in aspect_ratio.split(":"))
    if w >= h:
        return 2 * round(short_side * w / h / 2), short_side
    return short_side, 2 * round(short_side * h / w / 2)


def metadata_comment(spec: ClipSpec) -> str:
    return (f"{SIMULATOR_TAG} rendered={spec.width}x{spec.height} "
            f"requested={spec.requested_resolution or 'unknown'}")


class _Pose:
    """The subject's own motion (sway, bob, lean, breathing): bigger and faster with motion."""

    def __init__(self, motion: float, width: int, rng: np.random.Generator) -> None:
        vigour = float(rng.uniform(0.9, 1.1))
        self.swing = 0.028 * width * motion * vigour  # px either side
        self.hz = 0.25 + 0.06 * motion
        self.lean = math.radians(2 + 1.5 * motion) * vigour
        self.breath = 0.01 * motion
        self.phase = float(rng.uniform(0, 2 * math.pi))
        self.side = float(rng.choice([-1.0, 1.0]))
        self.anchor = rng.uniform(-0.08, 0.08, 2) * width  # where in frame the subject stands

    def peak_speed(self) -> float:
        """The sway's fastest sideways speed, px per second."""
        return 2 * math.pi * self.hz * self.swing

    def at(self, t: float) -> tuple[np.ndarray, float, float]:
        """(offset px, lean radians, scale) at content time ``t``."""
        angle = 2 * math.pi * self.hz * t + self.phase
        offset = self.anchor + np.array([self.side * self.swing * math.sin(angle),
                                         0.3 * self.swing * math.sin(2 * angle)])
        return offset, self.lean * math.sin(angle + 0.7), 1 + self.breath * math.sin(2 * angle)


def follow_damping(pose: _Pose, camera_px_per_s: float) -> float:
    """Share of the subject's sway left on screen when the camera follows it: FOLLOW_DAMPING,
    less where that sway would still outrun FOLLOW_SPEED_SHARE of the camera's speed."""
    peak = pose.peak_speed()
    if peak <= 0:
        return FOLLOW_DAMPING
    return min(FOLLOW_DAMPING, FOLLOW_SPEED_SHARE * camera_px_per_s / peak)


def render_frames(spec: ClipSpec) -> list[np.ndarray]:
    """The clip's frames (BGR uint8), shot by shot, defects and noise applied."""
    rng = np.random.default_rng([spec.seed, spec.variation, 1])
    name = imagery.choose_subject(spec.prompt)
    cut = imagery.subject(name)
    pose = _Pose(spec.motion, spec.width, rng)
    parts = spec.shots or (ShotPart(spec.duration, spec.seed, spec.move, spec.speed, spec.shake),)
    noise_rng = np.random.default_rng([spec.seed, spec.variation, 2])
    frames: list[np.ndarray] = []
    start = 0.0
    for n, part in enumerate(parts):
        count = max(1, round(part.duration * spec.fps))
        times = start + np.arange(count) / spec.fps
        frames += _render_shot(spec, part, n, times, start, cut, SUBJECT_HEIGHT[name], pose, rng)
        start += part.duration
    sensor = _Sensor(spec.width, spec.height, noise_rng)
    return _flickered(spec, [sensor(frame) for frame in frames], rng)


def _render_shot(spec: ClipSpec, part: ShotPart, index: int, times: np.ndarray, start: float,
                 cut: imagery.Subject, height_share: float, pose: _Pose,
                 rng: np.random.Generator) -> list[np.ndarray]:
    content = times  # a stall repeats frames while time goes on (``_flickered``)
    move = part.move
    if any(d.kind == "wrong_move" for d in spec.defects):
        move = WRONG_MOVE.get(move, move)
    track = camera_track(move, part.speed, part.shake, content - start, part.duration,
                         spec.width, rng)
    for defect in spec.defects:
        if defect.kind == "camera_jump" and times[0] <= defect.start <= times[-1]:
            at = int(np.searchsorted(times, defect.start))
            direction = rng.choice([-1.0, 1.0], 2) * np.array([1.0, 0.4])
            track = jumped(track, at, direction * JUMP_WIDTHS * spec.width * defect.strength)
    plate = imagery.choose_plate(spec.prompt, index)
    if (plate, cut.name) in SAME_PHOTO:  # not the cup over the photograph it was cut from
        plate = imagery.choose_plate(spec.prompt, index + 1)
    world = _world(imagery.plate(plate), spec, track)
    scale = height_share * spec.height / cut.bgr.shape[0]
    framing = np.zeros(2)
    if index:  # a new shot frames the subject anew: closer or wider, elsewhere in frame
        scale *= float(rng.choice(SHOT_FRAMINGS))
        framing = np.array([rng.choice([-1.0, 1.0]) * SHOT_SHIFT * spec.width, 0.0])
    morph_centre = rng.uniform(-0.3, 0.3, 2)
    follow = follow_damping(pose, camera_speed(part.speed, spec.width))
    out = []
    for i, t in enumerate(content):
        frame = _background(world, spec, track, i)
        bgr, alpha = _styled_subject(spec, cut, float(times[i]), morph_centre)
        offset, lean, breath = pose.at(float(t))
        if move in FOLLOWING:  # the operator keeps the subject framed: only its body moves
            offset = pose.anchor + follow * (offset - pose.anchor)
        _composite(frame, bgr, alpha, spec, offset + framing + track.subject[i],
                   scale * breath * track.subject_zoom[i], lean, track.turn[i])
        out.append(frame)
    return out


def _world(photo: np.ndarray, spec: ClipSpec, track: CameraTrack) -> np.ndarray:
    """The plate scaled to cover the frame wherever the camera goes."""
    reach_x, reach_y = (min(reach, PLATE_MAX_REACH * spec.width) for reach in track.reach())
    need_w, need_h = (spec.width + 2 * reach_x) * PLATE_MARGIN, (spec.height + 2 * reach_y) * PLATE_MARGIN
    factor = max(need_w / photo.shape[1], need_h / photo.shape[0])
    size = (math.ceil(photo.shape[1] * factor), math.ceil(photo.shape[0] * factor))
    return cv2.resize(photo, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)


def _background(world: np.ndarray, spec: ClipSpec, track: CameraTrack, i: int) -> np.ndarray:
    centre = (world.shape[1] / 2, world.shape[0] / 2)
    matrix = cv2.getRotationMatrix2D(centre, float(track.roll[i]), float(track.background_zoom[i]))
    matrix[:, 2] += np.array([spec.width / 2, spec.height / 2]) + track.background[i] - centre
    return cv2.warpAffine(world, matrix, (spec.width, spec.height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT)


def _styled_subject(spec: ClipSpec, cut: imagery.Subject, t: float,
                    morph_centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cut-out as the model draws it at ``t``: morphed or drifting while a defect is on."""
    bgr, alpha = cut.bgr, cut.alpha
    for defect in spec.defects:
        if not defect.active(t):
            continue
        if defect.kind == "morph":
            swell = math.sin(math.pi * (t - defect.start) / max(defect.end - defect.start, 1e-3))
            bgr, alpha = _morph(bgr, alpha, morph_centre, MORPH_REACH * defect.strength * swell)
        elif defect.kind == "identity_drift":
            share = (t - defect.start) / max(defect.end - defect.start, 1e-3)
            bgr, alpha = _drift(bgr, alpha, defect.strength * share)
    return bgr, alpha


def _morph(bgr: np.ndarray, alpha: np.ndarray, centre: np.ndarray,
           reach: float) -> tuple[np.ndarray, np.ndarray]:
    """A local swirl and bulge around ``centre`` (in -0.5..0.5 of the cut-out): limbs melt."""
    h, w = alpha.shape
    ys, xs = _grid(h, w)
    cx, cy = (0.5 + centre[0]) * w, (0.5 + centre[1]) * h
    dx, dy = xs - cx, ys - cy
    radius = 0.35 * max(h, w)
    falloff = np.exp(-(dx ** 2 + dy ** 2) / (2 * radius ** 2)).astype(np.float32)
    angle = 2.5 * reach * falloff
    pull = 1 - 0.8 * reach * falloff
    map_x = cx + pull * (dx * np.cos(angle) - dy * np.sin(angle))
    map_y = cy + pull * (dx * np.sin(angle) + dy * np.cos(angle))
    warp = (map_x.astype(np.float32), map_y.astype(np.float32))
    return (cv2.remap(bgr, *warp, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE),
            cv2.remap(alpha, *warp, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT))


@cache
def _grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return ys, xs


def _drift(bgr: np.ndarray, alpha: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
    """The subject's colours and build drift away from the first frame's."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    hsv[:, :, 0] = (hsv[:, :, 0].astype(np.int32) + round(DRIFT_HUE_DEG / 2 * share)) % 180
    drifted = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)
    h, w = alpha.shape
    size = (round(w * (1 + DRIFT_STRETCH * share)), h)
    return cv2.resize(drifted, size), cv2.resize(alpha, size)


def _composite(frame: np.ndarray, bgr: np.ndarray, alpha: np.ndarray, spec: ClipSpec,
               offset: np.ndarray, scale: float, lean: float, turn: float) -> None:
    """Lay the cut-out on ``frame`` at the frame centre plus ``offset``, scaled and leaning."""
    h, w = alpha.shape
    squeeze = max(0.35, math.cos(turn))  # an orbit shows the subject edge-on as it turns
    cos, sin = math.cos(lean) * scale, math.sin(lean) * scale
    # Maps cut-out (x, y) about its centre to the frame, with the orbit's squeeze on x.
    matrix = np.array([[cos * squeeze, -sin, 0.0], [sin * squeeze, cos, 0.0]])
    target = np.array([spec.width / 2, spec.height / 2 + SUBJECT_DROP * spec.height]) + offset
    matrix[:, 2] = target - matrix[:, :2] @ np.array([w / 2, h / 2])
    size = (spec.width, spec.height)
    layer = cv2.warpAffine(bgr, matrix, size, flags=cv2.INTER_LINEAR)
    matte = cv2.warpAffine(alpha, matrix, size, flags=cv2.INTER_LINEAR)
    np.copyto(frame, cv2.blendLinear(layer, frame, matte, 1 - matte))


def _flickered(spec: ClipSpec, frames: list[np.ndarray],
               rng: np.random.Generator) -> list[np.ndarray]:
    """Frames with flicker (brightness pumping) and stalls (a frozen picture) applied."""
    out = []
    for i, frame in enumerate(frames):
        t = i / spec.fps
        for defect in spec.defects:
            if defect.kind == "flicker" and defect.active(t):
                gain = 1 + FLICKER_GAIN * defect.strength * (1 if i % 2 else -1) * rng.uniform(0.6, 1)
                frame = np.clip(frame.astype(np.float32) * gain, 0, 255).astype(np.uint8)
            if defect.kind == "stall" and defect.active(t) and out and t > defect.start:
                # The same picture, noise and all, while time goes on: when the clip moves
                # again it has jumped to where it would have been, as a dropped-frame stall does.
                frame = out[-1]
        out.append(frame)
    return out


class _Sensor:
    """Sensor noise: a few noise fields drawn once, each frame one of them at a random shift
    (drawing fresh Gaussian noise for every pixel of every frame costs more than the picture)."""

    FIELDS = 6

    def __init__(self, width: int, height: int, rng: np.random.Generator) -> None:
        self.rng = rng
        luma = rng.standard_normal((self.FIELDS, height, width, 1), dtype=np.float32)
        chroma = rng.standard_normal((self.FIELDS, height, width, 3), dtype=np.float32)
        self.fields = NOISE_LEVELS * (luma + CHROMA_NOISE * chroma)

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        pick, dy, dx = (int(v) for v in self.rng.integers(0, (self.FIELDS, *frame.shape[:2])))
        noise = np.roll(self.fields[pick], (dy, dx), axis=(0, 1))
        return cv2.add(frame, noise, dtype=cv2.CV_8U)


def render_clip(spec: ClipSpec) -> bytes:
    """An H.264 MP4 of ``spec``; same spec, same bytes."""
    return encode_clip(spec, render_frames(spec), metadata_comment(spec))


def shot_spec(spec: ClipSpec, part: ShotPart) -> ClipSpec:
    """The single-shot spec of one shot (for tests that film a shot alone)."""
    return replace(spec, duration=part.duration, seed=part.seed, move=part.move,
                   speed=part.speed, shake=part.shake, shots=(), sound=False)

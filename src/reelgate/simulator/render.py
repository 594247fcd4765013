"""Deterministic test clips whose content follows the request.

A textured world and a subject (a body with a swinging head) are filmed by a virtual camera.
The camera obeys the requested move, in the project's convention: ``pan-right`` means content
moves left, ``tilt-up`` content moves down, ``push-in`` content grows from the centre, ``locked``
keeps the background still, ``handheld`` adds a small smooth shake. The subject moves more as the
motion score rises, and above about 6 defects become likely (flicker, subject drift, subject
morph, frame jitter), so a motion sweep genuinely starts failing around mid-high.

A multi-shot request is rendered shot by shot: each shot films a world of its own (its own
seed, so the picture changes completely at the declared time: a real cut) with its own camera
move, while the subject keeps the clip's seed (the same character in every shot). With sound on
the clip carries an AAC audio track, a tone whose pitch changes with each shot.

Clips are rendered small for speed: the short side is ``short_side`` pixels (180 by default) and
the long side follows the requested aspect ratio, so aspect ratio is honoured but resolution is
not. Each clip says so in its container metadata (``comment``), which the output-contract check
reads. Everything is seeded by the request, so the same request gives the same bytes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field, replace

import av
import cv2
import numpy as np

from reelgate.render.contract import STAND_IN_TAG as SIMULATOR_TAG

_SPEED_FACTOR = {"slow": 0.5, "gentle": 0.75, "moderate": 1.0, "fast": 1.6}
_PAN_FRACTION_PER_S = 0.10  # of the frame width, at moderate speed
_ZOOM_PER_S = 0.07  # fraction of the view gained or lost per second, at moderate speed


@dataclass(frozen=True)
class Defects:
    flicker: bool = False
    drift: bool = False
    morph: bool = False
    jitter: bool = False

    def names(self) -> list[str]:
        return [name for name in ("flicker", "drift", "morph", "jitter") if getattr(self, name)]


def defect_probability(motion: float) -> float:
    """Chance a clip has defects: under 1% at motion 3, 7% at 5, 70% at 7, 97% at 8.5."""
    return 1.0 / (1.0 + math.exp(-(motion - 6.5) * 1.7))


def plan_defects(seed: int, motion: float) -> Defects:
    """One or two defects, or none, drawn from the seed with ``defect_probability``."""
    rng = np.random.default_rng([seed, 7])
    if rng.random() >= defect_probability(motion):
        return Defects()
    count = 2 if rng.random() < 0.4 else 1
    chosen = set(rng.choice(["flicker", "drift", "morph", "jitter"], size=count, replace=False))
    return Defects(**{name: name in chosen for name in ("flicker", "drift", "morph", "jitter")})


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
    defects: Defects = field(default_factory=Defects)
    shots: tuple[ShotPart, ...] = ()
    sound: bool = False
    subject_seed: int | None = None  # a shot's subject: the clip's, so it is the same character

    @property
    def frames(self) -> int:
        if self.shots:
            return sum(self.shot(part).frames for part in self.shots)
        return max(1, round(self.duration * self.fps))

    def shot(self, part: ShotPart) -> ClipSpec:
        """The single-shot spec one shot is filmed with."""
        return replace(self, duration=part.duration, seed=part.seed, move=part.move,
                       speed=part.speed, shake=part.shake, shots=(), sound=False,
                       subject_seed=self.seed)


def frame_size(aspect_ratio: str, short_side: int) -> tuple[int, int]:
    """(width, height) with the requested aspect ratio, short side ``short_side``, even sides."""
    w, h = (int(part) for part in aspect_ratio.split(":"))
    if w >= h:
        return 2 * round(short_side * w / h / 2), short_side
    return short_side, 2 * round(short_side * h / w / 2)


def metadata_comment(spec: ClipSpec) -> str:
    return (f"{SIMULATOR_TAG} rendered={spec.width}x{spec.height} "
            f"requested={spec.requested_resolution or 'unknown'}")


class _Camera:
    """Maps output pixels to world pixels for frame ``i``: world = out * scale + offset."""

    def __init__(self, spec: ClipSpec, rng: np.random.Generator) -> None:
        self.spec = spec
        factor = _SPEED_FACTOR.get(spec.speed or "moderate", 1.0)
        self.velocity = _PAN_FRACTION_PER_S * spec.width * factor / spec.fps  # px per frame
        self.zoom_rate = _ZOOM_PER_S * factor / spec.fps
        travel = abs(self.velocity) * spec.frames
        margin = int(0.15 * spec.height) + 8
        self.world_w = int(spec.width + 2 * travel + 2 * margin)
        self.world_h = int(spec.height + 2 * travel + 2 * margin)
        self.origin = np.array([(self.world_w - spec.width) / 2, (self.world_h - spec.height) / 2])
        self.shake = self._shake_path(rng) if spec.shake or spec.move == "handheld" else None

    def _shake_path(self, rng: np.random.Generator) -> np.ndarray:
        """Smooth, small random offsets: a few pixels, a few wobbles per second."""
        n = self.spec.frames
        knots = rng.normal(0, 0.012 * self.spec.width, size=(n // 4 + 3, 2))
        xs = np.linspace(0, len(knots) - 1, n)
        return np.stack([np.interp(xs, np.arange(len(knots)), knots[:, k]) for k in (0, 1)], 1)

    def transform(self, i: int) -> tuple[float, np.ndarray]:
        move, v = self.spec.move, self.velocity
        step = {"pan-right": (v, 0), "pan-left": (-v, 0), "tilt-up": (0, -v),
                "tilt-down": (0, v), "tracking": (v, 0), "orbit-left": (v, 0),
                "orbit-right": (-v, 0)}.get(move, (0, 0))
        scale = 1.0
        if move == "push-in":
            scale = 1.0 / (1.0 + self.zoom_rate * i)
        elif move == "pull-out":
            scale = 1.0 / (1.0 + self.zoom_rate * (self.spec.frames - 1 - i))
        size = np.array([self.spec.width, self.spec.height])
        offset = self.origin + np.array(step) * i + size * (1 - scale) / 2
        if self.shake is not None:
            offset = offset + self.shake[i]
        return scale, offset


def _world_texture(spec: ClipSpec, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """Smooth colour fields plus sharp speckles and blocks, so motion is measurable."""
    low = rng.random((max(2, h // 24), max(2, w // 24), 3)).astype(np.float32)
    base = cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC)
    base = 40 + 150 * np.clip(base, 0, 1)
    grain = rng.normal(0, 8, size=(h, w, 1)).astype(np.float32)
    world = np.clip(base + grain, 0, 255).astype(np.uint8)
    for _ in range(int(w * h / 900)):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        size = int(rng.integers(2, 7))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        cv2.rectangle(world, (x, y), (x + size, y + size), colour, -1)
    return world


class _Subject:
    def __init__(self, spec: ClipSpec, rng: np.random.Generator) -> None:
        self.spec = spec
        self.radius = 0.11 * spec.height
        self.colour = tuple(int(c) for c in rng.integers(170, 256, 3))
        self.phase = float(rng.random() * 2 * math.pi)
        amplitude = spec.motion / 10.0
        self.swing = 0.22 * spec.width * amplitude  # px either side of the centre
        self.freq = (0.15 + 0.07 * spec.motion) / spec.fps  # cycles per frame
        self.head_swing = 0.9 * amplitude  # radians
        self.drift_dir = rng.choice([-1.0, 1.0], size=2)
        angles = rng.uniform(0, 2 * math.pi, 7)
        reach = np.sqrt(rng.uniform(0.05, 0.55, 7))
        self.marks = list(zip(reach * np.cos(angles), reach * np.sin(angles), strict=True))
        self.morph_at = int(rng.integers(spec.frames // 3, max(spec.frames // 3 + 1,
                                                                2 * spec.frames // 3)))

    def pose(self, i: int) -> tuple[np.ndarray, float, float, bool]:
        """Centre offset from the frame centre (px), radius, head angle, morphed or not."""
        angle = 2 * math.pi * self.freq * i + self.phase
        offset = np.array([self.swing * math.sin(angle),
                           0.3 * self.swing * math.sin(2 * angle)])
        if self.spec.defects.drift:
            offset = offset + self.drift_dir * 0.12 * self.spec.width * i / self.spec.fps
        morphed = self.spec.defects.morph and i >= self.morph_at
        radius = self.radius * (1.6 if morphed else 1.0)
        return offset, radius, self.head_swing * math.sin(1.7 * angle), morphed

    def draw(self, frame: np.ndarray, centre: np.ndarray, radius: float, head: float,
             morphed: bool) -> None:
        colour = self.colour[::-1] if morphed else self.colour
        cx, cy = int(centre[0]), int(centre[1])
        axes = (max(2, int(radius * 0.7)), max(2, int(radius)))
        cv2.ellipse(frame, (cx, cy), axes, 0, 0, 360, colour, -1, cv2.LINE_AA)
        # Markings (a jacket's pattern): details a tracker can hold on to, moving with the subject.
        dark = tuple(int(c * 0.35) for c in colour)
        for dx, dy in self.marks:
            spot = (int(cx + dx * axes[0]), int(cy + dy * axes[1]))
            cv2.circle(frame, spot, max(1, int(radius * 0.12)), dark, -1, cv2.LINE_AA)
        hx = int(cx + 1.3 * radius * math.sin(head))
        hy = int(cy - 1.3 * radius * math.cos(head))
        cv2.circle(frame, (hx, hy), max(2, int(radius * 0.45)), colour, -1, cv2.LINE_AA)


# Moves that follow the subject (tracking; an orbit circles it): the subject holds its place
# in frame while the background streams past.
_FOLLOWED = ("tracking", "orbit-left", "orbit-right")


def render_frames(spec: ClipSpec) -> list[np.ndarray]:
    if spec.shots:
        return [frame for part in spec.shots for frame in render_frames(spec.shot(part))]
    rng = np.random.default_rng([spec.seed, 1])
    camera = _Camera(spec, rng)
    world = _world_texture(spec, camera.world_w, camera.world_h, rng)
    subject = _Subject(spec, rng if spec.subject_seed is None
                       else np.random.default_rng([spec.subject_seed, 3]))
    fx_rng = np.random.default_rng([spec.seed, 2])
    # On translating moves the camera keeps the subject in frame (a walker followed by a pan);
    # on locked, handheld and zoom moves the subject stays put in the world.
    follows_camera = spec.move not in ("locked", "handheld", "push-in", "pull-out")
    world_centre = camera.origin + np.array([spec.width, spec.height]) / 2
    frames = []
    for i in range(spec.frames):
        scale, offset = camera.transform(i)
        matrix = np.array([[scale, 0, offset[0]], [0, scale, offset[1]]], dtype=np.float32)
        frame = cv2.warpAffine(world, matrix, (spec.width, spec.height),
                               flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
        pose_offset, radius, head, morphed = subject.pose(i)
        if spec.move in _FOLLOWED:  # the camera keeps the subject framed: it barely moves on screen
            pose_offset = pose_offset * 0.1
        if follows_camera:
            centre = np.array([spec.width, spec.height]) / 2 + pose_offset
        else:
            centre = (world_centre + pose_offset - offset) / scale
            radius /= scale
        subject.draw(frame, centre, radius, head, morphed)
        frames.append(_apply_frame_defects(frame, spec.defects, fx_rng))
    return frames


def _apply_frame_defects(frame: np.ndarray, defects: Defects,
                         rng: np.random.Generator) -> np.ndarray:
    if defects.jitter:
        dx, dy = rng.integers(-5, 6, size=2)
        frame = np.roll(frame, (int(dy), int(dx)), axis=(0, 1))
    if defects.flicker and rng.random() < 0.18:
        gain = rng.choice([0.6, 1.45])
        frame = np.clip(frame.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    return frame


def encode_clip(spec: ClipSpec, frames: list[np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        container.metadata["comment"] = metadata_comment(spec)
        stream = container.add_stream("libx264", rate=spec.fps)
        stream.width, stream.height = spec.width, spec.height
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "30"}
        stream.codec_context.thread_count = 1
        audio = _audio_stream(container) if spec.sound else None  # streams before any packet
        for image in frames:
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        if audio is not None:
            _encode_audio(container, audio, spec, len(frames) / spec.fps)
    return buffer.getvalue()


AUDIO_RATE = 48_000  # Hz, AAC's usual rate
_AUDIO_FRAME = 1024  # samples per AAC frame
_TONES_HZ = (220.0, 277.2, 329.6, 392.0, 440.0, 523.3)  # one pitch per shot


def _audio_stream(container: av.container.OutputContainer) -> av.audio.stream.AudioStream:
    stream = container.add_stream("aac", rate=AUDIO_RATE)
    stream.layout = "mono"  # type: ignore[attr-defined]
    return stream


def _encode_audio(container: av.container.OutputContainer, stream: av.audio.stream.AudioStream,
                  spec: ClipSpec, seconds: float) -> None:
    """A quiet tone per shot (pitch changes at each cut) over a little noise, mono AAC."""
    total = round(seconds * AUDIO_RATE)
    t = np.arange(total) / AUDIO_RATE
    pitch = np.full(total, _TONES_HZ[0])
    start = 0.0
    for n, part in enumerate(spec.shots):
        pitch[int(start * AUDIO_RATE):] = _TONES_HZ[n % len(_TONES_HZ)]
        start += part.duration
    noise = np.random.default_rng([spec.seed, 4]).normal(0, 0.01, total)
    samples = (0.2 * np.sin(2 * np.pi * pitch * t) + noise).astype(np.float32)
    for at in range(0, total, _AUDIO_FRAME):
        chunk = samples[at:at + _AUDIO_FRAME].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
        frame.sample_rate, frame.pts = AUDIO_RATE, at
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def render_clip(spec: ClipSpec) -> bytes:
    """An H.264 MP4 of ``spec``; same spec, same bytes."""
    return encode_clip(spec, render_frames(spec))

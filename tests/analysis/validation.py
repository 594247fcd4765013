"""The validation set: clips with known camera moves, cuts and glitches, and clean clips.

Speeds are the analysis's units (reelgate.analysis.camera): slow moves at 0.025 and moderate at
0.13 frame widths (or heights, or ln scale) per second sit inside their bands, not on an edge.
Scenery, sizes, frame rates, grain and subjects vary so no threshold can be fitted to one case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tests.analysis.synth import (
    Camera,
    Glitch,
    Shot,
    Subject,
    brightness_step,
    flash,
    freeze,
    insert,
    local_warp,
    write_clip,
)

SLOW, GENTLE, MODERATE, FAST = 0.025, 0.055, 0.13, 0.3


@dataclass(frozen=True)
class CameraCase:
    name: str
    shot: Shot
    move: str
    speed: str | None = None
    stability: str | None = None
    fps: int = 24
    size: tuple[int, int] = (384, 216)
    rotation: int = 0

    def write(self, directory: Path) -> Path:
        path = directory / f"camera-{self.name}.mp4"
        if not path.exists():
            write_clip(
                path, self.shot.frames(self.fps, self.size), self.fps, rotation=self.rotation
            )
        return path


def _moves(speed: float, word: str, scenery: int, **extra: object) -> list[CameraCase]:
    moves = {
        "pan-right": Camera(pan=speed),
        "pan-left": Camera(pan=-speed),
        "tilt-up": Camera(tilt=speed),
        "tilt-down": Camera(tilt=-speed),
        "push-in": Camera(zoom=speed),
        "pull-out": Camera(zoom=-speed, scale=1.1),
    }
    return [
        CameraCase(
            f"{move}-{word}",
            Shot(scenery=(scenery + k) % 4, camera=camera, seconds=3.0),
            move,
            word,
            **extra,
        )  # type: ignore[arg-type]
        for k, (move, camera) in enumerate(moves.items())
    ]


def camera_cases() -> list[CameraCase]:
    walker = Subject(scenery=2, at=(0.2, 0.55), velocity=(0.18, -0.02), size=0.4)
    big = Subject(scenery=3, at=(0.35, 0.5), velocity=(0.1, 0.04), size=0.75, sway=3.0)
    held = Subject(scenery=1, at=(0.5, 0.55), size=0.5)
    return [
        *_moves(SLOW, "slow", 0),
        *_moves(MODERATE, "moderate", 1, fps=30, size=(320, 180)),
        CameraCase(
            "pan-right-gentle",
            Shot(scenery=3, camera=Camera(pan=GENTLE)),
            "pan-right",
            "gentle",
            fps=25,
        ),
        CameraCase(
            "push-in-fast", Shot(scenery=1, camera=Camera(zoom=FAST, scale=2.0)), "push-in", "fast"
        ),
        CameraCase(
            "tilt-down-gentle-hd",
            Shot(scenery=2, camera=Camera(tilt=-GENTLE)),
            "tilt-down",
            "gentle",
            size=(640, 360),
        ),
        CameraCase("locked", Shot(scenery=0), "locked", stability="locked"),
        CameraCase("locked-walker", Shot(scenery=1, subject=walker), "locked", stability="locked"),
        CameraCase(
            "locked-big-subject", Shot(scenery=0, subject=big), "locked", stability="locked", fps=30
        ),
        CameraCase(
            "handheld",
            Shot(scenery=2, camera=Camera(shake=0.003, seed=4)),
            "handheld",
            stability="handheld",
        ),
        CameraCase(
            "handheld-pan",
            Shot(scenery=3, camera=Camera(pan=MODERATE, shake=0.003, seed=5)),
            "pan-right",
            "moderate",
            stability="handheld",
        ),
        CameraCase(
            "tracking-right",
            Shot(scenery=0, camera=Camera(pan=MODERATE), subject=held),
            "tracking",
            "moderate",
        ),
        CameraCase(
            "tracking-left",
            Shot(
                scenery=2,
                camera=Camera(pan=-MODERATE, start=(0.6, 0.5)),
                subject=Subject(scenery=0, at=(0.45, 0.5)),
            ),
            "tracking",
            "moderate",
            fps=30,
        ),
        CameraCase(
            "pan-right-slow-rotated",
            Shot(scenery=1, camera=Camera(pan=SLOW)),
            "tilt-up",
            "slow",
            rotation=90,
        ),
        CameraCase("roll", Shot(scenery=3, camera=Camera(roll=6.0)), "roll"),
    ]


@dataclass(frozen=True)
class CutCase:
    name: str
    shots: tuple[Shot, ...]
    lengths: tuple[int, ...]  # frames of each shot
    fps: int = 24

    @property
    def cuts(self) -> list[int]:
        return [int(c) for c in np.cumsum(self.lengths)[:-1]]

    def write(self, directory: Path) -> Path:
        path = directory / f"cuts-{self.name}.mp4"
        if not path.exists():
            frames: list[np.ndarray] = []
            for shot, length in zip(self.shots, self.lengths, strict=True):
                frames += shot.frames(self.fps)[:length]
            write_clip(path, frames, self.fps)
        return path


def cut_cases() -> list[CutCase]:
    def shot(scenery: int, **camera: object) -> Shot:
        return Shot(scenery=scenery, camera=Camera(**camera), seconds=2.0)  # type: ignore[arg-type]

    walker = Subject(scenery=3, at=(0.3, 0.5), velocity=(0.15, 0.0))
    return [
        CutCase("still-to-still", (shot(0), shot(1)), (30, 36)),
        CutCase("pan-to-pan", (shot(1, pan=MODERATE), shot(2, pan=-MODERATE)), (27, 30)),
        CutCase(
            "same-photo",
            (shot(0, start=(0.25, 0.3)), shot(0, start=(0.75, 0.7), zoom=SLOW)),
            (33, 30),
            fps=30,
        ),
        CutCase(
            "tracking-to-push",
            (
                Shot(scenery=2, camera=Camera(pan=MODERATE), subject=Subject(scenery=1), seconds=2),
                shot(3, zoom=MODERATE),
            ),
            (25, 30),
        ),
        CutCase("three-shots", (shot(3, tilt=SLOW), shot(1), shot(2, pan=SLOW)), (20, 24, 24)),
        CutCase(
            "walker-cut",
            (Shot(scenery=1, subject=walker, seconds=2), shot(0, shake=0.002)),
            (26, 30),
        ),
    ]


@dataclass
class GlitchCase:
    name: str
    shot: Shot
    glitches: list[tuple[str, Glitch, int]] = field(default_factory=list)  # kind, edit, frame
    fps: int = 24

    def write(self, directory: Path) -> Path:
        path = directory / f"glitch-{self.name}.mp4"
        if not path.exists():
            frames = self.shot.frames(self.fps)
            for _, edit, at in self.glitches:
                edit(frames, at)
            write_clip(path, frames, self.fps)
        return path


def glitch_cases() -> list[GlitchCase]:
    walker = Subject(scenery=2, at=(0.2, 0.5), velocity=(0.15, 0.0))
    swaying = Subject(scenery=3, at=(0.55, 0.5), sway=4.0, size=0.55)
    other = Shot(scenery=3, camera=Camera(pan=-MODERATE))
    bases = {
        "pan": Shot(scenery=1, camera=Camera(pan=SLOW * 2), subject=walker),
        "locked": Shot(scenery=0, subject=walker),
        "push": Shot(scenery=2, camera=Camera(zoom=MODERATE / 2), subject=swaying),
        "handheld": Shot(scenery=3, camera=Camera(shake=0.002, seed=9)),
        "tilt": Shot(scenery=0, camera=Camera(tilt=-SLOW * 2), subject=swaying),
    }
    plan = [
        ("pan", ("freeze", freeze(5), 22), ("flash", flash(), 50)),
        ("locked", ("insert", insert(other), 22), ("warp", local_warp(), 50)),
        ("push", ("brightness-step", brightness_step(18.0), 22), ("freeze", freeze(4), 50)),
        ("handheld", ("warp", local_warp((0.65, 0.4), count=3), 22), ("insert", insert(other), 50)),
        ("tilt", ("flash", flash(1.3, 12.0), 22), ("warp", local_warp((0.3, 0.6), 0.2), 50)),
        (
            "pan",
            ("insert", insert(other, count=2), 22),
            ("brightness-step", brightness_step(-16.0), 50),
        ),
        ("locked", ("flash", flash(0.55, -10.0), 22), ("freeze", freeze(8), 45)),
        ("push", ("warp", local_warp((0.5, 0.5), 0.12, 1.2), 22), ("flash", flash(count=2), 50)),
        (
            "handheld",
            ("brightness-step", brightness_step(12.0), 22),
            ("warp", local_warp(count=2), 50),
        ),
        ("tilt", ("freeze", freeze(3), 22), ("insert", insert(other), 50)),
    ]
    return [
        GlitchCase(f"{base}-{first[0]}-{second[0]}-{k}", bases[base], [first, second])
        for k, (base, first, second) in enumerate(plan)
    ]


def clean_cases() -> list[tuple[str, list[np.ndarray]]]:
    """Legitimate footage that must report no cut and no glitch: smooth non-rigid motion, a
    fast subject, a subject entering, a gradual light change, a dissolve and a fade."""
    swaying = Shot(scenery=1, subject=Subject(scenery=0, sway=6.0, size=0.6))
    fast = Shot(scenery=2, subject=Subject(scenery=3, at=(0.1, 0.5), velocity=(0.4, 0.0)))
    entering = Shot(
        scenery=3,
        camera=Camera(pan=SLOW),
        subject=Subject(scenery=1, at=(-0.2, 0.5), velocity=(0.3, 0.0)),
    )
    base = Shot(scenery=0, camera=Camera(zoom=SLOW)).frames()
    lighting = [
        np.clip(f * (1 + 0.25 * i / len(base)), 0, 255).astype(np.uint8) for i, f in enumerate(base)
    ]
    a, b = Shot(scenery=1, camera=Camera(pan=SLOW)).frames(), Shot(scenery=2).frames()
    dissolve = (
        a[:30]
        + [(a[30 + k] * (1 - k / 12) + b[30 + k] * (k / 12)).astype(np.uint8) for k in range(12)]
        + b[42:]
    )
    c = Shot(scenery=3, camera=Camera(tilt=SLOW)).frames()
    fade = [(f * min(1.0, abs(i - 36) / 18)).astype(np.uint8) for i, f in enumerate(c)]
    return [
        ("swaying", swaying.frames()),
        ("fast-subject", fast.frames()),
        ("entering", entering.frames()),
        ("lighting-drift", lighting),
        ("dissolve", dissolve),
        ("fade-through-black", fade),
    ]

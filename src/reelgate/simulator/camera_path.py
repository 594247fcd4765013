"""How the virtual camera moves, frame by frame, as a camera operator would move it.

A move starts and stops smoothly (the speed ramps up over the first fifth of the clip and down
over the last), its speed word scales the travel, and handheld adds a wobble of a few
low-frequency sways and a slight roll. Moves follow the project's convention: ``pan-right``
moves content left, ``tilt-up`` moves it down, ``push-in`` makes it grow. A pan turns the
camera, so subject and background move together; a tracking shot or an orbit moves it, so the
subject holds its place while the background streams past (parallax); a push-in dollies, so
the nearer subject grows faster than the plate behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Mean speed of a move by its speed word: frame widths per second for pans and tracking (heights
# for tilts), view gained per second for push-in and pull-out. Each sits inside the project's
# speed band for its word (reelgate.analysis.camera_words: slow < 0.04 <= gentle < 0.08 <=
# moderate < 0.2 <= fast) with room for the cruise speed, 1 / (1 - EASE_SHARE) times the mean.
SPEED_PER_S = {"slow": 0.025, "gentle": 0.055, "moderate": 0.12, "fast": 0.28}
SUBJECT_DOLLY_GAIN = 1.6  # the subject is nearer than the plate: it grows this much faster
EASE_SHARE = 0.2  # share of the clip spent speeding up, and again slowing down
# Handheld: sways at these frequencies (Hz), each this share of the width; roll in degrees.
WOBBLE_HZ = (0.6, 1.3, 2.7)
WOBBLE_WIDTHS = (0.006, 0.004, 0.002)
WOBBLE_ROLL_DEG = 0.5
# The move a model makes instead when it gets the camera wrong.
WRONG_MOVE = {"locked": "pan-left", "pan-right": "pan-left", "pan-left": "pan-right",
              "tilt-up": "tilt-down", "tilt-down": "tilt-up", "push-in": "pull-out",
              "pull-out": "push-in", "tracking": "locked", "orbit-left": "orbit-right",
              "orbit-right": "orbit-left"}
_DIRECTION = {"pan-right": (-1, 0), "pan-left": (1, 0), "tilt-up": (0, 1), "tilt-down": (0, -1),
              "tracking": (-1, 0), "orbit-left": (-1, 0), "orbit-right": (1, 0)}
FOLLOWING = ("tracking", "orbit-left", "orbit-right")


@dataclass(frozen=True)
class CameraTrack:
    """Per frame: picture offsets (px, output), zooms, roll (degrees) and an orbit's turn."""

    background: np.ndarray  # (n, 2) offset of the plate's centre from the frame's
    subject: np.ndarray  # (n, 2) offset of the subject's anchor caused by the camera
    background_zoom: np.ndarray  # (n,)
    subject_zoom: np.ndarray  # (n,)
    roll: np.ndarray  # (n,)
    turn: np.ndarray  # (n,) radians the subject has turned about its axis (orbit)

    def reach(self) -> tuple[float, float]:
        """The largest horizontal and vertical offset of the plate (px), to size it."""
        return float(np.abs(self.background[:, 0]).max()), float(np.abs(self.background[:, 1]).max())


def eased_progress(times: np.ndarray, duration: float) -> np.ndarray:
    """0 to 1 over the clip with a trapezoid speed profile (ramp, cruise, ramp)."""
    ramp = EASE_SHARE * duration
    cruise = duration - 2 * ramp
    total = ramp + cruise  # distance at unit cruise speed
    t = np.clip(times, 0, duration)
    up = np.minimum(t, ramp) ** 2 / (2 * ramp)
    mid = np.clip(t - ramp, 0, cruise)
    down_t = np.clip(t - ramp - cruise, 0, ramp)
    down = down_t - down_t ** 2 / (2 * ramp)
    return (up + mid + down) / total


def camera_speed(speed: str | None, width: int) -> float:
    """A pan's or a tracking shot's mean speed for its speed word, px per second."""
    return SPEED_PER_S.get(speed or "moderate", SPEED_PER_S["moderate"]) * width


def camera_track(move: str, speed: str | None, handheld: bool, times: np.ndarray,
                 duration: float, width: int, rng: np.random.Generator) -> CameraTrack:
    """The camera over ``times`` (seconds of content time; a stall holds them still)."""
    n = len(times)
    rate = SPEED_PER_S.get(speed or "moderate", SPEED_PER_S["moderate"])
    factor = rate / SPEED_PER_S["moderate"]
    progress = eased_progress(times, duration)
    background = np.zeros((n, 2))
    subject = np.zeros((n, 2))
    zoom_bg, zoom_subject, turn = np.ones(n), np.ones(n), np.zeros(n)
    if move in _DIRECTION:
        # Centred on the frame halfway through, so the plate need reach only half the travel.
        travel = rate * width * duration * (progress - 0.5)
        background = np.outer(travel, _DIRECTION[move])
        if move not in FOLLOWING:  # a pan turns the camera: everything moves together
            subject = background.copy()
        if move.startswith("orbit"):
            turn = np.radians(35.0) * factor * progress * (1 if move == "orbit-left" else -1)
    elif move in ("push-in", "pull-out"):
        amount = rate * duration
        gained = progress if move == "push-in" else 1 - progress
        zoom_bg = 1 + amount * gained
        zoom_subject = 1 + SUBJECT_DOLLY_GAIN * amount * gained
    roll = np.zeros(n)
    if handheld or move == "handheld":
        sway = np.zeros((n, 2))
        for hz, share in zip(WOBBLE_HZ, WOBBLE_WIDTHS, strict=True):
            phase = rng.uniform(0, 2 * np.pi, 2)
            sway += share * width * np.sin(2 * np.pi * hz * times[:, None] + phase)
        roll = WOBBLE_ROLL_DEG * np.sin(2 * np.pi * 0.9 * times + rng.uniform(0, 2 * np.pi))
        background, subject = background + sway, subject + sway
    return CameraTrack(background, subject, zoom_bg, zoom_subject, roll, turn)


def jumped(track: CameraTrack, frame: int, shift: np.ndarray) -> CameraTrack:
    """The track with the picture jumping by ``shift`` px from ``frame`` on (a camera jump)."""
    step = np.zeros_like(track.background)
    step[frame:] = shift
    return CameraTrack(track.background + step, track.subject + step, track.background_zoom,
                       track.subject_zoom, track.roll, track.turn)

"""Which defects a simulated render gets: drawn per render, likelier and stronger with motion.

Video models break more as they are asked for more motion, and a negative prompt that names a
defect ("warped limbs", "flicker") makes it rarer and milder without ruling it out. The planner
draws each kind on its own from the render's generator, so repeats of one request get different
defects (or none) and the same generator always gets the same ones. What was injected is
returned as data (kind, start, end, strength) and sent with the clip, so a test can hold the
analyzer to it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import numpy as np

DefectKind = str
KINDS: tuple[DefectKind, ...] = ("morph", "identity_drift", "flicker", "stall", "camera_jump",
                                 "wrong_move")
# Motion score (0-10) at which a kind reaches half its peak chance, and its peak chance: morph
# and identity drift are the commonest failures of fast action; a wrong camera move is rarer.
_MIDPOINT = {"morph": 6.0, "identity_drift": 7.0, "flicker": 6.5, "stall": 6.5,
             "camera_jump": 7.0, "wrong_move": 7.5}
_PEAK = {"morph": 0.75, "identity_drift": 0.45, "flicker": 0.40, "stall": 0.35,
         "camera_jump": 0.35, "wrong_move": 0.25}
_SLOPE = 1.1  # per motion point: from a few percent at 3 to most of the peak at 8
# A negative prompt naming the defect: the chance is multiplied by this (models heed them, not
# always) and the strength by _NAMED_STRENGTH.
_NAMED_CHANCE = 0.3
_NAMED_STRENGTH = 0.6
# Words of a negative prompt that name each kind (matched as substrings of lower-case words).
NEGATIVE_WORDS: dict[DefectKind, tuple[str, ...]] = {
    "morph": ("warp", "morph", "melt", "distort", "deform", "limb", "finger", "mutat"),
    "identity_drift": ("identity", "inconsistent", "changing face", "face change",
                       "different person", "character drift"),
    "flicker": ("flicker", "strob", "flash"),
    "stall": ("freez", "frozen", "stall", "stutter", "static"),
    "camera_jump": ("jump", "cut", "jitter", "shak", "jerk"),
    "wrong_move": ("wrong camera", "camera drift", "unwanted camera", "random camera"),
}
DEFECTS_HEADER = "x-reelgate-sim-defects"  # JSON list of the injected defects, on the download


@dataclass(frozen=True)
class Defect:
    """One injected defect: what, when (seconds, inclusive), how strong (0..1)."""

    kind: DefectKind
    start: float
    end: float
    strength: float

    def active(self, t: float) -> bool:
        return self.start <= t <= self.end


def named_kinds(negative_prompt: str) -> frozenset[DefectKind]:
    """The defect kinds a negative prompt asks the model to avoid."""
    words = negative_prompt.lower()
    return frozenset(kind for kind, stems in NEGATIVE_WORDS.items()
                     if any(stem in words for stem in stems))


def defect_chance(kind: DefectKind, motion: float, named: bool = False) -> float:
    """Chance of ``kind`` in one render at motion score ``motion`` (0-10)."""
    chance = _PEAK[kind] / (1.0 + math.exp(-(motion - _MIDPOINT[kind]) * _SLOPE))
    return chance * (_NAMED_CHANCE if named else 1.0)


def plan_defects(rng: np.random.Generator, motion: float, duration: float,
                 negative_prompt: str = "", move: str = "locked") -> tuple[Defect, ...]:
    """The defects of one render, in time order; ``rng`` is the render's own generator."""
    named = named_kinds(negative_prompt)
    chosen = []
    for kind in KINDS:
        draw, place, size, jitter = rng.random(4)  # always four draws: kinds stay independent
        if kind == "wrong_move" and move in ("handheld",):
            continue  # a handheld request has no path to get wrong
        if draw >= defect_chance(kind, motion, kind in named):
            continue
        strength = min(1.0, (0.35 + 0.065 * motion) * (0.8 + 0.4 * jitter))
        if kind in named:
            strength *= _NAMED_STRENGTH
        chosen.append(_span(kind, place, size, duration, round(strength, 3)))
    return tuple(sorted(chosen, key=lambda d: (d.start, d.kind)))


def _span(kind: DefectKind, place: float, size: float, duration: float,
          strength: float) -> Defect:
    """When a defect happens: a morph or flicker for a second or so, drift to the end..."""
    if kind == "wrong_move":
        return Defect(kind, 0.0, duration, strength)
    if kind == "camera_jump":
        at = round(duration * (0.25 + 0.5 * place), 3)
        return Defect(kind, at, at, strength)
    length = {"morph": 0.6 + 0.9 * size, "identity_drift": duration * (0.4 + 0.3 * size),
              "flicker": 0.4 + 0.8 * size, "stall": 0.2 + 0.4 * size}[kind]
    length = min(length, 0.8 * duration)
    start = 0.1 * duration + place * (0.9 * duration - length)
    if kind == "identity_drift":
        start = duration - length  # the character drifts away and stays changed
    return Defect(kind, round(start, 3), round(start + length, 3), strength)


def to_header(defects: tuple[Defect, ...]) -> str:
    """The header value: compact JSON, ASCII only (HTTP headers are latin-1)."""
    return json.dumps([asdict(d) for d in defects], separators=(",", ":"))


def from_header(value: str) -> tuple[Defect, ...]:
    """The defects a download's header names (for tests and the benchmark)."""
    return tuple(Defect(**item) for item in json.loads(value))

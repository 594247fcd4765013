"""Camera intent: plain language such as "slow push-in" parsed into a structured, testable intent.

The canonical move names are shared with the media analysis, which reports measured camera moves
in the same words. Convention: ``pan-right`` means the camera turns right, so the picture's
content moves left; ``tilt-up`` means the camera looks up, so content moves down.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

Move = Literal[
    "locked",
    "pan-left",
    "pan-right",
    "tilt-up",
    "tilt-down",
    "push-in",
    "pull-out",
    "tracking",
    "orbit-left",
    "orbit-right",
    "handheld",
]
Speed = Literal["slow", "gentle", "moderate", "fast"]
Stability = Literal["locked", "steady", "handheld"]
Position = Literal[
    "front", "back", "left", "right", "side", "front-left", "front-right", "back-left", "back-right"
]

MOVES: tuple[str, ...] = get_args(Move)
SPEEDS: tuple[str, ...] = get_args(Speed)
POSITIONS: tuple[str, ...] = get_args(Position)

# Phrase -> (kind, canonical value). Matched longest first on hyphen/space-normalised words.
_PHRASES: dict[str, tuple[str, str]] = {
    "locked frame": ("move", "locked"),
    "locked off": ("move", "locked"),
    "locked": ("move", "locked"),
    "static": ("move", "locked"),
    "pan left": ("move", "pan-left"),
    "pan right": ("move", "pan-right"),
    "tilt up": ("move", "tilt-up"),
    "tilt down": ("move", "tilt-down"),
    "push in": ("move", "push-in"),
    "dolly in": ("move", "push-in"),
    "zoom in": ("move", "push-in"),
    "pull out": ("move", "pull-out"),
    "dolly out": ("move", "pull-out"),
    "zoom out": ("move", "pull-out"),
    "tracking": ("move", "tracking"),
    "orbit left": ("move", "orbit-left"),
    "orbit right": ("move", "orbit-right"),
    "handheld": ("move", "handheld"),
    "hand held": ("move", "handheld"),
    "steady": ("stability", "steady"),
    "smooth": ("stability", "steady"),
    **{speed: ("speed", speed) for speed in SPEEDS},
    **{pos.replace("-", " "): ("position", pos) for pos in POSITIONS},
    "rear": ("position", "back"),
    "camera": ("filler", ""),
    "shot": ("filler", ""),
}
_ORDERED = sorted(_PHRASES, key=lambda p: -len(p.split()))
_ZOOM_WORDS = ("zoom in", "zoom out")


class CameraParseError(ValueError):
    """The camera text uses words outside the vocabulary, or combines them in a way that says nothing."""


class CameraIntent(BaseModel):
    """What the camera should do: one move, with optional speed, stability and position."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    move: Move
    speed: Speed | None = None
    stability: Stability | None = None
    position: Position | None = None
    zoom: bool = False  # the move is a lens zoom rather than a dolly; both read as push-in/pull-out

    def describe(self) -> str:
        """The intent back in plain language, canonical words only."""
        words = [w for w in (self.speed, self.stability if self.stability != self.move else None,
                             self.position, self.move) if w]
        return " ".join(words)


def vocabulary() -> str:
    """The words a camera intent may use, for error messages and docs."""
    moves = "locked frame | static, pan left|right, tilt up|down, push-in | dolly in | zoom in, "
    moves += "pull-out | dolly out | zoom out, tracking, orbit left|right, handheld"
    return (
        f"moves: {moves}; speeds: {', '.join(SPEEDS)}; stability: steady, smooth, handheld; "
        f"positions (tracking/orbit only): {', '.join(POSITIONS)}"
    )


def parse_camera(text: str) -> CameraIntent:
    """Parse plain camera language ("gentle pan right", "front-left tracking") into an intent."""
    words = re.sub(r"[\s,\-_/]+", " ", text.strip().lower()).split()
    if not words:
        raise CameraParseError(f"camera intent is empty; use {vocabulary()}")
    found: dict[str, list[str]] = {"move": [], "speed": [], "stability": [], "position": []}
    zoom = False
    i = 0
    while i < len(words):
        for phrase in _ORDERED:
            size = len(phrase.split())
            if " ".join(words[i : i + size]) == phrase:
                kind, value = _PHRASES[phrase]
                if kind != "filler":
                    found[kind].append(value)
                zoom = zoom or phrase in _ZOOM_WORDS
                i += size
                break
        else:
            raise CameraParseError(f"unknown camera word {words[i]!r} in {text!r}; use {vocabulary()}")
    return _assemble(text, found, zoom)


def _assemble(text: str, found: dict[str, list[str]], zoom: bool) -> CameraIntent:
    moves = list(dict.fromkeys(found["move"]))
    stability = found["stability"][0] if found["stability"] else None
    if len(moves) > 1 and "handheld" in moves:
        moves.remove("handheld")
        stability = "handheld"
    if len(moves) != 1:
        what = "no camera move" if not moves else f"several moves ({', '.join(moves)})"
        raise CameraParseError(f"{what} in {text!r}: name exactly one; {vocabulary()}")
    for kind in ("speed", "stability", "position"):
        if len(set(found[kind])) > 1:
            raise CameraParseError(f"several {kind} words in {text!r}: keep one")
    move = moves[0]
    speed = found["speed"][0] if found["speed"] else None
    position = found["position"][0] if found["position"] else None
    if move == "locked" and speed:
        raise CameraParseError(f"a locked frame has no speed, but {text!r} says {speed!r}")
    if position and move not in ("tracking", "orbit-left", "orbit-right"):
        raise CameraParseError(
            f"a position ({position!r}) only goes with tracking or orbit, not {move!r}, in {text!r}"
        )
    if move == "locked":
        stability = "locked"
    elif move == "handheld":
        stability = "handheld"
    return CameraIntent(move=move, speed=speed, stability=stability, position=position, zoom=zoom)

"""Camera intent: plain language such as "slow push-in" parsed into a structured, testable intent.

The canonical move names are shared with the media analysis, which reports measured camera moves
in the same words. Convention: ``pan-right`` means the camera turns right, so the picture's
content moves left; ``tilt-up`` means the camera looks up, so content moves down.

Moves made together are joined with "with" or "and" ("slow push-in with a gentle pan right",
"pan left and tilt up"), each with its own speed word before it; at most one move per direction
of motion (sideways: pan, tracking or orbit; up and down: tilt; in and out: push or pull), and a
locked frame with none.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

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
    "a": ("filler", ""),
    "an": ("filler", ""),
    "with": ("join", ""),
    "and": ("join", ""),
    "plus": ("join", ""),
    "while": ("join", ""),
}
_ORDERED = sorted(_PHRASES, key=lambda p: -len(p.split()))
_ZOOM_WORDS = ("zoom in", "zoom out")
# Which way each move takes the picture: one move per direction can be made at once.
_DIRECTION: dict[str, str] = {
    "pan-left": "sideways", "pan-right": "sideways", "tracking": "sideways",
    "orbit-left": "sideways", "orbit-right": "sideways",
    "tilt-up": "up and down", "tilt-down": "up and down",
    "push-in": "in and out", "pull-out": "in and out",
}


class CameraParseError(ValueError):
    """The camera text uses words outside the vocabulary, or combines them in a way that says nothing."""


class CameraComponent(BaseModel):
    """A further move made together with an intent's main move, with its own speed."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)

    move: Move
    speed: Speed | None = None


class CameraIntent(BaseModel):
    """What the camera should do: a move, with optional speed, stability and position, and the
    moves made together with it (``also``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)

    move: Move
    speed: Speed | None = None
    stability: Stability | None = None
    position: Position | None = None
    zoom: bool = False  # the move is a lens zoom rather than a dolly; both read as push-in/pull-out
    also: tuple[CameraComponent, ...] = Field(
        (), strict=False, description="moves made together with the main one, each with its speed"
    )

    @model_serializer(mode="wrap")
    def _one_move_as_before(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        """A one-move intent dumps as it did before moves could be combined: recordings key on
        the request's dump, so they stay valid."""
        data = handler(self)
        if not self.also:
            data.pop("also", None)
        return data

    def components(self) -> tuple[CameraComponent, ...]:
        """Every move of the intent with its speed, the main one first."""
        return (CameraComponent(move=self.move, speed=self.speed), *self.also)

    def describe(self) -> str:
        """The intent back in plain language, canonical words only (it parses back to itself)."""
        words = [w for w in (self.speed, self.stability if self.stability != self.move else None,
                             self.position, self.move) if w]
        for part in self.also:
            words += ["with", *(w for w in (part.speed, part.move) if w)]
        return " ".join(words)


def vocabulary() -> str:
    """The words a camera intent may use, for error messages and docs."""
    moves = "locked frame | static, pan left|right, tilt up|down, push-in | dolly in | zoom in, "
    moves += "pull-out | dolly out | zoom out, tracking, orbit left|right, handheld"
    return (
        f"moves: {moves}; speeds: {', '.join(SPEEDS)}; stability: steady, smooth, handheld; "
        f"positions (tracking/orbit only): {', '.join(POSITIONS)}; moves made together joined by "
        "'with' or 'and', one per direction (e.g. 'slow push-in with a gentle pan right')"
    )


def parse_camera(text: str) -> CameraIntent:
    """Parse plain camera language ("gentle pan right", "front-left tracking", "slow push-in
    with a gentle pan right") into an intent."""
    words = re.sub(r"[\s,\-_/]+", " ", text.strip().lower()).split()
    if not words:
        raise CameraParseError(f"camera intent is empty; use {vocabulary()}")
    tokens: list[tuple[str, str]] = []
    zoom = False
    i = 0
    while i < len(words):
        for phrase in _ORDERED:
            size = len(phrase.split())
            if " ".join(words[i : i + size]) == phrase:
                tokens.append(_PHRASES[phrase])
                zoom = zoom or phrase in _ZOOM_WORDS
                i += size
                break
        else:
            if words[i] in ("then", "after", "before", "followed"):
                raise CameraParseError(
                    f"{words[i]!r} in {text!r} orders moves in time, which a camera intent cannot "
                    "say: name the moves made together (joined by 'with' or 'and'), or split the "
                    "clip into presets"
                )
            raise CameraParseError(f"unknown camera word {words[i]!r} in {text!r}; use {vocabulary()}")
    return _assemble(text, tokens, zoom)


def _components(text: str, tokens: list[tuple[str, str]]) -> tuple[list[list[str | None]], bool]:
    """[move, speed] pairs in the order named (a speed word goes with the move after it, or with
    the last move when it comes at the end), and whether 'handheld' was said."""
    parts: list[list[str | None]] = []
    handheld = False
    pending: str | None = None
    for kind, value in tokens:
        if kind == "speed":
            if pending is not None:
                raise CameraParseError(f"several speed words in a row ({pending}, {value}) in "
                                       f"{text!r}: keep one per move")
            pending = value
        elif kind == "move" and value == "handheld":
            handheld = True
        elif kind == "move":
            if any(part[0] == value for part in parts):
                raise CameraParseError(f"{value!r} is named twice in {text!r}: name it once")
            parts.append([value, pending])
            pending = None
    if pending is not None:
        if parts and parts[-1][1] is None:
            parts[-1][1] = pending
        elif parts:
            raise CameraParseError(f"the speed word {pending!r} at the end of {text!r} has no move "
                                   "of its own: put each speed word before its move")
        else:
            parts.append(["handheld" if handheld else "", pending])
    if not parts and handheld:
        parts.append(["handheld", None])
    return parts, handheld


def _assemble(text: str, tokens: list[tuple[str, str]], zoom: bool) -> CameraIntent:
    parts, handheld = _components(text, tokens)
    if not parts or not parts[0][0]:
        raise CameraParseError(f"no camera move in {text!r}: name one; {vocabulary()}")
    found = {kind: [v for k, v in tokens if k == kind] for kind in ("stability", "position")}
    for kind in ("stability", "position"):
        if len(set(found[kind])) > 1:
            raise CameraParseError(f"several {kind} words in {text!r}: keep one")
    stability = found["stability"][0] if found["stability"] else None
    position = found["position"][0] if found["position"] else None
    moves = [str(part[0]) for part in parts]
    if handheld and stability == "steady":
        raise CameraParseError(f"{text!r} asks for a camera both steady and handheld: keep one")
    _check_together(text, moves)
    move, speed = moves[0], parts[0][1]
    if move == "locked" and speed:
        raise CameraParseError(f"a locked frame has no speed, but {text!r} says {speed!r}")
    if move == "locked" and handheld:
        raise CameraParseError(f"a locked frame is not handheld, but {text!r} says both: keep one")
    if position and not {"tracking", "orbit-left", "orbit-right"} & set(moves):
        raise CameraParseError(
            f"a position ({position!r}) only goes with tracking or orbit, not {move!r}, in {text!r}"
        )
    if move == "locked":
        stability = "locked"
    elif handheld:
        stability = "handheld"
    also = tuple(CameraComponent(move=m, speed=v) for m, v in parts[1:])  # type: ignore[arg-type]
    return CameraIntent(move=move, speed=speed, stability=stability, position=position, zoom=zoom,
                        also=also)


def _check_together(text: str, moves: list[str]) -> None:
    """Moves named together must be makeable at once: a locked frame alone, and at most one move
    each way (sideways, up and down, in and out)."""
    if len(moves) < 2:
        return
    if "locked" in moves:
        other = next(m for m in moves if m != "locked")
        raise CameraParseError(f"a locked frame cannot also {other} in {text!r}: keep one")
    taken: dict[str, str] = {}
    for move in moves:
        direction = _DIRECTION[move]
        if direction in taken:
            raise CameraParseError(
                f"{taken[direction]} and {move} both move the picture {direction} in {text!r}: "
                "a camera makes one such move at a time, keep one"
            )
        taken[direction] = move

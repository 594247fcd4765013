"""The analysis result: typed, JSON-ready, the same for the CLI, the cache and notebooks.

Times are seconds from the clip's first frame. Camera figures follow the preset vocabulary:
pan-right means the camera turns right (the picture's content moves left), tilt-up means it
looks up (content moves down), push-in magnifies the content about the centre.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reelgate.preset.camera import Move, Speed, Stability

MeasuredMove = Move | Literal["roll"]  # a roll can be measured but not asked for
GlitchKind = Literal["freeze", "flash", "insert", "warp", "brightness-step", "corruption"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VideoFacts(_Model):
    """What the clip is, as displayed (rotation and sample aspect applied)."""

    width: int
    height: int
    fps: float = Field(description="mean frame rate over the clip")
    vfr: bool = Field(description="frame intervals are not uniform")
    min_fps: float
    max_fps: float
    duration: float = Field(description="seconds, first frame to the end of the last")
    frames: int
    codec: str
    pix_fmt: str
    container: str
    rotation: int = Field(description="degrees the picture is turned counter-clockwise")
    start_time: float = Field(description="the first frame's timestamp in the file, seconds")


class CameraSegment(_Model):
    """One stretch of the clip with one camera move."""

    move: MeasuredMove
    start: float
    end: float
    speed: float = Field(description="in the unit of reelgate.analysis.camera.SPEED_UNITS[move]")
    speed_word: Speed | None
    stability: Stability
    pan: float = Field(description="mean rate, frame widths per second, + right")
    tilt: float = Field(description="mean rate, frame heights per second, + up")
    zoom: float = Field(description="mean rate, ln(scale) per second, + in")
    roll: float = Field(description="mean rate, degrees per second, + clockwise")


class CameraPath(_Model):
    """The global camera path over the whole clip (cuts excluded)."""

    pan: float = Field(description="frame widths turned, + right")
    tilt: float = Field(description="frame heights turned, + up")
    zoom: float = Field(description="scale at the end over the start, > 1 pushed in")
    roll: float = Field(description="degrees rolled, + clockwise")
    jitter: float = Field(description="RMS wobble about the smoothed path, frame widths")
    speed: float = Field(description="mean speed, frame fractions per second")
    direction_persistence: float = Field(description="share of time moving the main way, 0..1")
    anchored: float = Field(description="share of the picture held still while the camera moves")
    reliability: float = Field(description="share of frame pairs with a confident estimate")


CameraMoveName = MeasuredMove | Literal["handheld"]


class CameraAnalysis(_Model):
    primary: MeasuredMove = Field(description="the move of the longest segment")
    stability: Stability = Field(description="the stability of the longest segment")
    moves: list[CameraMoveName] = Field(
        description="every camera move really in the clip, by name, sorted: each segment's move "
        "and its significant secondary components, 'handheld' where wobble remains after the "
        "intended move is removed; ['locked'] only when nothing else applies"
    )
    segments: list[CameraSegment] = Field(description="the timed segments, one move each")
    path: CameraPath


class CameraMatch(_Model):
    """A measured camera against a preset's intent."""

    matched: bool
    expected: str
    measured: str
    reasons: list[str] = Field(description="what differs, in plain words; empty when matched")


class Glitch(_Model):
    """One fault, counted once however many frames it spans (a corrupted span is one glitch)."""

    time: float = Field(description="seconds, the glitch's moment (its peak, or first frame)")
    frame: int
    kind: GlitchKind
    strength: float = Field(description="how far past its threshold, 1 = just at it")
    start: float = Field(description="seconds, first affected frame")
    end: float = Field(description="seconds, last affected frame (a brightness step: its first "
                       "changed frame, as it lasts to the end)")


class Uncertain(_Model):
    """Evidence of a glitch where its detector cannot judge (flow fails there): reported, and
    at worst 'pass with edits', never a failure on its own."""

    kind: GlitchKind
    time: float = Field(description="seconds, first frame of the evidence")
    end: float = Field(description="seconds, last frame of the evidence")
    frame: int
    strength: float = Field(description="how far past its threshold, 1 = just at it")
    reason: str = Field(description="why the detector cannot judge here, in plain words")


class Continuity(_Model):
    score: float = Field(
        ge=0, le=1, description="smoothness: 1 less flicker and roughness penalties (cuts and "
        "glitches are counted apart, once)"
    )
    cuts: list[float]
    cut_frames: list[int]
    glitches: list[Glitch]
    uncertain: list[Uncertain] = Field(description="evidence the detectors could not judge")
    flicker: float = Field(description="RMS frame-to-frame brightness wobble, 8-bit levels")
    roughness: float = Field(description="median error interpolating a frame from its neighbours")


class Box(_Model):
    """A rectangle in frame fractions."""

    x: float
    y: float
    w: float
    h: float


class SubjectIntegrity(_Model):
    score: float = Field(ge=0, le=1)
    box: Box = Field(description="where the subject is at the first frame")
    found_by: Literal["motion", "saliency", "centre"]
    appearance: float = Field(description="mean colour/tone similarity to the first second, 0..1")
    retention: float = Field(description="mean share of first-second features still matched, 0..1")
    worst: float = Field(description="lowest per-sample score, 0..1")
    worst_time: float
    visible: float = Field(description="share of samples with the subject inside the frame; "
                           "the score judges the subject while it is in frame")
    left_frame_at: float | None = Field(None, description="when the subject first left the "
                                        "frame (its box's centre outside it), or None")


class Motion(_Model):
    amount: float = Field(description="mean of the fastest 5 % of motion, frame widths per second")
    dynamic_degree: float = Field(description="share of 1/8 s steps with clear motion, 0..1")
    camera_speed: float = Field(description="mean camera speed, frame fractions per second")
    object_motion: float = Field(description="motion the camera does not explain, widths/s")
    pacing_variation: float = Field(description="coefficient of variation of per-second motion")


class Quality(_Model):
    sharpness: float = Field(description="1 - Crete blur effect at the detail size, 0..1")
    laplacian: float = Field(description="variance of the Laplacian at the detail size")
    exposure: float = Field(description="mean luma, 0..1")
    clipped_dark: float
    clipped_bright: float
    contrast: float = Field(description="luma standard deviation, 0..1")
    noise: float = Field(description="noise sigma on unscaled pixels, 8-bit levels")
    motion_readability: float = Field(ge=0, le=1)
    subject_clarity: float = Field(ge=0, le=1)


class ClipAnalysis(_Model):
    """Everything the analysis measured about one clip."""

    file: str
    sha256: str
    analyzer_version: str
    video: VideoFacts
    camera: CameraAnalysis
    continuity: Continuity
    subject: SubjectIntegrity
    motion: Motion
    quality: Quality

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

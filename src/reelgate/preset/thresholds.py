"""Thresholds a scenario sets (a preset may override them) for the reference gate, rubric, regression.

They live in the contract because teams agree on them per use case in ``scenarios.yaml``; the
stages that apply them (reference gate, rubric, regression) read them from here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class ReferenceGate(_Strict):
    """Bounds a motion-source clip must meet before any money is spent on renders."""

    min_duration: float = Field(2.0, ge=0, description="seconds")
    max_duration: float = Field(30.0, gt=0, description="seconds")
    min_sharpness: float = Field(
        0.08, ge=0, le=1,
        description="1 - Crete blur effect at the fixed 640x360-area detail size: about 0.3 crisp, "
        "0.2 soft, under 0.1 blurred",
    )
    min_exposure: float = Field(0.12, ge=0, le=1, description="mean luma, 0..1")
    max_exposure: float = Field(0.88, ge=0, le=1, description="mean luma, 0..1")
    min_contrast: float = Field(0.05, ge=0, le=1, description="luma standard deviation, 0..1")
    max_noise: float = Field(
        6.0, ge=0, description="noise sigma on unscaled pixels, 8-bit levels (clean video: under 2)"
    )
    min_motion_readability: float = Field(
        0.0, ge=0, le=1, description="motion slow enough to follow (0.25 frame widths/s or less) "
        "times the share of frames the flow follows",
    )
    max_pacing_variation: float = Field(
        10.0, ge=0, description="coefficient of variation of per-second motion"
    )
    max_cuts: int = Field(0, ge=0)
    min_subject_clarity: float = Field(
        0.0, ge=0, le=1, description="subject sharper than and apart from its surroundings, and "
        "big enough (5 % of the frame or more)",
    )


class Rubric(_Strict):
    """Hard bounds and warning margins for the three rubric checks on a rendered clip."""

    min_continuity: float = Field(0.8, ge=0, le=1)
    min_subject: float = Field(0.7, ge=0, le=1)
    min_subject_in_frame: float = Field(
        0.5, ge=0, le=1, description="share of the clip the subject spends in frame below which "
        "the clip is flagged for a look (pass with edits), never failed: a subject may walk out "
        "of the picture on purpose, but out for most of a clip it is likely lost; 0 turns it off",
    )
    require_camera_match: bool = True
    warn_margin: float = Field(
        0.05, ge=0, le=1, description="a score this close to its bound is 'pass with edits'"
    )
    max_glitches: int = Field(
        0, ge=0, description="glitches a usable clip may have (each counted here, once)"
    )
    max_cuts: int = Field(0, ge=0, description="hard cuts a usable clip may have (a "
                          "multi-shot clip's declared cuts are checked apart, by cut_tolerance_frames)")
    cut_tolerance_frames: int = Field(
        3, ge=0, le=48, description="frames a multi-shot clip's cut may sit from its declared "
        "shot boundary: providers start a shot within a frame or two of the asked second, and "
        "3 frames (1/8 s at 24 fps) is still well inside the shortest (1 s) shot",
    )
    max_subject_distance: float = Field(
        0.4, ge=0, le=1, description="how far a later shot of a multi-shot clip may look from "
        "shot 1: Hellinger distance of chroma histograms (subject box, box grown, frame "
        "centre: the smallest of the three), 0 the same colours, 1 none in common. Cuts "
        "within one character or scene measured 0.02-0.31 (dev footage), "
        "cuts to another subject in another setting 0.38-0.62, and the simulator's same character "
        "in a new location 0.59; two people in one setting stay under 0.3. So a shot past it is "
        "flagged for a look (pass with edits), never failed; 1 turns the check off (shots meant "
        "to show different subjects)",
    )


class Regression(_Strict):
    """How far a metric may move against the approved version before the regression item fails."""

    tolerances: dict[str, float] = Field(
        default_factory=dict, description="metric name -> absolute tolerance"
    )
    default_tolerance: float = Field(0.05, ge=0)
    motion_monotonic_tolerance: float = Field(0.0, ge=0)
    allow_multi_variable: bool = False


class Thresholds(_Strict):
    """All thresholds of a scenario, or the overrides a preset sets on top of its scenario's."""

    reference: ReferenceGate = Field(default_factory=ReferenceGate)
    rubric: Rubric = Field(default_factory=Rubric)
    regression: Regression = Field(default_factory=Regression)

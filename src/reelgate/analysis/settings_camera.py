"""The camera detectors' thresholds: the per-frame flow features (features.py), the global
motion fit (fit.py) and the camera path and moves (camera*.py), each field with its unit and why.

Speeds are in each family's unit (reelgate.analysis.camera.SPEED_UNITS); pixels are at the
motion size unless a field says otherwise.
"""

from __future__ import annotations

from pydantic import Field

from reelgate.analysis.settings_base import FrozenSettings


class FlowFitSettings(FrozenSettings):
    """Which flow samples to trust and the RANSAC camera similarity they imply."""

    min_textured: int = Field(24, ge=3, description="flow samples needed for a camera estimate")
    min_inliers: int = Field(12, ge=2, description="samples that must agree on the fit (and still "
                             "samples a still rival needs), half of min_textured")
    min_inlier_share: float = Field(0.25, gt=0, le=1, description="share of the samples that must "
                                    "agree on the fit, or the step has no estimate")
    cells: tuple[int, int] = Field((6, 4), description="regions (columns, rows, landscape) that "
                                   "each get an equal number of flow samples in the camera fit, so "
                                   "a large detailed subject cannot outvote a softer background")
    per_cell: int = Field(12, ge=1, description="flow samples at most per region, strongest "
                          "texture first")
    texture_floor: float = Field(1.5e-4, gt=0, description="structure-tensor minimum eigenvalue "
                                 "(OpenCV's scale) that is texture: flow there is measured, not "
                                 "filled in")
    texture_window: int = Field(5, ge=1, description="pixels a side, at half the motion size, "
                                "of the structure tensor's neighbourhood")
    strong_texture: float = Field(2.0, ge=1, description="times texture_floor of the samples "
                                  "trusted to be truly still (flow on flat areas reads as still)")
    min_contrast: float = Field(4.0, ge=0, description="luma standard deviation below which a "
                                "frame shows too little to track (black, a title fading in)")
    floor_contrast: float = Field(50.0, gt=0, description="luma standard deviation at which the "
                                  "texture floor holds; it scales with the square below (dim, "
                                  "flat scenes)")
    ransac_px: float = Field(0.6, gt=0, description="inlier tolerance of the camera similarity, "
                             "pixels, for up to 4 px of motion")
    ransac_min_px: float = Field(0.15, gt=0, description="pixels: and never below (sub-pixel "
                                 "steps at high frame rates must still separate a subject)")
    ransac_max_share: float = Field(0.35, gt=0, description="share of the typical motion the "
                                    "tolerance never exceeds")
    ransac_growth: float = Field(0.15, gt=0, description="share of the typical motion the "
                                 "tolerance grows with past ransac_px (flow errors grow with "
                                 "large displacements)")
    ransac_iterations: int = Field(1000, ge=1, description="RANSAC iterations at most")
    ransac_confidence: float = Field(0.995, gt=0, lt=1, description="RANSAC confidence "
                                      "that the best similarity was found")
    chunk_ransac_px: float = Field(1.0, gt=0, description="pixels of inlier tolerance for the "
                                   "half-second chunk steps (the frame steps already aligned "
                                   "them, so only a few pixels are left)")
    rival_points: int = Field(2, ge=1, description="still samples a cell needs to count as "
                              "showing a still background")
    rival_margin: float = Field(1.5, gt=0, description="a moving fit must show in this many times "
                                "the cells of a still rival: the fit favours the frame's edge "
                                "cells, where a tracked subject rarely is, so a still set there "
                                "is the background far more often than a subject")


class FeatureSettings(FrozenSettings):
    """The per-frame flow measurements every later detector reads."""

    grid_step: int = Field(12, ge=2, description="pixels between flow samples at the motion size")
    chunk: float = Field(0.5, gt=0, description="seconds between long-baseline camera steps "
                         "(slow moves are a fraction of a pixel per frame, which encoders round "
                         "away; over half a second they are several pixels)")
    held_motion: float = Field(4.0, gt=0, description="pixels the camera must move a point over a "
                               "chunk to test whether it is held (a subject it follows)")
    held_share: float = Field(0.3, gt=0, le=1, description="a point is held when it moves on "
                              "screen less than this share of what the camera would move it")
    explained: float = Field(2.0, gt=0, description="times ransac_px within which a textured "
                             "sample is explained by the camera step")
    top_share: float = Field(0.05, gt=0, le=1, description="share of the fastest flow samples "
                             "whose mean is a pair's motion size (flow_top)")
    object_quantile: float = Field(0.95, gt=0, le=1, description="quantile of the flow the camera "
                                   "does not explain that is a pair's object motion")
    min_gain: float = Field(0.5, gt=0, description="least global gain a brightness change may "
                            "explain between two frames (more is a different picture)")
    max_gain: float = Field(2.0, gt=1, description="largest such gain (a brighter "
                            "picture than that is a different one)")


class CameraSettings(FrozenSettings):
    """The camera path, its moves and its stability."""

    locked_speed: float = Field(0.008, ge=0, description="below this speed (any family, in its "
                                "unit) the camera is not moving")
    min_travel: float = Field(0.015, ge=0, description="a move must also cover this much in total "
                              "(frame fractions, ln scale)")
    min_travel_px: float = Field(4.0, ge=0, description="source pixels a move must also carry "
                                 "the picture (a zoom or roll: at the frame's side edge): five "
                                 "times the flow's RMS error (handheld_noise_px), so on a "
                                 "256-pixel AI clip a generator's drift of two or three pixels "
                                 "is no move; moves in the labelled footage carry 19 or more, "
                                 "locked shots' drift at most 3.4")
    secondary_share: float = Field(0.2, gt=0, le=1, description="a second family of motion "
                                   "within a segment is a move of its own (a pan with a push-in) "
                                   "at this share of the main one's speed, each in its unit; "
                                   "below it, it is the fit's cross-talk (under 0.02 of the main "
                                   "move on rendered paths) or the drift of a generated clip "
                                   "(up to 0.1 seen), with twice that margin")
    handheld_jitter: float = Field(0.002, gt=0, description="robust RMS wobble of the path about "
                                   "its fitted smooth trajectory (ramps and speed changes "
                                   "removed), frame widths, from which the camera is handheld: a "
                                   "hand held still shakes by a few thousandths of the frame, a "
                                   "tripod or a rendered path by well under one, and a pan's "
                                   "ramp leaves a few ten-thousandths")
    handheld_noise_px: float = Field(0.75, ge=0, description="source pixels of RMS wobble the "
                                     "flow's own error can make: on a small source (a 256-pixel "
                                     "AI clip) this, not handheld_jitter, is the least wobble "
                                     "that is real")
    trajectory_window: float = Field(0.5, gt=0, description="seconds either side of each frame "
                                     "in the quadratic fit of the intended trajectory: a move "
                                     "ramps or changes speed over half a second or more, which "
                                     "the fit follows, while a hand shakes at one to several "
                                     "hertz, which it cannot")
    trajectory_degree: int = Field(2, ge=1, le=3, description="degree of that fit: 2 follows "
                                   "a constant acceleration, so a ramp or a change of speed is "
                                   "intended motion, not wobble")
    smoothing: float = Field(0.5, gt=0, description="seconds either side in the straight-line fit "
                             "of the path whose slope is the intended motion's velocity, from "
                             "which moves are named")
    min_move: float = Field(0.75, gt=0, description="seconds: shorter runs join their neighbours")
    min_move_share: float = Field(0.3, gt=0, le=1, description="and never more than this share of "
                                  "the shot (a short shot still has moves)")
    held: float = Field(0.4, gt=0, le=1, description="median share of a cell's points that stay "
                        "put on screen while the camera moves for the cell to hold a subject "
                        "(tracking)")

"""The picture measures' thresholds and score compositions: subject integrity (subject.py),
picture quality (quality.py) and motion (motion.py), each field with its unit and why."""

from __future__ import annotations

from pydantic import Field

from reelgate.analysis.settings_base import FrozenSettings


class SubjectSettings(FrozenSettings):
    """Finding, following and comparing the main subject.

    Per sample: ``appearance_weight * look + retention_weight * keep`` (each clipped to 0..1);
    the score is ``mean_weight * mean(later samples) + worst_weight * worst sample``. Clarity is
    ``big_enough * (sharper + separated) / 2``, each term 0..1."""

    decide_after: float = Field(0.2, gt=0, description="seconds of motion looked at before "
                                "choosing the subject")
    decide_pairs: int = Field(5, ge=1, description="or this many frame pairs, whichever comes "
                              "first (high frame rates)")
    reference: float = Field(1.0, gt=0, description="seconds after the choice that define the "
                             "subject's normal look")
    min_area: float = Field(0.03, gt=0, le=1, description="least share of the frame the subject "
                            "box covers")
    max_area: float = Field(0.4, gt=0, le=1, description="largest share of the frame it covers")
    box_margin: float = Field(1.15, ge=1, description="times the found region's size the box is "
                              "grown by, so the subject's edges are inside it")
    motion_evidence: float = Field(0.6, gt=0, description="pixels per frame of motion unlike the "
                                   "camera to call it a subject")
    follow_share: float = Field(0.2, gt=0, le=1, description="least share of the box's "
                                "pixels moving unlike the camera for the box to follow them "
                                "alone (a followed subject over a streaming background)")
    motion_centre_power: float = Field(0.5, ge=0, description="exponent of the centre prior when "
                                       "motion finds the subject (motion is strong evidence: "
                                       "the prior only breaks ties)")
    motion_saliency_weight: float = Field(0.3, ge=0, description="weight of saliency added to "
                                          "normalised motion when motion finds the subject")
    salient_peak: float = Field(4.0, gt=1, description="times the median saliency the peak must "
                                "reach for saliency to find the subject (else the centre)")
    centre_sigma: float = Field(0.3, gt=0, description="frame fractions: spread of the centre "
                                "prior, where generators put subjects")
    region_share: float = Field(0.5, gt=0, le=1, description="share of the peak score that "
                                "bounds the subject region around the peak")
    appearance_floor: float = Field(0.6, gt=0, lt=1, description="histogram similarity that "
                                    "counts as a different subject")
    appearance_margin: float = Field(0.05, gt=0, description="least lead of the first second's "
                                     "appearance over the floor (a dissimilar start still "
                                     "scales)")
    retention_floor: float = Field(0.05, gt=0, description="least retention the first second is "
                                   "taken to have (feature-poor subjects)")
    orb_features: int = Field(300, ge=8, description="ORB features detected per sample")
    orb_patch: int = Field(15, ge=3, description="pixels: ORB patch size and edge threshold "
                           "(small subject boxes)")
    min_reference_keypoints: int = Field(8, ge=1, description="keypoints a sample needs to become "
                                         "the reference")
    min_keypoints: int = Field(4, ge=1, description="keypoints below which a sample retains "
                               "nothing")
    ratio_test: float = Field(0.8, gt=0, le=1, description="Lowe's ratio: a match counts when "
                              "its distance is under this share of the second best")
    min_matches: int = Field(8, ge=4, description="good matches needed to fit a homography")
    few_matches_weight: float = Field(0.5, ge=0, le=1, description="share of credit for matches "
                                      "too few to fit a homography (unconfirmed)")
    homography_px: float = Field(3.0, gt=0, description="pixels of RANSAC tolerance of the "
                                 "homography at the detail size")
    appearance_weight: float = Field(0.5, ge=0, le=1, description="weight of appearance in a "
                                     "sample's score (retention has retention_weight)")
    retention_weight: float = Field(0.5, ge=0, le=1, description="weight of retention in it")
    mean_weight: float = Field(0.7, ge=0, le=1, description="weight of the later samples' mean "
                               "in the score")
    worst_weight: float = Field(0.3, ge=0, le=1, description="weight of the worst sample: one bad "
                                "moment shows even in a long clip")
    moment_samples: int = Field(2, ge=1, description="consecutive samples (4 a second) whose mean "
                                "is a moment for the worst term: half a second, so one blurred "
                                "frame's failed feature match is not a broken subject, while a "
                                "morph (over half a second) still is")
    clearly_sharper: float = Field(0.15, gt=0, description="blur-effect lead of the subject over "
                                   "its surroundings that scores 1 (equal scores 0.5)")
    clearly_apart: float = Field(0.3, gt=0, description="histogram distance from its "
                                 "surroundings at which the subject is fully separated")
    big_enough: float = Field(0.05, gt=0, le=1, description="share of the frame from which the "
                              "subject is big enough to be clear")
    fallback_box: tuple[float, float, float, float] = Field(
        (0.3, 0.2, 0.7, 0.8), description="frame fractions (x0, y0, x1, y1): the subject box of a "
        "clip too short to choose one (where generators put subjects)")
    saliency_sigma: float = Field(2.0, gt=0, description="coarse cells: Gaussian smoothing of "
                                  "the spectral-residual saliency map")


class QualitySettings(FrozenSettings):
    """Picture measures on sampled frames."""

    blur_window: int = Field(11, ge=3, description="the Crete re-blur filter length, pixels at "
                             "the detail size")
    every_nth_sample: int = Field(2, ge=1, description="of the detail samples (4 a second): two "
                                  "picture measures a second; they change slowly")
    dark: int = Field(3, ge=0, le=255, description="full-range level at or below which a pixel "
                      "is clipped dark")
    bright: int = Field(252, ge=0, le=255, description="full-range level at or above which a "
                        "pixel is clipped bright")


class MotionSettings(FrozenSettings):
    """How much moves and how readable it is."""

    dynamic_step: float = Field(1 / 8, gt=0, description="seconds per dynamic-degree step "
                                "(VBench)")
    dynamic_share: float = Field(6 / 256, gt=0, description="of the short side per step: a step "
                                 "moving more is dynamic (VBench)")
    readable_speed: float = Field(0.25, gt=0, description="frame widths per second that any "
                                  "viewer can follow")
    unreadable_speed: float = Field(0.75, gt=0, description="frame widths per second that nobody "
                                    "can")
    fast_percentile: float = Field(90.0, gt=0, le=100, description="percentile of the speed that "
                                   "is the clip's fast motion for readability")
    explained: float = Field(4.0, gt=0, description="levels of residual after flow below which a "
                             "frame pair was followed")
    still: float = Field(1e-3, ge=0, description="frame widths per second of mean motion below "
                         "which a clip is still (no pacing variation)")

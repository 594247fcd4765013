"""The continuity detectors' thresholds (cuts, brightness, freezes, warps) and the continuity
score's composition: one frozen settings object per detector, each field with its unit and why.

Levels are full-range 8-bit luma levels; frame counts are lower bounds for windows given in
seconds, so a low frame rate still has a usable window.
"""

from __future__ import annotations

from pydantic import Field

from reelgate.analysis.settings_base import FrozenSettings


class CutSettings(FrozenSettings):
    """Hard cuts and transient shot changes (flash, insert): a change flow and a global gain
    cannot explain, that stays."""

    mismatch: float = Field(8.0, gt=0, description="luma levels unexplained by flow and gain "
                            "between two frames that make a shot change")
    chroma: float = Field(10.0, gt=0, description="levels of mean chroma change of the whole "
                          "picture that make a shot change (and two thumbnails different shots)")
    event_ratio: float = Field(5.0, gt=1, description="times the local typical mismatch or chroma "
                               "change a pair must reach: busy footage raises its own bar")
    corroborated_ratio: float = Field(
        2.5, gt=1, description="times the local typical mismatch that is a cut when the "
        "picture's structure also breaks at that pair alone (busy footage raises the typical "
        "mismatch, not the structure of consecutive frames of one shot)")
    same_shot_ncc: float = Field(0.75, gt=0, le=1, description="thumbnail correlation at or "
                                 "above which two frames show the same shot")
    flat_std: float = Field(3.0, ge=0, description="levels of thumbnail standard deviation "
                            "below which a picture is flat and correlation means nothing")
    flat_match_steps: float = Field(2.0, gt=0, description="two flat pictures are one shot when "
                                    "their mean brightness differs by less than this many "
                                    "brightness steps")
    window: float = Field(0.5, gt=0, description="seconds either side of the local typical "
                          "mismatch and chroma change")
    min_window_frames: int = Field(6, ge=1, description="frames either side, at least, of that "
                                   "window (low frame rates)")
    exclude_frames: int = Field(1, ge=0, description="frames either side left out of that "
                                "window, so a change does not raise its own bar")
    return_share: float = Field(0.5, gt=0, le=1, description="odd frames of the same shot are "
                                "undone (a transient) only when a later frame comes back at most "
                                "this share of the thumbnail distance they moved away: a jump "
                                "keeps the background, so it looks alike, but it does not come "
                                "back")


class JumpSettings(FrozenSettings):
    """Same-camera jump cuts: one pair whose change stands far above both neighbouring pairs
    and stays, where a hard cut's bars are never reached (the background stays the same)."""

    ratio: float = Field(3.0, gt=1, description="times both neighbouring pairs (and the local "
                         "typical) the pair's mismatch and its thumbnail distance must reach: "
                         "motion, however fast, builds up and dies down over several pairs")
    mismatch: float = Field(2.0, gt=0, description="levels unexplained by flow and gain, at "
                            "least: a jump changes something visibly (about twice what "
                            "compression leaves on a still shot)")
    still_change: float = Field(0.005, gt=0, description="thumbnail distance (1 - correlation) "
                                "that noise and compression alone give two frames of a still "
                                "shot: the least neighbouring change a jump is compared with")
    stays: float = Field(0.5, gt=0, le=1, description="a jump is undone (a transient) when a "
                         "frame within `transient` comes back nearer than this share of its "
                         "thumbnail distance to the frame before it, in one step at least that "
                         "share as large (a glitch snaps back; motion eases back)")


class CorruptionSettings(FrozenSettings):
    """Corrupted spans: part of the picture breaks at one pair, stands still, and snaps to the
    present at a later abrupt pair (a decoder conceals lost data until the next keyframe)."""

    max_seconds: float = Field(10.0, gt=0, description="longest span looked for, seconds: "
                               "encoders put a keyframe, which ends any corruption, at least "
                               "every 10 s (x264's default 250 frames at 25 fps)")
    min_change: float = Field(2.0, gt=0, description="levels of block change (structure "
                              "thumbnail) that count as a change, above compression noise")
    region_share: float = Field(0.5, gt=0, le=1, description="blocks that change at the snap "
                                "by at least this share of the largest change form its region")
    stuck_change: float = Field(1.0, gt=0, description="levels of median block change "
                                "(structure thumbnail) under which the region stands still "
                                "(concealment holds it; compression noise stays under it)")
    stuck_share: float = Field(0.5, gt=0, le=1, description="share of the span's pairs, at "
                               "least, in which the region stands still (a decoder may smear it "
                               "first; a region with motion of its own moves throughout)")
    hold_share: float = Field(0.25, gt=0, le=1, description="share of the picture's blocks, at "
                              "least, that do not change at the break: damage is partial; an "
                              "edit away and back changes the whole picture")


class BrightnessSettings(FrozenSettings):
    """Flashes and persistent steps of whole-picture brightness, and the flicker measure."""

    step: float = Field(6.0, gt=0, description="levels of whole-picture brightness jump, against "
                        "the trend, that is a flash or a step (fades ramp, they do not jump)")
    spreads: float = Field(6.0, gt=0, description="and how many of the clip's robust "
                           "deviations (grain, flicker) the jump must be")
    flash_undo: float = Field(0.5, gt=0, le=1, description="a later opposite jump undoes a flash "
                              "when the two jumps' sum is under this share of the larger")
    window: float = Field(0.25, gt=0, description="seconds either side of the brightness trend")
    min_window_frames: int = Field(4, ge=1, description="frames either side, at least, of that "
                                   "window")
    exclude_frames: int = Field(1, ge=0, description="frames either side left out of the "
                                "trend, so a jump does not raise its own")


class FreezeSettings(FrozenSettings):
    """Stalls: three or more identical frames while the frames around them change."""

    change: float = Field(1.0, gt=0, description="levels: if no block changes more, two frames "
                          "show the same picture (an encoder re-coding a repeated frame changes "
                          "blocks by up to about a level; motion, even a small dark subject at "
                          "60 fps, changes some block by two or more)")
    mae: float = Field(0.15, gt=0, description="levels: and the whole picture's mean change "
                       "stays below this (or below quiet_share of usual)")
    quiet_share: float = Field(0.25, gt=0, le=1, description="share of the clip's usual mean "
                               "change under which a pair is quiet enough to be repeated")
    nearly: float = Field(3.0, ge=1, description="times `change` that a stall's re-coded first "
                          "frames may still change by (encoders re-code a stall's start)")
    seconds: float = Field(0.08, gt=0, description="shortest stall reported, seconds (at least "
                           "three identical frames)")
    motion: float = Field(0.4, gt=0, description="pixels per frame (top 5 %, motion size) on both "
                          "sides: a visible stall")
    around: float = Field(2.0, gt=0, description="levels: and some block changes this much per "
                          "frame around it (median)")
    exit_jump: float = Field(1.2, gt=0, description="times the median motion before the stall "
                             "that the step out must carry (time went on while the picture "
                             "stood; a subject pausing by itself eases out instead)")
    fade_rate: float = Field(1.0, gt=0, description="levels per frame of mean brightness change "
                             "that make a pair a fade (fades fool the flow)")
    reach: float = Field(0.5, gt=0, description="seconds either side of a stall whose motion "
                         "shows it is one")
    min_reach_frames: int = Field(3, ge=1, description="frames, at least, of that reach")
    usual_window: float = Field(1.0, gt=0, description="seconds either side of the usual mean "
                                "change")
    min_usual_frames: int = Field(3, ge=1, description="frames, at least, of that window")


class WarpSettings(FrozenSettings):
    """Local morphs: a region that, for a moment, cannot be interpolated from its neighbour
    frames while the rest can, and that then looks as it did before."""

    levels: float = Field(6.0, gt=0, description="levels a block's interpolation error must rise "
                          "above its baseline")
    spreads: float = Field(5.0, gt=0, description="and how many of its usual deviations (noise, "
                           "busy content) that is")
    min_spread: float = Field(0.3, gt=0, description="levels: the least deviation assumed, for "
                              "perfectly clean blocks")
    busy_motion: float = Field(4.0, gt=0, description="half-size pixels over two frames of steady "
                               "motion around a block past which the evidence is uncertain")
    max_seconds: float = Field(0.5, gt=0, description="longest warp, seconds: onset, peak and "
                               "recession of a local morph (longer is motion)")
    return_share: float = Field(0.6, gt=0, description="the region afterwards is at most this "
                                "share of the event's change away from how it looked before: it "
                                "came back (a subject moving on stays changed, about 1)")
    min_change: float = Field(2.0, gt=0, description="levels: the least change an event is taken "
                              "to make on the thumbnail")
    busy_skip: float = Field(4.0, gt=0, description="times the clip's median neighbour-to-"
                             "neighbour error: above, the region is busy with motion the flow "
                             "cannot follow (occlusion, non-rigid or fast motion, grain)")
    evidence: float = Field(4.0, gt=0, description="combined evidence of an event (Stouffer over "
                            "its blocks, in threshold units) below which it is not reported: one "
                            "block just past its threshold is chance")
    fast_flow: float = Field(12.0, gt=0, description="half-size pixels of flow over two frames (6 "
                             "a frame) inside the region: past it DIS loses track (fast hands, "
                             "balls, wheels) and interpolation errors are expected")
    strong: float = Field(10.0, gt=0, description="combined evidence that, when the region "
                          "returns within exact_return, is a warp even where the detector "
                          "otherwise could not judge (corroborated)")
    exact_return: float = Field(0.125, ge=0, description="return share that counts as exact")
    insert_share: float = Field(0.5, gt=0, le=1, description="share of the picture's blocks from "
                                "which an event is an inserted picture, not a local warp")
    window: float = Field(0.5, gt=0, description="seconds either side of each block's baseline")
    min_window_frames: int = Field(6, ge=1, description="frames either side, at least, of that "
                                   "window")
    exclude_frames: int = Field(2, ge=0, description="frames either side left out of a block's "
                                "baseline, so the event does not raise its own")


class ContinuityScoreSettings(FrozenSettings):
    """The continuity score: 1 - min(cap, flicker penalty) - min(cap, roughness penalty), each
    penalty being the excess over its free allowance divided by its scale. Cuts and glitches
    are not in it: the rubric counts them against its own bounds, once."""

    flicker_free: float = Field(0.5, ge=0, description="levels of RMS frame-to-frame brightness "
                                "wobble that cost nothing")
    flicker_scale: float = Field(10.0, gt=0, description="levels of wobble past that for each "
                                 "unit of score lost")
    roughness_free: float = Field(1.5, ge=0, description="levels of median interpolation error "
                                  "that cost nothing (clean video)")
    roughness_scale: float = Field(20.0, gt=0, description="levels past that for each unit of "
                                   "score lost")
    cap: float = Field(0.2, ge=0, le=1, description="most either penalty takes: smoothness alone "
                       "never fails the 0.8 bound")


class ContinuitySettings(FrozenSettings):
    """Every continuity detector's settings, and what they share."""

    transient: float = Field(0.2, gt=0, description="seconds: a change undone this fast is a "
                             "glitch, not a cut; events closer than this are one glitch")
    min_transient_frames: int = Field(2, ge=1, description="frames, at least, of that span")
    event_guard: int = Field(2, ge=0, description="frames either side of a shot change or "
                             "brightness event where later detectors do not look (its own "
                             "disturbance)")
    cut_guard: int = Field(3, ge=0, description="frames either side of a cut where brightness "
                           "and warps are not looked for")
    freeze_exit_guard: int = Field(2, ge=0, description="frames after a stall (the jump out of "
                                   "it) where warps are not looked for")
    cut: CutSettings = Field(default_factory=CutSettings)
    jump: JumpSettings = Field(default_factory=JumpSettings)
    corruption: CorruptionSettings = Field(default_factory=CorruptionSettings)
    brightness: BrightnessSettings = Field(default_factory=BrightnessSettings)
    freeze: FreezeSettings = Field(default_factory=FreezeSettings)
    warp: WarpSettings = Field(default_factory=WarpSettings)
    score: ContinuityScoreSettings = Field(default_factory=ContinuityScoreSettings)

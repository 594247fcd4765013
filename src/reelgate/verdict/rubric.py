"""The fixed rubric every rendered clip is scored on: continuity, subject, camera intent.

Each check has a hard bound (missing it makes the clip unusable: ``fail``) and a soft margin
above it (landing inside it passes, but as ``pass-with-edits``: usable after a look).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reelgate.analysis.model import ClipAnalysis, Glitch, SubjectIntegrity
from reelgate.preset.camera import CameraIntent
from reelgate.preset.model import MAX_SHOTS
from reelgate.preset.thresholds import Rubric
from reelgate.verdict.same_subject import SubjectShift
from reelgate.verdict.shots import ShotCuts

Verdict = Literal["pass", "pass-with-edits", "fail"]
Status = Literal["pass", "warn", "fail"]
VERDICT_RANK: dict[str, int] = {"pass": 0, "pass-with-edits": 1, "fail": 2}


class Check(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    measured: str
    bound: str
    status: Status
    detail: str = ""


class ClipVerdict(BaseModel):
    """One clip on the rubric: its checks, its verdict, the metrics a regression compares."""

    model_config = ConfigDict(frozen=True)

    key: str
    clip: str  # sha256 of the clip
    verdict: Verdict
    checks: list[Check]
    metrics: dict[str, float]
    fault_times: list[float]  # seconds of the frames at fault, for the contact sheet
    # What is wrong at each of fault_times (same order): written on the sheet's frame.
    fault_kinds: list[str] = Field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.verdict != "fail"

    def faults(self) -> list[tuple[float, str]]:
        """(seconds, kind) of each frame at fault; "fault" where the kind was not recorded."""
        kinds = [*self.fault_kinds, *["fault"] * len(self.fault_times)]
        return list(zip(self.fault_times, kinds, strict=False))


def judge_clip(key: str, analysis: ClipAnalysis, rubric: Rubric, intent: CameraIntent,
               shot_cuts: ShotCuts | None = None,
               shot_analyses: dict[int, ClipAnalysis] | None = None,
               subject_shifts: list[SubjectShift] | None = None) -> ClipVerdict:
    """Score one clip. A multi-shot clip comes with its ``shot_cuts`` (declared against found),
    the analysis of each shot and how far each shot's subject looks from shot 1's: its cuts
    are checked against the boundaries, not counted against ``max_cuts``, camera and subject
    are judged shot by shot, and every shot must show shot 1's subject."""
    from reelgate.analysis.intent import match_camera

    continuity = analysis.continuity
    intended = shot_cuts.intended if shot_cuts else []
    tolerance = (shot_cuts.tolerance_frames + 0.5) / (analysis.video.fps or 24.0) if shot_cuts else 0
    glitches = [g for g in continuity.glitches if not _near(g.time, intended, tolerance)]
    uncertain = [u for u in continuity.uncertain if not _near(u.time, intended, tolerance)]
    checks = [
        _scored("temporal continuity", continuity.score, rubric.min_continuity, rubric.warn_margin),
        _cuts_check(analysis, rubric, shot_cuts),
        Check(name="glitches", measured=f"{len(glitches)}", bound=f"<= {rubric.max_glitches}",
              status="fail" if len(glitches) > rubric.max_glitches else "pass",
              detail=", ".join(_glitch_words(g) for g in glitches[:6])),
    ]
    if uncertain:  # evidence the detectors could not judge: a look, never a failure
        checks.append(Check(
            name="uncertain", measured=f"{len(uncertain)}", bound="0", status="warn",
            detail="; ".join(f"{u.kind}? at {u.time:.2f} s: {u.reason}" for u in uncertain[:4])))
    faults: dict[float, str] = {}
    for time, kind in [*((t, "cut") for t in continuity.cuts), *((g.time, g.kind) for g in glitches),
                       *((u.time, f"{u.kind}?") for u in uncertain)]:
        _add_fault(faults, time, kind)
    if shot_cuts is None:
        checks.append(_scored("subject integrity", analysis.subject.score, rubric.min_subject,
                              rubric.warn_margin))
        match = match_camera(analysis.camera, intent)
        if rubric.require_camera_match:
            checks.append(Check(name="camera intent", measured=match.measured, bound=match.expected,
                                status="pass" if match.matched else "fail",
                                detail="; ".join(match.reasons)))
        subject, camera_match, shot_metrics = analysis.subject.score, float(match.matched), {}
        if analysis.subject.score < rubric.min_subject:
            _add_fault(faults, analysis.subject.worst_time, "subject")
        if (in_frame := _in_frame_check(analysis.subject, rubric)) is not None:
            checks.append(in_frame.check)
            _add_fault(faults, in_frame.time, "subject left")
    else:
        faults = {t: k for t, k in faults.items() if not _near(t, intended, tolerance)}
        for time in shot_cuts.fault_times():
            _add_fault(faults, time, "shot cut")
        shot_checks, shot_metrics, shot_faults = _per_shot(shot_cuts, shot_analyses or {}, rubric)
        checks += shot_checks
        for time in shot_faults:
            _add_fault(faults, time, "subject")
        same_checks, same_metrics, same_faults = _same_subject(shot_cuts, subject_shifts or [],
                                                               rubric)
        checks += same_checks
        shot_metrics |= same_metrics
        for time in same_faults:
            _add_fault(faults, time, "other subject")
        subject = min((v for k, v in shot_metrics.items() if k.endswith(".subject")), default=0.0)
        matches = [v for k, v in shot_metrics.items() if k.endswith(".camera_match")]
        camera_match = sum(matches) / len(matches) if matches else 0.0
    statuses = {c.status for c in checks}
    verdict: Verdict = "fail" if "fail" in statuses else "pass-with-edits" if "warn" in statuses else "pass"
    metrics = {
        "continuity": round(continuity.score, 4),
        "subject": round(subject, 4),
        "camera_match": round(camera_match, 4),
        "motion": round(analysis.motion.amount, 4),
        # What motion_score moves: the sweep holds the camera, so the motion it does not explain.
        "object_motion": round(analysis.motion.object_motion, 4),
        "glitches": float(len(glitches)),
        "cuts": float(len(continuity.cuts)),
        "flicker": round(continuity.flicker, 4),
        **shot_metrics,
    }
    if shot_cuts is not None:
        metrics["cut_error_frames"] = shot_cuts.error_frames
    return ClipVerdict(key=key, clip=analysis.sha256, verdict=verdict, checks=checks, metrics=metrics,
                       fault_times=sorted(faults), fault_kinds=[faults[t] for t in sorted(faults)])


@dataclass(frozen=True)
class _InFrame:
    check: Check
    time: float  # when the subject left the frame


def _in_frame_check(subject: SubjectIntegrity, rubric: Rubric, name: str = "subject in frame"
                    ) -> _InFrame | None:
    """A look when the subject walked out of frame for most of the clip: its integrity is judged
    only while it is in frame, so the time it was away is said apart (never a failure). A box
    that lost its subject is no exit: the score already counts that time as 0."""
    left = subject.left_frame_at
    if left is None or subject.visible >= rubric.min_subject_in_frame:
        return None
    return _InFrame(Check(name=name, measured=f"{subject.visible:.0%} of the clip",
                          bound=f">= {rubric.min_subject_in_frame:.0%}", status="warn",
                          detail=f"left the frame at {left:.2f} s; its integrity is judged while it "
                          "is in frame"), left)


def _add_fault(faults: dict[float, str], time: float, kind: str) -> None:
    """Two faults at one moment are one frame on the sheet, naming both."""
    known = faults.get(time)
    if known is None:
        faults[time] = kind
    elif kind not in known.split("+"):
        faults[time] = f"{known}+{kind}"


def _near(time: float, cuts: list[float], tolerance: float) -> bool:
    return any(abs(time - cut) <= tolerance for cut in cuts)


def _cuts_check(analysis: ClipAnalysis, rubric: Rubric, shot_cuts: ShotCuts | None) -> Check:
    cuts = analysis.continuity.cuts
    if shot_cuts is None:
        return Check(name="cuts", measured=f"{len(cuts)}", bound=f"<= {rubric.max_cuts}",
                     status="fail" if len(cuts) > rubric.max_cuts else "pass",
                     detail=", ".join(f"cut at {t:.2f} s" for t in cuts))
    found = ", ".join(f"{t:.2f}" for t in cuts) or "none"
    declared = ", ".join(f"{t:.2f}" for t in shot_cuts.declared)
    bound = (f"<= {MAX_SHOTS - 1}, the model's choice" if shot_cuts.intelligent
             else f"at {declared} s ±{shot_cuts.tolerance_frames} frames" if declared else "none")
    return Check(name="shot cuts", measured=f"{len(cuts)} at {found} s" if cuts else "none",
                 bound=bound, status="pass" if shot_cuts.ok else "fail",
                 detail="; ".join(shot_cuts.problems))


def _per_shot(shot_cuts: ShotCuts, analyses: dict[int, ClipAnalysis], rubric: Rubric
              ) -> tuple[list[Check], dict[str, float], set[float]]:
    """Subject integrity and camera intent of each shot, on that shot's own analysis."""
    from reelgate.analysis.intent import match_camera

    checks: list[Check] = []
    metrics: dict[str, float] = {}
    faults: set[float] = set()
    for window in shot_cuts.windows:
        name = f"shot {window.index}"
        shot = analyses.get(window.index)
        if shot is None:  # too short to analyse, or unreadable: a look, not a pass
            checks.append(Check(name=f"{name}", measured="not analysed", bound="analysed",
                                status="warn", detail=f"{window.start_s:.2f}-{window.end_s:.2f} s "
                                "could not be analysed on its own"))
            continue
        checks.append(_scored(f"subject integrity ({name})", shot.subject.score, rubric.min_subject,
                              rubric.warn_margin))
        metrics[f"shot{window.index}.subject"] = round(shot.subject.score, 4)
        metrics[f"shot{window.index}.motion"] = round(shot.motion.amount, 4)
        if shot.subject.score < rubric.min_subject:
            faults.add(round(window.start_s + shot.subject.worst_time, 4))
        if (in_frame := _in_frame_check(shot.subject, rubric, f"subject in frame ({name})")):
            checks.append(in_frame.check)
        if window.camera is None:
            continue
        match = match_camera(shot.camera, window.camera)
        metrics[f"shot{window.index}.camera_match"] = 1.0 if match.matched else 0.0
        if rubric.require_camera_match:
            checks.append(Check(name=f"camera intent ({name})", measured=match.measured,
                                bound=match.expected, status="pass" if match.matched else "fail",
                                detail="; ".join(match.reasons)))
    return checks, metrics, faults


def _same_subject(shot_cuts: ShotCuts, shifts: list[SubjectShift], rubric: Rubric
                  ) -> tuple[list[Check], dict[str, float], set[float]]:
    """Each later shot's subject against shot 1's; off when ``max_subject_distance`` is 1.

    A shot past the bound is a ``warn`` (pass with edits: look at it), never a fail: colour
    histograms tell a changed character *and setting* from a kept one, but the same character
    cut into a new location measured 0.59 on the simulator's narrative clip while two people in
    one room stay under 0.3, so the measure cannot by itself make a clip unusable."""
    bound = rubric.max_subject_distance
    if bound >= 1:
        return [], {}, set()
    starts = {w.index: w.start_s for w in shot_cuts.windows}
    checks, metrics, faults = [], {}, set()
    for shift in shifts:
        failed = shift.distance > bound
        checks.append(Check(name=f"same subject (shot {shift.index})",
                            measured=f"{shift.distance:.2f} from shot {shift.against}",
                            bound=f"<= {bound:g}", status="warn" if failed else "pass",
                            detail=shift.finding(bound) if failed else ""))
        metrics[f"shot{shift.index}.subject_distance"] = shift.distance
        if failed and shift.index in starts:
            faults.add(round(starts[shift.index], 4))
    return checks, metrics, faults


def _scored(name: str, value: float, bound: float, margin: float) -> Check:
    if value < bound:
        status: Status = "fail"
    elif value < bound + margin:
        status = "warn"
    else:
        status = "pass"
    detail = f"within {margin:g} of the bound" if status == "warn" else ""
    return Check(name=name, measured=f"{value:.3f}", bound=f">= {bound:g}", status=status, detail=detail)


def table(verdict: ClipVerdict) -> str:
    """The failure message's table: check, measured, bound, verdict."""
    rows = [("check", "measured", "bound", "verdict")]
    rows += [(c.name, c.measured, c.bound, c.status + (f" ({c.detail})" if c.detail else ""))
             for c in verdict.checks]
    widths = [max(len(r[i]) for r in rows[:] if i < 3) for i in range(3)]
    lines = []
    for row in rows:
        cells = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3]))
        lines.append(f"  {cells}  {row[3]}")
    return "\n".join(lines)


def _glitch_words(glitch: Glitch) -> str:
    """A glitch in the check's detail: one fault, with its span when it lasts (a corrupted
    span is one glitch from its first to its last broken frame)."""
    if glitch.end > glitch.start:
        return f"{glitch.kind} {glitch.start:.2f}-{glitch.end:.2f} s"
    return f"{glitch.kind} at {glitch.time:.2f} s"

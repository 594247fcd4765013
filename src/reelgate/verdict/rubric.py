"""The fixed rubric every rendered clip is scored on: continuity, subject, camera intent.

Each check has a hard bound (missing it makes the clip unusable: ``fail``) and a soft margin
above it (landing inside it passes, but as ``pass-with-edits``: usable after a look).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from reelgate.analysis.model import ClipAnalysis, Glitch
from reelgate.preset.camera import CameraIntent
from reelgate.preset.thresholds import Rubric

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

    @property
    def usable(self) -> bool:
        return self.verdict != "fail"


def judge_clip(key: str, analysis: ClipAnalysis, rubric: Rubric, intent: CameraIntent) -> ClipVerdict:
    from reelgate.analysis.intent import match_camera

    continuity = analysis.continuity
    checks = [
        _scored("temporal continuity", continuity.score, rubric.min_continuity, rubric.warn_margin),
        Check(name="cuts", measured=f"{len(continuity.cuts)}", bound=f"<= {rubric.max_cuts}",
              status="fail" if len(continuity.cuts) > rubric.max_cuts else "pass",
              detail=", ".join(f"cut at {t:.2f} s" for t in continuity.cuts)),
        Check(name="glitches", measured=f"{len(continuity.glitches)}", bound=f"<= {rubric.max_glitches}",
              status="fail" if len(continuity.glitches) > rubric.max_glitches else "pass",
              detail=", ".join(_glitch_words(g) for g in continuity.glitches[:6])),
        _scored("subject integrity", analysis.subject.score, rubric.min_subject, rubric.warn_margin),
    ]
    if continuity.uncertain:  # evidence the detectors could not judge: a look, never a failure
        checks.append(Check(
            name="uncertain", measured=f"{len(continuity.uncertain)}", bound="0", status="warn",
            detail="; ".join(f"{u.kind}? at {u.time:.2f} s: {u.reason}" for u in continuity.uncertain[:4])))
    match = match_camera(analysis.camera, intent)
    if rubric.require_camera_match:
        checks.append(Check(name="camera intent", measured=match.measured, bound=match.expected,
                            status="pass" if match.matched else "fail", detail="; ".join(match.reasons)))
    statuses = {c.status for c in checks}
    verdict: Verdict = "fail" if "fail" in statuses else "pass-with-edits" if "warn" in statuses else "pass"
    metrics = {
        "continuity": round(continuity.score, 4),
        "subject": round(analysis.subject.score, 4),
        "camera_match": 1.0 if match.matched else 0.0,
        "motion": round(analysis.motion.amount, 4),
        "glitches": float(len(continuity.glitches)),
        "cuts": float(len(continuity.cuts)),
        "flicker": round(continuity.flicker, 4),
    }
    faults = {*continuity.cuts, *(g.time for g in continuity.glitches),
              *(u.time for u in continuity.uncertain)}
    if analysis.subject.score < rubric.min_subject:
        faults.add(analysis.subject.worst_time)
    return ClipVerdict(key=key, clip=analysis.sha256, verdict=verdict, checks=checks, metrics=metrics,
                       fault_times=sorted(faults))


def _glitch_words(glitch: Glitch) -> str:
    """A glitch in the check's detail: one fault, with its span when it lasts (a corrupted
    span is one glitch from its first to its last broken frame)."""
    if glitch.end > glitch.start:
        return f"{glitch.kind} {glitch.start:.2f}-{glitch.end:.2f} s"
    return f"{glitch.kind} at {glitch.time:.2f} s"


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

"""The human-readable summary ``reelgate analyze`` prints.

Every number carries its unit in words (the JSON's field descriptions say the same), so a
reader needs no legend: "frame widths" is the share of the picture's width, the unit camera and
motion are measured in whatever the clip's resolution.
"""

from __future__ import annotations

from collections.abc import Sequence

from reelgate.analysis.camera_words import unit_of
from reelgate.analysis.intent import describe
from reelgate.analysis.model import CameraSegment, ClipAnalysis

# A segment's stability is worth a word only when it says more than its move does: a locked
# segment is locked, a handheld one handheld.
_SAID_BY_MOVE = {"locked": "locked", "handheld": "handheld"}


def joined(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c': a list read as a sentence."""
    if len(words) <= 2:
        return " and ".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _segment(move: CameraSegment) -> str:
    text = f"{move.start:6.2f}-{move.end:6.2f} s  {move.move}"
    if move.speed_word:
        per_second = unit_of(move.move).replace(" per second", "/s")
        text += f" at {move.speed:.3f} {per_second} ({move.speed_word})"
    if _SAID_BY_MOVE.get(move.move) != move.stability:
        text += f", {move.stability}"
    return text


def _cuts(cuts: Sequence[float]) -> str:
    if not cuts:
        return "no cuts"
    times = joined([f"{t:.3f}" for t in cuts])
    return f"{len(cuts)} cut{'s' * (len(cuts) != 1)} at {times} s"


def summary(a: ClipAnalysis) -> str:
    v, c, p, q, m, s = a.video, a.continuity, a.camera.path, a.quality, a.motion, a.subject
    timing = f"{v.fps:.3f} fps" + (f" (variable, {v.min_fps:.2f}-{v.max_fps:.2f})" if v.vfr else "")
    longest = max(a.camera.segments, key=lambda x: x.end - x.start)
    camera = f"camera     {describe(longest)}"
    if a.camera.moves != [longest.move]:
        camera += f"; moves in the clip: {joined(a.camera.moves)}"
    lines = [
        f"{a.file}  sha256 {a.sha256[:16]}…",
        f"video      {v.width}x{v.height} {v.codec}, {timing}, {v.duration:.3f} s, "
        f"{v.frames} frames" + (f", rotated {v.rotation}°" if v.rotation else ""),
        camera,
        f"path       pan {p.pan:+.3f} frame widths, tilt {p.tilt:+.3f} frame heights, "
        f"zoom x{p.zoom:.3f} scale, roll {p.roll:+.2f}°,",
        f"           jitter {p.jitter:.4f} frame widths RMS; segments:",
    ]
    lines += [f"           {_segment(move)}" for move in a.camera.segments]
    lines.append(f"continuity {c.score:.2f} (0-1); {_cuts(c.cuts)}; "
                 f"flicker {c.flicker:.2f} levels of 255 RMS")
    for g in c.glitches:
        span = f" ({g.start:.3f}-{g.end:.3f} s)" if g.end > g.start else ""
        lines.append(
            f"           {g.time:8.3f} s  {g.kind}{span} (x{g.strength:.1f} its threshold)"
        )
    lines += [
        f"subject    {s.score:.2f} (0-1; appearance {s.appearance:.2f}, features kept "
        f"{s.retention:.2f}, worst {s.worst:.2f} at {s.worst_time:.2f} s, found by {s.found_by})"
        + ("" if s.left_frame_at is None else f"; left the frame at {s.left_frame_at:.2f} s, in "
           f"frame {s.visible:.0%} of the clip"),
        f"motion     amount {m.amount:.3f} frame widths/s, objects {m.object_motion:.3f} frame "
        f"widths/s, camera {m.camera_speed:.3f} frame fractions/s,",
        f"           dynamic {m.dynamic_degree:.2f} (share of time moving), pacing CV "
        f"{m.pacing_variation:.2f} (std/mean of per-second motion)",
        f"quality    sharpness {q.sharpness:.3f}, exposure {q.exposure:.2f}, contrast "
        f"{q.contrast:.3f}, readability {q.motion_readability:.2f}, subject clarity "
        f"{q.subject_clarity:.2f} (all 0-1),",
        f"           noise {q.noise:.2f} levels of 255",
    ]
    return "\n".join(lines)

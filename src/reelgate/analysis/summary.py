"""The human-readable summary ``reelgate analyze`` prints."""

from __future__ import annotations

from reelgate.analysis.intent import describe
from reelgate.analysis.model import ClipAnalysis


def summary(a: ClipAnalysis) -> str:
    v, c, p, q, m, s = a.video, a.continuity, a.camera.path, a.quality, a.motion, a.subject
    timing = f"{v.fps:.3f} fps" + (f" (variable, {v.min_fps:.2f}-{v.max_fps:.2f})" if v.vfr else "")
    lines = [
        f"{a.file}  sha256 {a.sha256[:16]}…",
        f"video      {v.width}x{v.height} {v.codec}, {timing}, {v.duration:.3f} s, "
        f"{v.frames} frames" + (f", rotated {v.rotation}°" if v.rotation else ""),
        f"camera     {describe(max(a.camera.segments, key=lambda x: x.end - x.start))} "
        f"(moves: {', '.join(a.camera.moves)}); "
        f"pan {p.pan:+.3f} W, tilt {p.tilt:+.3f} H, zoom x{p.zoom:.3f}, roll {p.roll:+.2f}°, "
        f"jitter {p.jitter:.4f} W",
    ]
    for move in a.camera.segments:
        speed = f" {move.speed:.3f}/s ({move.speed_word})" if move.speed_word else ""
        lines.append(
            f"           {move.start:6.2f}-{move.end:6.2f} s  {move.move}{speed}, {move.stability}"
        )
    cuts = ", ".join(f"{t:.3f}" for t in c.cuts) or "none"
    lines.append(f"continuity {c.score:.2f}; cuts at {cuts} s; flicker {c.flicker:.2f}")
    for g in c.glitches:
        span = f" ({g.start:.3f}-{g.end:.3f} s)" if g.end > g.start else ""
        lines.append(
            f"           {g.time:8.3f} s  {g.kind}{span} (x{g.strength:.1f} its threshold)"
        )
    lines += [
        f"subject    {s.score:.2f} (appearance {s.appearance:.2f}, features kept "
        f"{s.retention:.2f}, worst {s.worst:.2f} at {s.worst_time:.2f} s, found by {s.found_by})",
        f"motion     amount {m.amount:.3f} W/s, dynamic {m.dynamic_degree:.2f}, camera "
        f"{m.camera_speed:.3f}/s, objects {m.object_motion:.3f} W/s, "
        f"pacing CV {m.pacing_variation:.2f}",
        f"quality    sharpness {q.sharpness:.3f}, exposure {q.exposure:.2f}, contrast "
        f"{q.contrast:.3f}, noise {q.noise:.2f}, readability {q.motion_readability:.2f}, "
        f"subject clarity {q.subject_clarity:.2f}",
    ]
    return "\n".join(lines)

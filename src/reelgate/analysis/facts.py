"""Video facts from the container and the decoded frame times."""

from __future__ import annotations

import numpy as np

from reelgate.analysis.decode import ClipInfo
from reelgate.analysis.model import VideoFacts

VFR_TOLERANCE = 0.2  # an interval this far (relative) from the typical one makes the clip VFR


def video_facts(info: ClipInfo, times: np.ndarray) -> VideoFacts:
    """Size, rate, duration and timing of the clip as it was decoded."""
    gaps = np.diff(times)
    typical = float(np.median(gaps)) if len(gaps) else 0.0
    duration = float(times[-1] + typical) if len(times) else 0.0
    tolerance = max(VFR_TOLERANCE * typical, 1.5e-3)
    vfr = bool(len(gaps) and np.any(np.abs(gaps - typical) > tolerance))
    positive = gaps[gaps > 0]
    return VideoFacts(
        width=info.width,
        height=info.height,
        fps=round(len(times) / duration, 4) if duration > 0 else 0.0,
        vfr=vfr,
        min_fps=round(1 / float(positive.max()), 4) if len(positive) else 0.0,
        max_fps=round(1 / float(positive.min()), 4) if len(positive) else 0.0,
        duration=round(duration, 4),
        frames=len(times),
        codec=info.codec,
        pix_fmt=info.pix_fmt,
        container=info.container,
        rotation=info.rotation,
        start_time=round(info.start_time, 4),
    )

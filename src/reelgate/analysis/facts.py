"""Video facts from the container and the decoded frame times."""

from __future__ import annotations

import numpy as np

from reelgate.analysis.decode import ClipInfo
from reelgate.analysis.model import VideoFacts
from reelgate.analysis.settings import AnalysisSettings


def video_facts(info: ClipInfo, times: np.ndarray, settings: AnalysisSettings) -> VideoFacts:
    """Size, rate, duration and timing of the clip as it was decoded; the clip is VFR when an
    interval departs from the typical one by more than the settings' VFR tolerance."""
    gaps = np.diff(times)
    typical = float(np.median(gaps)) if len(gaps) else 0.0
    duration = float(times[-1] + typical) if len(times) else 0.0
    tolerance = max(settings.vfr_tolerance * typical, settings.vfr_min_seconds)
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

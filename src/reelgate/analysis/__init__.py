"""Media analysis: measure a clip's camera, continuity, subject, motion and picture quality.

    from reelgate.analysis import analyze_clip, match_camera, reference_gate
    analysis = analyze_clip("clip.mp4")          # a ClipAnalysis (pydantic)
    analysis.camera.primary, analysis.continuity.cuts, analysis.to_json()
    match_camera(analysis, "slow push-in").matched

Heavy modules (PyAV, OpenCV) load on first use, so importing this package is cheap.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reelgate.analysis.errors import (
    AnalysisError,
    ClipNotFound,
    CorruptClip,
    NotAVideo,
    PathOutsideRoot,
    ReferenceFetchError,
    UnsupportedClip,
)
from reelgate.analysis.settings import ANALYZER_VERSION, AnalysisSettings

if TYPE_CHECKING:
    from reelgate.analysis.cache import AnalysisCache
    from reelgate.analysis.gate import describe_violations, reference_gate
    from reelgate.analysis.model import CameraMatch, ClipAnalysis
    from reelgate.analysis.planes import Frame
    from reelgate.preset.camera import CameraIntent

# Called with each decoded frame's time and the clip's declared duration (None if unknown), so
# a caller can show how far the analysis is (``reelgate analyze`` on a terminal).
FrameCallback = Callable[[float, "float | None"], None]

__all__ = [
    "ANALYZER_VERSION",
    "AnalysisCache",
    "AnalysisError",
    "AnalysisSettings",
    "ClipAnalysis",
    "ClipNotFound",
    "CorruptClip",
    "NotAVideo",
    "PathOutsideRoot",
    "ReferenceFetchError",
    "UnsupportedClip",
    "analyze_clip",
    "describe_violations",
    "match_camera",
    "reference_gate",
]

_LAZY = {  # name -> module: loaded on first use, so importing the package stays cheap
    "AnalysisCache": "reelgate.analysis.cache",
    "ClipAnalysis": "reelgate.analysis.model",
    "reference_gate": "reelgate.analysis.gate",
    "describe_violations": "reelgate.analysis.gate",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def analyze_clip(
    path: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    settings: AnalysisSettings | None = None,
    cache: AnalysisCache | None = None,
    on_frame: FrameCallback | None = None,
) -> ClipAnalysis:
    """Analyse one clip (decoded once) and return every measure.

    ``root``: relative paths are taken from it and the clip must resolve inside it.
    ``cache``: an AnalysisCache; a clip with the same content, analyzer version and settings is
    read from it instead of analysed again. ``on_frame(time, duration)`` is called as each frame
    is decoded (a progress display). Raises an AnalysisError subclass, whose text is one
    line saying why, for anything that cannot be analysed.
    """
    from reelgate.analysis.pipeline import file_sha256, resolve_clip, run_analysis

    settings = settings or AnalysisSettings()
    resolved = resolve_clip(path, root)
    label = str(path)
    sha256 = file_sha256(resolved)
    if cache is not None and (cached := cache.get(sha256, settings)) is not None:
        return cached if cached.file == label else cached.model_copy(update={"file": label})
    if on_frame is None:
        analysis = run_analysis(resolved, label, sha256, settings)
    else:
        analysis = _reporting_analysis(resolved, label, sha256, settings, on_frame)
    if cache is not None:
        cache.put(analysis, settings)
    return analysis


def _reporting_analysis(path: os.PathLike[str], label: str, sha256: str,
                        settings: AnalysisSettings, on_frame: FrameCallback) -> ClipAnalysis:
    """``run_analysis`` telling ``on_frame`` of each decoded frame. It lives here, not in the
    pipeline, so a progress display is no part of the analyzer's identity (settings.py)."""
    from reelgate.analysis.decode import ClipReader
    from reelgate.analysis.pipeline import analyse_frames

    with ClipReader(Path(path), settings, label) as reader:
        duration = reader.info.declared_duration

        def frames() -> Iterator[Frame]:
            for frame in reader.frames():
                on_frame(frame.time, duration)
                yield frame

        return analyse_frames(frames(), reader.info, label, sha256, settings)


def match_camera(analysis: ClipAnalysis, intent: CameraIntent | str) -> CameraMatch:
    """Whether the measured camera does what the preset's intent (or camera text) asks."""
    from reelgate.analysis.intent import match_camera as match

    return match(analysis.camera, intent)

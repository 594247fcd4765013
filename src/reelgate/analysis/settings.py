"""Analysis settings: every knob that changes a result, so the cache can key on them.

The top-level fields bound decoding; each detector's thresholds live in its own frozen settings
object (settings_continuity.py, settings_camera.py, settings_picture.py), grouped here, so the
analyzer's identity, which hashes the default settings' dump, covers every one of them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import Field

from reelgate.analysis.settings_base import FrozenSettings
from reelgate.analysis.settings_camera import CameraSettings, FeatureSettings, FlowFitSettings
from reelgate.analysis.settings_continuity import ContinuitySettings
from reelgate.analysis.settings_picture import MotionSettings, QualitySettings, SubjectSettings

# Modules whose code cannot change a measured result: the command line, the printed summary,
# the cache's file handling, errors, fetching references, the gate and intent matching (they
# read results). Every other module of this package is part of the analyzer's identity.
_NOT_RESULTS = {
    "__init__.py", "__main__.py", "cli.py", "summary.py", "cache.py", "errors.py", "fetch.py",
    "gate.py", "intent.py",
}


class AnalysisSettings(FrozenSettings):
    """Fixed analysis resolutions, the limits that bound time and memory on any input, and
    every detector's settings (each frozen; change one with ``model_copy(update=...)`` or by
    passing e.g. ``camera=CameraSettings(locked_speed=0.01)``)."""

    motion_pixels: int = Field(
        480 * 270,
        ge=64 * 36,
        le=1280 * 720,
        description="pixel area every frame is scaled to for motion, camera and continuity",
    )
    detail_pixels: int = Field(
        640 * 360,
        ge=64 * 36,
        le=1920 * 1080,
        description="pixel area of the sampled frames used for sharpness and subject clarity",
    )
    detail_rate: float = Field(4.0, gt=0, le=60, description="sampled frames per second")
    max_duration: float = Field(300.0, gt=0, description="seconds; longer clips are refused")
    max_side: int = Field(8192, ge=64, description="largest accepted width or height, pixels")
    min_side: int = Field(16, ge=2, description="smallest accepted width or height, pixels")
    max_aspect: float = Field(8.0, ge=1, description="largest accepted long/short side ratio")
    vfr_tolerance: float = Field(0.2, gt=0, description="share of the typical frame interval an "
                                 "interval may depart from it before the clip is VFR")
    vfr_min_seconds: float = Field(1.5e-3, ge=0, description="seconds: and never less (frame "
                                   "times are rounded to the container's time base)")
    features: FeatureSettings = Field(default_factory=FeatureSettings)
    flow_fit: FlowFitSettings = Field(default_factory=FlowFitSettings)
    camera: CameraSettings = Field(default_factory=CameraSettings)
    continuity: ContinuitySettings = Field(default_factory=ContinuitySettings)
    subject: SubjectSettings = Field(default_factory=SubjectSettings)
    quality: QualitySettings = Field(default_factory=QualitySettings)
    motion: MotionSettings = Field(default_factory=MotionSettings)


def _identity(settings: AnalysisSettings) -> str:
    """A short hash of the analysis code and the default settings: it changes whenever a result
    could, so no one has to remember to bump a version (line endings are normalised, so a
    Windows checkout has the same identity)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name not in _NOT_RESULTS:
            digest.update(path.name.encode() + b"\0")
            digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    digest.update(json.dumps(settings.model_dump(), sort_keys=True).encode())
    return digest.hexdigest()[:12]


# The analyzer's identity: cached analyses are keyed on it and approved records carry it.
ANALYZER_VERSION = _identity(AnalysisSettings())

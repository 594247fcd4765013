"""Analysis settings: every knob that changes a result, so the cache can key on them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

# Modules whose code cannot change a measured result: the command line, the printed summary,
# the cache's file handling, errors, fetching references, the gate and intent matching (they
# read results). Every other module of this package is part of the analyzer's identity.
_NOT_RESULTS = {
    "__init__.py", "__main__.py", "cli.py", "summary.py", "cache.py", "errors.py", "fetch.py",
    "gate.py", "intent.py",
}


class AnalysisSettings(BaseModel):
    """Fixed analysis resolutions and the limits that bound time and memory on any input."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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

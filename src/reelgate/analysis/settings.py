"""Analysis settings: every knob that changes a result, so the cache can key on them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# Bump when any measure or threshold changes meaning: cached analyses are keyed on it.
ANALYZER_VERSION = "3"


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

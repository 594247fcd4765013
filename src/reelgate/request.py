"""The render request: one flat, frozen description of one clip to render.

Providers map from this, not from the preset, so the adapters, the simulator and the cost guard
never depend on how presets are written. The plan stage builds these from presets. It sits below
both ``reelgate.render`` and ``reelgate.providers`` (see the layers in ARCHITECTURE.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from reelgate.preset.camera import CameraIntent

Resolution = Literal["480p", "540p", "720p", "1080p", "4k"]

# The short side of the frame in pixels for each resolution name ("1080p" is 1920x1080 or
# 1080x1920).
RESOLUTION_SHORT_SIDE: dict[str, int] = {
    "480p": 480,
    "540p": 540,
    "720p": 720,
    "1080p": 1080,
    "4k": 2160,
}

_ASPECT = re.compile(r"^([1-9][0-9]*):([1-9][0-9]*)$")
# Labels that are neither the request's content nor what a provider sees; the fingerprint
# ignores them so renaming a preset or bumping its version does not invalidate a recording.
_LABEL_FIELDS = frozenset({"preset_id", "preset_version", "sweep_point"})


# Request fields added after recordings existed, with the value that means "not asked for".
ADDED_FIELDS: dict[str, object] = {"shots": [], "shot_type": None, "sound": "off",
                                   "end_image": None, "elements": [], "video_refer": None,
                                   "voices": []}


def without_unset_additions(data: dict[str, object]) -> dict[str, object]:
    """A dumped request without the added fields that still hold their defaults."""
    return {k: v for k, v in data.items() if k not in ADDED_FIELDS or ADDED_FIELDS[k] != v}


class ProviderChoice(BaseModel):
    """A provider, one of its models, and an optional provider-specific mode (e.g. Kling std/pro)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    model: str = Field(min_length=1)
    mode: str | None = None


#: The httpx request extension that names the render an HTTP request belongs to. The provider
#: sets it on every request of a render (``render_extensions``); a transport that all concurrent
#: renders share (the cassette recorder) reads it from ``httpx.Request.extensions``. It travels
#: with each request, so renders interleaved on one event loop never see each other's.
RENDER_EXTENSION = "reelgate.render"


class ShotRequest(BaseModel):
    """One shot of a multi-shot request, as the provider is asked for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str = Field(min_length=1)
    duration: float = Field(gt=0)
    camera: CameraIntent | None = None


def is_url(reference: str) -> bool:
    return reference.startswith(("https://", "http://"))


class RenderRequest(BaseModel):
    """Everything needed to render one clip of one preset at one sweep point and repeat."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    preset_id: str = Field(min_length=1)
    preset_version: str = Field(min_length=1)
    sweep_point: str = Field(default="base", min_length=1, pattern=r"^[A-Za-z0-9._-]+$")
    repeat: int = Field(default=0, ge=0)
    prompt: str = Field(min_length=1)
    negative_prompt: tuple[str, ...] = ()
    reference_video: str | None = None
    reference_image: str | None = None
    motion_score: float | None = Field(default=None, ge=0, le=10)
    camera: CameraIntent | None = None
    duration: float = Field(gt=0, le=120)
    aspect_ratio: str
    resolution: Resolution
    seed: int | None = Field(default=None, ge=0)
    provider: str = Field(min_length=1)
    model: str = Field(min_length=1)
    mode: str | None = None
    failover: ProviderChoice | None = None
    # Kling 3.0 (see reelgate.preset.model): fields added after the first recordings; the
    # fingerprint leaves them out while they hold these defaults, so those recordings replay.
    shots: tuple[ShotRequest, ...] = ()
    shot_type: Literal["customize", "intelligence"] | None = None
    sound: Literal["on", "off"] = "off"
    end_image: str | None = None
    elements: tuple[int, ...] = ()
    video_refer: Literal["feature", "base"] | None = None
    voices: tuple[str, ...] = ()  # Kling voice ids (voice_list), named <<<voice_N>>> in prompts

    @field_validator("prompt")
    @classmethod
    def _collapse_whitespace(cls, value: str) -> str:
        collapsed = " ".join(value.split())
        if not collapsed:
            raise ValueError("the prompt is blank; compose the prompt layers before rendering")
        return collapsed

    @field_validator("negative_prompt")
    @classmethod
    def _clean_negatives(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = (" ".join(item.split()) for item in value)
        return tuple(dict.fromkeys(item for item in cleaned if item))

    @field_validator("aspect_ratio")
    @classmethod
    def _check_aspect(cls, value: str) -> str:
        if not _ASPECT.match(value.strip()):
            raise ValueError(f"aspect_ratio {value!r} is not W:H with positive integers, e.g. 16:9")
        return value.strip()

    @field_validator("reference_video", "reference_image", "end_image")
    @classmethod
    def _check_reference(cls, value: str | None) -> str | None:
        if value is None or is_url(value):
            return value
        if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute():
            return value
        raise ValueError(
            f"reference {value!r} is neither an http(s) URL nor an absolute path; "
            "resolve it against the preset's directory first"
        )

    @property
    def key(self) -> str:
        """Stable name for this render, e.g. ``hero-shot/mid-high-2``; names cassettes and files."""
        suffix = f"-{self.repeat}" if self.repeat else ""
        return f"{self.preset_id}/{self.sweep_point}{suffix}"

    @property
    def target(self) -> ProviderChoice:
        return ProviderChoice(name=self.provider, model=self.model, mode=self.mode)

    @property
    def multi_shot(self) -> bool:
        return bool(self.shots) or self.shot_type == "intelligence"

    @property
    def aspect(self) -> float:
        width, height = self.aspect_ratio.split(":")
        return int(width) / int(height)

    def fingerprint(self) -> str:
        """sha256 of what is rendered: every field except the preset's labels (id, version, point).

        Two requests with the same fingerprint ask a provider for the same thing; changing the
        prompt, a reference, the camera, the output, the provider or the repeat index changes it.
        """
        content = without_unset_additions(self.model_dump(mode="json", exclude=set(_LABEL_FIELDS)))
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def retarget(self, choice: ProviderChoice) -> RenderRequest:
        """The same request sent to another provider/model (failover or an override)."""
        return self.model_copy(
            update={"provider": choice.name, "model": choice.model, "mode": choice.mode}
        )


def render_extensions(request: RenderRequest) -> dict[str, Any]:
    """The httpx ``extensions`` of every HTTP request sent for ``request`` (the render as served:
    after a failover it names the failover provider)."""
    return {RENDER_EXTENSION: request}


def render_of(extensions: Mapping[str, Any]) -> RenderRequest | None:
    """The render an httpx request was sent for (its ``extensions``); None outside a render."""
    render = extensions.get(RENDER_EXTENSION)
    return render if isinstance(render, RenderRequest) else None

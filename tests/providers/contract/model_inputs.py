"""Documented model inputs for the hosted Kling (and Veo) apps on Replicate and fal.

Neither ``replicate`` nor ``fal-client`` types a model's input: each app publishes its own input
schema. These models are written from those schemas, strict (unknown fields forbidden, exact
types: Replicate's ``duration`` is an integer, fal's a string), so an adapter that sends a field
or value an app does not take fails here. Sources, seen 2026-12-01:

Replicate (``https://replicate.com/<owner>/<name>/api``, the schemas audited in issue 13):
- kwaivgi/kling-v2.6: prompt, negative_prompt, start_image, aspect_ratio 16:9|9:16|1:1,
  duration 5|10 (integer), generate_audio. Also the notes' copy (Volpestyle/llmhub
  ``docs/models/replicate/kwaivgi_kling-v2.6.md``).
- kwaivgi/kling-v2.5-turbo-pro: prompt, negative_prompt, start_image (``image`` its deprecated
  alias), aspect_ratio, duration 5|10; no generate_audio
  (https://api.core.today/v1/models/kwaivgi/kling-v2.5-turbo-pro/llms.txt).
- kwaivgi/kling-v2.1: prompt, start_image (both required), end_image (pro only),
  negative_prompt, mode standard|pro, duration 5|10; no aspect_ratio (the frame follows the
  image) (https://api.core.today/v1/models/kwaivgi/kling-v2.1/llms.txt).

fal (``https://fal.ai/models/<app id>/llms.txt`` and
https://fal.ai/docs/model-api-reference/video-generation-api, as cited in ``fal.py``):
- kling-video v2.1/master, v2.5-turbo/pro: prompt, duration "5"|"10", aspect_ratio (t2v),
  image_url (i2v), negative_prompt, cfg_scale.
- v2.6/pro: as above plus generate_audio and voice_ids; image-to-video takes start_image_url
  (and end_image_url).
- v2.6/{standard,pro}/motion-control: image_url, video_url, character_orientation image|video
  (required), keep_original_sound (boolean), prompt.
- v3/{standard,pro}: prompt or multi_prompt, duration "3".."15", generate_audio, shot_type
  customize|intelligent, voice_ids, elements, start_image_url/end_image_url (i2v)
  (https://fal.ai/docs/model-api-reference/video-generation-api/kling-video-v3-pro,
  https://fal.ai/models/fal-ai/kling-video/v3/standard/text-to-video/llms.txt).
- fal-ai/veo3: prompt, aspect_ratio 16:9|9:16|1:1, duration "4s"|"6s"|"8s", negative_prompt,
  enhance_prompt, auto_fix, seed, resolution 720p|1080p, generate_audio
  (https://fal.ai/models/fal-ai/veo3; mirrored at docs.kkiai.com/.../fal-ai-veo3.html).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    prompt: str = Field(min_length=1, max_length=2500)
    negative_prompt: str | None = Field(default=None, max_length=2500)


Aspect = Literal["16:9", "9:16", "1:1"]


# -- Replicate --------------------------------------------------------------------------------

class ReplicateKling26(_Input):
    start_image: str | None = None
    aspect_ratio: Aspect | None = None
    duration: Literal[5, 10] | None = None
    generate_audio: bool | None = None


class ReplicateKling25TurboPro(_Input):
    start_image: str | None = None
    image: str | None = None  # deprecated alias of start_image
    aspect_ratio: Aspect | None = None
    duration: Literal[5, 10] | None = None


class ReplicateKling21(_Input):
    start_image: str
    end_image: str | None = None
    mode: Literal["standard", "pro"] | None = None
    duration: Literal[5, 10] | None = None


REPLICATE: dict[str, type[_Input]] = {
    "kwaivgi/kling-v2.6": ReplicateKling26,
    "kwaivgi/kling-v2.5-turbo-pro": ReplicateKling25TurboPro,
    "kwaivgi/kling-v2.1": ReplicateKling21,
}


# -- fal --------------------------------------------------------------------------------------

class _FalKling(_Input):
    duration: Literal["5", "10"] | None = None
    cfg_scale: float | None = Field(default=None, ge=0, le=1)


class FalKlingText(_FalKling):
    aspect_ratio: Aspect | None = None


class FalKlingImage(_FalKling):
    image_url: str
    tail_image_url: str | None = None


class FalKling26Text(FalKlingText):
    generate_audio: bool | None = None
    voice_ids: list[str] | None = None


class FalKling26Image(_FalKling):
    start_image_url: str
    end_image_url: str | None = None
    generate_audio: bool | None = None
    voice_ids: list[str] | None = None


class FalMotionControl(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    prompt: str | None = Field(default=None, max_length=2500)
    image_url: str
    video_url: str
    character_orientation: Literal["image", "video"]
    keep_original_sound: bool | None = None


V3Seconds = Literal["3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15"]


class FalShot(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    prompt: str
    duration: V3Seconds


class _FalKling3(_Input):
    prompt: str | None = Field(default=None, max_length=2500)  # or multi_prompt, not both
    elements: list[dict[str, object]] | None = None
    duration: V3Seconds | None = None
    cfg_scale: float | None = Field(default=None, ge=0, le=1)
    generate_audio: bool | None = None
    voice_ids: list[str] | None = None
    multi_prompt: list[FalShot] | None = Field(default=None, max_length=6)
    shot_type: Literal["customize", "intelligent"] | None = None


class FalKling3Text(_FalKling3):
    aspect_ratio: Aspect | None = None


class FalKling3Image(_FalKling3):
    start_image_url: str
    end_image_url: str | None = None


class FalVeo3(_Input):
    aspect_ratio: Aspect | None = None
    duration: Literal["4s", "6s", "8s"] | None = None
    enhance_prompt: bool | None = None
    auto_fix: bool | None = None
    seed: int | None = None
    resolution: Literal["720p", "1080p"] | None = None
    generate_audio: bool | None = None


_K = "fal-ai/kling-video"
FAL: dict[str, type[BaseModel]] = {
    f"{_K}/v2.1/master/text-to-video": FalKlingText,
    f"{_K}/v2.1/master/image-to-video": FalKlingImage,
    f"{_K}/v2.5-turbo/pro/text-to-video": FalKlingText,
    f"{_K}/v2.5-turbo/pro/image-to-video": FalKlingImage,
    f"{_K}/v2.6/pro/text-to-video": FalKling26Text,
    f"{_K}/v2.6/pro/image-to-video": FalKling26Image,
    f"{_K}/v2.6/standard/motion-control": FalMotionControl,
    f"{_K}/v2.6/pro/motion-control": FalMotionControl,
    f"{_K}/v3/standard/text-to-video": FalKling3Text,
    f"{_K}/v3/pro/text-to-video": FalKling3Text,
    f"{_K}/v3/standard/image-to-video": FalKling3Image,
    f"{_K}/v3/pro/image-to-video": FalKling3Image,
    "fal-ai/veo3": FalVeo3,
}

"""Kling's v1 API as its documentation states it, as strict pydantic models (Kling has no
official Python SDK).

Sources (the official reference is an app at https://app.klingai.com/global/dev/document-api;
its pages are quoted from mirrors that copy them, seen 2026-12-01):
- Text to video: https://app.klingai.com/global/dev/document-api/apiReference/model/textToVideo,
  as copied at https://docs.klingai2.org/api-calls/video-generation-text-to-video (model_name,
  prompt and negative_prompt <= 2500, cfg_scale [0, 1], mode std|pro, camera_control type
  simple|down_back|forward_up|right_turn_forward|left_turn_forward with one non-zero config
  axis in [-10, 10], aspect_ratio 16:9|9:16|1:1, duration "5"|"10", callback_url,
  external_task_id) and the 3.0 fields (multi_shot, shot_type customize|intelligence,
  multi_prompt of 1-6 {index, prompt <= 512, duration} summing to duration, sound on|off "only
  V2.6+", voice_list <= 2, watermark_info) at https://docs.anyfast.ai/api-reference/model-api/
  kuaishou/kling-v1-t2v and https://s.apifox.cn/878754d8-ccde-4450-b437-77bcbf443c97/api-427944990.
- Image to video: .../apiReference/model/imageToVideo, as copied at
  https://docs.powertokens.ai/en/zmodelVideo/kling/kling-v2-1-master-image2video and
  https://docs.fast-token.com/vi/kling/video/KlingImage2Video (image and image_tail as URL or
  raw Base64 "do not add any prefix such as data:image/png;base64,"; at least one of them;
  image_tail, static_mask/dynamic_masks and camera_control are mutually exclusive; model names
  kling-v1 ... kling-v3; element_list).
- Motion control: the notes' section 2.5 (new-api ``kling-motion-control.en.md``, Vercel AI SDK
  ``buildMotionControlBody``): image_url, video_url, character_orientation image|video, mode
  (all required), keep_original_sound yes|no, prompt <= 2500, element_list.
- Omni video: the notes' section 2.5 (video_list refer_type feature|base, image_list type
  first_frame|end_frame, duration "3"-"10") and https://docs.cloudsway.net/maasapi/
  api-reference/video/kl_o3/ (multi_shot on omni-video).
- Capability map (.../apiReference/model/skillsMap, audited in issue 13): cfg_scale "not
  supported by kling-v2.x models"; the master models are single tier (no mode); camera_control
  on kling-v1 text2video and kling-v1-5 image2video only; v3 durations "3"-"15".
- Responses: the ``{code, message, request_id, data}`` envelope and task fields of the same
  pages (data.task_id, task_status submitted|processing|succeed|failed, task_info,
  created_at/updated_at in ms, task_status_msg, final_unit_deduction as a string,
  task_result.videos[{id, url, duration as a string, watermark_url}]).
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


TEXT_MODELS = ("kling-v1", "kling-v1-6", "kling-v2-master", "kling-v2-1-master",
               "kling-v2-5-turbo", "kling-v2-6", "kling-v3")
IMAGE_MODELS = (*TEXT_MODELS, "kling-v1-5", "kling-v2-1")
MASTER_MODELS = ("kling-v2-master", "kling-v2-1-master")  # single tier: no mode
SOUND_MODELS = ("kling-v2-6", "kling-v3")
OMNI_MODELS = ("kling-video-o1", "kling-v3-omni")  # the omni-video endpoint's models
CAMERA_CONTROL = {"text2video": ("kling-v1",), "image2video": ("kling-v1-5",)}
V3_SECONDS = tuple(str(s) for s in range(3, 16))
SECONDS = ("5", "10")
PROMPT_CHARS = 2500
SHOT_PROMPT_CHARS = 512
MAX_SHOTS = 6


class CameraConfig(_Wire):
    horizontal: float = Field(default=0, ge=-10, le=10)
    vertical: float = Field(default=0, ge=-10, le=10)
    pan: float = Field(default=0, ge=-10, le=10)
    tilt: float = Field(default=0, ge=-10, le=10)
    roll: float = Field(default=0, ge=-10, le=10)
    zoom: float = Field(default=0, ge=-10, le=10)


class CameraControl(_Wire):
    type: Literal["simple", "down_back", "forward_up", "right_turn_forward", "left_turn_forward"]
    config: CameraConfig | None = None

    @model_validator(mode="after")
    def _one_axis(self) -> Self:
        if self.type == "simple":
            moving = [v for v in (self.config or CameraConfig()).model_dump().values() if v]
            if len(moving) != 1:
                raise ValueError("a simple camera_control moves exactly one config axis")
        elif self.config is not None:
            raise ValueError(f"camera_control type {self.type} takes no config")
        return self


class Shot(_Wire):
    index: int = Field(ge=0)  # "index": int; the pages do not say where it starts
    prompt: str = Field(min_length=1, max_length=SHOT_PROMPT_CHARS)
    duration: str


class Voice(_Wire):
    voice_id: str


class Element(_Wire):
    element_id: int | str


class Watermark(_Wire):
    enabled: bool


class _Create(_Wire):
    callback_url: str | None = None
    external_task_id: str | None = None
    watermark_info: Watermark | None = None


class _Generation(_Create):
    """Fields text2video and image2video share."""

    prompt: str | None = Field(default=None, max_length=PROMPT_CHARS)
    negative_prompt: str | None = Field(default=None, max_length=PROMPT_CHARS)
    cfg_scale: float | None = Field(default=None, ge=0, le=1)
    mode: Literal["std", "pro"] | None = None
    duration: str | None = None
    sound: Literal["on", "off"] | None = None
    camera_control: CameraControl | None = None
    multi_shot: bool | None = None
    shot_type: Literal["customize", "intelligence"] | None = None
    multi_prompt: list[Shot] | None = Field(default=None, min_length=1, max_length=MAX_SHOTS)
    voice_list: list[Voice] | None = Field(default=None, max_length=2)

    def _model_rules(self, model: str, endpoint: str) -> None:
        seconds = V3_SECONDS if model == "kling-v3" else SECONDS
        if self.duration is not None and self.duration not in seconds:
            raise ValueError(f"{model} takes duration {'|'.join(seconds)}, not "
                             f"{self.duration!r}")
        if self.cfg_scale is not None and model.startswith("kling-v2"):
            raise ValueError("cfg_scale is not supported by kling-v2.x models")
        if self.mode is not None and model in MASTER_MODELS:
            raise ValueError(f"{model} is single tier and takes no mode")
        if self.sound is not None and model not in SOUND_MODELS:
            raise ValueError(f"sound is for {', '.join(SOUND_MODELS)} only, not {model}")
        if self.camera_control is not None and model not in CAMERA_CONTROL[endpoint]:
            raise ValueError(f"camera_control on {endpoint} is for "
                             f"{', '.join(CAMERA_CONTROL[endpoint])} only, not {model}")
        self._shot_rules(model)

    def _shot_rules(self, model: str) -> None:
        if not self.multi_shot:
            if self.shot_type or self.multi_prompt:
                raise ValueError("shot_type and multi_prompt need multi_shot: true")
            if not self.prompt:
                raise ValueError("prompt is required without multi_shot")
            return
        if model != "kling-v3":
            raise ValueError(f"multi_shot is a kling-v3 field, not {model}'s")
        if self.shot_type is None:
            raise ValueError("multi_shot needs shot_type")
        if self.shot_type == "intelligence" and not self.prompt:
            raise ValueError("shot_type intelligence needs prompt")
        if self.shot_type == "customize":
            self._custom_shots(self.multi_prompt or [])

    def _custom_shots(self, shots: list[Shot]) -> None:
        if not shots:
            raise ValueError("shot_type customize needs multi_prompt")
        first = shots[0].index
        if [s.index for s in shots] != list(range(first, first + len(shots))):
            raise ValueError("multi_prompt indexes count up by one, in order")
        total = sum(float(s.duration) for s in shots)
        if self.duration is None or abs(total - float(self.duration)) > 1e-9:
            raise ValueError(f"the shots' durations sum to {total:g} s, not the duration "
                             f"{self.duration}")
        if any(float(s.duration) < 1 for s in shots):
            raise ValueError("each shot lasts at least 1 s")


class Text2Video(_Generation):
    model_name: Literal[TEXT_MODELS]  # type: ignore[valid-type]
    aspect_ratio: Literal["16:9", "9:16", "1:1"] | None = None

    @model_validator(mode="after")
    def _rules(self) -> Self:
        self._model_rules(self.model_name, "text2video")
        return self


def _raw_base64_or_url(value: str | None) -> str | None:
    if value is not None and value.startswith("data:"):
        raise ValueError("Kling takes a URL or raw Base64, without a data: prefix")
    return value


class Image2Video(_Generation):
    model_name: Literal[IMAGE_MODELS]  # type: ignore[valid-type]
    image: str | None = None
    image_tail: str | None = None
    static_mask: str | None = None
    dynamic_masks: list[dict[str, Any]] | None = Field(default=None, max_length=6)
    element_list: list[Element] | None = Field(default=None, max_length=3)

    _check_images = field_validator("image", "image_tail")(_raw_base64_or_url)

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if not (self.image or self.image_tail):
            raise ValueError("image2video needs image or image_tail")
        exclusive = [bool(self.image_tail), bool(self.static_mask or self.dynamic_masks),
                     self.camera_control is not None]
        if sum(exclusive) > 1:
            raise ValueError("image_tail, the motion brush and camera_control are mutually "
                             "exclusive")
        self._model_rules(self.model_name, "image2video")
        return self


class MotionControl(_Create):
    model_name: Literal["kling-v2-6", "kling-v3"]
    image_url: str
    video_url: str = Field(pattern=r"^https?://")
    character_orientation: Literal["image", "video"]
    mode: Literal["std", "pro"]
    keep_original_sound: Literal["yes", "no"] | None = None
    prompt: str | None = Field(default=None, max_length=PROMPT_CHARS)
    element_list: list[Element] | None = Field(default=None, max_length=1)

    _check_image = field_validator("image_url")(_raw_base64_or_url)


class OmniVideoRef(_Wire):
    video_url: str = Field(pattern=r"^https?://")
    refer_type: Literal["feature", "base"] | None = None
    keep_original_sound: Literal["yes", "no"] | None = None


class OmniImageRef(_Wire):
    image_url: str
    type: Literal["first_frame", "end_frame"] | None = None

    _check_image = field_validator("image_url")(_raw_base64_or_url)


class OmniVideo(_Create):
    model_name: Literal[OMNI_MODELS]  # type: ignore[valid-type]
    prompt: str | None = Field(default=None, max_length=PROMPT_CHARS)
    mode: Literal["std", "pro"] | None = None
    aspect_ratio: Literal["16:9", "9:16", "1:1"] | None = None
    duration: Literal[V3_SECONDS] | None = None  # type: ignore[valid-type]
    sound: Literal["on", "off"] | None = None
    video_list: list[OmniVideoRef] | None = Field(default=None, max_length=1)
    image_list: list[OmniImageRef] | None = Field(default=None, max_length=7)
    element_list: list[Element] | None = Field(default=None, max_length=7)
    multi_shot: bool | None = None
    shot_type: Literal["customize", "intelligence"] | None = None
    multi_prompt: list[Shot] | None = Field(default=None, min_length=1, max_length=MAX_SHOTS)


ENDPOINTS: dict[str, type[_Wire]] = {
    "/v1/videos/text2video": Text2Video,
    "/v1/videos/image2video": Image2Video,
    "/v1/videos/motion-control": MotionControl,
    "/v1/videos/omni-video": OmniVideo,
}


# -- responses --------------------------------------------------------------------------------

class TaskInfo(_Wire):
    external_task_id: str | None = None


class Video(_Wire):
    id: str
    url: str
    duration: str
    watermark_url: str | None = None


class TaskResult(_Wire):
    videos: list[Video] = Field(min_length=1)


class Task(_Wire):
    task_id: str
    task_status: Literal["submitted", "processing", "succeed", "failed"]
    task_status_msg: str | None = None
    task_info: TaskInfo | None = None
    created_at: int
    updated_at: int
    final_unit_deduction: str | None = None
    watermark_info: Watermark | None = None
    task_result: TaskResult | None = None

    @model_validator(mode="after")
    def _result_when_done(self) -> Self:
        if self.task_status == "succeed" and self.task_result is None:
            raise ValueError("a succeeded task carries task_result.videos")
        return self


class TaskEnvelope(_Wire):
    code: int
    message: str
    request_id: str
    data: Task


class TaskListEnvelope(_Wire):
    code: int
    message: str
    request_id: str
    data: list[Task]


class ErrorEnvelope(_Wire):
    code: int = Field(ge=1000)
    message: str
    request_id: str

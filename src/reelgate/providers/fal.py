"""fal.ai queue API (``https://queue.fal.run``): Kling v2.1 master, v2.5-turbo, v2.6, v3 and Veo 3.

Auth is ``Authorization: Key <FAL_KEY>``. ``POST /{app_id}`` queues the input and returns a
``request_id``; status is read at ``/{owner}/{alias}/requests/{id}/status`` (fal's client rebuilds
URLs from owner/alias only) through IN_QUEUE -> IN_PROGRESS -> COMPLETED, where a COMPLETED
request may still carry an ``error``. The output is a separate ``GET .../requests/{id}``, whose
``video.file_size`` lets the download be verified. fal queues over-limit requests rather than
answering 429. The model is the fal app id; its tier (standard/pro/master) is in the id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from reelgate.providers.base import ApiCall, Provider, Submitted, TaskStatus
from reelgate.providers.capabilities import ModelCapabilities
from reelgate.providers.errors import (
    Outcome,
    RenderFailure,
    mentions_credits,
    mentions_moderation,
    outcome_for_status,
)
from reelgate.providers.http import retry_after_seconds
from reelgate.providers.kling_v3 import shot_prompt
from reelgate.providers.pricing import Price, fal_price
from reelgate.providers.prompting import compose_prompt
from reelgate.providers.references import MB, url_or_data_uri
from reelgate.providers.secrets import Secret
from reelgate.request import RenderRequest

_KLING_ASPECTS = ("16:9", "9:16", "1:1")
_TIER_RESOLUTION = {"standard": ("720p",), "pro": ("1080p",), "master": ("1080p",)}
# Kling has no v2.1 standard/pro text-to-video: fal documents only v2.1/master/text-to-video.


def _text(tier: str, **overrides: Any) -> ModelCapabilities:
    settings: dict[str, Any] = {"durations": (5.0, 10.0), "aspect_ratios": _KLING_ASPECTS,
                                   "resolutions": _TIER_RESOLUTION[tier], **overrides}
    return ModelCapabilities(**settings)


def _image(tier: str, **overrides: Any) -> ModelCapabilities:
    settings: dict[str, Any] = {"durations": (5.0, 10.0), "resolutions": _TIER_RESOLUTION[tier],
                                   "text_to_video": False, "reference_image": True,
                                   "requires_reference_image": True,
                                   "aspect_from_reference_image": True, **overrides}
    return ModelCapabilities(**settings)


def _motion_control(tier: str) -> ModelCapabilities:
    return ModelCapabilities(
        resolutions=_TIER_RESOLUTION[tier], text_to_video=False, reference_image=True,
        requires_reference_image=True, reference_video=True, requires_reference_video=True,
        duration_from_reference_video=True, aspect_from_reference_image=True,
        negative_prompt=False)


_V3_SECONDS = (3.0, 15.0)  # v3 DurationEnum "3".."15"
KLING = "fal-ai/kling-video"
# Sources, seen 2026-12-01 (D = https://fal.ai/docs/model-api-reference/video-generation-api,
# M = https://fal.ai/models/fal-ai/kling-video).
MODELS: dict[str, ModelCapabilities] = {
    # M/v2.1/master/text-to-video/llms.txt: "5"|"10"; fal documents v2.1 only as master
    f"{KLING}/v2.1/master/text-to-video": _text("master"),
    f"{KLING}/v2.1/master/image-to-video": _image("master"),
    # M/v2.5-turbo/pro/text-to-video/llms.txt: duration "5"|"10", 16:9 9:16 1:1, no audio
    f"{KLING}/v2.5-turbo/pro/text-to-video": _text("pro"),
    f"{KLING}/v2.5-turbo/pro/image-to-video": _image("pro"),  # same page family, image_url
    # M/v2.6/pro/text-to-video/llms.txt: "5"|"10", 16:9 9:16 1:1, negative_prompt, audio
    # D/kling-video-v2.6-pro.md: voice_ids, "maximum 2 voices per task" (<<<voice_1>>>)
    f"{KLING}/v2.6/pro/text-to-video": _text("pro", sound=True, max_voices=2),
    # D/kling-video-v2.6-pro.md: image-to-video takes start_image_url
    f"{KLING}/v2.6/pro/image-to-video": _image("pro", sound=True, max_voices=2),
    # unchanged from before this refresh (v2.6 motion control, standard and pro)
    f"{KLING}/v2.6/standard/motion-control": _motion_control("standard"),
    f"{KLING}/v2.6/pro/motion-control": _motion_control("pro"),
    # D/kling-video-v3-pro.md: duration "3".."15", generate_audio default true, multi_prompt;
    # D/kling-video-v3-standard.md: the 720p tier, image-to-video with start_image_url
    # (M/v3/standard/text-to-video/llms.txt: "Either prompt or multi_prompt must be provided,
    # but not both"; multi_prompt is a list of {prompt, duration})
    # (multi_prompt's KlingV3MultiPromptElement.duration is the same DurationEnum, "3".."15")
    **{f"{KLING}/v3/{tier}/text-to-video": _text(tier, durations=(), duration_range=_V3_SECONDS,
                                                 multi_shot=True, sound=True,
                                                 shot_seconds=_V3_SECONDS, max_voices=2)
       for tier in ("standard", "pro")},
    **{f"{KLING}/v3/{tier}/image-to-video": _image(tier, durations=(),
                                                   duration_range=_V3_SECONDS, sound=True,
                                                   max_voices=2)
       for tier in ("standard", "pro")},
    # https://fal.ai/models/fal-ai/veo3 (unchanged)
    "fal-ai/veo3": ModelCapabilities(durations=(4.0, 6.0, 8.0), aspect_ratios=("16:9", "9:16"),
                                     resolutions=("720p", "1080p"), seed=True),
}
# Apps whose image input is ``start_image_url`` (v2.6, v3), not ``image_url`` (v2.1, v2.5-turbo).
_START_IMAGE = ("/v2.6/", "/v3/")
# Apps with native audio (``generate_audio``, on by default on v3): sent from the preset's
# sound (default off: audio costs more per second).
_AUDIO = ("/v2.6/pro/text-to-video", "/v2.6/pro/image-to-video", "/v3/")


def tier_mode(app_id: str) -> str:
    """Kling's std/pro from the app id's tier, for pricing."""
    return "std" if "/standard/" in app_id else "pro"


def queue_base(app_id: str) -> str:
    owner, alias = app_id.split("/")[:2]
    return f"/{owner}/{alias}/requests"


class FalProvider(Provider):
    name: ClassVar[str] = "fal"
    default_base_url: ClassVar[str] = "https://queue.fal.run"
    credentials_help: ClassVar[str] = "FAL_KEY"
    models: ClassVar[Mapping[str, ModelCapabilities]] = MODELS
    default_model: ClassVar[str] = "fal-ai/kling-video/v2.6/pro/text-to-video"
    default_concurrency: ClassVar[int] = 2  # new accounts run 2 at once; more just queue

    @classmethod
    def read_credentials(cls, env: Mapping[str, str]) -> tuple[Secret, ...]:
        return cls.require_key(env, "FAL_KEY")

    @classmethod
    def list_price(cls, request: RenderRequest) -> Price:
        return fal_price(request.model, tier_mode(request.model), request.duration,
                         sound=request.sound == "on", voices=bool(request.voices))

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Key {self._secrets[0].reveal()}"}

    def build_submit(self, request: RenderRequest) -> ApiCall:
        prompt = compose_prompt(request.prompt, request.camera, request.motion_score,
                                camera_native=False, motion_native=False)
        body: dict[str, Any] = {"prompt": prompt}
        if request.model.endswith("motion-control"):
            assert request.reference_image and request.reference_video
            body["image_url"] = self._uri(request.reference_image)
            body["video_url"] = self._uri(request.reference_video)
            body["character_orientation"] = "image" if request.duration <= 10 else "video"
            body["keep_original_sound"] = False
            return ApiCall("POST", f"/{request.model}", body)
        if request.model == "fal-ai/veo3":
            body["duration"] = f"{request.duration:g}s"
            body["resolution"] = request.resolution
        else:
            body["duration"] = f"{request.duration:g}"
        if request.negative_prompt:
            body["negative_prompt"] = ", ".join(request.negative_prompt)
        if request.reference_image is not None:
            field = ("start_image_url" if any(v in request.model for v in _START_IMAGE)
                     else "image_url")
            body[field] = self._uri(request.reference_image)
        else:
            body["aspect_ratio"] = request.aspect_ratio
        if any(marker in request.model for marker in _AUDIO):
            body["generate_audio"] = request.sound == "on"
        if request.voices:  # the apps that take them (capabilities: max_voices)
            body["voice_ids"] = list(request.voices)
        if request.shots:  # multi_prompt replaces the prompt (fal: "not both")
            del body["prompt"]
            body["multi_prompt"] = [{"prompt": shot_prompt(request, shot),
                                     "duration": f"{shot.duration:g}"} for shot in request.shots]
            body["shot_type"] = "customize"
        if request.seed is not None and self.capabilities_for(request.model).seed:
            body["seed"] = request.seed
        return ApiCall("POST", f"/{request.model}", body)

    def _uri(self, reference: str) -> str:
        return url_or_data_uri(reference, limit_bytes=10 * MB, provider=self.name)

    def parse_submit(self, body: Any, call: ApiCall) -> Submitted:
        request_id = str(body["request_id"])
        base = f"{queue_base(call.path.lstrip('/'))}/{request_id}"
        return Submitted(request_id, poll=ApiCall("GET", f"{base}/status"),
                         cancel=ApiCall("PUT", f"{base}/cancel"), result=ApiCall("GET", base))

    def parse_status(self, body: Any) -> TaskStatus:
        status = body["status"]
        if status != "COMPLETED":
            return TaskStatus("running" if status == "IN_PROGRESS" else "queued")
        error = body.get("error")
        if error:
            kind = str(body.get("error_type") or "")
            text = f"{error}" + (f" ({kind})" if kind else "")
            outcome = (Outcome.MODERATION_OUTPUT if mentions_moderation(text)
                       else Outcome.PROVIDER_FAILED)
            return TaskStatus("failed", failure=RenderFailure(outcome, f"request failed: {text}",
                                                              provider_code=kind or None))
        return TaskStatus("succeeded")

    def parse_result(self, body: Any) -> TaskStatus:
        video = body["video"]
        size = video.get("file_size")
        return TaskStatus("succeeded", video_url=video["url"],
                          video_size=int(size) if isinstance(size, int) else None)

    def classify_error(self, status: int, body: Any, headers: httpx.Headers) -> RenderFailure:
        text, kinds = _detail(body)
        outcome, retryable = outcome_for_status(status)
        if "content_policy_violation" in kinds or (status == 422 and mentions_moderation(text)):
            outcome = Outcome.MODERATION_INPUT
        elif status in (402, 403) and (mentions_credits(text) or "exhausted" in text.lower()):
            outcome = Outcome.INSUFFICIENT_CREDITS
        if headers.get("x-fal-retryable", "").lower() == "false":
            retryable = False
        return RenderFailure(outcome, text or f"HTTP {status}", status_code=status,
                             provider_code=headers.get("x-fal-error-type") or None,
                             retryable=retryable,
                             retry_after=retry_after_seconds(headers) if retryable else None)


def _detail(body: Any) -> tuple[str, set[str]]:
    """fal error text and error types, from ``detail`` (string or list) or ``error``."""
    if not isinstance(body, dict):
        return str(body), set()
    detail = body.get("detail", body.get("error", ""))
    if isinstance(detail, list):
        parts = [f"{'.'.join(str(p) for p in item.get('loc', []))}: {item.get('msg', '')}"
                 for item in detail if isinstance(item, dict)]
        kinds = {str(item.get("type", "")) for item in detail if isinstance(item, dict)}
        return "; ".join(parts), kinds
    if isinstance(detail, dict):
        return str(detail.get("message", detail)), {str(detail.get("code", ""))}
    return str(detail), {str(body.get("error_type", ""))}

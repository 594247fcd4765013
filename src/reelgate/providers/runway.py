"""Runway API (version 2024-11-06): image_to_video, text_to_video, video_to_video, Act-Two.

Auth is ``Bearer`` RUNWAY_API_KEY (or RUNWAYML_API_SECRET, the SDK's name) plus the
``X-Runway-Version`` header. Create calls return ``{"id"}``; ``GET /v1/tasks/{id}`` moves through
PENDING/THROTTLED -> RUNNING -> SUCCEEDED (``output[0]``) | FAILED (``failureCode``) | CANCELLED.
The output size is set by ``ratio`` in pixels, built here from aspect ratio and resolution
(``aleph2`` keeps the input video's frame; its ``ratio`` is deprecated and not sent). A terminal
task reports ``cost.credits``, the credits actually charged; that is the recorded cost.
Runway has no camera control and no motion knob except Act-Two's ``expressionIntensity``.

Models, fields and ratios are those of the official SDK's create params (``runwayml`` 5.24.0 on
PyPI, ``types/{text,image,video}_to_video_create_params.py``, ``character_performance_...``, seen
2026-12-01): ``veo3`` is gone from them and ``gen4_aleph`` is replaced by ``aleph2``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from reelgate.providers.base import ApiCall, Provider, Submitted, TaskStatus
from reelgate.providers.capabilities import CapabilityIssue, ModelCapabilities
from reelgate.providers.errors import (
    Outcome,
    RenderFailure,
    mentions_credits,
    outcome_for_status,
)
from reelgate.providers.http import error_text, retry_after_seconds
from reelgate.providers.pricing import RUNWAY_USD_PER_CREDIT, Price, runway_price
from reelgate.providers.prompting import compose_prompt
from reelgate.providers.references import MB, url_or_data_uri
from reelgate.providers.secrets import Secret
from reelgate.request import RESOLUTION_SHORT_SIDE, RenderRequest

API_VERSION = "2024-11-06"
PROMPT_LIMIT = 1000  # UTF-16 code units
# runwayml 5.24.0 create params: every image and video data URI is "up to 5MB".
DATA_URI_LIMIT_MB = 5

# (aspect ratio, resolution) -> Runway ratio (output pixels).
RATIOS: dict[tuple[str, str], str] = {
    ("16:9", "720p"): "1280:720",
    ("9:16", "720p"): "720:1280",
    ("4:3", "720p"): "1104:832",
    ("3:4", "720p"): "832:1104",
    ("1:1", "720p"): "960:960",
    ("21:9", "720p"): "1584:672",
    ("16:9", "1080p"): "1920:1080",  # Veo 3.1 only; other models render 720p
    ("9:16", "1080p"): "1080:1920",
}
_GEN4_ASPECTS = ("16:9", "9:16", "4:3", "3:4", "1:1", "21:9")
_WIDE_TALL = ("16:9", "9:16")


def _model(**overrides: Any) -> ModelCapabilities:
    settings: dict[str, Any] = {"resolutions": ("720p",), "negative_prompt": False, "seed": True,
                                "reference_image": True, **overrides}
    return ModelCapabilities(**settings)


# Each entry: runwayml 5.24.0 create params (PyPI wheel, seen 2026-12-01).
MODELS: dict[str, ModelCapabilities] = {
    "gen4_turbo": _model(durations=(5.0, 10.0), aspect_ratios=_GEN4_ASPECTS,
                         text_to_video=False, requires_reference_image=True),
    "gen4.5": _model(duration_range=(2.0, 10.0), aspect_ratios=_WIDE_TALL),
    # Veo 3.1 (text/image_to_video): 720p and 1080p ratios, negativePrompt, seed, audio.
    "veo3.1": _model(durations=(4.0, 6.0, 8.0), aspect_ratios=_WIDE_TALL,
                     resolutions=("720p", "1080p"), negative_prompt=True, sound=True),
    "veo3.1_fast": _model(durations=(4.0, 6.0, 8.0), aspect_ratios=_WIDE_TALL,
                          resolutions=("720p", "1080p"), negative_prompt=True, sound=True),
    # aleph2 (video_to_video Variant0): no ratio (deprecated), the frame follows the input video.
    "aleph2": _model(resolutions=(), text_to_video=False, reference_video=True,
                     requires_reference_video=True, duration_from_reference_video=True),
    "act_two": _model(aspect_ratios=_GEN4_ASPECTS, text_to_video=False,
                      requires_reference_image=True, reference_video=True,
                      requires_reference_video=True, duration_from_reference_video=True,
                      motion_knob="expressionIntensity"),
}
_VEO = frozenset({"veo3.1", "veo3.1_fast"})
_FRAME_FROM_VIDEO = frozenset({"aleph2"})


def ratio_for(request: RenderRequest) -> str | None:
    return RATIOS.get((request.aspect_ratio, request.resolution))


def expression_intensity(motion_score: float) -> int:
    """Act-Two's 1-5 scale from the 0-10 motion score."""
    return 1 + round(motion_score / 10 * 4)


class RunwayProvider(Provider):
    name: ClassVar[str] = "runway"
    default_base_url: ClassVar[str] = "https://api.dev.runwayml.com"
    credentials_help: ClassVar[str] = "RUNWAY_API_KEY (or RUNWAYML_API_SECRET)"
    models: ClassVar[Mapping[str, ModelCapabilities]] = MODELS
    default_model: ClassVar[str] = "gen4_turbo"
    default_concurrency: ClassVar[int] = 2  # tier 1 allows 1-2 per model

    @classmethod
    def read_credentials(cls, env: Mapping[str, str]) -> tuple[Secret, ...]:
        return cls.require_key(env, "RUNWAY_API_KEY", "RUNWAYML_API_SECRET")

    @classmethod
    def list_price(cls, request: RenderRequest) -> Price:
        return runway_price(request.model, request.duration)

    @classmethod
    def extra_issues(cls, request: RenderRequest) -> list[CapabilityIssue]:
        issues: list[CapabilityIssue] = []
        if len(_prompt(request).encode("utf-16-le")) // 2 > PROMPT_LIMIT:
            issues.append(CapabilityIssue("prompt", "error", f"runway takes at most "
                          f"{PROMPT_LIMIT} prompt characters; shorten the prompt layers"))
        if request.model in _FRAME_FROM_VIDEO:
            return issues
        ratio = ratio_for(request)
        if ratio is None:
            combos = ", ".join(f"{a} at {r}" for a, r in RATIOS)
            issues.append(CapabilityIssue("output.aspect_ratio", "error", "runway has no output "
                          f"size for {request.aspect_ratio} at {request.resolution}; use one of "
                          f"{combos}"))
            return issues
        width, height = (int(side) for side in ratio.split(":"))
        wanted = RESOLUTION_SHORT_SIDE[request.resolution]
        if abs(min(width, height) - wanted) / wanted > 0.05:
            issues.append(CapabilityIssue(
                "output.resolution", "warning", f"runway renders {request.aspect_ratio} as "
                f"{width}x{height}, short side {min(width, height)} px, not {wanted}; widen the "
                "contract's resolution tolerance or expect that check to fail"))
        return issues

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._secrets[0].reveal()}",
                "X-Runway-Version": API_VERSION}

    def build_submit(self, request: RenderRequest) -> ApiCall:
        ratio = ratio_for(request)
        prompt = _prompt(request)
        if request.model == "act_two":
            assert request.reference_image and request.reference_video
            body: dict[str, Any] = {
                "model": "act_two",
                "character": {"type": "image", "uri": self._uri(request.reference_image)},
                "reference": {"type": "video", "uri": self._uri(request.reference_video)},
                "bodyControl": True,
                "ratio": ratio,
            }
            if request.motion_score is not None:
                body["expressionIntensity"] = expression_intensity(request.motion_score)
            return ApiCall("POST", "/v1/character_performance", self._with_seed(body, request))
        if request.reference_video is not None:
            body = {"model": request.model, "videoUri": self._uri(request.reference_video),
                    "promptText": prompt}
            if request.reference_image is not None:
                # aleph2 takes guidance images as timed keyframes; at 0 it guides the first frame.
                body["keyframes"] = [{"at": 0.0, "uri": self._uri(request.reference_image)}]
            return ApiCall("POST", "/v1/video_to_video", self._with_seed(body, request))
        body = {"model": request.model, "promptText": prompt, "ratio": ratio,
                "duration": int(request.duration)}
        if request.model in _VEO:
            # "Audio inclusion affects pricing" (runwayml 5.24): from the preset, default off.
            body["audio"] = request.sound == "on"
            if request.negative_prompt:
                body["negativePrompt"] = ", ".join(request.negative_prompt)
        if request.reference_image is not None:
            body["promptImage"] = self._uri(request.reference_image)
            return ApiCall("POST", "/v1/image_to_video", self._with_seed(body, request))
        return ApiCall("POST", "/v1/text_to_video", self._with_seed(body, request))

    def _uri(self, reference: str) -> str:
        return url_or_data_uri(reference, limit_bytes=DATA_URI_LIMIT_MB * MB, provider=self.name)

    def _with_seed(self, body: dict[str, Any], request: RenderRequest) -> dict[str, Any]:
        if request.seed is not None and self.capabilities_for(request.model).seed:
            body["seed"] = request.seed
        return body

    def parse_submit(self, body: Any, call: ApiCall) -> Submitted:
        task_id = str(body["id"])
        return Submitted(task_id, poll=ApiCall("GET", f"/v1/tasks/{task_id}"),
                         cancel=ApiCall("DELETE", f"/v1/tasks/{task_id}"))

    def parse_status(self, body: Any) -> TaskStatus:
        status = body["status"]
        if status == "SUCCEEDED":
            return TaskStatus("succeeded", video_url=body["output"][0], cost_usd=charged_usd(body))
        if status == "FAILED":
            return TaskStatus("failed", failure=_task_failure(body), cost_usd=charged_usd(body))
        if status == "CANCELLED":
            return TaskStatus("failed", failure=RenderFailure(
                Outcome.PROVIDER_FAILED, f"task {body.get('id')} was cancelled on Runway's side"),
                cost_usd=charged_usd(body))
        return TaskStatus("running" if status == "RUNNING" else "queued")

    def classify_error(self, status: int, body: Any, headers: httpx.Headers) -> RenderFailure:
        text = error_text(body, "error")
        outcome, retryable = outcome_for_status(status)
        if status == 400 and mentions_credits(text):
            outcome = Outcome.INSUFFICIENT_CREDITS
        return RenderFailure(outcome, text or f"HTTP {status}", status_code=status,
                             retryable=retryable,
                             retry_after=retry_after_seconds(headers) if retryable else None)


def charged_usd(body: Mapping[str, Any]) -> float | None:
    """USD from a terminal task's ``cost.credits`` (what Runway charged), None if absent."""
    cost = body.get("cost")
    credits = cost.get("credits") if isinstance(cost, Mapping) else None
    if isinstance(credits, bool) or not isinstance(credits, int | float):
        return None
    return round(credits * RUNWAY_USD_PER_CREDIT, 4)


def _prompt(request: RenderRequest) -> str:
    return compose_prompt(request.prompt, request.camera, request.motion_score,
                          camera_native=False, motion_native=request.model == "act_two")


def _task_failure(body: Mapping[str, Any]) -> RenderFailure:
    code = str(body.get("failureCode") or "")
    reason = f"task {body.get('id')} failed: {body.get('failure') or 'no reason given'}"
    if code.startswith("SAFETY.INPUT"):
        outcome = Outcome.MODERATION_INPUT
    elif code.startswith("SAFETY.OUTPUT") or code.startswith("SAFETY"):
        outcome = Outcome.MODERATION_OUTPUT
    elif code.startswith(("ASSET.INVALID", "INPUT_PREPROCESSING")):
        outcome = Outcome.INVALID_PARAMETERS
    else:
        outcome = Outcome.PROVIDER_FAILED
    return RenderFailure(outcome, reason, provider_code=code or None)

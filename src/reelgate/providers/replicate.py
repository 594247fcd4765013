"""Replicate predictions API: Kling models by Kwai (``kwaivgi/kling-*``).

Auth is ``Bearer`` REPLICATE_API_TOKEN. ``POST /models/{owner}/{name}/predictions`` with
``{"input": {...}}`` creates a prediction; ``GET /predictions/{id}`` moves through starting ->
processing -> succeeded (``output``: a URI or a list of them) | failed (``error``) | canceled.
Errors are RFC 7807 problem documents; 402 means no credit, and a 429 without Retry-After says
"resets in ~30s" in its detail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from reelgate.providers.base import ApiCall, Provider, Submitted, TaskStatus
from reelgate.providers.capabilities import ModelCapabilities
from reelgate.providers.errors import (
    Outcome,
    RenderFailure,
    mentions_moderation,
    outcome_for_status,
)
from reelgate.providers.http import error_text, retry_after_seconds
from reelgate.providers.pricing import Price, replicate_price
from reelgate.providers.prompting import compose_prompt
from reelgate.providers.references import MB, url_or_data_uri
from reelgate.providers.secrets import Secret
from reelgate.request import RenderRequest

_RESETS_IN = re.compile(r"resets in ~?(\d+(?:\.\d+)?)\s*s")
_KLING_ASPECTS = ("16:9", "9:16", "1:1")
# Sources: each model's API page on replicate.com (https://replicate.com/<model>/api), as audited
# in issue 13 (2026-11): kling-v2.6 renders 1080p only (also https://ofox.ai/blog/kling-2-6-pro-
# video-api-english-complete-2026/, seen 2026-12-01: "runs 1080p at 5 or 10 seconds") and takes
# generate_audio;
# kling-v2.5-turbo-pro's inputs are prompt, negative_prompt, duration 5|10, aspect_ratio and
# start_image, no generate_audio (its schema as mirrored at
# https://api.core.today/v1/models/kwaivgi/kling-v2.5-turbo-pro/llms.txt, seen 2026-12-01).
MODELS: dict[str, ModelCapabilities] = {
    "kwaivgi/kling-v2.6": ModelCapabilities(
        durations=(5.0, 10.0), aspect_ratios=_KLING_ASPECTS, resolutions=("1080p",),
        reference_image=True, aspect_from_reference_image=True, sound=True),
    "kwaivgi/kling-v2.5-turbo-pro": ModelCapabilities(
        durations=(5.0, 10.0), aspect_ratios=_KLING_ASPECTS, resolutions=("720p", "1080p"),
        reference_image=True, aspect_from_reference_image=True),
    "kwaivgi/kling-v2.1": ModelCapabilities(
        durations=(5.0, 10.0), resolutions=("720p", "1080p"), modes=("standard", "pro"),
        text_to_video=False, reference_image=True, requires_reference_image=True,
        aspect_from_reference_image=True),
}

# Models with a generate_audio input, sent from the preset's sound (default off: audio is dearer).
AUDIO_MODELS = frozenset({"kwaivgi/kling-v2.6"})


class ReplicateProvider(Provider):
    name: ClassVar[str] = "replicate"
    default_base_url: ClassVar[str] = "https://api.replicate.com/v1"
    credentials_help: ClassVar[str] = "REPLICATE_API_TOKEN"
    models: ClassVar[Mapping[str, ModelCapabilities]] = MODELS
    default_model: ClassVar[str] = "kwaivgi/kling-v2.6"

    @classmethod
    def read_credentials(cls, env: Mapping[str, str]) -> tuple[Secret, ...]:
        return cls.require_key(env, "REPLICATE_API_TOKEN")

    @classmethod
    def list_price(cls, request: RenderRequest) -> Price:
        return replicate_price(request.model, request.duration)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._secrets[0].reveal()}"}

    def build_submit(self, request: RenderRequest) -> ApiCall:
        prompt = compose_prompt(request.prompt, request.camera, request.motion_score,
                                camera_native=False, motion_native=False)
        inputs: dict[str, Any] = {"prompt": prompt, "duration": int(request.duration)}
        if request.negative_prompt:
            inputs["negative_prompt"] = ", ".join(request.negative_prompt)
        if request.reference_image is not None:
            inputs["start_image"] = url_or_data_uri(request.reference_image,
                                                    limit_bytes=10 * MB, provider=self.name)
        else:
            inputs["aspect_ratio"] = request.aspect_ratio
        if request.model == "kwaivgi/kling-v2.1":
            inputs["mode"] = request.mode or ("pro" if request.resolution == "1080p"
                                              else "standard")
        elif request.model in AUDIO_MODELS:
            inputs["generate_audio"] = request.sound == "on"
        return ApiCall("POST", f"/models/{request.model}/predictions", {"input": inputs})

    def parse_submit(self, body: Any, call: ApiCall) -> Submitted:
        prediction = str(body["id"])
        return Submitted(prediction, poll=ApiCall("GET", f"/predictions/{prediction}"),
                         cancel=ApiCall("POST", f"/predictions/{prediction}/cancel"))

    def parse_status(self, body: Any) -> TaskStatus:
        status = body["status"]
        if status == "succeeded":
            output = body["output"]
            return TaskStatus("succeeded", video_url=output[0] if isinstance(output, list)
                              else output)
        if status in ("failed", "canceled"):
            reason = str(body.get("error") or status)
            outcome = (Outcome.MODERATION_OUTPUT if mentions_moderation(reason)
                       else Outcome.PROVIDER_FAILED)
            return TaskStatus("failed", failure=RenderFailure(
                outcome, f"prediction {body.get('id')} {status}: {reason}"))
        return TaskStatus("running" if status == "processing" else "queued")

    def classify_error(self, status: int, body: Any, headers: httpx.Headers) -> RenderFailure:
        text = error_text(body, "detail", "title")
        outcome, retryable = outcome_for_status(status)
        if outcome is Outcome.INVALID_PARAMETERS and mentions_moderation(text):
            outcome = Outcome.MODERATION_INPUT
        retry_after = retry_after_seconds(headers)
        if status == 429 and retry_after is None and (match := _RESETS_IN.search(text)):
            retry_after = float(match.group(1))
        return RenderFailure(outcome, text or f"HTTP {status}", status_code=status,
                             retryable=retryable, retry_after=retry_after if retryable else None)

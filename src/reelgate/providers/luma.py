"""Luma Dream Machine API: ``POST /generations/video`` and ``/generations/video/modify``.

Auth is ``Bearer`` LUMAAI_API_KEY (the name the official ``lumaai`` SDK reads, checked first) or
LUMA_API_KEY (reelgate's earlier name, still accepted). Create returns the generation (``queued``); ``GET
/generations/{id}`` moves through queued -> dreaming -> completed (``assets.video``) | failed
(``failure_reason``). Luma fetches references by URL only. Camera moves map to Luma camera
concepts (keys as listed by ComfyUI's Luma nodes: pan_left, push_in, orbit_right, handheld...);
with a reference video the motion score picks the modify mode, from ``adhere_1`` (closest to the
source) to ``reimagine_3``. There is no negative prompt and no seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from reelgate.preset.camera import CameraIntent
from reelgate.providers.base import ApiCall, Provider, Submitted, TaskStatus
from reelgate.providers.capabilities import CapabilityIssue, ModelCapabilities
from reelgate.providers.errors import (
    Outcome,
    RenderFailure,
    mentions_credits,
    mentions_moderation,
    outcome_for_status,
)
from reelgate.providers.http import error_text, retry_after_seconds
from reelgate.providers.pricing import Price, luma_price
from reelgate.providers.prompting import compose_prompt
from reelgate.providers.references import url_only
from reelgate.providers.secrets import Secret
from reelgate.request import RenderRequest

CONCEPTS: dict[str, str] = {
    "locked": "static",
    "pan-left": "pan_left",
    "pan-right": "pan_right",
    "tilt-up": "tilt_up",
    "tilt-down": "tilt_down",
    "push-in": "push_in",
    "pull-out": "pull_out",
    "orbit-left": "orbit_left",
    "orbit-right": "orbit_right",
    "handheld": "handheld",
}
MODIFY_MODES = tuple(f"{kind}_{level}" for kind in ("adhere", "flex", "reimagine")
                     for level in (1, 2, 3))

_LUMA = ModelCapabilities(
    durations=(5.0, 9.0),
    aspect_ratios=("1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21"),
    resolutions=("540p", "720p", "1080p", "4k"),
    reference_image=True,
    reference_video=True,
    duration_from_reference_video=True,
    camera_moves=frozenset(CONCEPTS),
    negative_prompt=False,
    seed=False,
    local_references=False,
)
MODELS: dict[str, ModelCapabilities] = {"ray-2": _LUMA, "ray-flash-2": _LUMA}


def concept_for(camera: CameraIntent) -> str | None:
    if camera.also:
        return None  # a concept is one move: moves made together go as prompt words
    if camera.zoom and camera.move in ("push-in", "pull-out"):
        return "zoom_in" if camera.move == "push-in" else "zoom_out"
    return CONCEPTS.get(camera.move)


def modify_mode(motion_score: float | None) -> str:
    """0-10 motion onto Luma's nine modes; no score keeps the middle ground (flex_1)."""
    if motion_score is None:
        return "flex_1"
    return MODIFY_MODES[min(len(MODIFY_MODES) - 1, int(motion_score / 10 * len(MODIFY_MODES)))]


class LumaProvider(Provider):
    name: ClassVar[str] = "luma"
    default_base_url: ClassVar[str] = "https://api.lumalabs.ai/dream-machine/v1"
    credentials_help: ClassVar[str] = "LUMAAI_API_KEY (or LUMA_API_KEY)"
    models: ClassVar[Mapping[str, ModelCapabilities]] = MODELS
    default_model: ClassVar[str] = "ray-2"

    @classmethod
    def read_credentials(cls, env: Mapping[str, str]) -> tuple[Secret, ...]:
        # lumaai 1.21.0 (_client.py) reads LUMAAI_API_KEY; the SDK's name wins when both are set.
        return cls.require_key(env, "LUMAAI_API_KEY", "LUMA_API_KEY")

    @classmethod
    def list_price(cls, request: RenderRequest) -> Price:
        return luma_price(request.model, request.resolution, request.duration)

    @classmethod
    def capability_issues(cls, request: RenderRequest) -> list[CapabilityIssue]:
        issues = super().capability_issues(request)
        if request.reference_video is None:
            return issues
        # Modify takes the motion score as its mode; it has no keyframes or camera concepts.
        issues = [i for i in issues if i.field != "motion"]
        if request.reference_image is not None:
            issues.append(CapabilityIssue("reference.image", "warning", "luma modify takes no "
                          "image with a reference video; reference.image is dropped"))
        if request.camera is not None:
            issues = [i for i in issues if i.field != "camera"]
            issues.append(CapabilityIssue("camera", "warning", "luma modify has no camera "
                          "concepts; the move is sent as prompt words and not enforced"))
        return issues

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._secrets[0].reveal()}"}

    def build_submit(self, request: RenderRequest) -> ApiCall:
        if request.reference_video is not None:
            body: dict[str, Any] = {
                "generation_type": "modify_video",
                "model": request.model,
                "media": {"url": url_only(request.reference_video, provider=self.name)},
                "mode": modify_mode(request.motion_score),
                "prompt": _prompt(request, concept=None),
            }
            return ApiCall("POST", "/generations/video/modify", body)
        concept = concept_for(request.camera) if request.camera else None
        body = {
            "model": request.model,
            "prompt": _prompt(request, concept=concept),
            "aspect_ratio": request.aspect_ratio,
            "duration": f"{request.duration:g}s",
            "resolution": request.resolution,
        }
        if concept is not None:
            body["concepts"] = [{"key": concept}]
        if request.reference_image is not None:
            body["keyframes"] = {"frame0": {
                "type": "image", "url": url_only(request.reference_image, provider=self.name)}}
        return ApiCall("POST", "/generations/video", body)

    def parse_submit(self, body: Any, call: ApiCall) -> Submitted:
        generation = str(body["id"])
        return Submitted(generation, poll=ApiCall("GET", f"/generations/{generation}"),
                         cancel=ApiCall("DELETE", f"/generations/{generation}"))

    def parse_status(self, body: Any) -> TaskStatus:
        state = body["state"]
        if state == "completed":
            return TaskStatus("succeeded", video_url=body["assets"]["video"])
        if state == "failed":
            reason = str(body.get("failure_reason") or "no reason given")
            outcome = (Outcome.MODERATION_OUTPUT if mentions_moderation(reason)
                       else Outcome.PROVIDER_FAILED)
            return TaskStatus("failed", failure=RenderFailure(
                outcome, f"generation {body.get('id')} failed: {reason}"))
        return TaskStatus("running" if state == "dreaming" else "queued")

    def classify_error(self, status: int, body: Any, headers: httpx.Headers) -> RenderFailure:
        text = error_text(body, "detail")
        outcome, retryable = outcome_for_status(status)
        if outcome is Outcome.INVALID_PARAMETERS and mentions_moderation(text):
            outcome = Outcome.MODERATION_INPUT
        elif outcome in (Outcome.INVALID_PARAMETERS, Outcome.AUTH_FAILED) and mentions_credits(
                text):
            outcome = Outcome.INSUFFICIENT_CREDITS
        return RenderFailure(outcome, text or f"HTTP {status}", status_code=status,
                             retryable=retryable,
                             retry_after=retry_after_seconds(headers) if retryable else None)


def _prompt(request: RenderRequest, *, concept: str | None) -> str:
    return compose_prompt(request.prompt, request.camera, request.motion_score,
                          camera_native=concept is not None,
                          motion_native=request.reference_video is not None)

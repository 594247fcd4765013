"""Kling AI, native v1 API: text2video, image2video, motion-control and omni-video.

Auth is an HS256 JWT from KLING_ACCESS_KEY/KLING_SECRET_KEY (regenerated before it is 25 minutes
old), or KLING_API_KEY sent as is. Responses use the ``{code, message, request_id, data}``
envelope; tasks go ``submitted -> processing -> succeed | failed``. Kling reports the units it
charged (``final_unit_deduction``); that figure is the recorded cost.

Camera control exists only on kling-v1 (text2video) and kling-v1-5 (image2video), and only for
single-axis moves; every other camera intent, and the motion score (Kling has no motion knob;
``cfg_scale`` is prompt adherence), goes into the prompt as words. Kling 3.0's multi-shot,
sound, end frames, elements and the omni-video endpoint (a mode of this adapter, chosen by the
omni models) are mapped in ``kling_v3``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
import jwt

from reelgate.preset.camera import CameraIntent
from reelgate.preset.model import MAX_VOICES
from reelgate.providers.base import ApiCall, Provider, Submitted, TaskCharge, TaskStatus
from reelgate.providers.capabilities import CapabilityIssue, ModelCapabilities
from reelgate.providers.errors import (
    MissingCredentialsError,
    RenderFailure,
)
from reelgate.providers.http import retry_after_seconds
from reelgate.providers.kling_errors import classify_code, task_failure
from reelgate.providers.kling_v3 import (
    OMNI_MODELS,
    element_list,
    kling3_issues,
    multi_shot_fields,
    omni_fields,
    omni_prompt,
)
from reelgate.providers.pricing import KLING_USD_PER_UNIT, Price, kling_price
from reelgate.providers.prompting import compose_prompt
from reelgate.providers.references import MB, url_or_raw_base64
from reelgate.providers.secrets import Secret, read_secret, redact
from reelgate.request import RenderRequest, is_url

PROMPT_LIMIT = 2500
# Kling API reference (text2video/image2video): negative_prompt "cannot exceed 2500 characters".
NEGATIVE_PROMPT_LIMIT = 2500
# The task list is read page by page (Kling allows up to 500 a page); 20 pages is 10,000 tasks,
# more than any run leaves unsettled, and bounds a reconciliation's calls.
LIST_PAGE_SIZE = 500
LIST_PAGES = 20
LIST_DEADLINE_S = 120.0
TOKEN_LIFETIME_S = 1800
TOKEN_REFRESH_S = 1500

_SINGLE_AXIS = frozenset({"pan-left", "pan-right", "tilt-up", "tilt-down", "push-in", "pull-out"})
# Kling's own axis names (ComfyUI KlingCameraControls docs, after Kling's): "pan" turns the
# camera up (+) or down (-), "tilt" turns it right (+) or left (-), "zoom" < 0 narrows the view.
_CAMERA_AXIS: dict[str, tuple[str, int]] = {
    "pan-left": ("tilt", -1),
    "pan-right": ("tilt", 1),
    "tilt-up": ("pan", 1),
    "tilt-down": ("pan", -1),
    "push-in": ("zoom", -1),
    "pull-out": ("zoom", 1),
}
_SPEED_MAGNITUDE = {"slow": 2.0, "gentle": 3.0, "moderate": 5.0, "fast": 8.0}
# Where native camera_control is documented (notes 2.6): kling-v1 text2video std 5 s,
# kling-v1-5 image2video pro 5 s.
_CAMERA_ENDPOINT = {"kling-v1": "text2video", "kling-v1-5": "image2video"}
_CAMERA_DOCUMENTED = {"kling-v1": ("std", 5.0), "kling-v1-5": ("pro", 5.0)}


def _model(**overrides: Any) -> ModelCapabilities:
    settings: dict[str, Any] = {
        "durations": (5.0, 10.0),
        "aspect_ratios": ("16:9", "9:16", "1:1"),
        "resolutions": ("720p", "1080p"),
        "modes": ("std", "pro"),
        "reference_image": True,
        "aspect_from_reference_image": True,
        "negative_prompt_chars": NEGATIVE_PROMPT_LIMIT,
        **overrides,
    }
    return ModelCapabilities(**settings)


# Sources: Kling API reference, "capability map" of models x modes x resolutions
# (https://app.klingai.com/global/dev/document-api/apiReference/model/skillsMap), as audited in
# issue 13 (2026-11) against maintained integrations of the v1 API; the master models are single
# tier (no ``mode``): kling-v2-master 720p only, kling-v2-1-master 1080p only. Entries not named
# in that audit are unchanged from the team's provider notes (section 2).
MODELS: dict[str, ModelCapabilities] = {
    "kling-v1": _model(camera_moves=_SINGLE_AXIS),
    "kling-v1-5": _model(text_to_video=False, camera_moves=_SINGLE_AXIS),
    "kling-v1-6": _model(),
    "kling-v2-master": _model(resolutions=("720p",), modes=()),
    "kling-v2-1": _model(text_to_video=False),
    "kling-v2-1-master": _model(resolutions=("1080p",), modes=()),
    "kling-v2-5-turbo": _model(),
    "kling-v2-6": _model(reference_video=True, duration_from_reference_video=True, sound=True,
                         max_voices=MAX_VOICES),
    # Kling 3.0 (kling_v3's sources): multi-shot, sound, an end frame and up to 3 elements.
    "kling-v3": _model(durations=(), duration_range=(3.0, 15.0), reference_video=True,
                       duration_from_reference_video=True, multi_shot=True, sound=True,
                       end_image=True, max_elements=3, max_voices=MAX_VOICES),
    # The omni-video endpoint: no negative_prompt field (its prompt "can include positive and
    # negative descriptions"); kling-video-o1 renders 3 to 10 s, one shot, no sound.
    "kling-video-o1": _model(durations=(), duration_range=(3.0, 10.0), reference_video=True,
                             negative_prompt=False, end_image=True, max_elements=3),
    "kling-v3-omni": _model(durations=(), duration_range=(3.0, 15.0), reference_video=True,
                            negative_prompt=False, end_image=True, max_elements=3,
                            multi_shot=True, sound=True),
}
# Models whose text2video/image2video get an explicit ``sound``. kling-v2-6 and kling-v3 take it
# ("on"/"off"); v3 documents no default and sound costs 50% more per second, so v3 always gets
# it. v2.6 documents "off" as its default, so "off" is left to that default there: sending it
# changes every recorded v2.6 submit body and stales the example cassettes (measured: all sweeps
# fail to replay); add kling-v2-6 here when they are re-recorded. The preset has no sound field
# The preset's ``sound`` (default off) is sent to these, and "on" to any model with sound.
SOUND_SENT = frozenset({"kling-v3", "kling-v3-omni"})


def endpoint_for(request: RenderRequest) -> str:
    if request.model in OMNI_MODELS:
        return "omni-video"
    if request.reference_video is not None:
        return "motion-control"
    return "image2video" if request.reference_image is not None else "text2video"


def mode_for(request: RenderRequest) -> str:
    """The request's mode, else std for up to 720p and pro above (std ~ 720p, pro ~ 1080p)."""
    return request.mode or _mode_for_resolution(request.resolution)


def takes_mode(model: str) -> bool:
    """False for the single-tier master models, which have no ``mode`` field to send."""
    caps = MODELS.get(model)
    return caps is None or bool(caps.modes)


def _mode_for_resolution(resolution: str) -> str:
    return "pro" if resolution in ("1080p", "4k") else "std"


def camera_control(camera: CameraIntent) -> dict[str, Any]:
    axis, sign = _CAMERA_AXIS[camera.move]
    config: dict[str, float] = dict.fromkeys(("horizontal", "vertical", "pan", "tilt", "roll",
                                               "zoom"), 0.0)
    config[axis] = sign * _SPEED_MAGNITUDE[camera.speed or "moderate"]
    return {"type": "simple", "config": config}


def _native_camera(request: RenderRequest) -> dict[str, Any] | None:
    camera = request.camera
    if camera is None or camera.move not in _SINGLE_AXIS or camera.also:
        return None  # camera_control moves one axis: moves made together go as prompt words
    if _CAMERA_ENDPOINT.get(request.model) != endpoint_for(request):
        return None
    return camera_control(camera)


class KlingProvider(Provider):
    name: ClassVar[str] = "kling"
    default_base_url: ClassVar[str] = "https://api-singapore.klingai.com"
    credentials_help: ClassVar[str] = (
        "KLING_ACCESS_KEY and KLING_SECRET_KEY (signed into a JWT), or KLING_API_KEY"
    )
    models: ClassVar[Mapping[str, ModelCapabilities]] = MODELS
    default_model: ClassVar[str] = "kling-v2-6"
    default_concurrency: ClassVar[int] = 4
    # Kling keeps it with the task (task_info.external_task_id); unique per account.
    client_ref_field: ClassVar[str | None] = "external_task_id"

    def __init__(self, secrets: tuple[Secret, ...], **options: Any) -> None:
        super().__init__(secrets, **options)
        self._token: Secret | None = None
        self._token_issued = 0.0

    @classmethod
    def read_credentials(cls, env: Mapping[str, str]) -> tuple[Secret, ...]:
        access = read_secret(env, "KLING_ACCESS_KEY")
        secret = read_secret(env, "KLING_SECRET_KEY")
        if access and secret:
            return (access, secret)
        api_key = read_secret(env, "KLING_API_KEY")
        if api_key:
            return (api_key,)
        half = " (only one of KLING_ACCESS_KEY/KLING_SECRET_KEY is set)" if access or secret else ""
        raise MissingCredentialsError(
            f"kling needs {cls.credentials_help} in the environment{half}; set them as CI "
            "secrets, never in a preset"
        )

    @classmethod
    def list_price(cls, request: RenderRequest) -> Price:
        endpoint = endpoint_for(request)
        return kling_price(request.model, mode_for(request), request.duration,
                           motion_control=endpoint == "motion-control",
                           sound=request.sound == "on", voices=bool(request.voices),
                           video_reference=endpoint == "omni-video"
                           and request.reference_video is not None)

    @classmethod
    def extra_issues(cls, request: RenderRequest) -> list[CapabilityIssue]:
        issues = _motion_control_issues(request) + _mode_issues(request)
        issues += _camera_issues(request)
        issues += kling3_issues(request, endpoint_for(request), mode_for(request))
        if len(_prompt(request)) > PROMPT_LIMIT:
            issues.append(CapabilityIssue("prompt", "error", f"kling takes at most "
                          f"{PROMPT_LIMIT} prompt characters; shorten the prompt layers"))
        return issues

    # -- HTTP ------------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._bearer()}", "Content-Type": "application/json"}

    def _bearer(self) -> str:
        if len(self._secrets) == 1:
            return self._secrets[0].reveal()
        now = self.clock.time()
        if self._token is None or now - self._token_issued > TOKEN_REFRESH_S:
            access, secret = self._secrets
            payload = {"iss": access.reveal(), "exp": int(now) + TOKEN_LIFETIME_S,
                       "nbf": int(now) - 5}
            self._token = Secret(jwt.encode(payload, secret.reveal(), algorithm="HS256",
                                            headers={"typ": "JWT"}))
            self._token_issued = now
        return self._token.reveal()

    def redact(self, text: str) -> str:
        return redact(text, [*self._secrets, *([self._token] if self._token else [])])

    def build_submit(self, request: RenderRequest) -> ApiCall:
        endpoint = endpoint_for(request)
        body: dict[str, Any] = {"model_name": request.model}
        if endpoint == "motion-control":
            assert request.reference_image is not None and request.reference_video is not None
            body["image_url"] = url_or_raw_base64(request.reference_image, limit_bytes=10 * MB,
                                                  provider=self.name)
            body["video_url"] = request.reference_video
            # "image" keeps the picture's framing but caps the motion video at 10 s.
            body["character_orientation"] = "image" if request.duration <= 10 else "video"
            body["keep_original_sound"] = "no"
            body["mode"] = mode_for(request)
            body["prompt"] = _prompt(request)
            return ApiCall("POST", f"/v1/videos/{endpoint}", body)
        shots = multi_shot_fields(request)
        if shots.get("shot_type") != "customize":  # customize ignores the main prompt
            prompt = _prompt(request)
            body["prompt"] = omni_prompt(request, prompt) if endpoint == "omni-video" else prompt
        if request.negative_prompt and self.capabilities_for(request.model).negative_prompt:
            body["negative_prompt"] = ", ".join(request.negative_prompt)
        if takes_mode(request.model):
            body["mode"] = mode_for(request)
        body["duration"] = f"{request.duration:g}"
        if request.model in SOUND_SENT or request.sound == "on":
            body["sound"] = request.sound
        body.update(shots)
        if request.voices:  # text2video and image2video (omni takes none: capability error)
            body["voice_list"] = [{"voice_id": voice} for voice in request.voices]
        if endpoint == "omni-video":
            body.update(omni_fields(request, self._image))
            if request.reference_image is None and request.video_refer != "base":
                body["aspect_ratio"] = request.aspect_ratio
        elif endpoint == "image2video":
            assert request.reference_image is not None
            body["image"] = self._image(request.reference_image)
            if request.end_image is not None:
                body["image_tail"] = self._image(request.end_image)
            if request.elements:
                body["element_list"] = element_list(request)
        else:
            body["aspect_ratio"] = request.aspect_ratio
        control = _native_camera(request)
        if control is not None:
            body["camera_control"] = control
        return ApiCall("POST", f"/v1/videos/{endpoint}", body)

    def _image(self, reference: str) -> str:
        return url_or_raw_base64(reference, limit_bytes=10 * MB, provider=self.name)

    def parse_submit(self, body: Any, call: ApiCall) -> Submitted:
        task_id = str(body["data"]["task_id"])
        return Submitted(task_id=task_id, poll=ApiCall("GET", f"{call.path}/{task_id}"))

    def parse_status(self, body: Any) -> TaskStatus:
        data = body["data"]
        state = data["task_status"]
        if state == "succeed":
            video = data["task_result"]["videos"][0]
            units = data.get("final_unit_deduction")
            cost = round(float(units) * KLING_USD_PER_UNIT, 4) if units not in (None, "") else None
            return TaskStatus("succeeded", video_url=video["url"], cost_usd=cost)
        if state == "failed":
            return TaskStatus("failed", failure=task_failure(data))
        return TaskStatus("running" if state == "processing" else "queued")

    async def task_charges(self) -> dict[str, TaskCharge] | None:
        """GET /v1/videos/{endpoint} (Kling's task list) for each endpoint, newest pages first."""
        deadline = self.clock.monotonic() + LIST_DEADLINE_S
        charges: dict[str, TaskCharge] = {}
        for endpoint in ("text2video", "image2video", "motion-control", "omni-video"):
            for page in range(1, LIST_PAGES + 1):
                call = ApiCall("GET", f"/v1/videos/{endpoint}?pageNum={page}"
                               f"&pageSize={LIST_PAGE_SIZE}")
                body = await self._http.call(call, self.base_url, self.auth_headers(), deadline,
                                             self, idempotent=True)
                tasks = body.get("data") or [] if isinstance(body, dict) else []
                for task in tasks:
                    status = self.parse_status({"data": task})
                    charge = (status.cost_usd if status.state == "succeeded"
                              else 0.0 if status.state == "failed" else None)
                    created, info = task.get("created_at"), task.get("task_info") or {}
                    ref = info.get("external_task_id") if isinstance(info, dict) else None
                    charges[str(task["task_id"])] = TaskCharge(
                        charge, float(created) / 1000 if isinstance(created, int | float) else None,
                        str(ref) if ref else None)
                if len(tasks) < LIST_PAGE_SIZE:
                    break
        return charges

    def check_body(self, body: Any) -> RenderFailure | None:
        if isinstance(body, dict) and body.get("code", 0) != 0:
            return self.classify_error(200, body, httpx.Headers())
        return None

    def classify_error(self, status: int, body: Any, headers: httpx.Headers) -> RenderFailure:
        code = body.get("code") if isinstance(body, dict) else None
        text = body.get("message", "") if isinstance(body, dict) else str(body)
        request_id = body.get("request_id") if isinstance(body, dict) else None
        message = f"{text or 'no message'}" + (f" (request_id {request_id})" if request_id else "")
        outcome, retryable = classify_code(code, status)
        return RenderFailure(
            outcome,
            message,
            status_code=status,
            provider_code=None if code is None else str(code),
            retryable=retryable,
            retry_after=retry_after_seconds(headers) if retryable else None,
        )


def _motion_control_issues(request: RenderRequest) -> list[CapabilityIssue]:
    if request.reference_video is None or endpoint_for(request) != "motion-control":
        return []
    issues = []
    if request.reference_image is None:
        issues.append(CapabilityIssue("reference.image", "error", "kling motion control needs "
                                      "reference.image (the character) with reference.video"))
    if not is_url(request.reference_video):
        issues.append(CapabilityIssue("reference.video", "error", "kling fetches the motion "
                                      f"video by URL only; upload {request.reference_video} and "
                                      "use its https URL"))
    return issues


def _mode_issues(request: RenderRequest) -> list[CapabilityIssue]:
    if not takes_mode(request.model):
        if request.mode is None:
            return []
        return [CapabilityIssue("provider.mode", "error", f"kling {request.model} has one tier "
                                "and no mode; remove provider.mode")]
    fitting = _mode_for_resolution(request.resolution)
    if request.mode not in ("std", "pro") or request.mode == fitting:
        return []
    renders = "1080p" if request.mode == "pro" else "720p"
    return [CapabilityIssue("provider.mode", "error", f"kling {request.mode} renders {renders}, "
                            f"not {request.resolution}; set provider.mode to {fitting} or "
                            "change output.resolution")]


def _camera_issues(request: RenderRequest) -> list[CapabilityIssue]:
    camera_endpoint = _CAMERA_ENDPOINT.get(request.model)
    if request.camera is None or camera_endpoint is None:
        return []
    endpoint = endpoint_for(request)
    if camera_endpoint != endpoint:
        return [CapabilityIssue("camera", "warning", f"{request.model} takes camera_control on "
                                f"{camera_endpoint} only; on {endpoint} the move is sent as "
                                "prompt words")]
    documented_mode, documented_s = _CAMERA_DOCUMENTED[request.model]
    if (mode_for(request), request.duration) != (documented_mode, documented_s):
        return [CapabilityIssue("camera", "warning", f"kling documents camera_control on "
                                f"{request.model} for {documented_mode} {documented_s:g} s "
                                "only; the provider may reject this render")]
    return []


def _prompt(request: RenderRequest) -> str:
    return compose_prompt(request.prompt, request.camera, request.motion_score,
                          camera_native=_native_camera(request) is not None, motion_native=False)

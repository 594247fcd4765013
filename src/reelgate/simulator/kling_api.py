"""Reading a Kling v1 create request the way the real service does, into a clip to render.

Validation follows Kling's documented field formats strictly (duration is a string, images are
a URL or raw base64 without a ``data:`` prefix, ``camera_control`` has exactly one non-zero axis),
so an adapter that gets a format wrong fails here as it would live. Kling's camera axes are
read with Kling's own meanings: ``tilt`` turns left/right, ``pan`` turns up/down, and a negative
``zoom`` narrows the view.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from reelgate.providers.pricing import kling_units
from reelgate.providers.prompting import read_camera, read_motion
from reelgate.simulator.config import SimulatorConfig
from reelgate.simulator.defects import Defect, plan_defects
from reelgate.simulator.kling3 import OMNI_MODELS, Kling3Error, read_kling3, shot_prompts
from reelgate.simulator.render import ClipSpec, ShotPart, frame_size

TEXT_MODELS = frozenset({"kling-v1", "kling-v1-6", "kling-v2-master", "kling-v2-1-master",
                         "kling-v2-5-turbo", "kling-v2-6", "kling-v3"})
IMAGE_MODELS = TEXT_MODELS | {"kling-v1-5", "kling-v2-1"}
MOTION_CONTROL_MODELS = frozenset({"kling-v2-6", "kling-v3"})
ENDPOINT_MODELS = {"text2video": TEXT_MODELS, "image2video": IMAGE_MODELS,
                   "motion-control": MOTION_CONTROL_MODELS, "omni-video": OMNI_MODELS}
# Whole-second durations by model (Kling: v3 and v3-omni "3" to "15", o1 "3" to "10").
DURATIONS = {"kling-v3": range(3, 16), "kling-v3-omni": range(3, 16),
             "kling-video-o1": range(3, 11)}
CAMERA_CONTROL = {("kling-v1", "text2video"), ("kling-v1-5", "image2video")}
ASPECTS = ("16:9", "9:16", "1:1")
AXES = ("horizontal", "vertical", "pan", "tilt", "roll", "zoom")
DEFAULT_MOTION = 3.0

_PRESET_MOVES = {"forward_up": "push-in", "down_back": "pull-out",
                 "right_turn_forward": "pan-right", "left_turn_forward": "pan-left"}
_PROMPT_MOVES = (("pan left", "pan-left"), ("pan right", "pan-right"), ("tilt up", "tilt-up"),
                 ("tilt down", "tilt-down"), ("push in", "push-in"), ("dolly in", "push-in"),
                 ("zoom in", "push-in"), ("pull out", "pull-out"), ("dolly out", "pull-out"),
                 ("zoom out", "pull-out"), ("tracking", "tracking"), ("orbit left", "orbit-left"),
                 ("orbit right", "orbit-right"), ("handheld", "handheld"))


class KlingError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _invalid(message: str) -> KlingError:
    return KlingError(400, 1201, message)


@dataclass(frozen=True)
class TaskRequest:
    endpoint: str
    model: str
    mode: str
    prompt: str
    units: float
    external_task_id: str | None
    spec: ClipSpec


def request_digest(endpoint: str, body: Any) -> int:
    """The request's hash: what it asks for, whatever the order of its JSON keys."""
    return int.from_bytes(hashlib.sha256(_canonical(endpoint, body)).digest()[:8], "big")


def parse_create(endpoint: str, body: Any, config: SimulatorConfig, *, degraded: bool = False,
                 repeat: int = 0) -> TaskRequest:
    """Validate a create body and plan its clip; ``repeat`` counts earlier identical requests.

    Kling takes no seed, so a repeat of a request gets another clip, as from the real model. A
    body carrying an integer ``seed`` (a simulator extension standing for a model that honours
    one) renders the same clip every time.
    """
    if endpoint not in ENDPOINT_MODELS:
        raise KlingError(404, 1202, f"invalid method: /v1/videos/{endpoint}")
    if not isinstance(body, dict):
        raise KlingError(400, 1200, "invalid request body: expected a JSON object")
    model = body.get("model_name", "kling-video-o1" if endpoint == "omni-video" else "kling-v1")
    if model not in ENDPOINT_MODELS[endpoint]:
        raise KlingError(404, 1203, f"model {model!r} not found for {endpoint}")
    mode = body.get("mode", "std" if endpoint != "motion-control" else None)
    if mode not in ("std", "pro"):
        raise _invalid("mode must be 'std' or 'pro'")
    prompt = body.get("prompt", "")
    if not isinstance(prompt, str) or len(prompt) > 2500:
        raise _invalid("prompt must be a string of at most 2500 characters")
    customize = body.get("multi_shot") is True and body.get("shot_type") == "customize"
    if endpoint in ("text2video", "omni-video") and not prompt.strip() and not customize:
        raise _invalid("prompt is required")
    extra = shot_prompts(body)
    words = f"{prompt} {extra}".strip() if extra else prompt
    negative = body.get("negative_prompt", "")
    if not isinstance(negative, str) or len(negative) > 2500:
        raise _invalid("negative_prompt must be a string of at most 2500 characters")
    blocked = [term for term in config.blocked_terms if term.lower() in words.lower()]
    if blocked:
        raise KlingError(400, 1301, "the prompt did not pass content moderation")

    seed = request_digest(endpoint, body)
    own_seed = body.get("seed")
    if own_seed is not None and (not isinstance(own_seed, int) or isinstance(own_seed, bool)
                                 or own_seed < 0):
        raise _invalid("seed must be a non-negative integer")
    variation = own_seed if own_seed is not None else repeat
    if endpoint == "motion-control":
        duration, aspect = 5.0, _motion_control_aspect(body)
        extras = None
    else:
        duration = _duration(body.get("duration", "5"), model)
        try:
            extras = read_kling3(endpoint, body, model, mode, duration, seed)
        except Kling3Error as exc:
            raise _invalid(str(exc)) from None
        aspect = (_image_aspect(body.get("image")) if endpoint == "image2video"
                  else _image_aspect(extras.first_frame) if extras.first_frame is not None
                  else _aspect(body))
    move, speed, shake = _camera(body.get("camera_control"), model, endpoint, words)
    motion = read_motion(words)
    motion_value = DEFAULT_MOTION if motion is None else motion
    shots = tuple(ShotPart(shot.duration, seed + n, *_camera(None, model, endpoint, shot.prompt))
                  for n, shot in enumerate(extras.shots if extras else (), start=1))
    requested = "1080p" if mode == "pro" else "720p"
    width, height = frame_size(aspect, config.short_side or int(requested[:-1]))
    defects = plan_defects(np.random.default_rng([seed, variation, 7]), motion_value, duration,
                           negative, move)
    if degraded:  # provider drift: the same request now flickers all through
        defects = (*defects, Defect("flicker", 0.0, duration, 1.0))
    spec = ClipSpec(width=width, height=height, fps=config.fps, duration=duration, seed=seed,
                    move=move, speed=speed, shake=shake, motion=motion_value,
                    requested_resolution=requested, defects=defects, shots=shots,
                    sound=bool(extras and extras.sound), prompt=words, variation=variation)
    units = kling_units(model, mode, duration, motion_control=endpoint == "motion-control",
                        sound=spec.sound, video_reference=bool(extras and extras.video_reference),
                        voices=bool(extras and extras.voices)).usd
    external = body.get("external_task_id")
    return TaskRequest(endpoint, model, mode, words, round(units, 4),
                       None if external is None else str(external), spec)


# What the client sends for its own bookkeeping, new on every submit: not what the model is asked,
# so it takes no part in choosing the clip (else no two requests would ever be repeats).
_BOOKKEEPING_FIELDS = frozenset({"external_task_id", "callback_url"})


def _canonical(endpoint: str, body: dict[str, Any]) -> bytes:
    asked = ({k: v for k, v in body.items() if k not in _BOOKKEEPING_FIELDS}
             if isinstance(body, dict) else body)
    return json.dumps([endpoint, asked], sort_keys=True, separators=(",", ":")).encode()


def _duration(value: Any, model: str) -> float:
    if not isinstance(value, str):
        raise _invalid('duration must be a string such as "5"')
    allowed = [str(s) for s in DURATIONS.get(model, (5, 10))]
    if value not in allowed:
        raise _invalid(f"duration must be one of {', '.join(allowed)}")
    return float(value)


def _aspect(body: dict[str, Any]) -> str:
    aspect = body.get("aspect_ratio", "16:9")
    if aspect not in ASPECTS:
        raise _invalid(f"aspect_ratio must be one of {', '.join(ASPECTS)}")
    return str(aspect)


def _image_aspect(image: Any) -> str:
    """The output follows the image: read its size when sent inline, else assume 16:9."""
    if not isinstance(image, str) or not image:
        raise _invalid("image is required")
    if image.startswith(("http://", "https://")):
        return "16:9"
    if image.startswith("data:"):
        raise _invalid("image must be a URL or raw base64 without a data: prefix")
    try:
        raw = base64.b64decode(image, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("image is neither a URL nor valid base64") from None
    decoded = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        raise _invalid("image could not be decoded as jpg or png")
    height, width = decoded.shape[:2]
    if min(width, height) < 300:
        raise _invalid("image must be at least 300 px on each side")
    divisor = np.gcd(width, height)
    return f"{width // divisor}:{height // divisor}"


def _motion_control_aspect(body: dict[str, Any]) -> str:
    for field in ("image_url", "video_url", "character_orientation"):
        if not body.get(field):
            raise _invalid(f"{field} is required")
    if body["character_orientation"] not in ("image", "video"):
        raise _invalid("character_orientation must be 'image' or 'video'")
    if not str(body["video_url"]).startswith(("http://", "https://")):
        raise _invalid("video_url must be a URL")
    if body.get("keep_original_sound", "yes") not in ("yes", "no"):
        raise _invalid("keep_original_sound must be 'yes' or 'no'")
    image = body["image_url"]
    return _image_aspect(image)


def _camera(control: Any, model: str, endpoint: str, prompt: str) -> tuple[str, str | None, bool]:
    """(move, speed, shake) from camera_control if sent, else from the prompt's words."""
    if control is not None:
        if (model, endpoint) not in CAMERA_CONTROL:
            raise _invalid(f"camera_control is not supported by {model} on {endpoint}")
        move, speed = _camera_control(control)
        return move, speed, False
    intent = read_camera(prompt)
    if intent is not None:
        return intent.move, intent.speed, intent.stability == "handheld"
    words = " ".join(re.sub(r"[-_,.]", " ", prompt.lower()).split())
    move = next((m for phrase, m in _PROMPT_MOVES if phrase in words), "locked")
    speed = next((s for s in ("slow", "gentle", "moderate", "fast") if s in words.split()), None)
    return move, speed, move == "handheld"


def _camera_control(control: Any) -> tuple[str, str | None]:
    if not isinstance(control, dict):
        raise _invalid("camera_control must be an object")
    kind = control.get("type")
    if kind in _PRESET_MOVES:
        return _PRESET_MOVES[kind], None
    if kind != "simple":
        raise _invalid("camera_control.type must be simple, down_back, forward_up, "
                       "right_turn_forward or left_turn_forward")
    config = control.get("config")
    if not isinstance(config, dict) or set(config) - set(AXES):
        raise _invalid(f"camera_control.config takes only {', '.join(AXES)}")
    values = {axis: config.get(axis, 0) for axis in AXES}
    if not all(isinstance(v, int | float) and -10 <= v <= 10 for v in values.values()):
        raise _invalid("camera_control.config values must be numbers in [-10, 10]")
    moving = {axis: float(v) for axis, v in values.items() if v != 0}
    if len(moving) != 1:
        raise _invalid("camera_control.config needs exactly one non-zero value")
    ((axis, value),) = moving.items()
    magnitude = abs(value)
    speed = ("slow" if magnitude <= 2.5 else "gentle" if magnitude <= 4
             else "moderate" if magnitude <= 6.5 else "fast")
    positive = value > 0
    move = {
        "tilt": "pan-right" if positive else "pan-left",
        "horizontal": "pan-right" if positive else "pan-left",
        "pan": "tilt-up" if positive else "tilt-down",
        "vertical": "tilt-up" if positive else "tilt-down",
        "zoom": "pull-out" if positive else "push-in",
        "roll": "locked",
    }[axis]
    return move, speed

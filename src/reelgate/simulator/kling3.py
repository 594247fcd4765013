"""Reading Kling 3.0 request fields as the service does: multi-shot, sound, end frames, elements
and the omni-video endpoint's lists (wire facts and sources in ``reelgate.providers.kling_v3``).

A mistake the real service refuses is a 1201 here too, so an adapter that sends a shot's
duration as a number, shots that do not sum to the clip, sound to a model without it, or an end
frame without a first one fails against the simulator as it would live.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

OMNI_MODELS = frozenset({"kling-video-o1", "kling-v3-omni"})
MULTI_SHOT_MODELS = frozenset({"kling-v3", "kling-v3-omni"})
SOUND_MODELS = frozenset({"kling-v2-6", "kling-v3", "kling-v3-omni"})
SOUND_NEEDS_PRO = frozenset({"kling-v2-6"})
END_FRAME_MODELS = frozenset({"kling-v2-1", "kling-v3"})  # image2video image_tail
ELEMENT_MODELS = frozenset({"kling-v3"})  # image2video element_list
VOICE_MODELS = frozenset({"kling-v2-6", "kling-v3"})  # text2video/image2video voice_list
MAX_VOICES = 2
MAX_SHOTS = 6
SHOT_PROMPT_CHARS = 512
MAX_ELEMENTS = 3
MAX_IMAGES, MAX_IMAGES_WITH_VIDEO = 7, 4
# Intelligence: the simulator's own choice of cuts, 2 or 3 shots of whole seconds.
INTELLIGENT_SHOTS = (2, 3)


class Kling3Error(ValueError):
    """A field Kling refuses (code 1201, invalid value); the message says which and why."""


@dataclass(frozen=True)
class ShotPlan:
    """One shot the clip will hold: its length and the words its camera is read from."""

    duration: float
    prompt: str


@dataclass(frozen=True)
class Kling3Fields:
    shots: tuple[ShotPlan, ...]
    sound: bool
    video_reference: bool
    first_frame: str | None  # the first frame to read the aspect from (omni image_list)
    voices: int = 0  # voice_list entries (billed as voice control)


def read_kling3(endpoint: str, body: dict[str, Any], model: str, mode: str, duration: float,
                seed: int) -> Kling3Fields:
    """Validate the Kling 3.0 fields of a create body; raise Kling3Error like Kling would."""
    first_frame, video = _omni_lists(body, model) if endpoint == "omni-video" else (None, False)
    if endpoint == "image2video":
        _image2video_extras(body, model)
    sound = _sound(body, model, mode, video)
    voices = _voices(body, endpoint, model, sound)
    shots = _shots(body, model, duration, seed)
    if shots and (body.get("image_tail") or _has_end_frame(body)):
        raise Kling3Error("multi_shot does not support start and end frames")
    return Kling3Fields(shots, sound, video, first_frame, voices)


def shot_prompts(body: dict[str, Any]) -> str:
    """Every shot's words in one string (faults and the task list match prompts by words)."""
    shots = body.get("multi_prompt")
    if not isinstance(shots, list):
        return ""
    return " ".join(str(s.get("prompt", "")) for s in shots if isinstance(s, dict))


def _sound(body: dict[str, Any], model: str, mode: str, video: bool) -> bool:
    if "sound" not in body:
        return False
    sound = body["sound"]
    if sound not in ("on", "off"):
        raise Kling3Error("sound must be 'on' or 'off'")
    if sound == "on":
        if model not in SOUND_MODELS:
            raise Kling3Error(f"sound is not supported by {model}")
        if model in SOUND_NEEDS_PRO and mode != "pro":
            raise Kling3Error(f"sound on {model} needs mode pro")
        if video:
            raise Kling3Error("sound can only be off when there is a reference video")
    return sound == "on"


def _voices(body: dict[str, Any], endpoint: str, model: str, sound: bool) -> int:
    """voice_list: 1 to 2 {voice_id} on text2video/image2video of a voice model, sound on, and
    on image2video not with element_list."""
    if "voice_list" not in body:
        return 0
    items = body["voice_list"]
    if endpoint not in ("text2video", "image2video") or model not in VOICE_MODELS:
        raise Kling3Error(f"voice_list is not supported by {model} on {endpoint}")
    if (not isinstance(items, list) or not 1 <= len(items) <= MAX_VOICES
            or not all(isinstance(i, dict) and set(i) == {"voice_id"}
                       and isinstance(i["voice_id"], str) and i["voice_id"] for i in items)):
        raise Kling3Error(f"voice_list must be 1 to {MAX_VOICES} {{voice_id}} objects")
    if not sound:
        raise Kling3Error("voice_list needs sound on")
    if body.get("element_list") is not None:
        raise Kling3Error("voice_list and element_list cannot be used together")
    return len(items)


def _shots(body: dict[str, Any], model: str, duration: float, seed: int) -> tuple[ShotPlan, ...]:
    multi = body.get("multi_shot", False)
    if not isinstance(multi, bool):
        raise Kling3Error("multi_shot must be a boolean")
    if not multi:
        return ()
    if model not in MULTI_SHOT_MODELS:
        raise Kling3Error(f"multi_shot is not supported by {model}")
    kind = body.get("shot_type")
    if kind == "intelligence":
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise Kling3Error("prompt is required when shot_type is intelligence")
        return _intelligent_shots(prompt, duration, seed)
    if kind != "customize":
        raise Kling3Error("shot_type must be 'customize' or 'intelligence' when multi_shot is "
                          "true")
    items = body.get("multi_prompt")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_SHOTS:
        raise Kling3Error(f"multi_prompt must list 1 to {MAX_SHOTS} shots")
    shots = []
    for n, item in enumerate(items, start=1):
        shots.append(_shot(item, n, duration))
    total = sum(s.duration for s in shots)
    if abs(total - duration) > 1e-9:
        raise Kling3Error(f"the shots' durations sum to {total:g}, not the task's {duration:g}")
    return tuple(shots)


def _shot(item: Any, n: int, duration: float) -> ShotPlan:
    if not isinstance(item, dict) or set(item) - {"index", "prompt", "duration"}:
        raise Kling3Error(f"multi_prompt[{n - 1}] takes index, prompt and duration")
    if item.get("index") != n or isinstance(item.get("index"), bool):
        raise Kling3Error(f"multi_prompt[{n - 1}].index must be {n}")
    prompt = item.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > SHOT_PROMPT_CHARS:
        raise Kling3Error(f"multi_prompt[{n - 1}].prompt must be 1 to {SHOT_PROMPT_CHARS} "
                          "characters")
    seconds = item.get("duration")
    if not isinstance(seconds, str) or not seconds.isdigit():
        raise Kling3Error(f'multi_prompt[{n - 1}].duration must be a string such as "2"')
    if not 1 <= int(seconds) <= duration:
        raise Kling3Error(f"multi_prompt[{n - 1}].duration must be at least 1 and at most the "
                          "task's duration")
    return ShotPlan(float(seconds), prompt)


def _intelligent_shots(prompt: str, duration: float, seed: int) -> tuple[ShotPlan, ...]:
    rng = np.random.default_rng([seed, 5])
    count = min(int(rng.choice(INTELLIGENT_SHOTS)), int(duration))
    cuts = sorted(rng.choice(np.arange(1, int(duration)), size=count - 1, replace=False))
    edges = [0, *(int(c) for c in cuts), int(duration)]
    return tuple(ShotPlan(float(b - a), prompt) for a, b in itertools.pairwise(edges))


def _image2video_extras(body: dict[str, Any], model: str) -> None:
    if body.get("image_tail") is not None:
        if model not in END_FRAME_MODELS:
            raise Kling3Error(f"image_tail is not supported by {model}")
        if not isinstance(body["image_tail"], str) or not body["image_tail"]:
            raise Kling3Error("image_tail must be a URL or raw base64")
    if body.get("element_list") is not None:
        if model not in ELEMENT_MODELS:
            raise Kling3Error(f"element_list is not supported by {model}")
        _elements(body["element_list"])


def _elements(items: Any) -> None:
    if (not isinstance(items, list) or not 1 <= len(items) <= MAX_ELEMENTS
            or not all(isinstance(i, dict) and set(i) == {"element_id"}
                       and isinstance(i["element_id"], int) for i in items)):
        raise Kling3Error(f"element_list must be 1 to {MAX_ELEMENTS} {{element_id}} objects")


def _has_end_frame(body: dict[str, Any]) -> bool:
    images = body.get("image_list")
    return isinstance(images, list) and any(
        isinstance(i, dict) and i.get("type") == "end_frame" for i in images)


def _omni_lists(body: dict[str, Any], model: str) -> tuple[str | None, bool]:
    """(the first frame, whether a reference video is given) after checking the lists."""
    videos = body.get("video_list", [])
    if not isinstance(videos, list) or len(videos) > 1:
        raise Kling3Error("video_list takes at most 1 video")
    for video in videos:
        if not isinstance(video, dict) or not str(video.get("video_url", "")).startswith(
                ("http://", "https://")):
            raise Kling3Error("video_list[0].video_url must be a URL")
        if video.get("refer_type", "base") not in ("feature", "base"):
            raise Kling3Error("video_list[0].refer_type must be 'feature' or 'base'")
        if video.get("keep_original_sound", "yes") not in ("yes", "no"):
            raise Kling3Error("video_list[0].keep_original_sound must be 'yes' or 'no'")
    images = body.get("image_list", [])
    limit = MAX_IMAGES_WITH_VIDEO if videos else MAX_IMAGES
    if not isinstance(images, list) or len(images) > limit:
        raise Kling3Error(f"image_list takes at most {limit} images")
    kinds = []
    for image in images:
        if not isinstance(image, dict) or not isinstance(image.get("image_url"), str):
            raise Kling3Error("image_list items need an image_url")
        if image.get("type") not in (None, "first_frame", "end_frame"):
            raise Kling3Error("image_list type must be first_frame or end_frame")
        kinds.append(image.get("type"))
    if "end_frame" in kinds and "first_frame" not in kinds:
        raise Kling3Error("an end_frame needs a first_frame")
    edit = bool(videos) and videos[0].get("refer_type", "base") == "base"
    if edit and {"first_frame", "end_frame"} & set(kinds):
        raise Kling3Error("a video to edit (refer_type base) takes no first or end frame")
    if body.get("element_list") is not None:
        _elements(body["element_list"])
    first = next((i["image_url"] for i in images if i.get("type") == "first_frame"), None)
    return first, bool(videos)

"""Kling 3.0 request parts: multi-shot, sound, end frames, elements, and the omni-video endpoint.

Wire facts, from Kling's official API reference (https://app.klingai.com/global/dev/document-api,
pages apiReference/model/textToVideo, imageToVideo and OmniVideo; read through copies of them,
since the site renders client-side, and the team's provider notes, section 2):

- ``kling-v3`` text2video and image2video take ``multi_shot`` (true: ``prompt`` is ignored and no
  start-and-end-frame render is possible), ``shot_type`` ``customize`` | ``intelligence``,
  ``multi_prompt`` ``[{index, prompt (<= 512 chars), duration (a string)}]`` of 1 to 6 shots
  summing to ``duration``, and ``sound`` ``on`` | ``off``. image2video adds ``image_tail`` (the end
  frame) and ``element_list`` ``[{element_id}]`` (at most 3). Both (and ``kling-v2-6``) take
  ``voice_list`` ``[{voice_id}]``: at most 2 voices, named in the prompt as ``<<<voice_1>>>``,
  with ``sound`` on; image2video takes it or ``element_list``, not both (notes 2.3, 2.4).
- ``POST /v1/videos/omni-video`` serves ``kling-video-o1`` (3 to 10 s, one shot) and
  ``kling-v3-omni`` (3 to 15 s, multi-shot, sound): ``image_list`` ``[{image_url, type}]`` with
  ``type`` ``first_frame`` | ``end_frame`` (an end frame needs a first), ``video_list``
  ``[{video_url, refer_type, keep_original_sound}]`` (one video, by URL, 3 to 10 s; ``feature``
  is a camera and style reference, ``base`` a clip to edit, which allows no first or end frame),
  ``element_list``; with a reference video ``sound`` can only be ``off``. Its prompt names the
  inputs as ``<<<video_1>>>``, ``<<<element_1>>>``: Kling inserts no placeholder itself.
"""

from __future__ import annotations

from typing import Any

from reelgate.preset.model import SHOT_PROMPT_CHARS
from reelgate.providers.capabilities import CapabilityIssue
from reelgate.providers.prompting import compose_prompt
from reelgate.request import RenderRequest, ShotRequest, is_url

OMNI_MODELS = frozenset({"kling-video-o1", "kling-v3-omni"})
# Models whose native sound is billed apart and needs pro (notes 2.3: "v2.6 needs pro").
SOUND_NEEDS_PRO = frozenset({"kling-v2-6"})


def shot_prompt(request: RenderRequest, shot: ShotRequest) -> str:
    """A shot's prompt as sent: its words plus its camera and the sweep's motion as words
    (Kling 3.0 has no camera_control and no motion knob)."""
    return compose_prompt(shot.prompt, shot.camera, request.motion_score, camera_native=False,
                          motion_native=False)


def multi_shot_fields(request: RenderRequest) -> dict[str, Any]:
    """``multi_shot``/``shot_type``/``multi_prompt`` for a multi-shot request, else nothing."""
    if not request.multi_shot:
        return {}
    if request.shot_type == "intelligence":
        return {"multi_shot": True, "shot_type": "intelligence"}
    return {"multi_shot": True, "shot_type": "customize", "multi_prompt": [
        {"index": i, "prompt": shot_prompt(request, shot), "duration": f"{shot.duration:g}"}
        for i, shot in enumerate(request.shots, start=1)]}


def element_list(request: RenderRequest) -> list[dict[str, int]]:
    return [{"element_id": element} for element in request.elements]


def omni_prompt(request: RenderRequest, prompt: str) -> str:
    """The prompt with the placeholders that tie it to the reference video and elements."""
    parts = [prompt]
    if request.reference_video is not None:
        parts.insert(0, "Edit <<<video_1>>>:" if request.video_refer == "base"
                     else "Camera and style follow <<<video_1>>>.")
    if request.elements:
        names = ", ".join(f"<<<element_{i}>>>" for i in range(1, len(request.elements) + 1))
        parts.append(f"Featuring {names}.")
    return " ".join(parts)


def omni_fields(request: RenderRequest, image: Any) -> dict[str, Any]:
    """The omni-video inputs: frames in image_list, the reference video in video_list, elements.
    ``image`` turns a reference into what Kling accepts (a URL or raw base64)."""
    body: dict[str, Any] = {}
    images = []
    if request.reference_image is not None:
        images.append({"image_url": image(request.reference_image), "type": "first_frame"})
    if request.end_image is not None:
        images.append({"image_url": image(request.end_image), "type": "end_frame"})
    if images:
        body["image_list"] = images
    if request.reference_video is not None:
        body["video_list"] = [{"video_url": request.reference_video,
                               "refer_type": request.video_refer or "feature",
                               "keep_original_sound": "no"}]
    if request.elements:
        body["element_list"] = element_list(request)
    return body


def kling3_issues(request: RenderRequest, endpoint: str, mode: str) -> list[CapabilityIssue]:
    """What Kling refuses of a Kling 3.0 request beyond the capability matrix."""
    issues: list[CapabilityIssue] = []
    for i, shot in enumerate(request.shots):
        sent = shot_prompt(request, shot)
        if len(sent) > SHOT_PROMPT_CHARS:
            issues.append(CapabilityIssue(f"shots[{i}].prompt", "error", f"kling takes at most "
                          f"{SHOT_PROMPT_CHARS} characters a shot, and shot {i + 1} is "
                          f"{len(sent)} with its camera and motion words; shorten it"))
    if request.multi_shot and request.end_image is not None:
        issues.append(CapabilityIssue("reference.end_image", "error", "kling renders no "
                      "multi-shot clip to an end frame; remove reference.end_image or the shots"))
    if request.sound == "on" and request.model in SOUND_NEEDS_PRO and mode != "pro":
        issues.append(CapabilityIssue("sound", "error", f"kling {request.model} renders sound "
                      "in pro mode only; set provider.mode: pro (1080p) or sound: off"))
    if request.voices and request.elements and endpoint == "image2video":
        issues.append(CapabilityIssue("voices", "error", "kling image-to-video takes "
                      "voice_list or element_list, not both; remove voices or "
                      "reference.elements"))
    if request.elements and endpoint == "text2video":
        issues.append(CapabilityIssue("reference.elements", "error", f"kling {request.model} "
                      "takes elements on image-to-video only; add reference.image, or use "
                      "kling-v3-omni"))
    if request.model in OMNI_MODELS:
        issues += _omni_issues(request)
    return issues


def _omni_issues(request: RenderRequest) -> list[CapabilityIssue]:
    issues: list[CapabilityIssue] = []
    video = request.reference_video
    if video is None:
        return issues
    if not is_url(video):
        issues.append(CapabilityIssue("reference.video", "error", "kling omni fetches the "
                      f"reference video by URL only; upload {video} and set "
                      "reference.video_url to its https URL"))
    if request.sound == "on":
        issues.append(CapabilityIssue("sound", "error", "kling omni renders no sound with a "
                      "reference video; set sound: off or remove reference.video"))
    if request.video_refer == "base" and request.reference_image is not None:
        issues.append(CapabilityIssue("reference.image", "error", "kling omni takes no first "
                      "or end frame when it edits a video (video_refer: base); remove "
                      "reference.image or use video_refer: feature"))
    return issues

"""What each provider model can honour, and the checks that turn gaps into named issues.

Each adapter declares a ``ModelCapabilities`` per model. ``model_issues`` compares a request
with it: a value the provider would reject is an error (with the values it accepts); a layer the
provider has no field for is a warning saying what happens to it instead. Which provider a
request goes to is the plan's question (``reelgate.plan.capabilities.check_capabilities``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reelgate.request import RenderRequest, is_url

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class ModelCapabilities:
    durations: tuple[float, ...] = ()
    duration_range: tuple[float, float] | None = None
    aspect_ratios: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    text_to_video: bool = True
    reference_image: bool = False
    requires_reference_image: bool = False
    reference_video: bool = False
    requires_reference_video: bool = False
    camera_moves: frozenset[str] = frozenset()
    motion_knob: str | None = None
    negative_prompt: bool = True
    # Characters of the negative prompt as sent (terms joined by ", "); None: no known limit.
    negative_prompt_chars: int | None = None
    seed: bool = False
    local_references: bool = True
    duration_from_reference_video: bool = False
    aspect_from_reference_image: bool = False
    # Kling 3.0 contract (reelgate.preset.model): a multi-shot clip (shots, or shot_type
    # intelligence), an audio track, an end frame, and reference elements (at most this many).
    multi_shot: bool = False
    sound: bool = False
    end_image: bool = False
    max_elements: int = 0
    # Seconds one shot of a multi-shot clip may last (None: whatever the clip's duration allows).
    shot_seconds: tuple[float, float] | None = None
    # Voice ids (Kling voice_list, fal voice_ids) a render may bind; they need sound on.
    max_voices: int = 0

    def accepts_duration(self, seconds: float) -> bool:
        if self.duration_range is not None:
            low, high = self.duration_range
            return low <= seconds <= high and float(seconds).is_integer()
        return any(abs(seconds - allowed) < 1e-6 for allowed in self.durations)

    def duration_choices(self) -> str:
        if self.duration_range is not None:
            return f"whole seconds from {self.duration_range[0]:g} to {self.duration_range[1]:g}"
        return " or ".join(f"{d:g}" for d in self.durations) + " s"


@dataclass(frozen=True)
class CapabilityIssue:
    field: str
    severity: Severity
    message: str
    # A note that says the same for every preset of this provider and model using the layer (no
    # seed, no motion control): the run prints it once, not as a warning on each preset.
    model_note: bool = False

    def __str__(self) -> str:
        return f"{self.severity}: {self.field}: {self.message}"


def _error(field: str, message: str) -> CapabilityIssue:
    return CapabilityIssue(field, "error", message)


def _warning(field: str, message: str, *, model_note: bool = False) -> CapabilityIssue:
    return CapabilityIssue(field, "warning", message, model_note)


def _choices(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def model_issues(
    provider: str, model: str, caps: ModelCapabilities, request: RenderRequest
) -> list[CapabilityIssue]:
    """The checks every provider shares, from its declared capabilities alone."""
    where = f"{provider} {model}"
    issues: list[CapabilityIssue] = []
    if request.mode is not None and caps.modes and request.mode not in caps.modes:
        issues.append(_error("provider.mode", f"{where} has modes {_choices(caps.modes)}, "
                             f"not {request.mode!r}; set provider.mode to one of them"))
    if request.reference_video is not None and caps.duration_from_reference_video:
        issues.append(_warning("output.duration", f"{where} takes the clip length from the "
                               "reference video; make output.duration match the video's length",
                               model_note=True))
    elif not caps.accepts_duration(request.duration):
        issues.append(_error("output.duration", f"{where} renders {caps.duration_choices()}, "
                             f"not {request.duration:g} s; set output.duration to one of them"))
    if request.reference_image is not None and caps.aspect_from_reference_image:
        issues.append(_warning("output.aspect_ratio", f"{where} takes the aspect ratio from the "
                               "reference image; make output.aspect_ratio match the image",
                               model_note=True))
    elif caps.aspect_ratios and request.aspect_ratio not in caps.aspect_ratios:
        issues.append(_error("output.aspect_ratio", f"{where} renders "
                             f"{_choices(caps.aspect_ratios)}, not {request.aspect_ratio}; "
                             "set output.aspect_ratio to one of them"))
    if caps.resolutions and request.resolution not in caps.resolutions:
        issues.append(_error("output.resolution", f"{where} renders "
                             f"{_choices(caps.resolutions)}, not {request.resolution}; "
                             "set output.resolution to one of them"))
    issues += _reference_issues(where, caps, request)
    issues += _layer_issues(where, caps, request)
    issues += _kling3_issues(where, caps, request)
    return issues


def _kling3_issues(
    where: str, caps: ModelCapabilities, request: RenderRequest
) -> list[CapabilityIssue]:
    """Multi-shot, sound, end frame and elements asked of a model without them: errors, since
    the clip would come back as something else (one shot, silent, free at its end)."""
    issues: list[CapabilityIssue] = []
    if request.multi_shot and not caps.multi_shot:
        field = "shots" if request.shots else "shot_type"
        issues.append(_error(field, f"{where} renders a single shot; remove {field} or pick a "
                             "multi-shot model (Kling 3.0: kling kling-v3, kling-v3-omni)"))
    issues += _shot_length_issues(where, caps, request)
    if request.sound == "on" and not caps.sound:
        issues.append(_error("sound", f"{where} renders no audio; set sound: off or pick a model "
                             "with sound"))
    if request.end_image is not None and not caps.end_image:
        issues.append(_error("reference.end_image", f"{where} takes no end frame; remove "
                             "reference.end_image or pick a model that takes one"))
    if request.voices and len(request.voices) > caps.max_voices:
        allowed = f"at most {caps.max_voices}" if caps.max_voices else "no"
        issues.append(_error("voices", f"{where} takes {allowed} voices, not "
                             f"{len(request.voices)}; remove voices or pick a model with voice "
                             "control (kling kling-v3, kling-v2-6 pro)"))
    if request.elements and len(request.elements) > caps.max_elements:
        allowed = (f"at most {caps.max_elements}" if caps.max_elements else "no")
        issues.append(_error("reference.elements", f"{where} takes {allowed} reference "
                             f"elements, not {len(request.elements)}; remove them or pick a "
                             "model that takes them"))
    return issues


def _shot_length_issues(
    where: str, caps: ModelCapabilities, request: RenderRequest
) -> list[CapabilityIssue]:
    """A shot shorter or longer than the model renders: the provider refuses the whole clip at
    submit time (fal's Kling v3 apps: 3 to 15 s a shot), so say so before any render."""
    if not request.shots or caps.shot_seconds is None:
        return []
    low, high = caps.shot_seconds
    issues = []
    for i, shot in enumerate(request.shots):
        if low <= shot.duration <= high:
            continue
        bound = f"{low:g} s or longer" if shot.duration < low else f"{high:g} s or shorter"
        issues.append(_error(f"shots[{i}].duration", f"{where} takes shots of {low:g} to "
                             f"{high:g} s, not {shot.duration:g} s (shot {i + 1}); make it "
                             f"{bound}, with the shots still summing to output.duration, or "
                             "pick a model that takes it"))
    return issues


def _reference_issues(
    where: str, caps: ModelCapabilities, request: RenderRequest
) -> list[CapabilityIssue]:
    issues: list[CapabilityIssue] = []
    for field, value, allowed, required in (
        ("reference.image", request.reference_image, caps.reference_image,
         caps.requires_reference_image),
        ("reference.video", request.reference_video, caps.reference_video,
         caps.requires_reference_video),
    ):
        kind = field.split(".")[1]
        if value is not None and not allowed:
            issues.append(_error(field, f"{where} takes no reference {kind}; remove it or pick a "
                                 f"model that takes one"))
        elif value is None and required:
            issues.append(_error(field, f"{where} needs a reference {kind}; add reference.{kind}"))
        elif value is not None and not is_url(value) and not caps.local_references:
            issues.append(_error(field, f"{where} only fetches references by URL; upload "
                                 f"{value} and set reference.{kind} to its https URL"))
    if (not caps.text_to_video and request.reference_image is None
            and request.reference_video is None and not caps.requires_reference_image):
        issues.append(_error("reference.image", f"{where} does not render from text alone; "
                             "add reference.image or pick a text-to-video model"))
    return issues


def _layer_issues(
    where: str, caps: ModelCapabilities, request: RenderRequest
) -> list[CapabilityIssue]:
    issues: list[CapabilityIssue] = []
    camera = request.camera
    if camera is not None and not caps.camera_moves:
        issues.append(_warning("camera", f"{where} has no camera control; the camera move is "
                               "sent as prompt words and not enforced", model_note=True))
    elif camera is not None and (camera.move not in caps.camera_moves or camera.also):
        what = "moves made together" if camera.also else repr(camera.move)
        issues.append(_warning("camera", f"{where} has no camera control for "
                               f"{what}; it is sent as prompt words "
                               f"({camera.describe()!r}) and not enforced"))
    if request.motion_score is not None and caps.motion_knob is None:
        issues.append(_warning("motion", f"{where} has no motion control; the motion score is "
                               "sent as prompt words and not enforced", model_note=True))
    if request.negative_prompt and not caps.negative_prompt:
        issues.append(_warning("negative_prompt", f"{where} has no negative prompt; its terms "
                               "are dropped", model_note=True))
    sent = ", ".join(request.negative_prompt)
    limit = caps.negative_prompt_chars
    if caps.negative_prompt and limit is not None and len(sent) > limit:
        issues.append(_error("negative_prompt", f"{where} takes at most {limit:,} negative-prompt "
                             f"characters, and these terms joined are {len(sent):,}; shorten "
                             "or drop some"))
    if request.seed is not None and not caps.seed:
        issues.append(_warning("output.seed", f"{where} takes no seed; renders are not "
                               "reproducible, so compare repeats statistically", model_note=True))
    return issues


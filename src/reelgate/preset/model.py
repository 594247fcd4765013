"""The preset contract: what a preset file may say (the document) and what the stages get (Preset).

The document models are strict (no type coercion, no unknown keys) so that the JSON Schema
generated from them says exactly what pydantic accepts: editors, the jsonschema pass that finds
positions, and the typed model all agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reelgate.preset.camera import CameraIntent
from reelgate.preset.thresholds import ReferenceGate, Regression, Rubric, Thresholds

AspectRatio = Literal["16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "9:21"]
Resolution = Literal["480p", "540p", "720p", "1080p", "4k"]
SWEEP_POINTS: tuple[str, str, str] = ("low", "mid", "mid-high")
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,79}$"
MARK_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
# Kling 3.0 multi-shot (official API reference, Omni-Video and Text-to-Video "Create Task",
# https://app.klingai.com/global/dev/document-api/apiReference/model/OmniVideo): multi_prompt
# holds 1 to 6 shots, each prompt at most 512 characters, each duration at least 1 s, and the
# durations sum to the task's duration. element_list takes at most 3 elements.
MAX_SHOTS = 6
SHOT_PROMPT_CHARS = 512
MAX_ELEMENTS = 3
# voice_list (Text-to-Video and Image-to-Video "Create Task", notes section 2.3): at most 2
# voices, each {voice_id}, named in the prompt as <<<voice_1>>>, <<<voice_2>>>; needs sound on.
MAX_VOICES = 2
ShotType = Literal["customize", "intelligence"]
VoiceId = Annotated[str, Field(pattern=r"^\S+$")] | Annotated[int, Field(ge=0)]
Sound = Literal["on", "off"]


class _Strict(BaseModel):
    # python-re: patterns must match exactly as jsonschema (Python's re) matches them.
    # defer_build: a warm run unpickles its presets from the check memo and validates none, so
    # it never pays for building their validators (half of this module's import time).
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, regex_engine="python-re",
                              defer_build=True)


class PromptLayers(_Strict):
    """Layer 1: who or what is in the shot, where, and how it should look."""

    subject: str = Field(min_length=1, description="identity: who or what is in the shot")
    scene: str | None = Field(None, description="where it happens, light, time")
    action: str | None = Field(None, description="what the subject does")
    style: str | None = Field(None, description="look: film stock, lens, grade")

    def text(self) -> str:
        parts = [self.subject, self.action, self.scene, self.style]
        return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip()) + "."


class ReferenceSpec(_Strict):
    """Layer 2: the motion source clip and an optional identity image (paths or https URLs)."""

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [{"required": ["video"]}, {"required": ["image"]},
                                     {"required": ["elements"]}]}
    )

    video: str | None = Field(None, min_length=1, description="motion reference clip")
    image: str | None = Field(None, min_length=1, description="identity image (the first frame "
                              "on image-to-video models)")
    video_url: str | None = Field(
        None, pattern=r"^https://\S+$",
        description="where providers that fetch by URL (Kling motion control) get the same clip",
    )
    end_image: str | None = Field(
        None, min_length=1, description="the last frame (Kling image_tail, omni end_frame); "
        "needs image, the first frame",
    )
    elements: list[Annotated[int, Field(ge=1)]] | None = Field(
        None, min_length=1, max_length=MAX_ELEMENTS,
        description="Kling element ids (element_list): the same character or object in every shot",
    )
    video_refer: Literal["feature", "base"] | None = Field(
        None, description="Kling omni only: the reference video is a camera and style reference "
        "(feature, the default) or the clip to edit (base)",
    )

    @model_validator(mode="before")
    @classmethod
    def _one_at_least(cls, data: Any) -> Any:
        if isinstance(data, dict) and not {"video", "image", "elements"} & set(data):
            raise ValueError("needs at least one of: video, image, elements")
        return data


class ShotSpec(_Strict):
    """One shot of a multi-shot clip: what it shows, for how long, and how it is filmed."""

    prompt: str = Field(min_length=1, max_length=SHOT_PROMPT_CHARS,
                        description="what this shot shows (sent as the shot's own prompt)")
    duration: int = Field(ge=1, le=15, description="whole seconds; the shots sum to "
                          "output.duration")
    camera: str | CameraIntent | None = Field(None, description="this shot's camera intent; "
                                              "defaults to the preset's camera")


class MotionSpec(_Strict):
    """Layer 3: how much things move; 0 is still, 10 is wild."""

    score: float = Field(ge=0, le=10, description="motion_score, 0 to 10")


class OutputSpec(_Strict):
    """Run settings of the clip itself."""

    duration: float = Field(gt=0, le=60, description="seconds")
    aspect_ratio: AspectRatio
    resolution: Resolution
    seed: int | None = Field(None, ge=0, le=4_294_967_295)


class ProviderSpec(_Strict):
    """Which provider, model and mode render the preset."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", description="registered provider name")
    model: str | None = Field(None, min_length=1)
    mode: str | None = Field(None, min_length=1)


ItemName = Literal["schema", "reference", "sweep[low]", "sweep[mid]", "sweep[mid-high]", "regression"]


class XfailOptions(_Strict):
    reason: str = Field(min_length=1)
    strict: bool = False
    only: list[ItemName] | None = Field(None, description="items it applies to; default all")


class XfailMark(_Strict):
    xfail: Annotated[str, Field(min_length=1)] | XfailOptions


class SkipOptions(_Strict):
    reason: str = Field(min_length=1)
    only: list[ItemName] | None = Field(None, description="items it applies to; default all")


class SkipMark(_Strict):
    skip: Annotated[str, Field(min_length=1)] | SkipOptions


MarkSpec = XfailMark | SkipMark | Annotated[str, Field(pattern=MARK_PATTERN)]


class ThresholdOverrides(_Strict):
    """Per-preset overrides: only the bounds written in the file replace the scenario's."""

    reference: ReferenceGate | None = None
    rubric: Rubric | None = None
    regression: Regression | None = None


class PresetDocument(_Strict):
    """One preset file after ``extends`` is merged in: the contract editors validate against."""

    id: str | None = Field(None, pattern=ID_PATTERN, description="defaults to the file's stem")
    version: int = Field(ge=1, description="bumped on every change meant to be approved")
    scenario: str = Field(min_length=1, description="a scenario of scenarios.yaml")
    description: str | None = None
    prompt: str | PromptLayers = Field(description="layer 1: identity and scene")
    reference: ReferenceSpec | None = Field(None, description="layer 2: motion source")
    motion: MotionSpec = Field(description="layer 3: motion controls")
    camera: str | CameraIntent = Field(description="layer 4: camera intent in plain words")
    negative_prompt: str | list[str] | None = Field(None, description="layer 5: constraints")
    output: OutputSpec
    shots: list[ShotSpec] | None = Field(
        None, min_length=1, max_length=MAX_SHOTS,
        description="a multi-shot clip: the shots in order, each with its prompt, duration and "
        "camera; the clip cuts between them and nowhere else",
    )
    shot_type: ShotType | None = Field(
        None, description="customize (the default with shots: the cuts fall where the shots "
        "say) or intelligence (no shots: the model cuts where it likes)",
    )
    sound: bool | Sound = Field(
        False, description="an audio track: on or off (the default; YAML reads bare on/off as "
        "true/false, which mean the same); sent explicitly where the model takes it",
    )
    voices: list[VoiceId] | None = Field(
        None, min_length=1, max_length=MAX_VOICES,
        description="voice ids (Kling voice_list, fal voice_ids: from Kling's custom-voice or "
        "preset voices; a bare number is read as its digits) the clip speaks in; needs sound: "
        "on, and the prompt or a shot names each where it speaks as <<<voice_1>>>, <<<voice_2>>>",
    )
    provider: ProviderSpec | None = Field(None, description="defaults to the scenario's")
    failover: ProviderSpec | None = Field(None, description="defaults to the scenario's")
    sweep: list[float] | None = Field(
        None, min_length=3, max_length=3, description="low, mid and mid-high motion scores"
    )
    repeats: int | None = Field(None, ge=1, le=100, description="renders per sweep point")
    min_usable: int | float | None = Field(
        None, description="renders per point that must be usable: a count, or a fraction in (0, 1]"
    )
    marks: list[MarkSpec] = Field(default_factory=list, description="pytest marks for every item")
    thresholds: ThresholdOverrides | None = Field(None, description="overrides of the scenario's")
    extends: str | None = Field(None, description="a preset file to inherit from, deep-merged")
    abstract: bool = Field(False, description="a base for others: validated, never run")


class Scenario(_Strict):
    """A use case the team agreed on: its motion range, sweep, cameras, providers and bounds."""

    description: str | None = None
    motion_range: list[float] = Field(min_length=2, max_length=2, description="[min, max] score")
    sweep: list[float] = Field(min_length=3, max_length=3, description="low, mid, mid-high")
    camera_templates: dict[str, str | CameraIntent] = Field(default_factory=dict)
    provider: ProviderSpec
    failover: ProviderSpec | None = None
    repeats: int = Field(1, ge=1, le=100)
    min_usable: int | float = 1
    thresholds: Thresholds = Field(default_factory=Thresholds)


class ScenarioFile(_Strict):
    scenarios: dict[str, Scenario] = Field(min_length=1)


class Shot(BaseModel):
    """One resolved shot: its prompt, length, camera intent, and where it starts in the clip."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    index: int  # 1-based, as Kling numbers them and as messages name them
    prompt: str
    duration: float
    start: float
    camera: CameraIntent
    camera_text: str

    @property
    def end(self) -> float:
        return self.start + self.duration


class Preset(BaseModel):
    """A validated, fully resolved preset: what every later stage works from."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    version: int
    scenario: str
    description: str | None
    prompt: str
    prompt_layers: dict[str, str]
    reference_video: str | None
    reference_video_url: str | None
    reference_image: str | None
    motion_score: float
    camera: CameraIntent
    camera_text: str
    negative_prompt: tuple[str, ...]
    output: OutputSpec
    provider: ProviderSpec
    failover: ProviderSpec | None
    shots: tuple[Shot, ...] = ()
    shot_type: ShotType | None = None
    sound: Sound = "off"
    reference_end_image: str | None = None
    elements: tuple[int, ...] = ()
    video_refer: Literal["feature", "base"] | None = None
    voices: tuple[str, ...] = ()
    sweep: dict[str, float]
    repeats: int
    min_usable: int | float
    thresholds: Thresholds
    source: Path
    line: int

    @property
    def multi_shot(self) -> bool:
        return bool(self.shots) or self.shot_type == "intelligence"

    def boundaries(self) -> list[float]:
        """Seconds where a declared shot ends and the next begins: the intended cuts."""
        return [shot.start for shot in self.shots[1:]]

    def prompt_value(self) -> Any:
        """The prompt layer as a regression compares it: the shots belong to it when there are
        any (single-shot presets keep the value their approved records hold)."""
        base = self.prompt_layers or self.prompt
        if not self.multi_shot:
            return base
        return {"prompt": base, "shot_type": self.shot_type or "customize",
                "shots": [{"prompt": s.prompt, "duration": s.duration, "camera": s.camera_text}
                          for s in self.shots]}

    def output_value(self, output: dict[str, Any]) -> dict[str, Any]:
        """The output layer; sound joins it only when on (older records have no sound)."""
        return {**output, "sound": "on"} if self.sound == "on" else output

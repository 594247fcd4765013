"""Checks that need the scenarios and the file system, and the resolved Preset they produce."""

from __future__ import annotations

from pathlib import Path

from reelgate.bounded import MEDIA_CAP_BYTES, BoundedReadError, check_regular_file, resolve_inside
from reelgate.preset.camera import CameraIntent, CameraParseError, parse_camera
from reelgate.preset.diagnostics import Diagnostic
from reelgate.preset.model import (
    SWEEP_POINTS,
    Preset,
    PresetDocument,
    PromptLayers,
    Scenario,
    Shot,
    ShotSpec,
)
from reelgate.preset.scenarios import ScenarioSet
from reelgate.preset.schema_errors import suggest
from reelgate.preset.thresholds import Thresholds
from reelgate.preset.yamlload import FieldPath, Located, dotted

# Local reference files by kind: they are uploaded to the provider, so nothing else may be named
# (a preset naming ../.env as its image would send the file away).
MEDIA_SUFFIXES = {
    "video": (".mp4", ".mov", ".webm", ".mkv", ".m4v", ".avi"),
    "image": (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"),
}


class _Collector:
    def __init__(self, located: Located) -> None:
        self.located = located
        self.diagnostics: list[Diagnostic] = []

    def error(self, fpath: FieldPath, message: str, severity: str = "error") -> None:
        self.diagnostics.append(
            Diagnostic(self.located.where(fpath), dotted(fpath), message, severity)  # type: ignore[arg-type]
        )


def early_checks(located: Located, scenarios: ScenarioSet, root: Path) -> list[Diagnostic]:
    """Checks of the fields that are well formed even when others are not, so that one run of
    the schema item shows every problem of the file at once."""
    out = _Collector(located)
    data = located.data
    name = data.get("scenario")
    scenario = _scenario(out, name, scenarios) if isinstance(name, str) else None
    if isinstance(data.get("camera"), str):
        templates = scenarios.cameras.get(name, {}) if isinstance(name, str) else {}
        _camera(out, data["camera"], templates)
    reference = data.get("reference")
    if isinstance(reference, dict):
        for key in ("video", "image", "end_image"):
            if isinstance(reference.get(key), str):
                _reference(out, ("reference", key), reference[key], root)
    motion = data.get("motion")
    score = motion.get("score") if isinstance(motion, dict) else None
    if scenario and isinstance(score, int | float) and not isinstance(score, bool):
        _check_score(out, score, scenario, name)
    return out.diagnostics


def resolve_preset(
    doc: PresetDocument, located: Located, scenarios: ScenarioSet, root: Path, preset_id: str
) -> tuple[Preset | None, list[Diagnostic]]:
    """Resolve a structurally valid document against its scenario; every problem is reported."""
    out = _Collector(located)
    scenario = _scenario(out, doc.scenario, scenarios)
    if scenario is None:
        return None, out.diagnostics
    low, high = scenario.motion_range
    _check_score(out, doc.motion.score, scenario, doc.scenario)
    sweep = list(doc.sweep) if doc.sweep is not None else list(scenario.sweep)
    if doc.sweep is not None:
        _check_sweep(out, sweep, low, high, doc.scenario)
    camera = _camera(out, doc.camera, scenarios.cameras.get(doc.scenario, {}))
    reference_video = _reference(out, ("reference", "video"), _ref(doc, "video"), root)
    reference_image = _reference(out, ("reference", "image"), _ref(doc, "image"), root)
    repeats = doc.repeats if doc.repeats is not None else scenario.repeats
    min_usable = doc.min_usable if doc.min_usable is not None else scenario.min_usable
    _check_min_usable(out, min_usable, repeats, doc.min_usable is not None)
    negative = [doc.negative_prompt] if isinstance(doc.negative_prompt, str) else list(
        doc.negative_prompt or [])
    for i, item in enumerate(negative):
        if not item.strip():
            out.error(("negative_prompt", i) if not isinstance(doc.negative_prompt, str) else
                      ("negative_prompt",), "an empty constraint says nothing: remove it")
    shots = _shots(out, doc, camera, scenarios.cameras.get(doc.scenario, {}))
    end_image = _reference(out, ("reference", "end_image"), _ref(doc, "end_image"), root)
    _check_reference_parts(out, doc)
    _check_voices(out, doc)
    if out.diagnostics or camera is None:
        return None, out.diagnostics
    prompt = doc.prompt
    layers = prompt.model_dump(exclude_none=True) if isinstance(prompt, PromptLayers) else {}
    preset = Preset(
        id=preset_id,
        version=doc.version,
        scenario=doc.scenario,
        description=doc.description,
        prompt=prompt.text() if isinstance(prompt, PromptLayers) else prompt.strip(),
        prompt_layers=layers,
        reference_video=reference_video,
        reference_video_url=doc.reference.video_url if doc.reference else None,
        reference_image=reference_image,
        motion_score=doc.motion.score,
        camera=camera,
        camera_text=doc.camera if isinstance(doc.camera, str) else camera.describe(),
        negative_prompt=tuple(n.strip() for n in negative),
        output=doc.output,
        provider=doc.provider or scenario.provider,
        failover=doc.failover or scenario.failover,
        shots=shots,
        shot_type=doc.shot_type or ("customize" if shots else None),
        sound="on" if doc.sound in (True, "on") else "off",
        reference_end_image=end_image,
        elements=tuple(doc.reference.elements or ()) if doc.reference else (),
        video_refer=doc.reference.video_refer if doc.reference else None,
        voices=tuple(str(voice) for voice in doc.voices or ()),
        sweep=dict(zip(SWEEP_POINTS, sweep, strict=True)),
        repeats=repeats,
        min_usable=min_usable,
        thresholds=_thresholds(scenario, doc),
        source=located.path,
        line=located.where(("id",)).line if doc.id else 1,
    )
    return preset, out.diagnostics


def _scenario(out: _Collector, name: str, scenarios: ScenarioSet) -> Scenario | None:
    scenario = scenarios.scenarios.get(name)
    if scenario is None and scenarios.ok:
        known = sorted(scenarios.scenarios)
        out.error(("scenario",), f"unknown scenario {name!r}{suggest(name, known)}; "
                  f"{scenarios.path.name} defines: {', '.join(known)}")
    return scenario


def _check_score(out: _Collector, score: float, scenario: Scenario, name: str) -> None:
    low, high = scenario.motion_range
    if not low <= score <= high:
        out.error(("motion", "score"), f"motion score {score:g} is outside the approved range "
                  f"[{low:g}, {high:g}] of scenario {name!r}")


def _ref(doc: PresetDocument, key: str) -> str | None:
    return getattr(doc.reference, key) if doc.reference else None


def _check_sweep(out: _Collector, sweep: list[float], low: float, high: float, name: str) -> None:
    for i, score in enumerate(sweep):
        if not low <= score <= high:
            out.error(("sweep", i), f"sweep score {score:g} is outside the approved range "
                      f"[{low:g}, {high:g}] of scenario {name!r}")
    if sweep != sorted(set(sweep)):
        out.error(("sweep",), "sweep scores must rise strictly: [low, mid, mid-high]")


def _shots(
    out: _Collector, doc: PresetDocument, camera: CameraIntent | None,
    templates: dict[str, CameraIntent],
) -> tuple[Shot, ...]:
    """The declared shots with their start times and cameras, after the checks Kling makes of
    ``multi_prompt`` (durations sum to the clip's) and the ones shot_type implies."""
    specs: list[ShotSpec] = doc.shots or []
    if doc.shot_type == "intelligence" and specs:
        out.error(("shot_type",), "intelligence lets the model choose where to cut; remove "
                  "shots, or set shot_type: customize to cut where the shots say")
    if doc.shot_type == "customize" and not specs:
        out.error(("shot_type",), "customize cuts where the shots say, and there are none; add "
                  "shots, or set shot_type: intelligence")
    if not specs:
        return ()
    total = sum(spec.duration for spec in specs)
    if abs(total - doc.output.duration) > 1e-6:
        parts = " + ".join(str(spec.duration) for spec in specs)
        out.error(("shots",), f"the shots last {parts} = {total} s, but output.duration is "
                  f"{doc.output.duration:g} s; make the shots' durations sum to it")
    shots: list[Shot] = []
    start = 0.0
    for i, spec in enumerate(specs):
        own = spec.camera
        shot_camera = (_camera(out, own, templates, ("shots", i, "camera")) if own is not None
                       else camera)
        if shot_camera is not None:
            text = own if isinstance(own, str) else shot_camera.describe()
            shots.append(Shot(index=i + 1, prompt=" ".join(spec.prompt.split()),
                              duration=float(spec.duration), start=start, camera=shot_camera,
                              camera_text=text if own is not None else
                              (doc.camera if isinstance(doc.camera, str) else text)))
        start += spec.duration
    return tuple(shots)


def _check_voices(out: _Collector, doc: PresetDocument) -> None:
    """Voices speak only with sound on, and only where a prompt names them (Kling binds
    ``voice_list[i]`` to the prompt's ``<<<voice_{i+1}>>>``; an unnamed voice is silent)."""
    if not doc.voices:
        return
    if doc.sound not in (True, "on"):
        out.error(("voices",), "voices speak only with sound: on; set sound: on or remove "
                  "voices")
    if doc.shots:  # the shots' prompts replace the main prompt on the wire
        words, where = " ".join(shot.prompt for shot in doc.shots), "any shot's prompt"
    else:
        words = doc.prompt.text() if isinstance(doc.prompt, PromptLayers) else doc.prompt
        where = "the prompt"
    for i, voice in enumerate(doc.voices):
        tag = f"<<<voice_{i + 1}>>>"
        if tag not in words:
            out.error(("voices", i), f"voice {i + 1} ({voice}) is not named in {where}; write "
                      f"{tag} where it speaks")


def _check_reference_parts(out: _Collector, doc: PresetDocument) -> None:
    """Parts of a reference that only mean something next to another one."""
    reference = doc.reference
    if reference is None:
        return
    if reference.end_image is not None and reference.image is None:
        out.error(("reference", "end_image"), "an end frame needs a first frame: add "
                  "reference.image (providers refuse an end frame alone)")
    if reference.video_refer is not None and reference.video is None:
        out.error(("reference", "video_refer"), "video_refer says how the reference video is "
                  "used, and there is none; add reference.video or remove video_refer")


def _camera(
    out: _Collector, value: str | CameraIntent, templates: dict[str, CameraIntent],
    fpath: FieldPath = ("camera",),
) -> CameraIntent | None:
    if isinstance(value, str) and value.strip() in templates:
        return templates[value.strip()]
    try:
        parsed = parse_camera(value if isinstance(value, str) else value.describe())
    except CameraParseError as exc:
        hint = f"; scenario templates: {', '.join(sorted(templates))}" if templates else ""
        out.error(fpath, f"{exc}{hint}")
        return None
    return value if isinstance(value, CameraIntent) else parsed


def _reference(out: _Collector, fpath: FieldPath, value: str | None, root: Path) -> str | None:
    if value is None:
        return None
    if value.startswith("https://"):
        return value
    if "://" in value:
        out.error(fpath, f"{value!r}: only local paths and https:// URLs are allowed")
        return None
    declared_in = out.located.where(fpath).path
    try:
        resolved = resolve_inside(declared_in.parent, value, root)
        check_regular_file(resolved, MEDIA_CAP_BYTES)
    except BoundedReadError as exc:
        out.error(fpath, str(exc))
        return None
    kind = "video" if fpath[-1] == "video" else "image"
    suffixes = MEDIA_SUFFIXES[kind]
    if resolved.suffix.lower() not in suffixes:  # the file itself, not a link to it
        article = "a video" if kind == "video" else "an image"
        out.error(fpath, f"{value!r} is not {article} file ({', '.join(suffixes)}); a local "
                  f"{dotted(fpath)} is sent to the provider as it is, so only media are allowed")
        return None
    return str(resolved)


def _check_min_usable(out: _Collector, min_usable: int | float, repeats: int, own: bool) -> None:
    fpath: FieldPath = ("min_usable",) if own else ("repeats",)
    if isinstance(min_usable, float) and not 0 < min_usable <= 1:
        out.error(fpath, f"a fraction min_usable must be in (0, 1], got {min_usable:g}")
    elif isinstance(min_usable, int) and not 1 <= min_usable <= repeats:
        out.error(fpath, f"min_usable {min_usable} needs at least as many repeats, but repeats "
                  f"is {repeats}")


def _thresholds(scenario: Scenario, doc: PresetDocument) -> Thresholds:
    """The scenario's thresholds with the preset's own overrides written over them."""
    base = scenario.thresholds
    if doc.thresholds is None:
        return base
    updates = {}
    for part in ("reference", "rubric", "regression"):
        override = getattr(doc.thresholds, part)
        if override is not None:
            updates[part] = getattr(base, part).model_copy(update=override.model_dump(exclude_unset=True))
    return base.model_copy(update=updates)

"""Map a resolved Preset onto one RenderRequest per sweep point and repeat.

The mapping is where the contract's layers meet the providers: the prompt layers are composed,
the provider's default model fills a missing one, and a run-wide override (``--preset-provider``)
retargets every request. Capability gaps become schema diagnostics at the preset's lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from reelgate.plan.capabilities import check_capabilities
from reelgate.preset.diagnostics import Diagnostic
from reelgate.preset.model import Preset, ProviderSpec
from reelgate.preset.yamlload import FieldPath, Located, parse_field
from reelgate.providers.capabilities import CapabilityIssue
from reelgate.providers.errors import ProviderConfigError
from reelgate.providers.registry import provider_class
from reelgate.request import ProviderChoice, RenderRequest, ShotRequest


class PlanError(Exception):
    """A preset cannot be turned into provider requests (unknown provider or model)."""


@dataclass(frozen=True)
class ProviderOverride:
    """``--preset-provider`` (and ``--preset-provider-url``): one provider for every preset."""

    name: str
    model: str | None = None
    base_url: str | None = None


def _choice(spec: ProviderSpec) -> ProviderChoice:
    cls = _provider_class(spec.name)
    return ProviderChoice(name=spec.name, model=spec.model or cls.default_model, mode=spec.mode)


def _provider_class(name: str) -> type:
    try:
        return provider_class(name)
    except ProviderConfigError as exc:
        raise PlanError(str(exc)) from None
    except ImportError as exc:  # a provider package that is registered but broken
        raise PlanError(f"provider {name!r} is registered but cannot be imported: {exc}; "
                        "reinstall the package that provides it") from None


def primary_target(preset: Preset, override: ProviderOverride | None = None) -> ProviderChoice:
    """Who renders the preset: its own provider, or the run's override of it.

    The override keeps what still applies: the preset's model when the override's provider
    has it, and its mode when the provider is the same (so ``--preset-provider kling`` on a
    Kling preset sends the same request, and its recording still replays).
    """
    if override is None:
        return _choice(preset.provider)
    cls = _provider_class(override.name)
    named = preset.provider.model
    model = override.model or (named if named in cls.models else cls.default_model)
    mode = preset.provider.mode if preset.provider.name == override.name else None
    return ProviderChoice(name=override.name, model=model, mode=mode)


def requests_for_point(
    preset: Preset, point: str, override: ProviderOverride | None = None, *, repeats: int | None = None
) -> list[RenderRequest]:
    """The requests of one sweep point, one per repeat, as they are sent: the run's override
    applied (it drops the failover: the run asked for one provider). ``repeats``: only the first
    so many (the capability check asks for one: the repeats of a point are equal but for it)."""
    primary = primary_target(preset, override)
    failover = None if override or preset.failover is None else _choice(preset.failover)
    shots = tuple(ShotRequest(prompt=shot.prompt, duration=shot.duration, camera=shot.camera)
                  for shot in preset.shots)
    return [
        RenderRequest(
            preset_id=preset.id,
            preset_version=str(preset.version),
            sweep_point=point,
            repeat=repeat,
            prompt=preset.prompt,
            negative_prompt=preset.negative_prompt,
            reference_video=preset.reference_video_url or preset.reference_video,
            reference_image=preset.reference_image,
            motion_score=preset.sweep[point],
            camera=preset.camera,
            duration=preset.output.duration,
            aspect_ratio=preset.output.aspect_ratio,
            resolution=preset.output.resolution,
            seed=preset.output.seed,
            provider=primary.name,
            model=primary.model,
            mode=primary.mode,
            failover=failover,
            shots=shots,
            shot_type=preset.shot_type,
            sound=preset.sound,
            end_image=preset.reference_end_image,
            elements=preset.elements,
            video_refer=preset.video_refer,
            voices=preset.voices,
        )
        for repeat in range(min(preset.repeats, repeats if repeats is not None else preset.repeats))
    ]


def requests_for_preset(preset: Preset, override: ProviderOverride | None = None) -> list[RenderRequest]:
    """Every request of a preset, sweep point by sweep point."""
    return [r for point in preset.sweep for r in requests_for_point(preset, point, override)]


def capability_diagnostics(
    preset: Preset, located: Located, override: ProviderOverride | None = None,
    issues: list[tuple[str, CapabilityIssue]] | None = None,
) -> list[Diagnostic]:
    """What the preset's provider cannot honour, positioned at the preset's own lines. Notes
    that hold for every preset of a model (``model_notes``) are left to the run's summary.
    ``issues``: ``point_issues`` of the preset, when the caller has them already."""
    unknown = _unknown_providers(preset, located, override)
    if unknown:
        return unknown
    found: dict[tuple[str, str], dict[str, list[str]]] = {}  # (field, severity) -> message -> points
    for point, issue in point_issues(preset, override) if issues is None else issues:
        if not issue.model_note:
            found.setdefault((issue.field, issue.severity), {}).setdefault(issue.message, []).append(point)
    out = []
    for (field, severity), messages in found.items():  # the same gap at every point is one diagnostic
        path = _field_path(field, located)
        for message, points in messages.items():
            if len(points) < len(preset.sweep):  # not at every point: name the values it is about
                scores = ", ".join(f"{preset.sweep[p]:g}" for p in points)
                message = f"sweep[{', '.join(points)}] (motion score {scores}): {message}"
            if field.startswith("failover.") and ("failover",) not in located.positions:
                message = f"failover provider of scenario {preset.scenario!r}: {message}"
            out.append(Diagnostic(located.where(path), field, message, severity))
    return out


def model_notes(preset: Preset, override: ProviderOverride | None = None,
                issues: list[tuple[str, CapabilityIssue]] | None = None) -> list[str]:
    """What the preset's provider and model do with a layer they have no control for, in words
    that hold for every preset of that model (so a run says each once, with a count)."""
    try:
        issues = point_issues(preset, override) if issues is None else issues
    except PlanError:  # an unknown provider: the schema item reports it at its line
        return []
    return list(dict.fromkeys(issue.message for _, issue in issues if issue.model_note))


def point_issues(preset: Preset, override: ProviderOverride | None) -> list[tuple[str, CapabilityIssue]]:
    """The capability issues of each sweep point's request (its first repeat: repeats are equal)."""
    return [(point, issue) for point in preset.sweep
            for issue in check_capabilities(requests_for_point(preset, point, override, repeats=1)[0])]


def _unknown_providers(
    preset: Preset, located: Located, override: ProviderOverride | None
) -> list[Diagnostic]:
    """A provider (or failover) name that no installed provider answers to, at its own line."""
    targets: list[tuple[str, ProviderSpec | ProviderOverride]] = [
        ("provider", override or preset.provider)]
    if override is None and preset.failover is not None:
        targets.append(("failover", preset.failover))
    out = []
    for part, spec in targets:
        try:
            _provider_class(spec.name)
        except PlanError as exc:
            path = _field_path(f"{part}.name", located)
            message = str(exc)
            if path == ("scenario",):
                message = f"{part} provider of scenario {preset.scenario!r}: {message}"
            out.append(Diagnostic(located.where(path), f"{part}.name", message))
    return out


def _field_path(field: str, located: Located) -> FieldPath:
    """Where an issue points: the field if the preset file names it (a failover's gap in a shot
    at that shot), else its nearest parent there, else the ``scenario`` line (the value came
    from the scenario)."""
    path: FieldPath = parse_field(field)
    top = path[0] if path and path[0] in ("provider", "failover") else None
    if top == "failover" and len(path) > 1 and path[1] != "provider" and path[1:] in located.positions:
        return path[1:]  # a field of the preset the failover cannot honour: point at it
    while path and path not in located.positions:
        path = path[:-1]
    if path:
        return path
    if top is None and "provider" in located.data:
        return ("provider",)
    return ("scenario",)

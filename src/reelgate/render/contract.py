"""The output contract: the render succeeded and the clip is what was asked for.

Checked: the clip decodes, its duration and aspect ratio match the request within tolerance,
and its resolution (short side) matches the requested one. Two honest exceptions: a layer the
provider takes from a reference (Kling's image2video aspect ratio, motion-control length) is
reported as a note, not a problem; and a stand-in clip, rendered small on purpose by a local
server that says so in the clip's metadata (``STAND_IN_TAG``, which ``reelgate.simulator`` writes),
has its aspect ratio checked but not its resolution. The contract reads only that tag: it does not
import the simulator, whose server stack is an extra.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from reelgate.providers.errors import ProviderConfigError
from reelgate.providers.registry import provider_class
from reelgate.providers.result import RenderResult, Timings
from reelgate.request import RESOLUTION_SHORT_SIDE, RenderRequest

#: A clip whose container ``comment`` starts with this was rendered at a reduced size on purpose
#: (the simulator's clips, live or replayed from cassettes): its resolution is not checked.
STAND_IN_TAG = "reelgate-simulator"


@dataclass(frozen=True)
class ContractTolerance:
    duration_s: float = 0.5
    aspect: float = 0.02  # relative
    resolution: float = 0.05  # relative, on the short side


@dataclass(frozen=True)
class ClipProbe:
    width: int
    height: int
    duration_s: float
    fps: float
    frames: int
    codec: str
    stand_in: bool  # tagged STAND_IN_TAG: rendered small on purpose
    comment: str
    audio: bool = False  # the container has an audio stream


def _unreadable() -> tuple[type[BaseException], ...]:
    """What reading a clip raises for a clip that does not decode (evaluated only then)."""
    import av

    return av.FFmpegError, OSError, IndexError


def probe_clip(path: Path | str) -> ClipProbe:
    """Size, length and codec of the first video stream; raises av.FFmpegError if unreadable."""
    import av  # FFmpeg loads only when a clip is read: a replay knows its clips' facts

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for packet in container.demux(stream) if packet.size)
        fps = float(stream.average_rate or stream.guessed_rate or 0)
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        else:
            duration = frames / fps if fps else 0.0
        comment = str(container.metadata.get("comment", ""))
        return ClipProbe(
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            duration_s=round(duration, 3),
            fps=round(fps, 3),
            frames=frames,
            codec=stream.codec_context.name,
            stand_in=comment.startswith(STAND_IN_TAG),
            comment=comment,
            audio=bool(container.streams.audio),
        )


@dataclass(frozen=True)
class ContractReport:
    key: str
    passed: bool
    outcome: str
    provider: str
    model: str
    served_by: str | None
    served_model: str | None
    clip_path: str | None
    cost_usd: float
    cost_source: str
    timings: Timings
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    probe: ClipProbe | None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        served = f" via {self.served_by}" if self.served_by and self.served_by != self.provider \
            else ""
        head = f"{self.key}: {'ok' if self.passed else 'FAILED'} ({self.provider}{served}, " \
            f"${self.cost_usd:.2f}, {self.timings.total_s:.1f} s)"
        return "; ".join([head, *self.problems, *self.notes])


def check_output_contract(
    request: RenderRequest, result: RenderResult, tolerance: ContractTolerance | None = None,
    reader: Callable[[Path], ClipProbe] = probe_clip,
) -> ContractReport:
    """``reader`` reads the clip's container; the run passes what it already knows of the clip."""
    tolerance = tolerance or ContractTolerance()
    problems: list[str] = []
    notes: list[str] = []
    probe: ClipProbe | None = None
    if not result.ok:
        problems.append(f"the render did not succeed: {result.outcome.value}: {result.message}")
    else:
        assert result.clip is not None
        try:
            probe = reader(result.clip.path)
        except _unreadable() as exc:
            problems.append(f"the clip at {result.clip.path} does not decode ({exc})")
        else:
            _compare(request, result, probe, tolerance, problems, notes)
    return ContractReport(
        key=request.key,
        passed=not problems,
        outcome=result.outcome.value,
        provider=result.provider,
        model=result.model,
        served_by=result.served_by,
        served_model=result.served_model,
        clip_path=str(result.clip.path) if result.clip else None,
        cost_usd=result.cost_usd,
        cost_source=result.cost_source,
        timings=result.timings,
        problems=tuple(problems),
        notes=tuple(notes),
        probe=probe,
        message=result.message,
    )


def _compare(
    request: RenderRequest,
    result: RenderResult,
    probe: ClipProbe,
    tolerance: ContractTolerance,
    problems: list[str],
    notes: list[str],
) -> None:
    duration_from_video, aspect_from_image = _reference_rules(request, result)
    if duration_from_video:
        notes.append(f"length follows the reference video ({probe.duration_s:g} s)")
    elif abs(probe.duration_s - request.duration) > tolerance.duration_s:
        problems.append(f"duration {probe.duration_s:g} s, requested {request.duration:g} s "
                        f"(tolerance {tolerance.duration_s:g} s)")
    aspect = probe.width / probe.height
    if abs(aspect - request.aspect) / request.aspect > tolerance.aspect:
        message = (f"aspect ratio {probe.width}:{probe.height} ({aspect:.3f}), requested "
                   f"{request.aspect_ratio} ({request.aspect:.3f})")
        (notes if aspect_from_image else problems).append(
            message + ("; it follows the reference image" if aspect_from_image else ""))
    if request.sound == "on" and not probe.audio:
        problems.append("sound: on was asked for, and the clip has no audio track")
    short_side = min(probe.width, probe.height)
    wanted = RESOLUTION_SHORT_SIDE[request.resolution]
    if probe.stand_in:
        notes.append(f"stand-in clip rendered at {probe.width}x{probe.height}; resolution "
                     f"{request.resolution} not checked")
    elif abs(short_side - wanted) / wanted > tolerance.resolution:
        problems.append(f"resolution {probe.width}x{probe.height} (short side {short_side}), "
                        f"requested {request.resolution} ({wanted})")


def _reference_rules(request: RenderRequest, result: RenderResult) -> tuple[bool, bool]:
    """Whether the serving model takes length from the video / aspect from the image."""
    try:
        caps = provider_class(result.served_by or result.provider).capabilities_for(
            result.served_model or result.model)
    except ProviderConfigError:
        return False, False
    return (request.reference_video is not None and caps.duration_from_reference_video,
            request.reference_image is not None and caps.aspect_from_reference_image)

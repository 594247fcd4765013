"""The render requests the contract tests send: the shipped example presets as the plan stage
turns them into requests (primary and failover), the same presets retargeted to every model of
each adapter's catalogue (what ``--preset-provider NAME --preset-model M`` would send), and a few
made here for the endpoints no example reaches (references by URL, Act-Two, Luma modify...).

A retargeted request the adapter refuses at plan time (a capability error, shown to the user as
a schema error at the preset's line) is left out: it never reaches the wire.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from reelgate.plan.checked import load_checked
from reelgate.plan.requests import ProviderOverride, requests_for_point
from reelgate.preset.camera import parse_camera
from reelgate.preset.model import Preset
from reelgate.providers.errors import UnknownModelError
from reelgate.providers.registry import provider_class
from reelgate.request import RenderRequest
from tests.providers.factories import make_request

REPO = Path(__file__).resolve().parents[3]
PRESETS = REPO / "presets"
IMAGE_URL = "https://assets.example.com/reelgate/references/sneaker.jpg"
VIDEO_URL = "https://assets.example.com/reelgate/references/routine.mp4"


@functools.cache
def example_presets() -> tuple[Preset, ...]:
    suite = load_checked(REPO, [PRESETS], PRESETS / "scenarios.yaml", memo=False)
    presets = [r.preset for _, r in sorted(suite.results.items()) if r.preset is not None]
    assert len(presets) >= 8, "the example suite no longer loads; run `reelgate check presets`"
    return tuple(presets)


def accepted(request: RenderRequest) -> bool:
    """True when the adapter would send it (no capability error stops it first)."""
    try:
        issues = provider_class(request.provider).capability_issues(request)
    except UnknownModelError:
        return False
    return not any(issue.severity == "error" for issue in issues)


@functools.cache
def example_requests(provider: str) -> tuple[RenderRequest, ...]:
    """The example presets' own requests (primary and failover) that go to ``provider``."""
    found: list[RenderRequest] = []
    for preset in example_presets():
        for point in preset.sweep:
            request = requests_for_point(preset, point)[0]
            for sent in (request, request.retarget(request.failover) if request.failover
                         else None):
                if sent is not None and sent.provider == provider:
                    found.append(sent)
    return tuple(found)


@functools.cache
def retargeted_requests(provider: str) -> tuple[RenderRequest, ...]:
    """Every example preset at every sweep point on every model of ``provider``'s catalogue."""
    found = []
    for model in provider_class(provider).models:
        for preset in example_presets():
            for point in preset.sweep:
                request = requests_for_point(preset, point, ProviderOverride(provider, model))[0]
                if accepted(request):
                    found.append(request)
    return tuple(found)


MADE: dict[str, list[dict[str, Any]]] = {
    "runway": [
        {"model": "gen4_turbo", "reference_image": IMAGE_URL, "seed": 7},
        {"model": "veo3.1", "reference_image": IMAGE_URL, "duration": 8, "resolution": "1080p"},
        {"model": "veo3.1_fast", "duration": 4, "aspect_ratio": "9:16", "negative_prompt": ()},
        {"model": "gen4.5", "duration": 7, "aspect_ratio": "9:16", "seed": 3},
        {"model": "aleph2", "reference_video": VIDEO_URL, "reference_image": IMAGE_URL},
        {"model": "aleph2", "reference_video": VIDEO_URL},
        {"model": "act_two", "reference_video": VIDEO_URL, "reference_image": IMAGE_URL,
         "motion_score": 9, "aspect_ratio": "1:1"},
    ],
    "luma": [
        {"model": "ray-2", "reference_image": IMAGE_URL, "camera": "slow orbit left"},
        {"model": "ray-flash-2", "aspect_ratio": "9:21", "resolution": "540p", "duration": 9,
         "camera": "zoom in"},
        {"model": "ray-2", "reference_video": VIDEO_URL, "motion_score": 9},
        {"model": "ray-flash-2", "reference_video": VIDEO_URL, "motion_score": None},
    ],
    "replicate": [
        {"model": "kwaivgi/kling-v2.6", "reference_image": IMAGE_URL, "resolution": "1080p"},
        {"model": "kwaivgi/kling-v2.5-turbo-pro", "duration": 10, "aspect_ratio": "1:1"},
        {"model": "kwaivgi/kling-v2.1", "reference_image": IMAGE_URL, "mode": "pro",
         "resolution": "1080p"},
    ],
    "fal": [
        {"model": "fal-ai/kling-video/v3/pro/image-to-video", "reference_image": IMAGE_URL,
         "duration": 12, "resolution": "1080p"},
        {"model": "fal-ai/kling-video/v2.1/master/image-to-video", "reference_image": IMAGE_URL,
         "resolution": "1080p"},
        {"model": "fal-ai/kling-video/v2.6/standard/motion-control", "reference_image": IMAGE_URL,
         "reference_video": VIDEO_URL, "duration": 14},
        {"model": "fal-ai/veo3", "duration": 8, "seed": 11, "aspect_ratio": "9:16"},
        {"model": "fal-ai/kling-video/v2.5-turbo/pro/image-to-video", "reference_image": IMAGE_URL,
         "resolution": "1080p", "duration": 10},
        {"model": "fal-ai/kling-video/v2.6/pro/image-to-video", "reference_image": IMAGE_URL,
         "resolution": "1080p"},
        {"model": "fal-ai/kling-video/v3/standard/image-to-video", "reference_image": IMAGE_URL,
         "duration": 15, "negative_prompt": ()},
        {"model": "fal-ai/kling-video/v3/standard/text-to-video", "sound": "on",
         "voices": ("voice-a", "voice-b")},
        {"model": "fal-ai/kling-video/v2.6/pro/text-to-video", "sound": "on",
         "voices": ("voice-a",), "resolution": "1080p"},
    ],
    "kling": [
        {"model": "kling-v1", "camera": "pan left", "mode": "std"},
        {"model": "kling-v1-5", "reference_image": IMAGE_URL, "camera": "tilt up", "mode": "pro",
         "resolution": "1080p"},
        {"model": "kling-v2-1-master", "resolution": "1080p", "duration": 10},
        {"model": "kling-v2-master", "aspect_ratio": "1:1"},
        {"model": "kling-v2-1", "reference_image": IMAGE_URL, "mode": "std"},
        {"model": "kling-v3", "duration": 12, "aspect_ratio": "9:16"},
        {"model": "kling-v3", "reference_image": IMAGE_URL, "duration": 3},
        {"model": "kling-v3", "sound": "on", "voices": ("829412345678",)},
        {"model": "kling-v2-6", "mode": "pro", "resolution": "1080p", "sound": "on",
         "voices": ("829412345678", "829412345679")},
        {"model": "kling-v2-6", "reference_image": IMAGE_URL, "reference_video": VIDEO_URL,
         "duration": 20, "mode": "pro", "resolution": "1080p"},
    ],
}


def made_requests(provider: str) -> tuple[RenderRequest, ...]:
    requests = []
    for fields in MADE[provider]:
        fields = {"provider": provider, **fields}
        if isinstance(fields.get("camera"), str):
            fields["camera"] = parse_camera(fields["camera"])
        request = make_request(**fields)
        assert accepted(request), f"made case no longer accepted by {provider}: {fields}"
        requests.append(request)
    return tuple(requests)


def all_requests(provider: str) -> list[RenderRequest]:
    """Examples, retargets and made cases, each distinct request once."""
    unique = {r.model_dump_json(): r for r in (*example_requests(provider),
                                               *retargeted_requests(provider),
                                               *made_requests(provider))}
    return list(unique.values())


def case_id(request: RenderRequest) -> str:
    refs = "+img" * bool(request.reference_image) + "+vid" * bool(request.reference_video)
    return f"{request.preset_id}-{request.sweep_point}-{request.model}{refs}"


def one_per_shape(requests: list[RenderRequest], shape: Any) -> list[RenderRequest]:
    """The first request of each shape (e.g. model and body keys): the loopback comparison
    needs one of each, not every prompt."""
    seen: dict[Any, RenderRequest] = {}
    for request in requests:
        seen.setdefault(shape(request), request)
    return list(seen.values())

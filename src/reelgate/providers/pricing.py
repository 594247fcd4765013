"""List prices for estimating a run before any live call, and for costing renders whose provider
does not report a charge.

Sources are the team's provider notes (shared/notes/providers.md, sections 2.9, 3, 4, 5, 6), which
cite inference-sh/grid ``api/klingai/pricing.md`` for Kling, community pages for Runway credits
and Luma, and Replicate's model pages. A figure marked ``assumed`` has no published source in
those notes; it borrows the nearest known rate (said in the source text) so estimates stay on the
side of caution. Prices are in USD. Update a row here when a provider changes its prices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Price:
    usd: float
    source: str
    assumed: bool = False


KLING_USD_PER_UNIT = 0.14  # inference-sh pricing.md: 1 unit ~ $0.14

# (model, mode) -> units for a 5 s clip and a 10 s clip.
KLING_UNITS_PER_CLIP: dict[tuple[str, str], tuple[float, float]] = {
    ("kling-v2-5-turbo", "std"): (1.5, 3.0),
    ("kling-v2-5-turbo", "pro"): (2.5, 5.0),
    ("kling-v2-1", "std"): (2.0, 4.0),
    ("kling-v2-1", "pro"): (3.5, 7.0),
    ("kling-v2-1-master", "std"): (10.0, 20.0),
    ("kling-v2-1-master", "pro"): (10.0, 20.0),
    ("kling-v2-master", "std"): (10.0, 20.0),
    ("kling-v2-master", "pro"): (10.0, 20.0),
    ("kling-v2-6", "std"): (1.5, 3.0),
    ("kling-v2-6", "pro"): (2.5, 5.0),
}
# v1-family prices are not in the notes; they borrow kling-v2-1's (the dearer non-master rate).
KLING_ASSUMED_LIKE = {"kling-v1": "kling-v2-1", "kling-v1-5": "kling-v2-1", "kling-v1-6": "kling-v2-1"}
KLING_UNITS_PER_SECOND: dict[tuple[str, str], float] = {
    ("kling-v3", "std"): 0.6,
    ("kling-v3", "pro"): 0.8,
    # Omni: the same per-second rates as v3, std 0.6 (0.9 with sound), pro 0.8 (1.2). Kling's
    # pricing page is not in the notes; apimodels.app/en/docs/kling-omni-video (seen 2026-12-02)
    # lists both omni models at $0.0633/$0.0956/$0.0853/$0.1280 a second for std/std+audio/
    # pro/pro+audio, the ratio 0.6 : 0.9 : 0.8 : 1.2 of v3's units.
    ("kling-v3-omni", "std"): 0.6,
    ("kling-v3-omni", "pro"): 0.8,
    ("kling-video-o1", "std"): 0.6,
    ("kling-video-o1", "pro"): 0.8,
}
# With sound on (notes 2.9: v3.0 std 0.9, pro 1.2 u/s "with audio"; omni as above).
KLING_SOUND_UNITS_PER_SECOND: dict[tuple[str, str], float] = {
    ("kling-v3", "std"): 0.9,
    ("kling-v3", "pro"): 1.2,
    ("kling-v3-omni", "std"): 0.9,
    ("kling-v3-omni", "pro"): 1.2,
}
# Per clip with sound (notes 2.9: v2.6 5 s "pro+audio 5 u"); 10 s is assumed twice that.
KLING_SOUND_UNITS_PER_CLIP: dict[tuple[str, str], tuple[float, float]] = {
    ("kling-v2-6", "pro"): (5.0, 10.0),
}
# Omni with a reference video (apimodels.app, as above: std $0.0853, pro $0.1059 a second, the
# rows with the video's sound kept); reelgate drops the video's sound, but which rate Kling then
# applies is not published, so the dearer one is assumed.
KLING_OMNI_VIDEO_UNITS_PER_SECOND: dict[str, float] = {"std": 0.8, "pro": 1.0}
KLING_MOTION_CONTROL_UNITS_PER_SECOND: dict[tuple[str, str], float] = {
    ("kling-v2-6", "std"): 0.5,
    ("kling-v2-6", "pro"): 0.8,
    ("kling-v3", "std"): 0.9,
    ("kling-v3", "pro"): 1.2,
}


def kling_units(model: str, mode: str, seconds: float, *, motion_control: bool,
                sound: bool = False, video_reference: bool = False) -> Price:
    """The charge in Kling units (``Price.usd`` holds units here); ``kling_price`` converts."""
    if video_reference and (model, mode) in KLING_UNITS_PER_SECOND:
        rate = KLING_OMNI_VIDEO_UNITS_PER_SECOND[mode]
        return Price(rate * seconds, f"assumed: Kling omni {model} {mode} with a reference "
                     f"video: {rate} units/s", True)
    if sound:
        return _kling_sound_units(model, mode, seconds)
    if motion_control:
        rate = KLING_MOTION_CONTROL_UNITS_PER_SECOND.get((model, mode))
        if rate is None:
            rate = max(KLING_MOTION_CONTROL_UNITS_PER_SECOND.values())
            return Price(rate * seconds, "assumed: dearest known motion-control rate", True)
        return Price(rate * seconds, f"Kling motion control {model} {mode}: {rate} units/s")
    if (model, mode) in KLING_UNITS_PER_SECOND:
        rate = KLING_UNITS_PER_SECOND[(model, mode)]
        return Price(rate * seconds, f"Kling {model} {mode}: {rate} units/s")
    like = KLING_ASSUMED_LIKE.get(model)
    five, ten = KLING_UNITS_PER_CLIP[(like or model, mode)]
    units = five if seconds <= 5 else ten if seconds <= 10 else ten * seconds / 10
    if like:
        return Price(units, f"assumed: {model} priced like {like} {mode}", True)
    return Price(units, f"Kling {model} {mode}: {five:g}/{ten:g} units per 5/10 s")


def _kling_sound_units(model: str, mode: str, seconds: float) -> Price:
    rate = KLING_SOUND_UNITS_PER_SECOND.get((model, mode))
    if rate is not None:
        return Price(rate * seconds, f"Kling {model} {mode} with sound: {rate} units/s")
    if (model, mode) in KLING_SOUND_UNITS_PER_CLIP:
        five, ten = KLING_SOUND_UNITS_PER_CLIP[(model, mode)]
        return Price(five if seconds <= 5 else ten, f"Kling {model} {mode} with sound: "
                     f"{five:g}/{ten:g} units per 5/10 s", assumed=seconds > 5)
    rate = max(KLING_SOUND_UNITS_PER_SECOND.values())
    return Price(rate * seconds, "assumed: dearest known rate with sound", True)


def kling_price(model: str, mode: str, seconds: float, *, motion_control: bool = False,
                sound: bool = False, video_reference: bool = False) -> Price:
    units = kling_units(model, mode, seconds, motion_control=motion_control, sound=sound,
                        video_reference=video_reference)
    usd = round(units.usd * KLING_USD_PER_UNIT, 4)
    return Price(usd, f"{units.source} x ${KLING_USD_PER_UNIT}/unit", units.assumed)


# Runway's own setup guide (https://docs.dev.runwayml.com/guides/setup, seen 2026-12-01): "A
# minimum payment of $10 (at $0.01 per credit)". Terminal tasks report the credits charged
# (``cost.credits``, runwayml >= 5.16), so this rate converts what Runway reports; the per-model
# credit list below is only for estimates before a run.
RUNWAY_USD_PER_CREDIT = 0.01
RUNWAY_CREDITS_PER_SECOND: dict[str, float] = {
    "gen4_turbo": 5,
    "gen4.5": 12,
    "gen4_aleph": 15,  # retired model; aleph2 (its replacement) borrows this rate
    "act_two": 5,
    "veo3.1": 40,  # notes give 20-40; the upper bound
    "veo3.1_fast": 15,  # notes give 10-15; the upper bound
}
RUNWAY_ASSUMED_LIKE = {"gen3a_turbo": "gen4_turbo", "aleph2": "gen4_aleph"}


def runway_price(model: str, seconds: float) -> Price:
    like = RUNWAY_ASSUMED_LIKE.get(model)
    credits = RUNWAY_CREDITS_PER_SECOND[like or model]
    usd = round(credits * seconds * RUNWAY_USD_PER_CREDIT, 4)
    if like:
        return Price(usd, f"assumed: {model} priced like {like}", True)
    return Price(usd, f"Runway {model}: {credits:g} credits/s x ${RUNWAY_USD_PER_CREDIT}/credit")


# (model, resolution) -> USD for a 5 s and a 9 s ray-2 clip.
LUMA_RAY2_USD: dict[str, tuple[float, float]] = {
    "540p": (0.40, 0.72),
    "720p": (0.71, 1.27),
    "1080p": (1.59, 2.87),
    "4k": (6.37, 11.47),
}
LUMA_FLASH_FACTOR = 2.19 / 6.37  # the one ray-flash-2 price known (4k 5 s) against ray-2's


def luma_price(model: str, resolution: str, seconds: float) -> Price:
    five, nine = LUMA_RAY2_USD[resolution]
    usd = five if seconds <= 5 else nine
    if model == "ray-flash-2":
        if resolution == "4k" and seconds <= 5:
            return Price(2.19, "Luma ray-flash-2 4k 5 s")
        return Price(round(usd * LUMA_FLASH_FACTOR, 4),
                     "assumed: ray-2 price scaled by the known ray-flash-2 4k ratio", True)
    return Price(usd, f"Luma ray-2 {resolution}: ${five}/${nine} per 5/9 s")


REPLICATE_USD_PER_SECOND: dict[str, float] = {
    "kwaivgi/kling-v2.6": 0.07,
    "kwaivgi/kling-v2.5-turbo-pro": 0.07,
}
REPLICATE_ASSUMED_LIKE = {"kwaivgi/kling-v2.1": "kwaivgi/kling-v2.6"}


def replicate_price(model: str, seconds: float) -> Price:
    like = REPLICATE_ASSUMED_LIKE.get(model)
    rate = REPLICATE_USD_PER_SECOND[like or model]
    usd = round(rate * math.ceil(seconds), 4)
    if like:
        return Price(usd, f"assumed: {model} priced like {like}", True)
    return Price(usd, f"Replicate {model}: ${rate}/s")


FAL_VEO3_USD_PER_SECOND = 0.40  # with audio; the notes do not say whether audio is on by default


# fal's own prices, audio off (fal.ai/models/<app>/llms.txt, seen 2026-12-01): v2.6 pro
# "$0.07 (audio off)" per second; v2.5-turbo pro "$0.35" for 5 s and "$0.07" per further second;
# v2.1 master "$1.40" for 5 s and "$0.28" per further second. These apps render 5 or 10 s.
FAL_KLING_USD_PER_SECOND: dict[str, float] = {
    "fal-ai/kling-video/v2.1/master/text-to-video": 0.28,
    "fal-ai/kling-video/v2.6/pro/text-to-video": 0.07,
    "fal-ai/kling-video/v2.5-turbo/pro/text-to-video": 0.07,
}
# App version in the id -> the Kling native model whose rate an unpriced app borrows.
FAL_NATIVE_LIKE = {"/v3/": "kling-v3", "/v2.6/": "kling-v2-6", "/v2.5-turbo/": "kling-v2-5-turbo",
                   "/master/": "kling-v2-1-master"}


def fal_price(model: str, mode: str, seconds: float) -> Price:
    """fal's published rate where known (Veo 3, three Kling apps); others borrow Kling's own."""
    if model.startswith("fal-ai/veo3"):
        usd = round(FAL_VEO3_USD_PER_SECOND * seconds, 4)
        return Price(usd, f"fal Veo 3: ${FAL_VEO3_USD_PER_SECOND}/s (with audio)")
    if model in FAL_KLING_USD_PER_SECOND:
        rate = FAL_KLING_USD_PER_SECOND[model]
        return Price(round(rate * math.ceil(seconds), 4),
                     f"fal {model}: ${rate}/s, audio off")
    native = next((like for marker, like in FAL_NATIVE_LIKE.items() if marker in model),
                  "kling-v2-1")
    native_price = kling_price(native, mode, seconds, motion_control=model.endswith("motion-control"))
    return Price(native_price.usd, f"assumed: {model} priced like Kling native {native} {mode}",
                 True)

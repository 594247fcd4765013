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
# With voices (voice_list) as well (notes 2.9: v2.6 5 s "+voice 6 u"); 10 s assumed twice that.
KLING_VOICE_UNITS_PER_CLIP: dict[tuple[str, str], tuple[float, float]] = {
    ("kling-v2-6", "pro"): (6.0, 12.0),
}
# Kling's v3 voice rate is not in the notes: fal's v3 pages charge $0.154 against $0.126 a
# second (standard) for voice control over audio, 1.22 times; assumed on Kling's own audio rate.
KLING_VOICE_FACTOR_ASSUMED = 0.154 / 0.126
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
                sound: bool = False, video_reference: bool = False, voices: bool = False
                ) -> Price:
    """The charge in Kling units (``Price.usd`` holds units here); ``kling_price`` converts."""
    if sound and voices:
        return _kling_voice_units(model, mode, seconds)
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


def _kling_voice_units(model: str, mode: str, seconds: float) -> Price:
    if (model, mode) in KLING_VOICE_UNITS_PER_CLIP:
        five, ten = KLING_VOICE_UNITS_PER_CLIP[(model, mode)]
        return Price(five if seconds <= 5 else ten, f"Kling {model} {mode} with sound and "
                     f"voices: {five:g}/{ten:g} units per 5/10 s", assumed=seconds > 5)
    sound = _kling_sound_units(model, mode, seconds)
    return Price(sound.usd * KLING_VOICE_FACTOR_ASSUMED, f"assumed: {sound.source}, x "
                 f"{KLING_VOICE_FACTOR_ASSUMED:.2f} for voices (fal's v3 voice-control ratio)",
                 True)


def kling_price(model: str, mode: str, seconds: float, *, motion_control: bool = False,
                sound: bool = False, video_reference: bool = False, voices: bool = False
                ) -> Price:
    units = kling_units(model, mode, seconds, motion_control=motion_control, sound=sound,
                        video_reference=video_reference, voices=voices)
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


@dataclass(frozen=True)
class FalRate:
    """USD a second of one fal app: audio off, audio on, audio with voice control (None: the
    app has no audio, or no published rate for it: see ``sound_like``)."""

    off: float
    on: float | None = None
    voice: float | None = None
    source: str = ""
    sound_like: str | None = None  # an app whose audio rates this one borrows (assumed)


_FAL = "fal-ai/kling-video"
# fal's own prices (fal.ai/models/<app>/llms.txt or its playground page, seen 2026-12-02):
# v2.1 master "$1.40" for 5 s and "$0.28" per further second; v2.5-turbo pro "$0.35" for 5 s and
# "$0.07" per further second (no audio); v2.6 pro image-to-video "$0.07 per second" without
# audio, "$0.14" with native audio, "$0.168" with audio and voice control; v3 standard
# text-to-video "$0.084 (audio off) or $0.126 (audio on)", "$0.154" with voice control; v3 pro
# image-to-video "$0.112 (audio off) or $0.168 (audio on)", "$0.196" with voice control.
FAL_KLING_RATES: dict[str, FalRate] = {
    f"{_FAL}/v2.1/master/text-to-video": FalRate(0.28, source="fal v2.1 master"),
    f"{_FAL}/v2.5-turbo/pro/text-to-video": FalRate(0.07, source="fal v2.5-turbo pro"),
    f"{_FAL}/v2.6/pro/image-to-video": FalRate(0.07, 0.14, 0.168, "fal v2.6 pro image-to-video"),
    # its page gives the same $0.07 without audio; its audio rates are the image app's
    f"{_FAL}/v2.6/pro/text-to-video": FalRate(0.07, source="fal v2.6 pro text-to-video",
                                              sound_like=f"{_FAL}/v2.6/pro/image-to-video"),
    f"{_FAL}/v3/standard/text-to-video": FalRate(0.084, 0.126, 0.154, "fal v3 standard "
                                                 "text-to-video"),
    f"{_FAL}/v3/pro/image-to-video": FalRate(0.112, 0.168, 0.196, "fal v3 pro image-to-video"),
}
# Apps with no page of their own in the notes: the same tier's other app, all rates assumed.
FAL_ASSUMED_LIKE = {f"{_FAL}/v3/pro/text-to-video": f"{_FAL}/v3/pro/image-to-video",
                    f"{_FAL}/v3/standard/image-to-video": f"{_FAL}/v3/standard/text-to-video"}
# App version in the id -> the Kling native model whose rate an unpriced app borrows.
FAL_NATIVE_LIKE = {"/v3/": "kling-v3", "/v2.6/": "kling-v2-6", "/v2.5-turbo/": "kling-v2-5-turbo",
                   "/master/": "kling-v2-1-master"}


def fal_price(model: str, mode: str, seconds: float, *, sound: bool = False,
              voices: bool = False) -> Price:
    """fal's published rate where known (Veo 3, the Kling apps above, audio on or off as the
    request asks: fal bills audio per second); others borrow Kling's own."""
    if model.startswith("fal-ai/veo3"):
        usd = round(FAL_VEO3_USD_PER_SECOND * seconds, 4)
        return Price(usd, f"fal Veo 3: ${FAL_VEO3_USD_PER_SECOND}/s (with audio)")
    like = FAL_ASSUMED_LIKE.get(model)
    rate = FAL_KLING_RATES.get(like or model)
    if rate is not None:
        per_second, words, assumed = _fal_rate(rate, sound, voices)
        usd = round(per_second * math.ceil(seconds), 4)
        if like:
            return Price(usd, f"assumed: {model} priced like {like}: ${per_second}/s, {words}",
                         True)
        return Price(usd, f"{rate.source}: ${per_second}/s, {words}", assumed)
    native = next((like for marker, like in FAL_NATIVE_LIKE.items() if marker in model),
                  "kling-v2-1")
    native_price = kling_price(native, mode, seconds, motion_control=model.endswith("motion-control"),
                               sound=sound)
    return Price(native_price.usd, f"assumed: {model} priced like Kling native {native} {mode}"
                 + (" with sound" if sound else ""), True)


def _fal_rate(rate: FalRate, sound: bool, voices: bool) -> tuple[float, str, bool]:
    """The per-second rate, its words, and whether it is assumed."""
    if not sound:
        return rate.off, "audio off", False
    source = FAL_KLING_RATES[rate.sound_like] if rate.sound_like else rate
    per_second = source.voice if voices else source.on
    words = "audio with voice control" if voices else "audio on"
    if per_second is None:  # no audio rate published: the dearest known fal Kling one
        dearest = max(r.voice or r.on or 0.0 for r in FAL_KLING_RATES.values())
        return dearest, f"{words} (assumed: the dearest fal Kling audio rate)", True
    if rate.sound_like:
        return per_second, f"{words} (assumed: {rate.sound_like}'s audio rate)", True
    return per_second, words, False

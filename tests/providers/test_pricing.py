import pytest

from reelgate.providers.pricing import (
    fal_price,
    kling_price,
    kling_units,
    luma_price,
    replicate_price,
    runway_price,
)


@pytest.mark.parametrize(("model", "mode", "seconds", "units"), [
    ("kling-v2-5-turbo", "std", 5, 1.5), ("kling-v2-5-turbo", "pro", 10, 5.0),
    ("kling-v2-1", "pro", 5, 3.5), ("kling-v2-1-master", "std", 10, 20.0),
    ("kling-v3", "pro", 7, 5.6),
])
def test_kling_units_follow_the_table(model: str, mode: str, seconds: float,
                                      units: float) -> None:
    price = kling_units(model, mode, seconds, motion_control=False)
    assert price.usd == pytest.approx(units) and not price.assumed


def test_kling_usd_is_units_times_rate_and_assumptions_are_marked() -> None:
    assert kling_price("kling-v2-6", "pro", 5).usd == pytest.approx(0.35)
    assert kling_price("kling-v2-6", "std", 6, motion_control=True).usd == pytest.approx(0.42)
    v1 = kling_price("kling-v1", "std", 5)
    assert v1.assumed and "priced like kling-v2-1" in v1.source


def test_other_providers() -> None:
    assert runway_price("gen4.5", 10).usd == pytest.approx(1.2)
    assert luma_price("ray-2", "720p", 9).usd == pytest.approx(1.27)
    assert luma_price("ray-flash-2", "4k", 5).usd == pytest.approx(2.19)
    assert luma_price("ray-flash-2", "720p", 5).assumed
    assert replicate_price("kwaivgi/kling-v2.6", 5).usd == pytest.approx(0.35)
    assert fal_price("fal-ai/veo3", "pro", 8).usd == pytest.approx(3.2)
    assert fal_price("fal-ai/kling-video/v3/pro/text-to-video", "pro", 5).assumed


def test_fal_apps_with_a_published_rate_use_it() -> None:
    # fal's pages: v2.1 master $1.40 for 5 s and $0.28 per further second; v2.6 pro $0.07/s.
    master = "fal-ai/kling-video/v2.1/master/text-to-video"
    assert fal_price(master, "pro", 5).usd == pytest.approx(1.40)
    assert fal_price(master, "pro", 10).usd == pytest.approx(2.80) and not fal_price(
        master, "pro", 10).assumed
    assert fal_price("fal-ai/kling-video/v2.6/pro/text-to-video", "pro", 10).usd == (
        pytest.approx(0.70))
    # fal's v3 standard page: $0.084/s with audio off.
    assert fal_price("fal-ai/kling-video/v3/standard/text-to-video", "std", 10).usd == (
        pytest.approx(0.84))


def test_fal_prices_sound_and_voices_where_its_pages_do() -> None:
    v3 = "fal-ai/kling-video/v3/standard/text-to-video"
    silent, loud = fal_price(v3, "std", 5), fal_price(v3, "std", 5, sound=True)
    voiced = fal_price(v3, "std", 5, sound=True, voices=True)
    # "$0.084 (audio off) or $0.126 (audio on) ... voice control $0.154"
    assert (silent.usd, loud.usd, voiced.usd) == pytest.approx((0.42, 0.63, 0.77))
    assert not (silent.assumed or loud.assumed or voiced.assumed) and "audio on" in loud.source
    # v2.6 pro text-to-video: audio rates borrowed from its image-to-video page, said so
    borrowed = fal_price("fal-ai/kling-video/v2.6/pro/text-to-video", "pro", 5, sound=True)
    assert borrowed.usd == pytest.approx(0.70) and borrowed.assumed
    # an app with no page in the notes borrows its tier's other app, all rates assumed
    native = fal_price("fal-ai/kling-video/v3/standard/image-to-video", "std", 5, sound=True)
    assert native.assumed and native.usd == pytest.approx(0.63)


def test_runway_aleph2_is_priced_and_said_to_be_assumed() -> None:
    price = runway_price("aleph2", 5)
    assert price.assumed and price.usd == pytest.approx(0.75) and "gen4_aleph" in price.source

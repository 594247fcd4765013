import pytest
from pydantic import ValidationError

from reelgate.preset.camera import parse_camera
from reelgate.request import ProviderChoice
from tests.providers.factories import make_request


def test_key_names_preset_point_and_repeat() -> None:
    assert make_request().key == "hero-shot/mid"
    assert make_request(repeat=2, sweep_point="mid-high").key == "hero-shot/mid-high-2"


def test_fingerprint_ignores_labels_but_not_content() -> None:
    base = make_request()
    assert base.fingerprint() == make_request(preset_version="4").fingerprint()
    assert base.fingerprint() == make_request(preset_id="renamed", sweep_point="x").fingerprint()
    for change in ({"prompt": "a grey wolf"}, {"motion_score": 6}, {"repeat": 1}, {"seed": 7},
                   {"camera": parse_camera("slow pan right")}, {"model": "kling-v3"}):
        assert make_request(**change).fingerprint() != base.fingerprint(), change


def test_fingerprint_is_stable_sha256_of_normalised_text() -> None:
    spaced = make_request(prompt="  a red fox   trots through\nfresh snow at dawn ")
    assert spaced.prompt == "a red fox trots through fresh snow at dawn"
    assert spaced.fingerprint() == make_request().fingerprint()
    assert len(spaced.fingerprint()) == 64


def test_negative_prompt_is_cleaned_and_hashable() -> None:
    request = make_request(negative_prompt=["blur ", "", "blur", "watermark"])
    assert request.negative_prompt == ("blur", "watermark")
    assert hash(request) == hash(make_request(negative_prompt=["blur", "watermark"]))


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("reference_image", "refs/fox.png", "absolute path"),
        ("aspect_ratio", "wide", "W:H"),
        ("prompt", "   ", "blank"),
        ("motion_score", 11, "less than or equal to 10"),
        ("resolution", "720", "Input should be"),
    ],
)
def test_bad_values_are_refused_with_the_fix(field: str, value: object, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        make_request(**{field: value})


def test_references_accept_urls_and_absolute_paths() -> None:
    request = make_request(reference_image="/abs/fox.png",
                           reference_video="https://cdn.example.com/walk.mp4")
    assert request.reference_image == "/abs/fox.png"


def test_retarget_switches_provider_and_keeps_the_rest() -> None:
    request = make_request(failover=ProviderChoice(name="replicate", model="kwaivgi/kling-v2.6"))
    assert request.failover is not None
    moved = request.retarget(request.failover)
    assert (moved.provider, moved.model, moved.mode) == ("replicate", "kwaivgi/kling-v2.6", None)
    assert moved.prompt == request.prompt and moved.key == request.key


def test_request_is_frozen() -> None:
    with pytest.raises(ValidationError):
        make_request().duration = 10  # type: ignore[misc]

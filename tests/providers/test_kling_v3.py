"""Kling 3.0 in the adapter: multi-shot, sound, end frames, elements, and the omni-video mode.

Bodies are checked against Kling's official API reference (Text-to-Video, Image-to-Video and
Omni-Video "Create Task", https://app.klingai.com/global/dev/document-api/apiReference/model/...),
as summarised in ``reelgate.providers.kling_v3``.
"""

from pathlib import Path

import pytest

from reelgate.cassettes.fingerprint import fingerprint, normalized
from reelgate.plan.capabilities import check_capabilities
from reelgate.preset.camera import parse_camera
from reelgate.providers.kling import KlingProvider
from reelgate.request import ShotRequest
from tests.providers.factories import make_provider, make_request, run_render
from tests.providers.test_kling import kling_flow

SHOTS = (ShotRequest(prompt="Wide shot of a kitchen at night", duration=2,
                     camera=parse_camera("locked")),
         ShotRequest(prompt="Close-up of old hands turning a letter", duration=3,
                     camera=parse_camera("slow push-in")))
IMAGE = "https://cdn.example/first.png"
END = "https://cdn.example/last.png"
VIDEO = "https://cdn.example/ref.mp4"


def _body(**overrides: object) -> tuple[str, dict]:
    call = KlingProvider(()).build_submit(make_request(**overrides))
    return call.path, dict(call.json or {})


def errors(**overrides: object) -> dict[str, str]:
    return {i.field: i.message for i in check_capabilities(make_request(**overrides))
            if i.severity == "error"}


def test_custom_shots_become_multi_prompt_with_whole_second_strings() -> None:
    path, body = _body(model="kling-v3", shots=SHOTS)
    assert path == "/v1/videos/text2video"
    assert body["multi_shot"] is True and body["shot_type"] == "customize"
    assert [(s["index"], s["duration"]) for s in body["multi_prompt"]] == [(1, "2"), (2, "3")]
    assert body["multi_prompt"][1]["prompt"].startswith("Close-up of old hands")
    assert "push-in" in body["multi_prompt"][1]["prompt"]  # each shot carries its own camera
    assert "prompt" not in body  # Kling ignores the main prompt with customize shots
    assert body["sound"] == "off" and body["duration"] == "5"


def test_intelligence_sends_the_prompt_and_no_shots() -> None:
    _, body = _body(model="kling-v3", shot_type="intelligence")
    assert body["multi_shot"] is True and body["shot_type"] == "intelligence"
    assert "multi_prompt" not in body and body["prompt"].startswith("a red fox")


def test_sound_is_sent_from_the_request_and_priced() -> None:
    _, body = _body(model="kling-v3", sound="on")
    assert body["sound"] == "on"
    silent = KlingProvider.list_price(make_request(model="kling-v3", mode="std"))
    loud = KlingProvider.list_price(make_request(model="kling-v3", mode="std", sound="on"))
    assert loud.usd == pytest.approx(silent.usd * 1.5)  # 0.9 against 0.6 units a second
    _, v26 = _body(model="kling-v2-6")
    assert "sound" not in v26  # v2.6 keeps its documented default, off


def test_image_tail_and_elements_on_image_to_video() -> None:
    path, body = _body(model="kling-v3", mode="pro", resolution="1080p", reference_image=IMAGE,
                       end_image=END, elements=(11, 12))
    assert path == "/v1/videos/image2video"
    assert body["image"] == IMAGE and body["image_tail"] == END
    assert body["element_list"] == [{"element_id": 11}, {"element_id": 12}]


def test_omni_models_use_the_omni_endpoint_with_its_lists() -> None:
    path, body = _body(model="kling-v3-omni", reference_image=IMAGE, end_image=END,
                       reference_video=VIDEO, elements=(7,), shots=SHOTS)
    assert path == "/v1/videos/omni-video"
    assert body["image_list"] == [{"image_url": IMAGE, "type": "first_frame"},
                                  {"image_url": END, "type": "end_frame"}]
    assert body["video_list"] == [{"video_url": VIDEO, "refer_type": "feature",
                                   "keep_original_sound": "no"}]
    assert body["element_list"] == [{"element_id": 7}]
    assert "aspect_ratio" not in body and "negative_prompt" not in body


def test_omni_single_shot_prompt_names_its_inputs() -> None:
    _, body = _body(model="kling-video-o1", reference_video=VIDEO, video_refer="base")
    assert body["prompt"].startswith("Edit <<<video_1>>>:")
    assert body["video_list"][0]["refer_type"] == "base"
    assert "aspect_ratio" not in body  # an edit keeps the video's frame
    _, text_only = _body(model="kling-video-o1")
    assert text_only["aspect_ratio"] == "16:9" and "video_list" not in text_only


def test_capability_gaps_are_errors_at_the_field() -> None:
    assert "renders a single shot" in errors(model="kling-v2-6", mode="pro", resolution="1080p",
                                             shots=SHOTS)["shots"]
    assert "single shot" in errors(model="kling-video-o1", shot_type="intelligence")["shot_type"]
    assert "renders no audio" in errors(model="kling-video-o1", sound="on")["sound"]
    assert "pro mode only" in errors(model="kling-v2-6", sound="on")["sound"]
    assert "no end frame" in errors(model="kling-v2-6", reference_image=IMAGE, end_image=END,
                                    mode="pro", resolution="1080p")["reference.end_image"]
    assert "image-to-video only" in errors(model="kling-v3", elements=(1,))["reference.elements"]
    assert "no sound with a reference video" in errors(
        model="kling-v3-omni", reference_video=VIDEO, sound="on")["sound"]
    assert "no multi-shot clip to an end frame" in errors(
        model="kling-v3", reference_image=IMAGE, end_image=END, shots=SHOTS)["reference.end_image"]
    long = (ShotRequest(prompt="x" * 500, duration=2), ShotRequest(prompt="y", duration=3))
    assert "512 characters" in errors(model="kling-v3", shots=long)["shots[0].prompt"]
    assert errors(model="kling-v3", shots=SHOTS, sound="on") == {}


def test_a_request_without_kling3_fields_keeps_its_fingerprint() -> None:
    """Recordings made before these fields existed still replay."""
    request = make_request()
    data = normalized(request)
    assert not {"shots", "shot_type", "sound", "end_image", "elements", "video_refer"} & set(data)
    assert fingerprint(data) != fingerprint(normalized(make_request(sound="on")))


def test_a_multi_shot_render_runs_through_the_adapter(tmp_path: Path) -> None:
    recorder = kling_flow(final_units="3.0")
    result = run_render(make_provider("kling", recorder), make_request(model="kling-v3",
                                                                       shots=SHOTS), tmp_path)
    (create,) = recorder.calls("POST")
    assert create.url.path == "/v1/videos/text2video" and result.cost_usd == pytest.approx(0.42)


def test_the_fal_v3_failover_takes_the_shots_and_the_sound() -> None:
    from reelgate.providers.fal import FalProvider

    request = make_request(provider="fal", model="fal-ai/kling-video/v3/standard/text-to-video",
                           shots=SHOTS, sound="on")
    body = dict(FalProvider(()).build_submit(request).json or {})
    assert "prompt" not in body and body["shot_type"] == "customize"  # fal: not both
    assert [s["duration"] for s in body["multi_prompt"]] == ["2", "3"]
    assert body["generate_audio"] is True
    assert errors(provider="fal", model="fal-ai/kling-video/v2.6/pro/text-to-video",
                  resolution="1080p", shots=SHOTS)["shots"].startswith("fal ")


def test_voices_go_to_fal_as_voice_ids_and_are_priced_as_voice_control() -> None:
    from reelgate.providers.fal import FalProvider

    app = "fal-ai/kling-video/v3/standard/text-to-video"
    request = make_request(provider="fal", model=app, sound="on", voices=("v-1", "v-2"))
    body = FalProvider(()).build_submit(request).json or {}
    assert body["voice_ids"] == ["v-1", "v-2"] and body["generate_audio"] is True
    assert FalProvider.list_price(request).usd == pytest.approx(0.154 * 5)  # fal's page
    assert "voice_ids" not in (FalProvider(()).build_submit(make_request(
        provider="fal", model=app)).json or {})


def test_voices_and_elements_together_are_refused_on_image_to_video() -> None:
    found = errors(model="kling-v3", reference_image=IMAGE, elements=(7,), sound="on",
                   voices=("v-1",))
    assert "voice_list or element_list, not both" in found["voices"]
    assert "voices" not in errors(model="kling-v3", sound="on", voices=("v-1",))
